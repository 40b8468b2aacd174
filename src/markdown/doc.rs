//! One normalised document, made once from the shared tree, in which every policy a format
//! could disagree on is decided: heading levels that never skip (headings inside notes
//! included), note numbers (labels matched case-insensitively) and where each note is shown,
//! what kind a link is (web, mail with `mailto:`, phone, local, refused) and which address a
//! printed format shows after its text, which images are available (resolved and confined by
//! [`confine_image`]) and so the document's assets, each field with its value or its label, task
//! markers, and where each run of text came from in the Markdown.
//!
//! The emitters (typst markup, plain text, the web page, the Word body) are each one `match`
//! over a [`Doc`] and keep only their own format's state: typst's show budget, the page's ids,
//! Word's numbering. No emitter walks the Markdown itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Parser, Tag};

use super::headings::relative_levels;
use super::placeholder::{self, Piece};
use super::tree::{self, Footnotes, Node};

/// A Markdown document with every policy decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    /// The notes shown at their references: `notes[n - 1]` is note `n`, numbered in order of
    /// first reference (the text first, in reading order, then each note's text in number
    /// order). Definitions nothing refers to, and second definitions of a label, are
    /// [`Block::NoteInPlace`] instead, so their text is never lost.
    pub notes: Vec<Note>,
    /// The images found and available, each file once, in order of first appearance.
    pub assets: Vec<Asset>,
    /// Image destinations that are not available, each once, in order of first appearance.
    pub missing_images: Vec<String>,
    /// Every shown heading, in document order (those inside notes where the note is written).
    pub headings: Vec<HeadingInfo>,
    /// Footnote marks shown as written rather than as numbered notes, each once, in order:
    /// every format shows them so, and a warning says why.
    pub stray_notes: Vec<StrayNote>,
}

/// A footnote reference or definition that every format shows as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayNote {
    /// The label as written where it strays.
    pub label: String,
    pub why: Stray,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stray {
    /// `[^x]` with no `[^x]:` note anywhere.
    Undefined,
    /// A `[^x]:` note nothing refers to.
    NeverReferred,
    /// A second `[^x]:` note for a label already given one (labels ignore case).
    DefinedAgain,
}

/// A note shown at its references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The label as its definition writes it.
    pub label: String,
    pub blocks: Vec<Block>,
}

/// An image file a document shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The file on disk: what a format reads, and what a build records as read.
    pub file: PathBuf,
    /// The file's path from the project root with a leading `/`, as typst reads it.
    pub rooted: String,
    /// Its media type, for formats that embed it.
    pub mime: &'static str,
}

/// A heading of the document's outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadingInfo {
    /// The level the author typed (1 for `#` … 6 for `######`).
    pub typed: u8,
    /// The level it is shown at: 1 for the document's top headings, never more than one deeper
    /// than the heading it sits under.
    pub level: u8,
    /// Byte offset of the heading in the Markdown source.
    pub offset: usize,
    /// Whether it is written inside a note.
    pub in_note: bool,
}

