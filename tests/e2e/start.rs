//! Starting from nothing: `init` in an empty folder, a build whose every document opens,
//! `render` with no project, the built-in theme overridden and ejected, schemas that judge
//! files as `check` does, and files saved the Windows way.

use std::io::Read;
use std::path::Path;

use crate::common::{Fixture, Run, copy_dir, squash};

fn empty() -> Fixture {
    Fixture { dir: tempfile::tempdir().unwrap() }
}

fn init(fx: &Fixture) {
    let run = fx.run(&["init", "--lmc-name", "Anytown Local Medical Committee"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Opens one output the way its reader would, and returns its words.
fn open(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "pdf" => squash(&crate::common::pdf_text(path)),
        "png" => {
            let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
            let reader = decoder.read_info().unwrap();
            let info = reader.info();
            assert!(info.width >= 500 && info.height >= 500, "{}", path.display());
            String::from("image")
        }
        "docx" | "zip" => {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut words = String::new();
            for i in 0..zip.len() {
                let mut member = zip.by_index(i).unwrap();
                if member.is_dir() {
                    continue;
                }
                let mut data = Vec::new();
                member.read_to_end(&mut data).unwrap();
                assert!(!data.is_empty(), "{} in {} is empty", member.name(), path.display());
                if member.name() == "word/document.xml" {
                    words.push_str(&String::from_utf8(data).unwrap());
                }
            }
            if words.is_empty() { String::from("archive") } else { words }
        }
        "html" | "txt" => String::from_utf8(bytes).unwrap(),
        "json" => String::from("manifest"),
        other => panic!("unexpected output `{other}`: {}", path.display()),
    }
}

#[test]
fn init_then_build_makes_every_document_and_each_opens() {
    let fx = empty();
    init(&fx);
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    // The only warnings are the starter's placeholders, left for the LMC to replace.
    assert!(check.stderr.contains("no errors"), "{}", check.stderr);
    let warnings = check.stderr.lines().filter(|l| l.starts_with("warning")).collect::<Vec<_>>();
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("example address") || w.contains("drama") || w.contains("fictional")),
        "{}",
        check.stderr
    );
    // Nothing reaches a practice before someone approves it: no packs yet, every page marked.
    let build = fx.run(&["build", "--packs"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(!fx.out("packs").exists(), "a pack was made of unapproved documents");
    let review = fx.run(&["review"]);
    assert!(review.stdout.contains("content/ag-disclaimer.md: draft"), "{}", review.stdout);
    let files: Vec<String> = review
        .stdout
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(f, _)| f.to_string()))
        .filter(|f| f.starts_with("content/") || f.starts_with("templates/"))
        .collect();
    let mut approve = vec!["approve", "--as", "Example Approver"];
    approve.extend(files.iter().map(String::as_str));
    fx.run(&approve).ok();
    let build = fx.run(&["build", "--packs"]);
    assert_eq!(build.code, 0, "{}", build.stderr);

    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for entry in walkdir::WalkDir::new(fx.out("")).into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let words = open(entry.path());
        assert!(!words.trim().is_empty(), "{} says nothing", entry.path().display());
        let ext = entry.path().extension().unwrap().to_string_lossy().into_owned();
        *kinds.entry(ext).or_default() += 1;
    }
    // Two practices: posters as PDF and PNG, letters as PDF and Word, a pack each.
    for (ext, at_least) in [("pdf", 10), ("png", 8), ("docx", 4), ("zip", 2), ("html", 1), ("txt", 2)] {
        assert!(kinds.get(ext).copied().unwrap_or(0) >= at_least, "{ext}: {kinds:?}");
    }
    let guide = std::fs::read_dir(fx.out("guide"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "pdf"));
    let words = open(&guide.unwrap().path());
    assert!(words.contains("Anytown LMC"), "{words}");
    // The practices are fictional, and the help poster sends emergencies to 999 and 111.
    let poster = fx.out("practices/Z99901/posters/where-to-get-help.pdf");
    let words = open(&poster);
    assert!(words.contains("999") && words.contains("111"), "{words}");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_changes_nothing() {
    let fx = empty();
    fx.write("notes.txt", "mine");
    let run = fx.run(&["init", "--lmc-name", "Anytown LMC"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(fx.root()).unwrap().count(), 1);
    assert_eq!(fx.read("notes.txt"), "mine");
}

#[test]
fn every_key_of_the_starter_files_has_a_comment() {
    let fx = empty();
    init(&fx);
    for entry in walkdir::WalkDir::new(fx.path("content")).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else { continue };
        let text = std::fs::read_to_string(path).unwrap();
        let yaml: Vec<&str> = match ext {
            "yaml" => text.lines().collect(),
            "md" => text.split("---").nth(1).unwrap().lines().collect(),
            _ => continue,
        };
        for (i, line) in yaml.iter().enumerate() {
            let code = line.trim_start().trim_start_matches("- ");
            let is_key = code.split_once(':').is_some_and(|(k, _)| {
                !k.is_empty()
                    && !k.starts_with('#')
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            let commented = line.contains(" #") || (i > 0 && yaml[i - 1].trim_start().starts_with('#'));
            assert!(!is_key || commented, "{}: `{line}` has no comment", path.display());
        }
    }
}

#[test]
fn render_works_in_a_folder_with_nothing_else() {
    let fx = empty();
    fx.write("note.md", "# A note for the team\n\nPlease read **this** before Monday.\n");
    let run = fx.run(&["render", "note.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let words = open(&fx.path("note.pdf"));
    assert!(words.contains("Please read this before Monday."), "{words}");
    let files: Vec<_> = std::fs::read_dir(fx.root()).unwrap().collect();
    assert_eq!(files.len(), 2, "render writes the PDF and nothing else");
}

#[test]
fn a_project_copy_overrides_the_theme_and_check_says_when_it_falls_behind() {
    let fx = empty();
    init(&fx);
    let run = fx.run(&["theme", "eject", "poster.typ.tera"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ejected = fx.read("templates/poster.typ.tera");
    assert!(ejected.starts_with(lmcpress::theme::EJECT_MARK), "{ejected}");
    // Only the named file is copied out.
    assert_eq!(std::fs::read_dir(fx.path("templates")).unwrap().count(), 1);

    // The copy is what builds the posters.
    let marked = format!("{ejected}\n#text[OUR OWN POSTER]\n");
    fx.write("templates/poster.typ.tera", &marked);
    let build = fx.run(&["build", "--practice", "Z99901"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(open(&fx.out("practices/Z99901/posters/help-us-help-you.pdf")).contains("OUR OWN POSTER"));

    // A hand-made copy that never reads the practice's phone has fallen behind the theme.
    let built_in = lmcpress::theme::get("poster.typ.tera").unwrap();
    let (n, line) = built_in.lines().enumerate().find(|(_, l)| l.contains("practice.phone")).unwrap();
    let without: String =
        built_in.lines().filter(|l| !l.contains("practice.phone")).collect::<Vec<_>>().join("\n");
    fx.write("templates/poster.typ.tera", &without);
    let check = fx.run(&["check"]);
    assert!(check.stderr.contains("templates/poster.typ.tera"), "{}", check.stderr);
    assert!(check.stderr.contains("fallen behind"), "{}", check.stderr);
    assert!(
        check.stderr.contains(&format!("`practice.phone` (the theme's line {})", n + 1)),
        "{line}\n{}",
        check.stderr
    );

    let diff = fx.run(&["theme", "diff", "poster.typ.tera"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert!(
        diff.stdout.lines().any(|l| l.starts_with('-') && l.contains("practice.phone")),
        "{}",
        diff.stdout
    );
}

#[test]
fn the_sample_builds_on_the_built_in_theme_alone() {
    // The shipped fixture copies content/ only: there is no templates/ folder at all.
    let fx = Fixture::from_dir("one-document");
    assert!(!fx.path("templates").exists());
    let run = fx.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn files_saved_with_a_bom_and_crlf_build_the_same_documents() {
    let unix = Fixture::from_dir("one-document");
    let logo = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"5\" fill=\"#005EB8\"/></svg>";
    unix.write("content/practices/logos/mark.svg", logo);
    let windows = empty();
    copy_dir(unix.root(), windows.root());
    // A path as Windows Explorer copies it, with `\\` between folders.
    for (fx, path) in [(&unix, "logos/mark.svg"), (&windows, "logos\\mark.svg")] {
        let profile = fx
            .path("content/practices")
            .read_dir()
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.path().extension().is_some_and(|x| x == "yaml"));
        let profile = profile.unwrap().path();
        let text = std::fs::read_to_string(&profile).unwrap();
        std::fs::write(&profile, format!("{text}logo: {path}\n")).unwrap();
    }
    for entry in walkdir::WalkDir::new(windows.path("content")).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md" || e == "yaml") {
            let text = std::fs::read_to_string(path).unwrap();
            std::fs::write(path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
        }
    }
    for fx in [&unix, &windows] {
        let run = fx.run(&["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(unix.out("")).into_iter().filter_map(Result::ok) {
        let rel = entry.path().strip_prefix(unix.out("")).unwrap();
        let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["pdf", "txt", "html"].contains(&ext) {
            continue;
        }
        let (a, b) = (open(entry.path()), open(&windows.out("").join(rel)));
        assert_eq!(a, b, "{} differs when its sources have CRLF and a BOM", rel.display());
        compared += 1;
    }
    assert!(compared >= 3, "{compared}");
}

#[test]
fn version_completions_and_manual_page() {
    let fx = empty();
    let version = fx.run(&["--version"]);
    assert!(
        version.stdout.starts_with(&format!("lmcpress {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{}",
        version.stdout
    );
    assert!(version.stdout.contains(", typst 0."), "{}", version.stdout);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = fx.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.contains("init") && run.stdout.contains("lmc-name"), "{shell}");
    }
    let man = fx.run(&["man"]);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH lmcpress 1"), "{}", man.stdout);
    assert!(man.stdout.contains(".SS \"lmcpress init\""), "{}", man.stdout);
}

/// `lmcpress init ARGS` in `fx` with `home` as the home folder, so that git reads its settings
/// from there and from nowhere else of the user's.
fn init_at_home(fx: &Fixture, home: &Path, args: &[&str]) -> Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_lmcpress"))
        .arg("init")
        .args(args)
        .current_dir(fx.root())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    Run::from(output)
}

#[test]
fn init_makes_a_git_repository_whose_first_commit_holds_the_starter() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join(".gitconfig"),
        "[user]\n\tname = Sam Officer\n\temail = sam@lmc.example\n",
    )
    .unwrap();
    let fx = empty();
    let run = init_at_home(&fx, home.path(), &["my-lmc", "--lmc-name", "Anytown LMC"]).ok();
    assert!(run.stderr.contains("made it a git repository"), "{}", run.stderr);
    let repo = git2::Repository::open(fx.path("my-lmc")).expect("a git repository");
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.author().name(), Some("Sam Officer"), "the author from git's settings");
    assert_eq!(head.parent_count(), 0);
    let tree = head.tree().unwrap();
    for file in
        ["content/lmc.yaml", "content/guide/01-about-this-guide.md", "schemas/lmc.schema.json", ".gitignore"]
    {
        assert!(tree.get_path(Path::new(file)).is_ok(), "{file} is not in the first commit");
    }
    // Nothing is left out of the commit, and a build adds nothing git would track.
    fx.run(&["build", "--root", "my-lmc"]).ok();
    let mut tracked = git2::StatusOptions::new();
    tracked.include_ignored(false).include_untracked(true);
    let statuses = repo.statuses(Some(&mut tracked)).unwrap();
    let changed: Vec<_> = statuses.iter().filter_map(|s| s.path().map(String::from)).collect();
    assert!(changed.is_empty(), "not committed or not ignored: {changed:?}");

    // With no name in git's settings, the commit says who made it.
    let bare_home = tempfile::tempdir().unwrap();
    let fx = empty();
    init_at_home(&fx, bare_home.path(), &["--lmc-name", "Anytown LMC"]).ok();
    let repo = git2::Repository::open(fx.root()).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.author().name(), Some(lmcpress::init::DEFAULT_AUTHOR));
}

#[test]
fn init_makes_no_repository_when_told_not_to_or_inside_one() {
    let home = tempfile::tempdir().unwrap();
    let fx = empty();
    let run = init_at_home(&fx, home.path(), &["plain", "--no-git", "--lmc-name", "Anytown LMC"]).ok();
    assert!(!fx.path("plain/.git").exists(), "{}", run.stderr);
    assert!(!run.stderr.contains("git"), "{}", run.stderr);

    // Inside a repository, the project's files are that repository's to keep.
    let outer = empty();
    git2::Repository::init(outer.root()).unwrap();
    let run = init_at_home(&outer, home.path(), &["lmc", "--lmc-name", "Anytown LMC"]).ok();
    assert!(!outer.path("lmc/.git").exists(), "a repository nested in another");
    assert!(run.stderr.contains("is inside the git repository"), "{}", run.stderr);
    assert!(outer.path("lmc/content/lmc.yaml").is_file());
}
