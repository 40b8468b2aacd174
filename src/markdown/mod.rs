//! Markdown content → typst markup or plain text. Stage-neutral: `load` checks documents
//! with it and `render` and `editions` convert with it, so it knows no project, profile,
//! template or output format beyond the syntax it writes.
//!
//! The dialect is CommonMark with tables, footnotes, strikethrough, task lists,
//! definition lists and smart punctuation. `{{ name }}` in ordinary text is a
//! placeholder for a value; in code it is literal.
//!
//! Every character of the Markdown that a reader would see survives conversion:
//! anything typst could read as syntax is escaped, never dropped.

pub mod doc;
pub mod headings;
pub(crate) mod placeholder;
mod plain;
pub(crate) mod tree;
pub mod typst_escape;
mod typst_markup;

#[cfg(test)]
mod tests;

use std::ops::Range;

pub struct TypstOptions<'a> {
    /// Added to every heading level. Levels are first made relative and gap-free
    /// ([`headings::relative_levels`]): the document's top headings are level 1, so a guide
    /// section's body headings sit under its title with an offset of 1.
    pub heading_offset: u8,
    /// Maps an image destination (as written in the Markdown) to a path typst may
    /// read, absolute from the project root (e.g. "/content/guide/img/x.png").
    /// `None` means the image is not available: its alt text is shown instead, as
    /// "[image: ALT]", and the destination is listed in [`Converted::missing_images`].
    pub resolve_image: &'a dyn Fn(&str) -> Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// typst markup: blocks separated by blank lines, no trailing newline.
    pub markup: String,
    /// Image destinations `resolve_image` returned `None` for, each once, in
    /// order of first appearance.
    pub missing_images: Vec<String>,
    /// (offset in `markup`, offset in the Markdown) where each run of text starts, in
    /// markup order.
    pub source_map: Vec<(usize, usize)>,
}

impl Converted {
    /// The Markdown offset that produced `markup[offset]`, as near as the text runs tell.
    pub fn markdown_offset(&self, offset: usize) -> usize {
        let i = self.source_map.partition_point(|&(out, _)| out <= offset);
        i.checked_sub(1).map_or(0, |i| self.source_map[i].1)
    }
}

/// A `{{ name }}` placeholder in Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The dotted name, e.g. `practice.name`.
    pub name: String,
    /// Byte range of the whole `{{ ... }}` in the Markdown source. (Where the
    /// author escaped a brace, `\{{ x }}`, the range starts after the backslash.)
    pub range: Range<usize>,
}

/// Converts a Markdown document to typst markup.
///
/// The markup calls `field("name")` for each placeholder; the template must
/// define `field`.
pub fn to_typst(md: &str, opts: &TypstOptions) -> Converted {
    let nodes = tree::parse(md);
    let mut renderer = typst_markup::Renderer::new(&nodes, opts.heading_offset, opts.resolve_image);
    renderer.blocks(&nodes, "\n\n");
    Converted {
        markup: renderer.out,
        missing_images: renderer.missing_images,
        source_map: renderer.source_map,
    }
}

/// Converts a one-line string such as a letter's subject to inline typst markup
/// (no paragraphs or other blocks: `# x` or `1. x` are shown as written).
///
/// Line breaks in `md` are treated as spaces. Images are shown by their alt text.
pub fn inline_to_typst(md: &str) -> String {
    // A leading no-break space makes the line a paragraph whatever it starts
    // with, yet counts as whitespace for emphasis and smart quotes, as the start
    // of a line would.
    let line: String = md.trim().chars().map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c }).collect();
    let source = format!("{NBSP}{line}");
    let mut nodes = tree::parse(&source);
    strip_first_text_prefix(&mut nodes, NBSP);
    let no_images = |_: &str| None;
    let mut renderer = typst_markup::Renderer::new(&nodes, 0, &no_images);
    for node in &nodes {
        match node {
            tree::Node::Elem(tag, children) if matches!(**tag, pulldown_cmark::Tag::Paragraph) => {
                renderer.inlines(children);
            }
            // Not expected after the no-break space, but never lose text.
            other => renderer.blocks(std::slice::from_ref(other), " "),
        }
    }
    renderer.out
}

const NBSP: &str = "\u{a0}";

/// Removes `prefix` from the start of the first paragraph.
fn strip_first_text_prefix(nodes: &mut [tree::Node<'_>], prefix: &str) {
    if let Some(tree::Node::Elem(_, children)) = nodes.first_mut()
        && let Some(tree::Node::Text(text)) = children.first_mut()
    {
        text.strip_prefix(prefix);
    }
}

/// Converts Markdown to plain text: blocks separated by one blank line, lists as
/// "- item" / "1. item" (nested lists indented), footnotes numbered "[1]" and
/// listed at the end, no markup and no line wrapping, no trailing newline.
///
/// Placeholders are replaced by `resolve(name)`, inserted as is. If any resolve
/// to `None`, they are all returned, in source order.
pub fn to_plain_text(md: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Result<String, Vec<Placeholder>> {
    let nodes = tree::parse(md);
    let mut plain = plain::Plain::new(&nodes, resolve);
    let text = plain.document(&nodes);
    let mut unresolved = plain.unresolved;
    if unresolved.is_empty() {
        Ok(text)
    } else {
        unresolved.sort_by_key(|p| (p.range.start, p.range.end));
        unresolved.dedup();
        Err(unresolved)
    }
}

/// Every `{{ name }}` placeholder in ordinary text (not in code, raw HTML, link
/// destinations or image descriptions), in source order.
pub fn placeholders(md: &str) -> Vec<Placeholder> {
    fn walk(nodes: &[tree::Node<'_>], found: &mut Vec<Placeholder>) {
        for node in nodes {
            match node {
                tree::Node::Text(text) => {
                    for piece in placeholder::pieces(&text.text) {
                        if let placeholder::Piece::Placeholder { name, range } = piece {
                            found
                                .push(Placeholder { name: name.to_owned(), range: text.source_range(range) });
                        }
                    }
                }
                tree::Node::Elem(tag, children) => {
                    use pulldown_cmark::Tag;
                    // Converted as literal text, so not placeholders.
                    if !matches!(**tag, Tag::CodeBlock(_) | Tag::Image { .. }) {
                        walk(children, found);
                    }
                }
                _ => {}
            }
        }
    }
    let nodes = tree::parse(md);
    let mut found = Vec::new();
    walk(&nodes, &mut found);
    found.sort_by_key(|p| (p.range.start, p.range.end));
    found
}

// Other output formats (Word letters) walk pulldown-cmark's events themselves, with the same
// dialect and the same placeholder syntax.
pub(crate) use placeholder::{Piece, pieces};
pub(crate) use tree::options;

/// The runs of text a reader of `body` sees, each with its range in `body`: entities and
/// escapes decoded, code as written, raw HTML shown as text. Checks of what can be shown
/// (glyphs) judge these, not the source.
pub fn visible_runs(body: &str) -> Vec<(Range<usize>, pulldown_cmark::CowStr<'_>)> {
    use pulldown_cmark::{Event, Parser};
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => Some((range, t)),
            Event::InlineMath(t) | Event::DisplayMath(t) => Some((range, t)),
            _ => None,
        })
        .collect()
}
