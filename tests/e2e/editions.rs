//! Editions: `edition new`, `changes`, the guide's "what has changed" part, the redline PDF
//! and each practice's one-page summary, on a small fixture project (not the shipped content,
//! so that content edits elsewhere do not change these counts).

use crate::common::{Fixture, pdf_text, squash};

const LMC: &str = "# The LMC.\nname: Test Local Medical Committee\nshort_name: Test LMC\nbrand_colour: \"#003087\"\nedition: \"2025/26\" # contract year\nguide:\n  title: Test guide\n  slug: test-guide-2025-26\n  published: 2025-04-01\n";

const PRACTICE: &str = "ods_code: Z99001\nname: Test Surgery\naddress: [\"1 Road\"]\npostcode: LE1 1AA\nphone: \"0116 000 0000\"\nemail: a@example.org\nbrand_colour: \"#7C2855\"\nsignatory:\n  name: Dr A\n  role: Partner\nposters: [waiting-times]\n";

fn section(title: &str, order: u32, status: &str, body: &str) -> String {
    format!(
        "---\nkind: guide-section\ntitle: {title}\norder: {order}\nstatus: {status}\nreviewed: 2025-04-01\n---\n\n{body}\n"
    )
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let f = Fixture { dir };
    f.write("content/lmc.yaml", LMC);
    f.write("content/practices/z99001.yaml", PRACTICE);
    f.write(
        "content/guide/01-intro.md",
        &section("Introduction", 10, "current", "This guide helps practices.\n\nIt is reissued every year."),
    );
    f.write(
        "content/guide/02-ag.md",
        &section(
            "Advice and Guidance",
            20,
            "current",
            "The enhanced service pays practices for each request they answer.\n\nAsk the LMC if unsure.",
        ),
    );
    f.write(
        "content/posters/waiting-times.md",
        "---\nkind: poster\ntitle: Waiting times\nsummary: S\n---\nWe see you soon.\n",
    );
    f.write("content/posters/other.md", "---\nkind: poster\ntitle: Other\nsummary: S\n---\nNot wanted.\n");
    f.write(
        "content/letters/reply.md",
        "---\nkind: letter\ntitle: Reply letter\nsigned_by: practice\n---\nDear colleague.\n",
    );
    f
}

