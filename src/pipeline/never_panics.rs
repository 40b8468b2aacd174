//! No input makes lmcpress panic: profiles, `lmc.yaml` and content files with random edits
//! (YAML syntax, odd values, control characters) and random Markdown bodies are loaded and
//! checked as `lmcpress check` does, and every problem found must be a diagnostic a person
//! can act on: it names its file and speaks no Rust.

use std::path::Path;

use proptest::prelude::*;

use crate::diag::Problem;
use crate::markdown::testing::markdown;

const LMC: &str = "name: Test Local Medical Committee\nshort_name: Test LMC\nbrand_colour: \"#003087\"\nphone: \"0116 496 0000\"\nemail: office@lmc.example.org\nedition: \"2026/27\"\nguide:\n  title: Test guide\n  slug: test-guide\n  published: 2026-04-01\n";

const PRACTICE: &str = "ods_code: Z90001\nname: \"Test Surgery\"\naddress: [\"1 Test Street\", \"Leicester\"]\npostcode: LE1 1AA\nphone: \"0116 496 0001\"\nemail: admin@test.example.com\nbrand_colour: \"#005EB8\"\nposters: [help]\nsignatory:\n  name: Dr A Test\n  role: GP Partner\nclinicians:\n  - name: Dr B Test\n    gmc: \"7012345\"\n";

const POSTER: &str =
    "---\nkind: poster\ntitle: Help\nsummary: Where to get help.\norder: 10\nicon: phone\n---\n\n";

const GUIDE: &str = "---\nkind: guide-section\ntitle: Introduction\norder: 10\nstatus: current\nreviewed: 2026-04-01\nsources:\n  - title: A source\n    url: https://example.org/a\n---\n\n";

const LETTER: &str = "---\nkind: letter\ntitle: Note\nsigned_by: clinician\nsubject: \"Re: {{ patient_name }}\"\nfields:\n  - name: patient_name\n    label: Patient's name\n  - name: seen\n    kind: date\n---\n\n";

/// Pieces of YAML syntax and values people get wrong, inserted anywhere.
fn yaml_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(vec![
            ": ", ":", "\t", "#", "\"", "'", "- ", "-", "[", "]", "{", "}", "\n", "  ", "    ", "!!str ",
            "!!binary ", "&a ", "*a", "<<: *a\n", "|", ">", "%YAML 1.2\n", "---\n", "...\n", "? ", ",",
            "@", "`", "null", "~", "yes", "0x1F", "1e400", "-1", "99999999999999999999", "2026-13-45",
            "2026-02-30", "\u{0}", "\r", "\u{2028}", "\u{feff}", "é", "😀", "0116 496 OI23", "+44 ",
            "Z9000", "c82001", "posters: [\n", "posters: []\n", "logo: ../../../etc/passwd\n",
            "logo: logo.png\n", "clinicians:\n  - ", "brand_colour: #fff\n", "professional_phone: ",
            "\\u0000", "\"\\x\"", "\\", "{{", "}}", "{{ practice.name }", "kind: letter\n",
            "kind: ag-disclaimer\n", "fields:\n  - name: \n", "order: x\n", "status: \n",
            "reviewed: next May\n", "approval: required\n", "people:\n  - name: A\n    roles: [approver]\n",
            "translation: reviewed\n", "lang: xx\n",
        ])
        .prop_map(str::to_owned),
        1 => "[a-z_]{1,12}: [ -~]{0,16}\n",
        1 => "\\PC{0,6}",
    ]
}

/// One edit: text put in at a place, or a stretch taken out.
#[derive(Debug, Clone)]
enum Edit {
    Insert(prop::sample::Index, String),
    Delete(prop::sample::Index, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        3 => (any::<prop::sample::Index>(), yaml_piece()).prop_map(|(at, s)| Edit::Insert(at, s)),
        1 => (any::<prop::sample::Index>(), 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
    ];
    proptest::collection::vec(edit, 0..4)
}

fn apply(seed: &str, edits: &[Edit]) -> String {
    let mut text = seed.to_owned();
    let boundary = |text: &str, mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    for edit in edits {
        match edit {
            Edit::Insert(at, piece) => {
                let i = boundary(&text, at.index(text.len() + 1));
                text.insert_str(i, piece);
            }
            Edit::Delete(at, n) => {
                let i = boundary(&text, at.index(text.len() + 1));
                let j = boundary(&text, (i + n).min(text.len()));
                text.replace_range(i..j, "");
            }
        }
    }
    text
}

/// A project of the LMC, one practice and one content file, each as written.
#[derive(Debug)]
struct Case {
    lmc: String,
    practice: String,
    content: (&'static str, String),
}

fn case() -> impl Strategy<Value = Case> {
    let content = prop_oneof![
        Just(("posters/help.md", POSTER)),
        Just(("guide/01-intro.md", GUIDE)),
        Just(("letters/note.md", LETTER)),
    ];
    (edits(), edits(), content, edits(), markdown()).prop_map(
        |(lmc, practice, (path, front), edits, body)| Case {
            lmc: apply(LMC, &lmc),
            practice: apply(PRACTICE, &practice),
            content: (path, format!("{}{body}", apply(front, &edits))),
        },
    )
}

fn write(root: &Path, case: &Case) {
    let files = [
        ("lmc.yaml", case.lmc.as_str()),
        ("practices/z90001.yaml", case.practice.as_str()),
        (case.content.0, case.content.1.as_str()),
    ];
    for (rel, text) in files {
        let path = root.join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A problem a person can act on: it names its file (or is about no file at all and says
/// so in words), renders, and uses none of Rust's own words.
fn assert_diagnostic(p: &Problem) -> Result<(), TestCaseError> {
    let shown = p.render();
    prop_assert!(!p.message.trim().is_empty(), "an empty message: {shown}");
    for rust in ["Option<", "Some(", "Error {", "panicked", "unwrap", "serde", "invalid type:"] {
        prop_assert!(!shown.contains(rust), "`{rust}` in a message:\n{shown}");
    }
    Ok(())
}

/// Loads `root` and checks it as `lmcpress check` does, judging every problem; typesets one
/// document of each template when `typeset` says so.
fn check(root: &Path, typeset: bool) -> Result<(), TestCaseError> {
    let loaded = match crate::pipeline::load(root) {
        Ok(loaded) => loaded,
        Err(p) => return assert_diagnostic(&p),
    };
    let project = &loaded.project;
    let today = crate::load::dates::today();
    let mut problems: Vec<Problem> = project.problems.clone();
    problems.extend(crate::load::translated::draft_warnings(&project.documents));
    problems.extend(crate::editions::review::section_warnings(project, today));
    problems.extend(crate::load::project::phone_warnings(project));
    problems.extend(crate::load::leftovers::warnings(project));
    let reports = if typeset {
        crate::pipeline::check(&loaded, false).1
    } else {
        let planned = crate::pipeline::plan(&loaded, crate::pipeline::Scope::Everything, false)
            .map_err(|p| TestCaseError::fail(p.render()))?;
        crate::build::dry_run(&loaded, &planned.jobs, &[])
    };
    problems.extend(reports.into_iter().flat_map(|r| r.problems));
    for p in &problems {
        assert_diagnostic(p)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// Loading and rendering (no typst) is cheap, so it sees many projects.
    #[test]
    fn no_project_makes_loading_or_rendering_panic(case in case()) {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &case);
        check(dir.path(), false)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// `check` as the command runs it, typesetting one document of each template.
    #[test]
    fn no_project_makes_check_panic(case in case()) {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &case);
        check(dir.path(), true)?;
    }
}
