//! One ZIP per practice, holding exactly the practice's files: made on demand, or written by
//! `build --packs`.

use std::collections::BTreeSet;
use std::io::Read;

use crate::docx::small_project;

fn entries(path: &std::path::Path) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(path).unwrap())).unwrap();
    zip.file_names().map(String::from).collect()
}

fn with_poster_and_ag(fx: &crate::common::Fixture) {
    fx.write(
        "content/posters/limits.md",
        "---\nkind: poster\ntitle: Safe limits\nsummary: We keep days safe.\n---\n\nText.\n",
    );
    fx.write(
        "content/ag-disclaimer.md",
        "---\nkind: ag-disclaimer\ntitle: A&G\n---\n\nFrom {{ practice.name }}.\n",
    );
}

#[test]
fn a_pack_holds_exactly_the_practices_files_and_a_readme() {
    let fx = small_project();
    with_poster_and_ag(&fx);
    fx.run(&["build", "--packs"]).ok();
    let pack = fx.out("packs/Z99001.zip");
    let names = entries(&pack);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries are sorted");

    // Every file under practices/Z99001 is in the pack, once, and nothing else but the README.
    let practice_dir = fx.out("practices/Z99001");
    let on_disk: BTreeSet<String> = walkdir::WalkDir::new(&practice_dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let in_pack: BTreeSet<String> = names
        .iter()
        .filter(|n| *n != "README.txt")
        .map(|n| n.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(in_pack, on_disk);
    assert_eq!(names.len(), on_disk.len() + 1);
    for expected in [
        "Posters to print/A4/limits.pdf",
        "Posters to print/A3/limits-a3.pdf",
        "Posters for screens and websites/limits.png",
        "Social media images/limits-square.png",
        "Social media images/limits-portrait.png",
        "Letters/PDF, to print/referral-reply.pdf",
        "Letters/Word, to edit/referral-reply.docx",
        "Advice and Guidance/ag-disclaimer.txt",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:#?}");
    }
    // Files in the pack are the built files, byte for byte.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&pack).unwrap())).unwrap();
    let mut docx = Vec::new();
    zip.by_name("Letters/Word, to edit/referral-reply.docx").unwrap().read_to_end(&mut docx).unwrap();
    assert_eq!(docx, std::fs::read(fx.out("practices/Z99001/letters/referral-reply.docx")).unwrap());
    let mut readme = String::new();
    zip.by_name("README.txt").unwrap().read_to_string(&mut readme).unwrap();
    assert!(readme.contains(crate::docx::TRICKY_NAME), "{readme}");
    assert!(readme.contains("Actual size") && readme.contains("A3"), "{readme}");
    assert!(readme.contains("[placeholder]"), "{readme}");
}

#[test]
fn packs_are_reproducible_and_rebuilt_only_when_a_file_changes() {
    let fx = small_project();
    with_poster_and_ag(&fx);
    fx.run(&["build", "--packs"]).ok();
    let pack = fx.out("packs/Z99001.zip");
    let first = std::fs::read(&pack).unwrap();
    let stamp = std::fs::metadata(&pack).unwrap().modified().unwrap();

    // Nothing changed: the pack is not written again.
    fx.run(&["build", "--packs"]).ok();
    assert_eq!(std::fs::metadata(&pack).unwrap().modified().unwrap(), stamp);
    // Built afresh elsewhere: the same bytes.
    fx.run(&["build", "--packs", "--out", "again"]).ok();
    assert_eq!(std::fs::read(fx.path("again/packs/Z99001.zip")).unwrap(), first);
    // A pack deleted on its own is made again, and recorded: the next build makes nothing.
    std::fs::remove_file(&pack).unwrap();
    let remade = fx.run(&["build", "--packs"]);
    assert!(remade.stderr.contains("built 1 document,"), "{}", remade.stderr);
    assert_eq!(std::fs::read(&pack).unwrap(), first);
    let again = fx.run(&["build", "--packs"]);
    assert!(again.stderr.contains("built 0 documents,"), "{}", again.stderr);
    // The practice's new name is in the pack's README, so the pack changes with it.
    let profile = fx.read("content/practices/z99001.yaml");
    fx.write("content/practices/z99001.yaml", &profile.replacen("name: ", "name: Renamed ", 1));
    fx.run(&["build", "--packs"]).ok();
    let renamed = std::fs::read(&pack).unwrap();
    assert_ne!(renamed, first);
    fx.write("content/practices/z99001.yaml", &profile);
    fx.run(&["build", "--packs"]).ok();
    assert_eq!(std::fs::read(&pack).unwrap(), first);
    // A letter edit changes the pack.
    let letter = fx.read("content/letters/referral-reply.md").replace("Dear", "Dear Sir or Madam,\n\nTo");
    fx.write("content/letters/referral-reply.md", &letter);
    fx.run(&["build", "--packs"]).ok();
    assert_ne!(std::fs::read(&pack).unwrap(), first);
}

#[test]
fn a_plain_build_writes_no_packs_and_the_pack_made_on_demand_is_the_same_bytes() {
    let fx = small_project();
    with_poster_and_ag(&fx);
    fx.run(&["build"]).ok();
    assert!(!fx.out("packs").exists(), "a plain build wrote packs");
    let loaded = lmcpress::pipeline::load(&fx.path("")).unwrap();
    let on_demand = lmcpress::pipeline::pack(&loaded, "Z99001", &fx.out("")).unwrap();

    // The pack `build --packs` writes is the same ZIP, byte for byte.
    let with_packs = fx.run(&["build", "--packs"]);
    assert!(with_packs.stderr.contains("built 1 document,"), "{}", with_packs.stderr);
    assert_eq!(std::fs::read(fx.out("packs/Z99001.zip")).unwrap(), on_demand);

    // A plain build after that removes the packs: left alone they would fall out of date.
    let plain = fx.run(&["build"]);
    assert!(plain.stderr.contains("1 file removed"), "{}", plain.stderr);
    assert!(!fx.out("packs/Z99001.zip").exists());

    // Without the built files there is no pack, and the error names the missing one.
    std::fs::remove_file(fx.out("practices/Z99001/letters/referral-reply.docx")).unwrap();
    let missing = lmcpress::pipeline::pack(&loaded, "Z99001", &fx.out("")).unwrap_err();
    assert!(missing.file.ends_with("referral-reply.docx"), "{missing:?}");
}
