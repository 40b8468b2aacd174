//! The new project as a git repository, with the starter as its first commit: from the first
//! save on, every version of every file is kept (the editor's history then lives in git too)
//! and sign-off can tell who changed what.

use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Repository, Signature};

use crate::diag::Problem;

/// Who the first commit is by when git has no `user.name` and `user.email` set.
pub const DEFAULT_AUTHOR: &str = "lmcpress init";
const DEFAULT_EMAIL: &str = "init@lmcpress.invalid";
const MESSAGE: &str = "Starter project written by lmcpress init";

/// What [`git`] did.
#[derive(Debug, PartialEq)]
pub enum Git {
    /// A new repository with one commit, made by this author.
    Committed { author: String },
    /// The project is inside this repository's work tree, which keeps its versions already:
    /// a second repository nested in it would hide the project's files from it.
    Inside(PathBuf),
}

/// Makes `dir`, a project `init` has just written, a git repository with every file (less
/// what its `.gitignore` leaves out) in a first commit. The author is the user's own from git's
/// configuration, as `git commit` would take it, else [`DEFAULT_AUTHOR`].
pub fn git(dir: &Path) -> Result<Git, Problem> {
    if let Ok(outer) = Repository::discover(dir)
        && let Some(top) = outer.workdir()
    {
        return Ok(Git::Inside(top.to_path_buf()));
    }
    first_commit(dir).map_err(|e| {
        Problem::warning(
            PathBuf::new(),
            format!("failed to make `{}` a git repository: {}", dir.display(), e.message()),
        )
        .hint("the project is complete without it: run `git init` in it yourself, or leave it as it is")
    })
}

fn first_commit(dir: &Path) -> Result<Git, git2::Error> {
    let repo = Repository::init(dir)?;
    let mut index = repo.index()?;
    index.add_all(["*"], IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let author = repo.signature().or_else(|_| Signature::now(DEFAULT_AUTHOR, DEFAULT_EMAIL))?;
    repo.commit(Some("HEAD"), &author, &author, MESSAGE, &tree, &[])?;
    Ok(Git::Committed { author: author.name().unwrap_or(DEFAULT_AUTHOR).to_string() })
}
