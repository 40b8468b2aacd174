//! `approvals/ledger.jsonl`: the append-only record of sign-off. One JSON line per action,
//! so that a diff of the file reads as what happened. Each entry carries its own id (a hash
//! of everything else in it) and the id of the entry before it: a line edited by hand no
//! longer matches its id, and a line deleted breaks the chain at the next one. The ledger is
//! read up to the first broken line, so a damaged tail never changes what was approved
//! before it; `check` reports the damage with its line.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::people::Role;

pub const FILE: &str = "ledger.jsonl";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// An editor asks for these bytes to be approved.
    Submit,
    /// A person with the right role approves these bytes.
    Approve,
    /// An approver sends these bytes back with a comment.
    RequestChanges,
}

impl Action {
    pub fn describe(self) -> &'static str {
        match self {
            Action::Submit => "submitted for approval",
            Action::Approve => "approved",
            Action::RequestChanges => "asked for changes",
        }
    }
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub time: String,
    pub action: Action,
    /// The file, relative to the project root.
    pub file: String,
    /// BLAKE3 of the file's bytes the action is about.
    pub hash: String,
    /// The person (or, for a submission through an unnamed link, the link's label).
    pub who: String,
    /// The role an approval or request was made in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The editor's note on what changed and why, or the approver's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where it was done: `browser` or `terminal`.
    pub via: String,
    /// The id of the entry before this one ("" for the first).
    pub prev: String,
    /// BLAKE3 of this entry with `id` empty.
    pub id: String,
}

impl Entry {
    /// The id this entry should carry.
    fn computed_id(&self) -> String {
        let mut bare = self.clone();
        bare.id = String::new();
        let json = serde_json::to_string(&bare).unwrap_or_default();
        super::hash(json.as_bytes())
    }
}

/// What a new entry says; the ledger adds the time, the chain and the id.
#[derive(Debug, Clone)]
pub struct New {
    pub action: Action,
    pub file: String,
    pub hash: String,
    pub who: String,
    pub role: Option<Role>,
    pub note: Option<String>,
    pub via: &'static str,
}

/// The ledger as read: its good entries, and where it first went wrong, if it did.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub entries: Vec<Entry>,
    pub damage: Option<Damage>,
}

/// The first line that does not belong in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// 1-based.
    pub line: usize,
    pub why: String,
}

pub fn path(root: &Path) -> PathBuf {
    root.join(super::DIR).join(FILE)
}

impl Ledger {
    /// The ledger of the project at `root`; empty when there is none yet.
    pub fn read(root: &Path) -> anyhow::Result<Ledger> {
        let path = path(root);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Ledger::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ledger::default()),
            Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
        }
    }

    /// Reads entries up to the first line that is not a good link of the chain.
    pub fn parse(text: &str) -> Ledger {
        let mut ledger = Ledger::default();
        let mut prev = String::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let why = match serde_json::from_str::<Entry>(line) {
                Err(e) => Some(format!("it is not a ledger entry ({e})")),
                Ok(entry) if entry.id != entry.computed_id() => {
                    Some("it was changed after it was written (its id no longer matches it)".into())
                }
                Ok(entry) if entry.prev != prev => Some(if prev.is_empty() {
                    "the first entry names an entry before it".into()
                } else {
                    "it does not follow the entry before it: a line was deleted, moved or added by hand"
                        .into()
                }),
                Ok(entry) => {
                    prev = entry.id.clone();
                    ledger.entries.push(entry);
                    None
                }
            };
            if let Some(why) = why {
                ledger.damage = Some(Damage { line: n + 1, why });
                break;
            }
        }
        ledger
    }

    /// The entries about `rel`, oldest first.
    pub fn of<'a>(&'a self, rel: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.file == rel)
    }
}

