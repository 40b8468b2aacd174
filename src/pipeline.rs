//! The one pipeline every command goes through: load → plan → build → prune.
//!
//! [`load`] reads a project and its templates; [`build`], [`check`], [`merge`] and
//! [`render`] each make a plan of jobs and hand it to the one build stage, which renders,
//! typesets and writes every job the same way. A new output is a new kind of job in
//! [`crate::plan`], never a second pipeline. Nothing here prints: callers report.

#[cfg(test)]
mod never_panics;
mod preview;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::approval::view::{Mode, View};

use crate::build::{self, BuildOptions, JobReport, Outcome, Report};
use crate::diag::Problem;
use crate::load::memo::Memo;
use crate::load::project::Project;
use crate::load::recipients;
use crate::load::standalone;
use crate::plan::{self, Job, Selection};
use crate::render::templates::Templates;
use crate::timings::stage as timing;
use crate::write::manifest::ReadAhead;

pub use crate::build::Shown;
pub use crate::render::Loaded;
pub use preview::{Preview, check_draft, preview, preview_approved};

/// Loads the project at `root` and its templates. Problems in single files (a broken
/// profile, a template that does not parse) are in `project.problems`; only a folder that
/// is not a project at all is an error.
pub fn load(root: &Path) -> Result<Loaded, Problem> {
    load_as(root, Mode::Practices)
}

/// As [`load`], reading each file that needs approval as `mode` says: practices' builds read
/// approved versions, the LMC's drafts read the files as they are.
pub fn load_as(root: &Path, mode: Mode) -> Result<Loaded, Problem> {
    load_remembering(root, mode, None)
}

/// As [`load_as`], taking each profile and Markdown file whose text is unchanged from `memo`
/// rather than parsing it again: `watch` keeps one between rebuilds.
pub fn load_remembering(root: &Path, mode: Mode, memo: Option<&Memo>) -> Result<Loaded, Problem> {
    let start = std::time::Instant::now();
    let root = crate::load::project::canonical_root(root)?;
    // Before the approvals are opened, so the phone data is ready by the first profile.
    crate::load::phone::warm_up_in_background();
    let view = Arc::new(View::open(&root, mode));
    timing("load: approvals", start);
    // The archive is read beside the project (on the other core): it needs only the current
    // edition's name, which a quick look at lmc.yaml gives.
    let (project, editions) = std::thread::scope(|s| {
        let editions = s.spawn(|| {
            let edition = crate::editions::current_name(&root);
            crate::editions::Editions::load(&root, edition.as_deref(), &view)
        });
        let project = Project::load_remembering(&root, view.clone(), memo);
        timing("load: project", start);
        (project, editions.join().ok().flatten())
    });
    timing("load: archive read beside it", start);
    let mut project = project?;
    let (templates, problems) = Templates::load_with(&project.root, &view);
    project.problems.extend(problems);
    timing("load", start);
    Ok(Loaded::new(project, templates, editions))
}

/// The plan of `selection`, with the loaded templates' files and the archive as inputs.
fn plan_all(loaded: &Loaded, selection: &Selection) -> Vec<Job> {
    let archive = loaded.editions.as_ref().map_or(&[][..], |e| e.files.as_slice());
    plan::plan(
        &loaded.project,
        &|t| loaded.templates.dependencies(t).into_iter().collect(),
        archive,
        selection,
    )
}