impl HeadingInfo {
    /// Whether the author's level had to change (relative to the document's top level).
    pub fn adjusted(&self, top: u8) -> bool {
        self.typed != self.level + top.saturating_sub(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(Vec<Inline>),
    /// Text that is not a paragraph of its own: a tight list item's or definition's.
    Plain(Vec<Inline>),
    /// `level` is relative and gap-free: 1 for the document's top headings.
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Quote(Vec<Block>),
    Code {
        lang: Option<String>,
        /// Without its final line break.
        text: String,
    },
    /// Raw HTML, shown as the text it is.
    RawText(String),
    List {
        start: Option<u64>,
        tight: bool,
        items: Vec<Vec<Block>>,
    },
    /// Every row has one cell per column.
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Terms {
        tight: bool,
        items: Vec<Term>,
    },
    Rule,
    /// A note definition shown where it is written, as `[^label]: …`.
    NoteInPlace {
        label: String,
        blocks: Vec<Block>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

/// A term and its definitions; a definition with no term before it has an empty term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub term: Vec<Inline>,
    pub definitions: Vec<Vec<Block>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Text shown as written; `at` is where it starts in the Markdown, when known.
    Text {
        text: String,
        at: Option<usize>,
    },
    Field(Field),
    /// Text that stays on one line in every format: a phone number or an e-mail address
    /// (see [`super::unbroken`]), which a reader dials or types and misreads when broken.
    Unbroken {
        text: String,
        at: Option<usize>,
    },
    Code(String),
    Style(Style, Vec<Inline>),
    Link(Link),
    Image {
        /// The destination as written.
        dest: String,
        /// The description as plain text.
        alt: String,
        /// Index into [`Doc::assets`]; `None` when the image is not available.
        asset: Option<usize>,
        at: Option<usize>,
    },
    /// A reference to note `n` (1-based, see [`Doc::notes`]).
    NoteRef(usize),
    Task(bool),
    SoftBreak,
    HardBreak,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Emphasis,
    Strong,
    Strike,
    Super,
    Sub,
}

/// A `{{ name }}` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// The value, when the caller gave one; a line break separates the lines of an address.
    pub value: Option<String>,
    /// What a blank for it is labelled.
    pub label: String,
    /// The whole `{{ … }}` in the Markdown.
    pub range: std::ops::Range<usize>,
    /// Whether it holds a phone number or an e-mail address (by its name, or its whole
    /// value), which stays on one line in every format.
    pub unbroken: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination to follow: an e-mail autolink's has `mailto:` added.
    pub dest: String,
    pub kind: LinkKind,
    pub title: String,
    pub content: Vec<Inline>,
    /// The address a printed format shows after the text, in brackets: none when the text
    /// already shows it (an autolink) or the link is refused.
    pub shown: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Web,
    Mail,
    Phone,
    /// Within the page or the site: no scheme.
    Local,
    /// Not followed: an empty or overlong address, or a scheme that could run something
    /// (`javascript:`, `data:`, …). The text stays.
    Refused,
}

/// typst rejects empty and overlong URLs (typst-library `Url::new`); no format follows them.
const MAX_URL_LEN: usize = 8000;

/// What a document's placeholders and images resolve to.
pub struct Resolve<'a> {
    /// An image destination (as written) as an available file.
    pub image: &'a dyn Fn(&str) -> Option<Asset>,
    /// A placeholder's value; `None` leaves it to the format (a blank, or its label).
    pub value: &'a dyn Fn(&str) -> Option<String>,
    /// A declared field's own label; others get [`field_label`].
    pub label: &'a dyn Fn(&str) -> Option<String>,
}

impl Resolve<'static> {
    /// No images, no values, no declared labels.
    pub const NOTHING: Resolve<'static> = Resolve { image: &|_| None, value: &|_| None, label: &|_| None };
}

/// The label of a blank for a field that declares none: the last part of its name, spaced and
/// capitalised (`practice.signatory.role` → "Role").
pub fn field_label(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name).replace('_', " ");
    let mut chars = last.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Image types every format can show.
const IMAGE_TYPES: [(&str, &str); 6] = [
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("svg", "image/svg+xml"),
    ("webp", "image/webp"),
];

/// The hint of a warning about an image that is not available.
pub const IMAGE_HINT: &str = "images must be PNG, JPEG, GIF, SVG or WebP files inside the project, with paths relative to the Markdown file";

/// An image destination written in a file in `dir`, as a file inside `root`: the one place
/// that decides which images a document may show. Remote and `data:` images, other types,
/// missing files and paths (or symlinks) that leave the project are not available.
pub fn confine_image(root: &Path, dir: &Path, dest: &str) -> Option<Asset> {
    if dest.contains("://") || dest.starts_with("data:") {
        return None;
    }
    let mime = image_type(dest)?;
    let real = dir.join(dest).canonicalize().ok()?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let inside = real.strip_prefix(&root).ok()?;
    let rooted = format!("/{}", inside.to_string_lossy().replace('\\', "/"));
    real.is_file().then_some(Asset { file: real, rooted, mime })
}

/// The media type of an image file named `dest`, when every format can show its type.
pub fn image_type(dest: &str) -> Option<&'static str> {
    let ext = Path::new(dest).extension()?.to_str()?.to_ascii_lowercase();
    IMAGE_TYPES.iter().find(|(e, _)| *e == ext).map(|(_, mime)| *mime)
}

/// Normalises a Markdown document.
pub fn normalise(md: &str, resolve: &Resolve) -> Doc {
    let nodes = tree::parse(md);
    Builder::new(md, &nodes, resolve).document(&nodes)
}

