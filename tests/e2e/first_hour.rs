//! A new LMC's first hour: the mistakes a newcomer makes are never silent, and each is
//! explained at its line in plain words (issue 34).

use std::io::Read;
use std::process::{Command, Stdio};

use crate::common::{Fixture, practice_yaml};

fn profile(extra: &str) -> String {
    format!("{}{extra}", practice_yaml("Z90001", "Test Surgery"))
}

#[test]
fn a_misspelt_poster_name_is_refused_with_the_name_meant_and_nothing_is_removed() {
    let fx = Fixture::minimal();
    fx.write("content/practices/z90001.yaml", &profile("posters: [help]\n"));
    fx.run(&["build"]).ok();
    let poster = fx.out("practices/Z90001");
    let before = walk(&poster);
    assert!(!before.is_empty(), "the poster was built");

    fx.write("content/practices/z90001.yaml", &profile("posters: [hlep]\n"));
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stderr.contains("there is no poster named `hlep`"), "{}", check.stderr);
    assert!(check.stderr.contains("did you mean `help`?"), "{}", check.stderr);
    assert!(check.stderr.contains("z90001.yaml:11:11"), "at its line and column: {}", check.stderr);

    let build = fx.run(&["build"]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(build.stderr.contains("there is no poster named `hlep`"), "{}", build.stderr);
    assert_eq!(walk(&poster), before, "the practice's posters were kept");

    // A name like no poster at all is most often one the LMC has withdrawn: a warning.
    fx.write("content/practices/z90001.yaml", &profile("posters: [help, winter-pressures-2019]\n"));
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("warning: there is no poster named `winter-pressures-2019`"),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("the posters are: help"), "{}", check.stderr);
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().display().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn a_phone_number_that_is_no_number_is_refused_with_the_number_as_it_should_be_written() {
    let fx = Fixture::minimal();
    let with = |phone: &str| practice_yaml("Z90001", "Test Surgery").replace("\"0116 496 0001\"", phone);
    fx.write("content/practices/z90001.yaml", &with("\"0116 496 OI23\""));
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stderr.contains("`0116 496 OI23` is not a valid UK phone number"), "{}", check.stderr);
    assert!(check.stderr.contains("did you mean `0116 496 0123`?"), "{}", check.stderr);
    assert!(check.stderr.contains("z90001.yaml:5:8"), "{}", check.stderr);

    fx.write("content/practices/z90001.yaml", &with("call reception"));
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stderr.contains("`call reception` is not a phone number"), "{}", check.stderr);

    // Digits, but no UK number in use: a warning naming the line.
    fx.write("content/practices/z90001.yaml", &with("\"0116 496 01234\""));
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stderr.contains("`0116 496 01234` is not a valid UK phone number"), "{}", check.stderr);
    assert!(check.stderr.contains("warning"), "{}", check.stderr);
}

#[test]
fn a_line_break_in_a_practice_name_is_refused_at_load_and_notify_does_not_panic() {
    let fx = Fixture::minimal();
    let name =
        practice_yaml("Z90001", "Test Surgery").replace("\"Test Surgery\"", "\"Test\\nBcc: all@nhs.net\"");
    fx.write("content/practices/z90001.yaml", &name);
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check.stderr.contains("this value holds a line break; it must be text on one line"),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("z90001.yaml:2:"), "{}", check.stderr);
    // Regression: `notify` panicked writing the To header of such a name.
    let notify = fx.run(&["notify", "--from", "news@lmc.example.org"]);
    assert_ne!(notify.code, 101, "panicked: {}", notify.stderr);
    assert!(!notify.stderr.contains("panicked"), "{}", notify.stderr);
    assert!(notify.stderr.contains("on one line"), "{}", notify.stderr);
}

/// Runs `lmcpress ARGS` with its output closed straight away, as `| head` closes it.
fn closed_pipe(args: &[&str]) -> (i32, String) {
    let fx = Fixture::minimal();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lmcpress"))
        .args(args)
        .current_dir(fx.root())
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (child.wait().unwrap().code().unwrap_or(-1), stderr)
}

#[test]
fn printing_into_a_closed_pipe_ends_quietly() {
    for args in [&["completions", "bash"][..], &["man"], &["theme", "list"]] {
        let (code, stderr) = closed_pipe(args);
        assert_eq!(code, 0, "lmcpress {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "lmcpress {args:?}: {stderr}");
    }
}

#[test]
fn starter_placeholders_are_warned_by_check_and_refused_by_notify_send() {
    let fx = Fixture { dir: tempfile::tempdir().unwrap() };
    fx.run(&["init", "--lmc-name", "Anytown Local Medical Committee"]).ok();
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 0, "warnings do not fail a check: {}", check.stderr);
    for said in [
        "`office@example.org` is an example address, not a real one",
        "`0113 496 0100` is from Ofcom's range of numbers kept for drama",
        "GMC number 9999901 is the starter's fictional one",
        "content/lmc.yaml:7:8",
    ] {
        assert!(check.stderr.contains(said), "no {said:?} in:\n{}", check.stderr);
    }
    let send = fx.run(&["notify", "--send"]);
    assert_eq!(send.code, 1, "{}", send.stderr);
    assert!(
        send.stderr.contains("not sending: the starter project's example addresses are still in use"),
        "{}",
        send.stderr
    );
    assert!(send.stderr.contains("office@example.org"), "{}", send.stderr);
}

