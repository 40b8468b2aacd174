//! Escaping data so typst shows it literally.
//!
//! Practice names, addresses and Markdown text reach typst source as data. A `#`,
//! `[` or `$` in them must never start code, content or maths, so everything typst
//! could read as syntax is backslash-escaped (typst accepts `\` before any
//! non-whitespace character and shows the character itself).

/// Escapes `s` for typst markup: at top level or inside `[...]` content.
///
/// Newlines become spaces, because a data value is one line and two newlines
/// would be a paragraph break.
pub fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    markup_into(&mut out, s);
    out
}

/// Appends `s` to `out`, escaped as by [`markup`].
///
/// Some characters are only special after others (`1.` starts a numbered list,
/// `...` is an ellipsis, `#f[x].y` continues the call `#f[x]`), so whether they need
/// escaping depends on what `out` already ends with. Text is therefore escaped
/// straight onto the output it follows, chunk by chunk. When `out` is empty the
/// caller may still put other markup in front, so the first character is escaped
/// whenever anything could make it special.
pub fn markup_into(out: &mut String, s: &str) {
    let mut prev = out.chars().next_back();
    for c in s.chars() {
        let c = if is_newline(c) { ' ' } else { c };
        if needs_escape(c, prev) {
            out.push('\\');
        }
        out.push(c);
        prev = Some(c);
    }
}

fn needs_escape(c: char, prev: Option<char>) -> bool {
    match c {
        // `//` and `/*` start comments, `*/` is an error, and the rest are markup
        // syntax or line-start markers (`-`, `+`, `=`, `/`); `'` and `"` would turn
        // into typographic quotes and `~`, `-` into shorthands.
        '\\' | '#' | '*' | '_' | '$' | '@' | '<' | '>' | '[' | ']' | '`' | '~' | '-' | '+' | '=' | '/'
        | '\'' | '"' => true,
        // `1.` is a list marker and `...` an ellipsis. After `]` or `)` (the end of
        // an embedded call such as `#strong[x]`), `.name` would be a field access.
        '.' => prev.is_none_or(|p| p.is_ascii_digit() || matches!(p, '.' | ']' | ')')),
        // Directly after an embedded call, `(` passes more arguments and `;` is
        // swallowed as the end of the expression.
        '(' | ';' => prev.is_none_or(|p| matches!(p, ']' | ')')),
        _ => false,
    }
}