/// Normalises a one-line string such as a letter's subject to inline content: no paragraphs
/// or other blocks (`# x` or `1. x` are shown as written), line breaks as spaces, images by
/// their description, the text of any other block kept with a space between.
pub fn normalise_inline(md: &str, resolve: &Resolve) -> Vec<Inline> {
    // A leading no-break space makes the line a paragraph whatever it starts with, yet
    // counts as whitespace for emphasis and smart quotes, as the start of a line would.
    let line: String = md.trim().chars().map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c }).collect();
    let source = format!("{NBSP}{line}");
    let mut nodes = tree::parse(&source);
    if let Some(Node::Elem(_, children)) = nodes.first_mut()
        && let Some(Node::Text(text)) = children.first_mut()
    {
        text.strip_prefix(NBSP);
    }
    let no_images = Resolve { image: &|_| None, value: resolve.value, label: resolve.label };
    let doc = Builder::new(&source, &nodes, &no_images).document(&nodes);
    let mut out = Vec::new();
    for block in &doc.blocks {
        if !out.is_empty() && !matches!(out.last(), Some(Inline::Text { text, .. }) if text.ends_with(' ')) {
            out.push(Inline::Text { text: " ".into(), at: None });
        }
        flatten(block, &mut out);
    }
    // Offsets are into the line made here, not the caller's text.
    strip_offsets(&mut out);
    out
}

const NBSP: &str = "\u{a0}";

fn flatten(block: &Block, out: &mut Vec<Inline>) {
    match block {
        Block::Para(i) | Block::Plain(i) | Block::Heading { content: i, .. } => out.extend(i.iter().cloned()),
        Block::Quote(blocks) | Block::NoteInPlace { blocks, .. } => {
            blocks.iter().for_each(|b| flatten(b, out))
        }
        Block::Code { text, .. } | Block::RawText(text) => {
            out.push(Inline::Text { text: text.clone(), at: None })
        }
        Block::List { items, .. } => items.iter().flatten().for_each(|b| flatten(b, out)),
        Block::Table { head, rows, .. } => {
            for cell in head.iter().chain(rows.iter().flatten()) {
                out.extend(cell.iter().cloned());
            }
        }
        Block::Terms { items, .. } => {
            for t in items {
                out.extend(t.term.iter().cloned());
                t.definitions.iter().flatten().for_each(|b| flatten(b, out));
            }
        }
        Block::Rule => {}
    }
}

fn strip_offsets(inlines: &mut [Inline]) {
    for i in inlines {
        match i {
            Inline::Text { at, .. } | Inline::Unbroken { at, .. } | Inline::Image { at, .. } => *at = None,
            Inline::Style(_, c) => strip_offsets(c),
            Inline::Link(l) => strip_offsets(&mut l.content),
            _ => {}
        }
    }
}

/// The labels of the `[^label]` marks in `text`.
fn written_marks(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("[^").filter_map(|(at, _)| {
        let rest = &text[at + 2..];
        let end = rest.find(']')?;
        let label = &rest[..end];
        let plain = !label.is_empty() && !label.contains(|c: char| c.is_whitespace() || c == '[' || c == '^');
        plain.then_some(label)
    })
}

/// Makes a [`Doc`] from the tree.
struct Builder<'r, 'a> {
    resolve: &'r Resolve<'r>,
    footnotes: Footnotes<'r, 'a>,
    /// Each shown heading node, by address, with its index in `headings`.
    heading_of: HashMap<*const Node<'a>, usize>,
    headings: Vec<HeadingInfo>,
    /// Note numbers by label key, and the definitions still to convert, in number order.
    numbers: HashMap<String, usize>,
    queue: Vec<(String, &'r [Node<'a>])>,
    assets: Vec<Asset>,
    missing_images: Vec<String>,
    stray_notes: Vec<StrayNote>,
}

