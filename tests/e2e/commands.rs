//! End-to-end: `check`, `render`, `--emit-typst` and incremental builds; the command line
//! itself: help texts, the options every command shares, `-q`, `man`, `docs` and `theme list`.

use std::process::Command;

use crate::common::{Fixture, Run, pdf_text, squash};

#[test]
fn check_passes_on_the_shipped_project_and_writes_nothing() {
    let fx = Fixture::shipped();
    let run = fx.run(&["check"]).ok();
    assert!(run.stderr.contains("no errors"), "{}", run.stderr);
    assert!(!fx.out("").exists());
}

#[test]
fn render_typesets_a_standalone_markdown_file() {
    let fx = Fixture::shipped();
    fx.write("notes/draft.md", "# A draft section\n\nSome *text* with `code` and a [link](https://example.org).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    let run = fx.run(&["render", "--out", "previews", "--emit-typst", "notes/draft.md"]).ok();
    assert!(run.stderr.contains("previews/draft.pdf"), "{}", run.stderr);
    let text = squash(&pdf_text(&fx.path("previews/draft.pdf")));
    assert!(text.contains("A draft section") && text.contains("Some text with code"), "{text}");
    assert!(fx.path("previews/draft.typ").exists());
    // `--out-dir`, render's spelling before every command said `--out`, still works.
    let run = fx.run(&["render", "content/guide/10-advice-and-guidance.md", "--out-dir", "previews"]).ok();
    assert!(run.code == 0);
    let text = squash(&pdf_text(&fx.path("previews/10-advice-and-guidance.pdf")));
    assert!(text.contains("820641000000100"), "{text}");
}

#[test]
fn emit_typst_writes_the_source_beside_each_pdf() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--practice", "Z90004", "--emit-typst"]).ok();
    let typ = fx.read("output/practices/Z90004/letters/referral-letter.typ");
    assert!(typ.contains("#set document(title:"), "{typ}");
    assert!(typ.contains("Wyvern Fields"));
}

#[test]
fn an_unchanged_build_skips_everything_and_an_edit_rebuilds_only_what_it_touches() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90002.yaml", &crate::common::practice_yaml("Z90002", "Second Surgery"));
    let first = fx.run(&["build"]).ok();
    assert!(first.stderr.contains(", 0 unchanged"), "{}", first.stderr);
    let second = fx.run(&["build"]).ok();
    assert!(second.stderr.contains("built 0 documents"), "{}", second.stderr);

    let profile = "content/practices/z90002.yaml";
    fx.write(profile, &fx.read(profile).replace("0116 496 0001", "0116 496 0616"));
    let third = fx.run(&["build"]).ok();
    // Z90002: one poster in four formats.
    assert!(third.stderr.contains("built 4 documents"), "{}", third.stderr);
    let poster = pdf_text(&fx.out("practices/Z90002/posters/help.pdf"));
    assert!(poster.contains("0116 496 0616"));

    std::fs::remove_file(fx.out("practices/Z90001/posters/help-a3.pdf")).unwrap();
    let fourth = fx.run(&["build"]).ok();
    assert!(fourth.stderr.contains("built 1 document,"), "{}", fourth.stderr);
    let forced = fx.run(&["build", "--force"]).ok();
    assert!(forced.stderr.contains(", 0 unchanged"), "{}", forced.stderr);
}

#[test]
fn removing_an_input_removes_its_outputs() {
    let fx = Fixture::shipped();
    let first = fx.run(&["build"]).ok();
    // A build of many documents says its rate as a person reads it: "59.9 documents/s".
    let rate = first.stderr.split(" documents/s)").next().and_then(|s| s.rsplit(" (").next());
    let rate = rate.unwrap_or_else(|| panic!("no rate in {}", first.stderr));
    assert!(rate.parse::<f64>().is_ok(), "{}", first.stderr);
    assert!(rate.split('.').nth(1).is_none_or(|decimals| decimals.len() == 1), "{}", first.stderr);
    std::fs::remove_file(fx.path("content/posters/hospital-tasks.md")).unwrap();
    let run = fx.run(&["build"]).ok();
    assert!(!fx.out("practices/Z90001/posters/hospital-tasks.pdf").exists(), "{}", run.stderr);
    assert!(!fx.out("practices/Z90001/social/hospital-tasks-square.png").exists());
    assert!(fx.out("practices/Z90001/posters/safe-daily-limits.pdf").exists());
}

