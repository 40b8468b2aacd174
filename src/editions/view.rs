//! What the templates see of a comparison: the guide's "what has changed" list, the redline
//! sections and a practice's summary. Plain serialisable data; the layout is in templates.

use serde::Serialize;

use super::compare::{DocChange, DocStatus, compare, compare_docs};
use super::load::{Edition, Section};
use super::redline::{marks_to_typst, redline_markdown};
use super::sections::{ChangeKind, match_sections, section_change};
use crate::diag::Problem;
use crate::load::config::Practice;
use crate::load::content::Kind;
use crate::load::project::Project;
use crate::render::markdown_typst;

/// One line of the guide's "What has changed" part.
#[derive(Serialize)]
pub struct ChangeItem {
    pub title: String,
    /// Set when the section is in this edition, for a link to it.
    pub slug: Option<String>,
    pub what: String,
}

#[derive(Serialize)]
pub struct ChangesView {
    pub since: String,
    pub items: Vec<ChangeItem>,
}

/// The earlier edition and the current one, or None when nothing is archived.
fn editions(project: &Project, edition: &str) -> Option<(String, Edition, Edition, std::path::PathBuf)> {
    let (name, dir) = super::previous(&project.root, Some(edition))?;
    let old = Edition::load(&dir);
    let new = Edition::load(&project.root.join("content"));
    Some((name.to_string(), old, new, dir))
}

/// The guide's list of changed sections since the previous edition; None without an archive.
pub fn changes_view(project: &Project, edition: &str) -> Option<ChangesView> {
    let (since, old, new, _) = editions(project, edition)?;
    let comparison = compare(&since, &old, &new);
    let items = comparison
        .sections
        .iter()
        .filter(|c| c.is_noteworthy())
        .map(|c| ChangeItem {
            title: c.title.clone(),
            // Only sections the guide shows have a label to link to.
            slug: c.slug.clone().filter(|s| project.documents_of("guide-section").any(|d| &d.slug == s)),
            what: c.describe().join("; "),
        })
        .collect();
    Some(ChangesView { since, items })
}

/// A guide section as the redline shows it.
#[derive(Serialize)]
pub struct RedlineSection {
    pub slug: String,
    pub title: String,
    /// The old title, when the section was renamed.
    pub old_title: Option<String>,
    pub status: String,
    pub reviewed: String,
    pub validity: String,
    pub summary: Option<String>,
    /// "New section", "Removed", "Status changed: ...": what the reader should notice first.
    pub badges: Vec<String>,
    pub removed: bool,
    /// typst markup with `#added[..]` and `#removed[..]` marks.
    pub body: String,
}

#[derive(Serialize)]
pub struct RedlineView {
    pub since: String,
    pub sections: Vec<RedlineSection>,
}