impl<'r, 'a> Builder<'r, 'a> {
    fn new(md: &str, nodes: &'r [Node<'a>], resolve: &'r Resolve<'r>) -> Self {
        // Headings in document order, from the tree (which knows which are empty and which sit
        // in notes) and from the events (which know where each starts); both are in the same
        // order.
        let mut found = Vec::new();
        heading_nodes(nodes, false, &mut found);
        let offsets: Vec<usize> = Parser::new_ext(md, tree::options())
            .into_offset_iter()
            .filter_map(|(e, r)| matches!(e, Event::Start(Tag::Heading { .. })).then_some(r.start))
            .collect();
        let shown: Vec<(&Node<'a>, u8, usize, bool)> = found
            .into_iter()
            .zip(offsets)
            .filter(|((node, ..), _)| !is_empty_heading(node))
            .map(|((node, typed, in_note), offset)| (node, typed, offset, in_note))
            .collect();
        let levels = relative_levels(&shown.iter().map(|s| s.1).collect::<Vec<_>>());
        let mut heading_of = HashMap::new();
        let mut headings = Vec::new();
        for ((node, typed, offset, in_note), level) in shown.into_iter().zip(levels) {
            heading_of.insert(node as *const Node<'a>, headings.len());
            headings.push(HeadingInfo { typed, level, offset, in_note });
        }
        Builder {
            resolve,
            footnotes: Footnotes::collect(nodes),
            heading_of,
            headings,
            numbers: HashMap::new(),
            queue: Vec::new(),
            assets: Vec::new(),
            missing_images: Vec::new(),
            stray_notes: Vec::new(),
        }
    }

    fn stray(&mut self, label: &str, why: Stray) {
        let key = tree::footnote_key(label);
        if !self.stray_notes.iter().any(|s| s.why == why && tree::footnote_key(&s.label) == key) {
            self.stray_notes.push(StrayNote { label: label.to_string(), why });
        }
    }

    fn document(mut self, nodes: &'r [Node<'a>]) -> Doc {
        let blocks = self.blocks(nodes);
        // Notes may refer to further notes, which join the end of the queue.
        let mut notes = Vec::new();
        let mut next = 0;
        while let Some(&(ref label, children)) = self.queue.get(next) {
            let label = label.clone();
            let blocks = self.blocks(children);
            notes.push(Note { label, blocks });
            next += 1;
        }
        Doc {
            blocks,
            notes,
            assets: self.assets,
            missing_images: self.missing_images,
            headings: self.headings,
            stray_notes: self.stray_notes,
        }
    }

    fn blocks(&mut self, nodes: &'r [Node<'a>]) -> Vec<Block> {
        let mut out = Vec::new();
        for run in tree::runs(nodes) {
            match run {
                tree::Run::Inline(run) => {
                    let inlines = self.inlines(run);
                    if !inlines.is_empty() {
                        out.push(Block::Plain(inlines));
                    }
                }
                tree::Run::Block(node) => self.block(node, &mut out),
            }
        }
        out
    }

    fn block(&mut self, node: &'r Node<'a>, out: &mut Vec<Block>) {
        let Node::Elem(tag, children) = node else {
            if let Node::Rule = node {
                out.push(Block::Rule);
            }
            return;
        };
        let block = match &**tag {
            Tag::Paragraph => Block::Para(self.inlines(children)),
            Tag::Heading { .. } => {
                let Some(&index) = self.heading_of.get(&(node as *const Node<'a>)) else { return };
                Block::Heading { level: self.headings[index].level, content: self.inlines(children) }
            }
            Tag::BlockQuote(_) => Block::Quote(self.blocks(children)),
            Tag::CodeBlock(kind) => {
                let mut text = String::new();
                tree::plain_inline_text(children, &mut text);
                if text.ends_with('\n') {
                    text.pop();
                }
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                Block::Code { lang, text }
            }
            Tag::HtmlBlock => {
                let mut html = String::new();
                tree::plain_inline_text(children, &mut html);
                Block::RawText(html.trim_end().to_owned())
            }
            Tag::List(start) => {
                let tight = !children.iter().any(tree::has_paragraph);
                let items = children
                    .iter()
                    .map(|item| match item {
                        Node::Elem(_, content) => self.blocks(content),
                        other => self.blocks(std::slice::from_ref(other)),
                    })
                    .collect();
                Block::List { start: *start, tight, items }
            }
            Tag::FootnoteDefinition(label) => {
                if self.footnotes.shown_at_references(node) {
                    return;
                }
                let why = if self.footnotes.at_references(&tree::footnote_key(label)) {
                    Stray::DefinedAgain
                } else {
                    Stray::NeverReferred
                };
                self.stray(label, why);
                Block::NoteInPlace { label: label.to_string(), blocks: self.blocks(children) }
            }
            Tag::Table(alignments) => self.table(alignments, children),
            Tag::DefinitionList => self.terms(children),
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => Block::Plain(self.inlines(std::slice::from_ref(node))),
            // Only ever inside the containers handled above, and metadata blocks are not
            // enabled; keep their content rather than lose it.
            Tag::Item
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {
                out.extend(self.blocks(children));
                return;
            }
        };
        out.push(block);
    }

    fn table(&mut self, alignments: &[Alignment], rows: &'r [Node<'a>]) -> Block {
        let align: Vec<Align> = alignments
            .iter()
            .map(|a| match a {
                Alignment::None => Align::None,
                Alignment::Left => Align::Left,
                Alignment::Center => Align::Center,
                Alignment::Right => Align::Right,
            })
            .collect();
        let columns = align.len().max(1);
        let mut head = Vec::new();
        let mut body = Vec::new();
        for row in rows {
            let Node::Elem(tag, cells) = row else { continue };
            let mut out = Vec::new();
            self.cells(cells, &mut out);
            if out.is_empty() {
                continue;
            }
            while out.len() < columns {
                out.push(Vec::new());
            }
            if matches!(**tag, Tag::TableHead) && head.is_empty() {
                head = out;
            } else {
                body.push(out);
            }
        }
        Block::Table { align, head, rows: body }
    }

    fn cells(&mut self, cells: &'r [Node<'a>], out: &mut Vec<Vec<Inline>>) {
        for cell in cells {
            match cell {
                // Header cells may come wrapped in a row.
                Node::Elem(tag, children) if matches!(**tag, Tag::TableRow) => self.cells(children, out),
                Node::Elem(_, children) => out.push(self.inlines(children)),
                other => out.push(self.inlines(std::slice::from_ref(other))),
            }
        }
    }

    fn terms(&mut self, children: &'r [Node<'a>]) -> Block {
        let tight = !children.iter().any(tree::has_paragraph);
        let mut items: Vec<Term> = Vec::new();
        for child in children {
            let Node::Elem(tag, content) = child else { continue };
            if let Tag::DefinitionListTitle = **tag {
                items.push(Term { term: self.inlines(content), definitions: Vec::new() });
                continue;
            }
            let definition = self.blocks(content);
            match items.last_mut() {
                Some(item) => item.definitions.push(definition),
                None => items.push(Term { term: Vec::new(), definitions: vec![definition] }),
            }
        }
        Block::Terms { tight, items }
    }

    fn inlines(&mut self, nodes: &'r [Node<'a>]) -> Vec<Inline> {
        let mut out = Vec::new();
        for node in nodes {
            self.inline(node, &mut out);
        }
        out
    }

    fn inline(&mut self, node: &'r Node<'a>, out: &mut Vec<Inline>) {
        match node {
            Node::Text(text) => {
                // The parser makes a reference to a label no note defines into text.
                for label in written_marks(&text.text) {
                    self.stray(label, Stray::Undefined);
                }
                for piece in placeholder::pieces(&text.text) {
                    match piece {
                        Piece::Literal(s) => {
                            let start = s.as_ptr() as usize - text.text.as_ptr() as usize;
                            let at =
                                |offset: usize| Some(text.source_range(start + offset..start + offset).start);
                            // Phone numbers and e-mail addresses are runs of their own.
                            let mut last = 0;
                            for run in super::unbroken::runs(s) {
                                if run.start > last {
                                    out.push(Inline::Text {
                                        text: s[last..run.start].to_owned(),
                                        at: at(last),
                                    });
                                }
                                out.push(Inline::Unbroken {
                                    text: s[run.clone()].to_owned(),
                                    at: at(run.start),
                                });
                                last = run.end;
                            }
                            if last < s.len() || last == 0 {
                                out.push(Inline::Text { text: s[last..].to_owned(), at: at(last) });
                            }
                        }
                        Piece::Placeholder { name, range } => {
                            let value = (self.resolve.value)(name);
                            let unbroken = super::unbroken::is_contact_name(name)
                                || value.as_deref().is_some_and(super::unbroken::is_contact);
                            out.push(Inline::Field(Field {
                                name: name.to_owned(),
                                value,
                                label: (self.resolve.label)(name).unwrap_or_else(|| field_label(name)),
                                range: text.source_range(range),
                                unbroken,
                            }))
                        }
                    }
                }
            }
            Node::Code(code) => out.push(Inline::Code(code.to_string())),
            Node::Html(html) => out.push(Inline::Text { text: html.to_string(), at: None }),
            Node::FootnoteRef(label) => out.push(self.note_ref(label)),
            Node::SoftBreak => out.push(Inline::SoftBreak),
            Node::HardBreak => out.push(Inline::HardBreak),
            Node::TaskMarker(done) => out.push(Inline::Task(*done)),
            Node::Rule => {}
            Node::Elem(tag, children) => match &**tag {
                Tag::Emphasis => out.push(Inline::Style(Style::Emphasis, self.inlines(children))),
                Tag::Strong => out.push(Inline::Style(Style::Strong, self.inlines(children))),
                Tag::Strikethrough => out.push(Inline::Style(Style::Strike, self.inlines(children))),
                Tag::Superscript => out.push(Inline::Style(Style::Super, self.inlines(children))),
                Tag::Subscript => out.push(Inline::Style(Style::Sub, self.inlines(children))),
                Tag::Link { link_type, dest_url, title, .. } => {
                    let content = self.inlines(children);
                    out.push(Inline::Link(link(*link_type, dest_url, title, content, children)));
                }
                Tag::Image { dest_url, .. } => {
                    let mut alt = String::new();
                    tree::plain_inline_text(children, &mut alt);
                    let asset = self.image(dest_url);
                    let at = tree::first_source(children);
                    out.push(Inline::Image { dest: dest_url.to_string(), alt, asset, at });
                }
                // Blocks inside inline content (not expected): their text is kept.
                _ => {
                    let mut blocks = Vec::new();
                    self.block(node, &mut blocks);
                    blocks.iter().for_each(|b| flatten(b, out));
                }
            },
        }
    }

    fn note_ref(&mut self, label: &str) -> Inline {
        let key = tree::footnote_key(label);
        let shown = self.footnotes.definition(label).is_some() && self.footnotes.at_references(&key);
        if !shown {
            return Inline::Text { text: format!("[^{label}]"), at: None };
        }
        if let Some(&n) = self.numbers.get(&key) {
            return Inline::NoteRef(n);
        }
        let children = self.footnotes.definition(label).unwrap_or_default();
        let definition_label = self.footnotes.label(&key).unwrap_or(label).to_owned();
        self.queue.push((definition_label, children));
        let n = self.queue.len();
        self.numbers.insert(key, n);
        Inline::NoteRef(n)
    }

    fn image(&mut self, dest: &str) -> Option<usize> {
        match (self.resolve.image)(dest) {
            Some(asset) => Some(match self.assets.iter().position(|a| a.file == asset.file) {
                Some(i) => i,
                None => {
                    self.assets.push(asset);
                    self.assets.len() - 1
                }
            }),
            None => {
                if !self.missing_images.iter().any(|m| m == dest) {
                    self.missing_images.push(dest.to_owned());
                }
                None
            }
        }
    }
}

