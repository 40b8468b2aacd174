//! Turns one planned job into the source its template produces (typst, or plain text):
//! Markdown bodies are converted, values gathered, and the tera template rendered.

pub mod editions;
mod field_data;
pub mod fits;
pub mod html;
pub mod qr;
pub mod standalone;
pub mod templates;
mod trace;

use std::path::Path;

use serde::Serialize;
use tera::Context;

use crate::approval::view::{DRAFT_NOTICE, SignOff};
use crate::diag::Problem;
use crate::editions::Editions;
use crate::load::config::{Lmc, Practice};
use crate::load::content::{Document, GuideSection, Kind, Status};
use crate::load::fields::{self, Values};
use crate::load::project::Project;
use crate::markdown::{self, doc::Resolve, doc::confine_image};
use crate::plan::{Job, PosterFormat, Target};
use crate::render::templates::Templates;

/// What every job is rendered from: a loaded project, its templates, and the archived
/// edition compared with it (read once, when there is one).
pub struct Loaded {
    pub project: Project,
    pub templates: Templates,
    pub editions: Option<Editions>,
    /// Each practice's QR code, made once.
    pub qr_codes: qr::Codes,
    /// Where posters' body searches ended, for the next practice's copy of the poster.
    pub poster_fits: fits::Fits,
}

impl Loaded {
    /// What jobs render from; each practice's QR code is made when a poster first asks.
    pub fn new(project: Project, templates: Templates, editions: Option<Editions>) -> Loaded {
        let qr_codes = qr::Codes::new(project.practices.len());
        let poster_fits = fits::Fits::new(templates.digest());
        Loaded { project, templates, editions, qr_codes, poster_fits }
    }
}

/// Output of the render stage: the source text, plus warnings (missing images...).
pub struct Rendered {
    pub source: String,
    pub warnings: Vec<Problem>,
    /// The values a document of a practice was made with (for a merge, its first row's):
    /// the Word edition of the same job is made from exactly these.
    pub values: Option<Values>,
    /// Files the render itself read (the web page's images), besides the planned inputs.
    pub reads: Vec<std::path::PathBuf>,
    /// A poster's [`fits::key`]: which body searches it may reuse.
    pub fit_key: Option<blake3::Hash>,
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
    change_note: Option<&'a str>,
    sources: &'a [crate::load::content::Source],
    body: String,
    /// Who approved this section: it ends with "Approved by NAME, ROLE, DATE".
    sign_off: &'a SignOff,
}

#[derive(Serialize)]
struct DocView<'a> {
    slug: &'a str,
    title: &'a str,
    #[serde(flatten)]
    kind: &'a Kind,
    /// A letter's "Re:" line as typst markup.
    subject: Option<String>,
    /// The body as typst markup (made by lmcpress, so templates use `| safe`).
    body: &'a str,
}

/// The level a document's top body headings sit at: a poster's or a guide section's title is
/// its level-1 heading, so its body's headings sit under it; a letter has no title heading
/// (PDF/UA wants the first heading at level 1), so its start at 1. Rendering and tracing a
/// typst error back to the Markdown both read it here.
pub fn top_level(doc: &Document) -> u8 {
    doc.kind.declaration().top_level
}

/// A document's body normalised, with images resolved and confined to the project.
pub fn body_doc(root: &Path, doc: &Document) -> markdown::Doc {
    markdown_doc(root, doc.path.parent().unwrap_or(root), doc.body())
}

/// Markdown normalised with images resolved relative to `dir` and confined to `root`.
pub fn markdown_doc(root: &Path, dir: &Path, md: &str) -> markdown::Doc {
    let image = |dest: &str| confine_image(root, dir, dest);
    markdown::doc::normalise(md, &Resolve { image: &image, ..Resolve::NOTHING })
}

/// Converts a document's body to typst, resolving images inside the project.
pub fn body_typst(root: &Path, doc: &Document, top_level: u8, warnings: &mut Vec<Problem>) -> String {
    let dir = doc.path.parent().unwrap_or(root);
    markdown_typst(root, dir, &doc.shown, (&doc.text, doc.body_start), top_level, warnings)
}

/// Markdown to typst with images resolved relative to `dir` (and confined to `root`). The
/// body's top heading level lands at `top_level`, whatever level the author started at.
/// `file` is the whole file's text and the byte offset where the body starts in it, so that
/// warnings name the file's own lines.
pub fn markdown_typst(
    root: &Path,
    dir: &Path,
    shown: &Path,
    file: (&std::sync::Arc<str>, usize),
    top_level: u8,
    warnings: &mut Vec<Problem>,
) -> String {
    let doc = markdown_doc(root, dir, &file.0[file.1..]);
    doc_warnings(shown, file, &doc, top_level, warnings);
    markdown::doc_to_typst(&doc, top_level.saturating_sub(1)).markup
}

