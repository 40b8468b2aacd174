//! The new user's walk-through, `docs/getting-started.md`, followed from an empty folder
//! through the binary in the guide's order, making on the way each mistake a newcomer makes
//! (issue 34) and checking that lmcpress says what is wrong and where. What the guide shows
//! (the files `init` writes, the error printed for a bad ODS code, the people block) is read
//! from the guide itself, so that the guide and this test cannot drift apart.
//!
//! Left to their own tests: `watch` (watch.rs), `serve` and the browser (serve.rs,
//! signoff.rs); a typst mistake in a template and a missing image, whose messages are still
//! being put right.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Run, squash};

const GUIDE: &str = include_str!("../../docs/getting-started.md");

/// The new user's computer: an empty folder to work in and a home folder with no git
/// settings, so that git's name for the first commit is lmcpress's own.
struct Desk {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
    /// The folder commands run in: the empty folder, then the project after `cd my-lmc`.
    here: PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().to_path_buf();
        Desk { dir, home: tempfile::tempdir().unwrap(), here }
    }

    fn lmcpress(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_lmcpress"))
            .args(args)
            .current_dir(&self.here)
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        Run::from(output)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.here.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Replaces `from` (which must be there, once) with `to` in `rel`, as an editor would.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(text.matches(from).count(), 1, "`{from}` is not in {rel} once:\n{text}");
        std::fs::write(self.path(rel), text.replacen(from, to, 1)).unwrap();
    }

    /// Makes a mistake in `rel` (`from` written as `to`), checks that `check` fails and says
    /// each of `said`, then puts the line back as it was.
    fn mistake(&self, rel: &str, from: &str, to: &str, said: &[&str]) {
        self.edit(rel, from, to);
        let check = self.lmcpress(&["check"]);
        assert_eq!(check.code, 1, "`{to}` in {rel} passed check:\n{}", check.stderr);
        for words in said {
            assert!(check.stderr.contains(words), "`{to}` in {rel}: no {words:?} in\n{}", check.stderr);
        }
        assert!(!check.stderr.contains("panicked") && !check.stderr.contains("Option<"), "{}", check.stderr);
        self.edit(rel, to, from);
    }

    /// `git add -A && git commit -m MESSAGE` as `who`, as the guide asks before approval
    /// (done with libgit2, so the test needs no git program).
    fn commit(&self, who: &str, message: &str) {
        let repo = git2::Repository::open(&self.here).unwrap();
        let mut index = repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let parent = repo.head().unwrap().peel_to_commit().unwrap();
        let me = git2::Signature::now(who, "someone@anytown-lmc.example").unwrap();
        repo.commit(Some("HEAD"), &me, &me, message, &tree, &[&parent]).unwrap();
    }
}

