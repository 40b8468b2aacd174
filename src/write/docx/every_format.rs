//! The property that holds every format to one [`Doc`]: for any Markdown, the compiled typst,
//! the web page, the Word text and the plain text keep every visible word in order, share one
//! heading outline and one set of note numbers, and show every field as its value or its
//! label.

use docx_rs::Docx;
use proptest::prelude::*;
use typst::syntax::ast;

use super::{Block as WordBlock, Ids, body, package, styles};
use crate::markdown::doc::{self, Block, Doc, Inline, Resolve};
use crate::markdown::testing::{compile_with, markdown};
use crate::markdown::typst_escape as escape;
use crate::render::html::ids::Ids as HtmlIds;
use crate::render::html::{Options, RESERVED_IDS, doc_to_html};

/// Some fields have a value and some not, so both ways of showing one are tried.
fn value(name: &str) -> Option<String> {
    name.len().is_multiple_of(2).then(|| "Known".to_owned())
}

fn normalise(md: &str) -> Doc {
    doc::normalise(md, &Resolve { value: &value, ..Resolve::NOTHING })
}

/// The ASCII letters of `text`, in order: what every format must keep, whatever spacing and
/// punctuation each adds.
fn letters(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphabetic).collect()
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut haystack = haystack.chars();
    needle.chars().all(|c| haystack.any(|h| h == c))
}

/// Characters that make the bidirectional algorithm reorder their paragraph's runs.
fn reorders(c: char) -> bool {
    use unicode_bidi::BidiClass::*;
    matches!(unicode_bidi::bidi_class(c), R | AL | RLE | RLO | RLI | FSI | LRE | LRO | LRI | PDF | PDI)
}

/// What a document says: the text of each paragraph-like block in reading order (the body,
/// notes written in place included), and the text of the notes shown at their references.
struct Said {
    /// Text whose order every format keeps (paragraphs with right-to-left text left out).
    in_order: String,
    /// Text every format shows somewhere.
    anywhere: Vec<String>,
    /// Whether the text is as docx-rs reads it back.
    read_back: bool,
}

