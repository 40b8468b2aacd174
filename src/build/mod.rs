//! Running planned jobs: in parallel, skipping those whose inputs have not changed, writing
//! outputs atomically and recording what each job read. Prints nothing: callers report.

pub mod parallel;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::diag::Problem;
use crate::load::fields::Values;
use crate::load::project::Project;
use crate::plan::{Job, OutputKind, Target};
use crate::render::{self, Rendered};
use crate::typeset;
use crate::write::manifest::{self, Entry, Manifest};
use crate::write::write_atomic;

/// After each document, typst's memo cache drops what the last few documents did not use:
/// documents from one template share most of their layout work, so keeping a little cache is
/// 25 % faster than clearing it (measured on 100 merged letters), and memory stays bounded.
pub const EVICT_AGE: usize = 5;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub out: PathBuf,
    /// How many documents typst's memo cache remembers work for; `None` is [`EVICT_AGE`].
    /// `watch` keeps a whole project's worth, so a rebuild reuses the unchanged layout.
    pub cache_documents: Option<usize>,
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
    /// The manifest as saved, for [`prune`] and [`reads`] to use without reading it again.
    pub manifest: Manifest,
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

/// What a finished job produced, before anything is written.
pub(crate) struct Produced {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub read: Vec<PathBuf>,
    pub warnings: Vec<Problem>,
}

/// Builds `jobs`. `on_done` is called from worker threads as each job finishes. Outputs are
/// written as soon as each job is done, so memory does not grow with the number of jobs.
pub fn build(
    project: &Project,
    jobs: &[Job],
    opts: &BuildOptions,
    on_done: &(dyn Fn(&JobReport) + Sync),
) -> Report {
    let start = Instant::now();
    let mut manifest = Manifest::load(&opts.out);
    let identity_extra = format!("{:?}|{}", std::env::var("SOURCE_DATE_EPOCH").ok(), opts.emit_typst);

    let counts = [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)];
    let hashes = manifest::FileHashes::default();
    let done: Vec<Option<Done>> = parallel::map(jobs, |job| {
        if matches!(job.target, Target::Pack { .. }) {
            return None;
        }
        let previous = manifest.jobs.get(&job.id);
        let identity = format!("{}|{}|{:?}|{identity_extra}", job.id, job.template, job.outputs);
        let extra: Vec<PathBuf> =
            previous.map(|p| p.reads.iter().map(|r| project.root.join(r)).collect()).unwrap_or_default();
        let files = job.inputs.iter().map(|p| p.as_ref()).chain(extra.iter().map(PathBuf::as_path));
        let hash = manifest::hash_inputs(&identity, &project.root, files, &hashes);
        let unchanged = previous
            .is_some_and(|p| p.hash == manifest::hex(&hash) && Manifest::outputs_intact(p, &opts.out));
        let (report, done) = if unchanged && !opts.force {
            (JobReport { id: job.id.clone(), outcome: Outcome::Skipped, problems: Vec::new() }, None)
        } else {
            let result = run_and_write(project, job, &opts.out, opts.emit_typst, &identity, &hashes);
            // typst memoises across documents; evicting keeps memory flat in long batches.
            comemo::evict(opts.cache_documents.unwrap_or(EVICT_AGE));
            result
        };
        counts[report.outcome as usize].fetch_add(1, Ordering::Relaxed);
        on_done(&report);
        done
    });

    let changed = done.iter().any(Option::is_some);
    for (job, done) in jobs.iter().zip(done) {
        if let Some(done) = done {
            let written: Vec<_> = done.outputs.iter().flatten().collect();
            let hashes = written.iter().map(|(d, _)| manifest::hex(d));
            let outputs = output_paths(job, opts.emit_typst).into_iter().zip(hashes).collect();
            let stamps = written.iter().map(|(_, s)| *s).collect();
            let entry = Entry { hash: manifest::hex(&done.hash), reads: done.reads, outputs, stamps };
            manifest.jobs.insert(job.id.clone(), entry);
        }
    }
    let [built, skipped, failed] = counts.map(AtomicUsize::into_inner);
    // Packs hold the files just written, so they are made last.
    let [packs_built, packs_skipped, packs_failed] =
        crate::write::pack::build(project, jobs, &opts.out, &mut manifest, opts.force, on_done);
    let (built, skipped, failed) = (built + packs_built, skipped + packs_skipped, failed + packs_failed);
    let mut report = Report { built, skipped, failed, ..Report::default() };
    // A build that skipped every job leaves the manifest as it was: at 200,000 entries,
    // rewriting it would be most of a no-op build's time.
    let saved = if changed || !opts.out.join(manifest::FILE_NAME).is_file() {
        manifest.save(&opts.out)
    } else {
        Ok(())
    };
    if let Err(e) = saved {
        report.failed += 1;
        on_done(&JobReport {
            id: manifest::FILE_NAME.into(),
            outcome: Outcome::Failed,
            problems: vec![Problem::error(opts.out.join(manifest::FILE_NAME), format!("{e:#}"))],
        });
    }
    report.elapsed = start.elapsed();
    report.manifest = manifest;
    report
}