/// The first fenced block of the guide after `marker`, without its fences.
fn shown_after(marker: &str) -> String {
    let at = GUIDE.find(marker).unwrap_or_else(|| panic!("the guide no longer says {marker:?}"));
    let rest = &GUIDE[at..];
    let open = rest.find("```").unwrap();
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

/// The files of the tree the guide draws (`my-lmc/` then indented names, folders ending in
/// `/`), as paths inside the project.
fn files_drawn(tree: &str) -> Vec<String> {
    let mut folders: Vec<String> = Vec::new();
    let mut files = Vec::new();
    for line in tree.lines().skip(1) {
        let depth = (line.len() - line.trim_start().len()) / 2;
        let Some(name) = line.split_whitespace().next() else { continue };
        folders.truncate(depth.saturating_sub(1));
        let path = folders.iter().map(|f| format!("{f}/")).collect::<String>() + name.trim_end_matches('/');
        if name.ends_with('/') {
            folders.push(name.trim_end_matches('/').to_string());
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn getting_started_walked_from_an_empty_folder_with_the_mistakes_a_newcomer_makes() {
    let mut desk = Desk::new();

    // 1. Install: the program answers.
    let version = desk.lmcpress(&["--version"]).ok();
    assert!(version.stdout.starts_with("lmcpress "), "{}", version.stdout);

    // 2. Start a project: every file the guide draws is there, in a git repository, and it builds.
    let init = desk.lmcpress(&["init", "my-lmc", "--lmc-name", "Anytown LMC"]).ok();
    assert!(init.stderr.contains("next: cd my-lmc && lmcpress build"), "{}", init.stderr);
    desk.here = desk.dir.path().join("my-lmc");
    let drawn = files_drawn(&shown_after("What it writes:"));
    assert!(drawn.len() >= 12, "{drawn:?}");
    for file in &drawn {
        assert!(desk.path(file).is_file(), "the guide draws {file}, which init did not write");
    }
    let repo = git2::Repository::open(&desk.here).expect("init made a git repository");
    let first = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(first.author().name(), Some(lmcpress::init::DEFAULT_AUTHOR));
    desk.lmcpress(&["build"]).ok();
    assert!(desk.path("output/guide").read_dir().unwrap().count() >= 2);

    // 3. Make it your LMC's: lmc.yaml, with the mistakes its comments warn of.
    let lmc = "content/lmc.yaml";
    desk.mistake(
        lmc,
        "brand_colour: \"#1F4E79\"",
        "brand_colour: #7C2855",
        &[
            "`brand_colour` has no value: `#` starts a comment in YAML",
            "put the value in quotes: `brand_colour: \"#7C2855\"`",
            "content/lmc.yaml:11:15",
        ],
    );
    desk.edit(lmc, "brand_colour: \"#1F4E79\"", "brand_colour: \"#7C2855\"");
    desk.mistake(
        lmc,
        "title: Working safely in general practice",
        "title: Anytown LMC: working safely",
        &[
            "the value of `title` holds `: `",
            "put the value in quotes: `title: \"Anytown LMC: working safely\"`",
            "content/lmc.yaml:16:10",
        ],
    );
    desk.edit(lmc, "title: Working safely in general practice", "title: \"Anytown LMC: working safely\"");
    desk.edit(lmc, "website: www.example.org", "website: www.anytown-lmc.example");
    desk.edit(lmc, "email: office@example.org", "email: office@anytown-lmc.example");
    // "Delete any you do not want printed": the phone goes.
    let phone = desk.read(lmc).lines().find(|l| l.starts_with("phone:")).unwrap().to_string();
    desk.edit(lmc, &format!("{phone}\n"), "");

    // 4. Add your first real practice: a copy of a fictional one, every value changed, with
    // a newcomer's mistakes on the way.
    std::fs::copy(
        desk.path("content/practices/z99901-juniper-row.yaml"),
        desk.path("content/practices/c82001-high-street.yaml"),
    )
    .unwrap();
    let mine = "content/practices/c82001-high-street.yaml";
    desk.edit(mine, "ods_code: Z99901", "ods_code: C82001");
    desk.mistake(
        mine,
        "name: Juniper Row Surgery",
        "name: \"High Street\\nSurgery\"",
        &["this value holds a line break; it must be text on one line", "c82001-high-street.yaml:6:"],
    );
    desk.edit(mine, "name: Juniper Row Surgery", "name: High Street Surgery");
    desk.edit(
        mine,
        "address: [\"12 Juniper Row\", \"Anytown\"]",
        "address: [\"1 High Street\", \"Anytown\"]",
    );
    desk.mistake(
        mine,
        "postcode: AN1 2ZZ",
        "postcode: \"AN1 3ZZ",
        &["this quote is never closed", "end the value with the same quote", "c82001-high-street.yaml:8:11"],
    );
    desk.edit(mine, "postcode: AN1 2ZZ", "postcode: AN1 3ZZ");
    desk.mistake(
        mine,
        "phone: \"0113 496 0201\"",
        "phone: \"0116 496 OI23\"",
        &[
            "`0116 496 OI23` is not a valid UK phone number",
            "did you mean `0116 496 0123`?",
            "c82001-high-street.yaml:9:8",
        ],
    );
    desk.edit(mine, "phone: \"0113 496 0201\"", "phone: \"0116 496 0123\"");
    desk.edit(mine, "reception@juniper-row.example.org", "reception@high-street.anytown.example");
    desk.edit(mine, "www.juniper-row.example.org", "www.high-street.anytown.example");
    desk.mistake(
        mine,
        "\n  name: Sam Okafor",
        "\n\tname: Sam Okafor",
        &[
            "this line is indented with a tab",
            "indent YAML with spaces, not tabs",
            "c82001-high-street.yaml:15:1",
        ],
    );
    desk.edit(mine, "name: Sam Okafor", "name: Priya Shah");
    desk.mistake(
        mine,
        "posters: all",
        "posters: [where-to-get-hlep]",
        &[
            "there is no poster named `where-to-get-hlep`",
            "did you mean `where-to-get-help`?",
            "c82001-high-street.yaml:24:",
        ],
    );
    desk.edit(mine, "posters: all", "posters: [where-to-get-help, help-us-help-you]");
    // The guide's own example of what check prints, for an ODS code one digit short.
    let shown = shown_after("reads every file and lists every problem at once");
    desk.edit(mine, "ods_code: C82001", "ods_code: C8200");
    let check = desk.lmcpress(&["check"]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.contains(&shown), "the guide shows\n{shown}\ncheck says\n{}", check.stderr);
    desk.edit(mine, "ods_code: C8200", "ods_code: C82001");
    // A clinician left in from the copy still has the starter's fictional GMC number.
    let check = desk.lmcpress(&["check"]).ok();
    assert!(check.stderr.contains("GMC number 9999901 is the starter's fictional one"), "{}", check.stderr);
    assert!(check.stderr.contains("c82001-high-street.yaml:20:11"), "{}", check.stderr);
    desk.edit(mine, "gmc: \"9999901\"", "gmc: \"7123456\"");
    desk.edit(mine, "nmc: 99Z9901E", "nmc: 12A3456E");
    // "When your real practices are in, delete the two fictional ones."
    std::fs::remove_file(desk.path("content/practices/z99901-juniper-row.yaml")).unwrap();
    std::fs::remove_file(desk.path("content/practices/z99902-kingfisher-park.yaml")).unwrap();

    // 5. Check and build: no errors; the only warnings are about the drama-range number.
    let check = desk.lmcpress(&["check"]).ok();
    assert!(check.stderr.contains("checked 1 practices"), "{}", check.stderr);
    let warnings: Vec<&str> = check.stderr.lines().filter(|l| l.starts_with("warning")).collect();
    assert!(warnings.iter().all(|w| w.contains("drama")), "{}", check.stderr);
    desk.lmcpress(&["build"]).ok();
    let slug = "output/guide/lmc-guide-";
    let guide_html = std::fs::read_dir(desk.path("output/guide"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "html"))
        .unwrap_or_else(|| panic!("no {slug}*.html"));
    let html = std::fs::read_to_string(&guide_html).unwrap();
    assert!(html.contains("Anytown LMC: working safely"), "the new title");
    assert!(!html.contains("Phone:"), "the deleted phone left a fill-in blank in the guide");
    let practice = Path::new("output/practices/C82001");
    for file in [
        "posters/where-to-get-help.pdf",
        "posters/where-to-get-help-a3.pdf",
        "posters/where-to-get-help.png",
        "social/where-to-get-help-square.png",
        "letters/reply-hospital-task.pdf",
        "letters/reply-hospital-task.docx",
        "ag-disclaimer.txt",
    ] {
        let path = desk.here.join(practice).join(file);
        assert!(path.is_file(), "the guide's table promises {}", path.display());
    }
    assert!(!desk.path("output/practices/Z99901").exists(), "a deleted practice's documents stay");
    assert!(!desk.path("output/packs").exists(), "packs only with --packs");
    let poster =
        squash(&crate::common::pdf_text(&desk.here.join(practice).join("posters/where-to-get-help.pdf")));
    assert!(poster.contains("High Street Surgery") && poster.contains("0116 496 0123"), "{poster}");
    let again = desk.lmcpress(&["build"]).ok();
    assert!(again.stderr.contains("built 0 documents"), "a second build is quick: {}", again.stderr);

    // 6. Edit (here without watch, which has its own tests): placeholders in a poster.
    let help = "content/posters/help-us-help-you.md";
    let text = desk.read(help);
    let last = text.trim_end().lines().last().unwrap().to_string();
    desk.mistake(
        help,
        &last,
        &format!("{last}\n\nFax us on {{{{ practice.fax }}}}."),
        &[
            "unknown placeholder `practice.fax`",
            "the practice's placeholders are `practice.name`, `practice.phone`",
        ],
    );
    desk.mistake(
        help,
        &last,
        &format!("{last}\n\nCall {{{{ practice.phone }} today."),
        &[
            "the placeholder `practice.phone` is not closed",
            "close it with two braces: `{{ practice.phone }}`",
        ],
    );
    // A picture the poster shows but nobody put in the folder: one error at its line.
    desk.mistake(
        help,
        &last,
        &format!("{last}\n\n![Where the surgery is](map.png)"),
        &["image `map.png` was not found", &format!("{help}:"), "put the picture there"],
    );
    desk.edit(help, &last, &format!("{last}\n\nCall {{{{ practice.phone }}}} today."));

    // 7. Approve your first change: the guide's people, then its commands.
    let people = shown_after("Name your people in `content/lmc.yaml`");
    let lmc_text = desk.read(lmc);
    let kept = &lmc_text[..=lmc_text.find("\napproval: required").unwrap()];
    std::fs::write(desk.path(lmc), format!("{kept}{people}")).unwrap();
    let review = desk.lmcpress(&["review"]).ok();
    assert!(review.stdout.contains("content/guide/01-about-this-guide.md"), "{}", review.stdout);
    desk.lmcpress(&["approve", "content/guide/01-about-this-guide.md", "--as", "Dr Asha Patel"]).ok();
    desk.lmcpress(&["build"]).ok();
    let html = std::fs::read_to_string(&guide_html).unwrap();
    assert!(html.contains("Approved by Dr Asha Patel"), "the approved section says who approved it");
    // The poster changed in an editor and not committed: git cannot say who changed it.
    let early = desk.lmcpress(&["approve", help, "--as", "Dr Asha Patel"]);
    assert_eq!(early.code, 1, "{}", early.stderr);
    assert!(early.stderr.contains("not committed"), "{}", early.stderr);
    desk.commit("Sam Officer", "Posters: call the practice");
    desk.lmcpress(&["submit", help, "--as", "Sam Officer", "--note", "asks patients to call"]).ok();
    desk.lmcpress(&["approve", help, "--as", "Dr Asha Patel"]).ok();

    // 8. Share previews: the public address set once, a practice's private link, listed and ended.
    let address = shown_after("tell lmcpress once the");
    assert!(address.contains("public_url:"), "{address}");
    let lmc_text = desk.read(lmc);
    std::fs::write(desk.path(lmc), format!("{}\n{address}", lmc_text.trim_end())).unwrap();
    desk.lmcpress(&["check"]).ok();
    let grant = desk.lmcpress(&["access", "grant", "C82001", "--label", "practice manager"]).ok();
    assert!(grant.stdout.contains("https://docs.anytown-lmc.example/practices/C82001/"), "{}", grant.stdout);
    let list = desk.lmcpress(&["access", "list"]).ok();
    let listed = format!("{}{}", list.stdout, list.stderr);
    assert!(listed.contains("C82001") && listed.contains("practice manager"), "{listed}");
    desk.lmcpress(&["access", "revoke", "C82001"]).ok();
    assert!(desk.read(".gitignore").contains(".lmcpress-access.json"));

    // 9. Let your editor help: the schemas where init put them, named by the starter's files.
    let schema = desk.lmcpress(&["schema"]).ok();
    assert!(schema.stdout.contains("schemas/lmc.schema.json"), "{}", schema.stdout);
    assert!(desk.read(lmc).starts_with("# yaml-language-server: $schema=../schemas/lmc.schema.json"));

    // 10. Change the look: an ejected poster template is what builds the posters.
    desk.lmcpress(&["theme", "eject", "poster.typ.tera"]).ok();
    assert!(desk.path("templates/poster.typ.tera").is_file());
    // A bracket left open in the template: check typesets one poster, and says it once, at
    // the template's own line, not once per practice at the generated source's.
    let template = "templates/poster.typ.tera";
    let text = desk.read(template);
    let (at, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("fill: pale,") && text.matches(*l).count() == 1)
        .expect("a pale fill in the template");
    // The colour written as a call left open: `rgb("#DCEBFA",` where `pale,` was.
    let open = line.replacen("fill: pale,", "fill: rgb(\"#DCEBFA\",", 1);
    desk.mistake(template, line, &open, &[&format!("{template}:{}:", at + 1), "unclosed delimiter"]);
    desk.edit(template, line, &open);
    let check = desk.lmcpress(&["check"]);
    desk.edit(template, &open, line);
    assert_eq!(
        check.stderr.matches("unclosed delimiter").count(),
        1,
        "said more than once:\n{}",
        check.stderr
    );
    desk.lmcpress(&["build"]).ok();

    // 11. Completion, the manual and the guides.
    assert!(desk.lmcpress(&["completions", "bash"]).ok().stdout.contains("lmcpress"));
    assert!(desk.lmcpress(&["man"]).ok().stdout.contains(".TH lmcpress 1"));
    assert_eq!(desk.lmcpress(&["docs", "getting-started"]).ok().stdout, GUIDE);
}
