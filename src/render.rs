//! Turns one planned job into the source its template produces (typst, or plain text):
//! Markdown bodies are converted, values gathered, and the tera template rendered.

use std::path::Path;

use serde::Serialize;
use tera::Context;

use crate::config::{Lmc, Practice};
use crate::content::{Document, Kind, Status};
use crate::diag::Problem;
use crate::fields::{self, Values};
use crate::markdown::{self, TypstOptions};
use crate::plan::{Job, PosterFormat, Target};
use crate::project::Project;

/// Output of the render stage: the source text, plus warnings (missing images...).
pub struct Rendered {
    pub source: String,
    pub warnings: Vec<Problem>,
}

/// Page set-up for posters and social images. Numbers are typst code made here, so the
/// templates insert them with `| safe`.
#[derive(Serialize)]
struct Format {
    name: &'static str,
    paper: &'static str,
    width: &'static str,
    height: &'static str,
    /// Multiplies every length in the poster layout, so one design serves A4 and A3.
    scale: &'static str,
}

fn format_of(format: PosterFormat) -> Format {
    match format {
        PosterFormat::A4 => Format { name: "a4", paper: "a4", width: "210mm", height: "297mm", scale: "1.0" },
        PosterFormat::A3 => {
            Format { name: "a3", paper: "a3", width: "297mm", height: "420mm", scale: "1.4142" }
        }
        PosterFormat::Square => {
            Format { name: "square", paper: "", width: "540pt", height: "540pt", scale: "1.0" }
        }
        PosterFormat::Portrait => {
            Format { name: "portrait", paper: "", width: "540pt", height: "675pt", scale: "1.0" }
        }
    }
}

#[derive(Serialize)]
struct Brand<'a> {
    colour: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct SectionView<'a> {
    slug: &'a str,
    title: &'a str,
    status: Status,
    reviewed: &'a str,
    /// " · In force from .. until ..", or empty.
    validity: String,
    summary: Option<&'a str>,
    body: String,
}

#[derive(Serialize)]
struct DocView<'a> {
    slug: &'a str,
    title: &'a str,
    #[serde(flatten)]
    kind: &'a Kind,
    /// The body as typst markup (made by lmcpress, so templates use `| safe`).
    body: String,
}

/// Converts a document's body to typst, resolving images inside the project.
pub fn body_typst(root: &Path, doc: &Document, top_level: u8, warnings: &mut Vec<Problem>) -> String {
    let dir = doc.path.parent().unwrap_or(root);
    markdown_typst(root, dir, &doc.shown, doc.body(), top_level, warnings)
}

/// Markdown to typst with images resolved relative to `dir` (and confined to `root`). The
/// body's top heading level lands at `top_level`, whatever level the author started at.
pub fn markdown_typst(
    root: &Path,
    dir: &Path,
    shown: &Path,
    body: &str,
    top_level: u8,
    warnings: &mut Vec<Problem>,
) -> String {
    let min = min_heading_level(body).unwrap_or(1);
    let heading_offset = top_level.saturating_sub(min);
    let resolve = |dest: &str| resolve_image(root, dir, dest);
    let converted = markdown::to_typst(body, &TypstOptions { heading_offset, resolve_image: &resolve });
    for missing in converted.missing_images {
        warnings.push(
            Problem::warning(shown, format!("image `{missing}` was not found in the project; its description is shown instead"))
                .hint("images must be PNG, JPEG, GIF or SVG files inside the project, with paths relative to the Markdown file"),
        );
    }
    converted.markup
}

fn min_heading_level(md: &str) -> Option<u8> {
    pulldown_cmark::Parser::new(md)
        .filter_map(|e| match e {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading { level, .. }) => Some(level as u8),
            _ => None,
        })
        .min()
}

fn resolve_image(root: &Path, dir: &Path, dest: &str) -> Option<String> {
    if dest.contains("://") || dest.starts_with("data:") {
        return None;
    }
    let ext = Path::new(dest).extension()?.to_str()?.to_ascii_lowercase();
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp") {
        return None;
    }
    let real = dir.join(dest).canonicalize().ok()?;
    let inside = real.strip_prefix(root).ok()?;
    real.is_file().then(|| format!("/{}", inside.to_string_lossy().replace('\\', "/")))
}

