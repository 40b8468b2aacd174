//! `lmcpress review`, `submit` and `approve`: sign-off from the terminal, by the same rules as
//! the browser's review pages (the ledger judges both).

use std::path::{Path, PathBuf};

use lmcpress::approval::{self, ledger::Action, rules, state::Stage, view::Settings};
use lmcpress::diag::Problem;
use lmcpress::history::{self, audit};

#[derive(clap::Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    root: super::Root,
    /// List every file that needs approval, approved ones too.
    #[arg(long)]
    all: bool,
}

#[derive(clap::Args)]
pub struct ApproveArgs {
    /// The content files to approve, such as content/guide/05-safe-clinical-limits.md.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Who approves: a person in lmc.yaml's `people:` with the approver role (for a
    /// translation, a translator of its language). Nobody approves their own change.
    #[arg(long = "as", value_name = "NAME")]
    who: String,
    /// Send the files back to their editor with this comment instead of approving them.
    #[arg(long, value_name = "COMMENT")]
    request_changes: Option<String>,
    /// Approve only if the file is still the version `review` showed (the start of its hash).
    #[arg(long, value_name = "HASH")]
    version: Option<String>,
    #[command(flatten)]
    root: super::Root,
}

#[derive(clap::Args)]
pub struct SubmitArgs {
    /// The content files to submit for approval.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Who submits them (their editor), as lmc.yaml's `people:` names them.
    #[arg(long = "as", value_name = "NAME")]
    who: String,
    /// What changed and why, for the approver.
    #[arg(long, value_name = "TEXT")]
    note: String,
    #[command(flatten)]
    root: super::Root,
}

fn project_root(root: super::Root) -> Result<PathBuf, Problem> {
    lmcpress::load::project::canonical_root(&root.dir())
}

/// `file` as a path relative to the project root, given relative to the root or to the
/// current folder.
fn relative(root: &Path, file: &Path) -> Result<String, Problem> {
    let candidates = [root.join(file), file.to_path_buf()];
    let found = candidates.iter().find_map(|c| c.canonicalize().ok().filter(|c| c.starts_with(root)));
    let Some(path) = found else {
        return Err(Problem::general(format!("`{}` is not a file of the project", file.display()))
            .hint("name it from the project folder, such as content/guide/05-safe-clinical-limits.md"));
    };
    let rel = approval::relative(root, &path);
    if !approval::needs_approval(&rel) {
        return Err(Problem::general(format!("`{rel}` does not need approval")).hint(
            "content Markdown files and the project's templates/ need approval; practice profiles do not",
        ));
    }
    Ok(rel)
}

pub fn review(args: ReviewArgs) -> Result<bool, Problem> {
    let root = project_root(args.root)?;
    let settings = Settings::read(&root);
    if !settings.required {
        eprintln!(
            "Approval is not required in this project: documents go to practices as they are. Add `approval: required` and your people to content/lmc.yaml to turn it on."
        );
    }
    let view = approval::view::View::open(&root, approval::view::Mode::Drafts);
    for problem in &view.problems {
        eprintln!("error: {problem}");
    }
    let mut waiting = 0;
    for rel in approval::approvable_files(&root) {
        let bytes = std::fs::read(root.join(&rel)).unwrap_or_default();
        let hash = approval::hash(&bytes);
        let stage = view.book.stage(&rel, &hash);
        if stage == Stage::Approved && !args.all {
            continue;
        }
        waiting += usize::from(stage != Stage::Approved);
        println!("{rel}: {} (version {})", stage.describe(), &hash[..12]);
        match &stage {
            Stage::Awaiting { who, note, time } | Stage::ChangesRequested { who, note, time } => {
                let verb = if matches!(stage, Stage::Awaiting { .. }) { "submitted" } else { "sent back" };
                println!("  {verb} by {who}, {}", approval::state::long_date(time));
                if let Some(note) = note {
                    println!("  \"{note}\"");
                }
            }
            _ => {}
        }
        let approved = view.book.approval(&rel);
        match approved {
            Some(a) => println!("  last approved: {}", a.line()),
            None => println!("  never approved"),
        }
        if stage != Stage::Approved {
            let before = approved.and_then(|a| approval::store::get(&root, &a.hash)).unwrap_or_default();
            print_diff(&String::from_utf8_lossy(&before), &String::from_utf8_lossy(&bytes));
        }
    }
    if waiting == 0 {
        eprintln!("Nothing awaits approval: every content file is approved.");
    } else {
        eprintln!(
            "{} not approved. Approve with: lmcpress approve FILE --as \"NAME\"",
            super::plural(waiting, "file")
        );
    }
    Ok(true)
}

/// The lines changed since the approved version, as a unified diff.
fn print_diff(before: &str, after: &str) {
    let diff = similar::TextDiff::from_lines(before, after);
    let text = diff.unified_diff().context_radius(2).header("approved", "now").to_string();
    for line in text.lines() {
        println!("  {line}");
    }
}

pub fn approve(args: ApproveArgs) -> Result<bool, Problem> {
    let root = project_root(args.root)?;
    let action = if args.request_changes.is_some() { Action::RequestChanges } else { Action::Approve };
    act(&root, &args.files, &args.who, action, args.request_changes, args.version.as_deref())
}

pub fn submit(args: SubmitArgs) -> Result<bool, Problem> {
    let root = project_root(args.root)?;
    act(&root, &args.files, &args.who, Action::Submit, Some(args.note), None)
}

fn act(
    root: &Path,
    files: &[PathBuf],
    who: &str,
    action: Action,
    note: Option<String>,
    version: Option<&str>,
) -> Result<bool, Problem> {
    let settings = Settings::read(root);
    let mut ok = true;
    for file in files {
        let rel = relative(root, file)?;
        let bytes = std::fs::read(root.join(&rel))
            .map_err(|e| Problem::general(format!("failed to read `{rel}`: {e}")))?;
        let hash = approval::hash(&bytes);
        if let Some(v) = version
            && !hash.starts_with(v.trim())
        {
            eprintln!(
                "error: `{rel}` is no longer version {v}: run `lmcpress review` to see what it holds now"
            );
            ok = false;
            continue;
        }
        let authors = match action {
            Action::Approve => match history::authors(root, &rel, &bytes) {
                Ok(a) => a,
                Err(why) => {
                    eprintln!("error: {why}");
                    ok = false;
                    continue;
                }
            },
            _ => Vec::new(),
        };
        let done = rules::record(
            root,
            &settings.people,
            rules::Act {
                action,
                rel: &rel,
                shown: &hash,
                who,
                authors: &authors,
                note: note.clone(),
                via: "terminal",
            },
        )
        .map_err(|e| Problem::general(format!("{e:#}")))?;
        match done {
            Ok(entry) => {
                let what = match action {
                    Action::Approve => audit::Action::Approve,
                    Action::RequestChanges => audit::Action::RequestChanges,
                    Action::Submit => audit::Action::Submit,
                };
                audit::append(root, &audit::Entry::new(&entry.who, what).file(&rel))
                    .map_err(|e| Problem::general(format!("{e:#}")))?;
                say!("{rel}: {} by {} (version {})", action.describe(), entry.who, &hash[..12]);
            }
            Err(refusal) => {
                eprintln!("error: {rel}: {refusal}");
                ok = false;
            }
        }
    }
    if !ok {
        return Err(Problem::general("some files were not signed off; nothing else changed"));
    }
    if action == Action::Approve {
        say!("The next build gives practices the approved version.");
    }
    Ok(true)
}
