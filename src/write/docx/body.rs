//! A letter's Markdown body as Word paragraphs, walking pulldown-cmark's events: headings,
//! paragraphs, lists (numbered lists each restart at their own start), quotes, code, tables,
//! emphasis, links and `{{ placeholders }}`.

use docx_rs::{
    BorderType, BreakType, LineSpacing, NumberingId, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    Run, RunFonts, Table, TableCell, TableRow, VertAlignType, WidthType,
};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::styles;
use super::{Block, Ids, Lookup, text_runs};

#[derive(Clone, Copy, Default, PartialEq)]
struct Inline {
    bold: bool,
    italic: bool,
    strike: bool,
    link: bool,
    /// Raised or lowered, as `^x^` and `~x~` make it in the PDF and on the web page.
    raised: Option<bool>,
}

struct List {
    /// The numbering instance (`w:numId`) of this list.
    num_id: usize,
    /// The next item opens a new numbered paragraph.
    item_open: bool,
}

pub(super) struct Body<'a> {
    values: &'a Lookup<'a>,
    ids: &'a Ids,
    pub blocks: Vec<Block>,
    /// Lists found, as (numId, abstract numbering, start, depth), for numbering.xml.
    pub numberings: Vec<(usize, usize, u64, usize)>,
    para: Option<Paragraph>,
    /// Text waiting to be written in the current inline style.
    text: String,
    inline: Inline,
    inline_stack: Vec<Inline>,
    lists: Vec<List>,
    quote_depth: usize,
    heading: Option<String>,
    /// The smallest heading level in the body becomes Heading 1.
    /// Heading levels that never skip, decided as for the PDF and the web page.
    levels: crate::markdown::headings::Leveller,
    in_image: bool,
    link_dest: Vec<String>,
    link_text: String,
    /// Table under construction: rows of cells of paragraphs.
    table: Option<Vec<Vec<Vec<Paragraph>>>>,
    cell: Option<Vec<Paragraph>>,
    footnotes: Vec<String>,
    /// The text of the code block being read, written out when it ends.
    code: Option<String>,
}

impl<'a> Body<'a> {
    pub fn new(values: &'a Lookup<'a>, ids: &'a Ids) -> Self {
        Body {
            values,
            ids,
            blocks: Vec::new(),
            numberings: Vec::new(),
            para: None,
            text: String::new(),
            inline: Inline::default(),
            inline_stack: Vec::new(),
            lists: Vec::new(),
            quote_depth: 0,
            heading: None,
            levels: Default::default(),
            in_image: false,
            link_dest: Vec::new(),
            link_text: String::new(),
            table: None,
            cell: None,
            footnotes: Vec::new(),
            code: None,
        }
    }

    /// Adds the paragraphs of `md`.
    pub fn markdown(&mut self, md: &str) {
        self.levels = Default::default();
        for event in Parser::new_ext(md, crate::markdown::options()) {
            self.event(event);
        }
        self.close();
    }

