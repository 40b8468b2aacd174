//! Running planned jobs: in parallel, skipping those whose inputs have not changed, writing
//! outputs atomically and recording what each job read. Prints nothing: callers report.

pub mod fingerprint;
mod packs;
mod produce;

pub use produce::{Shown, preview};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::diag::Problem;
use crate::load::project::Project;
use crate::parallel;
use crate::plan::{Job, Keep, OutputKind, Target};
use crate::render::Loaded;
use crate::write::manifest::{self, Entry, Manifest, ReadAhead};
use crate::write::write_atomic;

/// After each document, typst's memo cache drops what the last two documents did not use:
/// documents from one template share much of their layout work, but every eviction walks the
/// whole cache, so a short memory wins. Measured side by side (release, 2 cores, medians):
/// 200 merged letters 0.79 s with 2, 0.85 s with 5, 0.94 s with 1; a full build of 30
/// practices 7.03 s and 122 MB peak with 2, 7.23 s and 136 MB with 5.
pub const EVICT_AGE: usize = 2;

/// When typst's memo cache forgets work. Each eviction walks the whole cache, so a cache
/// kept large must be walked rarely: evicting after every document of a watch rebuild was a
/// third of its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eviction {
    /// After each document, drop what the last `n` documents did not use: long batches stay
    /// flat in memory.
    PerDocument(usize),
    /// Once a build ends, drop what the last `n` builds did not use: a rebuild in `watch`
    /// reuses the layout of everything that did not change.
    PerBuild(usize),
}

impl Default for Eviction {
    fn default() -> Self {
        Eviction::PerDocument(EVICT_AGE)
    }
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub out: PathBuf,
    pub eviction: Eviction,
    pub emit_typst: bool,
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Built = 0,
    Skipped = 1,
    Failed = 2,
}

#[derive(Debug, Clone)]
pub struct JobReport {
    pub id: String,
    /// The practice whose document this is (its ODS code), as the plan says.
    pub practice: Option<std::sync::Arc<str>>,
    pub outcome: Outcome,
    /// Errors (when failed) and warnings.
    pub problems: Vec<Problem>,
}

/// Counts, not per-job records: a batch of 200,000 documents keeps no state per success.
#[derive(Debug, Default)]
pub struct Report {
    pub built: usize,
    pub skipped: usize,
    pub failed: usize,
    pub removed: Vec<PathBuf>,
    pub elapsed: Duration,
    /// From the start until the first document was written, if one was.
    pub first: Option<Duration>,
    /// The manifest as saved, for [`prune`] and [`reads`] to use without reading it again.
    pub manifest: Manifest,
}

impl JobReport {
    /// A report of `job` with no problems yet.
    pub fn of(job: &Job, outcome: Outcome) -> JobReport {
        JobReport { id: job.id.clone(), practice: job.about.practice.clone(), outcome, problems: Vec::new() }
    }
}

impl Report {
    pub fn count(&self, outcome: Outcome) -> usize {
        match outcome {
            Outcome::Built => self.built,
            Outcome::Skipped => self.skipped,
            Outcome::Failed => self.failed,
        }
    }
}

