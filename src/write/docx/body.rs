//! A letter's [`Doc`] as Word paragraphs: headings, paragraphs, lists (numbered lists each
//! restart at their own start), quotes, code, tables, terms, emphasis, links, fields and the
//! notes. Every policy is the `Doc`'s, as for the PDF; this keeps only Word's own state: the
//! lists' numbering.

use docx_rs::{
    BorderType, BreakType, LineSpacing, NumberingId, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    Run, RunFonts, Table, TableCell, TableRow, VertAlignType, WidthType,
};

use super::styles;
use super::{Block as WordBlock, Ids, placeholder, xml_text};
use crate::markdown::doc::{Block, Doc, Field, Inline, Style, Term};

/// How a run looks.
#[derive(Clone, Copy, Default, PartialEq)]
struct Look {
    bold: bool,
    italic: bool,
    strike: bool,
    link: bool,
    /// Raised or lowered, as `^x^` and `~x~` make it in the PDF and on the web page.
    raised: Option<bool>,
}

/// Where a block sits, which decides its paragraphs' style.
#[derive(Clone, Copy, Default)]
struct Place {
    quote: bool,
    /// How many list items the block sits inside (as a further paragraph of the innermost).
    list_depth: usize,
}

pub(super) struct Body<'a> {
    ids: &'a Ids,
    pub blocks: Vec<WordBlock>,
    /// Lists found, as (numId, abstract numbering, start, depth), for numbering.xml.
    pub numberings: Vec<(usize, usize, u64, usize)>,
}

impl<'a> Body<'a> {
    pub fn new(ids: &'a Ids) -> Self {
        Body { ids, blocks: Vec::new(), numberings: Vec::new() }
    }

    /// Adds the paragraphs of `doc`, then its notes, each as "[n] text".
    pub fn document(&mut self, doc: &Doc) {
        let mut out = Vec::new();
        self.blocks(&doc.blocks, Place::default(), &mut out);
        for (i, note) in doc.notes.iter().enumerate() {
            self.marked(&format!("[{}] ", i + 1), &note.blocks, Place::default(), &mut out);
        }
        self.blocks.extend(out);
    }

    /// `content` (a subject line) in `para`.
    pub fn inline_paragraph(&self, content: &[Inline], para: Paragraph) -> Paragraph {
        runs_into(para, content)
    }

    fn blocks(&mut self, blocks: &[Block], place: Place, out: &mut Vec<WordBlock>) {
        for block in blocks {
            self.block(block, place, out);
        }
    }

    /// A paragraph in the style its place gives.
    fn para(&self, place: Place) -> Paragraph {
        let p = self.ids.para();
        if place.quote {
            p.style(styles::QUOTE)
        } else if place.list_depth > 0 {
            // A further paragraph of a list item: indented with the item's text, unnumbered.
            let indent = 360 * place.list_depth as i32;
            p.style(styles::LIST).indent(Some(indent), None, None, None)
        } else {
            p
        }
    }

    fn block(&mut self, block: &Block, place: Place, out: &mut Vec<WordBlock>) {
        let para = |p: Paragraph| WordBlock::Para(Box::new(p));
        match block {
            Block::Para(content) | Block::Plain(content) => {
                out.push(para(runs_into(self.para(place), content)))
            }
            Block::Heading { level, content } => {
                let p = self.ids.para().style(&styles::heading(*level));
                out.push(para(runs_into(p, content)));
            }
            Block::Quote(blocks) => self.blocks(blocks, Place { quote: true, ..place }, out),
            Block::Code { text, .. } => {
                let mut p = self.ids.para().style(styles::CODE);
                for (i, line) in text.split('\n').enumerate() {
                    let mut run = Run::new();
                    if i > 0 {
                        run = run.add_break(BreakType::TextWrapping);
                    }
                    p = p.add_run(run.add_text(xml_text(line)));
                }
                out.push(para(p));
            }
            Block::RawText(text) => {
                out.push(para(self.para(place).add_run(Run::new().add_text(xml_text(text)))));
            }
            Block::List { start, items, .. } => self.list(*start, items, place, out),
            Block::Table { head, rows, .. } => {
                out.push(WordBlock::Table(Box::new(table(self.ids, head, rows))))
            }
            Block::Terms { items, .. } => self.terms(items, place, out),
            Block::Rule => {
                let rule =
                    ParagraphBorder::new(ParagraphBorderPosition::Bottom).val(BorderType::Single).size(6);
                out.push(para(
                    self.ids.para().set_borders(docx_rs::ParagraphBorders::with_empty().set(rule)),
                ));
            }
            Block::NoteInPlace { label, blocks } => self.marked(&format!("[^{label}]: "), blocks, place, out),
        }
    }

