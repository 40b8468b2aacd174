use std::path::Path;

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
        #[command(flatten)]
        root: super::Root,
    },
    /// Copy built-in files into the project's templates/ to customise them (all without FILE).
    Eject {
        /// Theme files by name, such as poster.typ.tera or partials/base.typ.tera.
        #[arg(value_name = "FILE")]
        files: Vec<String>,
        /// Replace the project's own copy.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        root: super::Root,
    },
    /// Show how the project's copy of a theme file differs from the built-in one.
    Diff {
        /// A theme file by name, such as poster.typ.tera.
        #[arg(value_name = "FILE")]
        file: String,
        #[command(flatten)]
        root: super::Root,
    },
}

pub fn run(args: Args) -> Result<bool, Problem> {
    match args.command {
        Command::List { root } => list(&root.dir()),
        Command::Eject { files, force, root } => eject(&root.dir(), &files, force),
        Command::Diff { file, root } => diff(&root.dir(), &file),
    }
}

/// What each of the theme's files lays out, so that an LMC finds the file to eject without
/// reading them all.
const LAYS_OUT: [(&str, &str); 14] = [
    ("ag-disclaimer.txt.tera", "the A&G wording as plain text, ready to paste into e-RS"),
    ("guide.html.tera", "the guide as one web page"),
    ("guide.typ.tera", "the guide PDF: title page, contents, sections, status badges, sources"),
    ("letter.typ.tera", "letters: letterhead, blanks and tick boxes, signature block"),
    ("notify.html.tera", "the e-mail `notify` sends each practice (its HTML part)"),
    ("notify.txt.tera", "the e-mail `notify` sends each practice (its plain-text part)"),
    ("partials/base.typ.tera", "the house style of every PDF: colours, fonts, type sizes, spacing"),
    ("partials/icons.typ.tera", "the pictures a poster can name with `icon:`"),
    ("partials/language.typ.tera", "translated posters: language, writing direction, script font"),
    ("partials/urgent.typ.tera", "the 999 / NHS 111 band on every poster and social image (its yellow)"),
    ("poster.typ.tera", "posters, A4 and A3: headline, icon, body, phone number, QR code"),
    ("render.typ.tera", "standalone files typeset by `lmcpress render`"),
    ("social.typ.tera", "a poster's square and portrait images for social media"),
    ("whats-new.typ.tera", "the one-page \"what's new in this edition\" for each practice"),
];

fn lays_out(name: &str) -> &'static str {
    LAYS_OUT.iter().find(|(n, _)| *n == name).map_or("", |(_, what)| what)
}

fn list(root: &Path) -> Result<bool, Problem> {
    let mut out = String::new();
    for (name, _) in theme::FILES {
        let own = root.join(theme::PROJECT_DIR).join(name).is_file();
        let mark = if own { "  (the project's own copy)" } else { "" };
        out.push_str(&format!("{name:<28} {}{mark}\n", lays_out(name)));
    }
    lmcpress::pipe::write_stdout(out.as_bytes())
        .map_err(|e| Problem::general(format!("failed to print the theme's files: {e}")))?;
    say!("copy one into templates/ to change it: `lmcpress theme eject poster.typ.tera`");
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
            say!("kept `{}`: the project has its own copy (--force replaces it)", path.display());
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
        say!(
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

#[cfg(test)]
mod tests {
    #[test]
    fn every_theme_file_says_what_it_lays_out() {
        for (name, _) in lmcpress::theme::FILES {
            assert!(!super::lays_out(name).is_empty(), "add `{name}` to LAYS_OUT in src/cmd/theme.rs");
        }
    }
}
