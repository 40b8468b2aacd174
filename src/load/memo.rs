//! What the last load parsed, kept by `watch` between rebuilds: a profile or Markdown file
//! whose text is what it was is not parsed again.
//!
//! A save in `watch` changes one file, yet every rebuild loaded the whole project: at 130
//! practices, parsing and checking the profiles and the guide was most of the 20 to 30 ms
//! between the save's debounce and the first document. Each entry is keyed by its file's
//! path and a hash of the exact text parsed (the approved version, when that is what is
//! read), so a changed file is always parsed afresh.
//!
//! Parsing is a function of the text, except that a profile's logo and a document's images
//! are looked up on disk. So the memo is forgotten whenever anything other than a profile or
//! a Markdown file changes ([`Memo::keep_for`]); only files that parsed without error are
//! kept, so an error is always found again.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diag::Problem;
use crate::load::config::Practice;
use crate::load::content::Document;

#[derive(Default)]
pub struct Memo {
    practices: Mutex<Kept<Practice>>,
    documents: Mutex<Kept<Document>>,
}

/// The entries the last load used, and those this load has used so far: a load keeps only
/// what it used, so files deleted since are forgotten.
pub struct Kept<T> {
    last: HashMap<PathBuf, (blake3::Hash, T)>,
    now: HashMap<PathBuf, (blake3::Hash, T)>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept { last: HashMap::new(), now: HashMap::new() }
    }
}

impl Memo {
    /// Keeps the memo for a rebuild after `changed`, or forgets it all when a file other
    /// than a profile or Markdown file changed (a logo or an image that parsing looks up).
    pub fn keep_for(&self, changed: &BTreeSet<PathBuf>) {
        let text_only =
            changed.iter().all(|p| p.extension().is_some_and(|e| e == "md" || e == "yaml" || e == "yml"));
        if !text_only {
            self.forget();
        }
    }

    pub fn forget(&self) {
        *lock(&self.practices) = Kept::default();
        *lock(&self.documents) = Kept::default();
    }

    /// Whether every file of `changed` holds the very text the last load parsed there, so
    /// that a rebuild for them would make nothing new. The file watcher can report one save
    /// twice (a vim-style save's rename, then the swap file's close under the real name, a
    /// rebuild later); `watch` drops such a set instead of rebuilding nothing. Only texts
    /// that parsed without error are kept, so a file with an error is always rebuilt for;
    /// an approved version read instead of the file never matches the file.
    pub fn holds_what_was_parsed(&self, changed: &BTreeSet<PathBuf>) -> bool {
        changed.iter().all(|path| {
            let parsed = last_hash(&self.practices, path).or_else(|| last_hash(&self.documents, path));
            // Read without holding a lock.
            parsed.is_some_and(|parsed| super::text::read(path).is_ok_and(|text| digest(&text) == parsed))
        })
    }

    /// Called when a load is done: what it did not use is dropped.
    pub fn finish(&self) {
        finish(&self.practices);
        finish(&self.documents);
    }
}

/// What a memo keeps: a parsed profile or Markdown document.
pub trait Remembered: Clone {
    fn kept(memo: &Memo) -> &Mutex<Kept<Self>>;
}

impl Remembered for Practice {
    fn kept(memo: &Memo) -> &Mutex<Kept<Self>> {
        &memo.practices
    }
}

impl Remembered for Document {
    fn kept(memo: &Memo) -> &Mutex<Kept<Self>> {
        &memo.documents
    }
}

/// The file at `path` whose text is `text`, parsed by `parse` unless `memo` holds it. Only
/// what parsed without error is kept.
pub fn parsed<T: Remembered>(
    memo: Option<&Memo>,
    path: &Path,
    text: &str,
    parse: impl FnOnce() -> Result<T, Vec<Problem>>,
) -> Result<T, Vec<Problem>> {
    let Some(memo) = memo else { return parse() };
    let kept = T::kept(memo);
    let hash = digest(text);
    let known = lock(kept).last.get(path).filter(|(h, _)| *h == hash).map(|(_, t)| t.clone());
    // Parsed outside the lock: the profiles are parsed on every core.
    let value = match known {
        Some(value) => value,
        None => parse()?,
    };
    lock(kept).now.insert(path.to_path_buf(), (hash, value.clone()));
    Ok(value)
}

/// What an entry is keyed by besides its path: the text parsed.
fn digest(text: &str) -> blake3::Hash {
    blake3::hash(text.as_bytes())
}