    /// `blocks` with `mark` before the text of the first paragraph.
    fn marked(&mut self, mark: &str, blocks: &[Block], place: Place, out: &mut Vec<WordBlock>) {
        let first = self.para(place).add_run(Run::new().add_text(xml_text(mark)));
        self.led(first, blocks, place, out);
    }

    /// `blocks` with the first paragraph's text in `first` (a list item's numbered paragraph,
    /// a note's marked one); further blocks follow in `place`.
    fn led(&mut self, first: Paragraph, blocks: &[Block], place: Place, out: &mut Vec<WordBlock>) {
        match blocks.split_first() {
            Some((Block::Para(content) | Block::Plain(content), rest)) => {
                out.push(WordBlock::Para(Box::new(runs_into(first, content))));
                self.blocks(rest, place, out);
            }
            _ => {
                out.push(WordBlock::Para(Box::new(first)));
                self.blocks(blocks, place, out);
            }
        }
    }

    fn list(&mut self, start: Option<u64>, items: &[Vec<Block>], place: Place, out: &mut Vec<WordBlock>) {
        let depth = place.list_depth;
        let num_id = styles::FIRST_LIST + self.numberings.len();
        let abstract_id = if start.is_some() { styles::NUMBERS } else { styles::BULLETS };
        self.numberings.push((num_id, abstract_id, start.unwrap_or(1), depth));
        for item in items {
            let numbered = self
                .ids
                .para()
                .style(styles::LIST)
                .numbering(NumberingId::new(num_id), styles::indent_level(depth));
            self.led(numbered, item, Place { list_depth: depth + 1, ..place }, out);
        }
        // List paragraphs sit close together; the text after a list keeps its distance.
        if depth == 0
            && let Some(WordBlock::Para(last)) = out.last_mut()
        {
            let spaced = std::mem::take(&mut **last).line_spacing(LineSpacing::new().after(140));
            **last = spaced;
        }
    }

    fn terms(&mut self, items: &[Term], place: Place, out: &mut Vec<WordBlock>) {
        for item in items {
            if !item.term.is_empty() {
                let look = Look { bold: true, ..Look::default() };
                let mut p = self.para(place);
                for run in runs(&item.term, look) {
                    p = p.add_run(run);
                }
                out.push(WordBlock::Para(Box::new(p)));
            }
            for definition in &item.definitions {
                let first = self.ids.para().indent(Some(567), None, None, None);
                self.led(first, definition, place, out);
            }
        }
    }
}

fn table(ids: &Ids, head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) -> Table {
    let columns = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
    let width = super::TEXT_WIDTH / columns;
    let row = |cells: &[Vec<Inline>], bold: bool| {
        let look = Look { bold, ..Look::default() };
        TableRow::new(
            cells
                .iter()
                .map(|content| {
                    let mut p = ids.para();
                    for run in runs(content, look) {
                        p = p.add_run(run);
                    }
                    TableCell::new().width(width, WidthType::Dxa).add_paragraph(p)
                })
                .collect(),
        )
    };
    let mut table_rows = Vec::new();
    if !head.is_empty() {
        table_rows.push(row(head, true));
    }
    table_rows.extend(rows.iter().map(|r| row(r, false)));
    Table::new(table_rows).set_grid(vec![width; columns]).width(super::TEXT_WIDTH, WidthType::Dxa)
}

/// `para` with the runs of `content` added.
fn runs_into(mut para: Paragraph, content: &[Inline]) -> Paragraph {
    for run in runs(content, Look::default()) {
        para = para.add_run(run);
    }
    para
}

