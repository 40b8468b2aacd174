//! YAML's own error messages ("mapping values are not allowed in this context", "cannot
//! deserialize null into string; use Option<String>") said in the words of the person who
//! wrote the file, at the line where the mistake starts, with how to write it instead.

/// A parse error explained: the message, a hint, and the byte offset where the mistake starts
/// (when that is not where the parser noticed it).
#[derive(Debug, PartialEq, Eq)]
pub struct Explained {
    pub message: String,
    pub hint: String,
    pub at: Option<usize>,
}

/// Explains the parser's `message`, noticed at byte `at` of `text`, if it is one a newcomer
/// meets: a tab, a value starting with `#`, a `: ` in a plain value, an unclosed quote.
pub fn explain(text: &str, message: &str, at: Option<usize>) -> Option<Explained> {
    let lower = message.to_ascii_lowercase();
    // An unclosed quote is noticed lines later, whatever the parser then says: look for it first.
    if let Some(open) = unclosed_quote(text, at.unwrap_or(text.len())) {
        let (key, _) = key_value(line_at(text, open).1);
        return Some(Explained {
            message: "this quote is never closed".into(),
            hint: format!("end the value with the same quote on this line, for example `{key}: \"…\"`"),
            at: Some(open),
        });
    }
    if lower.contains("tab") {
        let tab = at.and_then(|a| {
            let (start, line) = line_at(text, a);
            line.find('\t').map(|i| start + i)
        });
        let tab = tab.or_else(|| text.find('\t'));
        return Some(Explained {
            message: "this line is indented with a tab".into(),
            hint: "indent YAML with spaces, not tabs (most editors have a setting to insert spaces)".into(),
            at: tab,
        });
    }
    let at = at?;
    let (start, line) = line_at(text, at);
    let (key, value) = key_value(line);
    if lower.contains("null") || lower.contains("option<") {
        if value.starts_with('#') {
            let shown = value.split_whitespace().next().unwrap_or(value);
            return Some(Explained {
                message: format!("`{key}` has no value: `#` starts a comment in YAML"),
                hint: format!("put the value in quotes: `{key}: \"{shown}\"`"),
                at: Some(start + line.find('#').unwrap_or(0)),
            });
        }
        return Some(Explained {
            message: format!("`{key}` has no value"),
            hint: format!("write its value after `{key}: `, or remove the line if it is optional"),
            at: Some(start),
        });
    }
    if lower.contains("mapping values are not allowed") {
        let value_at = line.find(": ").map(|i| start + i + 2);
        // A comment after the value (`# the guide's title`, as the starter writes) stays
        // outside the quotes: inside them it would be printed as part of the value.
        let value = value.split_once(" #").map_or(value, |(value, _)| value.trim_end());
        return Some(Explained {
            message: format!("the value of `{key}` holds `: `, which YAML reads as a new key"),
            hint: format!("put the value in quotes: `{key}: \"{}\"`", value.replace('"', "\\\"")),
            at: value_at,
        });
    }
    None
}

/// The start and text (without its line break) of the line holding byte `at`.
fn line_at(text: &str, at: usize) -> (usize, &str) {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    (start, &text[start..end])
}

/// `key` and the raw value (up to its end of line) of a `key: value` line; `-` list items
/// count as their own key-less values.
fn key_value(line: &str) -> (&str, &str) {
    let trimmed = line.trim_start().trim_start_matches("- ");
    match trimmed.split_once(':') {
        Some((key, value)) => (key.trim(), value.trim()),
        None => ("value", trimmed.trim()),
    }
}

/// The offset of a quote that opens a value on a line before byte `before` and is not closed
/// on that line (YAML lets a quoted value run on, so the parser notices only later).
fn unclosed_quote(text: &str, before: usize) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if start > before {
            break;
        }
        let content = line.trim_end_matches(['\n', '\r']);
        let value_at = match content.trim_start().strip_prefix("- ") {
            Some(rest) => content.len() - rest.len(),
            None => content.find(": ").map_or(usize::MAX, |i| i + 2),
        };
        if let Some(value) = content.get(value_at..) {
            let value = value.trim_start();
            let offset = content.len() - value.len();
            if let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'')
                && !content.trim_start().starts_with('#')
            {
                let open = start + offset;
                let line_end = start + content.len();
                if closing(&text[open + 1..line_end], q).is_none() {
                    // A quoted value may run over several lines, ending with its quote; one
                    // whose "closing" quote is followed by more (`"1 Test Street", ...`) was
                    // never closed where it should have been.
                    let end = before.max(line_end).min(text.len());
                    match closing(&text[open + 1..end], q) {
                        None => return Some(open),
                        Some(i) => {
                            let close = open + 1 + i;
                            let eol = text[close..].find('\n').map_or(text.len(), |j| close + j);
                            let after = text[close + 1..eol].trim();
                            if !(after.is_empty() || after.starts_with('#')) {
                                return Some(open);
                            }
                        }
                    }
                }
            }
        }
        start += line.len();
    }
    None
}

/// The offset in `rest` of the quote `q` that closes a value opened just before it.
fn closing(rest: &str, q: char) -> Option<usize> {
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
        } else if c == q {
            if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
                continue;
            }
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unquoted_colour_is_explained() {
        let text = "name: A\nbrand_colour: #7C2855\n";
        let e = explain(text, "cannot deserialize null into string; use Option<String>", Some(8)).unwrap();
        assert_eq!(e.message, "`brand_colour` has no value: `#` starts a comment in YAML");
        assert_eq!(e.hint, "put the value in quotes: `brand_colour: \"#7C2855\"`");
        assert_eq!(e.at, Some(22));
    }

    #[test]
    fn a_colon_in_a_title_is_explained() {
        let text = "kind: letter\ntitle: Re: fit note\n";
        let e = explain(text, "mapping values are not allowed in this context", Some(22)).unwrap();
        assert!(e.message.contains("`title` holds `: `"), "{e:?}");
        assert_eq!(e.hint, "put the value in quotes: `title: \"Re: fit note\"`");
        assert_eq!(e.at, Some(20));
        // Regression: the starter's comment after a value went inside the suggested quotes.
        let text = "guide:\n  title: Anytown LMC: a guide  # the guide's title\n";
        let e = explain(text, "mapping values are not allowed in this context", Some(27)).unwrap();
        assert_eq!(e.hint, "put the value in quotes: `title: \"Anytown LMC: a guide\"`");
    }

    #[test]
    fn a_tab_is_explained_at_the_tab() {
        let text = "signatory:\n\tname: A\n";
        let e = explain(text, "tabs disallowed within this context (block indentation)", Some(11)).unwrap();
        assert!(e.hint.contains("spaces, not tabs"), "{e:?}");
        assert_eq!(e.at, Some(11));
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        let text = "a: 1\nname: \"Juniper Row\nb: 2\nc: 3\nd: 4 #x\n";
        let e =
            explain(text, "comments must be separated from other tokens by whitespace", Some(40)).unwrap();
        assert_eq!(e.message, "this quote is never closed");
        assert_eq!(e.at, Some(11));
        assert!(explain("a: \"x\"\nb: 'it''s'\nc: \"q\\\"\"\n", "other", Some(5)).is_none());
        let text = "name: \"Test\naddress: [\"1 Test Street\", \"Leicester\"]\n";
        let e = explain(text, "invalid trailing content after double-quoted scalar", Some(30)).unwrap();
        assert_eq!(e.at, Some(6));
        // A value quoted over two lines is fine.
        assert!(explain("name: \"Test\n  Surgery\"\nx: [\n", "other", Some(24)).is_none());
    }
}
