//! The redline: a section body as Markdown with added and removed words marked, then the
//! marks turned into typst calls after the Markdown has been converted.
//!
//! Marks are private-use characters put around the letters of each changed word (not around
//! its Markdown syntax: `**E000wordE001**`), so the Markdown converter keeps them inside the
//! same run of text and escapes nothing about them. After conversion a marked run becomes
//! `#added[...]` or `#removed[...]`; a run that ended up spanning markup (it should not, but
//! Markdown is open-ended) loses its marks rather than breaking the typst.

use super::words::{BodyDiff, ParaDiff, WordOp, tokens};

pub const INS_START: char = '\u{E000}';
pub const INS_END: char = '\u{E001}';
pub const DEL_START: char = '\u{E002}';
pub const DEL_END: char = '\u{E003}';

fn is_mark(c: char) -> bool {
    matches!(c, INS_START | INS_END | DEL_START | DEL_END)
}

/// The section body to show in the redline: the new Markdown with added words marked and
/// removed words put back, marked. Removed words are reduced to their letters, digits and
/// plain punctuation, since their Markdown syntax no longer fits the new text.
pub fn redline_markdown(diff: &BodyDiff) -> String {
    let paras: Vec<String> = diff
        .paragraphs
        .iter()
        .map(|p| match p {
            ParaDiff::Same { text } => clean(text),
            ParaDiff::Added { text } => inserted(&clean(text)),
            ParaDiff::Removed { text } => {
                let words: Vec<String> = text.split_whitespace().filter_map(removed_word).collect();
                words.join(" ")
            }
            ParaDiff::Changed { ops } => {
                let mut out = String::new();
                for (i, op) in ops.iter().enumerate() {
                    match op {
                        WordOp::Equal(t) => out.push_str(&clean(t)),
                        WordOp::Insert(t) => out.push_str(&inserted(&clean(t))),
                        WordOp::Delete(t) => {
                            for tok in tokens(t) {
                                if tok.trim().is_empty() {
                                    // A removed line break would end a list item or table row.
                                    out.push(' ');
                                } else if let Some(word) = removed_word(tok) {
                                    // A word replaced by another stands apart from it.
                                    if out.ends_with(|c: char| !c.is_whitespace()) {
                                        out.push(' ');
                                    }
                                    out.push_str(&word);
                                }
                            }
                            if let Some(WordOp::Insert(next)) = ops.get(i + 1)
                                && !next.starts_with(char::is_whitespace)
                            {
                                out.push(' ');
                            }
                        }
                    }
                }
                out
            }
        })
        .filter(|p| !p.trim().is_empty())
        .collect();
    paras.join("\n\n")
}

/// The content's own private-use characters would be taken for marks.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !is_mark(*c)).collect()
}

fn removed_word(token: &str) -> Option<String> {
    let kept: String =
        token.chars().filter(|c| c.is_alphanumeric() || ".,;:!?’‘“”'%£€&/–—-".contains(*c)).collect();
    kept.chars().any(char::is_alphanumeric).then(|| format!("{DEL_START}{kept}{DEL_END}"))
}

/// Marks the letters of each word of `text`, leaving whitespace and Markdown syntax alone.
fn inserted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for tok in tokens(text) {
        match core(tok) {
            Some((s, e)) => {
                out.push_str(&tok[..s]);
                out.push(INS_START);
                out.push_str(&tok[s..e]);
                out.push(INS_END);
                out.push_str(&tok[e..]);
            }
            None => out.push_str(tok),
        }
    }
    out
}

/// Characters that end the markable part of a word: Markdown syntax around the letters.
const STOP: &str = "[]()<>{}|*_~`\\!^\"";

/// The byte range of the part of `token` that can be marked: from its first letter or digit
/// to its last before any Markdown syntax. None for tokens whose letters belong to syntax
/// (addresses, code, HTML, footnote labels, placeholders).
fn core(token: &str) -> Option<(usize, usize)> {
    // A link's destination (after `](`) is never marked, so only the text before it counts.
    let head = token.split("](").next().unwrap_or(token);
    let unsafe_parts = ["://", "@", "www.", "`", "<", "[^", "&"];
    if unsafe_parts.iter().any(|u| head.contains(u)) || is_placeholder_name(token) {
        return None;
    }
    let s = token.find(|c: char| c.is_alphanumeric())?;
    let mut e = s;
    for (i, c) in token[s..].char_indices() {
        if STOP.contains(c) {
            break;
        }
        if c.is_alphanumeric() {
            e = s + i + c.len_utf8();
        }
    }
    Some((s, e))
}

fn is_placeholder_name(token: &str) -> bool {
    token.starts_with("practice.") || token.starts_with("lmc.")
}

