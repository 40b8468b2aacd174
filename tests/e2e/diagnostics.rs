//! What a user reads when something is wrong, exactly: snapshots of stderr for the kinds of
//! mistake people make. Each names the file, line and column where there is one, says what
//! is wrong and what to do, and keeps hints apart from the message.

use crate::common::{Fixture, practice_yaml};

/// A letter with a name and an NHS number to merge.
const NOTE_LETTER: &str = "---\nkind: letter\ntitle: Note\nsigned_by: practice\nfields:\n  - name: patient_name\n  - name: nhs_number\n    kind: nhs_number\n---\n\nDear {{ patient_name }}\n";

/// Runs lmcpress and returns stderr with the fixture's folder shown as `[ROOT]`.
fn stderr(fx: &Fixture, args: &[&str]) -> (i32, String) {
    let run = fx.run(args);
    let root = fx.root().canonicalize().unwrap();
    let text = run.stderr.replace(&root.display().to_string(), "[ROOT]");
    (run.code, text.replace(&fx.root().display().to_string(), "[ROOT]"))
}

#[test]
fn a_misspelt_profile_key() {
    let fx = Fixture::minimal();
    let yaml = practice_yaml("Z90001", "Test Surgery").replace("brand_colour:", "brand_color:");
    fx.write("content/practices/z90001.yaml", &yaml);
    let (code, err) = stderr(&fx, &["check"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn an_ods_code_in_the_wrong_shape_and_a_yaml_syntax_error() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90001.yaml", &practice_yaml("Z9001", "Test Surgery"));
    fx.write("content/practices/z90002.yaml", "ods_code: Z90002\nname: [unclosed\n");
    let (code, err) = stderr(&fx, &["check"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn a_practice_that_does_not_exist() {
    let fx = Fixture::minimal();
    let (code, err) = stderr(&fx, &["build", "--practice", "Z90011"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn a_folder_that_is_not_a_project() {
    let fx = Fixture::minimal();
    std::fs::create_dir(fx.path("empty")).unwrap();
    let (code, err) = stderr(&fx, &["check", "--root", "empty"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn a_template_syntax_error() {
    let fx = Fixture::minimal();
    let poster = fx.template("poster.typ.tera");
    fx.write("templates/poster.typ.tera", &poster.replacen("{{", "{{ practice.name | ", 1));
    let (code, err) = stderr(&fx, &["check"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn a_typst_error_in_markdown_is_traced_to_the_authors_line() {
    let fx = Fixture::minimal();
    std::fs::create_dir_all(fx.path("content/guide")).unwrap();
    std::fs::write(fx.path("content/guide/broken.png"), b"not a picture").unwrap();
    fx.write(
        "content/guide/02-image.md",
        "---\nkind: guide-section\ntitle: Pictures\norder: 20\nstatus: current\nreviewed: 2026-04-01\n---\n\nText first.\n\n![A chart](broken.png)\n",
    );
    // A picture typst cannot decode is found by typesetting: plain `check` typesets the guide
    // (the one document of its template) and says the same as `--typeset`.
    let (code, plain) = stderr(&fx, &["check"]);
    assert_eq!(code, 1, "{plain}");
    let (code, err) = stderr(&fx, &["check", "--typeset"]);
    assert_eq!(plain, err);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn merge_columns_that_do_not_match_the_letter() {
    let fx = Fixture::minimal();
    fx.write("content/letters/note.md", NOTE_LETTER);
    fx.write("people.csv", "Patient Name,NHS\nA Smith,943 476 5919\n");
    let (code, err) = stderr(&fx, &["merge", "note", "--practice", "Z90001", "--data", "people.csv"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn merge_rows_are_named_by_row_and_column_never_by_value() {
    let fx = Fixture::minimal();
    fx.write("content/letters/note.md", NOTE_LETTER);
    fx.write(
        "people.csv",
        "patient_name,nhs_number\nA Smith,943 476 5919\nB Jones,1234567890\n,9434765919\n",
    );
    let (code, err) = stderr(&fx, &["merge", "note", "--practice", "Z90001", "--data", "people.csv"]);
    assert_eq!(code, 1);
    assert!(!err.contains("1234567890") && !err.contains("Jones"), "{err}");
    insta::assert_snapshot!(err.replace(&fx.path("output").display().to_string(), "[ROOT]/output"));
}

#[test]
fn an_edition_name_that_is_not_a_year() {
    let fx = Fixture::minimal();
    let (code, err) = stderr(&fx, &["edition", "new", "2025/27"]);
    assert_eq!(code, 2, "a usage error: {err}");
    insta::assert_snapshot!(err);
}

#[test]
fn an_edition_that_goes_backwards() {
    let fx = Fixture::minimal();
    let (code, err) = stderr(&fx, &["edition", "new", "2024/25"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn a_typst_mistake_in_a_template_is_reported_once_at_the_templates_line() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90002.yaml", &practice_yaml("Z90002", "Second Surgery"));
    fx.write("content/practices/z90003.yaml", &practice_yaml("Z90003", "Third Surgery"));
    // The reviewer's typo: a colour's bracket left open in the footer.
    let poster = fx.template("poster.typ.tera");
    let broken = poster.replacen("fill: pale,", "fill: rgb(\"#DCEBFA\",", 1);
    assert_ne!(broken, poster, "the footer's fill moved");
    fx.write("templates/poster.typ.tera", &broken);
    let line = broken.lines().position(|l| l.contains("rgb(\"#DCEBFA\",")).unwrap() + 1;
    let at = format!("templates/poster.typ.tera:{line}:");

    // Plain check typesets one poster, so the mistake shows without `--typeset`.
    let (code, err) = stderr(&fx, &["check"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.matches(&at).count(), 1, "said once, at the template's line:\n{err}");
    assert!(!err.contains("(generated typst for"), "{err}");
    insta::assert_snapshot!(err);

    // A build makes three practices' posters from it: still said once.
    let (code, err) = stderr(&fx, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.matches(&at).count(), 1, "{err}");
    assert!(!err.contains("(generated typst for"), "{err}");
}

#[test]
fn a_missing_image_is_one_error_at_the_line_that_names_it() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90002.yaml", &practice_yaml("Z90002", "Second Surgery"));
    fx.write(
        "content/posters/help.md",
        "---\nkind: poster\ntitle: Help\nsummary: Where to get help.\norder: 10\n---\n\nCall us if you need us.\n\n![Where the surgery is](map.png)\n",
    );
    let (code, err) = stderr(&fx, &["check"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.matches("image `map.png` was not found").count(), 1, "{err}");
    insta::assert_snapshot!(err);

    let (code, err) = stderr(&fx, &["build"]);
    assert_ne!(code, 0, "{err}");
    assert_eq!(err.matches("image `map.png` was not found").count(), 1, "{err}");
    assert!(err.contains("content/posters/help.md:10:1"), "{err}");
}
