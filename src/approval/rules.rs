//! The rules of sign-off, applied the same way from the browser and the terminal: only a
//! person with the right role approves; nobody approves their own change; an approval
//! applies to the bytes the approver was shown, never to bytes that changed since. Each
//! action is judged again while the ledger is locked, so two tabs cannot both approve.

use std::path::Path;

use super::ledger::{self, Action, Entry, New};
use super::people::{People, Role, same_person};
use super::state::{Book, Stage};

/// One person acting on one file.
pub struct Act<'a> {
    pub action: Action,
    /// The file, relative to the project root.
    pub rel: &'a str,
    /// The hash of the bytes the person was shown (for a submission, the bytes submitted).
    pub shown: &'a str,
    /// The person (or, for a submission through an unnamed link, its label).
    pub who: &'a str,
    /// Who last changed the file, as its history knows: the author of the last git commit
    /// that changed it, or the last saver in the browser.
    pub authors: &'a [String],
    pub note: Option<String>,
    pub via: &'static str,
}

/// Why an act was refused, in words for the person who tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The file changed after the person opened it: show them the new difference.
    Stale,
    /// Any other reason.
    Other(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Stale => f.write_str(
                "the file changed after you opened it, so your approval would not be of the words now in it; look at the new difference and decide again",
            ),
            Refusal::Other(why) => f.write_str(why),
        }
    }
}

/// Records `act` if the rules allow it; a refusal says why and changes nothing.
pub fn record(root: &Path, people: &People, act: Act) -> anyhow::Result<Result<Entry, Refusal>> {
    let Some(path) = super::inside(root, act.rel).filter(|_| super::needs_approval(act.rel)) else {
        return Ok(Err(Refusal::Other(format!("`{}` is not a content file that needs approval", act.rel))));
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Err(Refusal::Other(format!("`{}` does not exist", act.rel))));
        }
        Err(e) => return Err(e.into()),
    };
    let current = super::hash(&bytes);
    if act.shown != current {
        return Ok(Err(Refusal::Stale));
    }
    let role = match act.action {
        Action::Submit => None,
        _ => match approving_role(people, &act) {
            Ok(role) => Some(role),
            Err(why) => return Ok(Err(Refusal::Other(why))),
        },
    };
    if act.action == Action::Approve {
        // The approved bytes are kept before the ledger names them: a crash in between leaves
        // a spare copy, never an approval whose words are lost.
        super::store::keep(root, &bytes)?;
    }
    if act.action == Action::RequestChanges && act.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Ok(Err(Refusal::Other(
            "say what should change: a request for changes needs a comment".into(),
        )));
    }
    let new = New {
        action: act.action,
        file: act.rel.to_string(),
        hash: current.clone(),
        who: act.who.to_string(),
        role,
        note: act.note.clone(),
        via: act.via,
    };
    let decided = ledger::append(root, new, |ledger| {
        let book = Book::judge(ledger, people);
        let stage = book.stage(act.rel, &current);
        match act.action {
            Action::Approve => {
                let mut authors: Vec<String> = act.authors.to_vec();
                authors.extend(book.submitters(act.rel, &current));
                if authors.iter().any(|a| same_person(a, act.who)) {
                    return Err(format!(
                        "{} made the last change to `{}`; another approver must approve it",
                        act.who, act.rel
                    ));
                }
                if stage == Stage::Approved {
                    let by = book.approval(act.rel).map(|a| a.line()).unwrap_or_default();
                    return Err(format!("this version of `{}` is already approved ({by})", act.rel));
                }
                Ok(())
            }
            Action::RequestChanges | Action::Submit if stage == Stage::Approved => {
                Err(format!("this version of `{}` is already approved; there is nothing to review", act.rel))
            }
            Action::Submit if matches!(stage, Stage::Awaiting { .. }) => {
                Err(format!("this version of `{}` is already awaiting approval", act.rel))
            }
            _ => Ok(()),
        }
    })?;
    Ok(decided.map_err(Refusal::Other))
}

fn approving_role(people: &People, act: &Act) -> Result<Role, String> {
    let person = people.find(act.who).ok_or_else(|| {
        let hint = crate::diag::suggest(act.who, people.names())
            .map(|n| format!(" (did you mean {n}?)"))
            .unwrap_or_default();
        format!("{} is not among the people in lmc.yaml's `people:`{hint}", act.who)
    })?;
    person.approving_role(act.rel)
}

#[cfg(test)]
mod tests {
    use super::super::people::Person;
    use super::*;

    fn people() -> People {
        People(vec![
            Person { name: "Ed".into(), roles: vec![Role::Editor], title: None, languages: vec![] },
            Person { name: "Ann".into(), roles: vec![Role::Approver], title: None, languages: vec![] },
            Person { name: "Bo".into(), roles: vec![Role::Approver], title: None, languages: vec![] },
        ])
    }

    fn act<'a>(action: Action, who: &'a str, shown: &'a str, authors: &'a [String]) -> Act<'a> {
        Act {
            action,
            rel: "content/guide/a.md",
            shown,
            who,
            authors,
            note: Some("why".into()),
            via: "terminal",
        }
    }

    #[test]
    fn approval_follows_the_rules() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("content/guide/a.md");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "one").unwrap();
        let h1 = super::super::hash(b"one");
        let people = people();
        let none: Vec<String> = vec![];
        let ann = vec!["Ann".to_string()];

        record(dir.path(), &people, act(Action::Submit, "Ed", &h1, &none)).unwrap().unwrap();
        let refused = record(dir.path(), &people, act(Action::Approve, "Ed", &h1, &none)).unwrap();
        assert!(refused.unwrap_err().to_string().contains("approver role"));
        let refused = record(dir.path(), &people, act(Action::Approve, "Ann", &h1, &ann)).unwrap();
        assert!(refused.unwrap_err().to_string().contains("made the last change"));
        let refused = record(dir.path(), &people, act(Action::Approve, "Zed", &h1, &none)).unwrap();
        assert!(refused.unwrap_err().to_string().contains("not among"));
        let stale = record(dir.path(), &people, act(Action::Approve, "Bo", "0".repeat(64).as_str(), &none));
        assert_eq!(stale.unwrap().unwrap_err(), Refusal::Stale);

        let entry = record(dir.path(), &people, act(Action::Approve, "Bo", &h1, &ann)).unwrap().unwrap();
        assert_eq!(entry.role, Some(Role::Approver));
        assert_eq!(super::super::store::get(dir.path(), &h1).unwrap(), b"one");
        let again = record(dir.path(), &people, act(Action::Approve, "Bo", &h1, &none)).unwrap();
        assert!(again.unwrap_err().to_string().contains("already approved"));
    }
}
