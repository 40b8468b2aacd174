//! What the templates see of the editions' comparison: the guide's "what has changed" list, the redline
//! sections and a practice's summary. Plain serialisable data; the layout is in templates.

use serde::Serialize;

use crate::diag::Problem;
use crate::editions::{
    ChangeKind, DocChange, DocStatus, Editions, Section, compare_docs, marks_to_typst, match_sections,
    redline_markdown, section_change,
};
use crate::load::config::Practice;
use crate::load::content::{GuideSection, Kind, Source};
use crate::load::project::Project;
use crate::render::markdown_typst;

/// One line of the guide's "What has changed" part.
#[derive(Serialize)]
pub struct ChangeItem {
    pub title: String,
    /// Set when the section is in this edition, for a link to it.
    pub slug: Option<String>,
    pub what: String,
    /// The section's own change note, shown before the word counts.
    pub note: Option<String>,
    /// Who approved the section as it is now, when approval is asked.
    pub approved: Option<String>,
}

#[derive(Serialize)]
pub struct ChangesView {
    pub since: String,
    pub items: Vec<ChangeItem>,
}

/// The guide's list of changed sections since the previous edition; None without an archive.
pub fn changes_view(project: &Project, editions: &Editions) -> ChangesView {
    let items = editions
        .comparison()
        .sections
        .iter()
        .filter(|c| c.is_noteworthy())
        .map(|c| ChangeItem {
            title: c.title.clone(),
            // Only sections the guide shows have a label to link to.
            slug: c.slug.clone().filter(|s| project.documents_of("guide-section").any(|d| &d.slug == s)),
            what: c.describe().join("; "),
            note: c
                .slug
                .as_deref()
                .and_then(|s| section_meta(project, s))
                .and_then(|m| m.change_note.clone()),
            approved: None,
        })
        .collect();
    ChangesView { since: editions.since.clone(), items }
}

/// The front matter of the current guide section `slug`, if the guide has it.
fn section_meta<'a>(project: &'a Project, slug: &str) -> Option<&'a GuideSection> {
    project.documents_of("guide-section").find(|d| d.slug == slug).and_then(|d| match &d.kind {
        Kind::GuideSection(m) => Some(m),
        _ => None,
    })
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
    pub change_note: Option<String>,
    pub sources: Vec<Source>,
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
pub fn redline_view(project: &Project, editions: &Editions, warnings: &mut Vec<Problem>) -> RedlineView {
    let Editions { since, old, new, dir, .. } = editions;
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
        let (reviewed, validity, summary, change_note, sources) = match meta.map(|d| &d.kind) {
            Some(Kind::GuideSection(m)) => (
                m.reviewed.clone(),
                super::validity(m),
                m.summary.clone(),
                m.change_note.clone(),
                m.sources.clone(),
            ),
            _ => (
                shown.reviewed.as_deref().map(long_date).unwrap_or_default(),
                validity_of(shown),
                None,
                None,
                Vec::new(),
            ),
        };
        sections.push(RedlineSection {
            slug: shown.slug.clone(),
            title: shown.title.clone(),
            old_title: change.renamed_from.clone(),
            status: shown.status.clone(),
            reviewed,
            validity,
            summary,
            change_note,
            sources,
            badges,
            removed,
            body,
        });
    }
    RedlineView { since: since.clone(), sections }
}

fn long_date(iso: &str) -> String {
    crate::load::dates::parse_iso(iso).map_or_else(|| iso.to_string(), crate::load::dates::long)
}

fn validity_of(s: &Section) -> String {
    let long = |v: &Option<String>| v.as_deref().map(long_date);
    super::in_force(long(&s.valid_from).as_deref(), long(&s.valid_until).as_deref())
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
    /// Guide sections that changed and carry a change note: what changed, in the LMC's words.
    pub notes: Vec<ChangeItem>,
}

pub fn whats_new_view(project: &Project, editions: &Editions, practice: &Practice) -> WhatsNewView {
    let Editions { since, old, new, .. } = editions;
    let mut posters = compare_docs(&old.posters, &new.posters);
    let poster = |slug: &str| {
        project.documents.iter().find_map(|d| match &d.kind {
            Kind::Poster(p) if d.slug == slug => Some(p),
            _ => None,
        })
    };
    // Only what this practice's pack holds (the plan's own rule); a poster that went away is
    // listed for everyone, since any practice may still have copies up.
    posters.retain(|d| {
        d.status == DocStatus::Removed || poster(&d.slug).is_some_and(|p| practice.wants(&d.slug, p))
    });
    for d in &mut posters {
        d.draft = project
            .documents
            .iter()
            .find(|doc| doc.slug == d.slug && matches!(doc.kind, Kind::Poster(_)))
            .is_some_and(crate::load::translated::is_draft);
    }
    let mut letters = compare_docs(&old.letters, &new.letters);
    // Each change names who approved it, as the practice's copy carries it.
    let approved = |slug: &str, kind: &str| {
        project
            .documents
            .iter()
            .find(|d| d.slug == slug && d.kind.name() == kind)
            .and_then(|d| d.sign_off.line())
            .map(str::to_string)
    };
    for d in &mut posters {
        d.approved = approved(&d.slug, "poster");
    }
    for d in &mut letters {
        d.approved = approved(&d.slug, "letter");
    }
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
    let notes = editions
        .comparison()
        .sections
        .iter()
        .filter(|c| c.is_noteworthy())
        .filter_map(|c| {
            let slug = c.slug.clone()?;
            let note = section_meta(project, &slug)?.change_note.clone()?;
            let approved = project
                .documents_of("guide-section")
                .find(|d| d.slug == slug)
                .and_then(|d| d.sign_off.line())
                .map(str::to_string);
            Some(ChangeItem {
                title: c.title.clone(),
                slug: Some(slug),
                what: c.describe().join("; "),
                note: Some(note),
                approved,
            })
        })
        .collect();
    WhatsNewView { since: since.clone(), posters, letters, sections, new_sections, notes }
}
