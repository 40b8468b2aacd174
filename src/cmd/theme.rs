use std::path::{Path, PathBuf};

use lmcpress::diag::Problem;
use lmcpress::theme;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// List the built-in theme's files, marking those the project overrides.
    List {
        /// The project folder.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Copy built-in files into the project's templates/ to customise them (all without FILE).
    Eject {
        /// Theme files by name, such as poster.typ.tera or partials/base.typ.tera.
        #[arg(value_name = "FILE")]
        files: Vec<String>,
        /// Replace the project's own copy.
        #[arg(long)]
        force: bool,
        /// The project folder.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Show how the project's copy of a theme file differs from the built-in one.
    Diff {
        /// A theme file by name, such as poster.typ.tera.
        #[arg(value_name = "FILE")]
        file: String,
        /// The project folder.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> Result<bool, Problem> {
    match args.command {
        Command::List { root } => list(&super::root_or_cwd(root)),
        Command::Eject { files, force, root } => eject(&super::root_or_cwd(root), &files, force),
        Command::Diff { file, root } => diff(&super::root_or_cwd(root), &file),
    }
}

fn list(root: &Path) -> Result<bool, Problem> {
    for (name, _) in theme::FILES {
        let own = root.join(theme::PROJECT_DIR).join(name).is_file();
        println!("{name}{}", if own { "  (the project's own copy)" } else { "" });
    }
    Ok(true)
}

fn built_in(name: &str) -> Result<&'static str, Problem> {
    theme::get(name).ok_or_else(|| {
        let names: Vec<&str> = theme::FILES.iter().map(|(n, _)| *n).collect();
        Problem::general(format!("the theme has no file `{name}`"))
            .hint(format!("its files are: {}", names.join(", ")))
    })
}

fn eject(root: &Path, files: &[String], force: bool) -> Result<bool, Problem> {
    lmcpress::load::project::ensure_project(root)?;
    let names: Vec<&str> = if files.is_empty() {
        theme::FILES.iter().map(|(n, _)| *n).collect()
    } else {
        files.iter().map(String::as_str).collect()
    };
    // Every name is checked before anything is written.
    let texts = names.iter().map(|n| built_in(n)).collect::<Result<Vec<_>, _>>()?;
    let dir = root.join(theme::PROJECT_DIR);
    let mut kept = 0;
    for (name, text) in names.iter().zip(texts) {
        let path = dir.join(name);
        if path.exists() && !force {
            eprintln!("kept `{}`: the project has its own copy (--force replaces it)", path.display());
            kept += 1;
            continue;
        }
        let copy = theme::eject_header(env!("CARGO_PKG_VERSION"), text) + text;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Problem::general(format!("failed to create `{}`: {e}", parent.display())))?;
        }
        lmcpress::write::write_atomic(&path, copy.as_bytes(), false)
            .map_err(|e| Problem::general(format!("failed to write `{}`: {e:#}", path.display())))?;
        println!("{}", path.display());
    }
    if kept < names.len() {
        eprintln!(
            "the project's copies now override the built-in files; `lmcpress check` says when a later theme reads something they do not"
        );
    }
    Ok(true)
}

fn diff(root: &Path, name: &str) -> Result<bool, Problem> {
    let text = built_in(name)?;
    let path = root.join(theme::PROJECT_DIR).join(name);
    let Ok(copy) = lmcpress::load::text::read(&path) else {
        eprintln!("the project has no copy of `{name}`: it uses the built-in file");
        return Ok(true);
    };
    // The header `eject` writes is not a difference the LMC made.
    let copy_body = match copy.split_once('\n') {
        Some((first, rest)) if first.starts_with(theme::EJECT_MARK) => rest,
        _ => copy.as_str(),
    };
    let diff = similar::TextDiff::from_lines(text, copy_body);
    let shown = path.display().to_string();
    print!("{}", diff.unified_diff().context_radius(3).header(&format!("(built-in theme)/{name}"), &shown));
    Ok(true)
}
