use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::load::content::{Document, Kind};
use crate::markdown::doc::{Resolve, normalise};

fn doc(md: &str) -> Document {
    Document {
        slug: "t".into(),
        title: "T".into(),
        kind: Kind::AgDisclaimer(Default::default()),
        path: "t.md".into(),
        shown: "t.md".into(),
        text: Arc::from(md),
        body_start: 0,
        sign_off: crate::approval::view::SignOff::NotRequired,
    }
}

/// The body of `md` as a Word file.
fn word_file(md: &str) -> Vec<u8> {
    let d = doc(md);
    let values = crate::load::fields::Values::new();
    let ids = Ids::default();
    let lookup = Lookup { values: &values, doc: &d };
    let value = |n: &str| lookup.value(n);
    let label = |n: &str| declared_label(&d, n);
    let resolve = Resolve { image: &|_| None, value: &value, label: &label };
    let mut body = body::Body::new(&ids);
    body.document(&normalise(md, &resolve));
    let mut docx = styles::add(Docx::new());
    for block in body.blocks {
        docx = match block {
            Block::Para(p) => docx.add_paragraph(*p),
            Block::Table(t) => docx.add_table(*t),
        };
    }
    let meta = package::Meta {
        title: "T".into(),
        creator: "C".into(),
        date: None,
        logo_alt: None,
        description: None,
    };
    package::write(docx, &meta).unwrap()
}

/// The body of `md` as a Word file, read back as (style, text) per paragraph.
fn round_trip(md: &str) -> Vec<(String, String)> {
    let bytes = word_file(md);
    let read = docx_rs::read_docx(&bytes).expect("the Word file reads back");
    let mut out = Vec::new();
    for child in &read.document.children {
        match child {
            docx_rs::DocumentChild::Paragraph(p) => {
                let style = p.property.style.as_ref().map(|s| s.val.clone()).unwrap_or_default();
                out.push((style, p.raw_text()));
            }
            docx_rs::DocumentChild::Table(t) => {
                for docx_rs::TableChild::TableRow(row) in &t.rows {
                    for docx_rs::TableRowChild::TableCell(cell) in &row.cells {
                        for c in &cell.children {
                            if let docx_rs::TableCellContent::Paragraph(p) = c {
                                out.push(("cell".into(), p.raw_text()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn headings_start_at_heading_1_and_placeholders_show_labels() {
    let paras = round_trip(
        "### Top\n\nText {{ practice.signatory.role }}\n\n#### Under\n\n> quoted\n\n```\ncode\n```",
    );
    assert_eq!(paras[0], ("Heading1".into(), "Top".into()));
    assert_eq!(paras[1].1, "Text [Role]");
    assert_eq!(paras[2], ("Heading2".into(), "Under".into()));
    assert_eq!(paras[3], ("Quote".into(), "quoted".into()));
    assert_eq!(paras[4], ("Code".into(), "code".into()));
}

#[test]
fn heading_levels_close_gaps_as_in_the_pdf() {
    let md = "# A\n\n### B\n\n#### C\n\n## D\n\ntext";
    let levels = crate::markdown::headings::relative_levels(&[1, 3, 4, 2]);
    let paras = round_trip(md);
    let styles: Vec<&str> =
        paras.iter().filter(|(s, _)| s.starts_with("Heading")).map(|(s, _)| s.as_str()).collect();
    let want: Vec<String> = levels.iter().map(|l| format!("Heading{l}")).collect();
    assert_eq!(styles, want, "the same outline as the PDF and web page, with no level skipped");
}

#[test]
fn word_matches_footnote_labels_whatever_their_case() {
    // Regression: Word read `[^A]` and `[^a]:` as two notes, numbered a reference to no note,
    // and listed notes where they were written; now it numbers notes as every format does.
    let paras = round_trip("See[^A] and[^nope].\n\n[^a]: The note.\n\nMore.");
    let text: Vec<&str> = paras.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(text, ["See[1] and[^nope].", "More.", "[1] The note."]);
}

#[test]
fn same_letter_same_bytes_in_one_thread() {
    // docx-rs numbers paragraphs per thread; ours restart per document.
    let a = word_file("one\n\ntwo\n\n- three");
    let b = word_file("one\n\ntwo\n\n- three");
    assert_eq!(a, b);
}

proptest! {
    /// Whatever the Markdown, the Word file is written, reads back, and keeps every word a
    /// reader sees (the text pulldown-cmark finds: not a code fence's info string, say; a
    /// placeholder shows its label instead).
    #[test]
    fn any_markdown_keeps_its_words(md in crate::markdown::testing::markdown()) {
        use pulldown_cmark::Event;
        let paras = round_trip(&md);
        let text: String = paras.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(" ");
        // Adjacent text events are one run of text, which a placeholder may straddle.
        let mut visible = String::new();
        let mut run = String::new();
        for event in pulldown_cmark::Parser::new_ext(&md, crate::markdown::tree::options()) {
            match event {
                Event::Text(t) => run.push_str(&t),
                other => {
                    for piece in pieces(&run) {
                        if let Piece::Literal(t) = piece {
                            visible.push_str(t);
                        }
                        visible.push(' ');
                    }
                    run.clear();
                    if let Event::Code(t) = other {
                        visible.push_str(&t);
                        visible.push(' ');
                    }
                }
            }
        }
        for piece in pieces(&run) {
            if let Piece::Literal(t) = piece {
                visible.push_str(t);
            }
            visible.push(' ');
        }
        let visible = crate::write::docx::every_format::as_read_back(&visible);
        for word in visible.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()) {
            prop_assert!(text.contains(word), "{word:?} lost from {md:?}: {paras:?}");
        }
    }
}
