//! Markdown tree → typst markup.
//!
//! Everything is emitted in function-call form (`#strong[...]`, `#list(...)`), not
//! typst's own markup shorthands: calls nest without caring about line starts or
//! indentation, and all text goes through [`escape::markup_into`].

use std::fmt::Write as _;

use pulldown_cmark::{Alignment, CodeBlockKind, LinkType, Tag};

use super::placeholder::{self, Piece};
use super::tree::{self, Footnotes, Node};
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

/// typst rejects empty and overlong URLs (typst-library `Url::new`).
const MAX_URL_LEN: usize = 8000;

pub(super) struct Renderer<'r, 'a> {
    pub out: String,
    pub missing_images: Vec<String>,
    /// (offset in `out`, offset in the Markdown) where each run of text starts, in `out`
    /// order: lets a typst error in the markup be traced to the author's line.
    pub source_map: Vec<(usize, usize)>,
    heading_offset: u8,
    levels: super::headings::Leveller,
    resolve_image: &'r dyn Fn(&str) -> Option<String>,
    footnotes: Footnotes<'r, 'a>,
    /// Footnotes being rendered, innermost last: a reference back to one of them
    /// would never end.
    open_footnotes: Vec<String>,
    /// Show depth used by the wrappers currently open.
    depth: u32,
}

