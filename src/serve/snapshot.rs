//! What serve shows, published once after each rebuild: the practices, each document a
//! practice gets with its own title, language and draft state, and the files it became by
//! role. Handlers read the newest snapshot and never parse a profile, a Markdown file or a
//! file name to learn what a document is (typst-kit's server swaps its "bucket" the same way).

use std::path::PathBuf;

use serde::Serialize;

use crate::load::lang;
use crate::pipeline::Loaded;
use crate::plan::{Job, Role};

#[derive(Debug, Default)]
pub struct Snapshot {
    /// The LMC's name, for every page's heading.
    pub lmc_name: String,
    pub practices: Vec<PracticeEntry>,
    /// The A&G wording's own sentence on when to paste it.
    pub ag_use_when: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PracticeEntry {
    pub ods: String,
    pub name: String,
    /// The profile file, for the form.
    #[serde(skip)]
    pub path: PathBuf,
    /// Its documents in plan order; none when the profile failed to load.
    #[serde(skip)]
    pub documents: Vec<Document>,
}

/// One document of a practice and the files it became.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub slug: String,
    pub title: String,
    /// The language's English name, for a translation.
    pub language: Option<&'static str>,
    pub draft: bool,
    pub kind: DocKind,
    /// (path inside the practice's folder, role), in the order the plan lists them.
    #[serde(skip)]
    pub files: Vec<(String, Role)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    Poster,
    Letter,
    Other,
}

impl Snapshot {
    /// The snapshot of one build: `jobs` is its whole plan. Profiles that failed to load are
    /// listed too (by the ODS code their file gives), so they can still be opened and mended.
    pub fn of(loaded: &Loaded, jobs: &[Job]) -> Snapshot {
        let project = &loaded.project;
        let mut practices: Vec<PracticeEntry> = project
            .practices
            .iter()
            .map(|p| PracticeEntry {
                ods: p.ods_code.clone(),
                name: p.name.clone(),
                path: p.path.clone(),
                documents: Vec::new(),
            })
            .collect();
        for job in jobs {
            let Some(ods) = job.about.practice.as_deref() else { continue };
            let Some(practice) = practices.iter_mut().find(|p| p.ods == ods) else { continue };
            let prefix = PathBuf::from("practices").join(ods);
            let kind = match job.outputs.first().map(|o| o.role) {
                Some(Role::PosterA4 | Role::PosterA3 | Role::SocialSquare | Role::SocialPortrait) => {
                    DocKind::Poster
                }
                Some(Role::LetterPdf) => DocKind::Letter,
                _ => DocKind::Other,
            };
            let slug = job.about.slug.to_string();
            let i = match practice.documents.iter().position(|d| d.slug == slug && d.kind == kind) {
                Some(i) => i,
                None => {
                    practice.documents.push(Document {
                        slug,
                        title: job.about.title.to_string(),
                        language: job.about.lang.and_then(lang::find).map(|l| l.english),
                        draft: job.about.draft,
                        kind,
                        files: Vec::new(),
                    });
                    practice.documents.len() - 1
                }
            };
            for o in &job.outputs {
                let inside = o.rel.strip_prefix(&prefix).unwrap_or(&o.rel);
                practice.documents[i].files.push((inside.to_string_lossy().replace('\\', "/"), o.role));
            }
        }
        for broken in &project.broken_inputs {
            if let Some(entry) = broken_profile(broken) {
                practices.push(entry);
            }
        }
        practices.sort_by(|a, b| a.ods.cmp(&b.ods));
        practices.dedup_by(|a, b| a.ods == b.ods);
        let ag_use_when = project.ag_use_when().map(str::to_string);
        let lmc_name = project.lmc.as_ref().map_or_else(|| "lmcpress".to_string(), |l| l.name.clone());
        Snapshot { lmc_name, practices, ag_use_when }
    }

    pub fn practice(&self, ods: &str) -> Option<&PracticeEntry> {
        self.practices.iter().find(|p| p.ods.eq_ignore_ascii_case(ods))
    }
}

/// A profile that failed to load, as far as its ODS code and name can be read.
pub fn broken_profile(path: &std::path::Path) -> Option<PracticeEntry> {
    let is_profile = path.parent().is_some_and(|d| d.ends_with("content/practices"))
        && path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if !is_profile {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let map = super::yaml_edit::values(&text).ok()?;
    let ods = map.get("ods_code").and_then(|v| v.as_str()).filter(|o| crate::load::config::is_ods(o))?;
    let name = map.get("name").and_then(|v| v.as_str()).unwrap_or(ods).to_string();
    Some(PracticeEntry { ods: ods.to_string(), name, path: path.to_path_buf(), documents: Vec::new() })
}
