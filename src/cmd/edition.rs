use std::path::PathBuf;

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
        /// The project folder (holding content/ and templates/).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let Action::New { name, root } = args.action;
    let root = super::root_or_cwd(root);
    ensure_project(&root)?;
    let done = lmcpress::write::archive::new_edition(&root, &name.to_string())?;
    eprintln!("archived the {} edition into {}", done.archived, super::shown(&done.dir));
    eprintln!("content/lmc.yaml now names the {} edition", done.new);
    if let Some((old, new)) = &done.guide_slug {
        eprintln!("the guide's slug is now `{new}` (was `{old}`)");
    }
    eprintln!(
        "next: edit content/ for {}; `lmcpress changes` lists what differs from {}",
        done.new, done.archived
    );
    Ok(true)
}
