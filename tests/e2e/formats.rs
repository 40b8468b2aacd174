//! One document, every format: the on-disk fixture `tests/fixtures/one-document/` built once,
//! then what each emitter made of it, side by side. The same words, the same outline and the
//! same values must reach the PDF, the web page, the Word file and the text; snapshots show
//! each emitter's output for review when it changes.

use crate::common::{Fixture, pdf_text, squash};
use crate::docx::paragraphs;

fn built() -> &'static Fixture {
    static BUILT: std::sync::LazyLock<Fixture> = std::sync::LazyLock::new(|| {
        let fx = Fixture::from_dir("one-document");
        fx.run(&["build", "--quiet", "--emit-typst"]).ok();
        fx
    });
    &BUILT
}

/// The visible text of an HTML fragment: tags dropped, the few entities tera writes decoded.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'");
    // A closing tag leaves a space before the punctuation that followed it.
    squash(&text.replace("&#39;", "'")).replace(" ,", ",").replace(" .", ".")
}

fn section_html() -> String {
    let page = std::fs::read_to_string(built().out("guide/fixture-guide.html")).unwrap();
    let start = page.find("<section class=\"section\" aria-labelledby=\"levels").unwrap();
    let end = start + page[start..].find("</section>").unwrap() + "</section>".len();
    page[start..end].to_string()
}

#[test]
fn the_guide_section_says_the_same_in_pdf_and_web_page() {
    let pdf = squash(&pdf_text(&built().out("guide/fixture-guide.pdf"))).replace(['\u{2019}'], "'");
    let web = html_text(&section_html()).replace(['\u{2019}'], "'");
    for words in [
        "Opening words with bold, italic and a web link [1]",
        "Skipped a level",
        "Deeper still",
        "The footnote's own words",
        "a placeholder for Fixture LMC",
        "done task",
        "open task",
        "What changed: The fixture's note on what changed",
        "A fixture source, Fixture Publisher, 24 February 2026",
    ] {
        assert!(pdf.contains(words), "the PDF lacks {words:?}: {pdf}");
        assert!(web.contains(words), "the web page lacks {words:?}: {web}");
    }
}

#[test]
fn heading_levels_never_skip_in_the_web_page() {
    let html = section_html();
    // The section's title is h2; its body's top heading (typed ###) sits one below, and the
    // #### under it one below that.
    let at = |tag: &str, text: &str| html.find(&format!("{text}</{tag}>")).is_some();
    assert!(at("h3", "Skipped a level") && at("h4", "Deeper still"), "{html}");
}

#[test]
fn the_letter_says_the_same_in_pdf_and_word() {
    let fx = built();
    let dir = "practices/Z99101/letters/clinical-note";
    let pdf = squash(&pdf_text(&fx.out(&format!("{dir}.pdf"))));
    let word = paragraphs(&fx.out(&format!("{dir}.docx")));
    let word_text = squash(&word.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(" "));
    for words in
        ["Dear colleague,", "About the patient", "We have seen", "Rowan & Elm <Surgery>", "Yours sincerely,"]
    {
        assert!(pdf.contains(words), "the PDF lacks {words:?}: {pdf}");
        assert!(word_text.contains(words), "the Word file lacks {words:?}: {word_text}");
    }
    // A clinical letter with no clinician named leaves the signature to sign by hand in both,
    // never the practice's general signatory.
    assert!(!pdf.contains("Dr Ada Rowan") && !word_text.contains("Dr Ada Rowan"));
    let styles: Vec<String> = word.iter().map(|(style, text)| format!("{style}: {text}")).collect();
    insta::assert_snapshot!("letter_word_paragraphs", styles.join("\n"));
}

#[test]
fn each_emitter_snapshot() {
    let fx = built();
    insta::assert_snapshot!("guide_section_web_page", section_html());
    let ag = std::fs::read_to_string(fx.out("practices/Z99101/ag-disclaimer.txt")).unwrap();
    insta::assert_snapshot!("ag_text", ag);
    let typ = std::fs::read_to_string(fx.out("practices/Z99101/letters/clinical-note.typ")).unwrap();
    let body = &typ[typ.find("Dear colleague").expect("the body in the typst source")..];
    insta::assert_snapshot!("letter_typst_body", body);
}

#[test]
fn the_fixture_section_as_one_doc() {
    // What every emitter reads: the guide section normalised once, every policy decided.
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/one-document/content/guide/01-levels.md"),
    )
    .unwrap();
    let body = &text[text[3..].find("---\n").unwrap() + 7..];
    let doc = lmcpress::markdown::doc::normalise(body, &lmcpress::markdown::doc::Resolve::NOTHING);
    insta::assert_debug_snapshot!("guide_section_doc", doc);
}

