//! Editions: the LMC re-issues its guide after every contract change, and keeps each earlier
//! edition as plain files under `editions/<slug>/` (a copy of `content/lmc.yaml` and of the
//! `guide/`, `posters/` and `letters/` folders). This module reads those archives and compares
//! them with the current content: sections added, removed, renamed, with a new status or new
//! dates, and text changed, down to the words within paragraphs. It typesets nothing itself.

mod compare;
mod load;
mod loaded;
mod name;
mod redline;
pub mod review;
mod sections;
mod words;

pub use compare::{Comparison, DocChange, DocStatus, compare, compare_docs};
pub use load::{ArchivedDoc, Edition, FOLDERS, Section, current_name};
pub use loaded::Editions;
pub use name::EditionName;
pub use redline::{DEL_END, DEL_START, INS_END, INS_START, marks_to_typst, redline_markdown};
pub use sections::{ChangeKind, SectionChange, match_sections, section_change};
pub use words::{BodyDiff, ParaDiff, WordOp, body_diff, new_text, old_text, tokens, word_ops};

use std::path::{Path, PathBuf};

/// The folder that holds archived editions, at the project root.
pub const EDITIONS_DIR: &str = "editions";

/// Archived editions under `root/editions/`, oldest first. Folders whose names are not
/// edition slugs (`2025-26`) are ignored, so notes or backups there do no harm.
pub fn archives(root: &Path) -> Vec<(EditionName, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(root.join(EDITIONS_DIR)) else { return Vec::new() };
    let mut found: Vec<(EditionName, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = EditionName::parse(&e.file_name().to_string_lossy()).ok()?;
            Some((name, e.path()))
        })
        .collect();
    found.sort();
    found
}

/// The archive to compare the current edition with: the newest one older than `current`
/// (or the newest of all when the current edition's name cannot be read).
pub fn previous(root: &Path, current: Option<&str>) -> Option<(EditionName, PathBuf)> {
    let current = current.and_then(|c| EditionName::parse(c).ok());
    archives(root).into_iter().rev().find(|(name, _)| current.as_ref().is_none_or(|c| name < c))
}

/// Every file of an archived edition that a comparison reads, for the build manifest.
pub fn archive_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![dir.join("lmc.yaml")];
    for sub in load::FOLDERS {
        files.extend(load::markdown_files(&dir.join(sub)));
    }
    files
}
