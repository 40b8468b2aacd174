//! End-to-end: the guide as a web page (`guide/<slug>.html`) and `render --html`. The
//! browser checks (axe-core, reflow, outside requests) run from `.ci/run`, not here.

use std::collections::BTreeSet;

use crate::common::Fixture;

const PAGE: &str = "guide/test-guide.html";

/// The built-in theme with a small guide of our own (no practices, so builds are quick).
fn guide_fixture(lmc_name: &str) -> Fixture {
    let fx = Fixture::shipped();
    std::fs::remove_dir_all(fx.path("content")).unwrap();
    fx.write(
        "content/lmc.yaml",
        &format!(
            "name: \"{lmc_name}\"\nshort_name: Test LMC\nwebsite: www.example.org\nemail: lmc@example.org\n\
             brand_colour: \"#003087\"\nedition: \"2025/26\"\nguide:\n  title: The test guide\n  \
             slug: test-guide\n  published: 2025-04-01\n"
        ),
    );
    fx.write(
        "content/guide/01-about.md",
        "---\nkind: guide-section\ntitle: About <this> & that\norder: 10\nstatus: current\n\
         reviewed: 2025-04-01\nsummary: Who it is for.\n---\n\nWritten by {{ lmc.short_name }}.[^who] \
         See [advice](#advice-and-guidance).\n\n## Background\n\n<script>alert(1)</script>\n\n\
         | Status | Meaning |\n| --- | --- |\n| Current | Up to date |\n\n[^who]: The committee.\n",
    );
    fx.write(
        "content/guide/10-advice-and-guidance.md",
        "---\nkind: guide-section\ntitle: Advice and Guidance\norder: 20\nstatus: superseded\n\
         reviewed: 2025-04-01\nvalid_from: 2025-04-01\nvalid_until: 2026-03-31\n---\n\n\
         ## Background\n\nA fee for each request.[^fee]\n\n[^fee]: Per episode.\n",
    );
    fx
}

