//! Markdown → HTML for the web page, from the same event tree as the typst converter, so the
//! two agree on the dialect, on placeholders and on footnotes.
//!
//! Raw HTML in the Markdown is shown as text, as in the PDF: content is data, never code.
//! Link destinations are kept only for schemes a reader can follow safely.

use std::collections::BTreeMap;
use std::fmt::Write;

use pulldown_cmark::{Alignment, Tag};

use super::escape::{attr, text_into};
use super::ids::Ids;
use crate::markdown::headings::relative_levels;
use crate::markdown::placeholder::{self, Piece};
use crate::markdown::tree::{self, Footnotes, Node};

/// Containers nested deeper than this are flattened (their text is kept), so that hostile
/// input cannot exhaust the stack.
const MAX_DEPTH: usize = 48;

pub struct Options<'a> {
    /// The `h` level of the body's top headings (3 under a section's `h2`).
    pub top_level: u8,
    /// The section's id: footnote ids are built from it, and clashing heading ids are
    /// scoped by it.
    pub scope: &'a str,
    /// The value of a `{{ name }}` placeholder; `None` shows the placeholder as written.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    /// An image destination as a URL the page may use (a `data:` URL): `None` shows its
    /// description instead, as "[image: ALT]".
    pub image: &'a dyn Fn(&str) -> Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub html: String,
    /// (id, text, level) of each heading, in order.
    pub headings: Vec<(String, String, u8)>,
    pub missing_images: Vec<String>,
}

pub fn to_html(md: &str, ids: &mut Ids, opts: &Options) -> Converted {
    let nodes = tree::parse(md);
    let mut typed = Vec::new();
    heading_levels(&nodes, &mut typed);
    let levels = relative_levels(&typed);
    let mut r = Html {
        out: String::new(),
        opts,
        ids,
        footnotes: Footnotes::collect(&nodes),
        levels: levels.into_iter(),
        notes: Vec::new(),
        numbers: BTreeMap::new(),
        in_note: 0,
        depth: 0,
        tables: 0,
        headings: Vec::new(),
        missing_images: Vec::new(),
    };
    r.blocks(&nodes);
    r.notes_list(&nodes);
    Converted { html: r.out, headings: r.headings, missing_images: r.missing_images }
}

/// The typed level of each heading the page shows as a heading, in the order they are
/// rendered (headings inside footnotes and image descriptions are not page headings).
fn heading_levels(nodes: &[Node<'_>], out: &mut Vec<u8>) {
    for node in nodes {
        if let Node::Elem(tag, children) = node {
            match &**tag {
                Tag::Heading { level, .. } => out.push(*level as u8),
                Tag::FootnoteDefinition(_) | Tag::Image { .. } => {}
                _ => heading_levels(children, out),
            }
        }
    }
}

struct Html<'r, 'a, 'o> {
    out: String,
    opts: &'o Options<'o>,
    ids: &'o mut Ids,
    footnotes: Footnotes<'r, 'a>,
    levels: std::vec::IntoIter<u8>,
    /// Footnote keys in the order of their numbers, with how often each was referenced.
    notes: Vec<(String, usize)>,
    numbers: BTreeMap<String, usize>,
    /// Inside a footnote's text: headings there are shown as bold paragraphs.
    in_note: usize,
    depth: usize,
    tables: usize,
    headings: Vec<(String, String, u8)>,
    missing_images: Vec<String>,
}

