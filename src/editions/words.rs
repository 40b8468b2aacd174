//! Text diffs: paragraphs matched within a section body, then words within paragraphs, so a
//! changed sentence shows as the few words that changed rather than a paragraph replaced.

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices, get_diff_ratio};

/// One step from the old text to the new. Whitespace is kept in the steps, so joining the
/// `Equal` and `Insert` texts gives the new text exactly, and `Equal` and `Delete` the old.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum WordOp {
    Equal(String),
    Insert(String),
    Delete(String),
}

impl WordOp {
    pub fn text(&self) -> &str {
        match self {
            WordOp::Equal(t) | WordOp::Insert(t) | WordOp::Delete(t) => t,
        }
    }
}

/// `text` cut into alternating runs of whitespace and of everything else. Joined, the
/// tokens are `text` again.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// How many words (non-whitespace tokens) `text` holds.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Word-level steps from `old` to `new`, neighbouring steps of one kind merged.
pub fn word_ops(old: &str, new: &str) -> Vec<WordOp> {
    let (a, b) = (tokens(old), tokens(new));
    let mut ops: Vec<WordOp> = Vec::new();
    let mut push = |op: WordOp| match (ops.last_mut(), &op) {
        (Some(WordOp::Equal(t)), WordOp::Equal(s))
        | (Some(WordOp::Insert(t)), WordOp::Insert(s))
        | (Some(WordOp::Delete(t)), WordOp::Delete(s)) => t.push_str(s),
        _ => ops.push(op),
    };
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => push(WordOp::Equal(b[new_range].concat())),
            DiffTag::Delete => push(WordOp::Delete(a[old_range].concat())),
            DiffTag::Insert => push(WordOp::Insert(b[new_range].concat())),
            DiffTag::Replace => {
                push(WordOp::Delete(a[old_range].concat()));
                push(WordOp::Insert(b[new_range].concat()));
            }
        }
    }
    ops
}

/// The old text the steps start from.
pub fn old_text(ops: &[WordOp]) -> String {
    ops.iter().filter(|o| !matches!(o, WordOp::Insert(_))).map(WordOp::text).collect()
}

/// The new text the steps lead to.
pub fn new_text(ops: &[WordOp]) -> String {
    ops.iter().filter(|o| !matches!(o, WordOp::Delete(_))).map(WordOp::text).collect()
}

/// A paragraph (a block between blank lines: text, a list, a table, a heading) of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum ParaDiff {
    Same { text: String },
    Added { text: String },
    Removed { text: String },
    Changed { ops: Vec<WordOp> },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BodyDiff {
    pub paragraphs: Vec<ParaDiff>,
    pub words_added: usize,
    pub words_removed: usize,
}

impl BodyDiff {
    pub fn is_unchanged(&self) -> bool {
        self.paragraphs.iter().all(|p| matches!(p, ParaDiff::Same { .. }))
    }

    /// The new body, paragraphs separated by one blank line: the tests' proof that the
    /// reported changes are complete.
    #[cfg(test)]
    pub fn new_body(&self) -> String {
        let paras = self.paragraphs.iter().filter_map(|p| match p {
            ParaDiff::Same { text } | ParaDiff::Added { text } => Some(text.clone()),
            ParaDiff::Changed { ops } => Some(new_text(ops)),
            ParaDiff::Removed { .. } => None,
        });
        paras.collect::<Vec<_>>().join("\n\n")
    }
}

/// The paragraphs of a Markdown body: blocks separated by blank lines, trimmed.
pub fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n").trim().to_string());
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n").trim().to_string());
    }
    out
}

/// How alike two texts are by their words, from 0 (nothing shared) to 1 (the same words).
pub fn similarity(a: &str, b: &str) -> f32 {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split_whitespace().collect(), b.split_whitespace().collect());
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    get_diff_ratio(&capture_diff_slices(Algorithm::Myers, &a, &b), a.len(), b.len())
}

/// Below this, two paragraphs in the same place are shown as one removed and one added
/// rather than as one edited: striking most of a paragraph word by word helps nobody.
const SAME_PARAGRAPH: f32 = 0.35;

/// Paragraphs of `old` and `new` matched, and words compared within matched paragraphs.
pub fn body_diff(old: &str, new: &str) -> BodyDiff {
    let (a, b) = (paragraphs(old), paragraphs(new));
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, ra, rb) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => out.extend(b[rb].iter().map(|t| ParaDiff::Same { text: t.clone() })),
            DiffTag::Delete => out.extend(a[ra].iter().map(|t| ParaDiff::Removed { text: t.clone() })),
            DiffTag::Insert => out.extend(b[rb].iter().map(|t| ParaDiff::Added { text: t.clone() })),
            DiffTag::Replace => pair_up(&a[ra], &b[rb], &mut out),
        }
    }
    let mut diff = BodyDiff { paragraphs: out, ..BodyDiff::default() };
    for p in &diff.paragraphs {
        match p {
            ParaDiff::Added { text } => diff.words_added += count_words(text),
            ParaDiff::Removed { text } => diff.words_removed += count_words(text),
            ParaDiff::Changed { ops } => {
                for op in ops {
                    match op {
                        WordOp::Insert(t) => diff.words_added += count_words(t),
                        WordOp::Delete(t) => diff.words_removed += count_words(t),
                        WordOp::Equal(_) => {}
                    }
                }
            }
            ParaDiff::Same { .. } => {}
        }
    }
    diff
}

