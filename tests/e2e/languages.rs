//! Posters in other languages: a translation sits beside its English poster as
//! `<slug>.<lang>.md`, is checked against it, and is built for practices that list the
//! language. A small fixture (not the shipped content).

use lmcpress::typeset::{self, Input};
use typst::layout::{Frame, FrameItem, Point};

use crate::common::{Fixture, info, pdf_text, practice_yaml, squash};

const ENGLISH: &str = "---\nkind: poster\ntitle: Help\nsummary: Where to get help.\nicon: pharmacy\n---\n\n\
                       We are here for you. For things that need us, call {{ practice.phone }}.\n";

fn translation(title: &str, status: &str, body: &str) -> String {
    format!("---\nkind: poster\ntitle: {title}\nsummary: {title}\nicon: pharmacy\n{status}---\n\n{body}\n")
}

const URDU_BODY: &str =
    "ہم آپ کی مدد کے لیے موجود ہیں۔ جن کاموں کے لیے ہماری ضرورت ہو، {{ practice.phone }} پر فون کریں۔";

/// A project whose practice Z90001 wants Gujarati, Punjabi, Urdu and Polish, and whose
/// practice Z90002 lists no languages. Punjabi is reviewed; the others are drafts.
fn project() -> Fixture {
    let fx = Fixture::minimal();
    fx.write("content/posters/help.md", ENGLISH);
    fx.write(
        "content/practices/z90001.yaml",
        &(practice_yaml("Z90001", "Test Surgery") + "languages: [gu, pa, ur, pl]\n"),
    );
    fx.write("content/practices/z90002.yaml", &practice_yaml("Z90002", "Other Surgery"));
    let draft = "translation: draft\n";
    fx.write(
        "content/posters/help.gu.md",
        &translation("મદદ", draft, "અમે તમારી મદદ માટે છીએ. {{ practice.phone }} પર ફોન કરો."),
    );
    fx.write(
        "content/posters/help.pa.md",
        &translation(
            "ਮਦਦ",
            "translation: reviewed\nreviewed_by: A Translator\nreviewed_on: 2026-05-01\n",
            "ਅਸੀਂ ਤੁਹਾਡੇ ਲਈ ਹਾਜ਼ਰ ਹਾਂ। {{ practice.phone }} ਤੇ ਫ਼ੋਨ ਕਰੋ।",
        ),
    );
    fx.write("content/posters/help.ur.md", &translation("مدد", draft, URDU_BODY));
    fx.write(
        "content/posters/help.pl.md",
        &translation("Pomoc", draft, "Jesteśmy tu dla Ciebie. Zadzwoń pod {{ practice.phone }}."),
    );
    fx
}

#[test]
fn translations_are_checked_with_file_and_line() {
    let fx = Fixture::minimal();
    fx.write("content/posters/help.md", ENGLISH);
    // Unknown language code: pointed at the `translation:` line.
    fx.write(
        "content/posters/help.xq.md",
        &translation("T", "translation: draft\n", "Call {{ practice.phone }}."),
    );
    // No English poster of that name.
    fx.write(
        "content/posters/helpp.gu.md",
        &translation("T", "translation: draft\n", "{{ practice.phone }}"),
    );
    // A placeholder the English poster does not use, on line 8 column 8.
    fx.write(
        "content/posters/help.pl.md",
        &translation(
            "T",
            "translation: draft\n",
            "Call {{ practice.phone }}.\n\nEmail {{ practice.email }}.",
        ),
    );
    // A placeholder left out: pointed at the body's first line.
    fx.write("content/posters/help.gu.md", &translation("T", "translation: draft\n", "No number here."));
    // Reviewed without saying by whom and when.
    fx.write(
        "content/posters/help.ur.md",
        &translation("T", "translation: reviewed\n", "{{ practice.phone }}"),
    );
    fx.write(
        "content/practices/z90001.yaml",
        &(practice_yaml("Z90001", "Test Surgery") + "languages: [gu, ud]\n"),
    );
    let run = fx.run(&["check"]);
    assert_ne!(run.code, 0);
    let err = &run.stderr;
    for (needle, at) in [
        ("`xq` in the file name is not a language code", "content/posters/help.xq.md:6:14"),
        ("no English poster `helpp`", "content/posters/helpp.gu.md:1:1"),
        ("does not use `{{ practice.email }}`", "content/posters/help.pl.md:11:7"),
        ("leaves out `{{ practice.phone }}`", "content/posters/help.gu.md:9:1"),
        ("a reviewed translation needs `reviewed_by`", "content/posters/help.ur.md:6:14"),
        ("unknown language code `ud`", "content/practices/z90001.yaml:11:"),
    ] {
        let i = err.find(needle).unwrap_or_else(|| panic!("no {needle:?} in\n{err}"));
        assert!(err[i..].lines().nth(1).is_some_and(|l| l.contains(at)), "{needle:?} not at {at}:\n{err}");
    }
    assert!(err.contains("did you mean `ur`?"), "{err}");
}

#[test]
fn translation_must_share_opt_in_with_its_english_poster() {
    let fx = Fixture::minimal();
    fx.write(
        "content/posters/help.md",
        &ENGLISH.replace("icon: pharmacy\n", "icon: pharmacy\nopt_in: true\n"),
    );
    fx.write("content/posters/help.pl.md", &translation("T", "translation: draft\n", "{{ practice.phone }}"));
    let run = fx.run(&["check"]);
    assert!(run.stderr.contains("`opt_in` must be true"), "{}", run.stderr);
}

