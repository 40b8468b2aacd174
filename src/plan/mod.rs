//! Stage two, plan: which documents to make, from which inputs, into which files. Pure data.
//! A project's documents ([`plan`]), a mail merge ([`merge`]) and standalone Markdown files
//! ([`standalone`]) are all plans of [`Job`]s that the one build stage runs; the files each
//! kind of document becomes are declared once, in [`formats`].

pub mod formats;
pub mod merge;
pub mod pack;
pub mod priority;
pub mod standalone;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::content::Kind;
use crate::load::fields::Values;
use crate::load::project::Project;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PosterFormat {
    A4,
    A3,
    Square,
    Portrait,
}

impl PosterFormat {
    pub const ALL: [PosterFormat; 4] = [Self::A4, Self::A3, Self::Square, Self::Portrait];
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Guide,
    /// The guide as one self-contained web page.
    GuideHtml,
    Poster {
        doc: usize,
        practice: usize,
        format: PosterFormat,
    },
    /// A practice's copy of a document, made as its kind declares (`kinds::Copy`): a
    /// letter, the A&G wording...
    Document {
        doc: usize,
        practice: usize,
    },
    // Editions: the guide with changed words marked, and one "what's new" page per practice.
    GuideRedline,
    WhatsNew {
        practice: usize,
    },
    /// Every file of one practice in one ZIP, made after its other jobs.
    Pack {
        practice: usize,
    },
    /// A letter for recipients of a mail merge: one row, or every row in one PDF.
    Merged {
        doc: usize,
        practice: usize,
        rows: Recipients,
    },
    /// A Markdown file typeset on its own, outside any project.
    Standalone {
        doc: usize,
        /// A web page rather than a PDF.
        html: bool,
    },
}

/// Recipient rows of a merge. Their values identify patients, so they never show in a
/// debug print, a log or a job's identity.
#[derive(Clone, PartialEq)]
pub struct Recipients(pub Arc<[Values]>);

impl std::fmt::Debug for Recipients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipients({} rows)", self.0.len())
    }
}

/// How a job's files are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Recorded in the output folder's manifest: skipped while its inputs are unchanged,
    /// removed when it leaves the plan.
    Tracked,
    /// Made every time and not recorded (`render`).
    Untracked,
    /// Made every time, not recorded, readable by their owner only, and their errors never
    /// quote the generated source (merged letters hold patient data).
    Private,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutputKind {
    Pdf,
    /// First page as PNG at this many pixels per typographic point.
    Png(f64),
    Text,
    /// A Word edition of a letter.
    Docx,
    /// `packs/<ODS>.zip`: the practice's other outputs, zipped after they are built.
    Zip,
}

pub use crate::kinds::Role;

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Relative to the output folder.
    pub rel: PathBuf,
    pub kind: OutputKind,
    pub role: Role,
}

/// What a job's document is, as people know it: carried from the plan to everything that
/// shows or files the outputs (serve, packs), so none of them rebuilds it from a file name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct About {
    /// The document's own title, as its author wrote it.
    pub title: Arc<str>,
    /// Its file's stem (`where-to-get-help.gu`).
    pub slug: Arc<str>,
    /// The practice's ODS code, for a practice's document.
    pub practice: Option<Arc<str>>,
    /// The language of a translation (`gu`); None for English.
    pub lang: Option<&'static str>,
    /// A translation no qualified translator has checked yet.
    pub draft: bool,
}

#[derive(Debug, Clone)]
pub struct Job {
    /// Stable and unique: the first output's path without extension.
    pub id: String,
    pub target: Target,
    pub template: &'static str,
    pub outputs: Vec<Output>,
    /// Files this job reads before typst runs: content, profile, lmc.yaml, templates, logo.
    /// Sorted; shared with the other jobs that read them, so a plan of 200,000 jobs stays small.
    pub inputs: Vec<Arc<Path>>,
    pub keep: Keep,
    pub about: About,
}

impl Job {
    /// A job of the project's own documents, recorded in the manifest.
    fn tracked(target: Target, template: &'static str, outputs: Vec<Output>, inputs: Vec<Arc<Path>>) -> Job {
        let id = outputs[0].rel.with_extension("").to_string_lossy().replace('\\', "/");
        Job { id, target, template, outputs, inputs, keep: Keep::Tracked, about: About::default() }
    }

    fn about(mut self, about: &About) -> Job {
        self.about = about.clone();
        self
    }
}

