//! The sent-log, `.lmcpress-notify.json` at the project root: one entry per message a server
//! accepted. It is what makes a rerun send only what did not go, and a second run for the
//! same edition send nothing. It is rewritten whole (atomically) after every message, so a
//! crash or Ctrl-C loses at most the message in flight, which is then sent again.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::write::write_atomic;

pub const LOG_FILE: &str = ".lmcpress-notify.json";

/// One message a server accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// ODS code.
    pub practice: String,
    /// As `lmc.yaml` names it (`2026/27`).
    pub edition: String,
    /// The `Message-ID` header, angle brackets included, to find the message in a mail log.
    pub message_id: String,
    pub to: String,
    /// UTC, RFC 3339.
    pub time: String,
    /// The BLAKE3 hash of the private link's key that went with the message, as
    /// `.lmcpress-access.json` keeps it, so the link can be told apart from others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_hash: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SentLog {
    pub sent: Vec<Sent>,
}

pub fn log_file(root: &Path) -> PathBuf {
    root.join(LOG_FILE)
}

impl SentLog {
    /// The log of the project at `root`; empty when nothing was ever sent.
    pub fn load(root: &Path) -> anyhow::Result<SentLog> {
        let path = log_file(root);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .with_context(|| format!("failed to read the sent-log `{}`", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SentLog::default()),
            Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
        }
    }

    /// Owner-only: it lists which practice was told what and when, which is nobody else's
    /// business on a shared machine.
    pub fn save(&self, root: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        write_atomic(&log_file(root), text.as_bytes(), true)
    }

    /// The last message sent to `ods` for `edition`, if any.
    pub fn sent(&self, ods: &str, edition: &str) -> Option<&Sent> {
        self.sent.iter().rev().find(|s| s.practice.eq_ignore_ascii_case(ods) && s.edition == edition)
    }

    /// Adds `entry` and writes the whole log at once.
    pub fn record(&mut self, root: &Path, entry: Sent) -> anyhow::Result<()> {
        self.sent.push(entry);
        self.save(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ods: &str, edition: &str, id: &str) -> Sent {
        Sent {
            practice: ods.into(),
            edition: edition.into(),
            message_id: format!("<{id}@lmc.example.org>"),
            to: "admin@practice.example.org".into(),
            time: "2026-11-25T10:00:00Z".into(),
            link_hash: None,
        }
    }

    #[test]
    fn a_missing_log_is_empty_and_entries_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = SentLog::load(dir.path()).unwrap();
        assert!(log.sent.is_empty());
        log.record(dir.path(), entry("Z90001", "2026/27", "a")).unwrap();
        log.record(dir.path(), entry("Z90002", "2026/27", "b")).unwrap();
        let log = SentLog::load(dir.path()).unwrap();
        assert_eq!(log.sent.len(), 2);
        assert!(log.sent("z90001", "2026/27").is_some(), "ODS codes match whatever their case");
        assert!(log.sent("Z90001", "2027/28").is_none(), "another edition is another message");
        assert!(log.sent("Z90003", "2026/27").is_none());
    }

    #[test]
    fn a_resend_is_the_entry_found() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = SentLog::default();
        log.record(dir.path(), entry("Z90001", "2026/27", "first")).unwrap();
        log.record(dir.path(), entry("Z90001", "2026/27", "again")).unwrap();
        assert_eq!(log.sent("Z90001", "2026/27").unwrap().message_id, "<again@lmc.example.org>");
    }

    #[test]
    fn a_damaged_log_is_an_error_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(log_file(dir.path()), "{ not json").unwrap();
        let e = format!("{:#}", SentLog::load(dir.path()).unwrap_err());
        assert!(e.contains(LOG_FILE), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn the_log_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        SentLog::default().record(dir.path(), entry("Z90001", "2026/27", "a")).unwrap();
        let mode = std::fs::metadata(log_file(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