/// Builds `jobs` with `templates`. `on_done` is called from worker threads as each job
/// finishes. Outputs are written as soon as each job is done, so memory does not grow with
/// the number of jobs. Only [`Keep::Tracked`] jobs are skipped when unchanged and recorded
/// in the output folder's manifest; a run of other jobs only leaves no manifest behind.
pub fn build(
    loaded: &Loaded,
    jobs: &[Job],
    opts: &BuildOptions,
    ahead: Option<ReadAhead>,
    on_done: &(dyn Fn(&JobReport) + Sync),
) -> Report {
    let start = Instant::now();
    let project = &loaded.project;
    // An empty build of a project still reads the manifest: pruning needs it.
    let tracking = jobs.is_empty() || jobs.iter().any(|j| j.keep == Keep::Tracked);
    let mut manifest = match ahead.and_then(|a| a.wait_for(&opts.out)) {
        Some(read) if tracking => read,
        _ if tracking => Manifest::load(&opts.out),
        _ => Manifest::default(),
    };
    // A journal left behind means the last build was killed while writing: its temporary
    // files are orphans now.
    let killed = tracking && opts.out.join(manifest::JOURNAL_NAME).exists();
    if killed {
        Manifest::sweep_orphans(&opts.out);
    }
    let journal = manifest::Journal::new(&opts.out);
    crate::timings::stage("manifest load", start);
    let jobs_start = Instant::now();
    let identity_extra = format!("{:?}|{}", crate::load::dates::source_date(), opts.emit_typst);

    let counts = [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)];
    let first = std::sync::OnceLock::new();
    let tracked = jobs.iter().filter(|j| j.keep == Keep::Tracked);
    let hashes = manifest::FileHashes::of(crate::plan::distinct_inputs(tracked).map(|p| p.as_ref()))
        .with_overrides(project.approval.digests());
    let run = Run { loaded, out: &opts.out, emit_typst: opts.emit_typst, hashes: &hashes };
    let done: Vec<Option<Done>> = parallel::map(jobs, |job| {
        if matches!(job.target, Target::Pack { .. }) {
            return None;
        }
        let (report, done) = if job.keep != Keep::Tracked {
            (run.make(job).0, None)
        } else {
            let previous = manifest.jobs.get(&job.id);
            let identity = identity(job, &identity_extra);
            let extra: Vec<PathBuf> =
                previous.map(|p| p.reads.iter().map(|r| project.root.join(r)).collect()).unwrap_or_default();
            let files = job.inputs.iter().map(|p| p.as_ref()).chain(extra.iter().map(PathBuf::as_path));
            let hash = manifest::hash_inputs(&identity, &project.root, files, &hashes);
            let unchanged = previous.is_some_and(|p| {
                manifest::is_hex_of(&p.hash, &hash) && Manifest::outputs_intact(p, &opts.out)
            });
            if unchanged && !opts.force {
                (JobReport::of(job, Outcome::Skipped), None)
            } else {
                journal.begin();
                let (report, done) = run.tracked(job, &identity);
                if let Some(done) = &done {
                    journal.record(&job.id, &entry_of(job, done, opts.emit_typst));
                }
                (report, done)
            }
        };
        if let Eviction::PerDocument(age) = opts.eviction
            && report.outcome != Outcome::Skipped
        {
            comemo::evict(age);
        }
        counts[report.outcome as usize].fetch_add(1, Ordering::Relaxed);
        if report.outcome == Outcome::Built {
            first.get_or_init(|| start.elapsed());
        }
        on_done(&report);
        done
    });

    let changed = done.iter().any(Option::is_some);
    for (job, done) in jobs.iter().zip(done) {
        if let Some(done) = done {
            manifest.jobs.insert(job.id.clone(), entry_of(job, &done, opts.emit_typst));
        }
    }
    if let Eviction::PerBuild(age) = opts.eviction {
        comemo::evict(age);
    }
    let [built, skipped, failed] = counts.map(AtomicUsize::into_inner);
    crate::timings::stage("jobs", jobs_start);
    // Packs hold the files just written, so they are made last.
    let packs_start = Instant::now();
    let [packs_built, packs_skipped, packs_failed] =
        packs::build(project, jobs, &opts.out, &mut manifest, opts.force, on_done);
    let (built, skipped, failed) = (built + packs_built, skipped + packs_skipped, failed + packs_failed);
    crate::timings::stage("packs", packs_start);
    let mut report = Report { built, skipped, failed, first: first.into_inner(), ..Report::default() };
    // A build that skipped every job leaves the manifest as it was: at 200,000 entries,
    // rewriting it would be most of a no-op build's time.
    let saved = if tracking
        && (changed || killed || packs_built > 0 || !opts.out.join(manifest::FILE_NAME).is_file())
    {
        manifest.save(&opts.out)
    } else {
        Ok(())
    };
    if let Err(e) = saved {
        report.failed += 1;
        on_done(&JobReport {
            id: manifest::FILE_NAME.into(),
            practice: None,
            outcome: Outcome::Failed,
            problems: vec![Problem::error(opts.out.join(manifest::FILE_NAME), format!("{e:#}"))],
        });
    }
    report.elapsed = start.elapsed();
    report.manifest = manifest;
    report
}

