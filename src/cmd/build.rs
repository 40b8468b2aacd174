use std::path::PathBuf;

use anyhow::bail;
use lmcpress::build::{self, BuildOptions, Outcome};
use lmcpress::plan::{self, Selection};
use lmcpress::project::Project;

#[derive(clap::Args)]
pub struct Args {
    /// The project folder (holding content/ and templates/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Where to write documents [default: ROOT/output].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Build only this practice's documents (by ODS code); repeat for several. Leaves out the guide.
    #[arg(long = "practice", value_name = "ODS")]
    practices: Vec<String>,
    /// Also write the generated typst source beside each PDF (NAME.typ).
    #[arg(long)]
    emit_typst: bool,
    /// Rebuild every document, even those whose inputs have not changed.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> anyhow::Result<bool> {
    let root = super::root_or_cwd(args.root);
    let project = Project::load(&root)?;
    super::print_problems(&project.problems);
    for ods in &args.practices {
        if project.practice(ods).is_none() {
            let codes: Vec<&str> = project.practices.iter().map(|p| p.ods_code.as_str()).collect();
            bail!("no practice has ODS code `{ods}`\nhint: known codes are {}", codes.join(", "));
        }
    }
    let selection = Selection { practices: (!args.practices.is_empty()).then_some(args.practices) };
    let out = args.out.unwrap_or_else(|| project.root.join("output"));
    let jobs = plan::plan(&project, &selection);
    let options = BuildOptions { out: out.clone(), emit_typst: args.emit_typst, force: args.force };
    let mut report = build::build(&project, &jobs, &options, &|job| super::print_problems(&job.problems));
    if selection.practices.is_none() {
        report.removed = build::prune(&project, &jobs, &out);
    }
    let failed = report.count(Outcome::Failed) + project.broken_inputs.len();
    eprintln!(
        "built {}, {} unchanged, {} failed{} in {:.2} s → {}",
        super::plural(report.count(Outcome::Built), "document"),
        report.count(Outcome::Skipped),
        failed,
        if report.removed.is_empty() { String::new() } else { format!(", {} removed", super::plural(report.removed.len(), "file")) },
        report.elapsed.as_secs_f64(),
        super::shown(&out)
    );
    Ok(failed == 0 && !project.has_errors())
}