fn link(link_type: LinkType, dest: &str, title: &str, content: Vec<Inline>, children: &[Node<'_>]) -> Link {
    let dest = match link_type {
        LinkType::Email => format!("mailto:{dest}"),
        _ => dest.trim().to_owned(),
    };
    let kind = link_kind(&dest);
    let mut text = String::new();
    tree::plain_inline_text(children, &mut text);
    let address = dest.strip_prefix("mailto:").or_else(|| dest.strip_prefix("tel:")).unwrap_or(&dest);
    let shown = (kind != LinkKind::Refused && !address.is_empty() && address != text.trim())
        .then(|| address.to_owned());
    Link { dest, kind, title: title.to_owned(), content, shown }
}

/// What a link's destination is: only web, mail and phone links and links without a scheme
/// are followed.
pub fn link_kind(dest: &str) -> LinkKind {
    if dest.is_empty() || dest.len() > MAX_URL_LEN {
        return LinkKind::Refused;
    }
    let before_path = dest.find(['/', '?', '#']).unwrap_or(dest.len());
    match dest.find(':') {
        Some(i) if i < before_path => match dest[..i].to_ascii_lowercase().as_str() {
            "http" | "https" => LinkKind::Web,
            "mailto" => LinkKind::Mail,
            "tel" => LinkKind::Phone,
            _ => LinkKind::Refused,
        },
        _ => LinkKind::Local,
    }
}

/// Heading nodes in document order, with their typed level and whether they sit in a note.
fn heading_nodes<'r, 'a>(nodes: &'r [Node<'a>], in_note: bool, out: &mut Vec<(&'r Node<'a>, u8, bool)>) {
    for node in nodes {
        if let Node::Elem(tag, children) = node {
            match &**tag {
                Tag::Heading { level, .. } => out.push((node, *level as u8, in_note)),
                Tag::FootnoteDefinition(_) => heading_nodes(children, true, out),
                _ => heading_nodes(children, in_note, out),
            }
        }
    }
}

