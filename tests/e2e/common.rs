//! Helpers for end-to-end tests: a copy of the shipped project in a temp dir, the real
//! binary, and a PDF reader in Rust to see what the PDFs say.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A copy of the repository's content/ (the sample project overrides none of the
    /// built-in theme).
    pub fn shipped() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &dir.path().join("content"));
        Fixture { dir }
    }

    /// A copy of the shipped project with the stress-test profile (Z90002, "TEST PRACTICE",
    /// special characters in every field) among its practices. The profile lives in
    /// `tests/fixtures/stress-test/` so that no build of the shipped content ever makes it.
    pub fn shipped_with_stress_test() -> Fixture {
        let fx = Fixture::shipped();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("tests/fixtures/stress-test"), &fx.path("content/practices"));
        fx
    }

    /// The text of template `name` as this project sees it: its own copy, else the theme's.
    pub fn template(&self, name: &str) -> String {
        let own = self.path("templates").join(name);
        std::fs::read_to_string(own)
            .unwrap_or_else(|_| lmcpress::theme::get(name).expect("a theme file").to_string())
    }

    /// The on-disk fixture project `tests/fixtures/NAME/` (its own content/), copied to a
    /// temporary folder.
    pub fn from_dir(name: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("tests/fixtures").join(name), dir.path());
        Fixture { dir }
    }

    /// A copy of the repository's content/ and editions/ (the archived edition
    /// the shipped guide is compared with).
    pub fn shipped_with_editions() -> Fixture {
        let fx = Fixture::shipped();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("editions"), &fx.path("editions"));
        fx
    }

    /// A small project of its own: the LMC, one practice
    /// (Z90001, no logo), one guide section and one poster. Tests add or replace files.
    pub fn minimal() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let fx = Fixture { dir };
        fx.write(
            "content/lmc.yaml",
            "name: Test Local Medical Committee\nshort_name: Test LMC\nbrand_colour: \"#003087\"\n\
             edition: \"2026/27\"\nguide:\n  title: Test guide\n  slug: test-guide\n  published: 2026-04-01\n",
        );
        fx.write("content/practices/z90001.yaml", &practice_yaml("Z90001", "Test Surgery"));
        fx.write(
            "content/guide/01-intro.md",
            "---\nkind: guide-section\ntitle: Introduction\norder: 10\nstatus: current\nreviewed: 2026-04-01\n---\n\nHello from the guide.\n",
        );
        fx.write(
            "content/posters/help.md",
            "---\nkind: poster\ntitle: Help\nsummary: Where to get help.\norder: 10\n---\n\nCall us if you need us.\n",
        );
        fx
    }

    /// Turns sign-off on, names a test approver in `lmc.yaml`, and approves every English
    /// content file from the terminal, as an LMC does before practices get anything: for tests
    /// of what practices receive. Translations stay drafts, as no qualified translator has
    /// checked the shipped ones.
    pub fn approve_all(&self) {
        let lmc = self.read("content/lmc.yaml");
        let kept: String = lmc
            .lines()
            .take_while(|l| !l.starts_with("people:"))
            .filter(|l| !l.starts_with("approval:"))
            .map(|l| format!("{l}\n"))
            .collect();
        let people = "approval: required\npeople:\n  - name: Test Approver\n    roles: [approver]\n";
        self.write("content/lmc.yaml", &format!("{kept}{people}"));
        let files: Vec<String> = walkdir::WalkDir::new(self.path("content"))
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.path().strip_prefix(self.root()).unwrap().to_string_lossy().replace('\\', "/"))
            .filter(|rel| lmcpress::approval::needs_approval(rel))
            .filter(|rel| lmcpress::approval::translation_language(rel).is_none())
            .collect();
        let mut args = vec!["approve", "--as", "Test Approver"];
        args.extend(files.iter().map(String::as_str));
        self.run(&args).ok();
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn out(&self, rel: &str) -> PathBuf {
        self.dir.path().join("output").join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Runs `lmcpress ARGS` in the fixture.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_lmcpress"))
            .args(args)
            .current_dir(self.root())
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("failed to run lmcpress");
        Run::from(output)
    }
}

/// A valid practice profile with this ODS code and name (YAML-quoted).
pub fn practice_yaml(ods: &str, name: &str) -> String {
    format!(
        "ods_code: {ods}\nname: \"{}\"\naddress: [\"1 Test Street\", \"Leicester\"]\npostcode: LE1 1AA\n\
         phone: \"0116 496 0001\"\nemail: admin@test.example.com\nbrand_colour: \"#005EB8\"\n\
         signatory:\n  name: Dr A Test\n  role: GP Partner\n",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "lmcpress failed:\n{}", self.stderr);
        self
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The text of a PDF (read in Rust: see `pdf.rs`).
pub fn pdf_text(path: &Path) -> String {
    crate::pdf::text(path)
}

/// Facts about a PDF under the names poppler's `pdfinfo` gives them: `Pages`, `Tagged`
/// (`yes`/`no`), `Title`, `Subject`, `Lang`, `Page size` (`W x H pts` of the first page).
pub fn info(path: &Path, key: &str) -> String {
    let facts = crate::pdf::read(path);
    match key {
        "Pages" => facts.pages.to_string(),
        "Tagged" => if facts.tagged { "yes" } else { "no" }.to_string(),
        "Title" => facts.title.unwrap_or_default(),
        "Subject" => facts.subject.unwrap_or_default(),
        "Lang" => facts.lang.unwrap_or_default(),
        "Page size" => facts.sizes.first().map(|(w, h)| format!("{w:.3} x {h:.3} pts")).unwrap_or_default(),
        other => panic!("unknown PDF fact `{other}`"),
    }
}

/// Collapses runs of whitespace, since text extraction breaks lines where the layout does.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
