//! [`Doc`] → HTML for the web page. Every policy (levels, notes, links, images, fields) is
//! the `Doc`'s, as for the PDF; this keeps only the page's own state: ids, the notes' ways
//! back, and a depth limit.
//!
//! Raw HTML in the Markdown is shown as text, as in the PDF: content is data, never code.
//! Refused links keep their text and lose their address.

use std::fmt::Write;

use base64::Engine as _;

use super::escape::{attr, text_into};
use super::ids::Ids;
use crate::markdown::doc::{self, Align, Asset, Block, Doc, Inline, LinkKind, Resolve, Style, Term};

/// Containers nested deeper than this are flattened (their text is kept), so that hostile
/// input cannot exhaust the stack.
const MAX_DEPTH: usize = 48;

pub struct Options<'a> {
    /// The `h` level of the body's top headings (3 under a section's `h2`).
    pub top_level: u8,
    /// The section's id: footnote ids are built from it, and clashing heading ids are
    /// scoped by it.
    pub scope: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub html: String,
    /// (id, text, level) of each heading, in order.
    pub headings: Vec<(String, String, u8)>,
}

/// Normalises `md` with `value` for placeholders and `image` for images, and converts it.
pub fn to_html(
    md: &str,
    ids: &mut Ids,
    opts: &Options,
    value: &dyn Fn(&str) -> Option<String>,
    image: &dyn Fn(&str) -> Option<Asset>,
) -> (Doc, Converted) {
    let doc = doc::normalise(md, &Resolve { image, value, label: &|_| None });
    let converted = doc_to_html(&doc, ids, opts);
    (doc, converted)
}

/// A normalised document as the body of a section of the page.
pub fn doc_to_html(doc: &Doc, ids: &mut Ids, opts: &Options) -> Converted {
    let mut r = Html {
        out: String::new(),
        doc,
        opts,
        ids,
        references: vec![0; doc.notes.len()],
        in_note: 0,
        depth: 0,
        tables: 0,
        headings: Vec::new(),
    };
    r.blocks(&doc.blocks);
    r.notes_list();
    Converted { html: r.out, headings: r.headings }
}

struct Html<'o> {
    out: String,
    doc: &'o Doc,
    opts: &'o Options<'o>,
    ids: &'o mut Ids,
    /// How often each note has been referred to so far.
    references: Vec<usize>,
    /// Inside a note's text: headings there are shown as bold paragraphs.
    in_note: usize,
    depth: usize,
    tables: usize,
    headings: Vec<(String, String, u8)>,
}

