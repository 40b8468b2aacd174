//! Loading a whole project: the LMC, every practice profile and every Markdown document,
//! validated together so that every problem is reported at once. (Templates belong to the
//! render stage, which loads them itself.)

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::approval::view::{Mode, View};

use crate::diag::{Problem, display_path};
use crate::load::config::{self, Lmc, Practice};
use crate::load::content::{self, Document};
use crate::load::memo::{self, Memo};
use crate::load::{limits, text};

pub struct Project {
    pub root: PathBuf,
    pub lmc: Option<Lmc>,
    pub practices: Vec<Practice>,
    pub documents: Vec<Document>,
    /// Every problem found while loading (errors and warnings).
    pub problems: Vec<Problem>,
    /// Inputs that failed to load: each counts as a failed job in a build.
    pub broken_inputs: Vec<PathBuf>,
    /// Which version of each file that needs approval was read, and its sign-off.
    pub approval: Arc<View>,
}

impl Project {
    pub fn content_dir(root: &Path) -> PathBuf {
        root.join("content")
    }

    /// Finds `root` (must hold `content/`) and loads everything in it as practices are
    /// given it: the last approved version of each file that needs approval.
    pub fn load(root: &Path) -> Result<Project, Problem> {
        let root = canonical_root(root)?;
        let view = Arc::new(View::open(&root, Mode::Practices));
        Self::load_with(&root, view)
    }

    /// Loads the project at `root` (canonical) reading each file that needs approval as
    /// `view` says.
    pub fn load_with(root: &Path, view: Arc<View>) -> Result<Project, Problem> {
        Self::load_remembering(root, view, None)
    }

