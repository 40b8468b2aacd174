use std::path::PathBuf;

use lmcpress::diag::Problem;
use lmcpress::init::{self, Git, Names};
use lmcpress::load::dates;

#[derive(clap::Args)]
pub struct Args {
    /// The folder to create the project in (new, or empty) [default: the current folder].
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The same folder, named as other commands name a project.
    #[arg(long, value_name = "DIR", conflicts_with = "dir")]
    root: Option<PathBuf>,
    /// The LMC's full name, as printed on its guide and letters.
    #[arg(long, value_name = "NAME")]
    lmc_name: String,
    /// Do not make the project a git repository. Without it, a new project outside any
    /// repository becomes one, with the starter as its first commit, so every later version
    /// can be seen and brought back.
    #[arg(long)]
    no_git: bool,
}

/// Writes a starter project that builds first time, and says what to do next.
pub fn run(args: Args) -> Result<bool, Problem> {
    let dir = super::root_or_cwd(args.dir.or(args.root));
    let today = dates::source_date().unwrap_or_else(dates::today);
    let names = Names::new(&args.lmc_name, today)?;
    let written = init::init(&dir, &names)?;
    say!(
        "created a project for {} ({} edition) in `{}`: {} files",
        names.lmc_name,
        names.edition,
        dir.display(),
        written.len()
    );
    if !args.no_git {
        // The project is whole without git: a failure here is said, not fatal.
        match init::git(&dir) {
            Ok(Git::Committed { author }) => {
                say!("made it a git repository, with the starter as its first commit (by {author})")
            }
            Ok(Git::Inside(top)) => say!(
                "it is inside the git repository `{}`: commit the new files there (no second repository made)",
                top.display()
            ),
            Err(problem) => super::print_problems([&problem]),
        }
    }
    let cd =
        if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
    say!("next: {cd}lmcpress build    (then open output/guide/*.pdf)");
    say!("      read README.md in the project: it explains each folder and how to add your practices");
    Ok(true)
}