/// Runs every job as a build would, but writes nothing: for `check`.
pub fn dry_run(project: &Project, jobs: &[Job]) -> Vec<JobReport> {
    parallel::map(jobs, |job| {
        if matches!(job.target, Target::Pack { .. }) {
            // A pack only gathers files that the other jobs make.
            return JobReport { id: job.id.clone(), outcome: Outcome::Skipped, problems: Vec::new() };
        }
        let outcome = produce(project, job, None, false, typeset::source_date());
        comemo::evict(EVICT_AGE);
        match outcome {
            Ok(p) => JobReport { id: job.id.clone(), outcome: Outcome::Built, problems: p.warnings },
            Err(problems) => JobReport { id: job.id.clone(), outcome: Outcome::Failed, problems },
        }
    })
}

/// What a built job leaves for the manifest. Digests are plain arrays and `reads` is almost
/// always empty, so holding one per job until the batch ends pins no worker heap pages (with
/// heap strings here, resident memory grew by about 4 KB per document).
struct Done {
    hash: manifest::Digest,
    /// One per [`output_paths`] (at most a PDF, its PNG and its typst source), in that order.
    outputs: [Option<(manifest::Digest, manifest::Stamp)>; 3],
    reads: Vec<PathBuf>,
}

/// The files a job writes, in the order [`produce`] returns them.
fn output_paths(job: &Job, emit_typst: bool) -> Vec<PathBuf> {
    let typst_source = emit_typst && !job.outputs.iter().all(|o| o.kind == OutputKind::Text);
    let typ = typst_source.then(|| job.outputs[0].rel.with_extension("typ"));
    typ.into_iter().chain(job.outputs.iter().map(|o| o.rel.clone())).collect()
}

fn run_and_write(
    project: &Project,
    job: &Job,
    out: &Path,
    emit_typst: bool,
    identity: &str,
    hashes: &manifest::FileHashes,
) -> (JobReport, Option<Done>) {
    let mut report = JobReport { id: job.id.clone(), outcome: Outcome::Failed, problems: Vec::new() };
    let produced = match produce(project, job, None, emit_typst, typeset::source_date()) {
        Ok(p) => p,
        Err(problems) => {
            report.problems = problems;
            return (report, None);
        }
    };
    report.problems = produced.warnings;
    let mut outputs = [None; 3];
    for (i, (rel, bytes)) in produced.files.iter().enumerate() {
        if let Err(e) = write_atomic(&out.join(rel), bytes, false) {
            report.problems.push(Problem::error(out.join(rel), format!("{e:#}")));
            return (report, None);
        }
        let stamp = manifest::stamp(&out.join(rel)).unwrap_or_default();
        outputs[i] = Some((manifest::digest(bytes), stamp));
    }
    let planned: BTreeSet<&Path> = job.inputs.iter().map(|p| p.as_ref()).collect();
    let extra: Vec<&PathBuf> = produced.read.iter().filter(|p| !planned.contains(p.as_path())).collect();
    let files = job.inputs.iter().map(|p| p.as_ref()).chain(extra.iter().map(|p| p.as_path()));
    let hash = manifest::hash_inputs(identity, &project.root, files, hashes);
    // Paths are stored relative to the root so an output folder survives the project moving.
    let reads = extra.iter().map(|p| p.strip_prefix(&project.root).unwrap_or(p).to_path_buf()).collect();
    report.outcome = Outcome::Built;
    (report, Some(Done { hash, outputs, reads }))
}

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

