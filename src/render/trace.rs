//! Which template line wrote a line of generated typst. tera keeps no map from its output
//! back to its templates, so the line typst complains about is matched against the lines of
//! the templates the document was made from: each template line's own text (what lies
//! outside `{{ }}`, `{% %}` and `{# #}`) must appear in the generated line, in order, and
//! when several template lines could have written it, the one whose neighbours also match
//! the generated line's neighbours wins. A line no template line explains, or one two
//! explain equally well, is not traced: the error then stays at the generated source.

use std::ops::Range;

/// How many written lines either side of the line are compared to tell candidates apart.
const CONTEXT: usize = 6;

/// A template line that wrote the generated line at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traced {
    /// Index into the templates given to [`trace`].
    pub template: usize,
    /// The span in that template's text: from where the error's text starts on the line (or
    /// the line's first character) to the line's end.
    pub span: Range<usize>,
}

/// The template line (of `templates`, each a text) that wrote the line of `generated` holding
/// byte `offset`.
pub fn trace(templates: &[&str], generated: &str, offset: usize) -> Option<Traced> {
    let offset = offset.min(generated.len());
    let gen_lines: Vec<(usize, &str)> = line_starts(generated);
    let at = gen_lines.iter().rposition(|(start, _)| *start <= offset)?;
    let target = gen_lines[at].1;
    if target.trim().is_empty() {
        return None;
    }
    let mut best: Option<(usize, Traced)> = None;
    let mut tied = false;
    for (t, text) in templates.iter().enumerate() {
        let lines = line_starts(text);
        let patterns: Vec<Pattern> = lines.iter().map(|(_, l)| Pattern::of(l)).collect();
        for (m, pattern) in patterns.iter().enumerate() {
            if pattern.literal_len() == 0 || !pattern.matches(target) {
                continue;
            }
            let score = pattern.literal_len() * 4 + context_score(&gen_lines, at, &patterns, m);
            let span = column_span(text, lines[m], generated, offset, gen_lines[at]);
            match &best {
                Some((b, _)) if *b > score => {}
                Some((b, _)) if *b == score => tied = true,
                _ => {
                    tied = false;
                    best = Some((score, Traced { template: t, span }));
                }
            }
        }
    }
    if tied { None } else { best.map(|(_, traced)| traced) }
}

/// Each line of `text` with the byte offset where it starts.
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        out.push((start, line));
        start += line.len() + 1;
    }
    out
}

/// The span on template line `(start, line)` for an error at `offset` on generated line
/// `(gen_start, gen_line)`: where the error's text shows on the template line, if it does
/// there literally, else the line's first character; to the line's end.
fn column_span(
    text: &str,
    (start, line): (usize, &str),
    generated: &str,
    offset: usize,
    (gen_start, gen_line): (usize, &str),
) -> Range<usize> {
    let from_error = &generated[offset.max(gen_start)..gen_start + gen_line.len()];
    let indent = line.len() - line.trim_start().len();
    let column =
        (!from_error.trim().is_empty()).then(|| line.find(from_error.trim_end())).flatten().unwrap_or(indent);
    let end = start + line.trim_end().len();
    let begin = (start + column).min(end);
    let begin = (0..=begin).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    begin..end.max(begin)
}

/// How well the written lines around template line `m` match those around generated line
/// `at`: the longest run, in order, of lines matched on each side (a small LCS), ignoring
/// lines that are blank or only tera tags, which may write anything or nothing.
fn context_score(gen_lines: &[(usize, &str)], at: usize, patterns: &[Pattern], m: usize) -> usize {
    let gen_above: Vec<&str> = gen_lines[..at]
        .iter()
        .rev()
        .map(|(_, l)| *l)
        .filter(|l| !l.trim().is_empty())
        .take(CONTEXT)
        .collect();
    let gen_below: Vec<&str> =
        gen_lines[at + 1..].iter().map(|(_, l)| *l).filter(|l| !l.trim().is_empty()).take(CONTEXT).collect();
    let written = |p: &&Pattern| p.literal_len() > 0;
    let above: Vec<&Pattern> = patterns[..m].iter().rev().filter(written).take(CONTEXT).collect();
    let below: Vec<&Pattern> = patterns[m + 1..].iter().filter(written).take(CONTEXT).collect();
    in_order(&gen_above, &above) + in_order(&gen_below, &below)
}

