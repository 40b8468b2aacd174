//! One file per subcommand, plus the printing they share.

pub mod access;
pub mod audit;
pub mod build;
pub mod changes;
pub mod check;
pub mod edition;
pub mod init;
pub mod merge;
pub mod notify;
mod progress;
pub mod render;
pub mod schema;
pub mod serve;
pub mod signoff;
pub mod theme;
pub mod watch;

use std::path::{Path, PathBuf};

use lmcpress::diag::Problem;

/// `--root` or the current folder.
pub fn root_or_cwd(root: Option<PathBuf>) -> PathBuf {
    root.unwrap_or_else(|| PathBuf::from("."))
}

/// Where a project is and where its documents go, for the commands that build.
#[derive(clap::Args)]
pub struct ProjectArgs {
    /// The project folder (holding content/ and templates/).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Where to write documents [default: ROOT/output].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl ProjectArgs {
    /// The project root and the output folder.
    pub fn folders(self) -> (PathBuf, PathBuf) {
        let root = root_or_cwd(self.root);
        let out = self.out.unwrap_or_else(|| root.join("output"));
        (root, out)
    }
}

/// Prints each problem once (a template that fails to load fails every document made with
/// it, with the same message) and returns how many distinct errors and warnings it printed.
pub fn print_distinct<'a>(problems: impl IntoIterator<Item = &'a Problem>) -> (usize, usize) {
    let mut seen = std::collections::HashSet::new();
    let (mut errors, mut warnings) = (0, 0);
    for p in problems {
        let text = p.render();
        if seen.insert(text.clone()) {
            eprint!("{text}");
            if p.is_error() { errors += 1 } else { warnings += 1 }
        }
    }
    (errors, warnings)
}

pub fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// What one rebuild of `watch` or `serve` did: how many documents, when the first of them was
/// written (the edited or open one, which goes first) and when the last.
pub fn rebuilt(report: &lmcpress::build::Report, changed: usize, broken_inputs: usize) -> String {
    use lmcpress::build::Outcome;
    let built = report.count(Outcome::Built);
    let what = if changed == 0 {
        "built".to_string()
    } else {
        format!("{} changed: rebuilt", plural(changed, "file"))
    };
    let first = match report.first {
        Some(first) if changed > 0 && built > 1 => {
            format!(" (the first after {:.0} ms)", first.as_secs_f64() * 1000.0)
        }
        _ => String::new(),
    };
    let removed = if report.removed.is_empty() {
        String::new()
    } else {
        format!(", {} removed", plural(report.removed.len(), "file"))
    };
    format!(
        "{what} {} in {:.0} ms{first}, {} failed{removed}",
        plural(built, "document"),
        report.elapsed.as_secs_f64() * 1000.0,
        report.count(Outcome::Failed) + broken_inputs,
    )
}

pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    // "6 entries", not "6 entrys".
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// [`print_distinct`] for callers that do not count.
pub fn print_problems<'a>(problems: impl IntoIterator<Item = &'a Problem>) {
    print_distinct(problems);
}

/// Prints the manual page of `command`, with its subcommands, to standard output.
pub fn man(command: clap::Command) -> Result<bool, Problem> {
    let mut out = Vec::new();
    let page = clap_mangen::Man::new(command.clone());
    let written = page.render(&mut out).and_then(|()| {
        // Each subcommand's options as a section of the one page, so `man lmcpress` tells all.
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            std::io::Write::write_all(
                &mut out,
                format!(".SH \"LMCPRESS {}\"\n", sub.get_name().to_uppercase()).as_bytes(),
            )?;
            let sub = clap_mangen::Man::new(sub.clone());
            sub.render_description_section(&mut out)?;
            sub.render_options_section(&mut out)?;
        }
        Ok(())
    });
    written
        .and_then(|()| lmcpress::pipe::write_stdout(&out))
        .map_err(|e| Problem::general(format!("failed to write the manual page: {e}")))?;
    Ok(true)
}