/// A document's body as typst, as [`body_typst`] makes it, with its map back to the Markdown:
/// for tracing a typst error to the author's line.
pub fn body_converted(root: &Path, doc: &Document) -> markdown::Converted {
    markdown_converted(root, doc, top_level(doc))
}

/// A document's body as typst with its top headings at `top_level`, with its map back to the
/// Markdown.
pub fn markdown_converted(root: &Path, doc: &Document, top_level: u8) -> markdown::Converted {
    markdown::doc_to_typst(&body_doc(root, doc), top_level.saturating_sub(1))
}

/// What the PDF of a document warns about: images that are not available, and each heading
/// whose level changed more than by shifting the whole document (PDF/UA and WCAG need
/// headings that never skip a level), with its line.
pub fn doc_warnings(
    shown: &Path,
    (text, body_start): (&std::sync::Arc<str>, usize),
    doc: &markdown::Doc,
    top_level: u8,
    warnings: &mut Vec<Problem>,
) {
    let outline: Vec<_> = doc.headings.iter().filter(|h| !h.in_note).collect();
    if let Some(top) = outline.iter().map(|h| h.typed).min() {
        for h in outline.iter().filter(|h| h.adjusted(top)) {
            let start = body_start + h.offset;
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            warnings.push(
                Problem::warning(
                    shown,
                    format!(
                        "this heading skips a level; it is shown as a level {} heading",
                        h.level + top_level - 1
                    ),
                )
                .at(text, start..end)
                .hint("headings go down one level at a time (`#`, then `##`, then `###`)"),
            );
        }
    }
    image_warnings(shown, doc, warnings);
    note_warnings(shown, (text, body_start), doc, warnings);
}

/// A warning for each footnote mark of `doc` that every format shows as written, at the mark.
fn note_warnings(
    shown: &Path,
    (text, body_start): (&std::sync::Arc<str>, usize),
    doc: &markdown::Doc,
    warnings: &mut Vec<Problem>,
) {
    use markdown::doc::Stray;
    let body = &text[body_start..];
    for stray in &doc.stray_notes {
        let label = &stray.label;
        let (mark, at, message, hint) = match stray.why {
            Stray::Undefined => (
                format!("[^{label}]"),
                body.find(&format!("[^{label}]")),
                format!("footnote `[^{label}]` has no note written for it, so it is shown as written"),
                format!(
                    "write the note on a line of its own: `[^{label}]: what the note says` (or remove the mark)"
                ),
            ),
            Stray::NeverReferred => (
                format!("[^{label}]:"),
                body.find(&format!("[^{label}]:")),
                format!("note `[^{label}]:` is never referred to, so it is shown where it is written"),
                format!("put `[^{label}]` after the words the note is about, or delete the note"),
            ),
            Stray::DefinedAgain => (
                format!("[^{label}]:"),
                body.rfind(&format!("[^{label}]:")),
                format!("a second note `[^{label}]:` is shown where it is written, not as a footnote"),
                "labels ignore case: give the second note a label of its own, or delete it".to_string(),
            ),
        };
        let mut problem = Problem::warning(shown, message).hint(hint);
        if let Some(at) = at {
            problem = problem.at(text, body_start + at..body_start + at + mark.len());
        }
        warnings.push(problem);
    }
}

/// A warning for each image of `doc` that is not available, in every format that shows it.
pub fn image_warnings(shown: &Path, doc: &markdown::Doc, warnings: &mut Vec<Problem>) {
    for missing in &doc.missing_images {
        warnings.push(
            Problem::warning(
                shown,
                format!("image `{missing}` was not found in the project; its description is shown instead"),
            )
            .hint(markdown::doc::IMAGE_HINT),
        );
    }
}

