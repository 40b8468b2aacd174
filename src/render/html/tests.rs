use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use proptest::prelude::*;
use tera::Context;

use super::ids::Ids;
use super::page::{PageView, section_view};
use super::*;
use crate::load::content::{Document, GuideSection, Kind, Status};
use crate::render::templates::Templates;

fn convert(md: &str) -> Converted {
    let mut ids = Ids::with_reserved(&RESERVED_IDS);
    convert_in(md, &mut ids, "sec")
}

fn convert_in(md: &str, ids: &mut Ids, scope: &str) -> Converted {
    let resolve = |name: &str| (name == "lmc.name").then(|| "Dr <b> & Co".to_string());
    to_html(md, ids, &Options { top_level: 3, scope }, &resolve, &|_| None).1
}

/// Every value of `attribute="…"` in `html`.
fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn section(slug: &str, title: &str, body: &str, meta: Option<GuideSection>) -> Document {
    let text = format!("---\n---\n{body}");
    Document {
        slug: slug.into(),
        title: title.into(),
        kind: meta.map(Kind::GuideSection).unwrap_or(Kind::AgDisclaimer(Default::default())),
        path: PathBuf::from(format!("/nonexistent/{slug}.md")),
        shown: PathBuf::from(format!("content/guide/{slug}.md")),
        text: Arc::from(text.as_str()),
        body_start: 8,
        sign_off: crate::approval::view::SignOff::NotRequired,
    }
}

fn meta(status: Status, from: Option<&str>, until: Option<&str>) -> GuideSection {
    GuideSection {
        order: 1,
        status,
        reviewed: "1 April 2025".into(),
        valid_from: from.map(Into::into),
        valid_until: until.map(Into::into),
        summary: Some("A summary & more".into()),
        change_note: None,
        sources: Vec::new(),
        reviewed_on: None,
        valid_until_on: None,
    }
}

/// The real template, rendered with a page for `org_name` and these sections.
fn page(org_name: &str, docs: &[Document]) -> String {
    let root = std::env::temp_dir();
    let mut ids = Ids::with_reserved(&RESERVED_IDS);
    let mut warnings = Vec::new();
    let views: Vec<_> =
        docs.iter().map(|d| section_view(&root, d, &mut ids, 3, &|_| None, &mut warnings)).collect();
    let page = PageView {
        title: "The guide".into(),
        subtitle: Some("What to do".into()),
        edition: "2025/26 edition".into(),
        published: Some("1 April 2025".into()),
        org_name: org_name.into(),
        short_name: "LMC".into(),
        brand_colour: "#003087".into(),
        brand_text: "#FFFFFF".into(),
        website: Some("www.example.org".into()),
        website_href: Some("https://www.example.org".into()),
        email: Some("lmc@example.org".into()),
        phone: Some("0116 000 0000".into()),
        address: vec!["1 High Street".into()],
        single: false,
    };
    let (templates, problems) = Templates::built_in(&root);
    assert!(problems.is_empty(), "{problems:?}");
    let mut ctx = Context::new();
    ctx.insert("page", &page);
    ctx.insert("sections", &views);
    templates.render(GUIDE_HTML_TEMPLATE, &ctx).unwrap()
}

#[test]
fn script_and_ampersand_in_a_section_show_literally() {
    let html = convert("Call <script>alert(1)</script> & ask {{ lmc.name }}.\n\n<div>block</div>\n").html;
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<div>"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ask Dr &lt;b&gt; &amp; Co."),
        "{html}"
    );
    assert!(html.contains("&lt;div&gt;block&lt;/div&gt;"), "{html}");
}