/// Which of a project's documents to build.
pub enum Scope<'a> {
    /// Every document; outputs of documents no longer planned are removed.
    Everything,
    /// Only these practices' documents (ODS codes), not the guide.
    Practices(&'a [String]),
    /// The documents that read one of `files` in their last build (as `reads` records), and
    /// any new ones, those of what a browser has `open` first; outputs of documents no longer
    /// planned are removed.
    Changed { files: &'a BTreeSet<PathBuf>, reads: &'a Reads, open: &'a plan::priority::Open },
}

pub use crate::plan::Reads;

/// What a build of a project did.
pub struct Built {
    pub report: Report,
    /// The whole plan, of which only the jobs in scope were run.
    pub jobs: Vec<Job>,
    /// The LMC's drafts built apart under `drafts/` (documents that read a file whose newer
    /// version awaits approval), when there were any.
    pub drafts: Option<Report>,
}

/// The folder of the output folder where drafts awaiting approval are built, marked.
pub const DRAFTS_DIR: &str = "drafts";

impl Built {
    /// What each job read, for the next [`Scope::Changed`].
    pub fn reads(&self, loaded: &Loaded) -> Reads {
        build::reads(&loaded.project, &self.jobs, &self.report.manifest)
    }
}

/// The plan of a build: every job of the project, and which of them to run.
pub struct Planned {
    /// The whole plan, which outputs of removed documents are pruned against.
    pub jobs: Vec<Job>,
    /// Indices into `jobs` of the jobs to run.
    run: Vec<usize>,
    /// Whether this plan covers the whole project, so that stale outputs may be removed.
    whole: bool,
    /// The output folder's manifest, if the caller started reading it early.
    manifest: Option<ReadAhead>,
}

impl Planned {
    /// Builds with the manifest that `ahead` is reading, instead of reading it only when the
    /// build starts.
    pub fn with_manifest(mut self, ahead: ReadAhead) -> Self {
        self.manifest = Some(ahead);
        self
    }

    /// How many jobs the build will run (or skip as unchanged).
    pub fn to_run(&self) -> usize {
        self.run.len()
    }
}

/// Plans `scope` of the project, with a pack per practice when `packs` asks for them (packs
/// are otherwise made on demand from the files the build writes).
pub fn plan(loaded: &Loaded, scope: Scope, packs: bool) -> Result<Planned, Problem> {
    let project = &loaded.project;
    let selection = match scope {
        Scope::Practices(codes) => {
            for code in codes {
                practice_index(project, code)?;
            }
            Selection { practices: Some(codes.to_vec()), packs }
        }
        _ => Selection { practices: None, packs },
    };
    let start = std::time::Instant::now();
    let jobs = plan_all(loaded, &selection);
    timing("plan", start);
    let run = match scope {
        Scope::Changed { files, reads, open } => {
            let mut run = plan::affected(&jobs, reads, files);
            plan::priority::first_things_first(&jobs, &mut run, files, open);
            run
        }
        _ => (0..jobs.len()).collect(),
    };
    Ok(Planned { jobs, run, whole: selection.practices.is_none(), manifest: None })
}

/// Runs `planned` into `opts.out`, then removes the outputs of documents that left the plan.
pub fn build(
    loaded: &Loaded,
    planned: Planned,
    opts: &BuildOptions,
    on_done: &(dyn Fn(&JobReport) + Sync),
) -> Built {
    let project = &loaded.project;
    let Planned { jobs, run, whole, manifest } = planned;
    let mut report = if run.len() == jobs.len() {
        build::build(loaded, &jobs, opts, manifest, on_done)
    } else {
        let selected: Vec<Job> = run.iter().map(|&i| jobs[i].clone()).collect();
        build::build(loaded, &selected, opts, manifest, on_done)
    };
    if whole {
        let start = std::time::Instant::now();
        report.removed = build::prune(project, &jobs, &mut report.manifest, &opts.out);
        timing("prune", start);
    }
    let drafts = build_drafts(loaded, opts);
    crate::timings::report_work();
    Built { report, jobs, drafts }
}

/// Builds into `out/drafts/` every document that reads a file whose newer version awaits
/// approval, from the files as they are now and marked as drafts: what the LMC looks at while
/// practices keep the approved version. A practice's document is made for the first practice
/// that gets it, which is enough to see the draft. The folder goes when nothing is drafted.
fn build_drafts(loaded: &Loaded, opts: &BuildOptions) -> Option<Report> {
    let view = &loaded.project.approval;
    if view.mode != Mode::Practices || !view.required {
        return None;
    }
    let dir = opts.out.join(DRAFTS_DIR);
    if view.drafted.is_empty() {
        // Only a folder this build made (it holds a manifest) is removed.
        if dir.join(crate::write::manifest::FILE_NAME).is_file() {
            std::fs::remove_dir_all(&dir).ok();
        }
        return None;
    }
    let drafts = load_as(&loaded.project.root, Mode::Drafts).ok()?;
    let drafted: BTreeSet<&Path> = view.drafted.iter().map(PathBuf::as_path).collect();
    let mut seen = BTreeSet::new();
    let jobs: Vec<Job> = plan_all(&drafts, &Selection::default())
        .into_iter()
        .filter(|j| j.inputs.iter().any(|p| drafted.contains(p.as_ref())))
        .filter(|j| {
            plan::pack::practice_of(&j.target).is_none()
                || seen.insert((j.template, j.about.slug.to_string(), j.about.lang))
        })
        .collect();
    let opts = BuildOptions { out: dir.clone(), ..opts.clone() };
    let mut report = build::build(&drafts, &jobs, &opts, None, &|_| {});
    report.removed = build::prune(&drafts.project, &jobs, &mut report.manifest, &dir);
    Some(report)
}

/// Renders every document in memory, writing nothing, so that template errors show as well
/// as those in the inputs, and typesets one document of each template and language, so that
/// a typst mistake in a template shows too; with `typeset_all`, typesets and exports every
/// document (as long as a build takes).
pub fn check(loaded: &Loaded, typeset_all: bool) -> (usize, Vec<JobReport>) {
    let jobs = plan_all(loaded, &Selection::default());
    let typeset = if typeset_all { vec![true; jobs.len()] } else { representatives(&jobs) };
    (jobs.len(), build::dry_run(loaded, &jobs, &typeset))
}

/// Which of `jobs` stand for the rest in a quick check: the first typeset job of each template
/// in each language. A template's typst is the same for every practice, so one of them finds
/// its mistakes; a language can take other paths through it (right-to-left text).
fn representatives(jobs: &[Job]) -> Vec<bool> {
    let mut seen = BTreeSet::new();
    jobs.iter()
        .map(|j| {
            let typeset =
                j.outputs.iter().any(|o| !matches!(o.kind, plan::OutputKind::Text | plan::OutputKind::Zip));
            typeset && seen.insert((j.template, j.about.lang))
        })
        .collect()
}

/// Practice `ods`'s pack, made from the files under `out` that its documents' last build
/// wrote. Fails, naming the file, when one of them is not there (not built yet).
pub fn pack(loaded: &Loaded, ods: &str, out: &Path) -> Result<Vec<u8>, Problem> {
    let practice = practice_index(&loaded.project, ods)?;
    let jobs = plan_all(loaded, &Selection { practices: Some(vec![ods.to_string()]), packs: false });
    // Only what a named person approved goes in a pack.
    let members: Vec<&Job> = jobs
        .iter()
        .filter(|j| plan::pack::practice_of(&j.target) == Some(practice) && plan::offered(&loaded.project, j))
        .collect();
    let sign_offs = plan::sign_offs(&loaded.project, members.iter().copied());
    let outputs = members.iter().flat_map(|j| &j.outputs);
    crate::write::pack::Recipe::of(&loaded.project, practice, outputs, &sign_offs).make(out)
}

/// Whether practice `ods`'s what's-new page may go to it: every file it is made from that needs
/// approval is approved (`plan::offered`). None when it has no such page.
pub fn whats_new_offered(loaded: &Loaded, ods: &str) -> Option<bool> {
    let jobs = plan_all(loaded, &Selection { practices: Some(vec![ods.to_string()]), packs: false });
    let job = jobs.iter().find(|j| matches!(j.target, plan::Target::WhatsNew { .. }))?;
    Some(plan::offered(&loaded.project, job))
}

/// The index of the practice with ODS code `code`, or a problem listing the known codes.
pub fn practice_index(project: &Project, code: &str) -> Result<usize, Problem> {
    project.practices.iter().position(|p| p.ods_code.eq_ignore_ascii_case(code)).ok_or_else(|| {
        let codes: Vec<&str> = project.practices.iter().map(|p| p.ods_code.as_str()).collect();
        let hint = match crate::diag::suggest(code, codes.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("known codes are {}", codes.join(", ")),
        };
        Problem::general(format!("no practice has ODS code `{code}`")).hint(hint)
    })
}

/// A mail merge: one letter per row of a recipients file.
pub struct MergeRequest {
    /// The letter's slug (its file name in content/letters without `.md`).
    pub letter: String,
    pub practice: String,
    pub data: PathBuf,
    /// Where the letters go; by default `output/merge/ODS/LETTER`.
    pub out: Option<PathBuf>,
    /// Also every letter in one PDF, for printing.
    pub combined: bool,
    pub emit_typst: bool,
    /// Also each letter as a Word file.
    pub docx: bool,
}

#[derive(Default)]
pub struct MergeReport {
    pub out: PathBuf,
    /// Problems, already free of recipient data.
    pub problems: Vec<Problem>,
    pub rows: usize,
    pub failed_rows: usize,
}

/// Reads and checks the recipients, plans one private job per good row and builds them.
/// A bad row fails alone, named by its row and column, never by its values.
pub fn merge(loaded: &Loaded, req: &MergeRequest) -> Result<MergeReport, Problem> {
    let project = &loaded.project;
    let (doc, letter) = plan::merge::find_letter(project, &req.letter)?;
    let practice = practice_index(project, &req.practice)?;
    let table = recipients::read_table(&req.data)?;
    let columns = recipients::match_columns(&table, &letter.fields, &req.data)?;
    let row_problem = |n: usize, msg: &str| Problem::error(&req.data, format!("row {n}: {msg}"));

    let out = req.out.clone().unwrap_or_else(|| {
        plan::merge::default_out(project, &project.practices[practice].ods_code, &req.letter)
    });
    let mut report = MergeReport { rows: table.rows.len(), out: out.clone(), ..MergeReport::default() };
    let mut taken = BTreeSet::new();
    let mut good = Vec::new();
    for (n, row) in &table.rows {
        match recipients::row_values(row, &columns, &letter.fields) {
            Ok(values) => {
                let base = letter
                    .file_name_field
                    .as_ref()
                    .and_then(|f| values.get(f))
                    .map(|v| v.plain())
                    .unwrap_or_default();
                let name = plan::merge::safe_file_name(&base, &plan::merge::row_id(*n), &mut taken);
                good.push(plan::merge::Row { number: *n, name, values });
            }
            Err(errors) => {
                report.failed_rows += 1;
                report.problems.push(
                    row_problem(*n, &errors.join("; "))
                        .hint("fix the row and run merge again; every other row was produced"),
                );
            }
        }
    }
    let jobs = plan::merge::plan(doc, practice, &req.letter, &good, req.docx, req.combined);
    if jobs.is_empty() {
        return Ok(report);
    }
    let failed: Mutex<BTreeMap<String, Vec<Problem>>> = Mutex::default();
    let opts = BuildOptions { out: out.clone(), emit_typst: req.emit_typst, ..BuildOptions::default() };
    build::build(loaded, &jobs, &opts, None, &|job| {
        if job.outcome == Outcome::Failed {
            failed.lock().unwrap_or_else(|e| e.into_inner()).insert(job.id.clone(), job.problems.clone());
        }
    });
    let failed = failed.into_inner().unwrap_or_else(|e| e.into_inner());
    for row in &good {
        if let Some(problems) = failed.get(&plan::merge::row_id(row.number)) {
            report.failed_rows += 1;
            report.problems.extend(problems.iter().map(|p| row_problem(row.number, &p.message)));
        }
    }
    if let Some(problems) = failed.get(plan::merge::COMBINED) {
        report.problems.extend(
            problems.iter().map(|p| Problem::error(&req.data, format!("combined PDF: {}", p.message))),
        );
    }
    Ok(report)
}

/// Where `render` writes and in which format.
pub struct RenderRequest<'a> {
    pub file: &'a Path,
    /// The folder to write into; by default the file's own.
    pub out_dir: Option<&'a Path>,
    /// A web page instead of a PDF.
    pub html: bool,
    pub emit_typst: bool,
}