/// Text as docx-rs's reader returns it: it decodes entities a second time, so text that reads
/// `&amp;` comes back as `&` (Word itself shows what was written).
pub(super) fn as_read_back(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn said(doc: &Doc, read_back: bool) -> Said {
    fn blocks(blocks: &[Block], said: &mut Said, ordered: bool) {
        for b in blocks {
            block(b, said, ordered);
        }
    }
    fn leaf(text: String, said: &mut Said, ordered: bool) {
        let text = if said.read_back { as_read_back(&text) } else { text };
        if ordered && !text.chars().any(reorders) {
            said.in_order.push_str(&letters(&text));
        }
        said.anywhere.push(text);
    }
    fn inline(content: &[Inline], said: &mut Said, ordered: bool) {
        let mut text = String::new();
        doc::inline_text(content, &mut text);
        leaf(text, said, ordered);
    }
    fn block(b: &Block, said: &mut Said, ordered: bool) {
        match b {
            Block::Para(i) | Block::Plain(i) | Block::Heading { content: i, .. } => inline(i, said, ordered),
            Block::Code { text, .. } | Block::RawText(text) => leaf(text.clone(), said, ordered),
            Block::Quote(c) => blocks(c, said, ordered),
            Block::List { items, .. } => items.iter().for_each(|c| blocks(c, said, ordered)),
            Block::Table { head, rows, .. } => {
                head.iter().chain(rows.iter().flatten()).for_each(|c| inline(c, said, ordered))
            }
            Block::Terms { items, .. } => items.iter().for_each(|t| {
                inline(&t.term, said, ordered);
                t.definitions.iter().for_each(|c| blocks(c, said, ordered));
            }),
            Block::Rule => {}
            Block::NoteInPlace { label, blocks: c } => {
                leaf(label.clone(), said, ordered);
                blocks(c, said, ordered);
            }
        }
    }
    let mut out = Said { in_order: String::new(), anywhere: Vec::new(), read_back };
    blocks(&doc.blocks, &mut out, true);
    doc.notes.iter().for_each(|n| blocks(&n.blocks, &mut out, false));
    out
}

/// The levels of the headings in `blocks`, in order (notes shown at their references aside).
fn outline(blocks: &[Block], out: &mut Vec<u8>) {
    for b in blocks {
        match b {
            Block::Heading { level, .. } => out.push(*level),
            Block::Quote(c) | Block::NoteInPlace { blocks: c, .. } => outline(c, out),
            Block::List { items, .. } => items.iter().for_each(|c| outline(c, out)),
            Block::Terms { items, .. } => {
                items.iter().flat_map(|t| &t.definitions).for_each(|c| outline(c, out))
            }
            _ => {}
        }
    }
}

/// The PDF: the typst markup's heading levels outside footnotes, and its compiled text, with
/// a `field` that shows a value or `[Label]` as the template's does.
fn typst(doc: &Doc) -> (Vec<u8>, String) {
    let markup = crate::markdown::doc_to_typst(doc, 0).markup;
    let mut values = Vec::new();
    let mut labels = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for field in crate::markdown::fields_of(doc).into_iter().filter(|f| seen.insert(f.name.clone())) {
        let key = escape::string(&field.name);
        if let Some(v) = &field.value {
            values.push(format!("\"{key}\": \"{}\"", escape::string(v)));
        }
        labels.push(format!("\"{key}\": \"{}\"", escape::string(&field.label)));
    }
    let dict = |entries: Vec<String>| {
        if entries.is_empty() { "(:)".to_owned() } else { format!("({},)", entries.join(", ")) }
    };
    let (values, labels) = (dict(values), dict(labels));
    let preamble = format!(
        "#let values = {values}\n#let labels = {labels}\n\
         #let field(name) = if name in values {{ values.at(name) }} else {{ \"[\" + labels.at(name) + \"]\" }}"
    );
    let text = compile_with(&markup, &preamble).unwrap_or_else(|e| panic!("{e}"));
    fn headings(node: &typst::syntax::SyntaxNode, out: &mut Vec<u8>) {
        if let Some(call) = node.cast::<ast::FuncCall>()
            && let ast::Expr::Ident(name) = call.callee()
        {
            match name.as_str() {
                "footnote" => return,
                "heading" => {
                    for arg in call.args().items() {
                        if let ast::Arg::Named(named) = arg
                            && named.name().as_str() == "level"
                            && let ast::Expr::Int(level) = named.expr()
                        {
                            out.push(level.get() as u8);
                        }
                    }
                }
                _ => {}
            }
        }
        for child in node.children() {
            headings(child, out);
        }
    }
    let mut levels = Vec::new();
    headings(&typst::syntax::parse(&markup), &mut levels);
    (levels, text)
}

/// The web page: its heading levels, its note numbers and its text.
fn html(doc: &Doc) -> (Vec<u8>, Vec<usize>, String) {
    let mut ids = HtmlIds::with_reserved(&RESERVED_IDS);
    let converted = doc_to_html(doc, &mut ids, &Options { top_level: 1, scope: "s" });
    let levels = converted.headings.iter().map(|h| h.2).collect();
    let numbers = converted
        .html
        .match_indices(" value=\"")
        .map(|(at, m)| {
            let rest = &converted.html[at + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    // Tags that keep their text in a run (inline ones) leave nothing; the others, a space.
    let mut text = String::new();
    let mut rest = converted.html.as_str();
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = rest[open + 1..close - 1].trim_start_matches('/');
        let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect();
        if !matches!(name.as_str(), "em" | "strong" | "del" | "sub" | "a" | "code" | "span") {
            text.push(' ');
        }
        rest = &rest[close..];
    }
    text.push_str(rest);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    (levels, numbers, text)
}

/// `doc` written as a Word file's body and read back as Word reads it.
pub(super) fn read_back(doc: &Doc) -> docx_rs::Docx {
    let ids = Ids::default();
    let mut body = body::Body::new(&ids);
    body.document(doc);
    let mut docx = styles::add(Docx::new());
    for block in body.blocks {
        docx = match block {
            WordBlock::Para(p) => docx.add_paragraph(*p),
            WordBlock::Table(t) => docx.add_table(*t),
        };
    }
    let meta = package::Meta {
        title: "T".into(),
        creator: "C".into(),
        date: None,
        logo_alt: None,
        description: None,
    };
    let bytes = package::write(docx, &meta).unwrap();
    docx_rs::read_docx(&bytes).expect("the Word file reads back")
}

/// The Word body: its heading levels and its text, read back from the file.
fn word(doc: &Doc) -> (Vec<u8>, String) {
    let read = read_back(doc);
    let mut levels = Vec::new();
    let mut text = Vec::new();
    for child in &read.document.children {
        match child {
            docx_rs::DocumentChild::Paragraph(p) => {
                let style = p.property.style.as_ref().map(|s| s.val.clone()).unwrap_or_default();
                if let Some(level) = style.strip_prefix("Heading") {
                    levels.push(level.parse().unwrap());
                }
                text.push(p.raw_text());
            }
            docx_rs::DocumentChild::Table(t) => {
                for docx_rs::TableChild::TableRow(row) in &t.rows {
                    for docx_rs::TableRowChild::TableCell(cell) in &row.cells {
                        for c in &cell.children {
                            if let docx_rs::TableCellContent::Paragraph(p) = c {
                                text.push(p.raw_text());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (levels, text.join("\n"))
}

fn says_the_same(md: &str) -> Result<(), TestCaseError> {
    let doc = normalise(md);
    let (said_written, said_read_back) = (said(&doc, false), said(&doc, true));
    let mut body_outline = Vec::new();
    outline(&doc.blocks, &mut body_outline);
    let mut word_outline = body_outline.clone();
    doc.notes.iter().for_each(|n| outline(&n.blocks, &mut word_outline));
    let notes: Vec<usize> = (1..=doc.notes.len()).collect();

    let (typst_outline, typst_text) = typst(&doc);
    let (html_outline, html_notes, html_text) = html(&doc);
    let (word_levels, word_text) = word(&doc);
    let plain_text = crate::markdown::plain::document(&doc);

    for (format, text) in
        [("typst", &typst_text), ("HTML", &html_text), ("Word", &word_text), ("plain", &plain_text)]
    {
        let said = if format == "Word" { &said_read_back } else { &said_written };
        let shown = letters(text);
        prop_assert!(
            is_subsequence(&said.in_order, &shown),
            "{format} lost or reordered words\nwant {:?}\nshown {shown:?}\n{text}",
            said.in_order
        );
        for part in &said.anywhere {
            if !part.chars().any(reorders) {
                prop_assert!(is_subsequence(&letters(part), &shown), "{format} lost {part:?}: {text}");
            }
        }
        for field in crate::markdown::fields_of(&doc) {
            let want = field.value.clone().unwrap_or_else(|| format!("[{}]", field.label));
            let want = if format == "Word" { as_read_back(&want) } else { want };
            prop_assert!(
                text.contains(&want),
                "{format} shows {} neither as its value nor its label: {text}",
                field.name
            );
        }
        if format != "typst" && format != "HTML" {
            // Printed formats mark each note where it is listed.
            for n in &notes {
                prop_assert!(text.contains(&format!("[{n}]")), "{format} has no note {n}: {text}");
            }
        }
    }
    prop_assert_eq!(&typst_outline, &body_outline, "typst outline");
    prop_assert_eq!(&html_outline, &body_outline, "web page outline");
    prop_assert_eq!(&word_levels, &word_outline, "Word outline");
    prop_assert_eq!(&html_notes, &notes, "web page notes");
    Ok(())
}

#[test]
fn every_format_says_the_same_of_a_document_with_everything() {
    let md = "### Top {{ lmc.name }}\n\nText[^A] and {{ practice.name }}, more[^a].\n\n\
              ##### Deeper\n\n- [x] done\n- item[^b]\n\n| a | b |\n|---|---|\n| c |\n\n\
              Term\n: def\n\n[^a]: Note *one*.\n\n[^b]: Note two.\n\n[^z]: In place.\n";
    says_the_same(md).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_format_says_the_same(md in markdown()) {
        says_the_same(&md)?;
        comemo::evict(10);
    }
}
