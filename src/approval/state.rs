//! Where each file stands: approved, a draft, awaiting approval or sent back, judged from the
//! ledger, the people `lmc.yaml` names and the file's bytes now. An entry that the people list
//! does not bear out (a name not in it, a role the person lacks, an approval of one's own
//! submission) counts for nothing and is reported.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ledger::{Action, Entry, Ledger};
use super::people::{People, Role, same_person};

/// One approval that stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub who: String,
    pub role: Role,
    /// What readers see after the name: the person's post, or the role.
    pub shown_role: String,
    /// RFC 3339, UTC.
    pub time: String,
    pub hash: String,
}

impl Approval {
    /// The day of the approval, as `7 December 2026`.
    pub fn date(&self) -> String {
        long_date(&self.time)
    }

    /// "Approved by NAME, ROLE, DATE".
    pub fn line(&self) -> String {
        format!("Approved by {}, {}, {}", self.who, self.shown_role, self.date())
    }
}

/// `2026-12-07T10:00:00Z` as `7 December 2026`; the text as written when it does not parse.
pub fn long_date(rfc3339: &str) -> String {
    let long = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| t.format(long).ok())
        .unwrap_or_else(|| rfc3339.get(..10).unwrap_or(rfc3339).to_string())
}

/// Where one file stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "stage", rename_all = "kebab-case")]
pub enum Stage {
    /// These bytes are the last approved ones.
    Approved,
    /// Changed since the last approval (or never approved), and not submitted.
    Draft,
    /// Submitted by `who` with a note on what changed and why.
    Awaiting { who: String, note: Option<String>, time: String },
    /// Sent back by `who` with a comment.
    ChangesRequested { who: String, note: Option<String>, time: String },
}

impl Stage {
    pub fn describe(&self) -> &'static str {
        match self {
            Stage::Approved => "approved",
            Stage::Draft => "draft",
            Stage::Awaiting { .. } => "awaiting approval",
            Stage::ChangesRequested { .. } => "changes requested",
        }
    }
}

/// A ledger judged against the people list.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// The last approval that stands, per file.
    approved: BTreeMap<String, Approval>,
    /// Every entry that stands, per file, oldest first.
    entries: BTreeMap<String, Vec<Entry>>,
    /// Entries that do not stand, and damage to the ledger, in words.
    pub problems: Vec<String>,
}

impl Book {
    pub fn judge(ledger: &Ledger, people: &People) -> Book {
        let mut book = Book::default();
        if let Some(d) = &ledger.damage {
            book.problems.push(format!(
                "the approval ledger is damaged at line {}: {}; everything after that line is ignored until it is restored from git or a backup",
                d.line, d.why
            ));
        }
        for (n, entry) in ledger.entries.iter().enumerate() {
            match book.stands(entry, people) {
                Ok(()) => {
                    if entry.action == Action::Approve
                        && let (Some(person), Some(role)) = (people.find(&entry.who), entry.role)
                    {
                        let approval = Approval {
                            who: person.name.clone(),
                            role,
                            shown_role: person.shown_role(role),
                            time: entry.time.clone(),
                            hash: entry.hash.clone(),
                        };
                        book.approved.insert(entry.file.clone(), approval);
                    }
                    book.entries.entry(entry.file.clone()).or_default().push(entry.clone());
                }
                Err(why) => book.problems.push(format!(
                    "ledger line {}: {} of `{}` by {} does not count: {why}",
                    n + 1,
                    entry.action.describe(),
                    entry.file,
                    entry.who
                )),
            }
        }
        book
    }

    fn stands(&self, entry: &Entry, people: &People) -> Result<(), String> {
        if entry.action == Action::Submit {
            return Ok(());
        }
        let person = people.find(&entry.who).ok_or("they are not among lmc.yaml's `people:`")?;
        let role = entry.role.ok_or("it names no role")?;
        if !person.has(role) {
            return Err(format!("they do not hold the {} role", role.describe()));
        }
        let needed = person.approving_role(&entry.file)?;
        if needed != role && !(needed == Role::Approver && role == Role::SafetyOfficer) {
            return Err(format!("a {} does not approve this file", role.describe()));
        }
        if entry.action == Action::Approve {
            let own = self.entries.get(&entry.file).into_iter().flatten().any(|e| {
                e.action == Action::Submit && e.hash == entry.hash && same_person(&e.who, &entry.who)
            });
            if own {
                return Err("they submitted that version themselves".into());
            }
        }
        Ok(())
    }