#[test]
fn check_lists_draft_translations() {
    let run = project().run(&["check"]).ok();
    for lang in ["Gujarati", "Urdu", "Polish"] {
        assert!(run.stderr.contains(&format!("draft translation into {lang}")), "{}", run.stderr);
    }
    assert!(!run.stderr.contains("into Punjabi"), "a reviewed translation is not a draft:\n{}", run.stderr);
}

fn text_of(frame: &Frame, offset: Point, out: &mut Vec<(Point, typst::text::TextItem)>) {
    for (pos, item) in frame.items() {
        let at = offset + *pos;
        match item {
            FrameItem::Group(g) => text_of(&g.frame, at + Point::new(g.transform.tx, g.transform.ty), out),
            FrameItem::Text(t) => out.push((at, t.clone())),
            _ => {}
        }
    }
}

#[test]
fn each_language_gets_its_outputs_tag_band_and_text() {
    let fx = project();
    fx.run(&["build", "--emit-typst", "--packs"]).ok();
    let dir = "practices/Z90001";
    for (lang, word, draft) in
        [("gu", "મદદ", true), ("pa", "ਮਦਦ", false), ("ur", "مدد", true), ("pl", "Jesteśmy", true)]
    {
        for rel in [
            format!("{dir}/posters/help.{lang}.png"),
            format!("{dir}/social/help.{lang}-square.png"),
            format!("{dir}/social/help.{lang}-portrait.png"),
        ] {
            assert!(fx.out(&rel).is_file(), "{rel} was not made");
        }
        for pdf in [format!("{dir}/posters/help.{lang}.pdf"), format!("{dir}/posters/help.{lang}-a3.pdf")] {
            let path = fx.out(&pdf);
            assert_eq!(info(&path, "Lang"), lang, "{pdf}");
            let text = squash(&pdf_text(&path));
            // Nastaliq's ligatures come out of PDF text extraction in visual order (poppler
            // does a little better), so Urdu is checked letter by letter.
            if lang == "ur" {
                assert!(word.chars().all(|c| text.contains(c)), "{pdf}: no {word:?} letters in {text:?}");
            } else {
                assert!(text.contains(word), "{pdf}: no {word:?} in {text:?}");
            }
            assert!(text.contains("0116 496 0001"), "{pdf}: the phone number is not readable: {text:?}");
            let band = text.contains("Draft translation: to be checked by a qualified translator before use");
            assert_eq!(band, draft, "{pdf}: draft band {band}, expected {draft}");
        }
    }
    assert_eq!(info(&fx.out(&format!("{dir}/posters/help.pdf")), "Lang"), "en-GB");
    assert!(
        !fx.out("practices/Z90002/posters/help.gu.pdf").exists(),
        "a practice that lists no languages gets English only"
    );
    assert!(fx.out("practices/Z90002/posters/help.pdf").exists());
    // Packs take a practice's translated posters with its other files.
    let zip = std::fs::read(fx.out("packs/Z90001.zip")).unwrap();
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<&str> = archive.file_names().collect();
    assert!(names.iter().any(|n| n.ends_with("help.ur.pdf")), "{names:?}");
}

/// In the Urdu poster the first letter of a line is at its right end, and the line ends at
/// the right margin; in Gujarati the first letter is at the left.
#[test]
fn urdu_lines_run_right_to_left() {
    let fx = project();
    fx.run(&["build", "--emit-typst", "--practice", "Z90001"]).ok();
    let glyph_x = |lang: &str, first: char| -> (f64, f64, f64) {
        let typ = fx.out(&format!("practices/Z90001/posters/help.{lang}.typ"));
        let source = std::fs::read_to_string(&typ).unwrap();
        let input = Input { root: fx.root(), source, source_name: typ.display().to_string(), today: None };
        let doc = match typeset::compile(input) {
            Ok(c) => c.document,
            Err(p) => panic!("{p:?}"),
        };
        let page = &doc.pages()[0];
        let mut runs = Vec::new();
        text_of(&page.frame, Point::zero(), &mut runs);
        // The body's first line: the topmost run holding the paragraph's first letter.
        let (at, item) = runs
            .iter()
            .filter(|(_, t)| t.text.starts_with(first))
            .min_by(|a, b| a.0.y.to_pt().total_cmp(&b.0.y.to_pt()))
            .unwrap_or_else(|| panic!("{lang}: no run starts with {first:?}"));
        // Nastaliq words sit at different heights along a line: take everything near it.
        let near = item.size.to_pt() * 0.6;
        let line: Vec<_> = runs.iter().filter(|(p, _)| (p.y - at.y).to_pt().abs() < near).collect();
        let mut x = at.x;
        let mut first_x = None;
        for g in &item.glyphs {
            if g.range.start == 0 {
                first_x = Some(x);
            }
            x += g.x_advance.at(item.size);
        }
        let line_left = line.iter().map(|(p, _)| p.x.to_pt()).fold(f64::MAX, f64::min);
        let line_right = line
            .iter()
            .map(|(p, t)| p.x.to_pt() + t.glyphs.iter().map(|g| g.x_advance.at(t.size).to_pt()).sum::<f64>())
            .fold(f64::MIN, f64::max);
        (first_x.expect("first glyph").to_pt(), line_left, line_right)
    };
    let (first, left, right) = glyph_x("ur", 'ہ');
    assert!(first > (left + right) / 2.0, "Urdu: first glyph at {first} on a line from {left} to {right}");
    assert!(right > 520.0, "Urdu lines end at the right margin (A4 is 595 pt wide): {right}");
    let (first, left, right) = glyph_x("gu", 'અ');
    assert!(
        first < (left + right) / 2.0,
        "Gujarati: first glyph at {first} on a line from {left} to {right}"
    );
}
