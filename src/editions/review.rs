//! Warnings that keep an edition honest, for `check` and `changes`: a guide section not
//! reviewed since the edition began, a scheme still called current after it ended, figures
//! and dates with no source, citations of sources the section does not list, and changed
//! sections that do not say what changed.

use std::path::Path;

use time::Date;

use super::{Comparison, EditionName};
use crate::diag::Problem;
use crate::load::content::{Document, Kind, Status};
use crate::load::dates;
use crate::load::project::Project;

/// Warnings about every guide section of `project` as of `today`.
pub fn section_warnings(project: &Project, today: Date) -> Vec<Problem> {
    let edition = project.lmc.as_ref().and_then(|l| EditionName::read(&l.edition).ok());
    let mut warnings = Vec::new();
    for doc in project.documents_of("guide-section") {
        let Kind::GuideSection(meta) = &doc.kind else { continue };
        if let (Some(edition), Some(reviewed)) = (edition, meta.reviewed_on)
            && reviewed < edition.starts()
        {
            warnings.push(
                at_key(doc, "reviewed", format!(
                    "last reviewed on {}, before the {edition} edition began on {}",
                    dates::long(reviewed),
                    dates::long(edition.starts())
                ))
                .hint("review the section against the current contract, then set `reviewed:` to the day you did"),
            );
        }
        if meta.status == Status::Current
            && let Some(until) = meta.valid_until_on
            && until < today
        {
            warnings.push(
                at_key(
                    doc,
                    "status",
                    format!("says `current`, but its scheme ended on {}", dates::long(until)),
                )
                .hint("set `status: ended` (or `superseded`), or correct `valid_until`"),
            );
        }
        let body = doc.body();
        if meta.sources.is_empty() {
            if let Some(at) = first_figure_or_date(body) {
                let at = doc.body_start + at;
                let end = doc.text[at..].find('\n').map_or(doc.text.len(), |i| at + i);
                warnings.push(
                    Problem::warning(&doc.shown, "states a figure or a date but lists no `sources:`")
                        .at(&doc.text, at..end)
                        .hint("list what the fact rests on under `sources:` (title, publisher, url, date) and cite it as [1]"),
                );
            }
        } else {
            for (at, n) in citations(body) {
                if n == 0 || n > meta.sources.len() {
                    let at = doc.body_start + at;
                    let end = at + doc.text[at..].find(']').map_or(1, |i| i + 1);
                    warnings.push(
                        Problem::warning(
                            &doc.shown,
                            format!("cites [{n}], but `sources:` lists {}", meta.sources.len()),
                        )
                        .at(&doc.text, at..end)
                        .hint("number citations in the order of the `sources:` list, from [1]"),
                    );
                }
            }
        }
    }
    warnings
}

/// A warning for each section that changed since the compared edition without a
/// `change_note:` saying what changed for practices.
pub fn missing_change_notes(
    comparison: &Comparison,
    current: &super::Edition,
    content: &Path,
) -> Vec<Problem> {
    comparison
        .sections
        .iter()
        .filter(|c| c.is_noteworthy())
        .filter_map(|c| {
            let slug = c.slug.as_deref()?;
            let section = current.sections.iter().find(|s| s.slug == slug)?;
            section.change_note.is_none().then(|| {
                Problem::warning(
                    content.join("guide").join(format!("{slug}.md")),
                    format!("changed since the {} edition but has no `change_note:`", comparison.since),
                )
                .hint(
                    "add `change_note:` to its front matter: a sentence or two on what changed for practices",
                )
            })
        })
        .collect()
}

/// A problem located at `key:` in the document's front matter.
fn at_key(doc: &Document, key: &str, message: String) -> Problem {
    let needle = format!("\n{key}:");
    let problem = Problem::warning(&doc.shown, message);
    match doc.text[..doc.body_start].find(&needle) {
        Some(i) => {
            let start = i + 1;
            let end = doc.text[start..].find('\n').map_or(doc.text.len(), |j| start + j);
            problem.at(&doc.text, start..end)
        }
        None => problem,
    }
}

/// Where `body` first states a figure (a percentage, a sum of money) or a date (a year from
/// 1900 to 2099): facts a reader may act on and should be able to check.
fn first_figure_or_date(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    for (i, c) in body.char_indices() {
        let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
        let next_digit = body[i + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit());
        match c {
            '%' if digit_before => {
                return Some(body[..i].rfind(|d: char| !d.is_ascii_digit() && d != '.')? + 1);
            }
            '£' if next_digit => return Some(i),
            '1' | '2' if !digit_before => {
                let year = body.get(i..i + 4)?;
                let after = body[i + 4..].chars().next();
                if (year.starts_with("19") || year.starts_with("20"))
                    && year.bytes().all(|b| b.is_ascii_digit())
                    && !after.is_some_and(|a| a.is_ascii_digit())
                {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Each `[n]` citation in `body`, with where it starts.
fn citations(body: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(i) = body[rest..].find('[') {
        let start = rest + i;
        let inner: String = body[start + 1..].chars().take_while(char::is_ascii_digit).collect();
        if !inner.is_empty() && body[start + 1 + inner.len()..].starts_with(']') {
            // `[1](...)` and `[1][x]` are links, not citations.
            let after = &body[start + 2 + inner.len()..];
            if !after.starts_with('(') && !after.starts_with('[') {
                out.push((start, inner.parse().unwrap_or(0)));
            }
        }
        rest = start + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_and_dates_are_found_and_ordinary_numbers_are_not() {
        assert_eq!(first_figure_or_date("Up to 25 contacts a day, in 3 steps."), None);
        assert_eq!(first_figure_or_date("Voted 98.9% in favour"), Some(6));
        assert_eq!(first_figure_or_date("worth £1.28 each"), Some(6));
        assert_eq!(first_figure_or_date("From April 2026 on"), Some(11));
        assert_eq!(first_figure_or_date("Call 0116 496 0101 or ext 12345"), None);
    }

    #[test]
    fn citations_are_numbers_in_brackets_not_links() {
        assert_eq!(citations("a [1] b [12] c [x] [2](http://e) [3][r]"), [(2, 1), (8, 12)]);
    }
}
