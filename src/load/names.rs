//! Names one file gives that another file must answer: the posters a practice profile lists
//! must be posters in content/posters/. A typo (`flu-jab`) would otherwise cost the practice
//! a poster without a word.

use std::path::Path;
use std::sync::Arc;

use crate::diag::display_path;
use crate::diag::{self, Problem};
use crate::load::config::{PosterChoice, Practice};
use crate::load::content::{Document, Kind};

/// A problem for each poster name in a profile's `posters:` list that no poster has, at its
/// line: an error with the nearest name when one is near (a typo), else a warning listing the
/// posters. `failed` are the files that did not load: a name that may be
/// one of theirs is not judged (their own error says enough).
pub fn unknown_posters(
    root: &Path,
    practice: &Practice,
    documents: &[Document],
    failed: &[&Path],
) -> Vec<Problem> {
    let PosterChoice::Only(listed) = &practice.posters else { return Vec::new() };
    let known: Vec<&str> = documents
        .iter()
        .filter(|d| matches!(&d.kind, Kind::Poster(p) if p.translation.is_none()))
        .map(|d| d.slug.as_str())
        .collect();
    let maybe_failed =
        |name: &str| failed.iter().any(|f| f.file_stem().is_some_and(|s| s.to_string_lossy() == name));
    let unknown: Vec<&String> =
        listed.iter().filter(|n| !known.contains(&n.as_str()) && !maybe_failed(n)).collect();
    if unknown.is_empty() {
        return Vec::new();
    }
    let shown = display_path(root, &practice.path);
    let text: Option<Arc<str>> = std::fs::read_to_string(&practice.path).ok().map(Arc::from);
    unknown
        .into_iter()
        .map(|name| {
            // A near name is a typo, which would silently cost the practice a poster: an error.
            // A name like no other is most often a poster the LMC has since withdrawn: the
            // practice simply no longer gets it, which is said as a warning.
            let near = diag::suggest(name, known.iter().copied());
            let mut problem = match near {
                Some(_) => Problem::error(&shown, format!("there is no poster named `{name}`")),
                None => Problem::warning(
                    &shown,
                    format!("there is no poster named `{name}`, so this practice gets none by that name"),
                ),
            };
            if let Some(text) = &text
                && let Some(at) = find_listed(text, name)
            {
                problem = problem.at(text, at..at + name.len());
            }
            let hint = match near {
                Some(near) => format!("did you mean `{near}`?"),
                None if known.is_empty() => "there are no posters in content/posters/".to_string(),
                None => format!("the posters are: {}", known.join(", ")),
            };
            problem.hint(hint)
        })
        .collect()
}

/// Where `name` stands as a whole word after the `posters:` key (a flow list or a block list).
fn find_listed(text: &str, name: &str) -> Option<usize> {
    let key = text.find("posters:")?;
    let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text[key..].match_indices(name).map(|(i, _)| key + i).find(|&i| {
        let before = text[..i].chars().next_back().is_none_or(|c| !word(c));
        let after = text[i + name.len()..].chars().next().is_none_or(|c| !word(c));
        before && after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_name_is_found_as_a_whole_word() {
        let text = "name: flu\nposters: [flu-jabs, flu]\n";
        assert_eq!(find_listed(text, "flu"), Some(text.rfind("flu").unwrap()));
        let text = "posters:\n  - safe-limits\n  - flu-jab # typo\n";
        assert_eq!(find_listed(text, "flu-jab"), text.find("flu-jab"));
    }
}