fn values(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn build_writes_a_self_contained_accessible_page() {
    let fx = guide_fixture("Dr <script>x</script> & Partners LMC");
    let run = fx.run(&["build"]).ok();
    assert!(run.stderr.contains("0 failed"), "{}", run.stderr);
    assert!(fx.out("guide/test-guide.pdf").exists(), "the PDF is still made");
    let html = std::fs::read_to_string(fx.out(PAGE)).unwrap();

    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains("<a class=\"skip-link\" href=\"#main-content\">"));
    assert!(html.contains("<main id=\"main-content\""));
    // Data is never code: no script element and no tag from a name or a section.
    assert_eq!(html.matches("<script").count(), 0, "{html}");
    assert!(html.contains("Dr &lt;script&gt;x&lt;/script&gt; &amp; Partners LMC"));
    assert!(html.contains(">About &lt;this&gt; &amp; that</h2>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Placeholders are filled as in the PDF.
    assert!(html.contains("Written by Test LMC."), "{html}");
    // Status and dates as the PDF words them.
    assert!(html.contains("Superseded</strong> <span>Last reviewed 1 April 2025 · In force from 1 April 2025 until 31 March 2026</span>"));
    // Stable section ids (the file's order prefix dropped), unique ids, links that resolve.
    assert!(html.contains("<h2 id=\"advice-and-guidance\">Advice and Guidance</h2>"));
    assert!(html.contains("<h3 id=\"background\">Background</h3>"));
    assert!(html.contains("<h3 id=\"advice-and-guidance-background\">Background</h3>"));
    let ids = values(&html, "id");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for href in values(&html, "href").iter().filter(|h| h.starts_with('#')) {
        assert!(unique.contains(&href[1..].to_string()), "{href} has no target");
    }
    assert!(html.contains("<th scope=\"col\">Status</th>"));
    // Nothing to fetch: no external stylesheets, scripts, fonts or images.
    for attr in ["src", "srcset"] {
        assert!(values(&html, attr).iter().all(|v| v.starts_with("data:")), "{attr}");
    }
    assert!(!html.contains("<link") && !html.contains("@import") && !html.contains("url("));
    assert!(html.contains("@media print"));
}

#[test]
fn a_section_edit_rebuilds_the_page_and_nothing_else_changes_it() {
    let fx = guide_fixture("Test Local Medical Committee");
    fx.run(&["build"]).ok();
    let before = std::fs::read(fx.out(PAGE)).unwrap();
    let again = fx.run(&["build"]).ok();
    assert!(again.stderr.contains("built 0 documents"), "{}", again.stderr);

    let section = "content/guide/10-advice-and-guidance.md";
    fx.write(section, &fx.read(section).replace("A fee for each request.", "A £20 fee for each request."));
    let run = fx.run(&["build"]).ok();
    // The PDF guide and the web page.
    assert!(run.stderr.contains("built 2 documents"), "{}", run.stderr);
    let after = std::fs::read_to_string(fx.out(PAGE)).unwrap();
    assert!(after.contains("A £20 fee for each request."));

    // Same inputs, same bytes.
    fx.run(&["build", "--force"]).ok();
    assert_eq!(std::fs::read_to_string(fx.out(PAGE)).unwrap(), after);
    assert_ne!(before, after.into_bytes());
}

#[test]
fn a_broken_page_template_fails_only_the_page() {
    let fx = guide_fixture("Test Local Medical Committee");
    fx.write("templates/guide.html.tera", "<p>{{ page.title }\n");
    let run = fx.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("templates/guide.html.tera:1:"), "{}", run.stderr);
    assert!(fx.out("guide/test-guide.pdf").exists());
}

#[test]
fn render_html_makes_one_section_a_page() {
    let fx = guide_fixture("Test Local Medical Committee");
    let run = fx.run(&["render", "--html", "--out-dir", "pages", "content/guide/01-about.md"]).ok();
    assert!(run.stderr.contains("01-about.html"), "{}", run.stderr);
    let html = fx.read("pages/01-about.html");
    assert!(html.contains("<h1 id=\"guide-title\">About &lt;this&gt; &amp; that</h1>"), "{html}");
    assert!(html.contains("<h2 id=\"background\">Background</h2>"), "{html}");
    assert!(html.contains("badge-current"));
    assert!(!html.contains("id=\"contents\""), "one section needs no contents list");
    // No project values here: the placeholder is a labelled blank, as in the PDF and Word.
    assert!(html.contains("Written by <span class=\"blank\">[Short name]</span>."), "{html}");

    fx.write("plain.md", "# Notes\n\nJust text & more.\n");
    fx.run(&["render", "--html", "plain.md"]).ok();
    let plain = fx.read("plain.html");
    assert!(plain.contains("<h1 id=\"guide-title\">plain</h1>"));
    assert!(plain.contains("<h2 id=\"notes\">Notes</h2>"));
    assert!(plain.contains("Just text &amp; more."));
}

#[test]
fn editing_an_image_rebuilds_the_web_guide() {
    // Regression: the web page embeds its images, but its job recorded no reads, so an edited
    // image left the old one in the page until something else changed.
    let fx = guide_fixture("Test LMC");
    let svg = |colour: &str| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"3\"><rect width=\"4\" height=\"3\" fill=\"{colour}\"/></svg>"
        )
    };
    fx.write("content/guide/chart.svg", &svg("red"));
    fx.write(
        "content/guide/20-chart.md",
        "---\nkind: guide-section\ntitle: Chart\norder: 30\nstatus: current\nreviewed: 2025-04-01\n---\n\n![A chart](chart.svg)\n",
    );
    fx.run(&["build", "--quiet"]).ok();
    let before = fx.read(&format!("output/{PAGE}"));
    assert!(before.contains("<img src=\"data:image/svg+xml;base64,"), "the chart is embedded");
    fx.write("content/guide/chart.svg", &svg("blue"));
    fx.run(&["build", "--quiet"]).ok();
    let after = fx.read(&format!("output/{PAGE}"));
    assert_ne!(before, after, "the page embeds the edited chart");
}
