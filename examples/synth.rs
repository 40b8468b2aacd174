//! Makes a synthetic project with N practices for benchmarks and scale tests:
//! `cargo run --release --example synth -- 1000 /tmp/lmc-1000 [--like-sample]`.
//!
//! The LMC, its guide, posters and letters are the shipped ones, laid out by the built-in theme
//! (a binary from before the theme needs `theme/` copied to DEST/templates). The practices are
//! generated (names, colours, poster choices and logos vary), and obviously fictional; with
//! `--like-sample` they are copies of the shipped sample practices instead (new ODS codes and
//! names), so the project asks for what a real LMC's does: every poster, clinicians, and one
//! practice in five wanting its posters in four community languages. Sign-off is off in the
//! copy of `lmc.yaml`, so every document is built as practices would get it.

use std::path::{Path, PathBuf};

const COLOURS: [&str; 10] = [
    "#003087", "#005EB8", "#006747", "#330072", "#7C2855", "#8A1538", "#425563", "#231F20", "#FFB81C",
    "#41B6E6",
];
const FIRST: [&str; 8] = ["Oak", "Willow", "Bridge", "Market", "Abbey", "Castle", "Mill", "Church"];
const SECOND: [&str; 6] = ["Street", "Lane", "Park", "Green", "Fields", "Road"];
const KIND: [&str; 4] = ["Surgery", "Medical Centre", "Health Centre", "Practice"];

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: synth N DEST [--like-sample]";
    let n: usize = args.next().and_then(|a| a.parse().ok()).expect(usage);
    let dest = PathBuf::from(args.next().expect(usage));
    let like_sample = match args.next().as_deref() {
        None => false,
        Some("--like-sample") => true,
        Some(_) => panic!("{usage}"),
    };
    assert!(n <= 99_999, "at most 99,999 practices (ODS codes are a letter and five digits)");
    // The checkout it is run from (the benchmarks run from theirs), else the one it was built
    // from: a binary kept after its worktree is gone still works from any checkout.
    let here = Path::new(".");
    let repo = if here.join("content/guide").is_dir() { here } else { Path::new(env!("CARGO_MANIFEST_DIR")) };
    for dir in ["content/guide", "content/posters", "content/letters", "content/practices/logos"] {
        copy_dir(&repo.join(dir), &dest.join(dir));
    }
    std::fs::copy(repo.join("content/ag-disclaimer.md"), dest.join("content/ag-disclaimer.md"))
        .expect("copy");
    // Sign-off is turned off: a project where nothing is approved would be built with draft
    // marks (about 6 % more bytes) and serve would offer practices nothing, neither of which
    // is what an LMC's practices get. The ledger's own cost is not what these runs measure.
    let lmc = std::fs::read_to_string(repo.join("content/lmc.yaml")).expect("lmc.yaml");
    let lmc = lmc.replace("\napproval: required", "\napproval: off");
    assert!(lmc.contains("\napproval: off"), "content/lmc.yaml no longer says `approval: required`");
    std::fs::write(dest.join("content/lmc.yaml"), lmc).expect("write lmc.yaml");
    let logos: Vec<String> = std::fs::read_dir(dest.join("content/practices/logos"))
        .expect("logos")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    if like_sample {
        copy_sample(repo, &dest, n);
        eprintln!("wrote {n} copies of the sample practices to {}", dest.display());
        return;
    }
    for i in 0..n {
        let name = format!("{} {} {}", FIRST[i % 8], SECOND[(i / 8) % 6], KIND[(i / 48) % 4]);
        let logo = match i % 3 {
            0 => String::new(),
            _ => format!("logo: logos/{}\n", logos[i % logos.len()]),
        };
        let posters = if i % 5 == 0 { "posters: [safe-daily-limits, where-to-get-help]\n" } else { "" };
        let profile = format!(
            "# Synthetic practice for benchmarks\nods_code: Y{i:05}\nname: \"{name} {i}\"\naddress: [\"{n} {street}\", \"Leicester\"]\n\
             postcode: LE1 {d}ZZ\nphone: \"0116 496 {p:04}\"\nemail: practice{i}@example.org\nwebsite: www.practice{i}.example.org\n\
             brand_colour: \"{colour}\"\nsignatory:\n  name: Dr Example {i}\n  role: GP Partner\n{logo}{posters}",
            n = i % 200 + 1,
            street = SECOND[i % 6],
            d = i % 10,
            p = i % 1000,
            colour = COLOURS[i % COLOURS.len()],
        );
        std::fs::write(dest.join(format!("content/practices/y{i:05}.yaml")), profile).expect("write profile");
    }
    eprintln!("wrote {n} practices to {}", dest.display());
}

/// Writes `n` practices, each a copy of one of the shipped sample profiles (in turn) with its
/// own ODS code and name, so that no two practices are the same document.
fn copy_sample(repo: &Path, dest: &Path, n: usize) {
    let mut samples: Vec<PathBuf> = std::fs::read_dir(repo.join("content/practices"))
        .expect("read sample practices")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    samples.sort();
    let texts: Vec<String> =
        samples.iter().map(|p| std::fs::read_to_string(p).expect("read profile")).collect();
    for i in 0..n {
        let profile: String = texts[i % texts.len()]
            .lines()
            .map(|line| {
                if line.starts_with("ods_code:") {
                    format!("ods_code: Y{i:05}\n")
                } else if let Some(name) = line.strip_prefix("name: ") {
                    format!("name: \"{} {i}\"\n", name.trim_matches('"'))
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        std::fs::write(dest.join(format!("content/practices/y{i:05}.yaml")), profile).expect("write profile");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