#[test]
fn script_and_ampersand_in_the_lmc_name_and_title_show_literally() {
    let name = "Dr #1 & Partners <script>alert('x')</script>";
    let doc = section("01-a", "Fees & <script>", "Text.", Some(meta(Status::Current, None, None)));
    let html = page(name, &[doc]);
    assert_eq!(html.matches("<script").count(), 0, "{html}");
    assert!(html.contains("Dr #1 &amp; Partners &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains(">Fees &amp; &lt;script&gt;</h2>"), "{html}");
}

#[test]
fn unsafe_link_schemes_are_dropped_but_their_text_kept() {
    let html = convert("[click](javascript:alert(1)) [web](https://example.org/a?b=1&c=2) [here](#x)").html;
    assert!(!html.contains("javascript"), "{html}");
    assert!(html.contains("click"));
    assert!(html.contains("href=\"https://example.org/a?b=1&amp;c=2\""), "{html}");
    assert!(html.contains("href=\"#x\""));
}

#[test]
fn an_email_autolink_is_a_mailto_link_on_the_web_page() {
    // Regression: the page wrote `href="a@b.org"`, a link relative to the page, while the PDF
    // added `mailto:`.
    let html = convert("Write to <a@b.org> or [us](mailto:c@d.org).").html;
    assert!(html.contains("<a href=\"mailto:a@b.org\"><span class=\"nowrap\">a@b.org</span></a>"), "{html}");
    assert!(html.contains("<a href=\"mailto:c@d.org\">us</a>"), "{html}");
}

#[test]
fn headings_start_under_the_section_title_and_never_skip() {
    let c = convert("#### First\n\n###### Deep\n\n#### Second\n");
    let levels: Vec<u8> = c.headings.iter().map(|h| h.2).collect();
    assert_eq!(levels, [3, 4, 3]);
    assert!(c.html.contains("<h3 id=\"first\">First</h3>"), "{}", c.html);
    assert!(c.html.contains("<h4 id=\"deep\">Deep</h4>"), "{}", c.html);
}

#[test]
fn ids_are_unique_across_sections_and_reserved_ids() {
    let mut ids = Ids::with_reserved(&RESERVED_IDS);
    let a = convert_in("## Contents\n\n## Background\n\n## Background\n", &mut ids, "a");
    let b = convert_in("## Background\n\ntext[^n]\n\n[^n]: note\n", &mut ids, "b");
    let all: Vec<String> = [a.html, b.html].iter().flat_map(|h| attribute_values(h, "id")).collect();
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "{all:?}");
    assert!(!all.iter().any(|id| RESERVED_IDS.contains(&id.as_str())), "{all:?}");
    assert_eq!(all[..3], ["a-contents", "background", "a-background"]);
}

#[test]
fn footnotes_link_both_ways() {
    let md = "One[^a] two[^b] one again[^a].\n\n[^b]: Bee, see[^c].\n\n[^a]: Ay.\n\n[^c]: Sea.\n\n[^lost]: Nobody refers to this.\n";
    let html = convert(md).html;
    let ids: BTreeSet<String> = attribute_values(&html, "id").into_iter().collect();
    let hrefs = attribute_values(&html, "href");
    assert!(!hrefs.is_empty());
    for href in &hrefs {
        let target = href.strip_prefix('#').expect("only internal links here");
        assert!(ids.contains(target), "`{href}` points nowhere in {html}");
    }
    // Numbered in order of first reference; `a` is referred to twice, so two ways back.
    assert!(html.contains("<li id=\"sec--note-1\" value=\"1\"><p>Ay."), "{html}");
    assert!(html.contains("href=\"#sec--ref-1\""));
    assert!(html.contains("href=\"#sec--ref-1-2\""));
    assert!(html.contains("<li id=\"sec--note-2\" value=\"2\"><p>Bee"), "{html}");
    assert!(html.contains("<li id=\"sec--note-3\" value=\"3\"><p>Sea."), "{html}");
    // Unreferenced notes are kept where they are written, unnumbered, as in every format.
    assert!(html.contains("<p>[^lost]: Nobody refers to this.</p>"), "{html}");
    assert!(!html.contains("sec--note-4"), "{html}");
    for n in 1..=3 {
        assert!(hrefs.contains(&format!("#sec--note-{n}")), "no reference to note {n}");
    }
}

#[test]
fn tables_have_header_cells_and_a_named_scrolling_region() {
    let html = convert("| Status | Meaning |\n| :-- | --: |\n| **Current** | Up to date |\n").html;
    assert!(html.contains("<th scope=\"col\" class=\"left\">Status</th>"), "{html}");
    assert!(html.contains("<td class=\"right\">Up to date</td>"), "{html}");
    assert!(html.contains("aria-label=\"Table: Status, Meaning\""), "{html}");
    assert!(html.contains("<thead>") && html.contains("<tbody>") && html.contains("</tbody>"));
}

#[test]
fn status_and_dates_are_worded_as_in_the_pdf() {
    let doc = section(
        "10-advice",
        "Advice",
        "Text.",
        Some(meta(Status::Superseded, Some("1 April 2025"), Some("31 March 2026"))),
    );
    let html = page("LMC", &[doc]);
    assert!(
        html.contains(
            "<strong class=\"badge badge-superseded\">Superseded</strong> <span>Last reviewed 1 April 2025 · In force from 1 April 2025 until 31 March 2026</span>"
        ),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"advice\">Advice</h2>"));
    assert!(html.contains("<li><a href=\"#advice\">Advice</a></li>"));
}

#[test]
fn snapshot_page_skeleton() {
    let docs = [
        section(
            "01-about",
            "About this guide",
            "Intro with a note.[^1]\n\n## How to read it\n\n- one\n- two\n\n[^1]: The note.\n",
            Some(meta(Status::Current, None, None)),
        ),
        section(
            "02-background",
            "Background",
            "| A | B |\n| --- | --- |\n| 1 | 2 |\n\n### How to read it\n",
            Some(meta(Status::Continues, None, Some("31 March 2026"))),
        ),
    ];
    let html = page("Example Local Medical Committee", &docs);
    // The stylesheet is design, reviewed by looking; the skeleton is structure.
    let start = html.find("<style>").unwrap();
    let end = html.find("</style>").unwrap() + "</style>".len();
    let skeleton = format!("{}<style>…</style>{}", &html[..start], &html[end..]);
    insta::assert_snapshot!(skeleton);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..Default::default() })]
    /// Whatever the Markdown, ids are unique, every link between notes and their references
    /// lands on an id, and no tag is created from the text.
    #[test]
    fn any_markdown_gives_unique_ids_and_resolving_links(md in crate::markdown::testing::markdown()) {
        let mut ids = Ids::with_reserved(&RESERVED_IDS);
        let one = convert_in(&md, &mut ids, "one").html;
        let two = convert_in(&md, &mut ids, "two").html;
        let html = format!("{one}{two}");
        let all = attribute_values(&html, "id");
        let unique: BTreeSet<&String> = all.iter().collect();
        prop_assert_eq!(unique.len(), all.len(), "{:?}", all);
        for href in attribute_values(&html, "href").into_iter().filter(|h| h.contains("--note-") || h.contains("--ref-")) {
            let target = href.strip_prefix('#').unwrap();
            prop_assert!(unique.contains(&target.to_string()), "{} in {}", href, html);
        }
        prop_assert!(!html.contains("<script"));
    }
}
