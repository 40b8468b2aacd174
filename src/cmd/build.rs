use anyhow::bail;
use lmcpress::build::{self, BuildOptions, Outcome};
use lmcpress::load::project::Project;
use lmcpress::plan::{self, Selection};

use super::progress::Progress;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: super::ProjectArgs,
    /// Build only this practice's documents (by ODS code); repeat for several. Leaves out the guide.
    #[arg(long = "practice", value_name = "ODS")]
    practices: Vec<String>,
    /// Also write the generated typst source beside each PDF (NAME.typ).
    #[arg(long)]
    emit_typst: bool,
    /// Rebuild every document, even those whose inputs have not changed.
    #[arg(long)]
    force: bool,
    /// Print no progress and no warnings: only errors and nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<bool> {
    let (root, out) = args.project.folders();
    let project = Project::load(&root)?;
    super::print_problems(project.problems.iter().filter(|p| p.is_error() || !args.quiet));
    for ods in &args.practices {
        if project.practice(ods).is_none() {
            let codes: Vec<&str> = project.practices.iter().map(|p| p.ods_code.as_str()).collect();
            bail!("no practice has ODS code `{ods}`\nhint: known codes are {}", codes.join(", "));
        }
    }
    let selection = Selection { practices: (!args.practices.is_empty()).then_some(args.practices) };
    let jobs = plan::plan(&project, &selection);
    let options = BuildOptions {
        out: out.clone(),
        emit_typst: args.emit_typst,
        force: args.force,
        cache_documents: None,
    };
    let progress = Progress::new(jobs.len(), args.quiet);
    let mut report = build::build(&project, &jobs, &options, &|job| progress.job_done(job));
    progress.finish();
    if selection.practices.is_none() {
        report.removed = build::prune(&project, &jobs, &mut report.manifest, &out);
    }
    let failed = report.count(Outcome::Failed) + project.broken_inputs.len();
    let built = report.count(Outcome::Built);
    let secs = report.elapsed.as_secs_f64();
    if !args.quiet {
        eprintln!(
            "built {}, {} unchanged, {} failed{} in {secs:.2} s{} → {}",
            super::plural(built, "document"),
            report.count(Outcome::Skipped),
            failed,
            if report.removed.is_empty() {
                String::new()
            } else {
                format!(", {} removed", super::plural(report.removed.len(), "file"))
            },
            if built >= 50 {
                format!(" ({:.0} documents per second)", built as f64 / secs)
            } else {
                String::new()
            },
            super::shown(&out)
        );
    }
    Ok(failed == 0 && !project.has_errors())
}