/// The runs of `content` in `look`.
fn runs(content: &[Inline], look: Look) -> Vec<Run> {
    let mut out = Runs { runs: Vec::new(), text: String::new(), look };
    out.inlines(content, look);
    out.flush();
    out.runs
}

/// Runs being made, with text of one look gathered into one run.
struct Runs {
    runs: Vec<Run>,
    text: String,
    /// The look of `text`.
    look: Look,
}

impl Runs {
    fn inlines(&mut self, content: &[Inline], look: Look) {
        for inline in content {
            self.inline(inline, look);
        }
    }

    fn inline(&mut self, inline: &Inline, look: Look) {
        match inline {
            Inline::Text { text, .. } => self.text(text, look),
            Inline::Unbroken { text, .. } => self.text(&unbroken(text), look),
            Inline::Field(field) => self.field(field, look),
            Inline::Code(code) => {
                self.flush();
                let run = styled(Run::new(), look)
                    .fonts(RunFonts::new().ascii(styles::CODE_FONT).hi_ansi(styles::CODE_FONT));
                self.runs.push(run.add_text(xml_text(code)));
            }
            Inline::Style(style, content) => {
                let mut inner = look;
                match style {
                    Style::Emphasis => inner.italic = true,
                    Style::Strong => inner.bold = true,
                    Style::Strike => inner.strike = true,
                    Style::Super => inner.raised = Some(true),
                    Style::Sub => inner.raised = Some(false),
                }
                self.inlines(content, inner);
            }
            Inline::Link(link) => {
                self.inlines(&link.content, Look { link: true, ..look });
                // The Word file is edited and printed: keep an address the text does not show.
                if let Some(address) = &link.shown {
                    self.text(&format!(" ({address})"), look);
                }
            }
            Inline::Image { alt, .. } => self.text(&format!("[image: {alt}]"), look),
            Inline::NoteRef(n) => self.text(&format!("[{n}]"), look),
            Inline::Task(done) => self.text(if *done { "☑ " } else { "☐ " }, look),
            Inline::SoftBreak => self.text(" ", look),
            Inline::HardBreak => {
                self.flush();
                self.runs.push(Run::new().add_break(BreakType::TextWrapping));
            }
        }
    }

    fn text(&mut self, text: &str, look: Look) {
        if look != self.look {
            self.flush();
            self.look = look;
        }
        self.text.push_str(text);
    }

    /// A field's value, its lines broken as written, or, when it has none, a highlighted
    /// `[Label]`. An optional field left empty shows nothing, as in the PDF.
    fn field(&mut self, field: &Field, look: Look) {
        self.flush();
        let base = styled(Run::new(), look);
        match &field.value {
            Some(value) if value.is_empty() => {}
            Some(value) => {
                let mut run = base;
                for (i, line) in value.split('\n').enumerate() {
                    if i > 0 {
                        run = run.add_break(BreakType::TextWrapping);
                    }
                    let line = if field.unbroken { unbroken(line) } else { line.to_string() };
                    run = run.add_text(xml_text(&line));
                }
                self.runs.push(run);
            }
            None => self.runs.push(placeholder(&field.label, &base)),
        }
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.runs.push(styled(Run::new(), self.look).add_text(xml_text(&text)));
        }
    }
}

/// A phone number or an e-mail address as Word keeps it on one line: its spaces no-break
/// spaces, its hyphens no-break hyphens.
pub(super) fn unbroken(text: &str) -> String {
    text.replace(' ', "\u{a0}").replace('-', "\u{2011}")
}

fn styled(mut run: Run, look: Look) -> Run {
    if look.bold {
        run = run.bold();
    }
    if look.italic {
        run = run.italic();
    }
    if look.strike {
        run = run.strike();
    }
    if look.link {
        run = run.color(styles::LINK).underline("single");
    }
    if let Some(up) = look.raised {
        let to = if up { VertAlignType::SuperScript } else { VertAlignType::SubScript };
        run.run_property = run.run_property.vert_align(to);
    }
    run
}
