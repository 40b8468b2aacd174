//! [`Doc`] → typst markup.
//!
//! Everything is emitted in function-call form (`#strong[...]`, `#list(...)`), not
//! typst's own markup shorthands: calls nest without caring about line starts or
//! indentation, and all text goes through [`escape::markup_into`]. Every policy (levels,
//! notes, links, images) is the [`Doc`]'s; this keeps only typst's own state: the show
//! budget, and which notes are open.

use std::fmt::Write as _;

use super::doc::{Align, Block, Doc, Inline, LinkKind, Style, Term};
use crate::markdown::typst_escape as escape;

/// typst gives up beyond 64 nested show rules (typst-library
/// `Route::MAX_SHOW_RULE_DEPTH`), and the template needs some of those for
/// itself. Markdown nested deeper than this budget is rendered without the
/// deeper wrappers: all its text stays, some of its styling goes.
const SHOW_DEPTH_BUDGET: u32 = 32;

/// What each wrapper costs of [`SHOW_DEPTH_BUDGET`], rounded up from measuring
/// how deeply it can be nested in typst 0.15.
mod cost {
    pub const STYLE: u32 = 1;
    pub const LINK: u32 = 2;
    pub const HEADING: u32 = 3;
    pub const FOOTNOTE: u32 = 3;
    pub const LIST: u32 = 4;
    pub const QUOTE: u32 = 5;
    pub const TABLE: u32 = 5;
    pub const TERMS: u32 = 6;
}

/// Footnotes inside footnotes are rendered at most this deep, so a chain of
/// footnotes that each refer to the next several times stays small.
const MAX_FOOTNOTE_DEPTH: usize = 8;

pub(super) struct Renderer<'d> {
    pub out: String,
    /// (offset in `out`, offset in the Markdown) where each run of text starts, in `out`
    /// order: lets a typst error in the markup be traced to the author's line.
    pub source_map: Vec<(usize, usize)>,
    doc: &'d Doc,
    heading_offset: u8,
    /// Notes being rendered (numbers), innermost last: a reference back to one of them
    /// would never end.
    open_notes: Vec<usize>,
    /// Show depth used by the wrappers currently open.
    depth: u32,
}

impl<'d> Renderer<'d> {
    pub fn new(doc: &'d Doc, heading_offset: u8) -> Self {
        Renderer {
            out: String::new(),
            source_map: Vec::new(),
            doc,
            heading_offset,
            open_notes: Vec::new(),
            depth: 0,
        }
    }

    /// Opens a wrapper costing `cost` if the budget allows; the caller must
    /// [`Self::leave`] with the same cost.
    fn enter(&mut self, cost: u32) -> bool {
        let fits = self.depth + cost <= SHOW_DEPTH_BUDGET;
        if fits {
            self.depth += cost;
        }
        fits
    }

    fn leave(&mut self, cost: u32) {
        self.depth -= cost;
    }

    /// Renders blocks separated by `separator`, skipping blocks that render to
    /// nothing (so no stray blank lines).
    pub fn blocks(&mut self, blocks: &[Block], separator: &str) {
        let mut wrote_any = false;
        for block in blocks {
            let mark = self.out.len();
            if wrote_any {
                self.out.push_str(separator);
            }
            let body = self.out.len();
            self.block(block);
            if self.out.len() == body {
                self.out.truncate(mark);
            } else {
                wrote_any = true;
            }
        }
    }

    fn block(&mut self, block: &Block) {
        if let Some(at) = block.first_at() {
            self.source_map.push((self.out.len(), at));
        }
        match block {
            Block::Para(inlines) | Block::Plain(inlines) => self.inlines(inlines),
            Block::Heading { level, content } => self.heading(*level, content),
            Block::Quote(blocks) => {
                if self.enter(cost::QUOTE) {
                    self.out.push_str("#quote(block: true)[");
                    self.blocks(blocks, "\n\n");
                    self.out.push(']');
                    self.leave(cost::QUOTE);
                } else {
                    self.blocks(blocks, "\n\n");
                }
            }
            Block::Code { lang, text } => {
                self.out.push_str("#raw(block: true, ");
                if let Some(lang) = lang {
                    write!(self.out, "lang: \"{}\", ", escape::string(lang)).unwrap();
                }
                write!(self.out, "\"{}\")", escape::string(text)).unwrap();
            }
            Block::RawText(text) => escape::markup_into(&mut self.out, text),
            Block::List { start, tight, items } => self.list(*start, *tight, items),
            Block::Table { align, head, rows } => self.table(align, head, rows),
            Block::Terms { tight, items } => self.terms(*tight, items),
            Block::Rule => self.out.push_str("#line(length: 100%)"),
            Block::NoteInPlace { label, blocks } => {
                escape::markup_into(&mut self.out, &format!("[^{label}]:"));
                self.out.push(' ');
                self.blocks(blocks, "\n\n");
            }
        }
    }

