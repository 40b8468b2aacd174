//! The foundation holds on any input: any heading levels, text in the scripts of England's
//! common languages, characters no font has, oversized values, and typst errors traced back
//! to the author's Markdown.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{Fixture, Run, info, pdf_text, practice_yaml, squash};

/// Text in the scripts of England's most common main languages after English.
const SCRIPTS: [(&str, &str); 10] = [
    ("Gujarati", "સ્વાગત છે"),
    ("Gurmukhi", "ਜੀ ਆਇਆਂ ਨੂੰ"),
    ("Urdu", "خوش آمدید"),
    ("Arabic", "مرحبا بكم"),
    ("Bengali", "স্বাগতম"),
    ("Devanagari", "स्वागत है"),
    ("Tamil", "வணக்கம்"),
    ("Chinese", "欢迎光临"),
    ("Greek", "Καλώς ήρθατε"),
    ("Cyrillic", "Добро пожаловать"),
];

/// Every letter of `want` is in `got` (complex scripts may extract in visual order, with
/// marks before their consonants, so the order is not compared).
fn has_letters(got: &str, want: &str) -> bool {
    want.chars().filter(|c| !c.is_whitespace()).all(|c| got.contains(c))
}

#[test]
fn headings_that_skip_levels_build_tagged_with_a_warning_naming_the_line() {
    let fx = Fixture::minimal();
    fx.write(
        "content/guide/02-notes.md",
        "---\nkind: guide-section\ntitle: Notes\norder: 20\nstatus: current\nreviewed: 2026-04-01\n---\n\n\
         ### Notes first\n\nText.\n\n# Top\n\n### Skipped to three\n\nMore text.\n",
    );
    let run = fx.run(&["build"]).ok();
    assert!(run.stderr.contains("content/guide/02-notes.md:9:1"), "{}", run.stderr);
    assert!(run.stderr.contains("content/guide/02-notes.md:15:1"), "{}", run.stderr);
    assert!(run.stderr.contains("skips a level"), "{}", run.stderr);
    let guide = fx.out("guide/test-guide.pdf");
    assert_eq!(info(&guide, "Tagged"), "yes");
    let text = squash(&pdf_text(&guide));
    assert!(text.contains("Notes first") && text.contains("Skipped to three"), "{text}");
}

#[test]
fn a_standalone_file_opening_at_level_three_renders() {
    let fx = Fixture::minimal();
    fx.write("notes.md", "### Notes\n\nSome text.\n\n##### Deeper\n\nMore.\n");
    let run = fx.run(&["render", "notes.md"]).ok();
    assert!(run.stderr.contains("notes.md:5:1"), "{}", run.stderr);
    assert!(squash(&pdf_text(&fx.path("notes.pdf"))).contains("Deeper"));
}

#[test]
fn names_and_content_in_every_script_typeset_and_extract() {
    let fx = Fixture::minimal();
    let name = format!("{} Health Centre", SCRIPTS[0].1);
    fx.write("content/practices/z90001.yaml", &practice_yaml("Z90001", &name));
    let body: Vec<String> = SCRIPTS.iter().map(|(script, text)| format!("{script}: {text}\n")).collect();
    fx.write(
        "content/guide/02-languages.md",
        &format!(
            "---\nkind: guide-section\ntitle: Languages\norder: 20\nstatus: current\nreviewed: 2026-04-01\n---\n\n{}",
            body.join("\n")
        ),
    );
    fx.run(&["build"]).ok();
    let guide = pdf_text(&fx.out("guide/test-guide.pdf"));
    for (script, text) in SCRIPTS {
        assert!(guide.contains(script), "{script} label missing");
        assert!(has_letters(&guide, text), "{script} text {text} not extracted from:\n{guide}");
    }
    // Left-to-right scripts without reordering extract exactly.
    for (_, text) in &SCRIPTS[7..] {
        assert!(guide.contains(text), "{text} not extracted exactly");
    }
    let poster = pdf_text(&fx.out("practices/Z90001/posters/help.pdf"));
    assert!(has_letters(&poster, SCRIPTS[0].1), "{poster}");
}

