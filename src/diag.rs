//! The one shape every error and warning takes: a [`Problem`]. One in a user's file is
//! reported like a compiler's (file, line, column, an excerpt of the source); one that is not
//! in a file (a practice code that does not exist, a folder that cannot be written) has no
//! location. Either way the hints on how to fix it are kept apart from the message, and
//! typst's call trace is kept as notes.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in an input. `file` is shown as given (relative to the project root
/// where possible); `source` holds the file's text when an excerpt can be shown.
#[derive(Debug, Clone)]
pub struct Problem {
    pub severity: Severity,
    pub file: PathBuf,
    pub source: Option<Arc<str>>,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub hints: Vec<String>,
    /// Where else the problem shows: typst's trace of the calls that led to an error.
    pub notes: Vec<String>,
}

impl Problem {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            source: None,
            span: None,
            message: message.into(),
            hints: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A problem that lies in no file.
    pub fn general(message: impl Into<String>) -> Self {
        Self::error(PathBuf::new(), message)
    }

    /// The message only: no excerpt, no hints quoting the source, no notes. For problems in
    /// sources made from patient data.
    pub fn redacted(self) -> Self {
        Self { source: None, span: None, hints: Vec::new(), notes: Vec::new(), ..self }
    }

    /// Adds a note (such as where a failing call was made).
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(file, message) }
    }

    /// Points the problem at `span` (byte range) inside `source`.
    pub fn at(mut self, source: &Arc<str>, span: Range<usize>) -> Self {
        let len = source.len();
        let start = span.start.min(len);
        let end = span.end.clamp(start, len);
        self.source = Some(source.clone());
        self.span = Some(start..end);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column of the span's start, if the problem has one.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let (source, span) = (self.source.as_ref()?, self.span.as_ref()?);
        Some(line_col(source, span.start))
    }

    /// The problem as a compiler-style report (plain text, no colours).
    pub fn render(&self) -> String {
        let name = self.file.display().to_string();
        let diagnostic = match self.severity {
            Severity::Error => Diagnostic::error(),
            Severity::Warning => Diagnostic::warning(),
        }
        .with_message(&self.message)
        .with_notes(
            self.notes
                .iter()
                .map(|n| format!("note: {n}"))
                .chain(self.hints.iter().map(|h| format!("hint: {h}")))
                .collect(),
        );
        if self.file.as_os_str().is_empty() {
            let file = SimpleFile::new(String::new(), "");
            return term::emit_into_string(&Config::default(), &file, &diagnostic)
                .unwrap_or_else(|_| self.fallback());
        }
        match (&self.source, &self.span) {
            (Some(source), Some(span)) => {
                let file = SimpleFile::new(name, source.as_ref());
                let diagnostic = diagnostic.with_labels(vec![Label::primary((), span.clone())]);
                term::emit_into_string(&Config::default(), &file, &diagnostic)
                    .unwrap_or_else(|_| self.fallback())
            }
            _ => {
                let file = SimpleFile::new(name.clone(), "");
                let mut out = term::emit_into_string(&Config::default(), &file, &diagnostic)
                    .unwrap_or_else(|_| self.fallback());
                // Without a span codespan prints no location: name the file all the same.
                let first_line_end = out.find('\n').unwrap_or(out.len());
                out.insert_str(first_line_end, &format!("\n  ┌─ {name}"));
                out
            }
        }
    }

    fn fallback(&self) -> String {
        format!("error: {}\n  ┌─ {}\n", self.message, self.file.display())
    }
}

impl std::error::Error for Problem {}

/// Any other error becomes a general problem, its causes joined into the message.
impl From<anyhow::Error> for Problem {
    fn from(e: anyhow::Error) -> Self {
        Problem::general(format!("{e:#}"))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Byte offset of 1-based `line` and `col` (characters), clamped to the text.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    start + line_text[..line_end].char_indices().nth(col.saturating_sub(1)).map_or(line_end, |(i, _)| i)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Shows `path` relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// The nearest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\n£cd\nx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(offset_of(text, 2, 3), 6);
        assert_eq!(offset_of(text, 9, 1), text.len());
    }

    #[test]
    fn suggests_near_keys_only() {
        let keys = ["brand_colour", "postcode", "signatory"];
        assert_eq!(suggest("brand_color", keys), Some("brand_colour"));
        assert_eq!(suggest("post_code", keys), Some("postcode"));
        assert_eq!(suggest("favourite_food", keys), None);
    }

    #[test]
    fn render_names_file_line_and_hint() {
        let source: Arc<str> = Arc::from("name: x\nbrand_color: red\n");
        let p = Problem::error("content/practices/a.yaml", "unknown key `brand_color`")
            .at(&source, 8..19)
            .hint("did you mean `brand_colour`?");
        let out = p.render();
        assert!(out.contains("content/practices/a.yaml:2:1"), "{out}");
        assert!(out.contains("hint: did you mean `brand_colour`?"), "{out}");
        assert_eq!(p.line_col(), Some((2, 1)));
    }

    #[test]
    fn render_without_span_still_names_file() {
        let out = Problem::error("templates/x.tera", "broken").render();
        assert!(out.contains("templates/x.tera"), "{out}");
    }
}
