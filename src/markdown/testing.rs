//! What tests of every format share: the one Markdown generator, and typst compiling in
//! memory with a stand-in for the template's `field`.

use std::sync::LazyLock;

use proptest::prelude::*;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::layout::Frame;
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Markdown made of syntax fragments, words and arbitrary text.
pub(crate) fn markdown() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        4 => "[a-z]{1,8}",
        2 => "[ -~]{1,8}",
        2 => Just(" ".to_owned()),
        2 => Just("\n".to_owned()),
        1 => Just("\n\n".to_owned()),
        3 => proptest::sample::select(vec![
            "#", "# ", "## ", "*", "**", "_", "__", "`", "```", "~", "~~", "[", "]", "](", ")",
            "![", "|", "|---|", "| --- | :-: |", ">", "> ", "-", "- ", "+ ", "1.", "1. ", "2) ",
            "---", "***", "===", "    ", "\t", "{{", "}}", "{{ practice.name }}", "{{a_b}}",
            "$", "@", "<", "<b>", "</b>", "<div>", "<!--", "-->", "\\", "\\\n", "  \n", "&amp;",
            "&#35;", "\"", "'", "...", "--", "//", "/*", "*/", "=", "+", "/", ";", ".", ":", ": ",
            "(", "[^a]", "[^a]: ", "[^b]", "[^b]: ", "- [ ] ", "- [x] ", "[x]: /u", "<http://x.y>",
            "<a@b.c>", "http://e.f(", "é", "日本", "😀", "\u{a0}", "\u{2028}", "\r\n", "£€—…",
            "“”‘’", "√×", "ŵĳ", "<https://example.org/a_b>", "[^A]", "[^A]: ",
        ])
        .prop_map(str::to_owned),
        // Whole constructs, which random fragments rarely line up into.
        2 => proptest::sample::select(vec![
            "\n| a | b |\n|---|:-:|\n| c ", "\n\n|x|\n|-|\n|y|\n", "![alt *x*](ok.png)",
            "![](no.png)", "**bold**", "*em*", "_em_", "~~gone~~", "`code`", "\n\n[^a]: note ", "x[^a] ", "[^b] ",
            "\n\n```lang\ncode\n```\n", "\n\nterm\n: def\n", "[link](http://l.k)",
            "\n> - [x] ", "\n\n# ", "\n\n1. ", "\n   - ", "  - ", "{{ lmc.name }}", "note.[^1]",
            "\n\n[^1]: one ", "[link text](https://x.org/a)", "£5,", "e.g.", "it's", "\n## Head\n",
            "[call](tel:0116)", "[x](javascript:alert(1))", "call 0116 496 0123.", "(0116) 496 0123",
            "+44 116 496 0123", "18001 111", "reception@high-street.example.org", "a-b@c.org.",
            "{{ practice.phone }}", "{{ lmc.email }}",
        ])
        .prop_map(str::to_owned),
        1 => "\\PC{0,4}",
    ];
    proptest::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat())
}

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

/// A one-file world where every other file is a small SVG image.
struct TestWorld {
    main: Source,
}

impl World for TestWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::NotSource) }
    }

    fn file(&self, _: FileId) -> FileResult<Bytes> {
        Ok(Bytes::new(br#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>"#.as_slice()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Compiles `markup` with a stand-in `field` (showing `{{name}}`), returning the document's text.
pub(crate) fn compile(markup: &str) -> Result<String, String> {
    // Pages as large as their content: no line or page breaks inside words.
    compile_with(markup, "#let field(name) = [{{#name}}]")
}

/// Compiles `markup` after `preamble` (which defines `field`), returning the document's text.
pub(crate) fn compile_with(markup: &str, preamble: &str) -> Result<String, String> {
    let source = format!("#set page(width: auto, height: auto)\n{preamble}\n{markup}");
    let world = TestWorld { main: Source::detached(source) };
    let document =
        typst::compile::<PagedDocument>(&world).output.map_err(|errors| format!("{markup}\n{errors:?}"))?;
    let mut text = String::new();
    for page in document.pages() {
        frame_text(&page.frame, &mut text);
    }
    Ok(text)
}

pub(crate) fn frame_text(frame: &Frame, out: &mut String) {
    use typst::layout::FrameItem;
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => frame_text(&group.frame, out),
            // No separator: a word whose letters differ in style is split
            // into several items.
            FrameItem::Text(text) => out.push_str(&text.text),
            _ => {}
        }
    }
}
