//! Helpers for end-to-end tests: a copy of the shipped project in a temp dir, the real
//! binary, and poppler's pdftotext to read what the PDFs say.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A copy of the repository's content/ and templates/.
    pub fn shipped() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for sub in ["content", "templates"] {
            copy_dir(&repo.join(sub), &dir.path().join(sub));
        }
        Fixture { dir }
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

/// The text of a PDF, via poppler's pdftotext (installed by .ci/run).
pub fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext is needed for these tests: apt-get install poppler-utils");
    assert!(out.status.success(), "pdftotext failed on {}", path.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `pdfinfo` fields as (key, value) pairs.
pub fn pdf_info(path: &Path) -> Vec<(String, String)> {
    let out =
        Command::new("pdfinfo").arg(path).output().expect("pdfinfo is needed: apt-get install poppler-utils");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
        .collect()
}

pub fn info(path: &Path, key: &str) -> String {
    pdf_info(path).into_iter().find(|(k, _)| k == key).map(|(_, v)| v).unwrap_or_default()
}

/// Collapses runs of whitespace, since pdftotext breaks lines where the layout does.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
