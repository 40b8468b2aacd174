//! Section-level comparison: which old section became which new one, and what changed in
//! its front matter and text.

use serde::Serialize;

use super::load::Section;
use super::words::{BodyDiff, body_diff, similarity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateChange {
    /// `valid_from`, `valid_until` or `reviewed`, as in the front matter.
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What happened to one section between two editions.
#[derive(Debug, Clone, Serialize)]
pub struct SectionChange {
    pub kind: ChangeKind,
    /// The section's title now (its old title when removed).
    pub title: String,
    /// The current file's slug, for links; none when the section was removed.
    pub slug: Option<String>,
    pub old_slug: Option<String>,
    pub renamed_from: Option<String>,
    pub status: Option<Change<String>>,
    pub dates: Vec<DateChange>,
    pub words_added: usize,
    pub words_removed: usize,
    #[serde(skip)]
    pub diff: BodyDiff,
}

impl SectionChange {
    /// Nothing at all changed.
    pub fn is_empty(&self) -> bool {
        self.kind == ChangeKind::Changed
            && self.renamed_from.is_none()
            && self.status.is_none()
            && self.dates.is_empty()
            && self.diff.is_unchanged()
    }

    /// Worth a line in the guide's list of changes: more than a new review date.
    pub fn is_noteworthy(&self) -> bool {
        !self.is_empty() && (self.kind != ChangeKind::Changed || !self.only_reviewed())
    }

    fn only_reviewed(&self) -> bool {
        self.renamed_from.is_none()
            && self.status.is_none()
            && self.diff.is_unchanged()
            && self.dates.iter().all(|d| d.field == "reviewed")
    }

    /// Short phrases saying what changed, for people: "status current → ended", ...
    pub fn describe(&self) -> Vec<String> {
        match self.kind {
            ChangeKind::Added => return vec!["new section".into()],
            ChangeKind::Removed => return vec!["section removed".into()],
            ChangeKind::Changed => {}
        }
        let mut out = Vec::new();
        if let Some(old) = &self.renamed_from {
            out.push(format!("renamed from “{old}”"));
        }
        if let Some(s) = &self.status {
            out.push(format!("status {} → {}", s.from, s.to));
        }
        for d in &self.dates {
            let show = |v: &Option<String>| v.as_deref().map_or("none".to_string(), long_date);
            let what = match d.field {
                "valid_from" => "in force from",
                "valid_until" => "in force until",
                _ => "last reviewed",
            };
            out.push(format!("{what} {} → {}", show(&d.from), show(&d.to)));
        }
        if !self.diff.is_unchanged() {
            out.push(format!(
                "text revised ({} added, {} removed)",
                words(self.words_added),
                words(self.words_removed)
            ));
        }
        out
    }
}

fn words(n: usize) -> String {
    if n == 1 { "1 word".into() } else { format!("{n} words") }
}

fn long_date(iso: &str) -> String {
    crate::load::dates::parse_iso(iso).map_or_else(|| iso.to_string(), crate::load::dates::long)
}

/// Titles or texts at least this alike mark a section that moved to a new file name.
const SAME_SECTION: f32 = 0.5;

/// Pairs of (old index, new index): matched by file slug first, then by title, then by how
/// alike the title and text are. Unmatched sections appear alone (removed or added).
pub fn match_sections(old: &[Section], new: &[Section]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut old_for_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    let mut claim = |test: &dyn Fn(&Section, &Section) -> bool, old_for_new: &mut [Option<usize>]| {
        for (j, n) in new.iter().enumerate() {
            if old_for_new[j].is_some() {
                continue;
            }
            if let Some(i) = (0..old.len()).find(|&i| !taken[i] && test(&old[i], n)) {
                taken[i] = true;
                old_for_new[j] = Some(i);
            }
        }
    };
    claim(&|o, n| o.slug == n.slug, &mut old_for_new);
    claim(&|o, n| o.title.trim().eq_ignore_ascii_case(n.title.trim()), &mut old_for_new);
    // Best pairs first, so one loose match cannot take another's better partner.
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    for (j, n) in new.iter().enumerate().filter(|(j, _)| old_for_new[*j].is_none()) {
        for (i, o) in old.iter().enumerate().filter(|(i, _)| !taken[*i]) {
            let score = similarity(&o.title, &n.title).max(similarity(&o.body, &n.body));
            if score >= SAME_SECTION {
                candidates.push((score, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    for (_, i, j) in candidates {
        if !taken[i] && old_for_new[j].is_none() {
            taken[i] = true;
            old_for_new[j] = Some(i);
        }
    }
    let mut pairs: Vec<(Option<usize>, Option<usize>)> =
        old_for_new.iter().enumerate().map(|(j, i)| (*i, Some(j))).collect();
    // Removed sections go after the new section that follows them in the old order, so a
    // listing reads in roughly the old order.
    for i in (0..old.len()).filter(|i| !taken[*i]) {
        let at = pairs.iter().position(|(o, _)| o.is_some_and(|o| o > i)).unwrap_or(pairs.len());
        pairs.insert(at, (Some(i), None));
    }
    pairs
}

/// What changed between an old section and a new one (either may be missing).
pub fn section_change(old: Option<&Section>, new: Option<&Section>) -> SectionChange {
    let blank = |kind: ChangeKind, s: &Section, diff: BodyDiff| SectionChange {
        kind,
        title: s.title.clone(),
        slug: (kind != ChangeKind::Removed).then(|| s.slug.clone()),
        old_slug: (kind == ChangeKind::Removed).then(|| s.slug.clone()),
        renamed_from: None,
        status: None,
        dates: Vec::new(),
        words_added: diff.words_added,
        words_removed: diff.words_removed,
        diff,
    };
    match (old, new) {
        (None, Some(n)) => blank(ChangeKind::Added, n, body_diff("", &n.body)),
        (Some(o), None) => blank(ChangeKind::Removed, o, body_diff(&o.body, "")),
        (Some(o), Some(n)) => {
            let mut c = blank(ChangeKind::Changed, n, body_diff(&o.body, &n.body));
            c.old_slug = Some(o.slug.clone());
            c.renamed_from = (o.title.trim() != n.title.trim()).then(|| o.title.clone());
            c.status =
                (o.status != n.status).then(|| Change { from: o.status.clone(), to: n.status.clone() });
            for (field, from, to) in [
                ("valid_from", &o.valid_from, &n.valid_from),
                ("valid_until", &o.valid_until, &n.valid_until),
                ("reviewed", &o.reviewed, &n.reviewed),
            ] {
                if from != to {
                    c.dates.push(DateChange { field, from: from.clone(), to: to.clone() });
                }
            }
            c
        }
        (None, None) => blank(ChangeKind::Changed, &Section::empty(), BodyDiff::default()),
    }
}

impl Section {
    fn empty() -> Section {
        Section {
            slug: String::new(),
            title: String::new(),
            order: 0,
            status: String::new(),
            reviewed: None,
            valid_from: None,
            valid_until: None,
            change_note: None,
            body: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn section(slug: &str, title: &str, status: &str, body: &str) -> Section {
        Section {
            slug: slug.into(),
            title: title.into(),
            order: 0,
            status: status.into(),
            reviewed: Some("2025-04-01".into()),
            valid_from: None,
            valid_until: None,
            change_note: None,
            body: body.into(),
        }
    }

    fn changes(old: &[Section], new: &[Section]) -> Vec<SectionChange> {
        match_sections(old, new)
            .into_iter()
            .map(|(i, j)| section_change(i.map(|i| &old[i]), j.map(|j| &new[j])))
            .filter(|c| !c.is_empty())
            .collect()
    }

    #[test]
    fn same_sections_report_nothing() {
        let s = vec![section("a", "A", "current", "Text here."), section("b", "B", "ended", "More.")];
        assert!(changes(&s, &s).is_empty());
    }

    #[test]
    fn added_removed_renamed_status_dates_text() {
        let old = vec![
            section("01-intro", "Introduction", "current", "Welcome to the guide for practices."),
            section("02-ag", "Advice and Guidance", "current", "The enhanced service pays for A&G."),
            section("03-old", "Old news", "superseded", "Nothing to see."),
        ];
        let mut ag =
            section("02-ag", "Advice & Guidance", "ended", "The enhanced service paid for A&G until April.");
        ag.valid_until = Some("2026-03-31".into());
        let new = vec![
            section("01-about", "Introduction", "current", "Welcome to the guide for practices."),
            ag,
            section("04-new", "New actions", "current", "From May 2026."),
        ];
        let c = changes(&old, &new);
        assert_eq!(c.len(), 3, "{c:#?}");
        assert_eq!(c[0].title, "Advice & Guidance");
        assert_eq!(c[0].renamed_from.as_deref(), Some("Advice and Guidance"));
        assert_eq!(c[0].status, Some(Change { from: "current".into(), to: "ended".into() }));
        assert_eq!(c[0].dates[0].field, "valid_until");
        assert_eq!((c[0].words_added, c[0].words_removed), (4, 2));
        let d = c[0].describe();
        assert!(d.iter().any(|l| l == "in force until none → 31 March 2026"), "{d:?}");
        assert!(d.iter().any(|l| l == "text revised (4 words added, 2 words removed)"), "{d:?}");
        assert_eq!((c[1].kind, c[1].slug.as_deref()), (ChangeKind::Added, Some("04-new")));
        assert_eq!((c[2].kind, c[2].title.as_str()), (ChangeKind::Removed, "Old news"));
    }

    #[test]
    fn a_moved_and_retitled_section_is_matched_by_its_text() {
        let body = "Practices may limit contacts to a safe number each day, as the BMA advises.";
        let old = vec![section("05-limits", "Safe limits", "current", body)];
        let new = vec![section("06-safe-working", "Safe working", "continues", &format!("{body} Still."))];
        let c = changes(&old, &new);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, ChangeKind::Changed);
        assert_eq!(c[0].renamed_from.as_deref(), Some("Safe limits"));
    }

    #[test]
    fn a_new_review_date_alone_is_not_noteworthy() {
        let old = section("a", "A", "current", "x");
        let mut new = old.clone();
        new.reviewed = Some("2026-11-01".into());
        let c = section_change(Some(&old), Some(&new));
        assert!(!c.is_empty() && !c.is_noteworthy());
    }
}