/// The characters typst treats as line breaks (`typst::syntax::is_newline`).
fn is_newline(c: char) -> bool {
    matches!(c, '\n' | '\x0B' | '\x0C' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// Escapes `s` as the contents of a typst string literal (without the quotes).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Invisible in the source and easy to mangle in transit (editors,
            // diffs), so they are spelled out.
            c if c.is_control() || is_newline(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use typst::syntax::{SyntaxKind, SyntaxNode, ast};

    /// The text typst would show for markup source made only of text, escapes and
    /// spaces; `None` if anything else (syntax) appears.
    fn shown_text(markup: &SyntaxNode) -> Option<String> {
        let mut shown = String::new();
        for node in markup.children() {
            match node.kind() {
                SyntaxKind::Text | SyntaxKind::Space => shown.push_str(node.leaf_text()),
                SyntaxKind::Escape => shown.push(node.cast::<ast::Escape>()?.get()),
                _ => return None,
            }
        }
        Some(shown)
    }

    /// Parses `#[MARKUP]` and returns what the content block shows.
    fn parse_in_content_block(markup: &str) -> Result<String, String> {
        let root = typst::syntax::parse(&format!("#[{markup}]"));
        let diagnosis = root.diagnosis();
        if diagnosis.errors || diagnosis.warnings {
            return Err(format!("{:?}", root.errors_and_warnings()));
        }
        let kinds: Vec<_> = root.children().map(|n| n.kind()).collect();
        if kinds != [SyntaxKind::Hash, SyntaxKind::ContentBlock] {
            return Err(format!("parsed as {kinds:?}"));
        }
        let block = root.children().nth(1).unwrap();
        let inner =
            block.children().find(|n| n.kind() == SyntaxKind::Markup).ok_or("no markup in content block")?;
        shown_text(inner).ok_or_else(|| format!("syntax in markup: {inner:#?}"))
    }

    fn parse_string_literal(escaped: &str) -> Result<String, String> {
        let root = typst::syntax::parse_code(&format!("\"{escaped}\""));
        if root.diagnosis().errors {
            return Err(format!("{:?}", root.errors_and_warnings()));
        }
        let kinds: Vec<_> = root.children().map(|n| n.kind()).collect();
        if kinds != [SyntaxKind::Str] {
            return Err(format!("parsed as {kinds:?}"));
        }
        let node = root.children().next().unwrap();
        Ok(node.cast::<ast::Str>().unwrap().get().to_string())
    }

    fn expected_shown(s: &str) -> String {
        s.chars().map(|c| if is_newline(c) { ' ' } else { c }).collect()
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(markup("Example Street Surgery"), "Example Street Surgery");
        assert_eq!(markup("a: b, c; d"), "a: b, c; d");
        assert_eq!(markup("café ☑ 日本"), "café ☑ 日本");
    }

    #[test]
    fn syntax_characters_are_escaped() {
        assert_eq!(
            markup(r"Dr #1 & Partners [Ltd] $5 <x> @y \ * _"),
            r"Dr \#1 & Partners \[Ltd\] \$5 \<x\> \@y \\ \* \_"
        );
        assert_eq!(markup("`a` ~b"), r"\`a\` \~b");
        assert_eq!(markup("a--b---c -? -1"), r"a\-\-b\-\-\-c \-? \-1");
        assert_eq!(markup("= + - / x"), r"\= \+ \- \/ x");
        assert_eq!(markup("// not /* a comment */"), r"\/\/ not \/\* a comment \*\/");
        assert_eq!(markup(r#"'quoted' "too""#), r#"\'quoted\' \"too\""#);
    }

    #[test]
    fn dots_are_escaped_only_where_special() {
        assert_eq!(markup("1. first"), r"1\. first");
        assert_eq!(markup("wait..."), r"wait.\.\.");
        assert_eq!(markup("e.g. this"), "e.g. this");
        assert_eq!(markup("v2.5"), r"v2\.5");
    }

    #[test]
    fn leading_characters_are_escaped_when_context_is_unknown() {
        assert_eq!(markup(".x"), r"\.x");
        assert_eq!(markup("(x);"), r"\(x)\;");
        assert_eq!(markup(";"), r"\;");
    }

    #[test]
    fn escaping_continues_from_existing_output() {
        let mut out = String::from("#strong[a]");
        markup_into(&mut out, ".b (c)");
        assert_eq!(out, r"#strong[a]\.b (c)");

        let mut out = String::from("#field(\"x\")");
        markup_into(&mut out, "(y); z");
        assert_eq!(out, r#"#field("x")\(y)\; z"#);

        let mut out = String::from("10");
        markup_into(&mut out, ". x");
        assert_eq!(out, r"10\. x");

        let mut out = String::from("text ");
        markup_into(&mut out, ".(;");
        assert_eq!(out, "text .(;");
    }

    #[test]
    fn newlines_become_spaces() {
        assert_eq!(markup("a\nb\r\n\nc\u{2028}d"), "a b   c d");
    }

    #[test]
    fn markup_parses_to_the_same_text() {
        for s in [
            r"Dr #1 & Partners [Ltd] $5 <x> @y \ * _",
            "http://example.com/a(b",
            "https://x.org",
            "1. 2) 3.4...",
            "#!shebang",
            "\\u{41} \\",
            "- list\n+ enum\n= heading\n/ term: x",
            "a\\\nb",
            "*/ /* //",
            "#strong[x].y",
        ] {
            assert_eq!(parse_in_content_block(&markup(s)), Ok(expected_shown(s)), "{s:?}");
        }
    }

    #[test]
    fn calls_are_not_continued_by_following_text() {
        for (call, text) in [("#strong[a]", ".b"), ("#linebreak()", "(x)"), ("#emph[a]", ";b")] {
            let mut out = call.to_owned();
            markup_into(&mut out, text);
            let root = typst::syntax::parse(&out);
            assert!(!root.diagnosis().errors, "{out}");
            let last = root.children().last().unwrap();
            assert_eq!(last.kind(), SyntaxKind::Text, "{out}: {root:#?}");
        }
    }

    #[test]
    fn string_escapes() {
        assert_eq!(string("plain"), "plain");
        assert_eq!(string(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(string("a\nb\rc\td"), r"a\nb\rc\td");
        assert_eq!(string("\u{0}\u{1b}\u{2028}"), r"\u{0}\u{1b}\u{2028}");
        assert_eq!(string("#[$]"), "#[$]");
    }

    #[test]
    fn string_parses_to_the_same_text() {
        for s in ["", "\\", "\"", "\\\"", "a\\nb", "\u{7f}x\ny", "\\u{41}"] {
            assert_eq!(parse_string_literal(&string(s)), Ok(s.to_owned()), "{s:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn arbitrary_markup_round_trips(s in any::<String>()) {
            prop_assert_eq!(parse_in_content_block(&markup(&s)), Ok(expected_shown(&s)));
        }

        #[test]
        fn syntax_heavy_markup_round_trips(
            s in proptest::string::string_regex(
                r"[-a-z0-9 .,:;()\[\]{}#*_$@<>\\`~+=/'\x22!?&%^|\n\r\t]{0,40}"
            ).unwrap()
        ) {
            prop_assert_eq!(parse_in_content_block(&markup(&s)), Ok(expected_shown(&s)));
        }

        #[test]
        fn chunked_markup_round_trips(
            chunks in proptest::collection::vec(r"[-a-z0-9 .();\[\]#*/]{0,6}", 0..6)
        ) {
            let mut out = String::new();
            for chunk in &chunks {
                markup_into(&mut out, chunk);
            }
            prop_assert_eq!(parse_in_content_block(&out), Ok(expected_shown(&chunks.concat())));
        }

        #[test]
        fn arbitrary_string_round_trips(s in any::<String>()) {
            prop_assert_eq!(parse_string_literal(&string(&s)), Ok(s));
        }
    }
}
