//! The archived edition a build compares the current content with, read and compared once
//! per load: the plan takes its files as inputs, and render takes its views from here
//! instead of reading any archive itself.

use std::path::{Path, PathBuf};

use crate::approval::view::View;

use super::{Comparison, Edition, archive_files, compare, previous};

pub struct Editions {
    /// The earlier edition's name as people write it (`2025/26`).
    pub since: String,
    /// Its folder under `editions/`.
    pub dir: PathBuf,
    pub old: Edition,
    pub new: Edition,
    /// Every file of the archive a comparison reads: inputs of the jobs that compare.
    pub files: Vec<PathBuf>,
    /// Worked out on first use: a build that renders nothing that compares (a no-op build)
    /// never diffs a word.
    comparison: std::sync::OnceLock<Comparison>,
}

impl Editions {
    /// The newest archive older than `current` compared with `root`'s content, or None when
    /// nothing is archived.
    pub fn load(root: &Path, current: Option<&str>, view: &View) -> Option<Editions> {
        let (name, dir) = previous(root, current)?;
        let since = name.to_string();
        let old = Edition::load(&dir, &View::none());
        let new = Edition::load(&root.join("content"), view);
        let files = archive_files(&dir);
        Some(Editions { since, dir, old, new, files, comparison: std::sync::OnceLock::new() })
    }

    /// The comparison of the two editions, made once however many jobs ask.
    pub fn comparison(&self) -> &Comparison {
        self.comparison.get_or_init(|| compare(&self.since, &self.old, &self.new))
    }
}