/// Appends an entry while holding the ledger's lock, after `decide` has judged it against the
/// ledger as it stands then: two approvals at once are judged one after the other. Refuses to
/// add to a damaged ledger (an entry after a broken line would be lost on the next read).
pub fn append(
    root: &Path,
    new: New,
    decide: impl FnOnce(&Ledger) -> Result<(), String>,
) -> anyhow::Result<Result<Entry, String>> {
    let path = path(root);
    std::fs::create_dir_all(path.parent().unwrap_or(root))
        .with_context(|| format!("failed to create `{}`", super::DIR))?;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(&path)
        .with_context(|| format!("failed to open `{}`", path.display()))?;
    file.lock().with_context(|| format!("failed to lock `{}`", path.display()))?;
    let mut text = String::new();
    file.seek(std::io::SeekFrom::Start(0))?;
    file.read_to_string(&mut text).with_context(|| format!("failed to read `{}`", path.display()))?;
    let ledger = Ledger::parse(&text);
    if let Some(d) = &ledger.damage {
        return Ok(Err(format!(
            "the approval ledger `{}/{FILE}` is damaged at line {}: {}; restore it from git (or a backup) before approving anything",
            super::DIR,
            d.line,
            d.why
        )));
    }
    if let Err(why) = decide(&ledger) {
        return Ok(Err(why));
    }
    let mut entry = Entry {
        time: now(),
        action: new.action,
        file: new.file,
        hash: new.hash,
        who: new.who.trim().to_string(),
        role: new.role,
        note: new.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        via: new.via.to_string(),
        prev: ledger.entries.last().map(|e| e.id.clone()).unwrap_or_default(),
        id: String::new(),
    };
    entry.id = entry.computed_id();
    let mut line = serde_json::to_string(&entry)?;
    line.push('\n');
    // A file whose last line lacks its end (written by hand) would join the new line to it.
    if !text.is_empty() && !text.ends_with('\n') {
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes()).with_context(|| format!("failed to write `{}`", path.display()))?;
    file.sync_data().ok();
    Ok(Ok(entry))
}

/// Now, as RFC 3339 in UTC, to the second.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(action: Action, who: &str) -> New {
        New {
            action,
            file: "content/guide/a.md".into(),
            hash: "ab".into(),
            who: who.into(),
            role: None,
            note: Some("why".into()),
            via: "terminal",
        }
    }

    #[test]
    fn entries_chain_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let a = append(dir.path(), new(Action::Submit, "E"), |_| Ok(())).unwrap().unwrap();
        let b = append(dir.path(), new(Action::Approve, "A"), |_| Ok(())).unwrap().unwrap();
        assert_eq!(a.prev, "");
        assert_eq!(b.prev, a.id);
        let ledger = Ledger::read(dir.path()).unwrap();
        assert_eq!(ledger.entries, vec![a, b]);
        assert_eq!(ledger.damage, None);
    }

    #[test]
    fn an_edited_or_deleted_line_is_found_and_what_came_before_it_stands() {
        let dir = tempfile::tempdir().unwrap();
        for who in ["E", "A", "B"] {
            append(dir.path(), new(Action::Submit, who), |_| Ok(())).unwrap().unwrap();
        }
        let text = std::fs::read_to_string(path(dir.path())).unwrap();
        let lines: Vec<&str> = text.lines().collect();

        let edited = text.replacen("\"who\":\"A\"", "\"who\":\"Z\"", 1);
        let ledger = Ledger::parse(&edited);
        assert_eq!(ledger.entries.len(), 1);
        assert_eq!(ledger.damage.as_ref().unwrap().line, 2);
        assert!(ledger.damage.unwrap().why.contains("changed"));

        let deleted = format!("{}\n{}\n", lines[0], lines[2]);
        let ledger = Ledger::parse(&deleted);
        assert_eq!(ledger.entries.len(), 1);
        assert!(ledger.damage.unwrap().why.contains("deleted"));

        let garbage = format!("{text}not json\n");
        assert_eq!(Ledger::parse(&garbage).damage.unwrap().line, 4);
    }

    #[test]
    fn nothing_is_added_to_a_damaged_ledger_or_against_the_decision() {
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), new(Action::Submit, "E"), |_| Ok(())).unwrap().unwrap();
        let refused = append(dir.path(), new(Action::Approve, "E"), |_| Err("no".into())).unwrap();
        assert_eq!(refused, Err("no".into()));
        std::fs::OpenOptions::new().append(true).open(path(dir.path())).unwrap().write_all(b"{}\n").unwrap();
        let refused = append(dir.path(), new(Action::Approve, "A"), |_| Ok(())).unwrap();
        assert!(refused.unwrap_err().contains("damaged at line 2"));
    }
}