/// Renders the template of `job` with `templates`. `date` dates letters.
pub fn render_job(loaded: &Loaded, job: &Job, date: Option<&str>) -> Result<Rendered, Problem> {
    let Loaded { project, templates, editions: compared, qr_codes, .. } = loaded;
    let mut warnings = Vec::new();
    let mut reads = Vec::new();
    let mut ctx = Context::new();
    if let Target::Standalone { html, .. } = job.target {
        if html {
            reads = standalone::html_context(&mut ctx, project, &mut warnings);
        } else {
            standalone::pdf_context(&mut ctx, project, &mut warnings);
        }
        let source = templates.render(job.template, &ctx)?;
        return Ok(Rendered { source, warnings, values: None, reads, fit_key: None });
    }
    let lmc = project
        .lmc
        .as_ref()
        .ok_or_else(|| Problem::error("content/lmc.yaml", "the LMC's details failed to load"))?;
    ctx.insert("lmc", lmc);
    ctx.insert("date", &date);
    let sign_off = project.approval.sign_off_of(job.inputs.iter().map(|p| p.as_ref()));
    ctx.insert("sign_off", &sign_off);
    ctx.insert("draft_notice", DRAFT_NOTICE);
    let mut values = None;
    let mut fit_key = None;
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
                let validity = validity(meta);
                views.push(SectionView {
                    slug: &d.slug,
                    title: &d.title,
                    status: meta.status,
                    reviewed: &meta.reviewed,
                    validity,
                    summary: meta.summary.as_deref(),
                    change_note: meta.change_note.as_deref(),
                    sources: &meta.sources,
                    body: body_typst(&project.root, d, 2, &mut warnings),
                    sign_off: &d.sign_off,
                });
            }
            ctx.insert("sections", &views);
            ctx.insert("brand", &Brand { colour: &lmc.brand_colour, text: &lmc.brand_text });
            ctx.insert("field_data", &field_data::typst_data(&fields::standard_values(lmc, None), &[]));
            ctx.insert("changes", &compared.as_ref().map(|e| editions::changes_view(project, e)));
            ctx.insert("redline", &None::<()>);
        }
        Target::GuideRedline => {
            let view =
                editions::redline_view(project, compared.as_ref().ok_or_else(no_archive)?, &mut warnings);
            ctx.insert("redline", &serde_json::json!({ "since": view.since }));
            ctx.insert("sections", &view.sections);
            ctx.insert("brand", &Brand { colour: &lmc.brand_colour, text: &lmc.brand_text });
            ctx.insert("field_data", &field_data::typst_data(&fields::standard_values(lmc, None), &[]));
            ctx.insert("changes", &compared.as_ref().map(|e| editions::changes_view(project, e)));
        }
        Target::WhatsNew { practice } => {
            let practice = &project.practices[*practice];
            let view = editions::whats_new_view(project, compared.as_ref().ok_or_else(no_archive)?, practice);
            ctx.insert("practice", practice);
            ctx.insert("brand", &Brand { colour: &practice.brand_colour, text: &practice.brand_text });
            ctx.insert(
                "field_data",
                &field_data::typst_data(&fields::standard_values(lmc, Some(practice)), &[]),
            );
            ctx.insert("whats_new", &view);
        }
        Target::GuideHtml => {
            reads = html::insert_guide(&mut ctx, project, compared.as_ref(), lmc, &mut warnings);
        }
        Target::Poster { doc, practice: index, format } => {
            let (doc, practice) = (&project.documents[*doc], &project.practices[*index]);
            let inserted = insert_doc(&mut ctx, project, lmc, doc, practice, None, &mut warnings)?;
            let language = crate::load::translated::view(doc);
            let format_view = format_of(*format);
            let draft = if language.draft { "draft" } else { "checked" };
            let layout = [job.template, format_view.name, language.lang, language.dir, draft];
            fit_key = fits::key(&layout, &inserted.body, &inserted.shown);
            values = Some(inserted.values);
            ctx.insert("lang", &language.lang);
            ctx.insert("dir", &language.dir);
            ctx.insert("draft", &language.draft);
            ctx.insert("language", &language);
            ctx.insert("format", &format_view);
            let qr = qr_codes.of(*index, practice.website.as_deref()).map_err(|e| {
                Problem::error(crate::diag::display_path(&project.root, &practice.path), e)
                    .hint("shorten `website` to the practice's home page")
            })?;
            ctx.insert("qr", qr.as_ref());
        }
        Target::Document { doc, practice } => {
            let (doc, practice) = (&project.documents[*doc], &project.practices[*practice]);
            let body = doc.kind.declaration().practice_copy.as_ref().map(|c| c.body);
            if body == Some(crate::kinds::Body::PlainText) {
                insert_plain_text(&mut ctx, lmc, doc, practice, &mut warnings)?;
            } else {
                values = Some(insert_doc(&mut ctx, project, lmc, doc, practice, None, &mut warnings)?.values);
            }
        }
        Target::Merged { doc, practice, rows } => {
            let (doc, practice) = (&project.documents[*doc], &project.practices[*practice]);
            values =
                Some(insert_doc(&mut ctx, project, lmc, doc, practice, Some(&rows.0), &mut warnings)?.values);
        }
        Target::Pack { .. } => return Err(Problem::error(&job.id, "a pack has no template")),
        Target::Standalone { .. } => unreachable!("rendered above, without an LMC"),
    }
    let source = templates.render(job.template, &ctx)?;
    Ok(Rendered { source, warnings, values, reads, fit_key })
}

/// A guide section's in-force period as the guide shows it after the review date
/// (" · In force from .. until .."), or empty; shared by the PDF and the web page.
pub(crate) fn validity(meta: &GuideSection) -> String {
    in_force(meta.valid_from.as_deref(), meta.valid_until.as_deref())
}

