//! Whether a project's copy of a theme template has fallen behind the built-in one: the
//! values (and blocks) the built-in template reads that the copy never does. A copy made by
//! `theme eject` records what the theme read when it was made, so only what the theme
//! started to read since then counts; a hand-made copy is compared with everything.

use std::collections::{BTreeMap, BTreeSet};

/// A value the built-in template reads and the project's copy does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The value's path as templates write it (`doc.band`), or `block NAME`.
    pub path: String,
    /// The built-in template's line (1-based) that first reads it.
    pub line: usize,
}

/// The first line of an ejected copy; what follows "reads:" is what the theme read then.
pub const EJECT_MARK: &str = "{# lmcpress theme ";

/// The header `theme eject` puts above a copy of `built_in`.
pub fn eject_header(version: &str, built_in: &str) -> String {
    let reads: Vec<String> = reads(built_in).into_keys().collect();
    format!("{EJECT_MARK}{version}, ejected; reads: {} #}}\n", reads.join(" "))
}

/// What `built_in` reads that `copy` does not (and, for an ejected copy, did not read
/// when it was ejected), in the order of the built-in's lines.
pub fn gaps(built_in: &str, copy: &str) -> Vec<Gap> {
    let then: Option<BTreeSet<String>> = copy.lines().next().and_then(|first| {
        let rest = first.strip_prefix(EJECT_MARK)?;
        let list = rest.split_once("reads:")?.1.trim_end().trim_end_matches("#}");
        Some(list.split_whitespace().map(str::to_string).collect())
    });
    let used = reads(copy);
    let mut gaps: Vec<Gap> = reads(built_in)
        .into_iter()
        .filter(|(path, _)| !used.contains_key(path))
        .filter(|(path, _)| then.as_ref().is_none_or(|then| !then.contains(path)))
        .map(|(path, line)| Gap { path, line })
        .collect();
    gaps.sort_by_key(|g| g.line);
    gaps
}

const KEYWORDS: &[&str] = &[
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "in",
    "endfor",
    "set",
    "set_global",
    "include",
    "extends",
    "import",
    "as",
    "block",
    "endblock",
    "macro",
    "endmacro",
    "filter",
    "endfilter",
    "raw",
    "endraw",
    "not",
    "and",
    "or",
    "true",
    "false",
    "True",
    "False",
    "none",
    "loop",
    "is",
    "with",
    "context",
    "super",
    "break",
    "continue",
    "ignore",
    "missing",
    "self",
];

/// Every value path (at most two deep) a template reads outside its own loop and `set`
/// names, and every block it defines, with the line each first appears on.
fn reads(text: &str) -> BTreeMap<String, usize> {
    let mut locals = BTreeSet::new();
    let mut found: Vec<(String, usize)> = Vec::new();
    for (tag, line) in tags(text) {
        let words = words(tag);
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            match w.text.as_str() {
                "for" => {
                    // `for a, b in x`: a and b are the loop's own.
                    let mut j = i + 1;
                    while j < words.len() && words[j].text != "in" {
                        locals.insert(words[j].text.clone());
                        j += 1;
                    }
                    i = j;
                }
                "set" | "set_global" | "macro" | "as" => {
                    if let Some(name) = words.get(i + 1) {
                        locals.insert(name.text.clone());
                    }
                    i += 2;
                    continue;
                }
                "block" => {
                    if let Some(name) = words.get(i + 1) {
                        found.push((format!("block {}", name.text), line));
                    }
                    i += 2;
                    continue;
                }
                "is" => {
                    // `x is defined`, `x is not string`: the test's name is not a value.
                    i += if words.get(i + 1).is_some_and(|n| n.text == "not") { 3 } else { 2 };
                    continue;
                }
                _ if w.after_pipe || w.called || KEYWORDS.contains(&w.text.as_str()) => {}
                _ => {
                    let path: Vec<&str> = w.text.split('.').filter(|p| !p.is_empty()).take(2).collect();
                    if !path.is_empty() {
                        found.push((path.join("."), line));
                    }
                }
            }
            i += 1;
        }
    }
    let mut out = BTreeMap::new();
    for (path, line) in found {
        let root = path.split('.').next().unwrap_or("");
        if path.starts_with("block ") || !locals.contains(root) {
            out.entry(path).or_insert(line);
        }
    }
    out
}

