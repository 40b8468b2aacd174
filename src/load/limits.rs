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
/// Any one line of YAML (a key and its value): longer is a paste gone wrong.
pub const MAX_YAML_LINE: usize = 300;
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

/// Problems with the lines of a YAML text (a profile, `lmc.yaml`, or front matter, which
/// ends at `yaml_end`): lines that are too long, and characters no font can show. Comment
/// lines are never shown, so only their length counts.
pub fn yaml_lines(shown: &Path, text: &Arc<str>, yaml_end: usize) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut start = 0;
    for line in text[..yaml_end].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let chars = content.chars().count();
        if chars > MAX_YAML_LINE {
            // The excerpt shows the start of the line only: a 160 kB line would flood the terminal.
            let cut = start + content.char_indices().nth(80).map_or(content.len(), |(i, _)| i);
            let excerpt: Arc<str> = Arc::from(format!("{}…", &text[..cut]));
            problems.push(
                Problem::error(
                    shown,
                    format!("this line is {chars} characters long; at most {MAX_YAML_LINE} fit"),
                )
                .at(&excerpt, start..cut)
                .hint(
                    "shorten the value: names, addresses and titles are printed on posters and letterheads",
                ),
            );
        } else if !content.trim_start().starts_with('#') {
            problems.extend(glyphs(shown, text, start..start + content.len()));
        }
        start += line.len();
    }
    problems
}

/// An error for each character in `text[range]` that no shipped font can show (at most a few).
pub fn glyphs(shown: &Path, text: &Arc<str>, range: std::ops::Range<usize>) -> Vec<Problem> {
    text[range.clone()]
        .char_indices()
        .filter(|(_, c)| !typeset::covers(*c))
        .take(5)
        .map(|(i, c)| {
            let at = range.start + i;
            Problem::error(shown, format!("no font can show the character {c:?} (U+{:04X})", c as u32))
                .at(text, at..at + c.len_utf8())
                .hint(GLYPH_HINT)
        })
        .collect()
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
        yaml_lines(Path::new("p.yaml"), &text, text.len())
    }

    #[test]
    fn a_huge_value_is_refused_at_its_line_quickly() {
        let text = format!("ods_code: Z90001\nname: {}\n", "x".repeat(160_000));
        let start = std::time::Instant::now();
        let found = problems(&text);
        assert!(start.elapsed().as_secs() < 2);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line_col(), Some((2, 1)));
        assert!(found[0].message.contains("160006 characters"), "{}", found[0].message);
    }

    #[test]
    fn unshowable_characters_are_named_with_line_and_column() {
        let found = problems("name: Surgery\nphone: 0116 \u{F8FF}\n# comment \u{F8FE}\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line_col(), Some((2, 13)));
        assert!(found[0].message.contains("U+F8FF"), "{}", found[0].message);
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
