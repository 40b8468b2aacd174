use std::path::PathBuf;

use lmcpress::project::Project;

#[derive(clap::Args)]
pub struct Args {
    /// The project folder (holding content/ and templates/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Loads and validates everything, and renders every job's template without typesetting
/// nothing is written.
pub fn run(args: Args) -> anyhow::Result<bool> {
    let project = Project::load(&super::root_or_cwd(args.root))?;
    super::print_problems(&project.problems);
    let jobs = lmcpress::plan::plan(&project, &Default::default());
    let mut failed = 0;
    for job in &jobs {
        if let Err(p) = lmcpress::render::render_job(&project, job, None, None) {
            super::print_problems([&p]);
            failed += 1;
        }
    }
    let errors = project.problems.iter().filter(|p| p.is_error()).count() + failed;
    let warnings = project.problems.len() - project.problems.iter().filter(|p| p.is_error()).count();
    if errors == 0 {
        eprintln!(
            "checked {} practices, {} documents and {} jobs: no errors{}",
            project.practices.len(),
            project.documents.len(),
            jobs.len(),
            if warnings > 0 { format!(", {warnings} warnings") } else { String::new() }
        );
    } else {
        eprintln!("check found {errors} errors");
    }
    Ok(errors == 0)
}