#[test]
fn edition_new_then_changes_reports_nothing() {
    let f = fixture();
    let run = f.run(&["edition", "new", "2026/27"]).ok();
    assert!(run.stderr.contains("archived the 2025/26 edition"), "{}", run.stderr);
    let lmc = f.read("content/lmc.yaml");
    assert_eq!(
        lmc,
        LMC.replace("\"2025/26\" # contract year", "\"2026/27\" # contract year")
            .replace("test-guide-2025-26", "test-guide-2026-27")
    );
    assert_eq!(f.read("editions/2025-26/lmc.yaml"), LMC);
    assert!(f.path("editions/2025-26/guide/02-ag.md").is_file());
    assert!(f.path("editions/2025-26/posters/other.md").is_file());
    assert!(f.path("editions/2025-26/letters/reply.md").is_file());
    let run = f.run(&["changes"]).ok();
    assert_eq!(run.stdout, "no changes in the 2026/27 edition since the 2025/26 edition\n");
    let json: serde_json::Value =
        serde_json::from_str(&f.run(&["changes", "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(json["since"], "2025/26");
    assert_eq!(json["sections"].as_array().unwrap().len(), 0);
}

#[test]
fn edition_new_refuses_to_overwrite_and_unreadable_names() {
    let f = fixture();
    let run = f.run(&["edition", "new", "soon"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`soon` is not an edition name") && run.stderr.contains("2026/27"),
        "{}",
        run.stderr
    );
    f.write("editions/2025-26/lmc.yaml", "edition: \"2025/26\"\n");
    let run = f.run(&["edition", "new", "2026/27"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(f.read("content/lmc.yaml"), LMC, "nothing changes when the archive exists");
    assert_eq!(f.read("editions/2025-26/lmc.yaml"), "edition: \"2025/26\"\n");
}

#[test]
fn changes_without_an_archive_says_how_to_make_one() {
    let f = fixture();
    let run = f.run(&["changes"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("edition new"), "{}", run.stderr);
    let run = f.run(&["changes", "--since", "2019/20"]);
    assert!(run.stderr.contains("no archive of the 2019/20 edition"), "{}", run.stderr);
}

/// Archives the fixture, then edits it as an LMC would for the next edition.
fn next_edition() -> Fixture {
    let f = fixture();
    f.run(&["edition", "new", "2026/27"]).ok();
    f.write(
        "content/guide/02-ag.md",
        &section(
            "Advice and Guidance",
            20,
            "ended",
            "The enhanced service paid practices for each request they answered until April 2026.\n\nAsk the LMC if unsure.",
        ),
    );
    f.write(
        "content/guide/03-new.md",
        &section("Local actions from May", 30, "current", "Brand new advice."),
    );
    f.write(
        "content/posters/waiting-times.md",
        "---\nkind: poster\ntitle: Waiting times\nsummary: S\n---\nWe see you today.\n",
    );
    f.write(
        "content/letters/fresh.md",
        "---\nkind: letter\ntitle: Fresh letter\nsigned_by: practice\n---\nHello.\n",
    );
    f
}

#[test]
fn changes_names_the_edited_sections_and_documents() {
    let f = next_edition();
    let out = f.run(&["changes"]).ok().stdout;
    assert!(out.starts_with("changes in the 2026/27 edition since the 2025/26 edition"), "{out}");
    assert!(
        out.contains(
            "Advice and Guidance: status current → ended; text revised (5 words added, 2 words removed)"
        ),
        "{out}"
    );
    assert!(out.contains("Local actions from May: new section"), "{out}");
    assert!(
        out.contains("Waiting times (waiting-times): changed") && out.contains("Fresh letter (fresh): new"),
        "{out}"
    );
    assert!(!out.contains("Introduction"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&f.run(&["changes", "--since", "2025/26", "--format", "json"]).ok().stdout)
            .unwrap();
    let ag = &json["sections"][0];
    assert_eq!(
        (ag["title"].as_str(), ag["status"]["to"].as_str()),
        (Some("Advice and Guidance"), Some("ended"))
    );
    assert_eq!((ag["words_added"].as_u64(), ag["words_removed"].as_u64()), (Some(5), Some(2)));
}

#[test]
fn build_makes_the_changes_part_redline_and_practice_summary() {
    let f = next_edition();
    let run = f.run(&["build"]).ok();
    assert!(run.stderr.contains("0 failed"), "{}", run.stderr);

    let guide = squash(&pdf_text(&f.out("guide/test-guide-2026-27.pdf")));
    assert!(guide.contains("What has changed since the 2025/26 edition"), "{guide}");
    assert!(guide.contains("Advice and Guidance: status current → ended"), "{guide}");
    assert!(guide.contains("Local actions from May: new section"), "{guide}");

    let redline_path = f.out("guide/test-guide-2026-27-changes.pdf");
    let redline = squash(&pdf_text(&redline_path));
    assert!(redline.contains("How to read this copy"), "{redline}");
    // Word level: the changed words appear, removed and added, beside the unchanged ones.
    assert!(redline.contains("The enhanced service pays paid practices for each request they answer. answered until April 2026."), "{redline}");
    assert!(redline.contains("until April 2026"), "{redline}");
    assert!(redline.contains("Status changed from current to ended"), "{redline}");
    assert!(redline.contains("New section"), "{redline}");

    let summary = squash(&pdf_text(&f.out("practices/Z99001/whats-new.pdf")));
    assert!(
        summary.contains("What’s new in the 2026/27 edition")
            || summary.contains("What's new in the 2026/27 edition"),
        "{summary}"
    );
    assert!(summary.contains("UPDATED Waiting times"), "{summary}");
    assert!(!summary.contains("Other"), "a poster the practice does not use is left out: {summary}");
    assert!(summary.contains("NEW Fresh letter"), "{summary}");
    assert!(summary.contains("Advice and Guidance: now ended (was current)"), "{summary}");

    // The archive is an input: editing it rebuilds the guide, its redline, the practice's
    // summary and the pack that holds it.
    let again = f.run(&["build"]).ok();
    assert!(again.stderr.contains("built 0 documents"), "{}", again.stderr);
    f.write("editions/2025-26/guide/01-intro.md", &section("Introduction", 10, "current", "Old words."));
    let again = f.run(&["build"]).ok();
    assert!(again.stderr.contains("built 4 documents"), "{}", again.stderr);
}

#[test]
fn no_archive_no_changes_part_and_no_edition_outputs() {
    let f = fixture();
    f.run(&["build"]).ok();
    let guide = squash(&pdf_text(&f.out("guide/test-guide-2025-26.pdf")));
    assert!(!guide.contains("What has changed"), "{guide}");
    assert!(!f.out("guide/test-guide-2025-26-changes.pdf").exists());
    assert!(!f.out("practices/Z99001/whats-new.pdf").exists());
}

/// Regression: the shipped redline failed PDF/UA ("cannot combine underline, overline, or
/// strike") where changed words sat in link text, which the house style underlines.
#[test]
fn the_shipped_guide_and_its_archive_build_every_edition_output() {
    let fx = crate::common::Fixture::shipped_with_editions();
    let run = fx.run(&["build"]).ok();
    assert!(run.stderr.contains(" 0 failed"), "{}", run.stderr);
    let redline = fx.out("guide/llr-lmc-guide-2026-27-changes.pdf");
    assert_eq!(crate::common::info(&redline, "Tagged"), "yes");
    let text = crate::common::pdf_text(&redline);
    assert!(text.contains("2025/26"), "the redline names the edition it compares with");
    assert!(fx.out("practices/Z90001/whats-new.pdf").is_file());
    // The web page opens with the same part, each line linking to its section on the page.
    let html = fx.read("output/guide/llr-lmc-guide-2026-27.html");
    assert!(html.contains("<h2 id=\"whats-changed\">What has changed since the 2025/26 edition</h2>"));
    assert!(html.contains("<a href=\"#advice-and-guidance\">"), "the A&G section is listed with a link");
}