#[test]
fn a_typst_error_in_a_letter_with_headings_is_traced_to_its_markdown_line() {
    // Regression: letters are converted with their headings from level 1, but errors were
    // traced by converting them from level 2, so the body was never found and the error named
    // only the generated source.
    let fx = Fixture::minimal();
    std::fs::create_dir_all(fx.path("content/letters")).unwrap();
    std::fs::write(fx.path("content/letters/broken.png"), b"not a picture").unwrap();
    fx.write(
        "content/letters/pictures.md",
        "---\nkind: letter\ntitle: Pictures\nsigned_by: practice\n---\n\n# About\n\nText first.\n\n![A chart](broken.png)\n",
    );
    let run = fx.run(&["check", "--typeset"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/letters/pictures.md:11:"), "{}", run.stderr);
    assert!(run.stderr.contains("typst reported it at line"), "{}", run.stderr);
}

/// Paragraphs that put a phone number and an e-mail address at every place along a line: one
/// of them would break inside each, were they not kept whole.
fn contact_paragraphs() -> String {
    (1..=40)
        .map(|i| {
            format!(
                "{} for things that need us call 0116 496 0123 or write to reception@high-street.example.org today.\n\n",
                "a".repeat(i)
            )
        })
        .collect()
}

#[test]
fn phone_numbers_and_e_mail_addresses_never_break_across_lines() {
    let fx = Fixture::minimal();
    fx.write(
        "content/guide/01-intro.md",
        &format!(
            "---\nkind: guide-section\ntitle: Introduction\norder: 10\nstatus: current\nreviewed: 2026-04-01\n---\n\n{}",
            contact_paragraphs()
        ),
    );
    fx.write(
        "content/letters/note.md",
        &format!(
            "---\nkind: letter\ntitle: Note\nsigned_by: practice\n---\n\n{}Or call {{{{ practice.phone }}}}.\n",
            contact_paragraphs()
        ),
    );
    let run = fx.run(&["build", "--emit-typst"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (phone, email) = ("0116 496 0123", "reception@high-street.example.org");

    // PDF: every line that shows a part of either shows all of it.
    for pdf in ["guide/test-guide.pdf", "practices/Z90001/letters/note.pdf"] {
        let facts = crate::pdf::read(&fx.out(pdf));
        let lines: Vec<String> = facts.text.iter().flat_map(|page| page.lines().map(squash)).collect();
        let mut seen = 0;
        // The practice's own number (the letterhead's, and its field's) is 0116 496 0001.
        let whole = |line: &str, part: &str| {
            line.matches(part).count() == line.matches(phone).count() + line.matches("0116 496 0001").count()
        };
        for line in &lines {
            for part in ["0116", "496"] {
                assert!(whole(line, part), "{pdf}: a number is broken on {line:?}");
            }
            assert_eq!(line.matches("0123").count(), line.matches(phone).count(), "{pdf}: {line:?}");
            seen += line.matches(phone).count();
            for part in ["reception", "high-", "street.example.org"] {
                assert_eq!(line.matches(part).count(), line.matches(email).count(), "{pdf}: {line:?}");
            }
        }
        assert!(seen >= 40, "{pdf}: the number shows {seen} times:\n{}", lines.join("\n"));
    }

    // typst: each is a box, which typst never breaks.
    let typ = std::fs::read_to_string(fx.out("guide/test-guide.typ")).unwrap();
    assert!(typ.contains("#box[0116 496 0123]"), "{typ}");
    assert!(typ.contains("#box[reception\\@high\\-street.example.org]"), "{typ}");
    let letter = std::fs::read_to_string(fx.out("practices/Z90001/letters/note.typ")).unwrap();
    assert!(letter.contains("#box(field(\"practice.phone\"))"), "{letter}");

    // The web page: each in a span that does not wrap.
    let html = std::fs::read_to_string(fx.out("guide/test-guide.html")).unwrap();
    assert!(html.contains(".nowrap { white-space: nowrap; }"), "the page's style keeps them whole");
    assert!(html.contains(&format!("<span class=\"nowrap\">{phone}</span>")), "{html}");
    assert!(html.contains(&format!("<span class=\"nowrap\">{email}</span>")), "{html}");

    // Word: no-break spaces and hyphens, in the body and in the letterhead.
    let parts = crate::docx::parts(&fx.out("practices/Z90001/letters/note.docx"));
    let body = &parts["word/document.xml"];
    assert!(body.contains("0116\u{a0}496\u{a0}0123"), "{body}");
    assert!(body.contains("reception@high\u{2011}street.example.org"), "{body}");
    assert!(body.contains("0116\u{a0}496\u{a0}0001"), "the practice's own number, from its field: {body}");
    assert!(!body.contains(phone) && !body.contains(email), "{body}");
    assert!(
        parts["word/header1.xml"].contains("Tel 0116\u{a0}496\u{a0}0001"),
        "{}",
        parts["word/header1.xml"]
    );
}
