//! Guards every input passes before anything is typeset: files and values of a sensible size
//! (a 160 kB practice name once kept typst busy for minutes), and only characters some
//! shipped font can show (typst would otherwise draw an empty box, and PDF/UA export fails).

use std::path::Path;
use std::sync::Arc;

use crate::diag::Problem;
use crate::typeset;

/// A profile or `lmc.yaml` is a few hundred bytes; larger files are not read at all, and the
/// line check below judges anything smaller in milliseconds.
pub const MAX_YAML_BYTES: u64 = 1024 * 1024;
/// The longest guide section is about 6 kB.
pub const MAX_MARKDOWN_BYTES: u64 = 256 * 1024;
/// Any one value of YAML (a title, an address line, a change note): longer is a paste gone
/// wrong, however the YAML spells it (one line, folded, quoted with escapes).
pub const MAX_VALUE: usize = 1000;
/// A practice's name is printed in headers and letterheads.
pub const MAX_NAME: usize = 120;
/// One value of a mail-merge row.
pub const MAX_MERGE_VALUE: usize = 1000;

/// Refuses a file larger than `max` bytes before it is read.
pub fn file_size(shown: &Path, real: &Path, max: u64) -> Result<(), Problem> {
    match std::fs::metadata(real) {
        Ok(meta) if meta.len() > max => Err(Problem::error(
            shown,
            format!(
                "this file is {} KiB; lmcpress reads files of at most {} KiB",
                meta.len() / 1024,
                max / 1024
            ),
        )
        .hint("check that the right file is in content/, or split it")),
        _ => Ok(()),
    }
}

/// Problems with the values of a YAML text (a profile, `lmc.yaml`, or front matter, which
/// ends at `yaml_end`), judged as parsed, whatever the spelling: a value too long (a top-level
/// `name` has a tighter limit), and characters no font can show. Each is reported at its
/// value. Comments are never shown, so they are not judged; syntax errors are left to the
/// reader of the values, which reports them better.
pub fn yaml_values(shown: &Path, text: &Arc<str>, yaml_end: usize) -> Vec<Problem> {
    use granit_parser::{Event, Parser, ScalarStyle};
    enum Open {
        Map { key_next: bool },
        Seq,
    }
    // A node stands where its parent expects it: a mapping alternates key and value.
    fn placed(open: &mut [Open]) {
        if let Some(Open::Map { key_next }) = open.last_mut() {
            *key_next = !*key_next;
        }
    }
    let mut problems = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut top_key: Option<String> = None;
    for item in Parser::new_from_str(&text[..yaml_end]) {
        let Ok((event, span)) = item else { break };
        let is_key = matches!(open.last(), Some(Open::Map { key_next: true }));
        match event {
            Event::Scalar(value, style, ..) => {
                if is_key && open.len() == 1 {
                    top_key = Some(value.to_string());
                } else if !is_key {
                    let at = crate::diag::offset_of(text, span.start.line(), span.start.col() + 1);
                    let is_name = open.len() == 1 && top_key.as_deref() == Some("name");
                    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                    problems.extend(
                        control_problem(shown, text, at, &value, block)
                            .or_else(|| value_problem(shown, text, at, &value, is_name)),
                    );
                }
                placed(&mut open);
            }
            Event::Alias(..) => placed(&mut open),
            Event::MappingStart(..) => {
                placed(&mut open);
                open.push(Open::Map { key_next: true });
            }
            Event::SequenceStart(..) => {
                placed(&mut open);
                open.push(Open::Seq);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                open.pop();
            }
            _ => {}
        }
        if problems.len() >= 5 {
            break;
        }
    }
    problems
}

/// A control character (a line break, a tab, a bell) in a value written on one line: it would
/// break a header of an e-mail or a line of a letterhead. Only a block value (`|` or `>`) may
/// hold line breaks, and nothing may hold other control characters.
fn control_problem(shown: &Path, text: &Arc<str>, at: usize, value: &str, block: bool) -> Option<Problem> {
    let c = value.chars().find(|&c| c.is_control() && !(block && matches!(c, '\n' | '\t')))?;
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let what = match c {
        '\n' | '\r' => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        c => format!("the control character U+{:04X}", c as u32),
    };
    Some(
        Problem::error(shown, format!("this value holds {what}; it must be text on one line"))
            .at(text, at..line_end.max(at + 1).min(text.len()))
            .hint("write the value on one line without escapes such as `\\n` or `\\t`; for several lines use a list"),
    )
}