    /// Content of one line (a subject), whatever blocks the Markdown parses into, in `para`.
    pub fn inline_markdown(&mut self, md: &str, para: Paragraph) -> Paragraph {
        // A leading no-break space keeps `1. x` or `# x` a paragraph, as for the PDF.
        let line: String =
            md.trim().chars().map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c }).collect();
        let source = format!("\u{a0}{line}");
        self.para = Some(para);
        let mut first = true;
        for event in Parser::new_ext(&source, crate::markdown::options()) {
            match event {
                Event::Text(t) if first => {
                    first = false;
                    self.text.push_str(t.strip_prefix('\u{a0}').unwrap_or(&t));
                }
                Event::Start(
                    Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. },
                )
                | Event::End(
                    TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image,
                )
                | Event::Text(_)
                | Event::Code(_)
                | Event::InlineHtml(_)
                | Event::Html(_)
                | Event::SoftBreak
                | Event::HardBreak => self.event(event),
                // Block structure is flattened: a space between blocks, their text kept.
                Event::End(_) if !self.text.is_empty() && !self.text.ends_with(' ') => self.text.push(' '),
                _ => {}
            }
        }
        let trimmed = self.text.trim_end().len();
        self.text.truncate(trimmed);
        self.flush();
        self.para.take().unwrap_or_default()
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(code) = &mut self.code {
                    code.push_str(&t);
                } else {
                    self.ensure_para();
                    if !self.link_dest.is_empty() {
                        self.link_text.push_str(&t);
                    }
                    if self.in_image {
                        // Image descriptions are shown as written, like the PDF does.
                        self.literal(&t);
                    } else {
                        self.text.push_str(&t);
                    }
                }
            }
            Event::Code(t) => {
                self.ensure_para();
                self.flush();
                let run = self
                    .styled(Run::new())
                    .fonts(RunFonts::new().ascii(styles::CODE_FONT).hi_ansi(styles::CODE_FONT));
                self.push_run(run.add_text(super::xml_text(&t)));
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                self.ensure_para();
                self.literal(&t);
            }
            Event::SoftBreak => self.text.push(' '),
            Event::HardBreak => {
                self.flush();
                self.push_run(Run::new().add_break(BreakType::TextWrapping));
            }
            Event::Rule => {
                self.close();
                let rule =
                    ParagraphBorder::new(ParagraphBorderPosition::Bottom).val(BorderType::Single).size(6);
                let p = self.ids.para().set_borders(docx_rs::ParagraphBorders::with_empty().set(rule));
                self.push_block(p);
            }
            Event::FootnoteReference(label) => {
                let n = self.footnote_number(&label);
                self.ensure_para();
                self.literal(&format!("[{n}]"));
            }
            Event::TaskListMarker(done) => {
                self.ensure_para();
                self.literal(if done { "☑ " } else { "☐ " });
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.ensure_para();
                self.literal(&t);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                // A tight or first paragraph of a list item continues the item's paragraph.
                let continues = self
                    .para
                    .as_ref()
                    .is_some_and(|_| self.text.is_empty() && self.lists.last().is_some_and(|l| l.item_open));
                if !continues {
                    self.open(None);
                }
                if let Some(list) = self.lists.last_mut() {
                    list.item_open = false;
                }
            }
            Tag::Heading { level, .. } => {
                let level = self.levels.level(level as u8);
                self.heading = Some(styles::heading(level));
                let style = self.heading.clone();
                self.open(style.as_deref());
            }
            Tag::BlockQuote(_) => {
                self.close();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(_) => {
                self.close();
                self.open(Some(styles::CODE));
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.close();
                let num_id = self.next_num_id();
                let abstract_id = if start.is_some() { styles::NUMBERS } else { styles::BULLETS };
                self.numberings.push((num_id, abstract_id, start.unwrap_or(1), self.lists.len()));
                self.lists.push(List { num_id, item_open: false });
            }
            Tag::Item => {
                self.close();
                let depth = self.lists.len().saturating_sub(1);
                if let Some(list) = self.lists.last_mut() {
                    list.item_open = true;
                    let p = self
                        .ids
                        .para()
                        .style(styles::LIST)
                        .numbering(NumberingId::new(list.num_id), styles::indent_level(depth));
                    self.para = Some(p);
                }
            }
            Tag::FootnoteDefinition(label) => {
                self.close();
                let n = self.footnote_number(&label);
                self.open(None);
                self.literal(&format!("[{n}] "));
                // The definition's own paragraph continues this one.
                self.lists.push(List { num_id: 0, item_open: true });
            }
            Tag::DefinitionList => self.close(),
            Tag::DefinitionListTitle => {
                self.open(None);
                self.push_inline(|i| i.bold = true);
            }
            Tag::DefinitionListDefinition => {
                self.close();
                let p = self.ids.para().indent(Some(567), None, None, None);
                self.para = Some(p);
            }
            Tag::Table(_) => {
                self.close();
                self.table = Some(Vec::new());
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.push(Vec::new());
                }
            }
            Tag::TableCell => {
                self.cell = Some(Vec::new());
                self.open(None);
                if self.table.as_ref().is_some_and(|t| t.len() == 1) {
                    self.push_inline(|i| i.bold = true);
                }
            }
            Tag::Emphasis => self.push_inline(|i| i.italic = true),
            Tag::Strong => self.push_inline(|i| i.bold = true),
            Tag::Strikethrough => self.push_inline(|i| i.strike = true),
            Tag::Link { dest_url, .. } => {
                self.ensure_para();
                self.push_inline(|i| i.link = true);
                self.link_dest.push(dest_url.to_string());
                self.link_text.clear();
            }
            Tag::Image { .. } => {
                self.ensure_para();
                self.flush();
                self.in_image = true;
                self.literal("[image: ");
            }
            Tag::HtmlBlock | Tag::MetadataBlock(_) => {}
            Tag::Superscript => self.push_inline(|i| i.raised = Some(true)),
            Tag::Subscript => self.push_inline(|i| i.raised = Some(false)),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::DefinitionListDefinition => {
                self.heading = None;
                self.close();
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                for (i, line) in code.trim_end_matches('\n').split('\n').enumerate() {
                    let mut run = Run::new();
                    if i > 0 {
                        run = run.add_break(BreakType::TextWrapping);
                    }
                    self.push_run(run.add_text(super::xml_text(line)));
                }
                self.close();
            }
            TagEnd::BlockQuote(_) => {
                self.close();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.close();
                self.lists.pop();
                // List paragraphs sit close together; the text after a list keeps its distance.
                if self.lists.is_empty()
                    && let Some(Block::Para(last)) = self.blocks.last_mut()
                {
                    let spaced = std::mem::take(&mut **last).line_spacing(LineSpacing::new().after(140));
                    **last = spaced;
                }
            }
            TagEnd::Item => self.close(),
            TagEnd::FootnoteDefinition => {
                self.close();
                self.lists.pop();
            }
            TagEnd::DefinitionListTitle => {
                self.pop_inline();
                self.close();
            }
            TagEnd::TableCell => {
                if self.table.as_ref().is_some_and(|t| t.len() == 1) {
                    self.pop_inline();
                }
                self.close();
                if let (Some(cell), Some(table)) = (self.cell.take(), &mut self.table)
                    && let Some(row) = table.last_mut()
                {
                    row.push(cell);
                }
            }
            TagEnd::Table => {
                if let Some(rows) = self.table.take() {
                    let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
                    let width = super::TEXT_WIDTH / columns;
                    let rows = rows
                        .into_iter()
                        .map(|cells| {
                            TableRow::new(
                                cells
                                    .into_iter()
                                    .map(|paras| {
                                        let cell = TableCell::new().width(width, WidthType::Dxa);
                                        paras.into_iter().fold(cell, TableCell::add_paragraph)
                                    })
                                    .collect(),
                            )
                        })
                        .collect();
                    let table = Table::new(rows)
                        .set_grid(vec![width; columns])
                        .width(super::TEXT_WIDTH, WidthType::Dxa);
                    self.blocks.push(Block::Table(Box::new(table)));
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => self.pop_inline(),
            TagEnd::Link => {
                self.pop_inline();
                let dest = self.link_dest.pop().unwrap_or_default();
                let shown = dest.strip_prefix("mailto:").unwrap_or(&dest);
                // The Word file is edited and printed: keep an address the text does not show.
                if !dest.is_empty() && self.link_text.trim() != shown && !self.in_image {
                    self.literal(&format!(" ({shown})"));
                }
            }
            TagEnd::Image => {
                self.literal("]");
                self.in_image = false;
            }
            _ => {}
        }
    }

    fn footnote_number(&mut self, label: &str) -> usize {
        match self.footnotes.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.footnotes.push(label.to_string());
                self.footnotes.len()
            }
        }
    }

    fn next_num_id(&self) -> usize {
        styles::FIRST_LIST + self.numberings.len()
    }

    fn push_inline(&mut self, change: impl FnOnce(&mut Inline)) {
        self.flush();
        self.inline_stack.push(self.inline);
        change(&mut self.inline);
    }

    fn pop_inline(&mut self) {
        self.flush();
        self.inline = self.inline_stack.pop().unwrap_or_default();
    }

    /// Starts a paragraph in `style`, or in the style its surroundings give.
    fn open(&mut self, style: Option<&str>) {
        self.close();
        let mut p = self.ids.para();
        if let Some(style) = style {
            p = p.style(style);
        } else if self.quote_depth > 0 {
            p = p.style(styles::QUOTE);
        } else if !self.lists.is_empty() {
            // A further paragraph of a list item: indented with the item's text, unnumbered.
            let indent = 360 * self.lists.len() as i32;
            p = p.style(styles::LIST).indent(Some(indent), None, None, None);
        }
        self.para = Some(p);
    }

    fn ensure_para(&mut self) {
        if self.para.is_none() {
            self.open(None);
        }
    }

    fn close(&mut self) {
        self.flush();
        if let Some(p) = self.para.take() {
            self.push_block(p);
        }
    }

    fn push_block(&mut self, p: Paragraph) {
        match &mut self.cell {
            Some(cell) => cell.push(p),
            None => self.blocks.push(Block::Para(Box::new(p))),
        }
    }

    fn styled(&self, mut run: Run) -> Run {
        let i = self.inline;
        if i.bold {
            run = run.bold();
        }
        if i.italic {
            run = run.italic();
        }
        if i.strike {
            run = run.strike();
        }
        if i.link {
            run = run.color(styles::LINK).underline("single");
        }
        if let Some(up) = i.raised {
            let to = if up { VertAlignType::SuperScript } else { VertAlignType::SubScript };
            run.run_property = run.run_property.vert_align(to);
        }
        run
    }

    fn push_run(&mut self, run: Run) {
        if self.para.is_none() {
            self.open(None);
        }
        if let Some(p) = self.para.take() {
            self.para = Some(p.add_run(run));
        }
    }

    /// Writes pending text, filling placeholders.
    fn flush(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        let base = self.styled(Run::new());
        for run in text_runs(&text, self.values, &base) {
            self.push_run(run);
        }
    }

    /// Text shown exactly as written, placeholders and all.
    fn literal(&mut self, text: &str) {
        self.flush();
        let run = self.styled(Run::new()).add_text(super::xml_text(text));
        self.push_run(run);
    }
}