/// Turns marks in converted typst markup into `#added[..]` / `#removed[..]` calls. Marks
/// around text that is not plain markup are dropped.
pub fn marks_to_typst(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len() + markup.len() / 4);
    // The kind of the last call and where it ended, so that neighbouring words of one kind
    // share one underline or strike line, the space between them included.
    let mut last: Option<(&str, usize)> = None;
    let mut rest = markup;
    while let Some(start) = rest.find([INS_START, DEL_START]) {
        out.push_str(&rest[..start]);
        let open = rest[start..].chars().next().unwrap_or(INS_START);
        let (close, call) = if open == INS_START { (INS_END, "added") } else { (DEL_END, "removed") };
        let after = &rest[start + open.len_utf8()..];
        match after.find(close) {
            Some(end) if plain_markup(&after[..end]) => {
                let inner = &after[..end];
                if last.is_some_and(|(kind, at)| kind == call && out.len() == at + 1 && out.ends_with(' ')) {
                    out.truncate(out.len() - 3);
                    out.push(' ');
                    out.push_str(inner);
                    out.push_str("];");
                } else {
                    // The `;` ends the call, so a following `(` or `[` stays text.
                    out.push_str(&format!("#{call}[{inner}];"));
                }
                last = Some((call, out.len()));
                rest = &after[end + close.len_utf8()..];
            }
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out.retain(|c| !is_mark(c));
    out
}

/// Text that can sit inside `[...]` as it is: escaped characters, but no brackets, code,
/// strings, line breaks or other marks.
fn plain_markup(s: &str) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' | ']' | '#' | '"' | '\n' | '$' => return false,
            c if is_mark(c) => return false,
            _ => {}
        }
    }
    !s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editions::words::body_diff;
    use crate::markdown::testing::markdown;
    use proptest::prelude::*;

    fn compiles(typst: &str) -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let source = format!(
            "#let field(name) = [x]\n#let added(b) = underline(b)\n#let removed(b) = strike(b)\n{typst}\n\n[^1]: n"
        );
        let input = crate::typeset::Input { root: dir.path(), source, source_name: "t".into(), today: None };
        crate::typeset::compile(input).map(|_| ()).map_err(|e| format!("{typst}\n{e:?}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn any_redline_is_valid_typst(old in markdown(), new in markdown()) {
            let md = redline_markdown(&body_diff(&old, &new));
            let none = |_: &str| None;
            let opts = crate::markdown::TypstOptions { heading_offset: 1, resolve_image: &none };
            let typst = marks_to_typst(&crate::markdown::to_typst(&md, &opts).markup);
            prop_assert!(compiles(&typst).is_ok(), "{}", compiles(&typst).unwrap_err());
        }
    }

    fn shown(md: &str) -> String {
        md.replace(INS_START, "{+").replace(INS_END, "+}").replace(DEL_START, "{-").replace(DEL_END, "-}")
    }

    #[test]
    fn marks_words_not_their_syntax() {
        let d = body_diff(
            "Funding **stays** in the (old) scheme for practices.",
            "Funding **moved** to the (global) sum for practices.",
        );
        assert_eq!(
            shown(&redline_markdown(&d)),
            "Funding {-stays-} **{+moved+}** {-in-} {+to+} the {-old-} ({+global+}) {-scheme-} {+sum+} for practices."
        );
    }

    #[test]
    fn leaves_links_code_and_placeholders_alone() {
        let new = "See <https://x.org>, `code`, {{ lmc.name }} and [the page](https://y.org).";
        let d = body_diff("", new);
        let md = shown(&redline_markdown(&d));
        assert!(
            md.contains("<https://x.org>,") && md.contains("`code`,") && md.contains("{{ lmc.name }}"),
            "{md}"
        );
        assert!(md.contains("[{+the+}") && md.contains("{+page+}](https://y.org)."), "{md}");
    }

    #[test]
    fn removed_paragraphs_and_rows_are_struck_word_by_word() {
        let d =
            body_diff("| A | B |\n|---|---|\n| x | y |\n\nGone **now**.", "| A | B |\n|---|---|\n| x | y |");
        assert_eq!(shown(&redline_markdown(&d)), "| A | B |\n|---|---|\n| x | y |\n\n{-Gone-} {-now.-}");
    }

    #[test]
    fn marks_become_calls_only_around_plain_text() {
        let m = format!(
            "a {INS_START}new{INS_END}(x) {DEL_START}old\\-ish{DEL_END} #strong[{INS_START}b] c{INS_END}"
        );
        assert_eq!(marks_to_typst(&m), "a #added[new];(x) #removed[old\\-ish]; #strong[b] c");
        let run = format!(
            "{INS_START}a{INS_END} {INS_START}b{INS_END} {DEL_START}c{DEL_END} {DEL_START}d{DEL_END}"
        );
        assert_eq!(marks_to_typst(&run), "#added[a b]; #removed[c d];");
    }
}