/// The inside of every `{{ }}` and `{% %}` tag, with the line it starts on.
fn tags(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                offset += start + 1;
                rest = after;
                continue;
            }
        };
        let inner = &after[1..];
        let end = inner.find(close).unwrap_or(inner.len());
        if close != "#}" {
            let line = text[..offset + start].matches('\n').count() + 1;
            out.push((inner[..end].trim_matches('-'), line));
        }
        let consumed = start + 2 + (end + close.len()).min(inner.len());
        offset += consumed;
        rest = &rest[consumed..];
    }
    out
}

struct Word {
    text: String,
    /// A filter's name (`| upper`).
    after_pipe: bool,
    /// A function or macro name (`range(`, `icons::pin(`).
    called: bool,
}

/// The names in a tag, outside string literals.
fn words(tag: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let chars: Vec<char> = tag.chars().collect();
    let mut i = 0;
    let mut last_significant = ' ';
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' || c == '`' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i += 1;
            last_significant = c;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let mut ahead = chars[i..].iter().filter(|c| !c.is_whitespace()).copied();
            let (next, then) = (ahead.next(), ahead.next());
            let after_pipe = last_significant == '|';
            // A namespace (`icons::`), a call or a keyword argument (`size=2`) is not a value.
            let called = matches!(next, Some('(') | Some(':')) || (next == Some('=') && then != Some('='));
            out.push(Word { text: text.trim_end_matches('.').to_string(), after_pipe, called });
            last_significant = 'a';
            continue;
        }
        if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            last_significant = '0';
            continue;
        }
        if !c.is_whitespace() {
            last_significant = c;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_not_filters_loops_or_literals() {
        let t = "{{ doc.title | upper }}\n{% for s in doc.sections %}{{ s.name }}{% endfor %}\n\
                 {% set n = practice.name %}{{ n }} {{ \"brand.colour\" }} {{ icons::pin(size=2) }}\n\
                 {% if field_data is defined and lmc.short_name %}{% block body %}{% endblock %}{% endif %}";
        let r = reads(t);
        let paths: Vec<&str> = r.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            ["block body", "doc.sections", "doc.title", "field_data", "lmc.short_name", "practice.name"]
        );
        assert_eq!(r["doc.sections"], 2);
        assert_eq!(r["lmc.short_name"], 4);
    }

    #[test]
    fn a_hand_copy_misses_every_value_it_does_not_read() {
        let built_in = "{{ doc.title }}\n{{ doc.band }}\n{{ practice.name }}";
        let copy = "{{ doc.title }} {{ practice.name }}";
        assert_eq!(gaps(built_in, copy), [Gap { path: "doc.band".into(), line: 2 }]);
        assert!(gaps(built_in, built_in).is_empty());
    }

    #[test]
    fn an_ejected_copy_misses_only_what_the_theme_read_since() {
        let then = "{{ doc.title }}\n{{ practice.phone }}";
        // The LMC dropped the phone on purpose; the theme has since started to read the band.
        let copy = format!("{}{{{{ doc.title }}}}", eject_header("0.1.0", then));
        let now = "{{ doc.title }}\n{{ practice.phone }}\n{{ doc.band }}";
        assert_eq!(gaps(now, &copy), [Gap { path: "doc.band".into(), line: 3 }]);
    }

    #[test]
    fn the_shipped_theme_reads_its_values() {
        let poster = super::super::get("poster.typ.tera").unwrap();
        assert!(reads(poster).keys().any(|p| p.starts_with("doc.")), "{:?}", reads(poster));
    }
}