    /// The last approval of `rel` that stands.
    pub fn approval(&self, rel: &str) -> Option<&Approval> {
        self.approved.get(rel)
    }

    /// The entries of `rel` that stand, oldest first.
    pub fn history(&self, rel: &str) -> &[Entry] {
        self.entries.get(rel).map_or(&[], Vec::as_slice)
    }

    /// Where `rel` stands when its bytes now hash to `current`.
    pub fn stage(&self, rel: &str, current: &str) -> Stage {
        if self.approval(rel).is_some_and(|a| a.hash == current) {
            return Stage::Approved;
        }
        match self.history(rel).iter().rev().find(|e| e.hash == current) {
            Some(e) if e.action == Action::Submit => {
                Stage::Awaiting { who: e.who.clone(), note: e.note.clone(), time: e.time.clone() }
            }
            Some(e) if e.action == Action::RequestChanges => {
                Stage::ChangesRequested { who: e.who.clone(), note: e.note.clone(), time: e.time.clone() }
            }
            _ => Stage::Draft,
        }
    }

    /// Who submitted the bytes `hash` of `rel`.
    pub fn submitters(&self, rel: &str, hash: &str) -> Vec<String> {
        self.history(rel)
            .iter()
            .filter(|e| e.action == Action::Submit && e.hash == hash)
            .map(|e| e.who.clone())
            .collect()
    }

    /// Every file the ledger names.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::super::ledger::{self, New};
    use super::super::people::Person;
    use super::*;

    fn people() -> People {
        People(vec![
            Person {
                name: "Ed".into(),
                roles: vec![Role::Editor, Role::Approver],
                title: None,
                languages: vec![],
            },
            Person {
                name: "Ann".into(),
                roles: vec![Role::Approver],
                title: Some("Medical Secretary".into()),
                languages: vec![],
            },
        ])
    }

    fn add(dir: &std::path::Path, action: Action, who: &str, hash: &str, role: Option<Role>) {
        let new = New {
            action,
            file: "content/guide/a.md".into(),
            hash: hash.into(),
            who: who.into(),
            role,
            note: None,
            via: "terminal",
        };
        ledger::append(dir, new, |_| Ok(())).unwrap().unwrap();
    }

    #[test]
    fn stages_follow_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let rel = "content/guide/a.md";
        add(dir.path(), Action::Submit, "Ed", "h1", None);
        let book = Book::judge(&Ledger::read(dir.path()).unwrap(), &people());
        assert!(matches!(book.stage(rel, "h1"), Stage::Awaiting { .. }));
        assert_eq!(book.stage(rel, "h0"), Stage::Draft);
        add(dir.path(), Action::RequestChanges, "Ann", "h1", Some(Role::Approver));
        let book = Book::judge(&Ledger::read(dir.path()).unwrap(), &people());
        assert!(matches!(book.stage(rel, "h1"), Stage::ChangesRequested { .. }));
        add(dir.path(), Action::Approve, "Ann", "h1", Some(Role::Approver));
        let book = Book::judge(&Ledger::read(dir.path()).unwrap(), &people());
        assert_eq!(book.stage(rel, "h1"), Stage::Approved);
        assert_eq!(book.approval(rel).unwrap().shown_role, "Medical Secretary");
        assert!(book.approval(rel).unwrap().line().starts_with("Approved by Ann, Medical Secretary, "));
        assert!(book.problems.is_empty(), "{:?}", book.problems);
    }

    #[test]
    fn approvals_the_people_list_does_not_bear_out_do_not_count() {
        let dir = tempfile::tempdir().unwrap();
        add(dir.path(), Action::Approve, "Mallory", "h1", Some(Role::Approver));
        add(dir.path(), Action::Submit, "Ed", "h2", None);
        add(dir.path(), Action::Approve, "Ed", "h2", Some(Role::Approver));
        add(dir.path(), Action::Approve, "Ann", "h3", Some(Role::Translator));
        let book = Book::judge(&Ledger::read(dir.path()).unwrap(), &people());
        assert_eq!(book.approval("content/guide/a.md"), None);
        assert_eq!(book.problems.len(), 3, "{:?}", book.problems);
        assert!(book.problems[0].contains("not among"));
        assert!(book.problems[1].contains("submitted that version themselves"));
        assert!(book.problems[2].contains("translator"));
    }

    #[test]
    fn long_dates_read_as_words() {
        assert_eq!(long_date("2026-12-07T10:00:00Z"), "7 December 2026");
    }
}