pub struct RenderedFile {
    pub written: PathBuf,
    pub warnings: Vec<Problem>,
}

/// Typesets one Markdown file on its own, as a project of one document.
pub fn render(req: &RenderRequest) -> Result<RenderedFile, Vec<Problem>> {
    let opened = standalone::open(req.file)?;
    let out = req.out_dir.map(Path::to_path_buf).unwrap_or_else(|| opened.dir.clone());
    let project = Project::standalone(&opened);
    let (templates, problems) = crate::render::standalone::templates(&project);
    if !problems.is_empty() {
        return Err(problems);
    }
    let jobs = plan::standalone::plan(&project, req.html);
    let loaded = Loaded::new(project, templates, None);
    let outcome: Mutex<Option<JobReport>> = Mutex::default();
    let opts = BuildOptions { out: out.clone(), emit_typst: req.emit_typst, ..BuildOptions::default() };
    build::build(&loaded, &jobs, &opts, None, &|job| {
        *outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(job.clone());
    });
    let report = outcome.into_inner().unwrap_or_else(|e| e.into_inner());
    let report = report.ok_or_else(|| vec![Problem::error(&opened.shown, "nothing was rendered")])?;
    if report.outcome == Outcome::Failed {
        return Err(report.problems);
    }
    Ok(RenderedFile { written: out.join(&jobs[0].outputs[0].rel), warnings: report.problems })
}