/// Whether `job`'s outputs may be given to a practice: every file it is made from that needs
/// approval is approved, or the project does not ask for approval. Serve's pages, files and
/// packs, `build --packs` and `notify` all ask here.
pub fn offered(project: &Project, job: &Job) -> bool {
    project.approval.offerable(job.inputs.iter().map(|p| p.as_ref()))
}

/// Each document of `jobs` with what it says of its sign-off ("Approved by ..."), once per
/// title, in order: what a pack's README and a notification show.
pub fn sign_offs<'a>(project: &Project, jobs: impl IntoIterator<Item = &'a Job>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for job in jobs {
        let title = job.about.title.to_string();
        if out.iter().any(|(t, _)| *t == title) {
            continue;
        }
        if let Some(words) = project.approval.sign_off_of(job.inputs.iter().map(|p| p.as_ref())).words() {
            out.push((title, words));
        }
    }
    out
}

pub const GUIDE_TEMPLATE: &str = "guide.typ.tera";
pub const POSTER_TEMPLATE: &str = "poster.typ.tera";
pub const SOCIAL_TEMPLATE: &str = "social.typ.tera";
pub const LETTER_TEMPLATE: &str = "letter.typ.tera";
pub const GUIDE_HTML_TEMPLATE: &str = "guide.html.tera";
/// A standalone Markdown file as a PDF (`lmcpress render`).
pub const RENDER_TEMPLATE: &str = "render.typ.tera";
pub const WHATS_NEW_TEMPLATE: &str = "whats-new.typ.tera";

#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Only these practices (ODS codes); the guide is left out when set.
    pub practices: Option<Vec<String>>,
    /// Also a pack per practice (`build --packs`): a ZIP of files the build writes anyway,
    /// so it is made on demand unless asked for.
    pub packs: bool,
}