/// The first fault of one parsed YAML value that starts at `text[at]`: too long, or with a
/// character no font can show (pointed at where the file spells it, when it is spelled as
/// itself rather than escaped).
fn value_problem(shown: &Path, text: &Arc<str>, at: usize, value: &str, is_name: bool) -> Option<Problem> {
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let chars = value.chars().count();
    let max = if is_name { MAX_NAME } else { MAX_VALUE };
    if chars > max {
        // The excerpt shows the start of the value only: a 160 kB line would flood the terminal.
        let cut = at + text[at..line_end].char_indices().nth(80).map_or(line_end - at, |(i, _)| i);
        let excerpt: Arc<str> = Arc::from(format!("{}…", &text[..cut]));
        let (message, hint) = if is_name {
            (
                format!("a name may have at most {MAX_NAME} characters; this one has {chars}"),
                "use the name patients know; it is printed on every poster and letter",
            )
        } else {
            (
                format!("this value is {chars} characters long; at most {MAX_VALUE} fit"),
                "shorten the value: names, addresses and titles are printed on posters and letterheads",
            )
        };
        return Some(Problem::error(shown, message).at(&excerpt, at..cut).hint(hint));
    }
    let c = value.chars().find(|c| !typeset::covers(*c))?;
    let spelled =
        text[at..].find(c).map(|i| at + i).filter(|&i| i < at + value.len().max(line_end - at) + 16);
    let span = spelled.map_or(at..line_end, |i| i..i + c.len_utf8());
    Some(
        Problem::error(shown, format!("no font can show the character {c:?} (U+{:04X})", c as u32))
            .at(text, span)
            .hint(GLYPH_HINT),
    )
}

/// An error for each character of a Markdown body (`text[body_start..]`) that no shipped font
/// can show, judged on the text a reader sees: a character written as an entity
/// (`&#xD06;`) is judged as that character, at the entity.
pub fn markdown_glyphs(shown: &Path, text: &Arc<str>, body_start: usize) -> Vec<Problem> {
    let mut problems = Vec::new();
    // Only an entity spells a character other than itself; without `&` every character a
    // reader sees stands in the source as it is, and one pass over the text judges them all.
    if !text[body_start..].contains('&') && text[body_start..].chars().all(typeset::covers) {
        return problems;
    }
    for (range, run) in crate::markdown::visible_runs(&text[body_start..]) {
        let range = body_start + range.start..body_start + range.end;
        for c in run.chars().filter(|c| !typeset::covers(*c)) {
            let spelled = text[range.clone()].find(c).map(|i| range.start + i);
            let span = spelled.map_or(range.clone(), |i| i..i + c.len_utf8());
            problems.push(
                Problem::error(shown, format!("no font can show the character {c:?} (U+{:04X})", c as u32))
                    .at(text, span)
                    .hint(GLYPH_HINT),
            );
            if problems.len() >= 5 {
                return problems;
            }
        }
    }
    problems
}

const GLYPH_HINT: &str = "lmcpress ships fonts for Latin, Greek, Cyrillic, Arabic, Urdu, Bengali, Devanagari, \
    Gujarati, Gurmukhi, Tamil and Chinese/Japanese/Korean text (not emoji); replace the character or write it in words";