impl<'r, 'a> Html<'r, 'a, '_> {
    fn blocks(&mut self, nodes: &'r [Node<'a>]) {
        for run in tree::runs(nodes) {
            match run {
                tree::Run::Inline(run) => self.inlines(run),
                tree::Run::Block(block) => self.block(block),
            }
        }
    }

    /// Wraps `body` in `open`…`close` unless nesting is already too deep.
    fn wrap(&mut self, open: &str, close: &str, body: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            body(self);
            return;
        }
        self.depth += 1;
        self.out.push_str(open);
        body(self);
        self.out.push_str(close);
        self.depth -= 1;
    }

    fn block(&mut self, node: &'r Node<'a>) {
        let Node::Elem(tag, children) = node else {
            if let Node::Rule = node {
                self.out.push_str("<hr>\n");
            } else {
                self.inline(node);
            }
            return;
        };
        match &**tag {
            Tag::Paragraph => self.wrap("<p>", "</p>\n", |s| s.inlines(children)),
            Tag::Heading { .. } => self.heading(children),
            Tag::BlockQuote(_) => self.wrap("<blockquote>\n", "</blockquote>\n", |s| s.blocks(children)),
            Tag::CodeBlock(_) => {
                let mut code = String::new();
                tree::plain_inline_text(children, &mut code);
                self.out.push_str("<pre><code>");
                text_into(&mut self.out, code.strip_suffix('\n').unwrap_or(&code));
                self.out.push_str("</code></pre>\n");
            }
            Tag::HtmlBlock => {
                let mut html = String::new();
                tree::plain_inline_text(children, &mut html);
                self.out.push_str("<p>");
                text_into(&mut self.out, html.trim_end());
                self.out.push_str("</p>\n");
            }
            Tag::List(start) => {
                let open = match start {
                    Some(1) => "<ol>\n".to_string(),
                    Some(n) => format!("<ol start=\"{n}\">\n"),
                    None => "<ul>\n".to_string(),
                };
                let close = if start.is_some() { "</ol>\n" } else { "</ul>\n" };
                self.wrap(&open, close, |s| {
                    for item in children {
                        match item {
                            Node::Elem(_, inner) => s.wrap("<li>", "</li>\n", |s| s.blocks(inner)),
                            other => s.block(other),
                        }
                    }
                });
            }
            // Shown in the notes at the end of the section.
            Tag::FootnoteDefinition(_) => {}
            Tag::Table(alignments) => self.table(alignments, children),
            Tag::DefinitionList => self.wrap("<dl>\n", "</dl>\n", |s| s.blocks(children)),
            Tag::DefinitionListTitle => self.wrap("<dt>", "</dt>\n", |s| s.blocks(children)),
            Tag::DefinitionListDefinition => self.wrap("<dd>", "</dd>\n", |s| s.blocks(children)),
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => self.wrap("<p>", "</p>\n", |s| s.inline(node)),
            Tag::Item | Tag::TableHead | Tag::TableRow | Tag::TableCell | Tag::MetadataBlock(_) => {
                self.blocks(children)
            }
        }
    }

    fn heading(&mut self, children: &'r [Node<'a>]) {
        if self.in_note > 0 {
            self.wrap("<p><strong>", "</strong></p>\n", |s| s.inlines(children));
            return;
        }
        let relative = self.levels.next().unwrap_or(1);
        let level = (self.opts.top_level + relative - 1).min(6);
        let mut text = String::new();
        tree::plain_inline_text(children, &mut text);
        let text = self.resolved_plain(&text);
        let id = self.ids.claim(&text, self.opts.scope);
        write!(self.out, "<h{level} id=\"{id}\">").unwrap();
        self.inlines(children);
        writeln!(self.out, "</h{level}>").unwrap();
        self.headings.push((id, text, level));
    }

    /// Plain text with placeholders replaced, for ids and the contents.
    fn resolved_plain(&self, text: &str) -> String {
        placeholder::pieces(text)
            .into_iter()
            .map(|p| match p {
                Piece::Literal(t) => t.to_string(),
                Piece::Placeholder { name, range } => {
                    (self.opts.resolve)(name).unwrap_or_else(|| text[range].to_string())
                }
            })
            .collect()
    }

    fn table(&mut self, alignments: &[Alignment], rows: &'r [Node<'a>]) {
        self.tables += 1;
        // The caption names the table for assistive technology and labels the scrolling
        // region that keeps a wide table from widening the page on a phone.
        let mut label = String::new();
        if let Some(Node::Elem(_, head)) = rows.first() {
            let cells: Vec<String> = head
                .iter()
                .map(|cell| {
                    let mut t = String::new();
                    if let Node::Elem(_, c) = cell {
                        tree::plain_inline_text(c, &mut t);
                    }
                    self.resolved_plain(t.trim())
                })
                .filter(|t| !t.is_empty())
                .collect();
            label = cells.join(", ");
        }
        let label =
            if label.is_empty() { format!("Table {}", self.tables) } else { format!("Table: {label}") };
        write!(
            self.out,
            "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n<table>\n",
            attr(&label)
        )
        .unwrap();
        let mut in_body = false;
        for row in rows {
            let Node::Elem(tag, cells) = row else { continue };
            let head = matches!(**tag, Tag::TableHead);
            if head {
                self.out.push_str("<thead>\n");
            } else if !in_body {
                self.out.push_str("<tbody>\n");
                in_body = true;
            }
            self.out.push_str("<tr>");
            for (c, cell) in cells.iter().enumerate() {
                let Node::Elem(_, content) = cell else { continue };
                let class = match alignments.get(c) {
                    Some(Alignment::Left) => " class=\"left\"",
                    Some(Alignment::Center) => " class=\"center\"",
                    Some(Alignment::Right) => " class=\"right\"",
                    _ => "",
                };
                let (open, close) = if head {
                    (format!("<th scope=\"col\"{class}>"), "</th>")
                } else {
                    (format!("<td{class}>"), "</td>")
                };
                self.wrap(&open, close, |s| s.inlines(content));
            }
            self.out.push_str("</tr>\n");
            if head {
                self.out.push_str("</thead>\n");
            }
        }
        if in_body {
            self.out.push_str("</tbody>\n");
        }
        self.out.push_str("</table>\n</div>\n");
    }

    fn inlines(&mut self, nodes: &'r [Node<'a>]) {
        for node in nodes {
            self.inline(node);
        }
    }

    fn inline(&mut self, node: &'r Node<'a>) {
        match node {
            Node::Text(text) => {
                for piece in placeholder::pieces(&text.text) {
                    match piece {
                        Piece::Literal(t) => text_into(&mut self.out, t),
                        Piece::Placeholder { name, range } => match (self.opts.resolve)(name) {
                            Some(value) => text_into(&mut self.out, &value),
                            None => text_into(&mut self.out, &text.text[range]),
                        },
                    }
                }
            }
            Node::Code(code) => {
                self.out.push_str("<code>");
                text_into(&mut self.out, code);
                self.out.push_str("</code>");
            }
            Node::Html(html) => text_into(&mut self.out, html),
            Node::FootnoteRef(label) => self.footnote_ref(label),
            Node::SoftBreak => self.out.push('\n'),
            Node::HardBreak => self.out.push_str("<br>\n"),
            Node::Rule => self.out.push_str("<hr>\n"),
            Node::TaskMarker(done) => {
                let (mark, said) = if *done { ("☑", "Done: ") } else { ("☐", "Not done: ") };
                write!(
                    self.out,
                    "<span aria-hidden=\"true\">{mark}</span> <span class=\"visually-hidden\">{said}</span>"
                )
                .unwrap();
            }
            Node::Elem(tag, children) => match &**tag {
                Tag::Emphasis => self.wrap("<em>", "</em>", |s| s.inlines(children)),
                Tag::Strong => self.wrap("<strong>", "</strong>", |s| s.inlines(children)),
                Tag::Strikethrough => self.wrap("<del>", "</del>", |s| s.inlines(children)),
                Tag::Superscript => self.wrap("<sup>", "</sup>", |s| s.inlines(children)),
                Tag::Subscript => self.wrap("<sub>", "</sub>", |s| s.inlines(children)),
                Tag::Link { dest_url, title, .. } => match safe_href(dest_url) {
                    Some(href) => {
                        let mut open = format!("<a href=\"{}\"", attr(&href));
                        if !title.is_empty() {
                            write!(open, " title=\"{}\"", attr(title)).unwrap();
                        }
                        open.push('>');
                        self.wrap(&open, "</a>", |s| s.inlines(children));
                    }
                    None => self.inlines(children),
                },
                Tag::Image { dest_url, .. } => {
                    let mut alt = String::new();
                    tree::plain_inline_text(children, &mut alt);
                    match (self.opts.image)(dest_url) {
                        Some(src) => {
                            write!(self.out, "<img src=\"{}\" alt=\"{}\">", attr(&src), attr(&alt)).unwrap()
                        }
                        None => {
                            if !self.missing_images.iter().any(|m| m == &**dest_url) {
                                self.missing_images.push(dest_url.to_string());
                            }
                            text_into(&mut self.out, &format!("[image: {alt}]"));
                        }
                    }
                }
                _ => self.block(node),
            },
        }
    }

    // Slugs never hold two hyphens in a row, so these ids cannot clash with a heading's.
    fn note_id(&self, n: usize) -> String {
        format!("{}--note-{n}", self.opts.scope)
    }

    fn ref_id(&self, n: usize, k: usize) -> String {
        if k == 1 {
            format!("{}--ref-{n}", self.opts.scope)
        } else {
            format!("{}--ref-{n}-{k}", self.opts.scope)
        }
    }

    fn footnote_ref(&mut self, label: &str) {
        let key = tree::footnote_key(label);
        if self.footnotes.definition(label).is_none() {
            text_into(&mut self.out, &format!("[^{label}]"));
            return;
        }
        let n = match self.numbers.get(&key) {
            Some(&n) => n,
            None => {
                self.notes.push((key.clone(), 0));
                self.numbers.insert(key, self.notes.len());
                self.notes.len()
            }
        };
        self.notes[n - 1].1 += 1;
        let k = self.notes[n - 1].1;
        let (note, reference) = (self.note_id(n), self.ref_id(n, k));
        self.ids.take(&reference);
        write!(
            self.out,
            "<sup class=\"note-ref\"><a href=\"#{note}\" id=\"{reference}\">\
             <span class=\"visually-hidden\">Note </span>{n}</a></sup>"
        )
        .unwrap();
    }

    /// The section's notes, numbered in order of first reference, each linking back to
    /// every place that refers to it. Notes nothing refers to are listed too, so no text is
    /// ever lost.
    fn notes_list(&mut self, nodes: &'r [Node<'a>]) {
        let mut definitions = Vec::new();
        collect_definitions(nodes, &mut definitions);
        if definitions.is_empty() {
            return;
        }
        let mut items = String::new();
        let body = std::mem::take(&mut self.out);
        self.in_note += 1;
        let mut i = 0;
        // Rendering a note can refer to further notes, which join the end of the list.
        while i < self.notes.len() {
            let key = self.notes[i].0.clone();
            if let Some(def) = definitions.iter().find(|d| self.footnotes.is_first(d) && def_key(d) == key) {
                self.note_item(&mut items, i + 1, def, true);
            }
            i += 1;
        }
        // Unreferenced notes and second definitions of a label.
        let mut n = self.notes.len();
        for def in &definitions {
            let referenced = self.footnotes.is_first(def) && self.numbers.contains_key(&def_key(def));
            if !referenced {
                n += 1;
                self.note_item(&mut items, n, def, false);
            }
        }
        self.in_note -= 1;
        self.out = body;
        let heading = self.ids.claim(&format!("{} notes", self.opts.scope), self.opts.scope);
        let level = self.opts.top_level.min(6);
        write!(
            self.out,
            "<div class=\"notes\">\n<h{level} id=\"{heading}\">Notes</h{level}>\n<ol>\n{items}</ol>\n</div>\n"
        )
        .unwrap();
    }

    fn note_item(&mut self, items: &mut String, n: usize, def: &'r Node<'a>, referenced: bool) {
        let Node::Elem(_, children) = def else { return };
        let id = self.note_id(n);
        self.ids.take(&id);
        self.out.clear();
        self.blocks(children);
        let mut text = std::mem::take(&mut self.out);
        if referenced {
            let refs = self.notes[n - 1].1;
            let mut back = String::new();
            for k in 1..=refs {
                let which = if refs > 1 { format!(" ({k})") } else { String::new() };
                write!(
                    back,
                    " <a class=\"back-ref\" href=\"#{}\">Back to reference {n}{which}</a>",
                    self.ref_id(n, k)
                )
                .unwrap();
            }
            // The links go inside the note's last paragraph, where a reader finishes.
            match text.rfind("</p>") {
                Some(at) if text[at..].trim_end() == "</p>" => text.insert_str(at, &back),
                _ => text.push_str(&format!("<p>{}</p>\n", back.trim_start())),
            }
        }
        writeln!(items, "<li id=\"{id}\" value=\"{n}\">{}</li>", text.trim_end()).unwrap();
    }
}

fn def_key(def: &Node<'_>) -> String {
    match def {
        Node::Elem(tag, _) => match &**tag {
            Tag::FootnoteDefinition(label) => tree::footnote_key(label),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn collect_definitions<'r, 'a>(nodes: &'r [Node<'a>], out: &mut Vec<&'r Node<'a>>) {
    for node in nodes {
        if let Node::Elem(tag, children) = node {
            if matches!(**tag, Tag::FootnoteDefinition(_)) {
                out.push(node);
            }
            if !matches!(**tag, Tag::Image { .. }) {
                collect_definitions(children, out);
            }
        }
    }
}

/// A link destination a reader can follow without running anything: web and mail links,
/// phone numbers, and links within the page or the site. `javascript:`, `data:` and other
/// schemes are dropped (the link text stays).
fn safe_href(dest: &str) -> Option<String> {
    let trimmed = dest.trim();
    let scheme_end = trimmed.find(':');
    let before_path = trimmed.find(['/', '?', '#']).unwrap_or(trimmed.len());
    match scheme_end {
        Some(i) if i < before_path => {
            let scheme = trimmed[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel").then(|| trimmed.to_string())
        }
        _ => Some(trimmed.to_string()),
    }
}