/// A heading with nothing to show is no heading: it is left out, and the outline closes up.
fn is_empty_heading(node: &Node<'_>) -> bool {
    fn shows_nothing(nodes: &[Node<'_>]) -> bool {
        nodes.iter().all(|n| match n {
            Node::Text(t) => t.text.is_empty(),
            Node::Elem(tag, children) => !matches!(**tag, Tag::Image { .. }) && shows_nothing(children),
            Node::SoftBreak | Node::HardBreak | Node::Rule => true,
            Node::Code(_) | Node::Html(_) | Node::FootnoteRef(_) | Node::TaskMarker(_) => false,
        })
    }
    matches!(node, Node::Elem(_, children) if shows_nothing(children))
}

impl Block {
    /// Where the first text inside the block starts in the Markdown.
    pub fn first_at(&self) -> Option<usize> {
        match self {
            Block::Para(i) | Block::Plain(i) | Block::Heading { content: i, .. } => first_at(i),
            Block::Quote(b) | Block::NoteInPlace { blocks: b, .. } => b.iter().find_map(Block::first_at),
            Block::List { items, .. } => items.iter().flatten().find_map(Block::first_at),
            Block::Table { head, rows, .. } => {
                head.iter().chain(rows.iter().flatten()).find_map(|c| first_at(c))
            }
            Block::Terms { items, .. } => items.iter().find_map(|t| {
                first_at(&t.term).or_else(|| t.definitions.iter().flatten().find_map(Block::first_at))
            }),
            Block::Code { .. } | Block::RawText(_) | Block::Rule => None,
        }
    }
}

/// Where the first text of `inlines` starts in the Markdown.
pub fn first_at(inlines: &[Inline]) -> Option<usize> {
    inlines.iter().find_map(|i| match i {
        Inline::Text { at, .. } | Inline::Unbroken { at, .. } | Inline::Image { at, .. } => *at,
        Inline::Field(f) => Some(f.range.start),
        Inline::Style(_, c) => first_at(c),
        Inline::Link(l) => first_at(&l.content),
        _ => None,
    })
}

/// The text of inline content without markup, as every format shows it: fields as their value
/// or `[Label]`, notes as `[n]`, images by their description.
pub fn inline_text(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text { text, .. } | Inline::Unbroken { text, .. } | Inline::Code(text) => {
                out.push_str(text)
            }
            Inline::Field(f) => match &f.value {
                Some(v) => out.push_str(v),
                None => {
                    out.push('[');
                    out.push_str(&f.label);
                    out.push(']');
                }
            },
            Inline::Style(_, c) => inline_text(c, out),
            Inline::Link(l) => inline_text(&l.content, out),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::NoteRef(n) => out.push_str(&format!("[{n}]")),
            Inline::Task(_) => {}
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(md: &str) -> Doc {
        normalise(md, &Resolve::NOTHING)
    }

    #[test]
    fn notes_match_labels_whatever_their_case_and_are_numbered_by_first_reference() {
        let d = doc("a[^B] b[^a] c[^b]\n\n[^A]: ay\n\n[^b]: bee\n\n[^x]: unused");
        let refs: Vec<&Inline> = match &d.blocks[0] {
            Block::Para(i) => i.iter().filter(|i| matches!(i, Inline::NoteRef(_))).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(refs, [&Inline::NoteRef(1), &Inline::NoteRef(2), &Inline::NoteRef(1)]);
        assert_eq!(d.notes.len(), 2);
        assert_eq!(d.notes[0].label, "b");
        assert!(matches!(&d.blocks[1], Block::NoteInPlace { label, .. } if label == "x"));
    }

    #[test]
    fn marks_shown_as_written_are_listed_once_each_with_why() {
        let d = doc("a[^nope] b[^x] c[^NOPE]\n\n[^X]: note\n\n[^x]: again\n\n[^lonely]: nobody");
        let strays: Vec<_> = d.stray_notes.iter().map(|s| (s.label.as_str(), s.why)).collect();
        assert_eq!(
            strays,
            [("nope", Stray::Undefined), ("x", Stray::DefinedAgain), ("lonely", Stray::NeverReferred)]
        );
        assert!(doc("a[^n]\n\n[^n]: fine").stray_notes.is_empty());
        let d = doc("Ring {{ practice.phone }}.\n\nBook early.[^soon]\n\n[^later]: Not used.");
        let strays: Vec<_> = d.stray_notes.iter().map(|s| (s.label.as_str(), s.why)).collect();
        assert_eq!(strays, [("soon", Stray::Undefined), ("later", Stray::NeverReferred)]);
    }

    #[test]
    fn an_undefined_reference_is_text_not_a_number() {
        let d = doc("a[^nope] b[^x]\n\n[^X]: note");
        assert_eq!(d.notes.len(), 1);
        let Block::Para(inlines) = &d.blocks[0] else { panic!() };
        let mut text = String::new();
        inline_text(inlines, &mut text);
        assert_eq!(text, "a[^nope] b[1]");
    }

    #[test]
    fn link_kinds_and_shown_addresses() {
        let d = doc(
            "<a@b.org> <https://x.org> [call](tel:0116) [x](javascript:alert(1)) [here](#top) [m](mailto:c@d.org)",
        );
        let Block::Para(inlines) = &d.blocks[0] else { panic!() };
        let links: Vec<(&str, LinkKind, Option<&str>)> = inlines
            .iter()
            .filter_map(|i| match i {
                Inline::Link(l) => Some((l.dest.as_str(), l.kind, l.shown.as_deref())),
                _ => None,
            })
            .collect();
        assert_eq!(
            links,
            [
                ("mailto:a@b.org", LinkKind::Mail, None),
                ("https://x.org", LinkKind::Web, None),
                ("tel:0116", LinkKind::Phone, Some("0116")),
                ("javascript:alert(1)", LinkKind::Refused, None),
                ("#top", LinkKind::Local, Some("#top")),
                ("mailto:c@d.org", LinkKind::Mail, Some("c@d.org")),
            ]
        );
    }

    #[test]
    fn headings_in_notes_count_and_empty_headings_do_not() {
        let d = doc("# A\n\n#\n\n### B[^n]\n\n[^n]: note\n\n    ##### C\n");
        let levels: Vec<(u8, u8, bool)> = d.headings.iter().map(|h| (h.typed, h.level, h.in_note)).collect();
        assert_eq!(levels, [(1, 1, false), (3, 2, false), (5, 3, true)]);
    }

    #[test]
    fn fields_carry_their_value_or_label() {
        let value = |n: &str| (n == "a").then(|| "A".to_owned());
        let label = |n: &str| (n == "b").then(|| "Bee".to_owned());
        let d = normalise(
            "{{ a }} {{ b }} {{ practice.phone_number }}",
            &Resolve { image: &|_| None, value: &value, label: &label },
        );
        let Block::Para(inlines) = &d.blocks[0] else { panic!() };
        let fields: Vec<(Option<&str>, &str)> = inlines
            .iter()
            .filter_map(|i| match i {
                Inline::Field(f) => Some((f.value.as_deref(), f.label.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(fields, [(Some("A"), "A"), (None, "Bee"), (None, "Phone number")]);
    }

    #[test]
    fn images_outside_the_project_are_not_available() {
        let dir = std::env::temp_dir().join(format!("lmcpress-confine-{}", std::process::id()));
        let root = dir.join("p");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.png"), b"x").unwrap();
        std::fs::write(dir.join("out.png"), b"x").unwrap();
        let content = root.join("content");
        assert_eq!(confine_image(&root, &content, "a.png").unwrap().rooted, "/content/a.png");
        assert!(confine_image(&root, &content, "../../out.png").is_none());
        assert!(confine_image(&root, &content, "https://x.org/a.png").is_none());
        assert!(confine_image(&root, &content, "a.txt").is_none());
        let image = |d: &str| confine_image(&root, &content, d);
        let d = normalise(
            "![a](a.png) ![again](./a.png) ![b](b.png)",
            &Resolve { image: &image, ..Resolve::NOTHING },
        );
        assert_eq!(d.assets.len(), 1);
        assert_eq!(d.missing_images, ["b.png"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_subject_line_is_inline() {
        let inlines = normalise_inline("# 1. *Re* {{ x }}", &Resolve::NOTHING);
        let mut text = String::new();
        inline_text(&inlines, &mut text);
        assert_eq!(text, "# 1. Re [X]");
    }
}
