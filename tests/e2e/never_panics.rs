//! No fixture makes any command panic: `check` runs over every project in `tests/fixtures`
//! (and the shipped sample with the stress-test profile) and never ends with Rust's panic
//! code, 101. The property tests in `src/load/never_panics.rs` feed random edits of the
//! same kinds of files through the same path in-process.

use std::path::Path;

use crate::common::Fixture;

/// The exit code of a Rust program that panicked.
const PANICKED: i32 = 101;

#[test]
fn check_never_panics_on_any_fixture() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixtures found in {}", fixtures.display());
    for name in names {
        // A fixture without a content/ folder is a file for another project (the stress-test
        // profile joins the shipped sample).
        let fx = if fixtures.join(&name).join("content").is_dir() {
            Fixture::from_dir(&name)
        } else {
            Fixture::shipped_with_stress_test()
        };
        for args in [&["check"][..], &["check", "--typeset"][..]] {
            let run = fx.run(args);
            assert_ne!(
                run.code,
                PANICKED,
                "`lmcpress {}` panicked on fixture {name}:\n{}",
                args.join(" "),
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"), "fixture {name}:\n{}", run.stderr);
        }
    }
}
