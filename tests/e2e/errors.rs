//! End-to-end: bad input gets a located message, spoils only itself, and never costs the
//! previous good output.

use crate::common::{Fixture, practice_yaml};

/// A letter for the tests that need one.
const LETTER: &str = "---\nkind: letter\ntitle: Note\nsigned_by: practice\n---\n\nDear colleague,\n";

#[test]
fn a_broken_profile_fails_alone_and_keeps_its_old_outputs() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90002.yaml", &practice_yaml("Z90002", "Second Surgery"));
    fx.write("content/practices/z90003.yaml", &practice_yaml("Z90003", "Third Surgery"));
    fx.run(&["build"]).ok();
    let kept = fx.out("practices/Z90002/posters/help.pdf");
    let before = std::fs::read(&kept).unwrap();

    let second = practice_yaml("Z90002", "Second Surgery").replace("brand_colour:", "brand_color:");
    fx.write("content/practices/z90002.yaml", &second);
    fx.write("content/practices/z90003.yaml", &practice_yaml("Z9003", "Third Surgery"));
    let run = fx.run(&["build", "--force"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/practices/z90002.yaml:7:1"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `brand_colour`?"), "{}", run.stderr);
    assert!(run.stderr.contains("content/practices/z90003.yaml:1:11"), "{}", run.stderr);
    assert!(run.stderr.contains("capital letter then five digits"), "{}", run.stderr);
    assert!(run.stderr.contains("2 failed"), "{}", run.stderr);
    assert_eq!(std::fs::read(&kept).unwrap(), before, "the last good output stays");
    assert!(fx.out("practices/Z90001/posters/help.pdf").exists());
}

#[test]
fn bad_yaml_syntax_and_missing_logo_are_located() {
    let fx = Fixture::minimal();
    let profile = "content/practices/z90001.yaml";
    fx.write(profile, &(fx.read(profile) + "logo: logos/nowhere.png\n"));
    fx.write("content/practices/broken.yaml", "ods_code: Z90099\nname: [unclosed\n");
    let run = fx.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("logo `logos/nowhere.png` does not exist"), "{}", run.stderr);
    assert!(run.stderr.contains("content/practices/broken.yaml:2:7"), "{}", run.stderr);
    assert!(!fx.out("").exists(), "check writes nothing");
}

#[test]
fn a_too_mid_toned_colour_names_the_ratio() {
    let fx = Fixture::minimal();
    let profile = "content/practices/z90001.yaml";
    fx.write(profile, &fx.read(profile).replace("\"#005EB8\"", "\"#768692\""));
    let run = fx.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("#768692") && run.stderr.contains("3.75:1"), "{}", run.stderr);
}

#[test]
fn bad_front_matter_fails_that_document_only() {
    let fx = Fixture::minimal();
    fx.write(
        "content/posters/limits.md",
        "---\nkind: poster\ntitle: Limits\nsumary: Safe limits.\norder: 20\n---\n\nWe keep to safe limits.\n",
    );
    let run = fx.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/posters/limits.md:4:1"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `summary`?"), "{}", run.stderr);
    assert!(!fx.out("practices/Z90001/posters/limits.pdf").exists());
    assert!(fx.out("practices/Z90001/posters/help.pdf").exists());
    assert!(fx.out("guide/test-guide.pdf").exists());
}

#[test]
fn a_template_error_fails_only_the_documents_that_use_it() {
    let fx = Fixture::minimal();
    fx.write("templates/social.typ.tera", "{% include \"partials/base.typ.tera\" %}\n{% if %}\n");
    let run = fx.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("templates/social.typ.tera:2:"), "{}", run.stderr);
    assert!(!fx.out("practices/Z90001/social").exists());
    assert!(fx.out("practices/Z90001/posters/help.pdf").exists());
}

#[test]
fn a_typst_error_in_a_template_names_the_templates_line_and_suggests_emit_typst() {
    let fx = Fixture::minimal();
    fx.write("content/letters/note.md", LETTER);
    let t = fx.template("letter.typ.tera");
    let line = t.lines().count() + 2;
    fx.write("templates/letter.typ.tera", &(t + "\n#undefined-thing\n"));
    let run = fx.run(&["build", "--practice", "Z90001"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("unknown variable: undefined-thing"), "{}", run.stderr);
    // At the template's own line, not at the source generated for one practice's letter.
    assert!(run.stderr.contains(&format!("templates/letter.typ.tera:{line}:2")), "{}", run.stderr);
    assert!(!run.stderr.contains("generated typst for"), "{}", run.stderr);
    assert!(run.stderr.contains("--emit-typst"), "{}", run.stderr);
    assert!(fx.out("practices/Z90001/posters/help.pdf").exists());
}

#[test]
fn templates_cannot_read_outside_the_project() {
    let fx = Fixture::minimal();
    fx.write("content/letters/note.md", LETTER);
    let t = fx.template("letter.typ.tera");
    for attempt in [
        "#read(\"/etc/passwd\")",
        "#read(\"../../../../../../../etc/passwd\")",
        "#import \"@preview/cetz:0.3.4\"",
    ] {
        fx.write("templates/letter.typ.tera", &format!("{t}\n{attempt}\n"));
        let run = fx.run(&["build", "--practice", "Z90001", "--force"]);
        assert_eq!(run.code, 1, "{attempt}");
        assert!(!run.stderr.contains("root:x:0:0"), "{attempt}");
        let said = run.stderr.contains("file not found")
            || run.stderr.contains("would escape the project root")
            || run.stderr.contains("package imports are disabled")
            || run.stderr.contains("denied");
        assert!(said, "{attempt}: {}", run.stderr);
    }
}

#[test]
fn unknown_practice_and_usage_errors_have_their_exit_codes() {
    let fx = Fixture::minimal();
    let run = fx.run(&["build", "--practice", "Z12345"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no practice has ODS code `Z12345`"));
    assert_eq!(fx.run(&["build", "--no-such-flag"]).code, 2);
    assert_eq!(fx.run(&[]).code, 2);
}

#[test]
fn not_a_project_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lmcpress"))
        .arg("build")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is `.` an lmcpress project?"));
}