/// Every section of the guide, current ones in guide order and removed ones where they
/// were, with words added and removed marked. None when nothing is archived.
pub fn redline_view(project: &Project, edition: &str, warnings: &mut Vec<Problem>) -> Option<RedlineView> {
    let (since, old, new, dir) = editions(project, edition)?;
    let mut sections = Vec::new();
    for (i, j) in match_sections(&old.sections, &new.sections) {
        let (o, n) = (i.map(|i| &old.sections[i]), j.map(|j| &new.sections[j]));
        let change = section_change(o, n);
        let Some(shown) = n.or(o) else { continue };
        let removed = change.kind == ChangeKind::Removed;
        let mut badges = Vec::new();
        match change.kind {
            ChangeKind::Added => badges.push("New section".to_string()),
            ChangeKind::Removed => badges.push(format!("Removed since the {since} edition")),
            ChangeKind::Changed => {
                if let Some(s) = &change.status {
                    badges.push(format!("Status changed from {} to {}", s.from, s.to));
                }
                if !change.diff.is_unchanged() {
                    badges.push(format!(
                        "{} words added, {} removed",
                        change.words_added, change.words_removed
                    ));
                }
            }
        }
        let (file_dir, meta) = if removed {
            (dir.join("guide"), None)
        } else {
            let doc = project.documents_of("guide-section").find(|d| d.slug == shown.slug);
            (project.root.join("content/guide"), doc)
        };
        let shown_path = file_dir.join(format!("{}.md", shown.slug));
        let shown_path = shown_path.strip_prefix(&project.root).unwrap_or(&shown_path).to_path_buf();
        let markdown = redline_markdown(&change.diff);
        let body = marks_to_typst(&markdown_typst(
            &project.root,
            &file_dir,
            &shown_path,
            (&markdown.into(), 0),
            2,
            warnings,
        ));
        let (reviewed, validity, summary) = match meta.map(|d| &d.kind) {
            Some(Kind::GuideSection(m)) => {
                (m.reviewed.clone(), validity(&m.valid_from, &m.valid_until), m.summary.clone())
            }
            _ => (shown.reviewed.as_deref().map(long_date).unwrap_or_default(), validity_of(shown), None),
        };
        sections.push(RedlineSection {
            slug: shown.slug.clone(),
            title: shown.title.clone(),
            old_title: change.renamed_from.clone(),
            status: shown.status.clone(),
            reviewed,
            validity,
            summary,
            badges,
            removed,
            body,
        });
    }
    Some(RedlineView { since, sections })
}

fn long_date(iso: &str) -> String {
    crate::load::dates::parse_iso(iso).map_or_else(|| iso.to_string(), crate::load::dates::long)
}

fn validity_of(s: &Section) -> String {
    let long = |v: &Option<String>| v.as_deref().map(long_date);
    validity(&long(&s.valid_from), &long(&s.valid_until))
}

/// " · In force from .. until ..", as the guide shows it.
fn validity(from: &Option<String>, until: &Option<String>) -> String {
    match (from, until) {
        (Some(from), Some(until)) => format!(" · In force from {from} until {until}"),
        (None, Some(until)) => format!(" · In force until {until}"),
        (Some(from), None) => format!(" · In force from {from}"),
        (None, None) => String::new(),
    }
}

#[derive(Serialize)]
pub struct StatusItem {
    pub title: String,
    pub slug: String,
    pub from: String,
    pub to: String,
}

/// One practice's "what's new": its posters and letters that are new, changed or withdrawn,
/// and guide sections whose status changed.
#[derive(Serialize)]
pub struct WhatsNewView {
    pub since: String,
    pub posters: Vec<DocChange>,
    pub letters: Vec<DocChange>,
    pub sections: Vec<StatusItem>,
    pub new_sections: Vec<String>,
}

pub fn whats_new_view(project: &Project, edition: &str, practice: &Practice) -> Option<WhatsNewView> {
    let (since, old, new, _) = editions(project, edition)?;
    let mut posters = compare_docs(&old.posters, &new.posters);
    let opt_in = |slug: &str| {
        project.documents.iter().any(|d| d.slug == slug && matches!(&d.kind, Kind::Poster(p) if p.opt_in))
    };
    posters.retain(|d| d.status == DocStatus::Removed || practice.wants_poster(&d.slug, opt_in(&d.slug)));
    let letters = compare_docs(&old.letters, &new.letters);
    let mut sections = Vec::new();
    let mut new_sections = Vec::new();
    // Status only: a practice summary needs no word counts, so bodies are not compared.
    for (i, j) in match_sections(&old.sections, &new.sections) {
        match (i.map(|i| &old.sections[i]), j.map(|j| &new.sections[j])) {
            (Some(o), Some(n)) if o.status != n.status => sections.push(StatusItem {
                title: n.title.clone(),
                slug: n.slug.clone(),
                from: o.status.clone(),
                to: n.status.clone(),
            }),
            (None, Some(n)) => new_sections.push(n.title.clone()),
            _ => {}
        }
    }
    Some(WhatsNewView { since, posters, letters, sections, new_sections })
}
