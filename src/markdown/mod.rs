//! Markdown content → one normalised document ([`doc::Doc`]) → typst markup or plain text.
//! Stage-neutral: `load` checks documents with it and `render`, `write` and `editions`
//! convert with it, so it knows no project, profile or template. pulldown-cmark has one door,
//! `tree`, and every policy (levels, notes, links, images, fields) is decided once, in
//! [`doc`]; the emitters here and in `render::html` and `write::docx` only write syntax.
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
pub(crate) mod plain;
pub(crate) mod tree;
pub mod typst_escape;
mod typst_markup;
pub mod unbroken;

#[cfg(test)]
pub(crate) mod testing;
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
    let image = |dest: &str| {
        (opts.resolve_image)(dest).map(|rooted| doc::Asset { file: rooted.clone().into(), rooted, mime: "" })
    };
    let doc = doc::normalise(md, &doc::Resolve { image: &image, ..doc::Resolve::NOTHING });
    doc_to_typst(&doc, opts.heading_offset)
}

/// A normalised document as typst markup, its headings `heading_offset` below their level.
pub fn doc_to_typst(doc: &Doc, heading_offset: u8) -> Converted {
    let mut renderer = typst_markup::Renderer::new(doc, heading_offset);
    renderer.blocks(&doc.blocks, "\n\n");
    Converted {
        markup: renderer.out,
        missing_images: doc.missing_images.clone(),
        source_map: renderer.source_map,
    }
}

/// Converts a one-line string such as a letter's subject to inline typst markup
/// (no paragraphs or other blocks: `# x` or `1. x` are shown as written).
///
/// Line breaks in `md` are treated as spaces. Images are shown by their alt text.
pub fn inline_to_typst(md: &str) -> String {
    let inlines = doc::normalise_inline(md, &doc::Resolve::NOTHING);
    let empty = Doc::default();
    let mut renderer = typst_markup::Renderer::new(&empty, 0);
    renderer.inlines(&inlines);
    renderer.out
}

/// Converts Markdown to plain text: blocks separated by one blank line, lists as
/// "- item" / "1. item" (nested lists indented), footnotes numbered "[1]" and
/// listed at the end, no markup and no line wrapping, no trailing newline.
///
/// Placeholders are replaced by `resolve(name)`, inserted as is. If any resolve
/// to `None`, they are all returned, in source order.
pub fn to_plain_text(md: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Result<String, Vec<Placeholder>> {
    let doc = doc::normalise(md, &doc::Resolve { value: resolve, ..doc::Resolve::NOTHING });
    doc_to_plain_text(&doc)
}

/// A normalised document as plain text (see [`to_plain_text`]).
pub fn doc_to_plain_text(doc: &Doc) -> Result<String, Vec<Placeholder>> {
    let unresolved: Vec<Placeholder> = fields_of(doc)
        .into_iter()
        .filter(|f| f.value.is_none())
        .map(|f| Placeholder { name: f.name.clone(), range: f.range.clone() })
        .collect();
    if unresolved.is_empty() { Ok(plain::document(doc)) } else { Err(unresolved) }
}

/// Every `{{ name }}` placeholder in ordinary text (not in code, raw HTML, link
/// destinations or image descriptions), in source order.
pub fn placeholders(md: &str) -> Vec<Placeholder> {
    let doc = doc::normalise(md, &doc::Resolve::NOTHING);
    fields_of(&doc)
        .into_iter()
        .map(|f| Placeholder { name: f.name.clone(), range: f.range.clone() })
        .collect()
}

/// The fields of `doc`, each once, in source order.
pub fn fields_of(doc: &Doc) -> Vec<&doc::Field> {
    fn inlines<'d>(content: &'d [doc::Inline], out: &mut Vec<&'d doc::Field>) {
        for i in content {
            match i {
                doc::Inline::Field(f) => out.push(f),
                doc::Inline::Style(_, c) => inlines(c, out),
                doc::Inline::Link(l) => inlines(&l.content, out),
                _ => {}
            }
        }
    }
    fn blocks<'d>(content: &'d [doc::Block], out: &mut Vec<&'d doc::Field>) {
        for b in content {
            match b {
                doc::Block::Para(i) | doc::Block::Plain(i) | doc::Block::Heading { content: i, .. } => {
                    inlines(i, out)
                }
                doc::Block::Quote(c) | doc::Block::NoteInPlace { blocks: c, .. } => blocks(c, out),
                doc::Block::List { items, .. } => items.iter().for_each(|c| blocks(c, out)),
                doc::Block::Table { head, rows, .. } => {
                    head.iter().chain(rows.iter().flatten()).for_each(|c| inlines(c, out))
                }
                doc::Block::Terms { items, .. } => items.iter().for_each(|t| {
                    inlines(&t.term, out);
                    t.definitions.iter().for_each(|c| blocks(c, out));
                }),
                doc::Block::Code { .. } | doc::Block::RawText(_) | doc::Block::Rule => {}
            }
        }
    }
    let mut found = Vec::new();
    blocks(&doc.blocks, &mut found);
    doc.notes.iter().for_each(|n| blocks(&n.blocks, &mut found));
    found.sort_by_key(|f| (f.range.start, f.range.end));
    found.dedup_by_key(|f| (f.range.start, f.range.end));
    found
}

pub use doc::Doc;
pub(crate) use placeholder::{Piece, pieces};
pub use tree::{images, visible_runs};
