//! Invariant 1: any Markdown makes typst that compiles, and every visible character of the
//! Markdown survives typesetting (none lost, none taken as typst code).

use std::path::Path;

use lmcpress::render::markdown::{self, TypstOptions};
use lmcpress::typeset::{self, Input};
use proptest::prelude::*;

/// The templates' `field` shows a placeholder as `{{ name }}` here, so its text survives.
const PRELUDE: &str = "#set text(font: \"Liberation Sans\", hyphenate: false)\n\
    #let field(name) = \"{{\" + name + \"}}\"\n";

fn compile(markup: &str) -> Result<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = format!("{PRELUDE}{markup}");
    typeset::compile(Input { root: dir, source: source.clone(), source_name: "prop.typ".into(), today: None })
        .map(|c| typeset::plain_text(&c.document))
        .map_err(|errors| {
            let msgs: Vec<String> = errors.iter().map(|e| e.render()).collect();
            format!("{}\n--- source ---\n{source}", msgs.join("\n"))
        })
}

fn convert(md: &str) -> String {
    let none = |_: &str| None;
    markdown::to_typst(md, &TypstOptions { heading_offset: 0, resolve_image: &none }).markup
}

/// The text pulldown-cmark sees in `md` (what a reader should see), without whitespace.
fn visible(md: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let mut options = Options::all();
    options.remove(Options::ENABLE_MATH);
    options.remove(Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);
    options.remove(Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS);
    options.remove(Options::ENABLE_WIKILINKS);
    options.remove(Options::ENABLE_SUPERSCRIPT);
    options.remove(Options::ENABLE_SUBSCRIPT);
    options.remove(Options::ENABLE_GFM);
    options.remove(Options::ENABLE_HEADING_ATTRIBUTES);
    options.remove(Options::ENABLE_OLD_FOOTNOTES);
    let mut out = String::new();
    for event in Parser::new_ext(md, options) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
            _ => {}
        }
    }
    out.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_subsequence(needle: &str, hay: &str) -> bool {
    let mut hay = hay.chars();
    needle.chars().all(|c| hay.any(|h| h == c))
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{1,12}",
        "[ -~]{1,8}",
        "[éß£€—…“”‘’√×ŵĳ😀中文]{1,3}",
        Just("#".into()),
        Just("## ".into()),
        Just("*".into()),
        Just("**".into()),
        Just("_".into()),
        Just("`".into()),
        Just("```\n".into()),
        Just("[".into()),
        Just("](".into()),
        Just(")".into()),
        Just("![".into()),
        Just("|".into()),
        Just("\n| a | b |\n|---|---|\n| c | d |\n".into()),
        Just("> ".into()),
        Just("- ".into()),
        Just("1. ".into()),
        Just("  - ".into()),
        Just("\n".into()),
        Just("\n\n".into()),
        Just("{{ practice.name }}".into()),
        Just("{{".into()),
        Just("}}".into()),
        Just("$".into()),
        Just("@".into()),
        Just("<".into()),
        Just(">".into()),
        Just("\\".into()),
        Just("//".into()),
        Just("/*".into()),
        Just("---".into()),
        Just("~~".into()),
        Just("=".into()),
        Just("+".into()),
        Just("<b>".into()),
        Just("&amp;".into()),
        Just("[x] ".into()),
        Just("- [ ] ".into()),
        Just("1.".into()),
        Just("...".into()),
        Just("'".into()),
        Just("\"".into()),
        Just("\t".into()),
        Just("<https://example.org/a_b>".into()),
        Just("  \n".into()),
        Just("***".into()),
    ]
}

fn markdown_doc() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 1..40).prop_map(|parts| parts.concat())
}

fn footnote_doc() -> impl Strategy<Value = String> {
    (markdown_doc(), markdown_doc()).prop_map(|(a, b)| format!("{a}[^n]\n\n[^n]: {b}\n\n[^missing] end"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_markdown_compiles_and_keeps_its_text(md in markdown_doc()) {
        let markup = convert(&md);
        let text = compile(&markup).map_err(TestCaseError::fail)?;
        let got: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let want = visible(&md);
        prop_assert!(is_subsequence(&want, &got), "lost text\nmarkdown: {md:?}\nwant: {want}\ngot:  {got}\nmarkup: {markup}");
    }

    #[test]
    fn footnotes_always_compile(md in footnote_doc()) {
        compile(&convert(&md)).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn a_practice_name_full_of_typst_syntax_shows_literally() {
    let name = r"Dr #1 & Partners [Ltd] $5 <x> @y \ * _";
    let text = compile(&convert(&format!(
        "Welcome to {{{{ practice.name }}}} and {}",
        name.replace('\\', "\\\\")
            .replace('*', "\\*")
            .replace('_', "\\_")
            .replace('[', "\\[")
            .replace('<', "\\<")
    )))
    .unwrap();
    assert!(text.replace(' ', "").contains(&name.replace(' ', "")), "{text}");
}
