//! One job in memory: its template rendered, the source typeset, and every output format
//! of the job exported. Nothing is written here.

use std::path::PathBuf;
use std::time::Instant;

use crate::diag::Problem;
use crate::load::dates;
use crate::load::project::Project;
use crate::plan::{Job, Keep, OutputKind, Target};
use crate::render::{self, Loaded, Rendered};
use crate::timings::{self, Work};
use crate::typeset;

/// What a finished job produced, before anything is written.
pub(crate) struct Produced {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub read: Vec<PathBuf>,
    pub warnings: Vec<Problem>,
}

/// The date a job's document carries: merged letters are sent now, so they carry today's
/// date; everything else carries `SOURCE_DATE_EPOCH`'s date, or none, so that rebuilding
/// gives the same bytes.
fn date_of(job: &Job) -> Option<time::Date> {
    match job.target {
        Target::Merged { .. } => Some(dates::today()),
        _ => dates::source_date(),
    }
}

/// Renders, typesets and exports one job in memory. A private job's problems never quote
/// the generated source, which holds recipient data.
pub(crate) fn produce(loaded: &Loaded, job: &Job, emit_typst: bool) -> Result<Produced, Vec<Problem>> {
    let produced = produce_any(loaded, job, emit_typst);
    if job.keep == Keep::Private {
        return produced.map_err(|problems| problems.into_iter().map(Problem::redacted).collect());
    }
    produced
}

/// Renders `job` in memory and returns its warnings: everything but typst. A private job's
/// problems never quote what it was rendered from.
pub(crate) fn render_only(loaded: &Loaded, job: &Job) -> Result<Vec<Problem>, Vec<Problem>> {
    let date_text = date_of(job).map(dates::long);
    let rendered = render::render_job(loaded, job, date_text.as_deref()).map_err(|p| vec![p]);
    let rendered = match job.keep {
        Keep::Private => rendered.map_err(|ps| ps.into_iter().map(Problem::redacted).collect()),
        _ => rendered,
    };
    rendered.map(|r| r.warnings)
}

/// What a preview shows: pages as PNG images, or the text of a text document.
pub enum Shown {
    Pages(Vec<Vec<u8>>),
    Text(String),
}

/// Renders and typesets `job` in memory and returns the pages `pick` chooses (0-based, from
/// the typeset document) as PNG images at `pixel_per_pt`. Writes nothing.
pub fn preview(
    loaded: &Loaded,
    job: &Job,
    pick: &dyn Fn(&typst_layout::PagedDocument) -> Vec<usize>,
    pixel_per_pt: f64,
) -> Result<(Shown, Vec<Problem>), Vec<Problem>> {
    let project = &loaded.project;
    let date = date_of(job);
    let date_text = date.map(dates::long);
    let Rendered { source, mut warnings, .. } =
        render::render_job(loaded, job, date_text.as_deref()).map_err(|p| vec![p])?;
    if job.outputs.iter().all(|o| o.kind == OutputKind::Text) {
        return Ok((Shown::Text(source), warnings));
    }
    let source_name = format!("templates/{} (generated typst for {})", job.template, job.id);
    let compiled = typeset::compile(typeset::Input {
        root: &project.root,
        source,
        source_name: source_name.clone(),
        today: date.map(typeset::datetime),
    })
    .map_err(|errors| trace(loaded, job, &source_name, errors))?;
    warnings.extend(compiled.warnings.iter().cloned());
    let mut pages = Vec::new();
    for page in pick(&compiled.document) {
        let png = typeset::png(&compiled.document, page, pixel_per_pt)
            .map_err(|e| vec![Problem::error(&source_name, format!("failed to render PNG: {e:#}"))])?;
        pages.push(png);
    }
    Ok((Shown::Pages(pages), warnings))
}

