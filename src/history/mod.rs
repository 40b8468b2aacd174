//! Every version of a file edited from the browser, and who did what. A project that is a
//! git repository keeps versions as commits (authored by the private link's label); any
//! other keeps them under `.lmcpress-history/`. The audit log (`audit.rs`) is kept either way.
//! Below serve: it knows files and labels, never requests or keys.

pub mod audit;
mod folder;
mod git;

use std::path::{Path, PathBuf};

use serde::Serialize;

/// The folder that keeps versions when the project is not a git repository.
pub const HISTORY_DIR: &str = ".lmcpress-history";

/// One kept version of a file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Version {
    /// A commit hash, or the folder store's sequence number.
    pub id: String,
    /// RFC 3339, UTC.
    pub when: String,
    /// The link's label ("LMC editor", "Z90001 practice link"), or "on disk" for a version
    /// found on disk before an edit from the browser.
    pub who: String,
    pub what: String,
    /// The file was deleted in this version.
    pub deleted: bool,
}

/// Where a project's versions live.
pub enum History {
    Git(git::GitStore),
    Folder(folder::FolderStore),
}

/// One change to record: the file's bytes before and after (None: it did not exist).
pub struct Change<'a> {
    /// Relative to the project root, with `/` separators.
    pub rel: &'a str,
    pub before: Option<&'a [u8]>,
    pub after: Option<&'a [u8]>,
    pub who: &'a str,
    pub what: &'a str,
}

impl History {
    /// The project's history: its git repository when the project is (inside) one with a
    /// work tree, otherwise the folder at the project root.
    pub fn open(root: &Path) -> History {
        match git::GitStore::open(root) {
            Some(store) => History::Git(store),
            None => History::Folder(folder::FolderStore::new(root)),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            History::Git(_) => "git",
            History::Folder(_) => "folder",
        }
    }

    /// Keeps `change.before` (when no version holds it yet) and then `change.after`, so that
    /// the version replaced and the new one are both kept. Call after the file is written.
    pub fn record(&self, change: &Change) -> anyhow::Result<()> {
        match self {
            History::Git(g) => g.record(change),
            History::Folder(f) => f.record(change),
        }
    }

    /// The versions of `rel`, newest first (at most `limit`).
    pub fn versions(&self, rel: &str, limit: usize) -> anyhow::Result<Vec<Version>> {
        match self {
            History::Git(g) => g.versions(rel, limit),
            History::Folder(f) => f.versions(rel, limit),
        }
    }

    /// The file's bytes in version `id`; None when that version deleted it.
    pub fn read(&self, rel: &str, id: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match self {
            History::Git(g) => g.read(rel, id),
            History::Folder(f) => f.read(rel, id),
        }
    }

    /// Who made the newest version of `rel`, if any was kept.
    pub fn last_change(&self, rel: &str) -> Option<Version> {
        self.versions(rel, 1).ok()?.into_iter().next()
    }
}

/// Now, as RFC 3339 in UTC, to the second.
pub fn now() -> String {
    crate::approval::ledger::now()
}

/// Who made the bytes `now` of `rel`, as far as the history knows: the author of the newest
/// kept version when it holds these bytes (nobody known otherwise, in a folder history). In a
/// git repository, bytes no commit holds have no recorded author: that is an error, so that
/// nobody approves a change they may have made themselves.
pub fn authors(root: &Path, rel: &str, now: &[u8]) -> Result<Vec<String>, String> {
    let history = History::open(root);
    let newest = history.versions(rel, 1).ok().and_then(|v| v.into_iter().next());
    let holds = |v: &Version| history.read(rel, &v.id).ok().flatten().is_some_and(|b| b == now);
    match (&history, newest) {
        (_, Some(v)) if holds(&v) => Ok(vec![v.who]),
        (History::Git(_), _) => Err(format!(
            "`{rel}` has changes that are not committed, so git does not say who made them; commit them (the commit names their author) and approve again"
        )),
        (History::Folder(_), _) => Ok(Vec::new()),
    }
}

