//! A whole edition compared with an earlier one: sections, posters and letters.

use serde::Serialize;

use super::load::{ArchivedDoc, Edition};
use super::sections::{SectionChange, match_sections, section_change};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocStatus {
    New,
    Changed,
    Removed,
}

/// A poster or letter that is new, changed or gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocChange {
    pub slug: String,
    pub title: String,
    pub status: DocStatus,
    /// A translation no qualified translator has checked: never "ready to publish".
    pub draft: bool,
    /// Who approved the new version ("Approved by NAME, ROLE, DATE"), when approval is asked.
    pub approved: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The earlier edition's name, as people write it (`2025/26`).
    pub since: String,
    /// Sections that changed, in the order of the current guide (removed ones where they were).
    pub sections: Vec<SectionChange>,
    pub posters: Vec<DocChange>,
    pub letters: Vec<DocChange>,
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty() && self.posters.is_empty() && self.letters.is_empty()
    }
}

/// Compares `new` with the earlier edition `old`, named `since`.
pub fn compare(since: &str, old: &Edition, new: &Edition) -> Comparison {
    let sections = match_sections(&old.sections, &new.sections)
        .into_iter()
        .map(|(i, j)| section_change(i.map(|i| &old.sections[i]), j.map(|j| &new.sections[j])))
        .filter(|c| !c.is_empty())
        .collect();
    Comparison {
        since: since.to_string(),
        sections,
        posters: compare_docs(&old.posters, &new.posters),
        letters: compare_docs(&old.letters, &new.letters),
    }
}

/// Posters or letters by file name: a new file is new, different text is changed. Line
/// endings and trailing spaces do not count as a change.
pub fn compare_docs(old: &[ArchivedDoc], new: &[ArchivedDoc]) -> Vec<DocChange> {
    let norm = |t: &str| t.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_string();
    let mut out: Vec<DocChange> = new
        .iter()
        .filter_map(|n| {
            let status = match old.iter().find(|o| o.slug == n.slug) {
                None => DocStatus::New,
                Some(o) if norm(&o.text) != norm(&n.text) => DocStatus::Changed,
                Some(_) => return None,
            };
            Some(DocChange {
                slug: n.slug.clone(),
                title: n.title.clone(),
                status,
                draft: false,
                approved: None,
            })
        })
        .collect();
    out.extend(old.iter().filter(|o| !new.iter().any(|n| n.slug == o.slug)).map(|o| DocChange {
        slug: o.slug.clone(),
        title: o.title.clone(),
        status: DocStatus::Removed,
        draft: false,
        approved: None,
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editions::load::Section;
    use proptest::prelude::*;

    fn edition() -> impl Strategy<Value = Edition> {
        let section = (
            "[a-z]{1,8}",
            "[A-Z][a-z ]{0,20}",
            prop::sample::select(vec!["current", "continues", "superseded", "ended"]),
            prop::option::of(Just("2026-03-31".to_string())),
            "([a-z]{1,7}[ \n]{1,2}){0,30}",
        )
            .prop_map(|(slug, title, status, until, body)| Section {
                slug,
                title,
                order: 0,
                status: status.to_string(),
                reviewed: Some("2025-04-01".into()),
                valid_from: None,
                valid_until: until,
                change_note: None,
                body,
            });
        let doc = ("[a-z]{1,6}", "[a-z ]{0,30}").prop_map(|(slug, text)| ArchivedDoc {
            title: slug.clone(),
            slug,
            text,
        });
        // File names are unique within a folder.
        (prop::collection::vec(section, 0..8), prop::collection::vec(doc, 0..4)).prop_map(
            |(mut sections, mut posters)| {
                sections.sort_by(|a, b| a.slug.cmp(&b.slug));
                sections.dedup_by(|a, b| a.slug == b.slug);
                posters.sort_by(|a, b| a.slug.cmp(&b.slug));
                posters.dedup_by(|a, b| a.slug == b.slug);
                Edition { name: Some("2025/26".into()), sections, letters: posters.clone(), posters }
            },
        )
    }

    proptest! {
        #[test]
        fn an_edition_compared_with_itself_reports_nothing(e in edition()) {
            let c = compare("2025/26", &e, &e);
            prop_assert!(c.is_empty(), "{:#?}", c);
        }
    }

    fn doc(slug: &str, text: &str) -> ArchivedDoc {
        ArchivedDoc { slug: slug.into(), title: slug.to_uppercase(), text: text.into() }
    }

    #[test]
    fn posters_and_letters_by_file_name() {
        let old = vec![doc("a", "same\r\n"), doc("b", "old"), doc("gone", "x")];
        let new = vec![doc("a", "same  \n"), doc("b", "new"), doc("c", "fresh")];
        let c = compare_docs(&old, &new);
        let got: Vec<(&str, DocStatus)> = c.iter().map(|d| (d.slug.as_str(), d.status)).collect();
        assert_eq!(got, [("b", DocStatus::Changed), ("c", DocStatus::New), ("gone", DocStatus::Removed)]);
    }
}