    /// As [`Project::load_with`], taking each profile and Markdown file whose text is
    /// unchanged from `memo` rather than parsing it again.
    pub fn load_remembering(root: &Path, view: Arc<View>, memo: Option<&Memo>) -> Result<Project, Problem> {
        crate::load::phone::warm_up_in_background();
        let start = std::time::Instant::now();
        let root = root.to_path_buf();
        let content = Self::content_dir(&root);
        let mut problems = Vec::new();
        let mut broken_inputs = Vec::new();

        let lmc_path = content.join("lmc.yaml");
        let lmc_text =
            read_yaml(&root, &lmc_path).and_then(|text| guard_yaml(&root, &lmc_path, &text).map(|()| text));
        let lmc = match lmc_text.and_then(|text| config::lmc_from(&root, &lmc_path, text)) {
            Ok(lmc) => Some(lmc),
            Err(p) => {
                problems.extend(p);
                broken_inputs.push(lmc_path);
                None
            }
        };

        let mut practices: Vec<Practice> = Vec::new();
        // Profiles are read and checked in parallel (at 6,300 practices that is most of
        // loading), then judged together in name order.
        let files = practice_files(&content.join("practices"));
        let loaded = crate::parallel::map(&files, |path| {
            let text = read_yaml(&root, path)?;
            memo::parsed(memo, path, &text, || {
                guard_yaml(&root, path, &text)?;
                config::practice_from(&root, path, text.clone())
            })
        });
        // Index of each code's first profile: a scan per profile was quadratic in practices.
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (path, result) in files.into_iter().zip(loaded) {
            match result {
                Ok(p) => {
                    if let Some(other) = seen.get(&p.ods_code).map(|&i| &practices[i]) {
                        problems.push(
                            Problem::error(
                                display_path(&root, &path),
                                format!("ODS code {} is used twice", p.ods_code),
                            )
                            .hint(format!(
                                "`{}` has the same code",
                                display_path(&root, &other.path).display()
                            )),
                        );
                        broken_inputs.push(path);
                    } else {
                        seen.insert(p.ods_code.clone(), practices.len());
                        practices.push(p);
                    }
                }
                Err(p) => {
                    problems.extend(p);
                    broken_inputs.push(path);
                }
            }
        }
        practices.sort_by(|a, b| a.ods_code.cmp(&b.ods_code));
        crate::timings::stage("load: profiles", start);

        let mut documents: Vec<Document> = Vec::new();
        // Read and parsed in parallel like the profiles (a guide section is the biggest input
        // a rebuild reads), then judged in file order.
        let paths = content::markdown_files(&content);
        let parsed = crate::parallel::map(&paths, |path| {
            let shown = display_path(&root, path);
            let text = match view.text(path) {
                // The approved version, kept apart from the newer draft on disk.
                Some(text) => Arc::from(text::normalise(text)),
                None => {
                    limits::file_size(&shown, path, limits::MAX_MARKDOWN_BYTES).map_err(|p| vec![p])?;
                    content::read_document(&root, path)?
                }
            };
            let loaded = memo::parsed(memo, path, &text, || {
                content::parse_document(&root, path, text.clone()).and_then(guard_document)
            });
            loaded.map(|mut doc| {
                doc.sign_off = view.sign_off(path);
                doc
            })
        });
        for (path, loaded) in paths.into_iter().zip(parsed) {
            match loaded {
                Ok(doc) => {
                    let clash =
                        documents.iter().find(|d| d.slug == doc.slug && d.kind.name() == doc.kind.name());
                    if let Some(other) = clash {
                        problems.push(
                            Problem::error(
                                &doc.shown,
                                format!("another {} is also named `{}`", doc.kind.name(), doc.slug),
                            )
                            .hint(format!("rename one of this and `{}`", other.shown.display())),
                        );
                        broken_inputs.push(path);
                    } else {
                        documents.push(doc);
                    }
                }
                Err(p) => {
                    problems.extend(p);
                    broken_inputs.push(path);
                }
            }
        }
        crate::timings::stage("load: documents", start);
        let (translation_problems, failed) = crate::load::translated::check_all(&documents);
        problems.extend(translation_problems);
        for i in failed.into_iter().rev() {
            broken_inputs.push(documents.remove(i).path);
        }
        if let Some(lmc) = &lmc {
            for doc in &mut documents {
                crate::load::optional::leave_out_missing(doc, lmc);
            }
        }
        // A profile naming a poster that does not exist: refused, and its practice's last good
        // documents are kept (a broken input stops pruning).
        let failed: Vec<PathBuf> = broken_inputs.clone();
        let failed: Vec<&Path> = failed.iter().map(PathBuf::as_path).collect();
        for practice in &practices {
            let found = crate::load::names::unknown_posters(&root, practice, &documents, &failed);
            if found.iter().any(Problem::is_error) {
                broken_inputs.push(practice.path.clone());
            }
            problems.extend(found);
        }
        for kind in crate::kinds::ALL.iter().filter(|k| k.single) {
            if documents.iter().filter(|d| d.kind.name() == kind.name).count() > 1 {
                problems.push(
                    Problem::error(content.join("*.md"), format!("more than one {} document", kind.name))
                        .hint("keep one"),
                );
            }
        }

        let ledger = root.join(crate::approval::DIR).join(crate::approval::ledger::FILE);
        problems
            .extend(view.problems.iter().map(|p| Problem::error(display_path(&root, &ledger), p.clone())));

        if let Some(memo) = memo {
            memo.finish();
        }
        Ok(Project { root, lmc, practices, documents, problems, broken_inputs, approval: view })
    }

