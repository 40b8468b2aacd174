use lmcpress::build::fingerprint::{self, Check, Settings};
use lmcpress::build::{BuildOptions, Outcome};
use lmcpress::diag::Problem;
use lmcpress::pipeline::{self, Scope};
use lmcpress::write::manifest::Manifest;

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
    /// Also write each practice's pack, `packs/<ODS>.zip`: every file the practice gets, in
    /// folders, with a README. Without it, packs are made when downloaded from `serve` or
    /// attached by `notify`, and packs left from an earlier `--packs` build are removed.
    #[arg(long)]
    packs: bool,
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let (root, out) = args.project.folders();
    lmcpress::write::ensure_writable(&out)?;
    lmcpress::load::project::ensure_project(&root)?;
    let whole = args.practices.is_empty();
    let settings = Settings { packs: args.packs, emit_typst: args.emit_typst };
    // Taken before loading, so that a file changed while the build reads it shows next time.
    let start = std::time::Instant::now();
    let inputs = match (whole, args.force) {
        (false, _) => None,
        (true, true) => Some(fingerprint::inputs(&root, &out, settings)),
        (true, false) => match fingerprint::check(&root, &out, settings) {
            Check::Unchanged(documents) => {
                lmcpress::timings::stage("fingerprint", start);
                let secs = start.elapsed().as_secs_f64();
                say!(
                    "built 0 documents, {documents} unchanged, 0 failed in {secs:.2} s → {}",
                    super::shown(&out)
                );
                return Ok(true);
            }
            Check::Changed(inputs) => Some(inputs),
        },
    };
    let manifest = Manifest::read_ahead(&out);
    let loaded = pipeline::load(&root)?;
    let project = &loaded.project;
    super::print_problems(&project.problems);
    let scope = if args.practices.is_empty() { Scope::Everything } else { Scope::Practices(&args.practices) };
    let options = BuildOptions {
        out: out.clone(),
        emit_typst: args.emit_typst,
        force: args.force,
        ..BuildOptions::default()
    };
    let planned = pipeline::plan(&loaded, scope, args.packs)?.with_manifest(manifest);
    let progress = Progress::new(planned.to_run(), super::quiet());
    let outcome = pipeline::build(&loaded, planned, &options, &|job| progress.job_done(job));
    progress.finish();
    let report = &outcome.report;
    let failed = report.count(Outcome::Failed) + project.broken_inputs.len();
    let built = report.count(Outcome::Built);
    let secs = report.elapsed.as_secs_f64();
    say!(
        "built {}, {} unchanged, {} failed{} in {secs:.2} s{} → {}",
        super::plural(built, "document"),
        report.count(Outcome::Skipped),
        failed,
        if report.removed.is_empty() {
            String::new()
        } else {
            format!(", {} removed", super::plural(report.removed.len(), "file"))
        },
        if built >= 50 { format!(" ({})", super::progress::rate(built, secs)) } else { String::new() },
        super::shown(&out)
    );
    let ok = failed == 0 && !project.has_errors();
    if let Some(inputs) = inputs {
        // Only a build a no-op would repeat word for word is recorded: nothing failed or was
        // warned of while loading, and no drafts await approval.
        let clean = ok
            && project.problems.is_empty()
            && project.approval.drafted.is_empty()
            && fingerprint::all_inside(&project.root, &outcome.jobs, &report.manifest);
        fingerprint::record(&out, &inputs, built + report.count(Outcome::Skipped), clean);
    }
    // The process ends next: freeing the plan, the manifest and the project piece by piece
    // took a tenth of a no-op build of 1,000 practices, for memory the OS takes back anyway.
    std::mem::forget(outcome);
    std::mem::forget(loaded);
    Ok(ok)
}
