//! Placeholders a newcomer gets wrong: one that names no value is answered with the values
//! there are, and one closed with a single brace (`{{ practice.phone }`), which would print
//! as it stands on a patient poster, is an error at its place.

use std::path::Path;
use std::sync::Arc;

use crate::diag::Problem;

/// Placeholder names every document may use, besides a letter's own fields.
pub const PRACTICE_FIELDS: [&str; 11] = [
    "practice.name",
    "practice.phone",
    "practice.professional_line",
    "practice.email",
    "practice.website",
    "practice.address",
    "practice.postcode",
    "practice.ods_code",
    "practice.signatory.name",
    "practice.signatory.role",
    "practice.brand_colour",
];
/// Placeholder names of the LMC's own values.
pub const LMC_FIELDS: [&str; 6] =
    ["lmc.name", "lmc.short_name", "lmc.website", "lmc.edition", "lmc.email", "lmc.phone"];

/// The placeholders that exist in the family of `name` (`practice.*`, `lmc.*`, or a letter's
/// own `fields`), as a hint.
pub fn known_hint(name: &str, fields: &[&str]) -> String {
    let list = |names: &[&str]| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if name.starts_with("lmc.") {
        format!("the LMC's placeholders are {}", list(&LMC_FIELDS))
    } else if name.starts_with("practice.") || fields.is_empty() {
        format!("the practice's placeholders are {}", list(&PRACTICE_FIELDS))
    } else {
        format!("this letter's own fields are {}", list(fields))
    }
}

/// An error for each `{{ name }` (or `{{ name`) in the body of the document `text` (from
/// `body_start`), outside code: a placeholder that is not closed, which would be printed as
/// it stands.
pub fn unclosed(shown: &Path, text: &Arc<str>, body_start: usize) -> Vec<Problem> {
    let body = &text[body_start..];
    let mut found = Vec::new();
    let mut fenced = false;
    let mut line_start = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        }
        if !fenced && !line.starts_with("    ") && !line.starts_with('\t') {
            for (i, _) in line.match_indices("{{") {
                if line[..i].ends_with('\\') || line[..i].matches('`').count() % 2 == 1 {
                    continue;
                }
                if let Some((name, len)) = open_placeholder(&line[i..]) {
                    let at = body_start + line_start + i;
                    found.push(
                        Problem::error(shown, format!("the placeholder `{name}` is not closed"))
                            .at(text, at..at + len)
                            .hint(format!("close it with two braces: `{{{{ {name} }}}}`")),
                    );
                }
            }
        }
        line_start += line.len();
    }
    found
}

/// `{{ name }` or `{{ name` at the start of `text`, not followed by `}}`: the name and the
/// length of what was written.
fn open_placeholder(text: &str) -> Option<(&str, usize)> {
    let rest = &text[2..];
    let name_start = 2 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    let name_len = text[name_start..]
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(text.len() - name_start);
    if name_len == 0 || !text[name_start..].starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let name = &text[name_start..name_start + name_len];
    let after = text[name_start + name_len..].trim_start_matches([' ', '\t']);
    if after.starts_with("}}") {
        return None;
    }
    let len = text.len() - after.len() + usize::from(after.starts_with('}'));
    Some((name, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_short_of_a_brace_is_found() {
        assert_eq!(open_placeholder("{{ practice.phone } today"), Some(("practice.phone", 19)));
        assert_eq!(open_placeholder("{{ practice.phone today"), Some(("practice.phone", 18)));
        assert_eq!(open_placeholder("{{ practice.phone }}"), None);
        assert_eq!(open_placeholder("{{practice.phone}}"), None);
        assert_eq!(open_placeholder("{{ 1 }"), None);
        assert_eq!(open_placeholder("{{"), None);
    }

    #[test]
    fn the_hint_lists_the_family_of_the_name() {
        assert!(known_hint("practice.fax", &[]).contains("`practice.phone`"));
        assert!(known_hint("lmc.fax", &[]).contains("`lmc.phone`"));
        assert_eq!(known_hint("employer", &["patient_name"]), "this letter's own fields are `patient_name`");
    }
}