/// What a job is, apart from its inputs: its id, template and outputs, and the settings
/// that change its bytes. Written out by hand: `Debug`-formatting the outputs escaped every
/// character and showed in no-op builds' profiles.
fn identity(job: &Job, extra: &str) -> String {
    let mut s = format!("{}|{}|", job.id, job.template);
    for o in &job.outputs {
        s.push_str(&o.rel.to_string_lossy());
        s.push_str(match o.kind {
            OutputKind::Pdf => ":pdf,",
            OutputKind::Png(_) => ":png,",
            OutputKind::Text => ":text,",
            OutputKind::Docx => ":docx,",
            OutputKind::Zip => ":zip,",
        });
        if let OutputKind::Png(ppp) = o.kind {
            s.push_str(&format!("{ppp},"));
        }
    }
    s.push('|');
    s.push_str(extra);
    s
}

/// Runs every job as a build would, but writes nothing: for `check`. A job whose `typeset`
/// entry is true is typeset and exported too; the others have their template rendered with
/// their values and Markdown (every input and template is judged) and typst is left out.
pub fn dry_run(loaded: &Loaded, jobs: &[Job], typeset: &[bool]) -> Vec<JobReport> {
    let indexed: Vec<(&Job, bool)> =
        jobs.iter().enumerate().map(|(i, j)| (j, typeset.get(i).copied().unwrap_or(false))).collect();
    parallel::map(&indexed, |&(job, typeset)| {
        if matches!(job.target, Target::Pack { .. }) {
            // A pack only gathers files that the other jobs make.
            return JobReport::of(job, Outcome::Skipped);
        }
        if !typeset {
            return match produce::render_only(loaded, job) {
                Ok(warnings) => JobReport { problems: warnings, ..JobReport::of(job, Outcome::Built) },
                Err(problems) => JobReport { problems, ..JobReport::of(job, Outcome::Failed) },
            };
        }
        let outcome = produce::produce(loaded, job, false);
        comemo::evict(EVICT_AGE);
        match outcome {
            Ok(p) => JobReport { problems: p.warnings, ..JobReport::of(job, Outcome::Built) },
            Err(problems) => JobReport { problems, ..JobReport::of(job, Outcome::Failed) },
        }
    })
}

/// What a built job leaves for the manifest. Digests are plain arrays and `reads` is almost
/// always empty, so holding one per job until the batch ends pins no worker heap pages (with
/// heap strings here, resident memory grew by about 4 KB per document).
struct Done {
    hash: manifest::Digest,
    /// One per [`output_paths`], in that order. Inline up to three (a PDF, its PNG and its
    /// typst source), so the usual job pins no heap; a job with more outputs spills, never fails.
    outputs: Written,
    reads: Vec<PathBuf>,
}

/// The files a job writes, in the order [`produce`] returns them.
fn output_paths(job: &Job, emit_typst: bool) -> Vec<PathBuf> {
    let typst_source = emit_typst && !job.outputs.iter().all(|o| o.kind == OutputKind::Text);
    let typ = typst_source.then(|| job.outputs[0].rel.with_extension("typ"));
    typ.into_iter().chain(job.outputs.iter().map(|o| o.rel.clone())).collect()
}

/// The manifest's record of a built job.
fn entry_of(job: &Job, done: &Done, emit_typst: bool) -> Entry {
    let hashes = done.outputs.iter().map(|(d, _)| manifest::hex(d));
    let outputs = output_paths(job, emit_typst).into_iter().zip(hashes).collect();
    let stamps = done.outputs.iter().map(|(_, s)| *s).collect();
    Entry { hash: manifest::hex(&done.hash), reads: done.reads.clone(), outputs, stamps }
}

/// What every job of one build shares.
struct Run<'a> {
    loaded: &'a Loaded,
    out: &'a Path,
    emit_typst: bool,
    hashes: &'a manifest::FileHashes,
}

