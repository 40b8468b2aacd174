//! Word editions of letters: the PDF letter's letterhead, date and recipient block, subject,
//! body and signatory as a `.docx` a practice can edit and paste into its clinical system.
//! Values still to fill in are highlighted `[Label]` placeholders.
//!
//! docx-rs builds the document; two things it cannot set yet, the document language and the
//! title in the core properties, are written into its package parts here ([`package`]).

mod body;
mod job;
mod letterhead;
mod package;
mod styles;

use std::cell::Cell;

use docx_rs::{Docx, Paragraph, Run, Table};

use crate::load::config::Practice;
use crate::load::content::{Document, Field, Kind};
use crate::load::fields::{FieldValue, Values};
use crate::markdown::doc::{Resolve, field_label, normalise, normalise_inline};
use crate::markdown::{Piece, pieces};

/// Everything a Word letter shows. It is made from the same values the PDF letter's
/// template receives ([`crate::render`]): the practice, the LMC's and the practice's
/// standard values, a merge row's values, and the letter's declared fields.
pub struct WordLetter<'a> {
    pub practice: &'a Practice,
    pub doc: &'a Document,
    pub values: Values,
    /// The letter date as shown ("25 November 2026"); `None` leaves a placeholder.
    pub date: Option<&'a str>,
    /// `YYYY-MM-DD` for the document's created/modified properties; none when unknown, so
    /// the same inputs give the same bytes.
    pub iso_date: Option<String>,
    /// The practice logo as PNG, rendered by typst from whatever format the profile names.
    pub logo: Option<letterhead::Logo>,
}

pub use job::for_job;
pub use letterhead::{Logo, render_logo};

/// The width between the page margins (170 mm), in twentieths of a point.
pub(crate) const TEXT_WIDTH: usize = 9638;

/// A block of the document body.
pub(crate) enum Block {
    Para(Box<Paragraph>),
    Table(Box<Table>),
}

/// Paragraph ids (`w14:paraId`) numbered per document: docx-rs numbers them per thread,
/// which would make a letter's bytes depend on what the thread built before.
#[derive(Default)]
pub(crate) struct Ids(Cell<u32>);

impl Ids {
    pub fn para(&self) -> Paragraph {
        let n = self.0.get() + 1;
        self.0.set(n);
        Paragraph::new().id(format!("{n:08X}"))
    }
}

/// The letter's declared fields (none for other kinds).
fn declared(doc: &Document) -> &[Field] {
    match &doc.kind {
        Kind::Letter(l) => &l.fields,
        _ => &[],
    }
}

/// The label a declared field shows when it has no value.
fn declared_label(doc: &Document, name: &str) -> Option<String> {
    declared(doc).iter().find(|f| f.name == name).map(|f| f.label.clone())
}

/// The label a placeholder shows: the field's own, or one made from its name.
fn label(doc: &Document, name: &str) -> String {
    declared_label(doc, name).unwrap_or_else(|| field_label(name))
}

/// Values and labels for [`text_runs`].
pub(crate) struct Lookup<'a> {
    values: &'a crate::load::fields::Values,
    doc: &'a Document,
}

impl Lookup<'_> {
    /// A field's value as the normalised document carries it: an address's lines broken.
    fn value(&self, name: &str) -> Option<String> {
        self.values.get(name).map(|v| match v {
            FieldValue::Text(t) => t.clone(),
            FieldValue::Lines(lines) => lines.join("\n"),
        })
    }
}

/// Runs for `text`, in `base`'s formatting: literal text as is, each placeholder as its
/// value or, when it has none, as a highlighted `[Label]`.
pub(crate) fn text_runs(text: &str, v: &Lookup, base: &Run) -> Vec<Run> {
    let mut runs = Vec::new();
    for piece in pieces(text) {
        match piece {
            Piece::Literal(t) => runs.push(base.clone().add_text(xml_text(t))),
            Piece::Placeholder { name, .. } => match v.values.get(name) {
                Some(FieldValue::Text(t)) if !t.is_empty() => runs.push(base.clone().add_text(xml_text(t))),
                // An optional field left empty shows nothing, as in the PDF.
                Some(FieldValue::Text(_)) => {}
                Some(FieldValue::Lines(lines)) => {
                    let mut run = base.clone();
                    for (i, line) in lines.iter().enumerate() {
                        if i > 0 {
                            run = run.add_break(docx_rs::BreakType::TextWrapping);
                        }
                        run = run.add_text(xml_text(line));
                    }
                    runs.push(run);
                }
                None => runs.push(placeholder(&label(v.doc, name), base)),
            },
        }
    }
    runs
}

pub(crate) fn placeholder(label: &str, base: &Run) -> Run {
    base.clone()
        .style(styles::PLACEHOLDER)
        .highlight(styles::HIGHLIGHT)
        .add_text(xml_text(&format!("[{label}]")))
}

/// Text as XML 1.0 allows it: control characters other than tab and line breaks cannot be
/// written at all (Word refuses the file), so they are dropped.
pub(crate) fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r') || !(c.is_control() && (*c as u32) < 0x20))
        .filter(|c| !matches!(*c as u32, 0xFFFE | 0xFFFF))
        .collect()
}

/// The document title: the same as the PDF letter's.
pub fn title(doc: &Document, practice: &Practice) -> String {
    format!("{} – {}", doc.title, practice.name)
}

/// The `.docx` file of `letter`.
pub fn letter(letter: &WordLetter) -> anyhow::Result<Vec<u8>> {
    let ids = Ids::default();
    let v = Lookup { values: &letter.values, doc: letter.doc };
    let mut docx = styles::add(Docx::new());
    docx = letterhead::page(docx, letter, &ids);

    let mut blocks = vec![letterhead::date_and_recipient(letter, &v, &ids)];
    let value = |name: &str| v.value(name);
    let label = |name: &str| declared_label(letter.doc, name);
    let resolve = Resolve { image: &|_| None, value: &value, label: &label };
    let mut body = body::Body::new(&ids);
    if let Kind::Letter(l) = &letter.doc.kind
        && let Some(subject) = &l.subject
    {
        let subject = normalise_inline(subject, &resolve);
        let p = body.inline_paragraph(&subject, ids.para().style(styles::TITLE));
        blocks.push(Block::Para(Box::new(p)));
    }
    body.document(&normalise(letter.doc.body(), &resolve));
    blocks.append(&mut body.blocks);
    blocks.extend(letterhead::signature(letter, &v, &ids).into_iter().map(|p| Block::Para(Box::new(p))));

    for block in blocks {
        docx = match block {
            Block::Para(p) => docx.add_paragraph(*p),
            Block::Table(t) => docx.add_table(*t),
        };
    }
    for (num_id, abstract_id, start, depth) in body.numberings {
        let mut numbering = docx_rs::Numbering::new(num_id, abstract_id);
        // Each list restarts its numbering, at the number it was written with.
        numbering = numbering.add_override(docx_rs::LevelOverride::new(depth.min(8)).start(start as usize));
        docx = docx.add_numbering(numbering);
    }
    let meta = package::Meta {
        title: xml_text(&title(letter.doc, letter.practice)),
        creator: xml_text(&letter.practice.name),
        date: letter.iso_date.clone(),
        logo_alt: letter.logo.as_ref().map(|l| xml_text(&l.alt)),
        description: letter.doc.sign_off.words().map(|d| xml_text(&d)),
    };
    package::write(docx, &meta)
}

#[cfg(test)]
pub(crate) mod every_format;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
