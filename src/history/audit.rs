//! The audit log: one JSON line per action taken through a private link or `access`, appended
//! to `.lmcpress-audit.jsonl` at the project root (owner-only). It names who by the link's
//! label, never by its key.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

pub const AUDIT_FILE: &str = ".lmcpress-audit.jsonl";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Save,
    Restore,
    Create,
    Delete,
    Grant,
    Revoke,
    PackDownload,
    /// Content submitted for approval.
    Submit,
    /// Content approved.
    Approve,
    /// Content sent back for changes.
    RequestChanges,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub time: String,
    pub who: String,
    pub what: Action,
    /// The file, relative to the project root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The practice concerned (ODS code), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<String>,
}

impl Entry {
    pub fn new(who: &str, what: Action) -> Entry {
        Entry { time: super::now(), who: who.to_string(), what, file: None, practice: None }
    }

    pub fn file(mut self, file: &str) -> Entry {
        self.file = Some(file.to_string());
        self
    }

    pub fn practice(mut self, ods: &str) -> Entry {
        self.practice = Some(ods.to_string());
        self
    }
}

pub fn audit_file(root: &Path) -> PathBuf {
    root.join(AUDIT_FILE)
}

/// Appends `entry` as one line. Lines shorter than the pipe buffer are written whole by one
/// `write` to a file opened for appending, so concurrent writers do not interleave.
pub fn append(root: &Path, entry: &Entry) -> anyhow::Result<()> {
    let path = audit_file(root);
    let mut line = serde_json::to_string(entry)?;
    line.push('\n');
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path).with_context(|| format!("failed to open `{}`", path.display()))?;
    file.write_all(line.as_bytes()).with_context(|| format!("failed to append to `{}`", path.display()))?;
    Ok(())
}

/// Every entry, oldest first. A line that does not parse (a torn write) is skipped.
pub fn read(root: &Path) -> anyhow::Result<Vec<Entry>> {
    let path = audit_file(root);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    }
}

/// The entries on or after `since` (YYYY-MM-DD) and about `practice`, when given.
pub fn filter<'a>(entries: &'a [Entry], since: Option<&str>, practice: Option<&str>) -> Vec<&'a Entry> {
    entries
        .iter()
        .filter(|e| since.is_none_or(|d| e.time.as_str() >= d))
        .filter(|e| practice.is_none_or(|p| e.practice.as_deref().is_some_and(|o| o.eq_ignore_ascii_case(p))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_reads_back_and_filters() {
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), &Entry::new("LMC editor", Action::Save).file("content/guide/a.md")).unwrap();
        let mut old = Entry::new("Z90001 practice link", Action::PackDownload).practice("Z90001");
        old.time = "2020-01-02T03:04:05Z".into();
        append(dir.path(), &old).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(audit_file(dir.path()))
            .unwrap()
            .write_all(b"{torn\n")
            .unwrap();
        let all = read(dir.path()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].what, Action::Save);
        assert_eq!(all[1], old);
        assert_eq!(filter(&all, Some("2021-01-01"), None).len(), 1);
        assert_eq!(filter(&all, None, Some("z90001")), vec![&old]);
        let text = std::fs::read_to_string(audit_file(dir.path())).unwrap();
        assert!(text.contains("\"what\":\"pack-download\""), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn audit_log_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), &Entry::new("LMC editor", Action::Grant)).unwrap();
        let mode = std::fs::metadata(audit_file(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
