//! Finding `{{ name }}` placeholders in text.

use std::ops::Range;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece<'t> {
    Literal(&'t str),
    Placeholder {
        name: &'t str,
        /// Byte range of the whole `{{ ... }}` in the scanned text.
        range: Range<usize>,
    },
}

/// Splits `text` into literal text and placeholders.
///
/// Anything that is not exactly a well-formed placeholder (`{{ Name }}`,
/// `{{ a. }}`, a lone `{{`) stays literal text.
pub(crate) fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut literal_start = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("{{") {
        let start = search + found;
        match placeholder_at(text, start) {
            Some((name, end)) => {
                if literal_start < start {
                    pieces.push(Piece::Literal(&text[literal_start..start]));
                }
                pieces.push(Piece::Placeholder { name, range: start..end });
                literal_start = end;
                search = end;
            }
            // `{{{ a }}}`: the placeholder may start at the next brace.
            None => search = start + 1,
        }
    }
    if literal_start < text.len() {
        pieces.push(Piece::Literal(&text[literal_start..]));
    }
    pieces
}

/// Parses `{{ name }}` at `start`, returning the name and the end offset.
fn placeholder_at(text: &str, start: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    let skip_spaces = |mut i: usize| {
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let name_start = skip_spaces(start + 2);
    let mut i = name_start;
    loop {
        if !matches!(bytes.get(i), Some(b'a'..=b'z' | b'_')) {
            return None;
        }
        i += 1;
        while matches!(bytes.get(i), Some(b'a'..=b'z' | b'0'..=b'9' | b'_')) {
            i += 1;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
        } else {
            break;
        }
    }
    let name_end = i;
    let close = skip_spaces(name_end);
    if text[close..].starts_with("}}") { Some((&text[name_start..name_end], close + 2)) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Piece::{Literal, Placeholder};

    #[test]
    fn finds_placeholders_with_or_without_spaces() {
        assert_eq!(
            pieces("Dear {{ recipient_name }},{{practice.name}}!"),
            [
                Literal("Dear "),
                Placeholder { name: "recipient_name", range: 5..25 },
                Literal(","),
                Placeholder { name: "practice.name", range: 26..43 },
                Literal("!"),
            ]
        );
    }

    #[test]
    fn malformed_placeholders_stay_literal() {
        for text in [
            "{{ Name }}",
            "{{ a. }}",
            "{{ .a }}",
            "{{ a b }}",
            "{{ 1a }}",
            "{{ a }",
            "{{",
            "{ a }",
            "{{ a-b }}",
            "{{ }}",
        ] {
            assert_eq!(pieces(text), [Literal(text)], "{text}");
        }
        assert_eq!(pieces(""), []);
    }

    #[test]
    fn extra_braces_stay_around_the_placeholder() {
        assert_eq!(
            pieces("{{{ a_1.b }}}"),
            [Literal("{"), Placeholder { name: "a_1.b", range: 1..12 }, Literal("}"),]
        );
    }
}
