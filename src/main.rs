//! The `lmcpress` command line: arguments, printing and exit codes. Document logic lives in
//! the library.

mod cmd;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// The version, the commit it was built from and the typst it typesets with.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LMCPRESS_COMMIT"),
    ", typst ",
    env!("LMCPRESS_TYPST"),
    ")"
);

/// What every help and a bare `lmcpress` end with: where a newcomer starts, and where the
/// guides are (a macro, so that `concat!` can add the exit codes to the long help).
macro_rules! new_here {
    () => {
        "New here? `lmcpress init my-lmc --lmc-name \"Anytown LMC\"` writes a starter project that builds at once.\n\
         Documentation: `lmcpress docs` lists the guides built into lmcpress (getting started, every key of \
         every file, running a server for practices)."
    };
}

#[derive(Parser)]
#[command(
    name = "lmcpress",
    version = VERSION,
    about = "Builds an LMC's guide, practice posters, A&G wording and letters from Markdown and YAML",
    long_about = "Builds a Local Medical Committee's documents from one source of truth.\n\n\
        content/lmc.yaml and content/practices/*.yaml describe the LMC and its practices; \
        content/**/*.md hold the guide sections, posters, letters and A&G wording. \
        The built-in theme lays them out; a project's templates/ folder overrides any of its \
        files by name (`lmcpress theme eject`). lmcpress merges them and typesets PDF and PNG \
        files in-process with typst, writing them to output/.",
    after_help = new_here!(),
    after_long_help = concat!(
        new_here!(),
        "\n\nExit codes: 0 everything built, 1 an input or document failed, 2 usage error."
    )
)]
struct Cli {
    /// Print no progress and no warnings: only errors, and what the command was asked for.
    #[arg(long, short, global = true, display_order = 900)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new LMC's project: a starter that builds first time, with comments on every key.
    Init(cmd::init::Args),
    /// Build every document (or only some practices') into the output folder.
    Build(cmd::build::Args),
    /// Check every input and template and report all problems, writing nothing.
    Check(cmd::check::Args),
    /// Typeset standalone Markdown files in the house style, one PDF each.
    Render(cmd::render::Args),
    /// Build, then rebuild what each change to content/ or templates/ affects.
    Watch(cmd::watch::Args),
    /// Make one letter per recipient from a CSV, YAML or JSON file (mail merge).
    Merge(cmd::merge::Args),
    /// Start a new edition: archive the current one into editions/ (`edition new 2027/28`).
    Edition(cmd::edition::Args),
    /// List what changed since the last archived edition (or the one named).
    Changes(cmd::changes::Args),
    /// Build, watch and serve previews, downloads, profile forms and the LMC's content editor.
    Serve(cmd::serve::Args),
    /// Make or end private links to `serve` for practices and the LMC editor.
    Access(cmd::access::Args),
    /// List the content files that await approval, with what changed since the last approved version.
    Review(cmd::signoff::ReviewArgs),
    /// Approve content files as a named person (or send them back with --request-changes).
    Approve(cmd::signoff::ApproveArgs),
    /// Submit content files for approval, with a note on what changed and why.
    Submit(cmd::signoff::SubmitArgs),
    /// Show who saved, restored, created or deleted what, and which links were made or ended.
    Audit(cmd::audit::Args),
    /// E-mail each practice what changed in this edition (drafts first; --send to send).
    Notify(cmd::notify::Args),
    /// List, copy out (eject) or compare the built-in theme's templates.
    Theme(cmd::theme::Args),
    /// Write JSON Schemas of lmc.yaml, practice profiles and front matter, for editors.
    Schema(cmd::schema::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print lmcpress's manual page (roff), or with --out write one page per command.
    Man(cmd::man::Args),
    /// Print one of the guides built into lmcpress (Markdown), or list them.
    Docs(cmd::docs::Args),
}

/// The command line, with every command's `--root` described in the same words, whatever
/// its own file says (or forgets to say). `init`'s `--root` is the folder to create, and keeps
/// its own.
fn command() -> clap::Command {
    fn described(command: clap::Command) -> clap::Command {
        let has_root = command.get_arguments().any(|a| a.get_id() == "root");
        let command = if has_root && command.get_name() != "init" {
            command.mut_arg("root", |a| a.help(cmd::ROOT_HELP))
        } else {
            command
        };
        let subs: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_string()).collect();
        subs.into_iter().fold(command, |command, sub| command.mut_subcommand(sub, described))
    }
    described(Cli::command())
}

fn main() -> ExitCode {
    lmcpress::pipe::quiet_on_closed_pipe();
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
    cmd::set_quiet(cli.quiet);
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Render(args) => cmd::render::run(args),
        Command::Watch(args) => cmd::watch::run(args),
        Command::Merge(args) => cmd::merge::run(args),
        Command::Edition(args) => cmd::edition::run(args),
        Command::Changes(args) => cmd::changes::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Access(args) => cmd::access::run(args),
        Command::Notify(args) => cmd::notify::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Theme(args) => cmd::theme::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command(), "lmcpress", &mut script);
            lmcpress::pipe::write_stdout(&script).map(|()| true).map_err(|e| {
                lmcpress::diag::Problem::general(format!("failed to print the completion script: {e}"))
            })
        }
        Command::Man(args) => cmd::man::run(args, command()),
        Command::Docs(args) => cmd::docs::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Review(args) => cmd::signoff::review(args),
        Command::Approve(args) => cmd::signoff::approve(args),
        Command::Submit(args) => cmd::signoff::submit(args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(problem) => {
            eprint!("{}", problem.render());
            ExitCode::from(1)
        }
    }
}
