//! What serve shows, published once after each rebuild: the practices, each document a
//! practice gets with its own title, language and draft state, and the files it became by
//! role. Handlers read the newest snapshot and never parse a profile, a Markdown file or a
//! file name to learn what a document is (typst-kit's server swaps its "bucket" the same way).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::kinds::{self, Declaration};
use crate::load::lang;
use crate::pipeline::Loaded;
use crate::plan::pack::practice_of;
use crate::plan::{Job, Role};
use crate::write::pack::Recipe;

#[derive(Debug, Default)]
pub struct Snapshot {
    /// The LMC's name, for every page's heading.
    pub lmc_name: String,
    pub practices: Vec<PracticeEntry>,
    /// The kinds practices get copies of that the project has documents of, in the order a
    /// practice's page lists them (each under its declared heading).
    pub shelves: Vec<&'static Declaration>,
    /// The files the LMC editor may open, in the order `/content/` lists them.
    pub content: Vec<ContentEntry>,
}

/// One content file the LMC editor may open, by the name its editor's address carries
/// (`guide/05-safe-clinical-limits`, `lmc.yaml`): only these names map to files.
#[derive(Debug, Clone, Serialize)]
pub struct ContentEntry {
    pub name: String,
    /// Relative to the project root, with `/`.
    pub rel: String,
    #[serde(skip)]
    pub path: PathBuf,
    pub title: String,
    /// guide-section, poster, letter, ag-disclaimer, lmc; "broken" when it does not load.
    pub kind: &'static str,
    pub status: Option<String>,
    pub reviewed: Option<String>,
    /// The language's English name, for a poster's translation.
    pub language: Option<&'static str>,
    /// The English poster a translation translates (its slug).
    pub translates: Option<String>,
    /// The slug of the document its edits show in (a section's is the guide's), which
    /// rebuilds make first while its editor is open.
    pub opens: Option<String>,
    #[serde(skip)]
    order: (u8, i64, String),
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
    /// What its pack holds, made when downloaded.
    #[serde(skip)]
    pub pack: Recipe,
}

/// One document of a practice and the files it became.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub slug: String,
    pub title: String,
    /// The language's English name, for a translation.
    pub language: Option<&'static str>,
    pub draft: bool,
    /// Approved, so practices may have it; the LMC's links see the others too, marked.
    pub offered: bool,
    /// The kind it is; none for what is not a document of a declared kind (what's new).
    #[serde(skip)]
    pub kind: Option<&'static Declaration>,
    /// Its own sentence on when to use it, from its front matter.
    pub use_when: Option<String>,
    /// (path inside the practice's folder, role), in the order the plan lists them.
    #[serde(skip)]
    pub files: Vec<(String, Role)>,
}

