use lmcpress::diag::Problem;
use lmcpress::editions::EditionName;
use lmcpress::load::project::ensure_project;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Archive the current edition into editions/<slug>/ and name the next one in content/lmc.yaml.
    New {
        /// The new edition's contract year, such as 2027/28.
        #[arg(value_name = "EDITION", value_parser = EditionName::parse)]
        name: EditionName,
        #[command(flatten)]
        root: super::Root,
        /// Archive even though some content files are not approved (the archive then holds
        /// words nobody approved).
        #[arg(long)]
        unapproved: bool,
    },
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let Action::New { name, root, unapproved } = args.action;
    let root = root.dir();
    ensure_project(&root)?;
    let root =
        root.canonicalize().map_err(|e| Problem::general(format!("failed to open the project: {e}")))?;
    let view = lmcpress::approval::view::View::open(&root, lmcpress::approval::view::Mode::Drafts);
    let pending: Vec<String> = view.drafts().map(|p| lmcpress::approval::relative(&root, p)).collect();
    if view.required && !pending.is_empty() && !unapproved {
        let mut pending = pending;
        pending.sort();
        return Err(Problem::general(format!(
            "{} not approved, so the edition would be archived with words nobody approved: {}",
            super::plural(pending.len(), "file"),
            pending.join(", ")
        ))
        .hint("approve them first (`lmcpress review`, then `lmcpress approve FILE --as NAME`), or pass --unapproved to archive anyway"));
    }
    let done = lmcpress::write::archive::new_edition(&root, &name.to_string())?;
    say!("archived the {} edition into {}", done.archived, super::shown(&done.dir));
    say!("content/lmc.yaml now names the {} edition", done.new);
    if let Some((old, new)) = &done.guide_slug {
        say!("the guide's slug is now `{new}` (was `{old}`)");
    }
    say!(
        "next: edit content/ for {}; `lmcpress changes` lists what differs from {}",
        done.new,
        done.archived
    );
    Ok(true)
}
