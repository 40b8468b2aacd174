use std::path::PathBuf;

use lmcpress::build::Outcome;
use lmcpress::diag::Problem;
use lmcpress::pipeline;

#[derive(clap::Args)]
pub struct Args {
    /// The project folder (holding content/ and templates/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Typeset every document, not only one of each template and language (as long as a
    /// full build): a picture typst cannot read, or a document that no longer fits, shows.
    #[arg(long)]
    typeset: bool,
}

/// Loads and validates everything, then renders every document in memory and typesets one of
/// each template and language (every one with `--typeset`), so that template and typst errors
/// show too, each once. Nothing is written.
pub fn run(args: Args) -> Result<bool, Problem> {
    let loaded = pipeline::load(&super::root_or_cwd(args.root))?;
    let project = &loaded.project;
    let mut drafts = lmcpress::load::translated::draft_warnings(&project.documents);
    let today = lmcpress::load::dates::source_date().unwrap_or_else(lmcpress::load::dates::today);
    drafts.extend(lmcpress::editions::review::section_warnings(project, today));
    drafts.extend(lmcpress::load::project::phone_warnings(project));
    let (jobs, reports) = pipeline::check(&loaded, args.typeset);
    let all: Vec<&Problem> =
        project.problems.iter().chain(&drafts).chain(reports.iter().flat_map(|r| &r.problems)).collect();
    let (errors, warnings) = super::print_distinct(all);
    // A document can fail for a reason already printed (a template that did not load).
    let failed = reports.iter().filter(|r| r.outcome == Outcome::Failed && r.problems.is_empty()).count();
    let errors = errors + failed;
    if errors == 0 {
        // Said once, after everything else, and only when nothing more urgent is wrong.
        let leftovers = lmcpress::load::leftovers::warnings(project);
        let (_, placeholders) = super::print_distinct(&leftovers);
        let warnings = warnings + placeholders;
        sign_off_summary(project);
        say!(
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

/// Where sign-off stands, said once: nothing is reviewed, or how many files practices do not
/// get yet.
fn sign_off_summary(project: &lmcpress::load::project::Project) {
    let view = &project.approval;
    if !view.required {
        say!(
            "note: nothing in this project is reviewed before practices get it; add `approval: required` and your people to content/lmc.yaml so that a named second person approves each file"
        );
        return;
    }
    let unapproved = view.drafts().count();
    let waiting = view.drafted.len();
    if unapproved > 0 {
        say!(
            "note: {} never approved: built marked as drafts and given to no practice (`lmcpress review` lists them)",
            super::plural(unapproved, "file")
        );
    }
    if waiting > 0 {
        say!(
            "note: {} changed since approval: practices keep the approved version until the new one is approved",
            super::plural(waiting, "file")
        );
    }
}