impl Snapshot {
    /// The snapshot of one build: `jobs` is its whole plan. Profiles that failed to load are
    /// listed too (by the ODS code their file gives), so they can still be opened and mended.
    pub fn of(loaded: &Loaded, jobs: &[Job]) -> Snapshot {
        let project = &loaded.project;
        let mut members: Vec<Vec<&Job>> = vec![Vec::new(); project.practices.len()];
        // Only what a named person approved goes in a practice's pack.
        for job in jobs.iter().filter(|j| crate::plan::offered(project, j)) {
            if let Some(pi) = practice_of(&job.target)
                && let Some(m) = members.get_mut(pi)
            {
                m.push(job);
            }
        }
        let mut practices: Vec<PracticeEntry> = project
            .practices
            .iter()
            .zip(members)
            .enumerate()
            .map(|(pi, (p, members))| PracticeEntry {
                ods: p.ods_code.clone(),
                name: p.name.clone(),
                path: p.path.clone(),
                documents: Vec::new(),
                pack: Recipe::of(
                    project,
                    pi,
                    members.iter().flat_map(|j| &j.outputs),
                    &crate::plan::sign_offs(project, members.iter().copied()),
                ),
            })
            .collect();
        let use_when: BTreeMap<(&str, &str), String> = project
            .documents
            .iter()
            .filter_map(|d| Some(((d.kind.name(), d.slug.as_str()), d.kind.use_when()?.to_string())))
            .collect();
        for job in jobs {
            let Some(ods) = job.about.practice.as_deref() else { continue };
            let Some(practice) = practices.iter_mut().find(|p| p.ods == ods) else { continue };
            let prefix = PathBuf::from("practices").join(ods);
            let kind = job.outputs.first().and_then(|o| kinds::of_role(o.role));
            let slug = job.about.slug.to_string();
            let same_kind = |d: &Document| d.kind.map(|k| k.name) == kind.map(|k| k.name);
            let i = match practice.documents.iter().position(|d| d.slug == slug && same_kind(d)) {
                Some(i) => i,
                None => {
                    practice.documents.push(Document {
                        slug,
                        title: job.about.title.to_string(),
                        language: job.about.lang.and_then(lang::find).map(|l| l.english),
                        draft: job.about.draft,
                        offered: crate::plan::offered(project, job),
                        kind,
                        use_when: kind
                            .and_then(|k| use_when.get(&(k.name, job.about.slug.as_ref())).cloned()),
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
        let mut shelves: Vec<&'static Declaration> = kinds::ALL
            .iter()
            .filter(|k| k.practice_heading.is_some())
            .filter(|k| project.documents.iter().any(|d| d.kind.name() == k.name))
            .collect();
        shelves.sort_by_key(|k| k.group.rank);
        let lmc_name = project.lmc.as_ref().map_or_else(|| "lmcpress".to_string(), |l| l.name.clone());
        let content = content_entries(project);
        Snapshot { lmc_name, practices, shelves, content }
    }

    /// The content file named `name` in an editor's address, if there is one.
    pub fn content_file(&self, name: &str) -> Option<&ContentEntry> {
        self.content.iter().find(|e| e.name == name)
    }

    pub fn practice(&self, ods: &str) -> Option<&PracticeEntry> {
        self.practices.iter().find(|p| p.ods.eq_ignore_ascii_case(ods))
    }
}

impl ContentEntry {
    /// A file the last build did not list (deleted, or about to be made): its history may
    /// still be opened, and it may be restored.
    pub fn absent(name: &str, rel: &str, path: PathBuf, kind: &'static str) -> ContentEntry {
        ContentEntry {
            name: name.to_string(),
            rel: rel.to_string(),
            path,
            title: name.to_string(),
            kind,
            status: None,
            reviewed: None,
            language: None,
            translates: None,
            opens: None,
            order: (9, 0, name.to_string()),
        }
    }
}

/// The guide's sections in their order, the posters (each followed by its translations), the
/// letters, the A&G wording, `lmc.yaml`, and any content file that failed to load.
fn content_entries(project: &crate::load::project::Project) -> Vec<ContentEntry> {
    use crate::load::content::Kind;
    let root = &project.root;
    let rel_of =
        |p: &std::path::Path| crate::diag::display_path(root, p).to_string_lossy().replace('\\', "/");
    let mut out = Vec::new();
    for d in &project.documents {
        let rel = rel_of(&d.path);
        let Some(name) = rel.strip_prefix("content/").and_then(|r| r.strip_suffix(".md")) else { continue };
        let mut e = ContentEntry {
            name: name.to_string(),
            rel: rel.clone(),
            path: d.path.clone(),
            title: d.title.clone(),
            kind: d.kind.name(),
            status: None,
            reviewed: None,
            language: None,
            translates: None,
            opens: Some(match (&d.kind, &project.lmc) {
                (Kind::GuideSection(_), Some(lmc)) => lmc.guide.slug.clone(),
                _ => d.slug.clone(),
            }),
            order: (d.kind.declaration().group.rank, 0, name.to_string()),
        };
        match &d.kind {
            Kind::GuideSection(s) => {
                e.status = serde_json::to_value(s.status).ok().and_then(|v| v.as_str().map(String::from));
                e.reviewed = Some(s.reviewed.clone());
                e.order.1 = s.order;
            }
            Kind::Poster(p) => {
                let base = d.slug.split('.').next().unwrap_or(&d.slug).to_string();
                if let Some(t) = &p.translation {
                    e.language = lang::find(t.lang).map(|l| l.english);
                    e.status = Some(format!("{:?} translation", t.status).to_lowercase());
                    e.translates = Some(t.of.clone());
                }
                e.status.get_or_insert_with(|| if p.opt_in { "opt-in" } else { "every practice" }.into());
                e.order.2 = format!("{base}.{}", if p.translation.is_some() { &d.slug } else { "" });
            }
            _ => {}
        }
        out.push(e);
    }
    let lmc_path = root.join("content/lmc.yaml");
    out.push(ContentEntry {
        name: "lmc.yaml".into(),
        rel: "content/lmc.yaml".into(),
        path: lmc_path,
        title: project
            .lmc
            .as_ref()
            .map_or_else(|| "The LMC's details".into(), |l| format!("{} (lmc.yaml)", l.name)),
        kind: "lmc",
        status: None,
        reviewed: None,
        language: None,
        translates: None,
        opens: None,
        // After the documents of its group.
        order: (crate::kinds::LMC_GROUP.rank, i64::MAX, String::new()),
    });
    for broken in &project.broken_inputs {
        let rel = rel_of(broken);
        let Some(name) = rel.strip_prefix("content/").and_then(|r| r.strip_suffix(".md")) else { continue };
        out.push(ContentEntry {
            name: name.to_string(),
            rel: rel.clone(),
            path: broken.clone(),
            title: name.to_string(),
            kind: "broken",
            status: Some("does not load: see the problems".into()),
            reviewed: None,
            language: None,
            translates: None,
            opens: None,
            order: (5, 0, name.to_string()),
        });
    }
    out.sort_by(|a, b| a.order.cmp(&b.order));
    out
}

/// A profile that failed to load, listed so that it can be opened and mended.
pub fn broken_profile(path: &std::path::Path) -> Option<PracticeEntry> {
    let found = crate::load::broken::profile(path)?;
    Some(PracticeEntry {
        ods: found.ods,
        name: found.name,
        path: path.to_path_buf(),
        documents: Vec::new(),
        pack: Recipe::default(),
    })
}
