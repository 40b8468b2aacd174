//! What a build reads for each file that needs approval, and the sign-off it shows.
//!
//! The practices' view ([`Mode::Practices`]) gives each file's last approved bytes: the file
//! on disk when it is the approved version, else the kept copy. A file never approved is read
//! from disk and marked a draft, so that it is built (a new user sees every document) but
//! never offered to a practice. The drafts' view ([`Mode::Drafts`]) reads every file from
//! disk and marks each one that differs from its approved version: the LMC's preview of what
//! awaits approval, built apart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::ledger::Ledger;
use super::people::{People, Person};
use super::state::{Approval, Book};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// What practices are given: approved bytes only.
    Practices,
    /// What the LMC previews: the files as they are now, drafts marked.
    Drafts,
}

/// A document's sign-off, as every format shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SignOff {
    /// The project does not ask for approval.
    NotRequired,
    /// Approved: "Approved by NAME, ROLE, DATE".
    Approved { by: String, role: String, date: String, line: String },
    /// Not approved by the LMC: marked on every page, never offered to a practice.
    Draft,
}

impl SignOff {
    fn of(approval: &Approval) -> SignOff {
        SignOff::Approved {
            by: approval.who.clone(),
            role: approval.shown_role.clone(),
            date: approval.date(),
            line: approval.line(),
        }
    }

    pub fn is_draft(&self) -> bool {
        matches!(self, SignOff::Draft)
    }

    /// What a document's properties and a pack's README say: the approval line, or that it
    /// is a draft; nothing when the project does not ask for approval.
    pub fn words(&self) -> Option<String> {
        match self {
            SignOff::NotRequired => None,
            SignOff::Draft => Some(DRAFT_NOTICE.to_string()),
            SignOff::Approved { line, .. } => Some(line.clone()),
        }
    }

    /// The approval line, when there is one.
    pub fn line(&self) -> Option<&str> {
        match self {
            SignOff::Approved { line, .. } => Some(line),
            _ => None,
        }
    }

    /// The least approved of several: a document is a draft when any file it is made from is.
    pub fn worst<'a>(all: impl IntoIterator<Item = &'a SignOff>) -> SignOff {
        let mut out = SignOff::NotRequired;
        for s in all {
            match (s, &out) {
                (SignOff::Draft, _) => return SignOff::Draft,
                (SignOff::Approved { .. }, SignOff::NotRequired) => out = s.clone(),
                _ => {}
            }
        }
        out
    }
}

/// The words every unapproved output carries.
pub const DRAFT_NOTICE: &str = "DRAFT: not yet approved by the LMC. Do not use or share it.";

/// What `lmc.yaml` says about sign-off.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub required: bool,
    pub people: People,
}

#[derive(Deserialize)]
struct Lenient {
    #[serde(default)]
    approval: Option<String>,
    #[serde(default)]
    people: Vec<Person>,
}

impl Settings {
    /// Read leniently from `content/lmc.yaml` (the project's own load reports any mistake in
    /// it). A file that cannot be read asks for approval and names nobody: nothing then
    /// reaches a practice until it is mended.
    pub fn read(root: &Path) -> Settings {
        let text = std::fs::read_to_string(root.join("content").join("lmc.yaml"));
        match text.ok().map(|t| serde_saphyr::from_str::<Lenient>(&t)) {
            None => Settings::default(),
            Some(Ok(l)) => {
                Settings { required: l.approval.as_deref() == Some("required"), people: People(l.people) }
            }
            Some(Err(_)) => Settings { required: true, people: People::default() },
        }
    }
}

/// What a build reads for one file, and what it shows.
#[derive(Debug, Clone)]
pub struct Use {
    /// The approved bytes to read instead of the file on disk, when they differ from it.
    pub bytes: Option<Arc<[u8]>>,
    pub sign_off: SignOff,
    /// What the build manifest hashes for the file: the bytes read and the sign-off shown,
    /// so that an approval rebuilds what shows it.
    pub digest: [u8; 16],
}

/// Every approvable file of a project, as one mode of build sees it.
#[derive(Debug, Clone)]
pub struct View {
    pub mode: Mode,
    pub required: bool,
    /// By absolute path (under the root as given).
    files: HashMap<PathBuf, Use>,
    /// Files whose approved version differs from the one on disk: their drafts are built apart.
    pub drafted: Vec<PathBuf>,
    /// What is wrong with the ledger or the approved copies, in words.
    pub problems: Vec<String>,
    pub book: Book,
}