/// Every document of `project` that `selection` asks for, each with the files it reads:
/// `template_files` gives the files a template is made of, and `archive` the files of the
/// archived edition the current one is compared with (empty when there is none).
pub fn plan(
    project: &Project,
    template_files: &dyn Fn(&str) -> Vec<PathBuf>,
    archive: &[PathBuf],
    selection: &Selection,
) -> Vec<Job> {
    let Some(lmc) = &project.lmc else { return Vec::new() };
    let lmc_file: Arc<Path> = Arc::from(project.root.join("content/lmc.yaml"));
    let mut template_deps: BTreeMap<&str, Vec<Arc<Path>>> = BTreeMap::new();
    let declared = crate::kinds::ALL.iter().flat_map(|k| k.templates.iter().copied());
    for t in declared.chain([WHATS_NEW_TEMPLATE]) {
        template_deps.insert(t, template_files(t).into_iter().map(Arc::from).collect());
    }
    // Each template's files and lmc.yaml, sorted once: a job adds its own few files (profile,
    // logo, document) in place rather than sorting a dozen long paths again, which was most
    // of planning at 1,000 practices.
    let shared: BTreeMap<&str, Vec<Arc<Path>>> = template_deps
        .iter()
        .map(|(t, deps)| {
            let mut inputs = deps.clone();
            inputs.push(lmc_file.clone());
            sort_paths(&mut inputs);
            (*t, inputs)
        })
        .collect();
    let base = |template: &str, extra: &[&Arc<Path>]| -> Vec<Arc<Path>> {
        let Some(shared) = shared.get(template) else {
            let mut inputs: Vec<Arc<Path>> = vec![lmc_file.clone()];
            inputs.extend(extra.iter().map(|p| Arc::clone(p)));
            sort_paths(&mut inputs);
            return inputs;
        };
        let mut inputs = Vec::with_capacity(shared.len() + extra.len());
        inputs.extend(shared.iter().cloned());
        insert_paths(&mut inputs, extra.iter().copied());
        inputs
    };
    let mut jobs = Vec::new();

    let doc_paths: Vec<Arc<Path>> = project.documents.iter().map(|d| Arc::from(d.path.as_path())).collect();
    // The archived edition the current one is compared with: its files are inputs too.
    let archive: Vec<Arc<Path>> = archive.iter().map(|p| Arc::from(p.as_path())).collect();
    let sections: Vec<&Arc<Path>> = project
        .documents
        .iter()
        .zip(&doc_paths)
        .filter(|(d, _)| d.kind.name() == "guide-section")
        .map(|(_, p)| p)
        .collect();
    let guide_inputs: Vec<&Arc<Path>> = sections.iter().copied().chain(&archive).collect();
    if selection.practices.is_none() && !sections.is_empty() {
        let slug = &lmc.guide.slug;
        let guide = About {
            title: Arc::from(lmc.guide.title.as_str()),
            slug: Arc::from(slug.as_str()),
            ..About::default()
        };
        let inputs = base(GUIDE_TEMPLATE, &guide_inputs);
        jobs.push(
            Job::tracked(Target::Guide, GUIDE_TEMPLATE, formats::guide_pdf(slug), inputs).about(&guide),
        );
        // A project made before the web page existed has no template for it and simply gets
        // no page.
        if template_deps.get(GUIDE_HTML_TEMPLATE).is_some_and(|d| !d.is_empty()) {
            let outputs = formats::guide_html(slug);
            let mut job = Job::tracked(
                Target::GuideHtml,
                GUIDE_HTML_TEMPLATE,
                outputs,
                base(GUIDE_HTML_TEMPLATE, &guide_inputs),
            );
            job.about = guide.clone();
            // The PDF job already has the path without an extension as its id.
            job.id = job.outputs[0].rel.to_string_lossy().replace('\\', "/");
            jobs.push(job);
        }
        if !archive.is_empty() {
            let inputs = base(GUIDE_TEMPLATE, &guide_inputs);
            jobs.push(
                Job::tracked(Target::GuideRedline, GUIDE_TEMPLATE, formats::guide_redline(slug), inputs)
                    .about(&guide),
            );
        }
    }

    // Practices are planned in parallel (a plan of 6,300 practices has 140,000 jobs), then
    // put together in practice order.
    let indices: Vec<usize> = (0..project.practices.len())
        .filter(|&pi| {
            let ods = &project.practices[pi].ods_code;
            selection.practices.as_ref().is_none_or(|only| only.iter().any(|o| o.eq_ignore_ascii_case(ods)))
        })
        .collect();
    let per_practice = crate::parallel::map(&indices, |&pi| {
        let practice = &project.practices[pi];
        let mut jobs = Vec::new();
        let dir = PathBuf::from("practices").join(&practice.ods_code);
        let profile: Arc<Path> = Arc::from(practice.path.as_path());
        let logo: Option<Arc<Path>> =
            practice.logo.as_ref().map(|l| Arc::from(project.root.join(l.trim_start_matches('/'))));
        let mut own: Vec<&Arc<Path>> = vec![&profile];
        own.extend(logo.as_ref());
        let ods: Arc<str> = Arc::from(practice.ods_code.as_str());
        for (di, doc) in project.documents.iter().enumerate() {
            let mut with_doc = own.clone();
            with_doc.push(&doc_paths[di]);
            let about = about_document(doc, &ods);
            match &doc.kind {
                Kind::Poster(p) if practice.wants(&doc.slug, p) => {
                    for format in PosterFormat::ALL {
                        let (template, outputs) = formats::poster(&dir, &doc.slug, format);
                        let target = Target::Poster { doc: di, practice: pi, format };
                        jobs.push(
                            Job::tracked(target, template, outputs, base(template, &with_doc)).about(&about),
                        );
                    }
                }
                _ => {
                    let Some(copy) = &doc.kind.declaration().practice_copy else { continue };
                    let outputs = formats::practice_copy(&dir, &doc.slug, copy);
                    let target = Target::Document { doc: di, practice: pi };
                    let inputs = base(copy.template, &with_doc);
                    jobs.push(Job::tracked(target, copy.template, outputs, inputs).about(&about));
                }
            }
        }
        if !archive.is_empty() {
            let mut inputs: Vec<&Arc<Path>> = own.clone();
            inputs.extend(doc_paths.iter().chain(&archive));
            let target = Target::WhatsNew { practice: pi };
            let inputs = base(WHATS_NEW_TEMPLATE, &inputs);
            let about = About {
                title: Arc::from(format!("What's new in the {} edition", lmc.edition)),
                slug: Arc::from("whats-new"),
                practice: Some(ods.clone()),
                ..About::default()
            };
            jobs.push(
                Job::tracked(target, WHATS_NEW_TEMPLATE, formats::whats_new(&dir), inputs).about(&about),
            );
        }
        if selection.packs
            && let Some(pack) = pack::plan_job(&jobs, pi, &practice.ods_code, &|j| offered(project, j))
        {
            jobs.push(pack);
        }
        jobs
    });
    // Reserved whole: growing a vector of 20,000 jobs by doubling copied it a dozen times.
    jobs.reserve_exact(per_practice.iter().map(Vec::len).sum());
    jobs.extend(per_practice.into_iter().flatten());
    jobs
}