    fn heading(&mut self, level: u8, content: &[Inline]) {
        if !self.enter(cost::HEADING) {
            self.inlines(content);
            return;
        }
        let mark = self.out.len();
        let level = usize::from(level) + usize::from(self.heading_offset);
        write!(self.out, "#heading(level: {level})[").unwrap();
        let body = self.out.len();
        self.inlines(content);
        if self.out.len() == body {
            // typst would accept an empty heading, but it would still be
            // numbered and listed in outlines.
            self.out.truncate(mark);
        } else {
            self.out.push(']');
        }
        self.leave(cost::HEADING);
    }

    fn list(&mut self, start: Option<u64>, tight: bool, items: &[Vec<Block>]) {
        // A single newline is a space in markup: a nested list follows its
        // item's text without a paragraph break.
        let separator = if tight { "\n" } else { "\n\n" };
        if !self.enter(cost::LIST) {
            // Too deep for a real list: the markers become text.
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    self.out.push_str("\n\n");
                }
                let marker = match start {
                    Some(start) => format!("{}. ", start.saturating_add(index as u64)),
                    None => "- ".to_owned(),
                };
                escape::markup_into(&mut self.out, &marker);
                self.blocks(item, separator);
            }
            return;
        }
        match start {
            Some(start) => write!(self.out, "#enum(start: {start}, tight: {tight},").unwrap(),
            None => write!(self.out, "#list(tight: {tight},").unwrap(),
        }
        for item in items {
            self.out.push_str("\n  [");
            self.blocks(item, separator);
            self.out.push_str("],");
        }
        self.out.push_str("\n)");
        self.leave(cost::LIST);
    }

    fn table(&mut self, align: &[Align], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) {
        if !self.enter(cost::TABLE) {
            // Too deep for a real table: one paragraph per row, its cells separated by `|`.
            let all = (!head.is_empty()).then_some(head).into_iter().chain(rows.iter().map(Vec::as_slice));
            for (index, row) in all.enumerate() {
                if index > 0 {
                    self.out.push_str("\n\n");
                }
                let shown = row.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
                for (i, cell) in row[..shown].iter().enumerate() {
                    if i > 0 {
                        escape::markup_into(&mut self.out, " | ");
                    }
                    self.inlines(cell);
                }
            }
            return;
        }
        let columns = align.len().max(1);
        write!(self.out, "#table(columns: {columns}, align: (").unwrap();
        for alignment in align {
            self.out.push_str(match alignment {
                Align::None => "auto",
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            });
            // Also after the last: `(auto)` would not be an array.
            self.out.push_str(", ");
        }
        self.out.push_str("),");
        if !head.is_empty() {
            self.out.push_str("\n  table.header(");
            self.cells(head);
            self.out.push_str("),");
        }
        for row in rows {
            self.out.push_str("\n  ");
            self.cells(row);
        }
        self.out.push_str("\n)");
        self.leave(cost::TABLE);
    }

    fn cells(&mut self, cells: &[Vec<Inline>]) {
        for cell in cells {
            self.out.push('[');
            self.inlines(cell);
            self.out.push_str("], ");
        }
    }

    fn terms(&mut self, tight: bool, items: &[Term]) {
        let separator = if tight { "\n" } else { "\n\n" };
        if !self.enter(cost::TERMS) {
            // Too deep for a real term list: a paragraph per term and definition.
            let mut blocks = Vec::new();
            for item in items {
                if !item.term.is_empty() {
                    blocks.push(Block::Plain(item.term.clone()));
                }
                blocks.extend(item.definitions.iter().flatten().cloned());
            }
            self.blocks(&blocks, "\n\n");
            return;
        }
        write!(self.out, "#terms(tight: {tight},").unwrap();
        for item in items {
            self.out.push_str("\n  terms.item([");
            self.inlines(&item.term);
            self.out.push_str("], [");
            let mut described = false;
            for definition in &item.definitions {
                let mark = self.out.len();
                if described {
                    // Each definition of a term is its own paragraph, even in a
                    // tight list.
                    self.out.push_str("\n\n");
                }
                let body = self.out.len();
                self.blocks(definition, separator);
                if self.out.len() == body {
                    self.out.truncate(mark);
                } else {
                    described = true;
                }
            }
            self.out.push_str("]),");
        }
        self.out.push_str("\n)");
        self.leave(cost::TERMS);
    }

    pub fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    fn inline(&mut self, inline: &Inline) {
        match inline {
            Inline::Text { text, at } => {
                if let Some(at) = at {
                    self.source_map.push((self.out.len(), *at));
                }
                escape::markup_into(&mut self.out, text);
            }
            // The template's `field` shows the value, or a blank labelled for it; a box keeps
            // a phone number or an e-mail address on one line.
            Inline::Field(field) if field.unbroken => {
                write!(self.out, "#box(field(\"{}\"))", escape::string(&field.name)).unwrap()
            }
            Inline::Field(field) => write!(self.out, "#field(\"{}\")", escape::string(&field.name)).unwrap(),
            Inline::Unbroken { text, at } => {
                if let Some(at) = at {
                    self.source_map.push((self.out.len(), *at));
                }
                self.out.push_str("#box[");
                escape::markup_into(&mut self.out, text);
                self.out.push(']');
            }
            Inline::Code(code) => write!(self.out, "#raw(\"{}\")", escape::string(code)).unwrap(),
            Inline::NoteRef(n) => self.note(*n),
            Inline::SoftBreak => self.out.push(' '),
            Inline::HardBreak => self.out.push_str("#linebreak()"),
            Inline::Task(done) => self.out.push_str(if *done { "☑ " } else { "☐ " }),
            Inline::Style(style, content) => {
                let open = match style {
                    Style::Emphasis => "#emph[",
                    Style::Strong => "#strong[",
                    Style::Strike => "#strike[",
                    Style::Super => "#super[",
                    Style::Sub => "#sub[",
                };
                self.wrap(open, cost::STYLE, content);
            }
            Inline::Link(link) => {
                if link.kind == LinkKind::Refused {
                    self.inlines(&link.content);
                } else {
                    let open = format!("#link(\"{}\")[", escape::string(&link.dest));
                    self.wrap(&open, cost::LINK, &link.content);
                }
            }
            Inline::Image { alt, asset, at, .. } => {
                if let Some(at) = at {
                    self.source_map.push((self.out.len(), *at));
                }
                match asset.map(|i| &self.doc.assets[i]) {
                    Some(asset) => {
                        write!(self.out, "#image(\"{}\"", escape::string(&asset.rooted)).unwrap();
                        if !alt.is_empty() {
                            write!(self.out, ", alt: \"{}\"", escape::string(alt)).unwrap();
                        }
                        self.out.push(')');
                    }
                    None => {
                        let shown =
                            if alt.is_empty() { "[image]".to_owned() } else { format!("[image: {alt}]") };
                        escape::markup_into(&mut self.out, &shown);
                    }
                }
            }
        }
    }

    fn wrap(&mut self, open: &str, cost: u32, content: &[Inline]) {
        if self.enter(cost) {
            self.out.push_str(open);
            self.inlines(content);
            self.out.push(']');
            self.leave(cost);
        } else {
            self.inlines(content);
        }
    }

    /// Note `n` where it is referred to (typst numbers and places it at the foot of the page).
    fn note(&mut self, n: usize) {
        let doc = self.doc;
        let Some(note) = doc.notes.get(n - 1) else { return };
        if self.open_notes.contains(&n) || self.open_notes.len() >= MAX_FOOTNOTE_DEPTH {
            escape::markup_into(&mut self.out, &format!("[^{}]", note.label));
            return;
        }
        self.open_notes.push(n);
        if self.enter(cost::FOOTNOTE) {
            self.out.push_str("#footnote[");
            self.blocks(&note.blocks, "\n\n");
            self.out.push(']');
            self.leave(cost::FOOTNOTE);
        } else {
            // Too deep for a real footnote: its text in brackets, where it is.
            escape::markup_into(&mut self.out, " [");
            self.blocks(&note.blocks, " ");
            escape::markup_into(&mut self.out, "]");
        }
        self.open_notes.pop();
    }
}
