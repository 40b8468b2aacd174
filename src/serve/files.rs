//! What the output folder holds for a practice, as its page lists it: each document's
//! downloads with a version tag for the URL. (Paths a request names are confined in
//! `auth.rs`; packs are made by `write::pack`.)

use std::path::Path;

use serde::Serialize;

use super::snapshot::PracticeEntry;
use crate::kinds::{Declaration, Format};

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
    /// The PDF whose first page the page shows as an image (letters, and any kind whose
    /// declaration shows it), and the address of that image under the practice's own.
    pub pdf: Option<Download>,
    pub page_image: Option<String>,
    /// The words of a text file, shown to copy (the A&G wording).
    pub text: Option<String>,
    pub downloads: Vec<Download>,
    /// The document's own sentence on when to use it.
    pub use_when: Option<String>,
}

/// The documents of one kind on a practice's page, under the kind's declared heading.
#[derive(Debug, Clone, Serialize)]
pub struct Shelf {
    /// The kind's name, for the section's id.
    pub id: &'static str,
    pub heading: &'static str,
    pub items: Vec<Item>,
}

fn version(path: &Path) -> String {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(String::new, |d| format!("{:x}", d.as_millis()))
}

/// A practice's documents from the snapshot, a shelf for each kind in `shelves` (the
/// project's, in order, each under its declared heading): each document under its own
/// title, its files labelled by role. Reads the files' times, and the text files' words.
pub fn shelves(
    practice_dir: &Path,
    practice: &PracticeEntry,
    shelves: &[&'static Declaration],
) -> Vec<Shelf> {
    let mut out: Vec<Shelf> = shelves
        .iter()
        .map(|k| Shelf {
            id: k.name,
            heading: k.practice_heading.unwrap_or(k.group.title),
            items: Vec::new(),
        })
        .collect();
    for doc in &practice.documents {
        let Some(kind) = doc.kind else { continue };
        let Some(shelf) = out.iter_mut().find(|s| s.id == kind.name) else { continue };
        let mut item = Item {
            slug: doc.slug.clone(),
            title: doc.title.clone(),
            language: doc.language,
            draft: doc.draft,
            unapproved: !doc.offered,
            images: vec![],
            pdf: None,
            page_image: None,
            text: None,
            downloads: vec![],
            use_when: doc.use_when.clone(),
        };
        for (rel, role) in &doc.files {
            let path = practice_dir.join(rel);
            let d = Download { label: role.label().to_string(), v: version(&path), rel: rel.clone() };
            if role.is_image() {
                item.images.push(d.clone());
            }
            match kind.format_of(*role) {
                Some(Format::Pdf) if kind.first_page_shown() && item.pdf.is_none() => {
                    item.page_image = Some(format!("{}/{}/page.png?v={}", kind.folder, doc.slug, d.v));
                    item.pdf = Some(d.clone());
                }
                Some(Format::Text) if item.text.is_none() => item.text = std::fs::read_to_string(&path).ok(),
                _ => {}
            }
            item.downloads.push(d);
        }
        shelf.items.push(item);
    }
    out
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
    fn shelves_follow_the_kinds_declarations() {
        use super::super::snapshot::Document;
        use crate::kinds::{Role, named};
        let doc = |slug: &str, title: &str, kind: &str, files: &[(&str, Role)]| Document {
            slug: slug.into(),
            title: title.into(),
            language: slug.ends_with(".gu").then_some("Gujarati"),
            draft: slug.ends_with(".gu"),
            offered: true,
            kind: named(kind),
            use_when: (kind == "letter").then(|| "When a patient asks.".to_string()),
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
                    "poster",
                    &[
                        ("posters/limits.gu.pdf", Role::PosterA4),
                        ("posters/limits.gu.png", Role::PosterImage),
                    ],
                ),
                doc(
                    "reply",
                    "Reply",
                    "letter",
                    &[("letters/reply.pdf", Role::LetterPdf), ("letters/reply.docx", Role::LetterWord)],
                ),
                doc("flu", "Flu jabs", "leaflet", &[("leaflets/flu.pdf", Role::LeafletPdf)]),
                doc("whats-new", "What's new", "nothing", &[("whats-new.pdf", Role::WhatsNew)]),
            ],
        };
        let kinds: Vec<_> =
            ["poster", "letter", "leaflet", "ag-disclaimer"].map(|k| named(k).unwrap()).into();
        let shelves = shelves(Path::new("/nowhere"), &practice, &kinds);
        let headings: Vec<_> = shelves.iter().map(|s| (s.heading, s.items.len())).collect();
        assert_eq!(
            headings,
            [
                ("Posters and social images", 1),
                ("Letters", 1),
                ("Practice leaflets", 1),
                ("Advice & Guidance wording", 0)
            ]
        );
        let (poster, letter, leaflet) = (&shelves[0].items[0], &shelves[1].items[0], &shelves[2].items[0]);
        assert_eq!(poster.title, "Why we see a safe number each day");
        assert_eq!((poster.language, poster.draft), (Some("Gujarati"), true));
        assert_eq!((poster.images.len(), poster.page_image.as_deref()), (1, None));
        let labels: Vec<_> = poster.downloads.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(labels, ["A4 PDF", "PNG"]);
        assert_eq!(letter.pdf.as_ref().unwrap().rel, "letters/reply.pdf");
        assert_eq!(letter.page_image.as_deref(), Some("letters/reply/page.png?v="));
        assert_eq!(letter.use_when.as_deref(), Some("When a patient asks."));
        assert_eq!(letter.downloads[1].label, "Word");
        assert_eq!(leaflet.page_image.as_deref(), Some("leaflets/flu/page.png?v="));
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
