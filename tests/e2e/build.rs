//! End-to-end: `lmcpress build` on a copy of the shipped project.

use crate::common::{Fixture, info, pdf_text, squash};

/// The shipped sample practices, and Z90002, the stress-test profile the tests add.
const PRACTICES: [&str; 6] = ["Z90001", "Z90002", "Z90003", "Z90004", "Z90005", "Z90006"];
const STRESS_NAME: &str = r"Dr #1 & Partners [Ltd] $5 <x> @y \ * _";

#[test]
fn build_writes_every_kind_of_output() {
    let fx = Fixture::shipped_with_stress_test();
    let run = fx.run(&["build"]).ok();
    assert!(run.stderr.contains("0 failed"), "{}", run.stderr);

    let guide = fx.out("guide/llr-lmc-guide-2026-27.pdf");
    assert!(info(&guide, "Pages").parse::<u32>().unwrap() >= 8);
    assert_eq!(info(&guide, "Tagged"), "yes");
    assert!(info(&guide, "Title").contains("2026/27"));

    for ods in PRACTICES {
        let dir = fx.out(&format!("practices/{ods}"));
        let ag = std::fs::read_to_string(dir.join("ag-disclaimer.txt")).unwrap();
        assert!(ag.contains("pre-authorise"), "{ods}: {ag}");
        let letters: Vec<_> = std::fs::read_dir(dir.join("letters")).unwrap().collect();
        assert_eq!(letters.len(), 2 * 6, "{ods}: a PDF and a Word file per letter");
        let posters = std::fs::read_dir(dir.join("posters")).unwrap().count();
        assert!(posters >= 2 * 3, "{ods}: {posters} poster files");
    }

    let a4 = fx.out("practices/Z90001/posters/safe-daily-limits.pdf");
    assert!(info(&a4, "Page size").starts_with("595.276 x 841.890"), "{}", info(&a4, "Page size"));
    assert_eq!(info(&a4, "Pages"), "1");
    let a3 = fx.out("practices/Z90001/posters/safe-daily-limits-a3.pdf");
    assert!(info(&a3, "Page size").starts_with("841.890 x 1190.551"), "{}", info(&a3, "Page size"));
    let png = |rel: &str| lmcpress::typeset::png::dimensions(&std::fs::read(fx.out(rel)).unwrap()).unwrap();
    assert_eq!(png("practices/Z90001/posters/safe-daily-limits.png"), (1240, 1754));
    assert_eq!(png("practices/Z90001/social/safe-daily-limits-square.png"), (1080, 1080));
    assert_eq!(png("practices/Z90001/social/safe-daily-limits-portrait.png"), (1080, 1350));
}

#[test]
fn poster_choice_limits_a_practice_to_its_posters() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--practice", "Z90003"]).ok();
    let mut names: Vec<String> = std::fs::read_dir(fx.out("practices/Z90003/posters"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    names.sort();
    assert_eq!(names, ["safe-daily-limits.png", "where-to-get-help.png"]);
    assert!(!fx.out("guide").exists(), "--practice leaves the guide out");
    assert!(!fx.out("practices/Z90001").exists());
}

#[test]
fn each_practice_document_carries_its_details() {
    let fx = Fixture::shipped_with_stress_test();
    fx.run(&["build"]).ok();
    for ods in PRACTICES {
        let profile = std::fs::read_dir(fx.path("content/practices"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name().unwrap().to_string_lossy().to_lowercase().starts_with(&ods.to_lowercase())
            })
            .unwrap();
        let yaml = std::fs::read_to_string(&profile).unwrap();
        let field = |key: &str| {
            let line = yaml.lines().find(|l| l.starts_with(&format!("{key}:"))).unwrap();
            let v = line.split_once(':').unwrap().1.trim();
            if v.starts_with('\'') {
                v.trim_matches('\'').replace("''", "'")
            } else {
                v.trim_matches('"').to_string()
            }
        };
        let (name, phone) = (field("name"), field("phone"));
        let letter = squash(&pdf_text(&fx.out(&format!("practices/{ods}/letters/referral-letter.pdf"))));
        assert!(letter.contains(&squash(&name)), "{ods}: letter lacks {name}:\n{letter}");
        assert!(letter.contains(&phone), "{ods}: letter lacks {phone}");
        assert!(letter.contains(&format!("ODS code {ods}")), "{ods}");
        let poster = squash(&pdf_text(&fx.out(&format!("practices/{ods}/posters/where-to-get-help.pdf"))));
        assert!(poster.contains(&squash(&name)) && poster.contains(&phone), "{ods}: {poster}");
        let ag = fx.read(&format!("output/practices/{ods}/ag-disclaimer.txt"));
        assert!(ag.contains(&name), "{ods}: {ag}");
    }
}

#[test]
fn data_is_never_code_in_any_output() {
    let fx = Fixture::shipped_with_stress_test();
    fx.run(&["build", "--practice", "Z90002"]).ok();
    let dir = fx.out("practices/Z90002");
    for entry in walkdir::WalkDir::new(&dir) {
        let path = entry.unwrap().into_path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("pdf") => {
                let text = squash(&pdf_text(&path));
                assert!(text.contains(STRESS_NAME), "{}: {text}", path.display());
            }
            Some("txt") => assert!(std::fs::read_to_string(&path).unwrap().contains(STRESS_NAME)),
            _ => {}
        }
    }
}