fn produce_any(loaded: &Loaded, job: &Job, emit_typst: bool) -> Result<Produced, Vec<Problem>> {
    let project = &loaded.project;
    let date = date_of(job);
    let today = date.map(typeset::datetime);
    let date_text = date.map(dates::long);
    let start = Instant::now();
    let Rendered { source, mut warnings, values, reads, fit_key } =
        render::render_job(loaded, job, date_text.as_deref()).map_err(|p| vec![p])?;
    timings::add(Work::Render, start);
    let mut files = Vec::new();
    if job.outputs.iter().all(|o| o.kind == OutputKind::Text) {
        for o in &job.outputs {
            files.push((o.rel.clone(), source.clone().into_bytes()));
        }
        // What the render read (the web page's images) is what the job read.
        return Ok(Produced { files, read: reads, warnings });
    }
    let source_name = format!("templates/{} (generated typst for {})", job.template, job.id);
    if emit_typst {
        files.push((job.outputs[0].rel.with_extension("typ"), source.clone().into_bytes()));
    }
    // After the emitted copy: the emitted source keeps the template's empty list of known
    // fits, so it is the same whichever poster was typeset first.
    let source = match &fit_key {
        Some(key) => loaded.poster_fits.apply(key, source),
        None => source,
    };
    let start = Instant::now();
    let mut compiled = typeset::compile(typeset::Input {
        root: &project.root,
        source,
        source_name: source_name.clone(),
        today,
    })
    .map_err(|errors| {
        let mut errors = trace(loaded, job, &source_name, errors);
        if !emit_typst && let Some(first) = errors.first_mut() {
            first.hints.push("run again with --emit-typst to see the generated typst source".into());
        }
        errors
    })?;
    timings::add(Work::Compile, start);
    if let Some(key) = fit_key {
        loaded.poster_fits.learn(key, &typeset::metadata(&compiled.document, "poster-fit"));
    }
    warnings.extend(trace(loaded, job, &source_name, std::mem::take(&mut compiled.warnings)));
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
        let start = Instant::now();
        let work = match o.kind {
            OutputKind::Pdf => Work::Pdf,
            OutputKind::Png(_) => Work::Png,
            _ => Work::Docx,
        };
        let bytes = match o.kind {
            OutputKind::Pdf => {
                let ident = o.rel.to_string_lossy().replace('\\', "/");
                typeset::pdf(&compiled, &ident, today, &source_name)
                    .map_err(|errors| trace(loaded, job, &source_name, errors))?
            }
            OutputKind::Png(ppp) => typeset::png(&compiled.document, 0, ppp)
                .map_err(|e| vec![Problem::error(&source_name, format!("failed to render PNG: {e:#}"))])?,
            OutputKind::Docx => {
                let values = values
                    .as_ref()
                    .ok_or_else(|| vec![Problem::error(&job.id, "only letters have a Word edition")])?;
                crate::write::docx::for_job(project, job, values, date_text.as_deref(), today)?
            }
            OutputKind::Text | OutputKind::Zip => unreachable!("made without typst"),
        };
        timings::add(work, start);
        files.push((o.rel.clone(), bytes));
    }
    let mut read = compiled.files_read;
    read.extend(reads);
    Ok(Produced { files, read, warnings })
}

/// Points each typst error at the line its author wrote: in a document's Markdown, or else in
/// the template (or a template it pulls in) that wrote the generated line.
fn trace(loaded: &Loaded, job: &Job, source_name: &str, errors: Vec<Problem>) -> Vec<Problem> {
    trace_to_markdown(&loaded.project, job, source_name, errors)
        .into_iter()
        .map(|p| loaded.templates.trace(job.template, source_name, p))
        .collect()
}

/// Points typst errors that fall inside a document's converted Markdown at the author's line
/// in that document, rather than at the generated source only.
fn trace_to_markdown(project: &Project, job: &Job, source_name: &str, errors: Vec<Problem>) -> Vec<Problem> {
    let docs: Vec<&crate::load::content::Document> = match job.target {
        Target::Guide | Target::GuideHtml | Target::GuideRedline => {
            project.documents_of("guide-section").collect()
        }
        Target::Poster { doc, .. } | Target::Document { doc, .. } => {
            vec![&project.documents[doc]]
        }
        Target::Merged { doc, .. } | Target::Standalone { doc, .. } => vec![&project.documents[doc]],
        Target::WhatsNew { .. } | Target::Pack { .. } => Vec::new(),
    };
    // Each body converted exactly as the render converted it (a standalone file sits under
    // its title as a guide section does).
    let converted: Vec<_> = docs
        .iter()
        .map(|d| match job.target {
            Target::Standalone { .. } => render::markdown_converted(&project.root, d, 2),
            _ => render::body_converted(&project.root, d),
        })
        .collect();
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