impl<'r, 'a> Renderer<'r, 'a> {
    pub fn new(
        nodes: &'r [Node<'a>],
        heading_offset: u8,
        resolve_image: &'r dyn Fn(&str) -> Option<String>,
    ) -> Self {
        Renderer {
            out: String::new(),
            missing_images: Vec::new(),
            source_map: Vec::new(),
            heading_offset,
            levels: Default::default(),
            resolve_image,
            footnotes: Footnotes::collect(nodes),
            open_footnotes: Vec::new(),
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
    pub fn blocks(&mut self, nodes: &'r [Node<'a>], separator: &str) {
        let mut wrote_any = false;
        for run in tree::runs(nodes) {
            let mark = self.out.len();
            if wrote_any {
                self.out.push_str(separator);
            }
            let body = self.out.len();
            match run {
                tree::Run::Inline(run) => self.inlines(run),
                tree::Run::Block(block) => self.block(block),
            }
            if self.out.len() == body {
                self.out.truncate(mark);
            } else {
                wrote_any = true;
            }
        }
    }

    fn block(&mut self, node: &'r Node<'a>) {
        self.map_source(std::slice::from_ref(node));
        let Node::Elem(tag, children) = node else {
            if let Node::Rule = node {
                self.out.push_str("#line(length: 100%)");
            } else {
                self.inline(node);
            }
            return;
        };
        match &**tag {
            Tag::Paragraph => self.inlines(children),
            Tag::Heading { level, .. } => self.heading(*level as usize, children),
            Tag::BlockQuote(_) => {
                if self.enter(cost::QUOTE) {
                    self.out.push_str("#quote(block: true)[");
                    self.blocks(children, "\n\n");
                    self.out.push(']');
                    self.leave(cost::QUOTE);
                } else {
                    self.blocks(children, "\n\n");
                }
            }
            Tag::CodeBlock(kind) => self.code_block(kind, children),
            Tag::HtmlBlock => {
                let mut html = String::new();
                tree::plain_inline_text(children, &mut html);
                escape::markup_into(&mut self.out, html.trim_end());
            }
            Tag::List(start) => self.list(*start, children),
            Tag::FootnoteDefinition(label) => {
                if !self.footnotes.shown_at_references(node) {
                    let first = self.footnotes.is_first(node);
                    self.footnote_in_place(label, children, first);
                }
            }
            Tag::Table(alignments) => self.table(alignments, children),
            Tag::DefinitionList => self.terms(children),
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => self.inline(node),
            // Only ever inside the containers handled above, and metadata blocks
            // are not enabled; keep their content rather than lose it.
            Tag::Item
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.blocks(children, "\n\n"),
        }
    }

    fn heading(&mut self, level: usize, children: &'r [Node<'a>]) {
        if !self.enter(cost::HEADING) {
            self.inlines(children);
            return;
        }
        let mark = self.out.len();
        // Levels never skip, whatever the author typed: PDF/UA requires it.
        let level = usize::from(self.levels.level(level as u8)) + usize::from(self.heading_offset);
        write!(self.out, "#heading(level: {level})[").unwrap();
        let body = self.out.len();
        self.inlines(children);
        if self.out.len() == body {
            // typst would accept an empty heading, but it would still be
            // numbered and listed in outlines.
            self.out.truncate(mark);
        } else {
            self.out.push(']');
        }
        self.leave(cost::HEADING);
    }

    fn code_block(&mut self, kind: &CodeBlockKind<'a>, children: &'r [Node<'a>]) {
        let mut code = String::new();
        tree::plain_inline_text(children, &mut code);
        if code.ends_with('\n') {
            code.pop();
        }
        self.out.push_str("#raw(block: true, ");
        if let CodeBlockKind::Fenced(info) = kind
            && let Some(lang) = info.split_whitespace().next()
        {
            write!(self.out, "lang: \"{}\", ", escape::string(lang)).unwrap();
        }
        write!(self.out, "\"{}\")", escape::string(&code)).unwrap();
    }

    fn list(&mut self, start: Option<u64>, items: &'r [Node<'a>]) {
        let tight = !items.iter().any(tree::has_paragraph);
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
                if let Node::Elem(_, children) = item {
                    self.blocks(children, separator);
                }
            }
            return;
        }
        match start {
            Some(start) => write!(self.out, "#enum(start: {start}, tight: {tight},").unwrap(),
            None => write!(self.out, "#list(tight: {tight},").unwrap(),
        }
        for item in items {
            self.out.push_str("\n  [");
            if let Node::Elem(_, children) = item {
                self.blocks(children, separator);
            }
            self.out.push_str("],");
        }
        self.out.push_str("\n)");
        self.leave(cost::LIST);
    }

    fn table(&mut self, alignments: &[Alignment], rows: &'r [Node<'a>]) {
        if !self.enter(cost::TABLE) {
            // Too deep for a real table: one paragraph per row.
            for (index, row) in rows.iter().enumerate() {
                if index > 0 {
                    self.out.push_str("\n\n");
                }
                self.flat_cells(row);
            }
            return;
        }
        let columns = alignments.len().max(1);
        write!(self.out, "#table(columns: {columns}, align: (").unwrap();
        for alignment in alignments {
            self.out.push_str(match alignment {
                Alignment::None => "auto",
                Alignment::Left => "left",
                Alignment::Center => "center",
                Alignment::Right => "right",
            });
            // Also after the last: `(auto)` would not be an array.
            self.out.push_str(", ");
        }
        self.out.push_str("),");
        for row in rows {
            let Node::Elem(tag, cells) = row else { continue };
            let is_head = matches!(**tag, Tag::TableHead);
            self.out.push_str(if is_head { "\n  table.header(" } else { "\n  " });
            self.table_cells(cells, columns);
            if is_head {
                self.out.push_str("),");
            }
        }
        self.out.push_str("\n)");
        self.leave(cost::TABLE);
    }

    /// Emits a row's cells, padded to the column count so rows stay aligned.
    fn table_cells(&mut self, cells: &'r [Node<'a>], columns: usize) {
        let mut count = 0;
        for cell in cells {
            let Node::Elem(tag, children) = cell else { continue };
            if matches!(**tag, Tag::TableRow) {
                // Header cells may come wrapped in a row.
                self.table_cells(children, columns);
                continue;
            }
            self.out.push('[');
            self.inlines(children);
            self.out.push_str("], ");
            count += 1;
        }
        if count > 0 {
            for _ in count..columns {
                self.out.push_str("[], ");
            }
        }
    }

    /// A row's cells as text separated by `|`.
    fn flat_cells(&mut self, row: &'r Node<'a>) {
        let Node::Elem(_, cells) = row else { return };
        for (index, cell) in cells.iter().enumerate() {
            if index > 0 {
                escape::markup_into(&mut self.out, " | ");
            }
            match cell {
                Node::Elem(tag, _) if matches!(**tag, Tag::TableRow) => self.flat_cells(cell),
                Node::Elem(_, children) => self.inlines(children),
                other => self.inline(other),
            }
        }
    }

    fn terms(&mut self, children: &'r [Node<'a>]) {
        let tight = !children.iter().any(tree::has_paragraph);
        let separator = if tight { "\n" } else { "\n\n" };
        if !self.enter(cost::TERMS) {
            // Too deep for a real term list: a paragraph per term and definition.
            self.blocks(children, "\n\n");
            return;
        }
        write!(self.out, "#terms(tight: {tight},").unwrap();
        // Whether a `terms.item(` is open, and whether it has a description yet.
        let mut open = false;
        let mut described = false;
        for child in children {
            let Node::Elem(tag, content) = child else { continue };
            if let Tag::DefinitionListTitle = **tag {
                if open {
                    self.out.push_str("]),");
                }
                self.out.push_str("\n  terms.item([");
                self.inlines(content);
                self.out.push_str("], [");
                (open, described) = (true, false);
                continue;
            }
            if !open {
                self.out.push_str("\n  terms.item([], [");
                (open, described) = (true, false);
            }
            let mark = self.out.len();
            if described {
                // Each definition of a term is its own paragraph, even in a
                // tight list.
                self.out.push_str("\n\n");
            }
            let body = self.out.len();
            self.blocks(content, separator);
            if self.out.len() == body {
                self.out.truncate(mark);
            } else {
                described = true;
            }
        }
        if open {
            self.out.push_str("]),");
        }
        self.out.push_str("\n)");
        self.leave(cost::TERMS);
    }

    /// A definition nothing refers to, or a duplicate, shown as written rather
    /// than dropped.
    fn footnote_in_place(&mut self, label: &str, children: &'r [Node<'a>], first: bool) {
        escape::markup_into(&mut self.out, &format!("[^{label}]:"));
        self.out.push(' ');
        // Its own label would show itself again; a duplicate's label shows the
        // first definition, which may be shown nowhere else.
        let key = tree::footnote_key(label);
        let open = first && !self.open_footnotes.contains(&key);
        if open {
            self.open_footnotes.push(key);
        }
        self.blocks(children, "\n\n");
        if open {
            self.open_footnotes.pop();
        }
    }

    /// Notes where the markup about to be written comes from: the first text inside
    /// `nodes`, so that an error in an element's call (an image that fails to load) is
    /// traced to its own line, not the text before it.
    fn map_source(&mut self, nodes: &[Node<'_>]) {
        if let Some(pos) = tree::first_source(nodes) {
            self.source_map.push((self.out.len(), pos));
        }
    }

    pub fn inlines(&mut self, nodes: &'r [Node<'a>]) {
        for node in nodes {
            self.inline(node);
        }
    }

    fn inline(&mut self, node: &'r Node<'a>) {
        match node {
            Node::Text(text) => {
                self.source_map.push((self.out.len(), text.source_range(0..0).start));
                for piece in placeholder::pieces(&text.text) {
                    match piece {
                        Piece::Literal(s) => escape::markup_into(&mut self.out, s),
                        Piece::Placeholder { name, .. } => {
                            write!(self.out, "#field(\"{}\")", escape::string(name)).unwrap();
                        }
                    }
                }
            }
            Node::Code(code) => write!(self.out, "#raw(\"{}\")", escape::string(code)).unwrap(),
            Node::Html(html) => escape::markup_into(&mut self.out, html),
            Node::FootnoteRef(label) => self.footnote_ref(label),
            Node::SoftBreak => self.out.push(' '),
            Node::HardBreak => self.out.push_str("#linebreak()"),
            Node::TaskMarker(checked) => self.out.push_str(if *checked { "☑ " } else { "☐ " }),
            Node::Rule => self.block(node),
            Node::Elem(tag, children) => match &**tag {
                Tag::Emphasis => self.wrap("#emph[", cost::STYLE, children),
                Tag::Strong => self.wrap("#strong[", cost::STYLE, children),
                Tag::Strikethrough => self.wrap("#strike[", cost::STYLE, children),
                Tag::Superscript => self.wrap("#super[", cost::STYLE, children),
                Tag::Subscript => self.wrap("#sub[", cost::STYLE, children),
                Tag::Link { link_type, dest_url, .. } => {
                    let url = match link_type {
                        LinkType::Email => format!("mailto:{dest_url}"),
                        _ => dest_url.to_string(),
                    };
                    if url.is_empty() || url.len() > MAX_URL_LEN {
                        self.inlines(children);
                    } else {
                        let open = format!("#link(\"{}\")[", escape::string(&url));
                        self.wrap(&open, cost::LINK, children);
                    }
                }
                Tag::Image { dest_url, .. } => {
                    self.map_source(children);
                    self.image(dest_url, children)
                }
                _ => self.block(node),
            },
        }
    }

    fn wrap(&mut self, open: &str, cost: u32, children: &'r [Node<'a>]) {
        if self.enter(cost) {
            self.out.push_str(open);
            self.inlines(children);
            self.out.push(']');
            self.leave(cost);
        } else {
            self.inlines(children);
        }
    }

    fn image(&mut self, destination: &str, description: &'r [Node<'a>]) {
        let mut alt = String::new();
        tree::plain_inline_text(description, &mut alt);
        match (self.resolve_image)(destination) {
            Some(path) => {
                write!(self.out, "#image(\"{}\"", escape::string(&path)).unwrap();
                if !alt.is_empty() {
                    write!(self.out, ", alt: \"{}\"", escape::string(&alt)).unwrap();
                }
                self.out.push(')');
            }
            None => {
                if !self.missing_images.iter().any(|m| m == destination) {
                    self.missing_images.push(destination.to_owned());
                }
                let shown = if alt.is_empty() { "[image]".to_owned() } else { format!("[image: {alt}]") };
                escape::markup_into(&mut self.out, &shown);
            }
        }
    }

    fn footnote_ref(&mut self, label: &str) {
        let key = tree::footnote_key(label);
        let definition = self
            .footnotes
            .definition(label)
            .filter(|_| !self.open_footnotes.contains(&key))
            .filter(|_| self.open_footnotes.len() < MAX_FOOTNOTE_DEPTH);
        let Some(children) = definition else {
            escape::markup_into(&mut self.out, &format!("[^{label}]"));
            return;
        };
        self.open_footnotes.push(key);
        if self.enter(cost::FOOTNOTE) {
            self.out.push_str("#footnote[");
            self.blocks(children, "\n\n");
            self.out.push(']');
            self.leave(cost::FOOTNOTE);
        } else {
            // Too deep for a real footnote: its text in brackets, where it is.
            escape::markup_into(&mut self.out, " [");
            self.blocks(children, " ");
            escape::markup_into(&mut self.out, "]");
        }
        self.open_footnotes.pop();
    }
}