impl View {
    /// No sign-off at all: a file outside any project.
    pub fn none() -> View {
        View {
            mode: Mode::Drafts,
            required: false,
            files: HashMap::new(),
            drafted: Vec::new(),
            problems: Vec::new(),
            book: Book::default(),
        }
    }

    /// The view of the project at `root` (its canonical path).
    pub fn open(root: &Path, mode: Mode) -> View {
        Self::with(root, mode, &Settings::read(root))
    }

    pub fn with(root: &Path, mode: Mode, settings: &Settings) -> View {
        let (ledger, mut problems) = match Ledger::read(root) {
            Ok(l) => (l, Vec::new()),
            Err(e) => (Ledger::default(), vec![format!("{e:#}")]),
        };
        let book = Book::judge(&ledger, &settings.people);
        problems.extend(book.problems.iter().cloned());
        let mut view = View {
            mode,
            required: settings.required,
            files: HashMap::new(),
            drafted: Vec::new(),
            problems,
            book,
        };
        let files = super::approvable_files(root);
        let uses = crate::parallel::map(&files, |rel| view.use_of(root, rel));
        for (rel, (usage, drafted, problem)) in files.iter().zip(uses) {
            let path = root.join(rel);
            if drafted {
                view.drafted.push(path.clone());
            }
            view.problems.extend(problem);
            view.files.insert(path, usage);
        }
        view
    }

    fn use_of(&self, root: &Path, rel: &str) -> (Use, bool, Option<String>) {
        let bytes = std::fs::read(root.join(rel)).unwrap_or_default();
        let current = super::hash(&bytes);
        let approval = self.book.approval(rel);
        let (read, sign_off, drafted, problem) = match (self.required, approval) {
            (false, _) => (None, SignOff::NotRequired, false, None),
            (true, None) => (None, SignOff::Draft, false, None),
            (true, Some(a)) if a.hash == current => (None, SignOff::of(a), false, None),
            (true, Some(a)) => match self.mode {
                Mode::Drafts => (None, SignOff::Draft, true, None),
                Mode::Practices => match super::store::get(root, &a.hash) {
                    Some(kept) => (Some(Arc::<[u8]>::from(kept)), SignOff::of(a), true, None),
                    None => (
                        None,
                        SignOff::Draft,
                        true,
                        Some(format!(
                            "the approved version of `{rel}` is missing from `{}/{}/`: practices get nothing of it until it is approved again or the copy is restored from git",
                            super::DIR,
                            super::store::FILES
                        )),
                    ),
                },
            },
        };
        let digest = digest(read.as_deref().unwrap_or(&bytes), &sign_off);
        (Use { bytes: read, sign_off, digest }, drafted, problem)
    }

    /// Puts `bytes` in the place of the file at `path` (a draft shown before it is saved): a
    /// draft unless they are the approved bytes.
    pub fn put(&mut self, root: &Path, path: &Path, bytes: &[u8]) {
        let rel = super::relative(root, path);
        if !super::needs_approval(&rel) {
            return;
        }
        let hash = super::hash(bytes);
        let sign_off = match (self.required, self.book.approval(&rel)) {
            (false, _) => SignOff::NotRequired,
            (true, Some(a)) if a.hash == hash => SignOff::of(a),
            (true, _) => SignOff::Draft,
        };
        let digest = digest(bytes, &sign_off);
        self.files.insert(path.to_path_buf(), Use { bytes: None, sign_off, digest });
    }

    /// The bytes to read for `path` instead of the file on disk, if any.
    pub fn bytes(&self, path: &Path) -> Option<&Arc<[u8]>> {
        self.files.get(path)?.bytes.as_ref()
    }