#[test]
fn the_practice_form_refuses_a_phone_number_that_is_no_number_beside_its_field() {
    use crate::serve::{Server, input_value, multipart, project, request};
    let (fx, _) = project();
    let server = Server::start(&fx, &[]);
    let html = server.get("/practices/Z90001/profile", &[]).text();
    let csrf = input_value(&html, "csrf");
    let before = fx.read("content/practices/a.yaml");
    let (kind, body) = multipart(&[("csrf", &csrf), ("phone", "0116 496 OI23")], None);
    let bad = request(&server.addr, "POST", "/practices/Z90001/profile", &[("Content-Type", &kind)], &body);
    assert_eq!(bad.status, 422, "{}", bad.text());
    let page = bad.text();
    let field = &page[page.find("name=\"phone\"").expect("a phone field")..];
    let said = field.find("is not a valid UK phone number").expect("the fault beside the phone field");
    assert!(said < field.find("name=\"email\"").unwrap(), "{page}");
    assert!(page.contains("0116 496 0123"), "the number as meant: {page}");
    assert_eq!(fx.read("content/practices/a.yaml"), before, "a refused save touched the file");
}

#[test]
fn an_lmc_phone_deleted_as_getting_started_invites_leaves_its_line_out_of_the_guide() {
    let fx = Fixture { dir: tempfile::tempdir().unwrap() };
    fx.run(&["init", "--lmc-name", "Anytown Local Medical Committee"]).ok();
    let lmc = fx.read("content/lmc.yaml");
    let kept: Vec<&str> = lmc.lines().filter(|l| !l.starts_with("phone:")).collect();
    fx.write("content/lmc.yaml", &(kept.join("\n") + "\n"));
    fx.run(&["build"]).ok();
    let pages: Vec<String> = walk(&fx.out("")).into_iter().filter(|p| p.ends_with(".html")).collect();
    assert!(!pages.is_empty(), "no guide web page");
    let guide = pages.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect::<String>();
    assert!(guide.contains("E-mail:"), "the other contact lines stay");
    assert!(!guide.contains("Phone:"), "a fill-in blank for the deleted phone");
    let pdfs: Vec<String> =
        walk(&fx.out("")).into_iter().filter(|p| p.ends_with(".pdf") && !p.contains("practices")).collect();
    for pdf in pdfs {
        let text = crate::common::pdf_text(std::path::Path::new(&pdf));
        assert!(!text.contains("[phone]") && !text.contains("Phone:"), "{pdf}: {text}");
    }
}

#[test]
fn yaml_mistakes_are_said_in_plain_words_at_the_line_where_they_start() {
    let fx = Fixture::minimal();
    let good = practice_yaml("Z90001", "Test Surgery");
    let cases = [
        (
            good.replace("brand_colour: \"#005EB8\"", "brand_colour: #7C2855"),
            "`brand_colour` has no value: `#` starts a comment in YAML",
            "put the value in quotes: `brand_colour: \"#7C2855\"`",
            "z90001.yaml:7:15",
        ),
        (
            good.replace("signatory:\n  name", "signatory:\n\tname"),
            "this line is indented with a tab",
            "indent YAML with spaces, not tabs",
            "z90001.yaml:9:1",
        ),
        (
            good.replace("name: \"Test Surgery\"", "name: \"Test Surgery"),
            "this quote is never closed",
            "end the value with the same quote",
            "z90001.yaml:2:7",
        ),
    ];
    for (text, message, hint, at) in cases {
        fx.write("content/practices/z90001.yaml", &text);
        let check = fx.run(&["check"]);
        assert_eq!(check.code, 1, "{}", check.stderr);
        for said in [message, hint, at] {
            assert!(check.stderr.contains(said), "no {said:?} in:\n{}", check.stderr);
        }
        assert!(!check.stderr.contains("Option<"), "{}", check.stderr);
    }
    fx.write(
        "content/posters/help.md",
        "---\nkind: poster\ntitle: Re: fit note\nsummary: Where to get help.\norder: 10\n---\n\nCall us.\n",
    );
    fx.write("content/practices/z90001.yaml", &good);
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    for said in ["the value of `title` holds `: `", "`title: \"Re: fit note\"`", "help.md:3:8"] {
        assert!(check.stderr.contains(said), "no {said:?} in:\n{}", check.stderr);
    }
}

#[test]
fn an_unknown_placeholder_lists_those_there_are_and_a_brace_short_is_an_error() {
    let fx = Fixture::minimal();
    fx.write(
        "content/posters/help.md",
        "---\nkind: poster\ntitle: Help\nsummary: Where to get help.\norder: 10\n---\n\nFax us on {{ practice.fax }}.\n\nCall {{ practice.phone } today.\n",
    );
    let check = fx.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    for said in [
        "unknown placeholder `practice.fax`",
        "the practice's placeholders are `practice.name`, `practice.phone`",
        "the placeholder `practice.phone` is not closed",
        "close it with two braces: `{{ practice.phone }}`",
        "help.md:10:6",
    ] {
        assert!(check.stderr.contains(said), "no {said:?} in:\n{}", check.stderr);
    }
}

#[test]
fn audit_counts_entries_in_english() {
    let fx = Fixture::minimal();
    fx.run(&["access", "grant", "Z90001"]).ok();
    fx.run(&["access", "grant", "Z90001"]).ok();
    let audit = fx.run(&["audit"]).ok();
    assert!(audit.stderr.contains("2 entries"), "{}", audit.stderr);
    assert!(!audit.stderr.contains("entrys"), "{}", audit.stderr);
}