/// The longest common subsequence of `lines` and `patterns`, where a pattern matches a line.
fn in_order(lines: &[&str], patterns: &[&Pattern]) -> usize {
    let mut table = vec![vec![0usize; patterns.len() + 1]; lines.len() + 1];
    for (i, line) in lines.iter().enumerate() {
        for (j, pattern) in patterns.iter().enumerate() {
            table[i + 1][j + 1] =
                if pattern.matches(line) { table[i][j] + 1 } else { table[i][j + 1].max(table[i + 1][j]) };
        }
    }
    table[lines.len()][patterns.len()]
}

/// A template line as the literal pieces it writes, in order; tera's tags (and what lies
/// between pieces) may write anything.
struct Pattern {
    pieces: Vec<String>,
    /// Whether the line starts (ends) with literal text rather than a tag.
    anchored_start: bool,
    anchored_end: bool,
}

impl Pattern {
    fn of(line: &str) -> Pattern {
        let line = line.trim();
        let mut pieces = Vec::new();
        let mut rest = line;
        loop {
            let next = ["{{", "{%", "{#"].iter().filter_map(|open| rest.find(open)).min();
            let Some(open) = next else {
                pieces.push(rest.to_string());
                break;
            };
            pieces.push(rest[..open].to_string());
            let close = match &rest[open..open + 2] {
                "{{" => "}}",
                "{%" => "%}",
                _ => "#}",
            };
            match rest[open + 2..].find(close) {
                Some(end) => rest = &rest[open + 2 + end + 2..],
                // A tag that goes on past the line: the rest of the line is the tag's.
                None => {
                    pieces.push(String::new());
                    break;
                }
            }
        }
        let anchored_start = pieces.first().is_some_and(|p| !p.trim().is_empty());
        let anchored_end = pieces.len() == 1 || pieces.last().is_some_and(|p| !p.trim().is_empty());
        let pieces = pieces.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
        Pattern { pieces, anchored_start, anchored_end }
    }

    fn literal_len(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }

    fn matches(&self, line: &str) -> bool {
        let line = line.trim();
        if self.pieces.is_empty() {
            return false;
        }
        if self.anchored_start && !line.starts_with(self.pieces[0].as_str()) {
            return false;
        }
        if self.anchored_end && !line.ends_with(self.pieces[self.pieces.len() - 1].as_str()) {
            return false;
        }
        let mut rest = line;
        for piece in &self.pieces {
            match rest.find(piece.as_str()) {
                Some(i) => rest = &rest[i + piece.len()..],
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(text: &str, span: &Range<usize>) -> usize {
        text[..span.start].matches('\n').count() + 1
    }

    #[test]
    fn a_literal_line_is_found_with_its_column() {
        let template = "#set page(margin: 1cm)\n{% if x %}\n#block(fill: rgb(\"#DCEBFA\", inset: 4pt)[\n{{ body }}\n]\n{% endif %}\n";
        let generated = "#set page(margin: 1cm)\n\n#block(fill: rgb(\"#DCEBFA\", inset: 4pt)[\nHello\n]\n";
        let offset = generated.find("rgb(").unwrap() + 3;
        let traced = trace(&[template], generated, offset).unwrap();
        assert_eq!(traced.template, 0);
        assert_eq!(line_of(template, &traced.span), 3);
        assert!(template[traced.span.clone()].starts_with("(\"#DCEBFA\""), "{:?}", &template[traced.span]);
    }

    #[test]
    fn lines_with_values_match_around_the_values() {
        let template = "#let name = {{ practice.name | str }}\n#text(size: 12pt)[{{ practice.phone }}]\n";
        let generated = "#let name = \"Juniper Row\"\n#text(size: 12pt)[0116 496 0123]\n";
        let traced = trace(&[template], generated, generated.find("#text").unwrap()).unwrap();
        assert_eq!(line_of(template, &traced.span), 2);
    }

    #[test]
    fn neighbours_decide_between_equal_lines_and_partials_are_searched() {
        let main = "= Title\n#first()\n]\n#second()\n]\n";
        let partial = "#other()\n]\n";
        let generated = "= Title\n#first()\n]\n#second()\n]\n";
        let offset = generated.rfind(']').unwrap();
        let traced = trace(&[partial, main], generated, offset).unwrap();
        assert_eq!(traced.template, 1);
        assert_eq!(line_of(main, &traced.span), 5);
    }

    #[test]
    fn a_line_nothing_wrote_is_not_traced() {
        assert_eq!(trace(&["#a()\n"], "#b()\n", 1), None);
        assert_eq!(trace(&["{{ body }}\n"], "Hello\n", 1), None);
        assert_eq!(trace(&["#a()\n"], "", 0), None);
    }
}
