//! End-to-end: `lmcpress watch` in a temp project, edited the ways editors save files.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, SystemTime};

use crate::common::Fixture;

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

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn watch_rebuilds_what_changed_survives_bad_edits_and_stops_cleanly() {
    let fx = Fixture::shipped();
    let w = Watcher::start(&fx);
    let z6_letter = fx.out("practices/Z90006/letters/referral-letter.pdf");
    let z1_letter = fx.out("practices/Z90001/letters/referral-letter.pdf");
    let z1_before = mtime(&z1_letter);

    // Write in place: only that practice's 31 documents and its pack.
    let profile = "content/practices/z90006-hollowmere.yaml";
    let good = fx.read(profile).replace("0116 496 0606", "0116 496 0616");
    fx.write(profile, &good);
    let status = w.next_status();
    assert!(status.contains("rebuilt 32 documents") && status.contains("0 failed"), "{status}");
    assert!(crate::common::pdf_text(&z6_letter).contains("0116 496 0616"));
    assert_eq!(mtime(&z1_letter), z1_before, "other practices are untouched");

    // A bad edit: diagnostic with file and line, last good output kept, still watching.
    let kept = std::fs::read(&z6_letter).unwrap();
    fx.write(profile, "ods_code: Z90006\nname: [broken\n");
    let lines = w.wait_for(" failed");
    let all = lines.join("\n");
    assert!(all.contains("z90006-hollowmere.yaml:2:7"), "{all}");
    assert!(lines.last().unwrap().contains("1 failed"), "{all}");
    assert_eq!(std::fs::read(&z6_letter).unwrap(), kept);

    // Save vim-style (swap file, then rename over): the fix rebuilds.
    let fixed = good.replace("0116 496 0616", "0116 496 0626");
    fx.write("content/practices/.z90006-hollowmere.yaml.swp", &fixed);
    std::fs::rename(fx.path("content/practices/.z90006-hollowmere.yaml.swp"), fx.path(profile)).unwrap();
    let status = w.next_status();
    assert!(status.contains("rebuilt 32 documents") && status.contains("0 failed"), "{status}");
    assert!(crate::common::pdf_text(&z6_letter).contains("0116 496 0626"));

    // A poster's Markdown rebuilds that poster for every practice that shows it (5 x 4).
    let poster = "content/posters/where-to-get-help.md";
    fx.write(poster, &fx.read(poster).replace("We are here for you.", "We are always here for you."));
    let status = w.next_status();
    // Their packs change with them.
    assert!(status.contains("rebuilt 30 documents"), "{status}");

    // Create a new practice: its documents appear.
    let new = good.replace("Z90006", "Z90007").replace("0116 496 0616", "0116 496 0707");
    fx.write("content/practices/z90007-new.yaml", &new);
    let status = w.next_status();
    assert!(status.contains("rebuilt 32 documents"), "{status}");
    assert!(fx.out("practices/Z90007/letters/referral-letter.pdf").exists());

    // Delete it again: its outputs go.
    std::fs::remove_file(fx.path("content/practices/z90007-new.yaml")).unwrap();
    let status = w.next_status();
    // 37 documents, the Word editions of its 6 letters, and its pack.
    assert!(status.contains("44 files removed"), "{status}");
    assert!(!fx.out("practices/Z90007/letters/referral-letter.pdf").exists());

    // A partial used by every letter rebuilds the letters (and everything else using it), and
    // the 6 packs that hold them.
    let letter_template = "templates/letter.typ.tera";
    fx.write(letter_template, &(fx.read(letter_template) + "\n// edited\n"));
    let status = w.next_rebuild();
    assert!(status.contains("rebuilt 42 documents"), "{status}");

    assert_eq!(w.stop(), 0);
    let leftovers: Vec<_> = walkdir::WalkDir::new(fx.out(""))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