impl Run<'_> {
    /// Produces `job` and writes its files (owner-only when private). For a tracked job,
    /// also each file's digest and stamp for the manifest, and the files typst read.
    fn make(&self, job: &Job) -> (JobReport, Option<Made>) {
        let mut report = JobReport::of(job, Outcome::Failed);
        let produced = match produce::produce(self.loaded, job, self.emit_typst) {
            Ok(p) => p,
            Err(problems) => {
                report.problems = problems;
                return (report, None);
            }
        };
        report.problems = produced.warnings;
        let tracked = job.keep == Keep::Tracked;
        let mut outputs = Written::new();
        let written = Instant::now();
        for (rel, bytes) in &produced.files {
            let path = self.out.join(rel);
            if let Err(e) = write_atomic(&path, bytes, job.keep == Keep::Private) {
                report.problems.push(Problem::error(&path, format!("{e:#}")));
                return (report, None);
            }
            if tracked {
                outputs.push((manifest::digest(bytes), manifest::stamp(&path).unwrap_or_default()));
            }
        }
        crate::timings::add(crate::timings::Work::Write, written);
        report.outcome = Outcome::Built;
        (report, Some(Made { read: produced.read, outputs }))
    }

    /// Makes a tracked job and returns what the manifest keeps of it.
    fn tracked(&self, job: &Job, identity: &str) -> (JobReport, Option<Done>) {
        let (report, made) = self.make(job);
        let Some(Made { read, outputs }) = made else { return (report, None) };
        let root = &self.loaded.project.root;
        let planned: BTreeSet<&Path> = job.inputs.iter().map(|p| p.as_ref()).collect();
        let extra: Vec<&PathBuf> = read.iter().filter(|p| !planned.contains(p.as_path())).collect();
        let files = job.inputs.iter().map(|p| p.as_ref()).chain(extra.iter().map(|p| p.as_path()));
        let hash = manifest::hash_inputs(identity, root, files, self.hashes);
        // Paths are stored relative to the root so an output folder survives the project moving.
        let reads = extra.iter().map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf()).collect();
        (report, Some(Done { hash, outputs, reads }))
    }
}

/// What [`Run::make`] leaves besides its report.
struct Made {
    read: Vec<PathBuf>,
    outputs: Written,
}

/// Each written file's digest and stamp, in the order [`produce`] returns them.
type Written = smallvec::SmallVec<[(manifest::Digest, manifest::Stamp); 3]>;

/// Every file each job read in its last build (planned inputs and what typst read), for watch.
pub fn reads(project: &Project, jobs: &[Job], manifest: &Manifest) -> BTreeMap<String, BTreeSet<PathBuf>> {
    jobs.iter()
        .filter_map(|job| {
            let entry = manifest.jobs.get(&job.id)?;
            let mut files: BTreeSet<PathBuf> = job.inputs.iter().map(|p| p.to_path_buf()).collect();
            files.extend(entry.reads.iter().map(|r| project.root.join(r)));
            Some((job.id.clone(), files))
        })
        .collect()
}

/// Removes the folders holding `file` that are left empty, up to (not including) `out`: a
/// deleted practice leaves no `practices/<ODS>/posters/` behind. A folder holding anything
/// (a file the LMC put there) stays.
fn remove_empty_folders(out: &Path, file: &Path) {
    let mut folder = file.parent();
    while let Some(dir) = folder {
        if dir == out || !dir.starts_with(out) || std::fs::remove_dir(dir).is_err() {
            break;
        }
        folder = dir.parent();
    }
}

/// Deletes outputs of jobs that are no longer in the full plan `jobs` (a removed practice,
/// poster or letter). Nothing is removed while any input fails to load: a broken profile must
/// not cost its practice the last good documents.
pub fn prune(project: &Project, jobs: &[Job], manifest: &mut Manifest, out: &Path) -> Vec<PathBuf> {
    if !project.broken_inputs.is_empty() || project.lmc.is_none() {
        return Vec::new();
    }
    let planned: BTreeSet<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    let stale: Vec<String> =
        manifest.jobs.keys().filter(|id| !planned.contains(id.as_str())).cloned().collect();
    let mut removed = Vec::new();
    for id in stale {
        if let Some(entry) = manifest.jobs.remove(&id) {
            for (rel, _) in &entry.outputs {
                if std::fs::remove_file(out.join(rel)).is_ok() {
                    removed.push(rel.clone());
                    remove_empty_folders(out, &out.join(rel));
                }
            }
        }
    }
    if !removed.is_empty() {
        // A manifest that cannot be saved only costs a rebuild next time.
        manifest.save(out).ok();
    }
    removed
}
