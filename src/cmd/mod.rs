//! One file per subcommand, plus the printing they share.

use std::sync::atomic::{AtomicBool, Ordering};

/// `-q`/`--quiet`, given anywhere on the command line: set once by `main` before any command
/// runs, read wherever progress is printed.
static QUIET: AtomicBool = AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// `eprintln!` for progress and chatter: silent under `--quiet`. Errors use `eprintln!`.
macro_rules! say {
    ($($arg:tt)*) => {
        if !$crate::cmd::quiet() {
            eprintln!($($arg)*);
        }
    };
}

pub mod access;
pub mod audit;
pub mod build;
pub mod changes;
pub mod check;
pub mod docs;
pub mod edition;
pub mod init;
pub mod man;
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

/// What `--root` means, on every command.
pub const ROOT_HELP: &str = "The project folder: the one holding content/ [default: the current folder]";

/// `--root`, for the commands that read a project and write no documents.
#[derive(clap::Args)]
pub struct Root {
    #[arg(long, value_name = "DIR", help = ROOT_HELP)]
    pub root: Option<PathBuf>,
}

impl Root {
    pub fn dir(self) -> PathBuf {
        root_or_cwd(self.root)
    }
}

/// Where a project is and where its documents go, for the commands that build.
#[derive(clap::Args)]
pub struct ProjectArgs {
    #[arg(long, value_name = "DIR", help = ROOT_HELP)]
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
/// it, with the same message) and returns how many distinct errors and warnings there were.
/// Under `--quiet` warnings are counted but not printed.
pub fn print_distinct<'a>(problems: impl IntoIterator<Item = &'a Problem>) -> (usize, usize) {
    let mut seen = std::collections::HashSet::new();
    let (mut errors, mut warnings) = (0, 0);
    for p in problems {
        let text = p.render();
        if seen.insert(text.clone()) {
            if p.is_error() || !quiet() {
                eprint!("{text}");
            }
            if p.is_error() { errors += 1 } else { warnings += 1 }
        }
    }
    (errors, warnings)
}

/// Problems printed once per rebuild of `watch` and `serve`: a template's mistake is found by
/// every document made from it, and one message says it.
#[derive(Default)]
pub struct OncePerRebuild {
    said: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl OncePerRebuild {
    pub fn print<'a>(&self, problems: impl IntoIterator<Item = &'a Problem>) {
        let mut said = self.said.lock().unwrap_or_else(|e| e.into_inner());
        print_problems(problems.into_iter().filter(|p| said.insert(p.render())));
    }

    /// The next rebuild says again what is still wrong.
    pub fn rebuilt(&self) {
        self.said.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
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