/// " · In force from .. until ..", or empty, for dates already in long form: the guide, the
/// web page and the redline all word it here.
pub(crate) fn in_force(from: Option<&str>, until: Option<&str>) -> String {
    match (from, until) {
        (Some(from), Some(until)) => format!(" · In force from {from} until {until}"),
        (None, Some(until)) => format!(" · In force until {until}"),
        (Some(from), None) => format!(" · In force from {from}"),
        (None, None) => String::new(),
    }
}

/// A document written as plain text with the practice's values filled in (the A&G wording):
/// `body` is the text, in plain ASCII where the kind asks for it.
fn insert_plain_text(
    ctx: &mut Context,
    lmc: &Lmc,
    doc: &Document,
    practice: &Practice,
    warnings: &mut Vec<Problem>,
) -> Result<(), Problem> {
    let values = fields::standard_values(lmc, Some(practice));
    let text = markdown::to_plain_text(doc.body(), &|name| values.get(name).map(|v| v.plain())).map_err(
        |missing| {
            let names: Vec<String> = missing.iter().map(|m| m.name.clone()).collect();
            Problem::error(&doc.shown, format!("no value for {}", names.join(", ")))
                .hint("fill in the practice profile, or remove the placeholder")
        },
    )?;
    ctx.insert("practice", practice);
    ctx.insert("doc", &serde_json::json!({ "slug": doc.slug, "title": doc.title }));
    let text = if doc.kind.declaration().ascii_only {
        let (text, lost) = fields::ascii(&text);
        if !lost.is_empty() {
            warnings.push(
                Problem::warning(
                    &doc.shown,
                    format!("{lost:?} cannot be written in plain ASCII; shown as `?`"),
                )
                .hint("the text is pasted into clinical systems; spell the practice's name in plain letters"),
            );
        }
        text
    } else {
        text
    };
    ctx.insert("body", &text);
    Ok(())
}

/// The plan makes edition jobs only when an archive exists.
fn no_archive() -> Problem {
    Problem::error(crate::editions::EDITIONS_DIR, "no archived edition to compare with")
        .hint("`lmcpress edition new` archives the current edition")
}

/// What [`insert_doc`] put into the context, for the caller's own use.
struct Inserted {
    /// The values the document was made with (for a merge, its first row's).
    values: Values,
    /// The values its `field(..)` calls can show (the template's `field_data`).
    shown: Values,
    /// The body as typst markup.
    body: String,
}

/// Puts a practice's document into `ctx`: its values, fields and body.
fn insert_doc(
    ctx: &mut Context,
    project: &Project,
    lmc: &Lmc,
    doc: &Document,
    practice: &Practice,
    rows: Option<&[Values]>,
    warnings: &mut Vec<Problem>,
) -> Result<Inserted, Problem> {
    let letter = match &doc.kind {
        Kind::Letter(l) => Some(l),
        _ => None,
    };
    let letter_fields = letter.map_or(&[][..], |l| l.fields.as_slice());
    let values_of = |row: Option<&Values>| fields::document_values(lmc, Some(practice), letter, row);
    let all: Vec<Values> = match rows {
        None => vec![values_of(None).map_err(|e| Problem::error(&doc.shown, e))?],
        Some(rows) => rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                values_of(Some(row)).map_err(|e| Problem::error(&doc.shown, format!("letter {}: {e}", i + 1)))
            })
            .collect::<Result<_, Problem>>()?,
    };
    let letters: Vec<String> = all.iter().map(|v| field_data::typst_data(v, letter_fields)).collect();
    let shown = fields::standard_values(lmc, Some(practice));
    ctx.insert("letters", &letters);
    let declared: Vec<&str> = letter_fields.iter().map(|f| f.name.as_str()).collect();
    let has: std::collections::BTreeMap<&str, bool> = declared.iter().map(|n| (*n, true)).collect();
    ctx.insert("practice", practice);
    ctx.insert("has", &has);
    ctx.insert("brand", &Brand { colour: &practice.brand_colour, text: &practice.brand_text });
    ctx.insert("field_data", &field_data::typst_data(&shown, letter_fields));
    let body = body_typst(&project.root, doc, top_level(doc), warnings);
    // The "Re:" line may hold placeholders, which become `#field(..)` calls.
    let subject = match &doc.kind {
        Kind::Letter(l) => l.subject.as_deref().map(markdown::inline_to_typst),
        _ => None,
    };
    ctx.insert("doc", &DocView { slug: &doc.slug, title: &doc.title, kind: &doc.kind, subject, body: &body });
    let values = all.into_iter().next().unwrap_or_else(|| shown.clone());
    Ok(Inserted { values, shown, body })
}