/// Renders, typesets and exports one job in memory. `rows` holds mail-merge values.
/// `today` dates letters and the PDF metadata (a build passes `SOURCE_DATE_EPOCH`'s date).
pub(crate) fn produce(
    project: &Project,
    job: &Job,
    rows: Option<&[Values]>,
    emit_typst: bool,
    today: Option<typst::foundations::Datetime>,
) -> Result<Produced, Vec<Problem>> {
    let date_text = today.and_then(|d| {
        let date =
            time::Date::from_calendar_date(d.year()?, time::Month::try_from(d.month()?).ok()?, d.day()?)
                .ok()?;
        Some(crate::load::dates::long(date))
    });
    let Rendered { source, mut warnings } =
        render::render_job(project, job, rows, date_text.as_deref()).map_err(|p| vec![p])?;
    let mut files = Vec::new();
    if job.outputs.iter().all(|o| o.kind == OutputKind::Text) {
        for o in &job.outputs {
            files.push((o.rel.clone(), source.clone().into_bytes()));
        }
        return Ok(Produced { files, read: Vec::new(), warnings });
    }
    let source_name = format!("templates/{} (generated typst for {})", job.template, job.id);
    if emit_typst {
        files.push((job.outputs[0].rel.with_extension("typ"), source.clone().into_bytes()));
    }
    let mut compiled = typeset::compile(typeset::Input {
        root: &project.root,
        source,
        source_name: source_name.clone(),
        today,
    })
    .map_err(|errors| {
        let mut errors = trace_to_markdown(project, job, &source_name, errors);
        if !emit_typst && let Some(first) = errors.first_mut() {
            first.hints.push("run again with --emit-typst to see the generated typst source".into());
        }
        errors
    })?;
    warnings.extend(std::mem::take(&mut compiled.warnings));
    let pages = compiled.document.pages().len();
    if matches!(job.target, Target::Poster { .. }) && pages > 1 {
        warnings.push(
            Problem::warning(
                &source_name,
                format!("`{}` runs onto {pages} pages; a poster should fit on one", job.id),
            )
            .hint("shorten the poster's text"),
        );
    }
    for o in &job.outputs {
        let bytes = match o.kind {
            OutputKind::Pdf => {
                let ident = o.rel.to_string_lossy().replace('\\', "/");
                typeset::pdf(&compiled, &ident, today, &source_name)
                    .map_err(|errors| trace_to_markdown(project, job, &source_name, errors))?
            }
            OutputKind::Png(ppp) => typeset::png(&compiled.document, 0, ppp)
                .map_err(|e| vec![Problem::error(&source_name, format!("failed to render PNG: {e:#}"))])?,
            OutputKind::Docx => crate::write::docx::for_job(project, job, rows, date_text.as_deref(), today)?,
            OutputKind::Text | OutputKind::Zip => unreachable!("made without typst"),
        };
        files.push((o.rel.clone(), bytes));
    }
    Ok(Produced { files, read: compiled.files_read, warnings })
}

/// Points typst errors that fall inside a document's converted Markdown at the author's line
/// in that document, rather than at the generated source only.
fn trace_to_markdown(project: &Project, job: &Job, source_name: &str, errors: Vec<Problem>) -> Vec<Problem> {
    let docs: Vec<&crate::load::content::Document> = match job.target {
        Target::Guide | Target::GuideHtml | Target::GuideRedline => {
            project.documents_of("guide-section").collect()
        }
        Target::Poster { doc, .. } | Target::Letter { doc, .. } | Target::AgText { doc, .. } => {
            vec![&project.documents[doc]]
        }
        Target::WhatsNew { .. } | Target::Pack { .. } => Vec::new(),
    };
    let converted: Vec<_> = docs.iter().map(|d| render::body_converted(&project.root, d, 2)).collect();
    errors
        .into_iter()
        .map(|problem| {
            let (Some(generated), Some(span)) = (&problem.source, &problem.span) else { return problem };
            if problem.file.as_os_str() != source_name {
                return problem;
            }
            for (doc, conv) in docs.iter().zip(&converted) {
                let Some(start) = (!conv.markup.is_empty()).then(|| generated.find(&conv.markup)).flatten()
                else {
                    continue;
                };
                if !(start..start + conv.markup.len()).contains(&span.start) {
                    continue;
                }
                let at = doc.body_start + conv.markdown_offset(span.start - start);
                let end = doc.text[at..].find('\n').map_or(doc.text.len(), |i| at + i);
                let line = generated[..span.start].matches('\n').count() + 1;
                let mut traced =
                    Problem { file: doc.shown.clone(), ..problem.clone() }.at(&doc.text, at..end);
                traced
                    .hints
                    .push(format!("typst reported it at line {line} of the source made from this file"));
                return traced;
            }
            problem
        })
        .collect()
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