/// Renders the template of `job`. `rows` holds mail-merge values: one letter per row.
pub fn render_job(
    project: &Project,
    job: &Job,
    rows: Option<&[Values]>,
    date: Option<&str>,
) -> Result<Rendered, Problem> {
    let lmc = project
        .lmc
        .as_ref()
        .ok_or_else(|| Problem::error("content/lmc.yaml", "the LMC's details failed to load"))?;
    let mut warnings = Vec::new();
    let mut ctx = Context::new();
    ctx.insert("lmc", lmc);
    ctx.insert("date", &date);
    match &job.target {
        Target::Guide => {
            let mut sections: Vec<&Document> = project.documents_of("guide-section").collect();
            sections.sort_by_key(|d| match &d.kind {
                Kind::GuideSection(s) => (s.order, d.slug.clone()),
                _ => (0, d.slug.clone()),
            });
            let mut views = Vec::new();
            for d in sections {
                let Kind::GuideSection(meta) = &d.kind else { continue };
                let validity = match (&meta.valid_from, &meta.valid_until) {
                    (Some(from), Some(until)) => format!(" · In force from {from} until {until}"),
                    (None, Some(until)) => format!(" · In force until {until}"),
                    (Some(from), None) => format!(" · In force from {from}"),
                    (None, None) => String::new(),
                };
                views.push(SectionView {
                    slug: &d.slug,
                    title: &d.title,
                    status: meta.status,
                    reviewed: &meta.reviewed,
                    validity,
                    summary: meta.summary.as_deref(),
                    body: body_typst(&project.root, d, 2, &mut warnings),
                });
            }
            ctx.insert("sections", &views);
            ctx.insert("brand", &Brand { colour: &lmc.brand_colour, text: &lmc.brand_text });
            ctx.insert("field_data", &fields::typst_data(&fields::standard_values(lmc, None), &[]));
        }
        Target::Poster { doc, practice, format } => {
            let (doc, practice) = (&project.documents[*doc], &project.practices[*practice]);
            insert_doc(&mut ctx, project, lmc, doc, practice, None, &mut warnings);
            ctx.insert("format", &format_of(*format));
        }
        Target::Letter { doc, practice } => {
            let (doc, practice) = (&project.documents[*doc], &project.practices[*practice]);
            insert_doc(&mut ctx, project, lmc, doc, practice, rows, &mut warnings);
        }
        Target::AgText { doc, practice } => {
            let (doc, practice) = (&project.documents[*doc], &project.practices[*practice]);
            let values = fields::standard_values(lmc, Some(practice));
            let text = markdown::to_plain_text(doc.body(), &|name| values.get(name).map(|v| v.plain()))
                .map_err(|missing| {
                    let names: Vec<String> = missing.iter().map(|m| m.name.clone()).collect();
                    Problem::error(&doc.shown, format!("no value for {}", names.join(", ")))
                        .hint("fill in the practice profile, or remove the placeholder")
                })?;
            ctx.insert("practice", practice);
            ctx.insert("doc", &serde_json::json!({ "slug": doc.slug, "title": doc.title }));
            ctx.insert("body", &text);
        }
        Target::Pack { .. } => return Err(Problem::error(&job.id, "a pack has no template")),
    }
    let source = project.templates.render(job.template, &ctx)?;
    Ok(Rendered { source, warnings })
}

fn insert_doc(
    ctx: &mut Context,
    project: &Project,
    lmc: &Lmc,
    doc: &Document,
    practice: &Practice,
    rows: Option<&[Values]>,
    warnings: &mut Vec<Problem>,
) {
    let values = fields::standard_values(lmc, Some(practice));
    let letter_fields = match &doc.kind {
        Kind::Letter(l) => l.fields.as_slice(),
        _ => &[],
    };
    let letters: Vec<String> = match rows {
        None => vec![fields::typst_data(&values, letter_fields)],
        Some(rows) => rows
            .iter()
            .map(|row| {
                let mut merged = values.clone();
                merged.extend(row.iter().map(|(k, v)| (k.clone(), v.clone())));
                fields::typst_data(&merged, letter_fields)
            })
            .collect(),
    };
    ctx.insert("letters", &letters);
    let declared: Vec<&str> = letter_fields.iter().map(|f| f.name.as_str()).collect();
    let has: std::collections::BTreeMap<&str, bool> = declared.iter().map(|n| (*n, true)).collect();
    ctx.insert("practice", practice);
    ctx.insert("has", &has);
    ctx.insert("brand", &Brand { colour: &practice.brand_colour, text: &practice.brand_text });
    ctx.insert("field_data", &fields::typst_data(&values, letter_fields));
    let body = body_typst(&project.root, doc, 2, warnings);
    ctx.insert("doc", &DocView { slug: &doc.slug, title: &doc.title, kind: &doc.kind, body });
}
