//! The shipped content: the guide carries the key facts, posters are plain English, and
//! every practice's documents carry its own details.

use crate::common::{Fixture, pdf_text, squash};

/// Flesch reading ease: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word.
fn flesch(text: &str) -> f64 {
    let sentences = text
        .split(['.', '!', '?', ':', ';', '\n'])
        .filter(|s| s.chars().any(char::is_alphabetic))
        .count()
        .max(1);
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    206.835
        - 1.015 * words.len() as f64 / sentences as f64
        - 84.6 * syllables as f64 / words.len().max(1) as f64
}

/// Vowel groups, less a silent final e: the usual estimate.
fn syllables(word: &str) -> usize {
    let w = word.to_lowercase();
    let chars: Vec<char> = w.chars().collect();
    let vowel = |c: char| "aeiouy".contains(c);
    let mut count = 0;
    let mut previous = false;
    for &c in &chars {
        let v = vowel(c);
        if v && !previous {
            count += 1;
        }
        previous = v;
    }
    if w.ends_with('e') && !w.ends_with("le") && count > 1 {
        count -= 1;
    }
    count.max(1)
}

#[test]
fn syllable_estimates_are_sane() {
    assert_eq!(syllables("cat"), 1);
    assert_eq!(syllables("practice"), 2);
    assert_eq!(syllables("appointment"), 3);
    assert!(flesch("The cat sat on the mat. It was warm.") > 100.0);
    assert!(
        flesch("Multidisciplinary organisational considerations necessitate comprehensive evaluation.") < 0.0
    );
}

#[test]
fn every_poster_is_plain_english() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/posters");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        // Translations (`<slug>.<lang>.md`) are not English: the formula does not apply.
        if path.file_stem().is_some_and(|s| s.to_string_lossy().contains('.')) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (front, body) = text.trim_start_matches("---\n").split_once("\n---\n").unwrap();
        let title = front.lines().find_map(|l| l.strip_prefix("title:")).unwrap().trim();
        let body = body
            .replace("{{ practice.phone }}", "0116 496 0000")
            .replace("{{ practice.name }}", "the surgery");
        let body: String = body.chars().filter(|c| !"*_#>`[]()".contains(*c)).collect();
        let score = flesch(&format!("{title}.\n{body}"));
        assert!(score >= 70.0, "{}: Flesch reading ease {score:.1} is below 70", path.display());
        checked += 1;
    }
    assert!(checked >= 5, "at least five posters ship, found {checked}");
}

#[test]
fn the_guide_carries_the_key_facts() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet"]).ok();
    let text = squash(&pdf_text(&fx.out("guide/llr-lmc-guide-2026-27.pdf")));
    for fact in [
        "2026/27 edition",
        "imposed",
        "98.9%",
        "1 May 2026",
        "June 2026",
        "global sum",
        "£1.28",
        "1 October 2025",
        "Contents",
        "25",
        "15-minute",
        "UEMO",
        "820641000000100",
        "£20",
        "27 May 2025",
        "1 April 2025",
        "31 March 2026",
        "CQRS",
        "OptimiseRx",
        "PRISM",
        "community house officer",
        "bma.org.uk/GPsSafeWorking",
        "19 March 2025",
        "GMC",
        "data sharing",
        "www.llrlmc.co.uk",
    ] {
        assert!(text.contains(fact), "the guide does not mention {fact:?}");
    }
    for status in ["Current", "Continues", "Superseded", "Ended", "Last reviewed"] {
        assert!(text.contains(status), "no {status:?} label");
    }
}

#[test]
fn the_ag_wording_is_short_and_complete() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet", "--practice", "Z90001"]).ok();
    let text = fx.read("output/practices/Z90001/ag-disclaimer.txt");
    let words = text.split_whitespace().count();
    assert!((30..=150).contains(&words), "{words} words");
    assert!(text.contains("St Margaret's & Belgrave Medical Centre"));
    assert!(text.contains("pre-authorise") && text.contains("referral"), "{text}");
    assert!(!text.contains("{{") && !text.contains('#'), "{text}");
}

#[test]
fn a_pale_brand_colour_gets_dark_text_on_posters() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet", "--practice", "Z90004", "--emit-typst"]).ok();
    let typ = fx.read("output/practices/Z90004/posters/where-to-get-help.typ");
    assert!(typ.contains("#let brand = rgb(\"#FFB81C\")"), "{typ}");
    assert!(typ.contains("#let brand-text = rgb(\"#212B32\")"), "{typ}");
}

#[test]
fn check_warns_about_stale_reviews_ended_schemes_unsourced_figures_and_stray_citations() {
    let fx = crate::common::Fixture::minimal();
    fx.write(
        "content/guide/02-old.md",
        "---\nkind: guide-section\ntitle: Old\norder: 20\nstatus: current\nreviewed: 2025-06-01\nvalid_until: 2025-03-31\n---\n\nIn 2024 most practices, 98.9%, voted yes.\n",
    );
    fx.write(
        "content/guide/03-cited.md",
        "---\nkind: guide-section\ntitle: Cited\norder: 30\nstatus: current\nreviewed: 2026-05-01\n\
         sources:\n  - title: A source\n    url: https://example.org/a\n    date: 2026-02-24\n---\n\nIn 2026 it changed [1], see also [2].\n",
    );
    let run = fx.run(&["check"]);
    assert_eq!(run.code, 0, "warnings do not fail a check: {}", run.stderr);
    let err = &run.stderr;
    assert!(
        err.contains("content/guide/02-old.md:6:1")
            && err.contains("before the 2026/27 edition began on 1 April 2026"),
        "{err}"
    );
    assert!(err.contains("content/guide/02-old.md:5:1") && err.contains("ended on 31 March 2025"), "{err}");
    assert!(err.contains("content/guide/02-old.md:10:4") && err.contains("lists no `sources:`"), "{err}");
    assert!(
        err.contains("content/guide/03-cited.md:13:34") && err.contains("cites [2], but `sources:` lists 1"),
        "{err}"
    );
    assert!(!err.contains("01-intro.md"), "a section reviewed this edition with no figures is fine: {err}");
}