impl Html<'_> {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
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

    fn block(&mut self, block: &Block) {
        match block {
            Block::Para(content) => self.wrap("<p>", "</p>\n", |s| s.inlines(content)),
            Block::Plain(content) => self.inlines(content),
            Block::Heading { level, content } => self.heading(*level, content),
            Block::Quote(blocks) => self.wrap("<blockquote>\n", "</blockquote>\n", |s| s.blocks(blocks)),
            Block::Code { text, .. } => {
                self.out.push_str("<pre><code>");
                text_into(&mut self.out, text);
                self.out.push_str("</code></pre>\n");
            }
            Block::RawText(text) => {
                self.out.push_str("<p>");
                text_into(&mut self.out, text);
                self.out.push_str("</p>\n");
            }
            Block::List { start, items, .. } => {
                let open = match start {
                    Some(1) => "<ol>\n".to_string(),
                    Some(n) => format!("<ol start=\"{n}\">\n"),
                    None => "<ul>\n".to_string(),
                };
                let close = if start.is_some() { "</ol>\n" } else { "</ul>\n" };
                self.wrap(&open, close, |s| {
                    for item in items {
                        s.wrap("<li>", "</li>\n", |s| s.blocks(item));
                    }
                });
            }
            Block::Table { align, head, rows } => self.table(align, head, rows),
            Block::Terms { items, .. } => self.wrap("<dl>\n", "</dl>\n", |s| s.terms(items)),
            Block::Rule => self.out.push_str("<hr>\n"),
            Block::NoteInPlace { label, blocks } => {
                let mark = self.out.len();
                self.blocks(blocks);
                let mut label_text = String::new();
                text_into(&mut label_text, &format!("[^{label}]: "));
                if self.out[mark..].starts_with("<p>") {
                    self.out.insert_str(mark + "<p>".len(), &label_text);
                } else {
                    self.out.insert_str(mark, &format!("<p>{}</p>\n", label_text.trim_end()));
                }
            }
        }
    }

    fn terms(&mut self, items: &[Term]) {
        for item in items {
            if !item.term.is_empty() {
                self.wrap("<dt>", "</dt>\n", |s| s.inlines(&item.term));
            }
            for definition in &item.definitions {
                self.wrap("<dd>", "</dd>\n", |s| s.blocks(definition));
            }
        }
    }

    fn heading(&mut self, level: u8, content: &[Inline]) {
        if self.in_note > 0 {
            self.wrap("<p><strong>", "</strong></p>\n", |s| s.inlines(content));
            return;
        }
        let level = (self.opts.top_level + level - 1).min(6);
        let text = shown_text(content);
        let id = self.ids.claim(&text, self.opts.scope);
        write!(self.out, "<h{level} id=\"{id}\">").unwrap();
        self.inlines(content);
        writeln!(self.out, "</h{level}>").unwrap();
        self.headings.push((id, text, level));
    }

    fn table(&mut self, align: &[Align], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) {
        self.tables += 1;
        // The caption names the table for assistive technology and labels the scrolling
        // region that keeps a wide table from widening the page on a phone.
        let cells: Vec<String> =
            head.iter().map(|c| shown_text(c).trim().to_owned()).filter(|t| !t.is_empty()).collect();
        let label = cells.join(", ");
        let label =
            if label.is_empty() { format!("Table {}", self.tables) } else { format!("Table: {label}") };
        write!(
            self.out,
            "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n<table>\n",
            attr(&label)
        )
        .unwrap();
        if !head.is_empty() {
            self.out.push_str("<thead>\n");
            self.row(align, head, true);
            self.out.push_str("</thead>\n");
        }
        if !rows.is_empty() {
            self.out.push_str("<tbody>\n");
            for row in rows {
                self.row(align, row, false);
            }
            self.out.push_str("</tbody>\n");
        }
        self.out.push_str("</table>\n</div>\n");
    }

    fn row(&mut self, align: &[Align], cells: &[Vec<Inline>], head: bool) {
        self.out.push_str("<tr>");
        for (c, content) in cells.iter().enumerate() {
            let class = match align.get(c) {
                Some(Align::Left) => " class=\"left\"",
                Some(Align::Center) => " class=\"center\"",
                Some(Align::Right) => " class=\"right\"",
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
    }

    fn inlines(&mut self, content: &[Inline]) {
        for inline in content {
            self.inline(inline);
        }
    }

    fn inline(&mut self, inline: &Inline) {
        match inline {
            Inline::Text { text, .. } => text_into(&mut self.out, text),
            Inline::Unbroken { text, .. } => self.unbroken(text),
            Inline::Field(field) => match &field.value {
                Some(value) if field.unbroken => self.unbroken(value),
                Some(value) => text_into(&mut self.out, value),
                None => {
                    self.out.push_str("<span class=\"blank\">");
                    text_into(&mut self.out, &format!("[{}]", field.label));
                    self.out.push_str("</span>");
                }
            },
            Inline::Code(code) => {
                self.out.push_str("<code>");
                text_into(&mut self.out, code);
                self.out.push_str("</code>");
            }
            Inline::NoteRef(n) => self.note_ref(*n),
            Inline::SoftBreak => self.out.push('\n'),
            Inline::HardBreak => self.out.push_str("<br>\n"),
            Inline::Task(done) => {
                let (mark, said) = if *done { ("☑", "Done: ") } else { ("☐", "Not done: ") };
                write!(
                    self.out,
                    "<span aria-hidden=\"true\">{mark}</span> <span class=\"visually-hidden\">{said}</span>"
                )
                .unwrap();
            }
            Inline::Style(style, content) => {
                let (open, close) = match style {
                    Style::Emphasis => ("<em>", "</em>"),
                    Style::Strong => ("<strong>", "</strong>"),
                    Style::Strike => ("<del>", "</del>"),
                    Style::Super => ("<sup>", "</sup>"),
                    Style::Sub => ("<sub>", "</sub>"),
                };
                self.wrap(open, close, |s| s.inlines(content));
            }
            Inline::Link(link) => {
                if link.kind == LinkKind::Refused {
                    self.inlines(&link.content);
                } else {
                    let mut open = format!("<a href=\"{}\"", attr(&link.dest));
                    if !link.title.is_empty() {
                        write!(open, " title=\"{}\"", attr(&link.title)).unwrap();
                    }
                    open.push('>');
                    self.wrap(&open, "</a>", |s| s.inlines(&link.content));
                }
            }
            Inline::Image { alt, asset, .. } => match asset.and_then(|i| data_url(&self.doc.assets[i])) {
                Some(src) => write!(self.out, "<img src=\"{}\" alt=\"{}\">", attr(&src), attr(alt)).unwrap(),
                None => text_into(&mut self.out, &format!("[image: {alt}]")),
            },
        }
    }

    /// A phone number or an e-mail address, kept on one line by the page's `nowrap` class.
    fn unbroken(&mut self, text: &str) {
        self.out.push_str("<span class=\"nowrap\">");
        text_into(&mut self.out, text);
        self.out.push_str("</span>");
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

    fn note_ref(&mut self, n: usize) {
        let Some(count) = self.references.get_mut(n - 1) else { return };
        *count += 1;
        let k = *count;
        let (note, reference) = (self.note_id(n), self.ref_id(n, k));
        self.ids.take(&reference);
        write!(
            self.out,
            "<sup class=\"note-ref\"><a href=\"#{note}\" id=\"{reference}\">\
             <span class=\"visually-hidden\">Note </span>{n}</a></sup>"
        )
        .unwrap();
    }

    /// The section's notes, in number order, each linking back to every place that refers
    /// to it.
    fn notes_list(&mut self) {
        if self.doc.notes.is_empty() {
            return;
        }
        let mut items = String::new();
        let body = std::mem::take(&mut self.out);
        self.in_note += 1;
        let doc = self.doc;
        for (i, note) in doc.notes.iter().enumerate() {
            let n = i + 1;
            let id = self.note_id(n);
            self.ids.take(&id);
            self.out.clear();
            self.blocks(&note.blocks);
            let mut text = std::mem::take(&mut self.out);
            let refs = self.references[i];
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
                _ if !back.is_empty() => text.push_str(&format!("<p>{}</p>\n", back.trim_start())),
                _ => {}
            }
            writeln!(items, "<li id=\"{id}\" value=\"{n}\">{}</li>", text.trim_end()).unwrap();
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
}

/// The text of inline content as the page shows it, for ids and labels.
fn shown_text(content: &[Inline]) -> String {
    let mut text = String::new();
    doc::inline_text(content, &mut text);
    text
}

/// An image as a `data:` URL, so the page stays one file that needs nothing from anywhere
/// else; none when the file cannot be read.
fn data_url(asset: &Asset) -> Option<String> {
    let bytes = std::fs::read(&asset.file).ok()?;
    Some(format!("data:{};base64,{}", asset.mime, base64::engine::general_purpose::STANDARD.encode(bytes)))
}
