use std::path::PathBuf;

use lmcpress::approval::view::View;
use lmcpress::diag::Problem;
use lmcpress::editions::{self, Comparison, DocChange, DocStatus, Edition, EditionName};
use lmcpress::load::project::ensure_project;

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// Compare with this archived edition (such as 2025/26) [default: the latest archived].
    #[arg(long, value_name = "EDITION", value_parser = EditionName::parse)]
    since: Option<EditionName>,
    #[command(flatten)]
    root: super::Root,
    /// `text` for people, `json` for scripts.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let root = args.root.dir();
    ensure_project(&root)?;
    let current = Edition::load(&root.join("content"), &View::none());
    let archives = editions::archives(&root);
    let (since, dir) = match args.since {
        Some(name) => match archives.iter().find(|(n, _)| *n == name) {
            Some(found) => found.clone(),
            None => {
                return Err(Problem::general(format!(
                    "no archive of the {name} edition: `{}` does not exist",
                    super::shown(&root.join(editions::EDITIONS_DIR).join(name.slug())),
                ))
                .hint(archived_list(&archives)));
            }
        },
        None => {
            match editions::previous(&root, current.name.as_deref()) {
                Some(found) => found,
                None => {
                    return Err(Problem::general(format!(
                    "no earlier edition to compare with in `{}`",
                    super::shown(&root.join(editions::EDITIONS_DIR))
                ))
                .hint("`lmcpress edition new NEXT` archives the current edition before you start the next one"));
                }
            }
        }
    };
    let comparison = editions::compare(&since.to_string(), &Edition::load(&dir, &View::none()), &current);
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "edition": current.name,
                "since": comparison.since,
                "archive": dir.strip_prefix(&root).unwrap_or(&dir),
                "sections": comparison.sections,
                "posters": comparison.posters,
                "letters": comparison.letters,
            });
            println!("{}", serde_json::to_string_pretty(&json).map_err(|e| Problem::general(e.to_string()))?);
        }
        Format::Text => print!("{}", text(&comparison, current.name.as_deref())),
    }
    let content = std::path::Path::new("content");
    let unnoted = editions::review::missing_change_notes(&comparison, &current, content);
    super::print_distinct(unnoted.iter());
    Ok(true)
}

fn archived_list(archives: &[(EditionName, PathBuf)]) -> String {
    if archives.is_empty() {
        return "no edition has been archived yet".into();
    }
    let names: Vec<String> = archives.iter().map(|(n, _)| n.to_string()).collect();
    format!("archived editions: {}", names.join(", "))
}

fn text(c: &Comparison, current: Option<&str>) -> String {
    let edition = current.map(|e| format!("the {e} edition")).unwrap_or_else(|| "content/".into());
    if c.is_empty() {
        return format!("no changes in {edition} since the {} edition\n", c.since);
    }
    let mut out = format!("changes in {edition} since the {} edition\n", c.since);
    if !c.sections.is_empty() {
        out.push_str("\nguide sections:\n");
        for s in &c.sections {
            out.push_str(&format!("  {}: {}\n", s.title, s.describe().join("; ")));
        }
    }
    for (label, docs) in [("posters", &c.posters), ("letters", &c.letters)] {
        if !docs.is_empty() {
            out.push_str(&format!("\n{label}:\n"));
            for DocChange { slug, title, status, .. } in docs {
                let what = match status {
                    DocStatus::New => "new",
                    DocStatus::Changed => "changed",
                    DocStatus::Removed => "removed",
                };
                out.push_str(&format!("  {title} ({slug}): {what}\n"));
            }
        }
    }
    out
}