#[test]
fn outputs_are_byte_identical_between_runs() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--out", "a"]).ok();
    fx.run(&["build", "--out", "b"]).ok();
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(fx.path("a")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && !entry.file_name().to_string_lossy().starts_with('.') {
            let rel = entry.path().strip_prefix(fx.path("a")).unwrap();
            let a = std::fs::read(entry.path()).unwrap();
            let b = std::fs::read(fx.path("b").join(rel)).unwrap();
            assert!(a == b, "{} differs between runs", rel.display());
            compared += 1;
        }
    }
    assert!(compared > 100, "{compared}");
}

#[test]
fn letters_mark_blanks_to_fill_by_hand_and_only_practice_letters_carry_the_signatory() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--practice", "Z90003"]).ok();
    let text = squash(&pdf_text(&fx.out("practices/Z90003/letters/reply-rejected-referral.pdf")));
    for label in ["Recipient's name", "Patient's NHS number", "Date"] {
        assert!(text.contains(label), "blank for {label} missing: {text}");
    }
    assert!(text.contains("Yours sincerely"));
    assert!(text.contains("Clinician's name") && !text.contains("Wiśniewski"), "{text}");
    let dsa = squash(&pdf_text(&fx.out("practices/Z90003/letters/data-sharing-agreement.pdf")));
    assert!(dsa.contains("Dr Tomasz Wiśniewski GP Partner"), "{dsa}");
}

#[test]
fn source_date_epoch_dates_letters() {
    let fx = Fixture::shipped();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lmcpress"))
        .args(["build", "--practice", "Z90001"])
        .current_dir(fx.root())
        .env("SOURCE_DATE_EPOCH", "1764028800") // 25 November 2025
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = pdf_text(&fx.out("practices/Z90001/letters/data-sharing-agreement.pdf"));
    assert!(text.contains("25 November 2025"), "{text}");
}

