//! On-disk fixtures for footnotes, links and images across formats (mdBook's testsuite is the
//! model): each `tests/fixtures/markdown/NAME.md` is normalised once, as a project's file is,
//! and written by every emitter; its typst markup, web page, Word paragraphs and plain text
//! are snapshotted side by side in `NAME.snap` beside it, so that a reviewer reads every
//! format's answer to one input at once. A new case is a new `.md` file; run the test with
//! `INSTA_UPDATE=always` (or `cargo insta review`) to write its snapshot, and read it.

use std::path::{Path, PathBuf};

use crate::markdown::doc::Doc;
use crate::render::html::ids::Ids as HtmlIds;
use crate::render::html::{Options, RESERVED_IDS, doc_to_html};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/markdown");

#[test]
fn each_markdown_fixture_in_every_format() {
    let dir = Path::new(DIR);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the fixtures are gone: {cases:?}");
    for case in cases {
        let md = std::fs::read_to_string(&case).unwrap();
        // Images are resolved in the fixtures' folder and confined to it, as a project's are.
        let doc = crate::render::markdown_doc(dir, dir, &md);
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({
            snapshot_path => DIR,
            prepend_module_to_snapshot => false,
            omit_expression => true,
            input_file => &case,
        }, {
            insta::assert_snapshot!(name, side_by_side(&md, &doc));
        });
    }
}

fn side_by_side(md: &str, doc: &Doc) -> String {
    let typst = crate::markdown::doc_to_typst(doc, 0).markup;
    let mut ids = HtmlIds::with_reserved(&RESERVED_IDS);
    let html = doc_to_html(doc, &mut ids, &Options { top_level: 2, scope: "fixture" }).html;
    let plain = crate::markdown::plain::document(doc);
    let missing = if doc.missing_images.is_empty() {
        String::new()
    } else {
        format!("\n## images not found (a warning each)\n\n{}\n", doc.missing_images.join("\n"))
    };
    let strays = if doc.stray_notes.is_empty() {
        String::new()
    } else {
        let lines: Vec<String> =
            doc.stray_notes.iter().map(|s| format!("{:?} [^{}]", s.why, s.label)).collect();
        format!("\n## footnote marks shown as written (a warning each)\n\n{}\n", lines.join("\n"))
    };
    format!(
        "## Markdown\n\n{}\n\n## typst\n\n{}\n\n## web page\n\n{}\n\n## Word (style: text)\n\n{}\n\n## plain text\n\n{}\n{missing}{strays}",
        md.trim_end(),
        typst.trim_end(),
        html.trim_end(),
        word(doc).join("\n"),
        plain.trim_end()
    )
}

/// The Word body's paragraphs as Word reads them back: each one's style and text.
fn word(doc: &Doc) -> Vec<String> {
    let read = super::every_format::read_back(doc);
    let mut out = Vec::new();
    for child in &read.document.children {
        if let docx_rs::DocumentChild::Paragraph(p) = child {
            let style = p.property.style.as_ref().map_or_else(|| "Normal".to_owned(), |s| s.val.clone());
            let text = super::every_format::as_read_back(&p.raw_text());
            out.push(format!("{style}: {text}"));
        }
    }
    out
}