    /// The text to read for `path` instead of the file on disk, if any.
    pub fn text(&self, path: &Path) -> Option<String> {
        self.bytes(path).map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// The sign-off of one file. A file this view does not know (made after it was opened)
    /// is a draft when approval is required.
    pub fn sign_off(&self, path: &Path) -> SignOff {
        match self.files.get(path) {
            Some(u) => u.sign_off.clone(),
            None if self.required => SignOff::Draft,
            None => SignOff::NotRequired,
        }
    }

    /// The manifest digest of `path`, when it is a file that needs approval.
    pub fn digest(&self, path: &Path) -> Option<[u8; 16]> {
        self.files.get(path).map(|u| u.digest)
    }

    /// The sign-off of a document made from `paths`: a draft when any file among them that
    /// needs approval is one, else the approval of the last such file.
    pub fn sign_off_of<'a>(&self, paths: impl IntoIterator<Item = &'a Path>) -> SignOff {
        SignOff::worst(paths.into_iter().filter_map(|p| self.files.get(p).map(|u| &u.sign_off)))
    }

    /// Whether a document made from `paths` may be offered to a practice: no file among them
    /// that needs approval is a draft.
    pub fn offerable<'a>(&self, paths: impl IntoIterator<Item = &'a Path>) -> bool {
        !self.required || !self.sign_off_of(paths).is_draft()
    }

    /// The digests this view overrides, for the build manifest.
    pub fn digests(&self) -> impl Iterator<Item = (&Path, [u8; 16])> {
        self.files.iter().map(|(p, u)| (p.as_path(), u.digest))
    }

    /// The files this view shows as drafts: in the practices' view, those never approved (or
    /// whose approved copy is missing); in the drafts' view, every file not approved as it is.
    pub fn drafts(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().filter(|(_, u)| u.sign_off.is_draft()).map(|(p, _)| p.as_path())
    }
}

/// What the build manifest hashes for a file: the bytes read and the sign-off shown.
fn digest(bytes: &[u8], sign_off: &SignOff) -> [u8; 16] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(bytes);
    hasher.update(serde_json::to_string(sign_off).unwrap_or_default().as_bytes());
    let mut digest = [0u8; 16];
    digest.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    digest
}

#[cfg(test)]
mod tests {
    use super::super::ledger::Action;
    use super::super::people::Role;
    use super::super::rules::{self, Act};
    use super::*;

    fn settings() -> Settings {
        Settings {
            required: true,
            people: People(vec![Person {
                name: "Ann".into(),
                roles: vec![Role::Approver],
                title: None,
                languages: vec![],
            }]),
        }
    }

    #[test]
    fn practices_keep_the_approved_words_while_a_draft_waits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = root.join("content/posters/p.md");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "approved words").unwrap();
        let settings = settings();
        let view = View::with(root, Mode::Practices, &settings);
        assert_eq!(view.sign_off(&file), SignOff::Draft, "never approved");
        assert!(!view.offerable([file.as_path()]));

        let hash = super::super::hash(b"approved words");
        let act = Act {
            action: Action::Approve,
            rel: "content/posters/p.md",
            shown: &hash,
            who: "Ann",
            authors: &[],
            note: None,
            via: "terminal",
        };
        rules::record(root, &settings.people, act).unwrap().unwrap();
        let view = View::with(root, Mode::Practices, &settings);
        assert!(view.sign_off(&file).line().unwrap().starts_with("Approved by Ann, LMC approver, "));
        assert!(view.bytes(&file).is_none(), "the file on disk is the approved one");
        let approved_digest = view.digest(&file);

        std::fs::write(&file, "new unapproved words").unwrap();
        let view = View::with(root, Mode::Practices, &settings);
        assert_eq!(view.text(&file).as_deref(), Some("approved words"));
        assert!(view.offerable([file.as_path()]));
        assert_eq!(view.drafted, vec![file.clone()]);
        assert_eq!(view.digest(&file), approved_digest, "practices' outputs need no rebuild");
        let drafts = View::with(root, Mode::Drafts, &settings);
        assert_eq!(drafts.sign_off(&file), SignOff::Draft);
        assert!(drafts.bytes(&file).is_none());

        // A missing approved copy gives practices nothing rather than the draft.
        std::fs::remove_dir_all(root.join("approvals/files")).unwrap();
        let view = View::with(root, Mode::Practices, &settings);
        assert_eq!(view.sign_off(&file), SignOff::Draft);
        assert!(view.problems[0].contains("missing"));
    }

    #[test]
    fn without_approval_required_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("content/guide/a.md");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "x").unwrap();
        let view = View::with(dir.path(), Mode::Practices, &Settings::default());
        assert_eq!(view.sign_off(&file), SignOff::NotRequired);
        assert!(view.offerable([file.as_path()]));
    }
}
