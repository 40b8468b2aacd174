//! Sign-off: which bytes of which content file a named person approved, in which role, and
//! so what a practice may be given.
//!
//! The record is `approvals/ledger.jsonl`, one JSON line per submission, approval or request
//! for changes, each naming the entry before it (`ledger`). An approved file's exact bytes are
//! kept beside it under `approvals/files/` (`store`), so that practices keep getting them
//! while a newer draft waits. From the ledger and the files on disk, `state` says where each
//! file stands, and `view` says what a build reads for each file and which sign-off it shows.
//! Everything a practice can fetch is made through a [`view::View`]; nothing else decides.
//!
//! Below `load`: it knows files, bytes and names, never documents, requests or keys.

pub mod ledger;
pub mod people;
pub mod rules;
pub mod state;
pub mod store;
pub mod view;

use std::path::{Path, PathBuf};

/// The folder, at the project root, that holds the ledger and the approved files.
pub const DIR: &str = "approvals";

/// Hex BLAKE3 of a file's bytes: what an approval names.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Whether a file (relative to the project root, `/` separators) needs approval before it
/// reaches a practice: every Markdown file of `content/` but the practices' own profiles, and
/// every template the project holds in `templates/`.
pub fn needs_approval(rel: &str) -> bool {
    let hidden = rel.split('/').any(|part| part.starts_with('.'));
    if hidden || rel.contains("..") {
        return false;
    }
    (rel.starts_with("content/") && rel.ends_with(".md") && !rel.starts_with("content/practices/"))
        || (rel.starts_with("templates/") && rel.ends_with(".tera"))
}

/// The language code of a translation (`content/posters/NAME.LANG.md`), which only a
/// translator of that language may approve.
pub fn translation_language(rel: &str) -> Option<&str> {
    let name = rel.strip_prefix("content/")?.strip_suffix(".md")?;
    let file = name.rsplit('/').next()?;
    let (_, lang) = file.rsplit_once('.')?;
    let ok = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
    ok.then_some(lang)
}

/// Every file under `root` that needs approval, relative and sorted.
pub fn approvable_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["content", "templates"] {
        for entry in
            walkdir::WalkDir::new(root.join(dir)).follow_links(false).into_iter().filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = relative(root, entry.path());
            if needs_approval(&rel) {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// `path` relative to `root` with `/` separators (the path itself when outside).
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// `rel` under `root`, refusing anything that could leave it.
pub fn inside(root: &Path, rel: &str) -> Option<PathBuf> {
    let path = Path::new(rel);
    let plain = path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    (plain && !rel.is_empty()).then(|| root.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_and_templates_need_approval_profiles_do_not() {
        assert!(needs_approval("content/guide/01-about.md"));
        assert!(needs_approval("content/ag-disclaimer.md"));
        assert!(needs_approval("content/posters/where-to-get-help.gu.md"));
        assert!(needs_approval("templates/poster.typ.tera"));
        assert!(!needs_approval("content/practices/z1.yaml"));
        assert!(!needs_approval("content/practices/notes.md"));
        assert!(!needs_approval("content/lmc.yaml"));
        assert!(!needs_approval("content/guide/.draft.md"));
        assert!(!needs_approval("output/guide.md"));
    }

    #[test]
    fn a_translation_names_its_language() {
        assert_eq!(translation_language("content/posters/where-to-get-help.gu.md"), Some("gu"));
        assert_eq!(translation_language("content/posters/where-to-get-help.md"), None);
        assert_eq!(translation_language("content/guide/01-v1.2.md"), None);
        assert_eq!(translation_language("templates/a.gu.tera"), None);
    }
}
