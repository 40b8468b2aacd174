use std::path::PathBuf;

use lmcpress::diag::Problem;
use lmcpress::init::{self, Names};
use lmcpress::load::dates;

#[derive(clap::Args)]
pub struct Args {
    /// The folder to create the project in (new, or empty) [default: the current folder].
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The LMC's full name, as printed on its guide and letters.
    #[arg(long, value_name = "NAME")]
    lmc_name: String,
}

/// Writes a starter project that builds first time, and says what to do next.
pub fn run(args: Args) -> Result<bool, Problem> {
    let dir = super::root_or_cwd(args.dir);
    let today = dates::source_date().unwrap_or_else(dates::today);
    let names = Names::new(&args.lmc_name, today)?;
    let written = init::init(&dir, &names)?;
    eprintln!(
        "created a project for {} ({} edition) in `{}`: {} files",
        names.lmc_name,
        names.edition,
        dir.display(),
        written.len()
    );
    let cd =
        if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
    eprintln!("next: {cd}lmcpress build    (then open output/guide/*.pdf)");
    eprintln!("      read README.md in the project: it explains each folder and how to add your practices");
    Ok(true)
}