    pub fn documents_of<'a>(&'a self, kind: &'static str) -> impl Iterator<Item = &'a Document> + 'a {
        self.documents.iter().filter(move |d| d.kind.name() == kind)
    }

    pub fn practice(&self, ods: &str) -> Option<&Practice> {
        self.practices.iter().find(|p| p.ods_code.eq_ignore_ascii_case(ods))
    }

    /// The A&G wording's own sentence on when to paste it, if the content gives one: the one
    /// source every place that says so (serve, the pack's README) shows.
    pub fn ag_use_when(&self) -> Option<&str> {
        self.documents.iter().find_map(|d| match &d.kind {
            crate::load::content::Kind::AgDisclaimer(w) => w.use_when.as_deref(),
            _ => None,
        })
    }

    /// Each letter's own sentence on when to use it, as (slug, title, sentence), for the
    /// letters that give one: the one source serve and the pack's README show.
    pub fn letters_use_when(&self) -> impl Iterator<Item = (&str, &str, &str)> + '_ {
        self.documents.iter().filter_map(|d| match &d.kind {
            crate::load::content::Kind::Letter(l) => {
                l.use_when.as_deref().map(|w| (d.slug.as_str(), d.title.as_str(), w))
            }
            _ => None,
        })
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// A warning for each phone number (the LMC's and each practice's) that is made of digits but
/// is not a UK number in use; numbers that are no number at all were refused at load.
pub fn phone_warnings(project: &Project) -> Vec<Problem> {
    let content = Project::content_dir(&project.root);
    let mut numbers: Vec<(std::path::PathBuf, &str)> = Vec::new();
    if let Some(phone) = project.lmc.as_ref().and_then(|l| l.phone.as_deref()) {
        numbers.push((content.join("lmc.yaml"), phone));
    }
    numbers.extend(project.practices.iter().map(|p| (p.path.clone(), p.phone.as_str())));
    let mut found = Vec::new();
    for (path, phone) in numbers {
        let Err(fault) = crate::load::phone::check_uk(phone) else { continue };
        let shown = display_path(&project.root, &path);
        let mut problem = Problem::warning(&shown, fault.message);
        if let Ok(text) = std::fs::read_to_string(&path)
            && let Some(at) = text.find(phone)
        {
            problem = problem.at(&std::sync::Arc::from(text.as_str()), at..at + phone.len());
        }
        found.push(problem.hint(fault.hint));
    }
    found
}

/// Character checks of a YAML file's values, before they are read into a profile: an
/// oversized or unprintable value fails here, in milliseconds, at its line, however YAML
/// spells it. (The file's own size is judged by [`read_yaml`], before it is read.)
fn guard_yaml(root: &Path, path: &Path, text: &Arc<str>) -> Result<(), Vec<Problem>> {
    let problems = limits::yaml_values(&display_path(root, path), text, text.len());
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// A YAML file's text, once its size is known to be within the limit.
fn read_yaml(root: &Path, path: &Path) -> Result<Arc<str>, Vec<Problem>> {
    limits::file_size(&display_path(root, path), path, limits::MAX_YAML_BYTES).map_err(|p| vec![p])?;
    config::read(root, path)
}

/// Character checks of a loaded document: its front matter like YAML, its body whole.
pub fn guard_document(doc: Document) -> Result<Document, Vec<Problem>> {
    let mut problems = limits::yaml_values(&doc.shown, &doc.text, doc.body_start);
    problems.extend(limits::markdown_glyphs(&doc.shown, &doc.text, doc.body_start));
    if problems.is_empty() { Ok(doc) } else { Err(problems) }
}

/// The canonical path of the project at `root`, which must hold `content/`.
pub fn canonical_root(root: &Path) -> Result<PathBuf, Problem> {
    ensure_project(root)?;
    root.canonicalize().map_err(|e| Problem::general(format!("failed to open `{}`: {e}", root.display())))
}

/// An error that says how to point lmcpress at a project, unless `root` holds `content/`.
pub fn ensure_project(root: &Path) -> Result<(), Problem> {
    let content = Project::content_dir(root);
    if !content.is_dir() {
        return Err(Problem::general(format!(
            "failed to find `{}`: is `{}` an lmcpress project?",
            content.display(),
            root.display()
        ))
        .hint("run lmcpress in the folder that holds content/ and templates/, or pass --root"));
    }
    Ok(())
}

/// `content/practices/*.yaml` (and `.yml`), in name order.
pub fn practice_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