/// `lmcpress ARGS` in an empty folder, at clap's own width whatever the terminal says.
fn lmcpress(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_lmcpress"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("COLUMNS")
        .output()
        .expect("failed to run lmcpress");
    Run::from(output)
}

/// Every command and subcommand, as `lmcpress --help` and each command's help list them.
fn every_command() -> Vec<Vec<String>> {
    fn listed(help: &str) -> Vec<String> {
        let Some(start) = help.find("Commands:\n") else { return Vec::new() };
        help[start..]
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            // A command's name starts its line; a description that wraps goes on indented.
            .filter(|l| !l.starts_with("   "))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|name| *name != "help")
            .map(String::from)
            .collect()
    }
    let mut all = Vec::new();
    for name in listed(&lmcpress(&["--help"]).ok().stdout) {
        let subs = listed(&lmcpress(&[&name, "--help"]).ok().stdout);
        all.push(vec![name.clone()]);
        all.extend(subs.into_iter().map(|sub| vec![name.clone(), sub]));
    }
    all
}

#[test]
fn help_and_a_bare_lmcpress_say_where_to_start_and_where_the_guides_are() {
    let bare = lmcpress(&[]);
    assert_eq!(bare.code, 2, "{}", bare.stderr);
    for (how, text) in [
        ("a bare lmcpress", bare.stderr),
        ("-h", lmcpress(&["-h"]).ok().stdout),
        ("--help", lmcpress(&["--help"]).ok().stdout),
    ] {
        assert!(text.contains("New here? `lmcpress init my-lmc --lmc-name"), "{how}:\n{text}");
        assert!(text.contains("Documentation: `lmcpress docs`"), "{how}:\n{text}");
    }
    insta::assert_snapshot!("lmcpress_short_help", lmcpress(&["-h"]).stdout);
    insta::assert_snapshot!("lmcpress_long_help", lmcpress(&["--help"]).stdout);
}

#[test]
fn every_command_shares_root_out_and_quiet_and_says_each_default_once() {
    let commands = every_command();
    assert!(commands.len() > 20, "{commands:?}");
    // The commands that write a folder of files: each names it `--out`.
    let writers = ["build", "watch", "serve", "notify", "merge", "render", "schema", "man"];
    for command in &commands {
        let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
        args.push("--help");
        let help = lmcpress(&args).ok().stdout;
        let name = command.join(" ");
        assert!(help.contains("-q, --quiet"), "`{name}` has no -q:\n{help}");
        assert!(!help.contains("--out-dir"), "`{name}`:\n{help}");
        if let Some(line) = help.lines().find(|l| l.trim_start().starts_with("--root <DIR>")) {
            let said = line.trim_start().trim_start_matches("--root <DIR>").trim();
            assert!(!said.is_empty(), "`{name}`'s --root is not described:\n{help}");
            // init's --root is the folder to create; everywhere else it is the project.
            assert!(name == "init" || said.starts_with("The project folder:"), "`{name}`: {line}");
        }
        for line in help.lines() {
            assert!(line.matches("[default:").count() <= 1, "`{name}` repeats a default: {line}");
        }
        if writers.contains(&name.as_str()) {
            assert!(help.contains("--out <DIR>"), "`{name}` writes files but has no --out:\n{help}");
        }
    }
    // Every command that reads a project takes --root.
    for name in
        ["build", "check", "watch", "serve", "merge", "changes", "audit", "review", "notify", "schema"]
    {
        let help = lmcpress(&[name, "--help"]).ok().stdout;
        assert!(help.contains("--root <DIR>"), "`{name}` has no --root:\n{help}");
    }
    insta::assert_snapshot!("schema_help", lmcpress(&["schema", "--help"]).stdout);
    insta::assert_snapshot!("init_help", lmcpress(&["init", "--help"]).stdout);
}