/// A build killed part-way costs only its unfinished jobs: what finished is in the journal,
/// which the next build folds in, and the temporary files the kill orphaned are swept.
#[test]
fn a_build_killed_part_way_redoes_only_what_was_unfinished() {
    let fx = Fixture::minimal();
    fx.run(&["build", "--quiet"]).ok();
    let manifest_path = fx.out(".lmcpress-manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let jobs = manifest["jobs"].as_object().unwrap();
    assert!(jobs.len() >= 3, "the fixture has several jobs: {jobs:?}");
    // As a kill leaves it: no saved manifest, all but one finished job in the journal, and a
    // temporary file of a write in flight.
    let mut journal = String::new();
    for (id, entry) in jobs.iter().skip(1) {
        journal.push_str(&serde_json::to_string(&(id, entry)).unwrap());
        journal.push('\n');
    }
    journal.push_str("[\"torn line"); // the kill came mid-write
    std::fs::remove_file(&manifest_path).unwrap();
    std::fs::write(fx.out(".lmcpress-manifest.journal"), journal).unwrap();
    let orphan = fx.out("guide/.lmcpress-x1y2z3.tmp");
    std::fs::write(&orphan, "half a PDF").unwrap();

    let run = fx.run(&["build"]).ok();
    assert!(
        run.stderr.contains("built 1 document,"),
        "only the unfinished job is made again: {}",
        run.stderr
    );
    assert!(!orphan.exists(), "the orphaned temporary file is swept");
    assert!(!fx.out(".lmcpress-manifest.journal").exists(), "the journal is folded into the manifest");
    assert!(manifest_path.is_file());
    let run = fx.run(&["build"]).ok();
    assert!(run.stderr.contains("built 0 documents,"), "{}", run.stderr);
}

/// A first write is not flushed to disk (it replaces nothing), so a machine that crashes may
/// leave it empty or short behind a journal entry that says it was made. Such a file is
/// made again, whatever its time stamp says.
#[test]
fn an_output_left_empty_or_short_by_a_crash_is_made_again() {
    let fx = Fixture::minimal();
    fx.run(&["build", "--quiet"]).ok();
    let pdf = fx.out("practices/Z90001/posters/help.pdf");
    let png = fx.out("practices/Z90001/posters/help.png");
    let (good_pdf, good_png) = (std::fs::read(&pdf).unwrap(), std::fs::read(&png).unwrap());
    let stamp = |p: &std::path::Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let (pdf_time, png_time) = (stamp(&pdf), stamp(&png));
    std::fs::write(&pdf, b"").unwrap();
    std::fs::write(&png, &good_png[..good_png.len() / 2]).unwrap();
    // As a crash leaves them: the times the manifest recorded, the bytes not all there.
    std::fs::File::options().write(true).open(&pdf).unwrap().set_modified(pdf_time).unwrap();
    std::fs::File::options().write(true).open(&png).unwrap().set_modified(png_time).unwrap();
    let run = fx.run(&["build"]).ok();
    assert!(run.stderr.contains("built 1 document,"), "{}", run.stderr);
    assert_eq!(std::fs::read(&pdf).unwrap(), good_pdf);
    assert_eq!(std::fs::read(&png).unwrap(), good_png);
}

#[test]
fn an_output_folder_that_cannot_be_written_is_one_message_before_any_typesetting() {
    let fx = Fixture::minimal();
    // A file where the folder should be: the folder cannot be made, even by root.
    fx.write("blocked", "a file, not a folder");
    let run = fx.run(&["build", "--out", "blocked/output"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().filter(|l| l.starts_with("error")).count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("cannot write to the output folder"), "{}", run.stderr);
    assert!(run.stderr.contains("--out"), "{}", run.stderr);
    assert!(!run.stderr.contains("built "), "it typeset anyway:\n{}", run.stderr);
}

/// Sets every file of the fixture outside `output/` an hour back, as a project edited earlier
/// in the day is: a file modified within the last moments is not trusted by the fingerprint.
fn age_inputs(fx: &Fixture) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(fx.root()).into_iter().filter_entry(|e| e.file_name() != "output") {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            std::fs::File::options().write(true).open(entry.path()).unwrap().set_modified(hour_ago).unwrap();
        }
    }
}

/// `lmcpress build` with its stage timings on, which name the fingerprint when a build
/// answered from it without loading the project.
fn timed_build(fx: &Fixture, args: &[&str]) -> crate::common::Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_lmcpress"))
        .arg("build")
        .args(args)
        .current_dir(fx.root())
        .env_remove("SOURCE_DATE_EPOCH")
        .env("LMCPRESS_TIMINGS", "1")
        .output()
        .unwrap();
    crate::common::Run::from(output).ok()
}

fn answered_from_fingerprint(run: &crate::common::Run) -> bool {
    run.stderr.contains("timing: fingerprint") && !run.stderr.contains("timing: load")
}

