//! End-to-end: `check`, `render`, `--emit-typst` and incremental builds.

use crate::common::{Fixture, pdf_text, squash};

#[test]
fn check_passes_on_the_shipped_project_and_writes_nothing() {
    let fx = Fixture::shipped();
    let run = fx.run(&["check"]).ok();
    assert!(run.stderr.contains("no errors"), "{}", run.stderr);
    assert!(!fx.out("").exists());
}

#[test]
fn render_typesets_a_standalone_markdown_file() {
    let fx = Fixture::shipped();
    fx.write("notes/draft.md", "# A draft section\n\nSome *text* with `code` and a [link](https://example.org).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    let run = fx.run(&["render", "--out-dir", "previews", "--emit-typst", "notes/draft.md"]).ok();
    assert!(run.stderr.contains("previews/draft.pdf"), "{}", run.stderr);
    let text = squash(&pdf_text(&fx.path("previews/draft.pdf")));
    assert!(text.contains("A draft section") && text.contains("Some text with code"), "{text}");
    assert!(fx.path("previews/draft.typ").exists());
    let run = fx.run(&["render", "content/guide/10-advice-and-guidance.md", "--out-dir", "previews"]).ok();
    assert!(run.code == 0);
    let text = squash(&pdf_text(&fx.path("previews/10-advice-and-guidance.pdf")));
    assert!(text.contains("820641000000100"), "{text}");
}

#[test]
fn emit_typst_writes_the_source_beside_each_pdf() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--practice", "Z90004", "--emit-typst"]).ok();
    let typ = fx.read("output/practices/Z90004/letters/referral-letter.typ");
    assert!(typ.contains("#set document(title:"), "{typ}");
    assert!(typ.contains("Wyvern Fields"));
}

#[test]
fn an_unchanged_build_skips_everything_and_an_edit_rebuilds_only_what_it_touches() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90002.yaml", &crate::common::practice_yaml("Z90002", "Second Surgery"));
    let first = fx.run(&["build"]).ok();
    assert!(first.stderr.contains(", 0 unchanged"), "{}", first.stderr);
    let second = fx.run(&["build"]).ok();
    assert!(second.stderr.contains("built 0 documents"), "{}", second.stderr);

    let profile = "content/practices/z90002.yaml";
    fx.write(profile, &fx.read(profile).replace("0116 496 0001", "0116 496 0616"));
    let third = fx.run(&["build"]).ok();
    // Z90002: one poster in four formats.
    assert!(third.stderr.contains("built 4 documents"), "{}", third.stderr);
    let poster = pdf_text(&fx.out("practices/Z90002/posters/help.pdf"));
    assert!(poster.contains("0116 496 0616"));

    std::fs::remove_file(fx.out("practices/Z90001/posters/help-a3.pdf")).unwrap();
    let fourth = fx.run(&["build"]).ok();
    assert!(fourth.stderr.contains("built 1 document,"), "{}", fourth.stderr);
    let forced = fx.run(&["build", "--force"]).ok();
    assert!(forced.stderr.contains(", 0 unchanged"), "{}", forced.stderr);
}

#[test]
fn removing_an_input_removes_its_outputs() {
    let fx = Fixture::shipped();
    fx.run(&["build"]).ok();
    std::fs::remove_file(fx.path("content/posters/hospital-tasks.md")).unwrap();
    let run = fx.run(&["build"]).ok();
    assert!(!fx.out("practices/Z90001/posters/hospital-tasks.pdf").exists(), "{}", run.stderr);
    assert!(!fx.out("practices/Z90001/social/hospital-tasks-square.png").exists());
    assert!(fx.out("practices/Z90001/posters/safe-daily-limits.pdf").exists());
}
