use std::path::PathBuf;

use lmcpress::build::Outcome;
use lmcpress::diag::Problem;
use lmcpress::pipeline;

#[derive(clap::Args)]
pub struct Args {
    /// The project folder (holding content/ and templates/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Loads and validates everything, then renders and typesets every document in memory, so
/// that template and typst errors show too. Nothing is written.
pub fn run(args: Args) -> Result<bool, Problem> {
    let loaded = pipeline::load(&super::root_or_cwd(args.root))?;
    let project = &loaded.project;
    super::print_problems(&project.problems);
    let drafts = lmcpress::load::translation::draft_warnings(&project.documents);
    super::print_problems(&drafts);
    let (jobs, reports) = pipeline::check(&loaded);
    for report in &reports {
        super::print_problems(&report.problems);
    }
    let failed = reports.iter().filter(|r| r.outcome == Outcome::Failed).count();
    let errors = project.problems.iter().filter(|p| p.is_error()).count() + failed;
    let warnings = project
        .problems
        .iter()
        .chain(reports.iter().flat_map(|r| &r.problems))
        .filter(|p| !p.is_error())
        .count()
        + drafts.len();
    if errors == 0 {
        eprintln!(
            "checked {} practices, {} content files and {} documents: no errors{}",
            project.practices.len(),
            project.documents.len(),
            jobs,
            if warnings > 0 { format!(", {}", super::plural(warnings, "warning")) } else { String::new() }
        );
    } else {
        eprintln!("check found {}", super::plural(errors, "error"));
    }
    Ok(errors == 0)
}