/// The digest of the text the last load parsed at `path`, if it parsed.
fn last_hash<T>(kept: &Mutex<Kept<T>>, path: &Path) -> Option<blake3::Hash> {
    lock(kept).last.get(path).map(|(hash, _)| *hash)
}

fn finish<T>(kept: &Mutex<Kept<T>>) {
    let mut kept = lock(kept);
    kept.last = std::mem::take(&mut kept.now);
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_count(memo: &Memo, path: &str, text: &str, count: &mut usize) -> Result<Document, Vec<Problem>> {
        let root = Path::new("/p");
        parsed(Some(memo), &root.join(path), text, || {
            *count += 1;
            crate::load::content::parse_document(root, &root.join(path), text.into())
        })
    }

    const DOC: &str = "---\nkind: poster\ntitle: Help\nsummary: Where.\norder: 10\n---\n\nCall us.\n";

    #[test]
    fn a_file_holding_the_text_last_parsed_is_known_and_any_other_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let path = root.join("content/posters/help.md");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, DOC).unwrap();
        let memo = Memo::default();
        let set = |paths: &[&Path]| paths.iter().map(|p| p.to_path_buf()).collect::<BTreeSet<_>>();
        assert!(!memo.holds_what_was_parsed(&set(&[&path])), "nothing parsed yet");
        parsed(Some(&memo), &path, DOC, || crate::load::content::parse_document(root, &path, DOC.into()))
            .unwrap();
        memo.finish();
        assert!(memo.holds_what_was_parsed(&set(&[&path])));
        // Written again with the same text (CRLF line ends read the same): still known.
        std::fs::write(&path, DOC.replace('\n', "\r\n")).unwrap();
        assert!(memo.holds_what_was_parsed(&set(&[&path])));
        // Any other text, a file never parsed, or a deleted file: a change.
        let other = root.join("content/posters/other.md");
        std::fs::write(&other, DOC).unwrap();
        assert!(!memo.holds_what_was_parsed(&set(&[&path, &other])));
        std::fs::write(&path, DOC.replace("Call us.", "Call us today.")).unwrap();
        assert!(!memo.holds_what_was_parsed(&set(&[&path])));
        std::fs::remove_file(&path).unwrap();
        assert!(!memo.holds_what_was_parsed(&set(&[&path])));
        memo.forget();
        std::fs::write(&path, DOC).unwrap();
        assert!(!memo.holds_what_was_parsed(&set(&[&path])), "forgotten");
    }

    #[test]
    fn an_unchanged_text_is_parsed_once_and_a_changed_one_again() {
        let memo = Memo::default();
        let mut count = 0;
        let first = parse_count(&memo, "content/posters/help.md", DOC, &mut count).unwrap();
        memo.finish();
        let again = parse_count(&memo, "content/posters/help.md", DOC, &mut count).unwrap();
        memo.finish();
        assert_eq!(count, 1);
        assert_eq!(first.title, again.title);
        let edited = DOC.replace("Help", "Get help");
        let changed = parse_count(&memo, "content/posters/help.md", &edited, &mut count).unwrap();
        assert_eq!((count, changed.title.as_str()), (2, "Get help"));
    }

    #[test]
    fn errors_are_never_kept_and_a_changed_image_or_logo_forgets_everything() {
        let memo = Memo::default();
        let mut count = 0;
        for _ in 0..2 {
            assert!(parse_count(&memo, "content/posters/broken.md", "no front matter", &mut count).is_err());
            memo.finish();
        }
        assert_eq!(count, 2, "an error is found again, not remembered");
        parse_count(&memo, "content/posters/help.md", DOC, &mut count).unwrap();
        memo.finish();
        memo.keep_for(&BTreeSet::from([PathBuf::from("/p/content/guide/01.md")]));
        parse_count(&memo, "content/posters/help.md", DOC, &mut count).unwrap();
        memo.finish();
        assert_eq!(count, 3, "a Markdown file's change keeps the memo");
        memo.keep_for(&BTreeSet::from([PathBuf::from("/p/content/practices/logos/a.png")]));
        parse_count(&memo, "content/posters/help.md", DOC, &mut count).unwrap();
        assert_eq!(count, 4, "a logo's change forgets it");
    }

    #[test]
    fn a_file_not_loaded_last_time_is_forgotten() {
        let memo = Memo::default();
        let mut count = 0;
        parse_count(&memo, "content/posters/help.md", DOC, &mut count).unwrap();
        memo.finish();
        memo.finish(); // a load that did not read it
        parse_count(&memo, "content/posters/help.md", DOC, &mut count).unwrap();
        assert_eq!(count, 2);
    }
}