/// What a practice's copy of `doc` is.
pub fn about_document(doc: &crate::load::content::Document, ods: &Arc<str>) -> About {
    let translation = match &doc.kind {
        Kind::Poster(p) => p.translation.as_ref(),
        _ => None,
    };
    About {
        title: Arc::from(doc.title.as_str()),
        slug: Arc::from(doc.slug.as_str()),
        practice: Some(ods.clone()),
        lang: translation.map(|t| t.lang),
        draft: translation.is_some_and(|t| t.status == crate::load::translation::Review::Draft),
    }
}

/// Job id → every file the job read in its last build.
pub type Reads = std::collections::BTreeMap<String, std::collections::BTreeSet<PathBuf>>;

/// Indices of the jobs to rebuild after `changed`: those that read a changed file, and
/// those that did not exist in the last plan (a new practice, poster or letter).
pub fn affected(jobs: &[Job], reads: &Reads, changed: &std::collections::BTreeSet<PathBuf>) -> Vec<usize> {
    (0..jobs.len())
        .filter(|&i| {
            let job = &jobs[i];
            match reads.get(&job.id) {
                None => true,
                Some(inputs) => {
                    inputs.iter().any(|i| changed.contains(i))
                        || job.inputs.iter().any(|i| changed.contains(i.as_ref()))
                }
            }
        })
        .collect()
}

/// The inputs of `jobs`, each `Arc` once. Jobs share most inputs (templates, lmc.yaml, a
/// profile) as the same `Arc`s, so repeats go by pointer before any path is compared; the
/// same path in two `Arc`s may still come twice.
pub(crate) fn distinct_inputs<'a>(
    jobs: impl IntoIterator<Item = &'a Job>,
) -> impl Iterator<Item = &'a Arc<Path>> {
    let mut seen = foldhash::HashSet::default();
    jobs.into_iter()
        .flat_map(|j| j.inputs.iter())
        .filter(move |p| seen.insert(Arc::as_ptr(p) as *const u8 as usize))
}

/// Sorts and dedups by the paths' bytes: any fixed order will do, and `Path`'s own
/// comparison walks components, which at 30,000 jobs was a noticeable part of planning.
pub(crate) fn sort_paths(paths: &mut Vec<Arc<Path>>) {
    paths.sort_unstable_by(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
    paths.dedup();
}

/// Adds `extra` to `paths`, which [`sort_paths`] has sorted, keeping them sorted by bytes and
/// each path once.
fn insert_paths<'a>(paths: &mut Vec<Arc<Path>>, extra: impl IntoIterator<Item = &'a Arc<Path>>) {
    for path in extra {
        let bytes = path.as_os_str().as_encoded_bytes();
        if let Err(at) = paths.binary_search_by(|p| p.as_os_str().as_encoded_bytes().cmp(bytes)) {
            paths.insert(at, Arc::clone(path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserting_into_a_sorted_base_equals_sorting_everything() {
        let arc = |p: &str| -> Arc<Path> { Arc::from(Path::new(p)) };
        let mut base =
            vec![arc("/p/templates/poster.typ.tera"), arc("/p/content/lmc.yaml"), arc("/p/templates/a")];
        sort_paths(&mut base);
        // A job's own files land before, between and after the shared ones; one repeats a
        // shared file and one repeats itself, and each is kept once.
        let extra =
            [arc("/p/content/practices/y1.yaml"), arc("/p/zz.png"), arc("/p/content/lmc.yaml"), arc("/a")];
        let mut extras: Vec<&Arc<Path>> = extra.iter().collect();
        extras.push(&extra[1]);
        let mut inserted = base.clone();
        insert_paths(&mut inserted, extras.iter().copied());
        let mut sorted = base.clone();
        sorted.extend(extras.iter().map(|p| Arc::clone(p)));
        sort_paths(&mut sorted);
        assert_eq!(inserted, sorted);
        assert_eq!(inserted.len(), 6);
    }

    #[test]
    fn distinct_inputs_drop_shared_arcs_only() {
        let shared: Arc<Path> = Arc::from(Path::new("/p/lmc.yaml"));
        let twin: Arc<Path> = Arc::from(Path::new("/p/lmc.yaml"));
        let own: Arc<Path> = Arc::from(Path::new("/p/a.yaml"));
        let job = |inputs: Vec<Arc<Path>>| {
            Job::tracked(Target::Guide, GUIDE_TEMPLATE, formats::guide_pdf("g"), inputs)
        };
        let jobs = [job(vec![shared.clone(), own.clone()]), job(vec![shared.clone(), twin.clone()])];
        let got: Vec<*const Path> = distinct_inputs(&jobs).map(Arc::as_ptr).collect();
        assert_eq!(got, vec![Arc::as_ptr(&shared), Arc::as_ptr(&own), Arc::as_ptr(&twin)]);
    }
}