#[test]
fn a_character_no_font_has_is_an_error_naming_file_line_and_character() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90001.yaml", &practice_yaml("Z90001", "Test \u{F8FF} Surgery"));
    fx.write(
        "content/posters/help.md",
        "---\nkind: poster\ntitle: Help\nsummary: Help.\norder: 10\n---\n\nCall \u{1F600} us.\n",
    );
    let run = fx.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/practices/z90001.yaml:2:13"), "{}", run.stderr);
    assert!(run.stderr.contains("U+F8FF"), "{}", run.stderr);
    assert!(run.stderr.contains("content/posters/help.md:8:6"), "{}", run.stderr);
    assert!(run.stderr.contains("U+1F600"), "{}", run.stderr);
}

/// Runs lmcpress, killing it if it takes longer than `limit` (a hang fails the test rather
/// than the whole run).
fn run_within(fx: &Fixture, args: &[&str], limit: Duration) -> Run {
    let child = Command::new(env!("CARGO_BIN_EXE_lmcpress"))
        .args(args)
        .current_dir(fx.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(limit) {
        Ok(output) => Run::from(output.unwrap()),
        Err(_) => {
            Command::new("kill").args(["-9", &pid.to_string()]).status().ok();
            panic!("lmcpress {args:?} was still running after {limit:?}");
        }
    }
}

#[test]
fn a_huge_name_folded_over_many_lines_is_refused_at_its_value() {
    // As YAML tools write a long string: folded, over thousands of short lines, which a check
    // of raw lines would let through to typst.
    let fx = Fixture::minimal();
    let folded: Vec<&str> = std::iter::repeat_n("Very long name", 11_000).collect();
    let profile = practice_yaml("Z90001", "PLACEHOLDER")
        .replace("\"PLACEHOLDER\"", &format!(">-\n  {}", folded.join("\n  ")));
    fx.write("content/practices/z90001.yaml", &profile);
    let run = run_within(&fx, &["check"], Duration::from_secs(20));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/practices/z90001.yaml:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("a name may have at most 120 characters"), "{}", run.stderr);
}

#[test]
fn a_character_given_as_an_entity_is_refused_at_its_line() {
    let fx = Fixture::minimal();
    fx.write(
        "content/posters/note.md",
        "---\nkind: poster\ntitle: Note\nsummary: A note\n---\n\nA glyph no font has: &#xF8FF;\n",
    );
    let run = run_within(&fx, &["check"], Duration::from_secs(20));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/posters/note.md:7:22"), "{}", run.stderr);
    assert!(run.stderr.contains("U+F8FF"), "{}", run.stderr);
}

#[test]
fn a_huge_practice_name_is_refused_with_its_line() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90001.yaml", &practice_yaml("Z90001", &"Very long name ".repeat(11_000)));
    let run = run_within(&fx, &["check"], Duration::from_secs(60));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/practices/z90001.yaml:2:7"), "{}", run.stderr);
    assert!(run.stderr.contains("a name may have at most 120 characters"), "{}", run.stderr);
    assert!(run.stderr.len() < 4000, "the excerpt of a huge line is cut short: {} bytes", run.stderr.len());
    // The rest of the project still builds.
    let run = run_within(&fx, &["build"], Duration::from_secs(60));
    assert_eq!(run.code, 1);
    assert!(fx.out("guide/test-guide.pdf").is_file());
}

#[test]
fn a_name_too_long_for_a_letterhead_is_refused() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90001.yaml", &practice_yaml("Z90001", &"Surgery ".repeat(20)));
    let run = fx.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("at most 120 characters"), "{}", run.stderr);
}

#[test]
fn an_oversized_markdown_file_is_refused() {
    let fx = Fixture::minimal();
    let para = "word ".repeat(60_000);
    fx.write(
        "content/guide/02-big.md",
        &format!("---\nkind: guide-section\ntitle: Big\norder: 20\nstatus: current\nreviewed: 2026-04-01\n---\n\n{para}\n"),
    );
    let run = run_within(&fx, &["check"], Duration::from_secs(60));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/guide/02-big.md") && run.stderr.contains("KiB"), "{}", run.stderr);
}

#[test]
fn a_typst_error_from_markdown_names_the_markdown_line() {
    let fx = Fixture::minimal();
    fx.write("content/guide/broken.png", "this is not a PNG");
    fx.write(
        "content/guide/02-image.md",
        "---\nkind: guide-section\ntitle: Image\norder: 20\nstatus: current\nreviewed: 2026-04-01\n---\n\n\
         First paragraph.\n\n![A chart](broken.png)\n",
    );
    let run = fx.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/guide/02-image.md:11:"), "{}", run.stderr);
}
