//! YAML reading (serde-saphyr) with errors turned into located problems.

use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_saphyr::{Location, Spanned};

use crate::diag::{self, Problem};

/// Parses `text` (the contents of `file`) into `T`, or one problem pointing at the fault.
pub fn parse<T: DeserializeOwned>(file: &Path, text: &Arc<str>) -> Result<T, Problem> {
    serde_saphyr::from_str::<T>(text).map_err(|err| {
        let message = match err.without_snippet() {
            serde_saphyr::Error::Message { msg, .. } => msg.clone(),
            other => other.to_string(),
        };
        let message = strip_location(&message);
        let noticed = err.location().map(|l| span_of(text, l).start);
        if let Some(plain) = super::yaml_plain::explain(text, &message, noticed) {
            let mut problem = Problem::error(file, plain.message).hint(plain.hint);
            if let Some(at) = plain.at.or(noticed) {
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                let rest = &text[at..line_end];
                let len = if rest.starts_with('\t') { 1 } else { value_len(rest) };
                problem = problem.at(text, at..at + len);
            }
            return problem;
        }
        let mut problem = Problem::error(file, message.clone());
        if let Some(location) = err.location() {
            problem = problem.at(text, span_of(text, location));
        }
        if let Some(hint) = unknown_field_hint(&message) {
            problem = problem.hint(hint);
        }
        if message.starts_with("expected string scalar") {
            // Most often text that YAML reads as something else: `[`, `{`, `&`, `*` and `!`
            // start lists, maps and references.
            problem = problem
                .hint("this value must be text: put it in quotes, for example \"[Surgery] Health Centre\"");
        }
        problem
    })
}

/// A problem pointing at a spanned value in `text`.
pub fn at_value<T>(file: &Path, text: &Arc<str>, value: &Spanned<T>, message: String) -> Problem {
    Problem::error(file, message).at(text, span_of(text, value.referenced))
}

fn span_of(text: &str, location: Location) -> std::ops::Range<usize> {
    let start = diag::offset_of(text, location.line() as usize, location.column() as usize);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    start..start + value_len(&text[start..line_end.max(start)])
}

/// How much of `rest` (the value to the end of its line) is the value: a quoted value to
/// its closing quote, a plain one up to a ` #` comment, without trailing blanks.
fn value_len(rest: &str) -> usize {
    if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
        && let Some(close) = rest[1..].find(q)
    {
        return close + 2;
    }
    let value = rest.find(" #").map_or(rest, |i| &rest[..i]);
    value.trim_end().len().max(1).min(rest.len())
}

/// The excerpt shows where; the message need not say "at line 3, column 1" again.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

/// Unknown keys are reported as "unknown field `x`, expected one of a, b" (with or without
/// backticks): turn that into a suggestion of the nearest known key, or the list of keys.
fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let (field, rest) = rest.split_once('`')?;
    let list = rest
        .split_once("expected one of ")
        .map(|(_, l)| l)
        .or_else(|| rest.split_once("expected ").map(|(_, l)| l))?;
    let expected: Vec<&str> =
        list.split(',').map(|k| k.trim().trim_matches('`')).filter(|k| !k.is_empty()).collect();
    Some(match diag::suggest(field, expected.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("known keys are: {}", expected.join(", ")),
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_excerpt_underlines_the_value_not_its_comment() {
        assert_eq!(value_len("Z9901  # the ODS code"), 5);
        assert_eq!(value_len("\"#00594F\"  # colour"), 9);
        assert_eq!(value_len("plain value"), 11);
        assert_eq!(value_len("a#b"), 3);
    }

    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Thing {
        name: String,
        brand_colour: String,
    }

    fn parse_thing(text: &str) -> Result<Thing, Problem> {
        parse(Path::new("thing.yaml"), &Arc::from(text))
    }

    #[test]
    fn unknown_key_is_located_and_suggested() {
        let p = parse_thing("name: a\nbrand_color: '#fff'\n").unwrap_err();
        assert!(p.message.contains("brand_color"), "{}", p.message);
        assert_eq!(p.line_col().map(|(l, _)| l), Some(2));
        assert_eq!(p.hints, vec!["did you mean `brand_colour`?".to_string()]);
        assert!(!p.message.contains("at line"), "{}", p.message);
        let p = parse_thing("name: a\nbrand_colour: x\nzzzzzzzzzz: 1\n").unwrap_err();
        assert_eq!(p.hints, vec!["known keys are: name, brand_colour".to_string()]);
    }

    #[test]
    fn wrong_type_and_bad_syntax_are_located() {
        let p = parse_thing("name: [1, 2]\nbrand_colour: x\n").unwrap_err();
        assert_eq!(p.line_col().map(|(l, _)| l), Some(1), "{p}");
        assert!(p.hints.iter().any(|h| h.contains("put it in quotes")), "{p}");
        let quoted = parse_thing("name: \"[Surgery] Health Centre\"\nbrand_colour: x\n").unwrap();
        assert_eq!(quoted.name, "[Surgery] Health Centre");
        let p = parse_thing("name: a\nbrand_colour: 'unterminated\n").unwrap_err();
        assert!(p.line_col().is_some(), "{p}");
    }

    #[test]
    fn missing_key_is_named() {
        let p = parse_thing("name: a\n").unwrap_err();
        assert!(p.message.contains("brand_colour"), "{}", p.message);
    }
}