/// The first fault of one mail-merge value, described without the value itself (recipient
/// data identifies patients and is never printed).
pub fn merge_value(value: &str) -> Option<String> {
    let chars = value.chars().count();
    if chars > MAX_MERGE_VALUE {
        return Some(format!("is {chars} characters long; at most {MAX_MERGE_VALUE} fit"));
    }
    let (i, c) = value.char_indices().find(|(_, c)| !typeset::covers(*c))?;
    Some(format!(
        "has a character no font can show (U+{:04X}, character {} of the value)",
        c as u32,
        value[..i].chars().count() + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<Problem> {
        let text: Arc<str> = Arc::from(text);
        yaml_values(Path::new("p.yaml"), &text, text.len())
    }

    #[test]
    fn a_huge_name_is_refused_at_its_value_however_yaml_spells_it() {
        let long = "x".repeat(160_000);
        // Words of ten, so that folded spellings can break the value over many lines.
        let words: Vec<String> = (0..16_000).map(|_| "xxxxxxxxx".to_string()).collect();
        let spellings = [
            format!("name: {long}\n"),
            format!("name: \"{long}\"\n"),
            format!("name: '{long}'\n"),
            format!("name: \"{}\"\n", long.replace("xx", "\\x78x")),
            format!("name: >\n  {}\n", words.join("\n  ")),
            format!("name: |\n  {}\n", words.join(" ")),
            format!("name: {}\n", words.join("\n  ")),
            format!("name: \"{}\"\n", words.join("\n  ")),
        ];
        // Block scalars (`>`, `|`) start on the line after their indicator.
        let lines = [2, 2, 2, 2, 3, 3, 2, 2];
        for (i, name) in spellings.iter().enumerate() {
            let found = problems(&format!("ods_code: Z90001\n{name}phone: '0116'\n"));
            assert_eq!(found.len(), 1, "spelling {i}: {found:#?}");
            assert_eq!(found[0].line_col().map(|(l, _)| l), Some(lines[i]), "spelling {i}");
            assert!(found[0].message.starts_with("a name may have at most 120"), "{}", found[0].message);
        }
    }

    #[test]
    fn any_long_value_is_refused_but_a_long_comment_is_not() {
        let found = problems(&format!("address:\n  - >\n    {}\n", "word ".repeat(300)));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].line_col(), Some((3, 5)));
        assert!(problems(&format!("# {}\nname: Surgery\n", "x".repeat(5000))).is_empty());
    }

    #[test]
    fn an_escaped_unshowable_character_is_judged_as_the_character() {
        let found = problems("name: \"Surgery \\uF8FF\"\n");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].line_col(), Some((1, 7)));
        assert!(found[0].message.contains("U+F8FF"));
    }

    #[test]
    fn a_markdown_entity_is_judged_as_the_character_it_names() {
        let text: Arc<str> = Arc::from("---\nkind: poster\n---\nSee &#xF8FF; and \\&#xF8FE;.\n");
        let found = markdown_glyphs(Path::new("p.md"), &text, 22);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].line_col(), Some((4, 5)));
        assert!(found[0].message.contains("U+F8FF"));
    }

    #[test]
    fn unshowable_characters_are_named_with_line_and_column() {
        let found = problems("name: Surgery\nphone: 0116 \u{F8FF}\n# comment \u{F8FE}\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line_col(), Some((2, 13)));
        assert!(found[0].message.contains("U+F8FF"), "{}", found[0].message);
    }

    #[test]
    fn a_line_break_or_control_character_in_a_one_line_value_is_refused_at_its_line() {
        for (yaml, line) in [
            ("name: \"Juniper\\nBcc: x@y.org\"\n", 1),
            ("ods_code: Z90001\nname: \"Juniper\\r Row\"\n", 2),
            ("address:\n  - \"1 High St\\u0007\"\n", 2),
            ("name: \"A\\tB\"\n", 1),
        ] {
            let found = problems(yaml);
            assert_eq!(found.len(), 1, "{yaml}: {found:#?}");
            assert_eq!(found[0].line_col().map(|(l, _)| l), Some(line), "{yaml}");
            assert!(found[0].message.contains("on one line"), "{}", found[0].message);
        }
        // A block value may hold line breaks.
        assert!(problems("notes: |\n  one\n  two\n").is_empty());
        assert!(problems("name: Juniper Row Surgery\n").is_empty());
    }

    #[test]
    fn every_script_passes() {
        assert!(problems("name: \"ਸਿਹਤ ਕੇਂਦਰ સ્વાગત مرکز صحت স্বাস্থ্য 健康中心 Ιατρείο Клиника\"\n").is_empty());
    }

    #[test]
    fn merge_values_are_judged_without_repeating_them() {
        assert_eq!(merge_value("Zoë Ng"), None);
        let fault = merge_value("Ann\u{F8FF}").unwrap();
        assert!(
            fault.contains("U+F8FF") && fault.contains("character 4") && !fault.contains("Ann"),
            "{fault}"
        );
        assert!(merge_value(&"a".repeat(5000)).unwrap().contains("5000 characters"));
    }
}