/// `rel` as a path under `root`, refusing anything that could leave it.
pub fn inside(root: &Path, rel: &str) -> Option<PathBuf> {
    let path = Path::new(rel);
    let plain = path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    (plain && !rel.is_empty()).then(|| root.join(path))
}

/// Saves the version `before` was replaced by, and says who did it, in the history and the
/// audit log. Every write from the browser goes through here.
pub fn keep(
    root: &Path,
    path: &Path,
    before: Option<&[u8]>,
    after: Option<&[u8]>,
    who: &str,
    what: audit::Action,
    practice: Option<&str>,
) -> anyhow::Result<()> {
    let rel = crate::diag::display_path(root, path).to_string_lossy().replace('\\', "/");
    let verb = format!("{what:?}").to_lowercase();
    History::open(root).record(&Change { rel: &rel, before, after, who, what: &verb })?;
    let mut entry = audit::Entry::new(who, what).file(&rel);
    if let Some(ods) = practice {
        entry = entry.practice(ods);
    }
    audit::append(root, &entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(root: &Path, history: &History) {
        let rel = "content/guide/a.md";
        let file = root.join(rel);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "one\n").unwrap();
        // An edit from the browser: the version on disk is kept, then the new one.
        std::fs::write(&file, "two\n").unwrap();
        let change =
            Change { rel, before: Some(b"one\n"), after: Some(b"two\n"), who: "LMC editor", what: "save" };
        history.record(&change).unwrap();
        let v = history.versions(rel, 10).unwrap();
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!((v[0].who.as_str(), v[1].who.as_str()), ("LMC editor", "on disk"));
        assert_eq!(history.read(rel, &v[0].id).unwrap().unwrap(), b"two\n");
        assert_eq!(history.read(rel, &v[1].id).unwrap().unwrap(), b"one\n");
        // The next edit replaces a version already kept: only the new one is added.
        std::fs::write(&file, "three\n").unwrap();
        let change = Change {
            rel,
            before: Some(b"two\n"),
            after: Some(b"three\n"),
            who: "Z90001 practice link",
            what: "save",
        };
        history.record(&change).unwrap();
        assert_eq!(history.versions(rel, 10).unwrap().len(), 3);
        // Deleting keeps the last text in the version before.
        std::fs::remove_file(&file).unwrap();
        let change = Change { rel, before: Some(b"three\n"), after: None, who: "LMC editor", what: "delete" };
        history.record(&change).unwrap();
        let v = history.versions(rel, 10).unwrap();
        assert_eq!(v.len(), 4);
        assert!(v[0].deleted);
        assert_eq!(history.read(rel, &v[0].id).unwrap(), None);
        assert_eq!(history.read(rel, &v[1].id).unwrap().unwrap(), b"three\n");
        assert_eq!(history.last_change(rel).unwrap().who, "LMC editor");
        assert!(history.versions("../outside", 10).is_err());
    }

    #[test]
    fn folder_history_keeps_every_version() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::open(dir.path());
        assert_eq!(history.kind(), "folder");
        exercise(dir.path(), &history);
        assert!(dir.path().join(HISTORY_DIR).join("content/guide/a.md").is_dir());
    }

    #[test]
    fn git_history_commits_only_the_edited_file_as_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        // Something else staged by hand stays staged and out of the commits.
        std::fs::write(dir.path().join("other.txt"), "mine").unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("other.txt")).unwrap();
        index.write().unwrap();
        let history = History::open(dir.path());
        assert_eq!(history.kind(), "git");
        exercise(dir.path(), &history);
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(head.author().name(), Some("LMC editor"));
        assert!(head.tree().unwrap().get_path(Path::new("other.txt")).is_err());
        assert!(repo.index().unwrap().get_path(Path::new("other.txt"), 0).is_some());
        assert!(!dir.path().join(HISTORY_DIR).exists());
    }
}