#[test]
fn quiet_prints_only_errors_wherever_it_is_given() {
    let fx = Fixture::minimal();
    for args in
        [&["build", "-q"][..], &["-q", "build", "--force"], &["--quiet", "theme", "eject"], &["check", "-q"]]
    {
        let run = fx.run(args).ok();
        assert_eq!(run.stderr, "", "lmcpress {args:?}");
    }
    let fresh = Fixture { dir: tempfile::tempdir().unwrap() };
    let run = fresh.run(&["init", "-q", "--no-git", "--lmc-name", "Anytown LMC"]).ok();
    assert_eq!(run.stderr, "", "init -q");
    // An error is still said under -q.
    fx.write("content/practices/z90001.yaml", "ods_code: Z9000\n");
    let run = fx.run(&["build", "-q"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error"), "{}", run.stderr);
}

#[test]
fn the_manual_names_only_pages_that_exist() {
    let one = lmcpress(&["man"]).ok().stdout;
    assert!(one.contains(".SS \"lmcpress theme eject\""), "every command, at any depth");
    // roff writes a hyphen as `\-`.
    let pages = |roff: &str| -> Vec<String> {
        let text = roff.replace("\\-", "-");
        text.match_indices("lmcpress-")
            .filter_map(|(at, _)| {
                let name: String =
                    text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                text[at + name.len()..].starts_with("(1)").then_some(name)
            })
            .collect()
    };
    assert_eq!(pages(&one), Vec::<String>::new(), "the one page names other pages");

    let fx = Fixture { dir: tempfile::tempdir().unwrap() };
    let run = fx.run(&["man", "--out", "man1"]).ok();
    assert!(run.stdout.contains("man1/lmcpress-theme-eject.1"), "{}", run.stdout);
    let mut named = 0;
    for entry in std::fs::read_dir(fx.path("man1")).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for name in pages(&page) {
            let other = format!("man1/{name}.1");
            assert!(fx.path(&other).is_file(), "a page names `{other}`, which was not written");
            named += 1;
        }
    }
    assert!(named > 20, "the pages name each other: {named}");
}

#[test]
fn docs_lists_the_guides_and_prints_one() {
    let list = lmcpress(&["docs"]).ok();
    for name in ["getting-started", "content-format", "deploy"] {
        assert!(list.stdout.contains(name), "{}", list.stdout);
    }
    let page = lmcpress(&["docs", "getting-started"]).ok().stdout;
    assert_eq!(
        page,
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/getting-started.md")).unwrap()
    );
    let wrong = lmcpress(&["docs", "getting-startd"]);
    assert_eq!(wrong.code, 1);
    assert!(wrong.stderr.contains("there is no guide named `getting-startd`"), "{}", wrong.stderr);
    assert!(wrong.stderr.contains("getting-started, content-format"), "{}", wrong.stderr);
}

#[test]
fn theme_list_says_what_each_template_lays_out() {
    let fx = Fixture::minimal();
    fx.run(&["theme", "eject", "poster.typ.tera"]).ok();
    let list = fx.run(&["theme", "list"]).ok().stdout;
    assert_eq!(list.lines().count(), lmcpress::theme::FILES.len(), "{list}");
    for line in list.lines() {
        let words = line.split_whitespace().count();
        assert!(words >= 4, "`{line}` says nothing of what it lays out");
    }
    let band = list.lines().find(|l| l.starts_with("partials/urgent.typ.tera")).unwrap();
    assert!(band.contains("999") && band.contains("yellow"), "{band}");
    let poster = list.lines().find(|l| l.starts_with("poster.typ.tera")).unwrap();
    assert!(poster.ends_with("(the project's own copy)"), "{poster}");
}

#[test]
fn a_deleted_practice_leaves_no_empty_folders_behind() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90002.yaml", &crate::common::practice_yaml("Z90002", "Second Surgery"));
    fx.run(&["build"]).ok();
    fx.write("output/practices/Z90001/notes.txt", "the LMC's own file");
    std::fs::remove_file(fx.path("content/practices/z90002.yaml")).unwrap();
    std::fs::remove_file(fx.path("content/posters/help.md")).unwrap();
    fx.run(&["build"]).ok();
    assert!(!fx.out("practices/Z90002").exists(), "a deleted practice's folders stay, empty");
    assert!(!fx.out("practices/Z90001/posters").exists(), "a deleted poster's folder stays, empty");
    assert!(fx.out("practices/Z90001/notes.txt").is_file(), "a file the LMC put there was removed");
}
