//! End-to-end: `lmcpress watch` in a temp project, edited the ways editors save files.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, SystemTime};

use crate::common::{Fixture, practice_yaml};

struct Watcher {
    child: Child,
    lines: Receiver<String>,
}

impl Watcher {
    fn start(fx: &Fixture) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lmcpress"))
            .args(["watch", "--debounce", "50"])
            .current_dir(fx.root())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let w = Watcher { child, lines };
        w.wait_for("watching content/");
        w
    }

    /// Lines up to and including the first that contains `needle`.
    fn wait_for(&self, needle: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let done = line.contains(needle);
                    seen.push(line);
                    if done {
                        return seen;
                    }
                }
                Err(_) => panic!("no line with {needle:?}; saw:\n{}", seen.join("\n")),
            }
        }
    }

    /// The next status line ("[hh:mm:ss] ...").
    fn next_status(&self) -> String {
        let lines = self.wait_for(" failed");
        lines.last().unwrap().clone()
    }

    /// The next status line that rebuilt something: a deletion can be reported in two
    /// notifications, the second rebuilding nothing.
    fn next_rebuild(&self) -> String {
        for _ in 0..3 {
            let status = self.next_status();
            if !status.contains("rebuilt 0 documents") {
                return status;
            }
        }
        panic!("no rebuild reported");
    }

    fn stop(mut self) -> i32 {
        Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().unwrap();
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

/// A test that fails part way must not leave its watcher running (it would hold the test's
/// inherited files and folders until killed by hand).
impl Drop for Watcher {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn watch_rebuilds_what_changed_survives_bad_edits_and_stops_cleanly() {
    // Two practices, each with one poster in four formats, one letter and a pack: six jobs.
    let fx = Fixture::minimal();
    let second = practice_yaml("Z90002", "Second Surgery").replace("0116 496 0001", "0116 496 0002");
    fx.write("content/practices/z90002.yaml", &second);
    fx.write(
        "content/letters/note.md",
        "---\nkind: letter\ntitle: Note\nsigned_by: practice\n---\n\nDear colleague,\n",
    );
    let w = Watcher::start(&fx);
    let z2_letter = fx.out("practices/Z90002/letters/note.pdf");
    let z1_letter = fx.out("practices/Z90001/letters/note.pdf");
    let z1_before = mtime(&z1_letter);

    // Write in place: only that practice's documents.
    let profile = "content/practices/z90002.yaml";
    let good = second.replace("0116 496 0002", "0116 496 0012");
    fx.write(profile, &good);
    let status = w.next_status();
    assert!(status.contains("rebuilt 5 documents") && status.contains("0 failed"), "{status}");
    assert!(crate::common::pdf_text(&z2_letter).contains("0116 496 0012"));
    assert_eq!(mtime(&z1_letter), z1_before, "other practices are untouched");

    // A bad edit: diagnostic with file and line, last good output kept, still watching.
    let kept = std::fs::read(&z2_letter).unwrap();
    fx.write(profile, "ods_code: Z90002\nname: [broken\n");
    let lines = w.wait_for(" failed");
    let all = lines.join("\n");
    assert!(all.contains("z90002.yaml:2:7"), "{all}");
    assert!(lines.last().unwrap().contains("1 failed"), "{all}");
    assert_eq!(std::fs::read(&z2_letter).unwrap(), kept);

    // Save vim-style (swap file, then rename over): the fix rebuilds.
    let fixed = good.replace("0116 496 0012", "0116 496 0022");
    fx.write("content/practices/.z90002.yaml.swp", &fixed);
    std::fs::rename(fx.path("content/practices/.z90002.yaml.swp"), fx.path(profile)).unwrap();
    let status = w.next_status();
    assert!(status.contains("rebuilt 5 documents") && status.contains("0 failed"), "{status}");
    assert!(crate::common::pdf_text(&z2_letter).contains("0116 496 0022"));

    // The same text written again is no change: no rebuild and no status line (the watcher
    // can also report the rename above a second time, a rebuild later). So the next status
    // is the poster's: its Markdown rebuilds that poster for both practices (2 x 4).
    fx.write(profile, &fixed);
    let poster = "content/posters/help.md";
    fx.write(poster, &fx.read(poster).replace("Call us if you need us.", "Call us whenever you need us."));
    let status = w.next_status();
    assert!(status.contains("rebuilt 8 documents"), "{status}");

    // Create a new practice: its documents appear.
    fx.write("content/practices/z90003.yaml", &practice_yaml("Z90003", "Third Surgery"));
    let status = w.next_status();
    assert!(status.contains("rebuilt 5 documents"), "{status}");
    assert!(fx.out("practices/Z90003/letters/note.pdf").exists());

    // Delete it again: its outputs go (5 poster files, the letter as PDF and Word).
    std::fs::remove_file(fx.path("content/practices/z90003.yaml")).unwrap();
    let status = w.next_status();
    assert!(status.contains("7 files removed"), "{status}");
    assert!(!fx.out("practices/Z90003/letters/note.pdf").exists());

    // The letter template rebuilds the two letters.
    fx.write("templates/letter.typ.tera", &(fx.template("letter.typ.tera") + "\n// edited\n"));
    let status = w.next_rebuild();
    assert!(status.contains("rebuilt 2 documents"), "{status}");

    assert_eq!(w.stop(), 0);
    let leftovers: Vec<_> = walkdir::WalkDir::new(fx.out(""))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_template_mistake_is_said_once_per_rebuild_however_many_documents_it_breaks() {
    let fx = Fixture::minimal();
    for (ods, name, phone) in
        [("Z90002", "Second Surgery", "0116 496 0002"), ("Z90003", "Third Surgery", "0116 496 0003")]
    {
        let yaml = practice_yaml(ods, name).replace("0116 496 0001", phone);
        fx.write(&format!("content/practices/{}.yaml", ods.to_lowercase()), &yaml);
    }
    fx.run(&["theme", "eject", "poster.typ.tera"]).ok();
    let w = Watcher::start(&fx);
    let template = "templates/poster.typ.tera";
    let text = fx.read(template);
    let line = text
        .lines()
        .find(|l| l.contains("fill: pale,") && text.matches(*l).count() == 1)
        .expect("a pale fill in the poster template");
    // The colour written as a call left open: `rgb("#DCEBFA",` where `pale,` was.
    let open = line.replacen("fill: pale,", "fill: rgb(\"#DCEBFA\",", 1);
    // Three practices' posters, each in several formats, all broken by the same bracket.
    fx.write(template, &text.replacen(line, &open, 1));
    let seen = w.wait_for(" failed").join("\n");
    assert!(seen.contains(template), "{seen}");
    assert_eq!(seen.matches("unclosed delimiter").count(), 1, "said more than once:\n{seen}");
    // Mended: the next rebuild is clean (with nothing to make: the failed jobs left the last
    // good files in place); broken again: said again, once.
    fx.write(template, &text);
    let status = w.next_status();
    assert!(status.contains(" 0 failed"), "{status}");
    fx.write(template, &text.replacen(line, &open, 1));
    let seen = w.wait_for(" failed").join("\n");
    assert_eq!(seen.matches("unclosed delimiter").count(), 1, "{seen}");
    assert_eq!(w.stop(), 0);
}

/// `watch` keeps what it parsed of unchanged profiles between rebuilds; a profile's logo is
/// looked up on disk, so deleting the logo alone must still be found.
#[test]
fn a_logo_deleted_while_watching_is_reported_though_its_profile_did_not_change() {
    let fx = Fixture::minimal();
    let logo = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/practices/logos/kestrel-lane.png");
    std::fs::create_dir_all(fx.path("content/practices/logos")).unwrap();
    std::fs::copy(&logo, fx.path("content/practices/logos/z1.png")).unwrap();
    let profile = "content/practices/z90001.yaml";
    fx.write(profile, &format!("{}logo: logos/z1.png\n", fx.read(profile)));
    let w = Watcher::start(&fx);

    // A poster edit: the profile comes from what the last rebuild parsed.
    let poster = "content/posters/help.md";
    fx.write(poster, &fx.read(poster).replace("Call us if you need us.", "Call us whenever you need us."));
    let status = w.next_status();
    assert!(status.contains("0 failed"), "{status}");

    std::fs::remove_file(fx.path("content/practices/logos/z1.png")).unwrap();
    let lines = w.wait_for(" failed");
    let all = lines.join("\n");
    assert!(all.contains("logo `logos/z1.png` does not exist"), "{all}");
    assert!(!lines.last().unwrap().contains(" 0 failed"), "{all}");

    // Back as it was: the documents made from it are still there, and nothing fails. (The
    // deletion may have been reported twice.)
    std::fs::copy(&logo, fx.path("content/practices/logos/z1.png")).unwrap();
    assert!((0..3).map(|_| w.next_status()).any(|s| s.contains(" 0 failed")));
    assert_eq!(w.stop(), 0);
}

/// `watch` hands the poster body sizes its last rebuild found to the next one (see
/// `render::fits`). After a profile is saved, that practice's posters must come out exactly
/// as a fresh build of the same files makes them, every language and both sizes.
#[test]
fn posters_rebuilt_by_watch_are_those_a_fresh_build_makes() {
    let edit = |fx: &Fixture| {
        let path = "content/practices/z90001-st-margarets-belgrave.yaml";
        let profile = fx.read(path);
        let edited = profile.replacen("phone: \"0116 496 0101\"", "phone: \"0116 496 0102\"", 1);
        assert_ne!(edited, profile, "the profile's phone line moved");
        fx.write(path, &edited);
    };
    let fx = Fixture::shipped();
    let watcher = Watcher::start(&fx);
    edit(&fx);
    watcher.next_rebuild();
    assert_eq!(watcher.stop(), 0);

    let fresh = Fixture::shipped();
    edit(&fresh);
    fresh.run(&["build", "--quiet"]).ok();
    let mut compared = 0;
    for entry in std::fs::read_dir(fresh.out("practices/Z90001/posters")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let watched = std::fs::read(fx.out(&format!("practices/Z90001/posters/{name}"))).unwrap();
        assert!(watched == std::fs::read(&path).unwrap(), "{name} differs from a fresh build's");
        compared += 1;
    }
    assert!(compared >= 3 * 14, "{compared} files compared");
}