/// Pairs a run of replaced paragraphs in order: alike ones become edits, the rest are
/// removed or added where they stand.
fn pair_up(old: &[String], new: &[String], out: &mut Vec<ParaDiff>) {
    let (mut i, mut j) = (0, 0);
    let alike = |i: usize, j: usize| similarity(&old[i], &new[j]) >= SAME_PARAGRAPH;
    while i < old.len() && j < new.len() {
        if alike(i, j) {
            out.push(ParaDiff::Changed { ops: word_ops(&old[i], &new[j]) });
            (i, j) = (i + 1, j + 1);
        } else if j + 1 < new.len() && alike(i, j + 1) {
            out.push(ParaDiff::Added { text: new[j].clone() });
            j += 1;
        } else {
            out.push(ParaDiff::Removed { text: old[i].clone() });
            i += 1;
        }
    }
    out.extend(old[i..].iter().map(|t| ParaDiff::Removed { text: t.clone() }));
    out.extend(new[j..].iter().map(|t| ParaDiff::Added { text: t.clone() }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tokens_keep_every_character() {
        assert_eq!(tokens("a  b\n c"), vec!["a", "  ", "b", "\n ", "c"]);
        assert_eq!(tokens(" x"), vec![" ", "x"]);
        assert!(tokens("").is_empty());
    }

    #[test]
    fn a_changed_word_is_one_delete_and_one_insert() {
        let ops = word_ops("The service ends in March.", "The service ended in April.");
        assert_eq!(
            ops,
            vec![
                WordOp::Equal("The service ".into()),
                WordOp::Delete("ends".into()),
                WordOp::Insert("ended".into()),
                WordOp::Equal(" in ".into()),
                WordOp::Delete("March.".into()),
                WordOp::Insert("April.".into()),
            ]
        );
    }

    #[test]
    fn paragraphs_are_matched_before_words() {
        let old =
            "# Title\n\nFirst paragraph stays.\n\nSecond one says the old thing here.\n\nGone entirely now.";
        let new = "# Title\n\nFirst paragraph stays.\n\nSecond one says the new thing here.\n\nA brand new closing paragraph.";
        let d = body_diff(old, new);
        assert_eq!(d.paragraphs.len(), 5, "{d:#?}");
        assert!(
            matches!(&d.paragraphs[2], ParaDiff::Changed { ops } if ops.contains(&WordOp::Insert("new".into())))
        );
        assert!(matches!(&d.paragraphs[3], ParaDiff::Removed { text } if text == "Gone entirely now."));
        assert!(matches!(&d.paragraphs[4], ParaDiff::Added { .. }));
        assert_eq!((d.words_added, d.words_removed), (1 + 5, 1 + 3));
        assert_eq!(d.new_body(), paragraphs(new).join("\n\n"));
    }

    #[test]
    fn reflowed_lines_are_not_a_change_of_paragraphs() {
        let d = body_diff("one two\nthree\n\n\n\nfour  ", "one two\nthree\n\nfour");
        assert!(d.is_unchanged(), "{d:#?}");
    }

    #[test]
    fn an_inserted_paragraph_between_edits_stays_in_place() {
        let d = body_diff("alpha beta gamma\n\nomega", "alpha beta delta\n\nnew words entirely\n\nomega");
        let kinds: Vec<&str> = d
            .paragraphs
            .iter()
            .map(|p| match p {
                ParaDiff::Same { .. } => "same",
                ParaDiff::Added { .. } => "added",
                ParaDiff::Removed { .. } => "removed",
                ParaDiff::Changed { .. } => "changed",
            })
            .collect();
        assert_eq!(kinds, ["changed", "added", "same"]);
    }

    fn text() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            "[a-z]{1,6}",
            Just("the".to_string()),
            Just("**bold**".to_string()),
            Just("£5,".to_string()),
            Just("A&G".to_string()),
        ];
        let sep = prop_oneof![Just(" "), Just("  "), Just("\n"), Just("\n\n"), Just("\t")];
        prop::collection::vec((word, sep), 0..40)
            .prop_map(|v| v.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
    }

    proptest! {
        #[test]
        fn applying_the_word_changes_to_the_old_text_gives_the_new(old in text(), new in text()) {
            let ops = word_ops(&old, &new);
            prop_assert_eq!(new_text(&ops), new.clone());
            prop_assert_eq!(old_text(&ops), old.clone());
            let d = body_diff(&old, &new);
            prop_assert_eq!(d.new_body(), paragraphs(&new).join("\n\n"));
        }

        #[test]
        fn a_text_compared_with_itself_has_no_changes(t in text()) {
            prop_assert!(word_ops(&t, &t).iter().all(|o| matches!(o, WordOp::Equal(_))));
            let d = body_diff(&t, &t);
            prop_assert!(d.is_unchanged());
            prop_assert_eq!((d.words_added, d.words_removed), (0, 0));
        }
    }
}