/// A no-op build answers from the whole project's fingerprint, saying what a no-op build
/// says; any change to an input, an output, the flags or the output folder's contents makes
/// it build as before, and the manifest decides what to make.
#[test]
fn a_no_op_build_answers_from_the_fingerprint_until_anything_changes() {
    let fx = Fixture::minimal();
    age_inputs(&fx);
    let first = timed_build(&fx, &[]);
    assert!(first.stderr.contains(", 0 unchanged"), "{}", first.stderr);
    let documents = first.stderr.split("built ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    let second = timed_build(&fx, &[]);
    assert!(answered_from_fingerprint(&second), "{}", second.stderr);
    assert!(
        second.stderr.contains(&format!("built 0 documents, {documents} unchanged, 0 failed")),
        "{}",
        second.stderr
    );

    // The same size and the same modification time, other bytes: the change time tells.
    let profile = fx.path("content/practices/z90001.yaml");
    let before = std::fs::metadata(&profile).unwrap().modified().unwrap();
    let text = fx.read("content/practices/z90001.yaml");
    assert!(text.contains("0116 496 0001"), "{text}");
    fx.write("content/practices/z90001.yaml", &text.replace("0116 496 0001", "0116 496 0009"));
    std::fs::File::options().write(true).open(&profile).unwrap().set_modified(before).unwrap();
    let edited = timed_build(&fx, &[]);
    assert!(!answered_from_fingerprint(&edited), "{}", edited.stderr);
    assert!(edited.stderr.contains("built 4 documents"), "{}", edited.stderr);
    assert!(pdf_text(&fx.out("practices/Z90001/posters/help.pdf")).contains("0116 496 0009"));
    assert!(answered_from_fingerprint(&timed_build(&fx, &[])));

    // A file saved moments before a build may be saved again within the same tick of the
    // file system's clock: that build records nothing to trust until the file has aged.
    fx.write("content/practices/z90001.yaml", &text.replace("0116 496 0001", "0116 496 0008"));
    assert!(timed_build(&fx, &[]).stderr.contains("built 4 documents"));
    assert!(!answered_from_fingerprint(&timed_build(&fx, &[])));
    assert!(!fx.out(".lmcpress-fingerprint").exists());
    age_inputs(&fx);
    timed_build(&fx, &[]);
    assert!(answered_from_fingerprint(&timed_build(&fx, &[])));

    // An output deleted, or a file added to the output folder.
    std::fs::remove_file(fx.out("practices/Z90001/posters/help-a3.pdf")).unwrap();
    let deleted = timed_build(&fx, &[]);
    assert!(deleted.stderr.contains("built 1 document,"), "{}", deleted.stderr);
    assert!(fx.out("practices/Z90001/posters/help-a3.pdf").is_file());
    assert!(answered_from_fingerprint(&timed_build(&fx, &[])));
    fx.write("output/notes.txt", "the LMC's own file");
    assert!(!answered_from_fingerprint(&timed_build(&fx, &[])));
    assert!(answered_from_fingerprint(&timed_build(&fx, &[])));

    // A new file in the project, other flags, or --force.
    fx.write(
        "content/posters/extra.md",
        "---\nkind: poster\ntitle: Extra\nsummary: More.\norder: 20\n---\n\nMore help.\n",
    );
    age_inputs(&fx);
    let added = timed_build(&fx, &[]);
    assert!(
        !answered_from_fingerprint(&added) && added.stderr.contains("built 4 documents"),
        "{}",
        added.stderr
    );
    assert!(answered_from_fingerprint(&timed_build(&fx, &[])));
    assert!(!answered_from_fingerprint(&timed_build(&fx, &["--emit-typst"])));
    assert!(!answered_from_fingerprint(&timed_build(&fx, &[])), "the flags differ from the last build's");
    assert!(!answered_from_fingerprint(&timed_build(&fx, &["--force"])));
    assert!(!answered_from_fingerprint(&timed_build(&fx, &["--practice", "Z90001"])));
}

/// A project that warns while loading is never answered from the fingerprint: each build
/// repeats the warning, as it always has.
#[test]
fn a_project_with_warnings_is_loaded_every_time_so_they_are_repeated() {
    let fx = Fixture::minimal();
    let profile = "content/practices/z90001.yaml";
    fx.write(profile, &format!("{}posters: [help, long-withdrawn-leaflet]\n", fx.read(profile)));
    age_inputs(&fx);
    timed_build(&fx, &[]);
    let again = timed_build(&fx, &[]);
    assert!(!answered_from_fingerprint(&again), "{}", again.stderr);
    assert!(again.stderr.contains("long-withdrawn-leaflet"), "the warning is repeated: {}", again.stderr);
    assert!(!fx.out(".lmcpress-fingerprint").exists());
}
