//! What the output folder holds for a practice, as its page lists it: each document's
//! downloads with a version tag for the URL. (Paths a request names are confined in
//! `auth.rs`; packs are made by `write::pack`.)

use std::path::Path;

use serde::Serialize;

use super::snapshot::{DocKind, PracticeEntry};
use crate::plan::Role;

/// An ODS code as an address may give it (any case); anything else is refused before it is
/// joined to a path.
pub fn is_ods(s: &str) -> bool {
    crate::load::config::is_ods(&s.to_ascii_uppercase())
}

#[derive(Debug, Clone, Serialize)]
pub struct Download {
    pub rel: String,
    pub label: String,
    /// A version tag for the URL, so a rebuilt file is fetched again.
    pub v: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub slug: String,
    /// The document's own title.
    pub title: String,
    /// The language's English name, for a translation.
    pub language: Option<&'static str>,
    /// A translation not yet checked by a qualified translator.
    pub draft: bool,
    /// Not approved by the LMC: only the LMC's links list it, marked.
    pub unapproved: bool,
    /// Previews as PNG (posters, social images).
    pub images: Vec<Download>,
    /// A PDF to embed when there is no image (letters).
    pub pdf: Option<Download>,
    pub downloads: Vec<Download>,
    /// A letter's own sentence on when to use it.
    pub use_when: Option<String>,
}

fn version(path: &Path) -> String {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(String::new, |d| format!("{:x}", d.as_millis()))
}

/// A practice's posters (with their social images) and letters, from the snapshot: each
/// under its document's own title, its files labelled by role.
pub fn items(practice_dir: &Path, practice: &PracticeEntry) -> (Vec<Item>, Vec<Item>) {
    let mut posters = Vec::new();
    let mut letters = Vec::new();
    for doc in &practice.documents {
        let mut item = Item {
            slug: doc.slug.clone(),
            title: doc.title.clone(),
            language: doc.language,
            draft: doc.draft,
            unapproved: !doc.offered,
            images: vec![],
            pdf: None,
            downloads: vec![],
            use_when: None,
        };
        for (rel, role) in &doc.files {
            let d = Download {
                label: role.label().to_string(),
                v: version(&practice_dir.join(rel)),
                rel: rel.clone(),
            };
            if role.is_image() {
                item.images.push(d.clone());
            }
            if *role == Role::LetterPdf {
                item.pdf = Some(d.clone());
            }
            item.downloads.push(d);
        }
        match doc.kind {
            DocKind::Poster => posters.push(item),
            DocKind::Letter => letters.push(item),
            DocKind::Other => {}
        }
    }
    (posters, letters)
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("zip") => "application/zip",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_take_titles_languages_and_labels_from_the_snapshot() {
        use super::super::snapshot::Document;
        let doc = |slug: &str, title: &str, kind, files: &[(&str, Role)]| Document {
            slug: slug.into(),
            title: title.into(),
            language: slug.ends_with(".gu").then_some("Gujarati"),
            draft: slug.ends_with(".gu"),
            offered: true,
            kind,
            files: files.iter().map(|(r, role)| (r.to_string(), *role)).collect(),
        };
        let practice = PracticeEntry {
            ods: "Z90001".into(),
            name: "P".into(),
            path: "p.yaml".into(),
            pack: Default::default(),
            documents: vec![
                doc(
                    "limits.gu",
                    "Why we see a safe number each day",
                    DocKind::Poster,
                    &[
                        ("posters/limits.gu.pdf", Role::PosterA4),
                        ("posters/limits.gu.png", Role::PosterImage),
                    ],
                ),
                doc(
                    "reply",
                    "Reply",
                    DocKind::Letter,
                    &[("letters/reply.pdf", Role::LetterPdf), ("letters/reply.docx", Role::LetterWord)],
                ),
            ],
        };
        let (posters, letters) = items(Path::new("/nowhere"), &practice);
        assert_eq!(posters[0].title, "Why we see a safe number each day");
        assert_eq!((posters[0].language, posters[0].draft), (Some("Gujarati"), true));
        assert_eq!(posters[0].images.len(), 1);
        let labels: Vec<_> = posters[0].downloads.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(labels, ["A4 PDF", "PNG"]);
        assert_eq!(letters[0].pdf.as_ref().unwrap().rel, "letters/reply.pdf");
        assert_eq!(letters[0].downloads[1].label, "Word");
    }

    #[test]
    fn ods_codes_in_any_case_only() {
        assert!(is_ods("z90001"));
    }

    #[test]
    fn ods_codes_only() {
        assert!(is_ods("Z90001"));
        for bad in ["..", "Z9000", "Z900011", "../etc", "Z9000/"] {
            assert!(!is_ods(bad), "{bad}");
        }
    }
}
