//! `lmcpress render`: one Markdown file typeset in the house style, without a project.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Context;

use crate::diag::Problem;
use crate::load::content;
use crate::load::fields;
use crate::render::templates::Templates;
use crate::typeset;
use crate::write::write_atomic;

const BASE: &str = include_str!("../templates/partials/base.typ.tera");
const PAGE: &str = include_str!("../templates/render.typ.tera");

pub struct Rendered {
    pub written: PathBuf,
    pub warnings: Vec<Problem>,
}

/// A Markdown file opened on its own, outside any project.
pub(crate) struct Opened {
    /// The path as the user gave it, for messages.
    pub shown: PathBuf,
    /// The folder that holds it.
    pub dir: PathBuf,
    /// The folder images may come from: the current folder when the file is inside it.
    pub root: PathBuf,
    /// The file's name without its extension.
    pub stem: String,
    /// With front matter, the document it declares; without, a document titled by the file's
    /// name (kind `ag-disclaimer`, the kind with no metadata).
    pub doc: content::Document,
}

/// Reads `file` for `render`, as a PDF or as a web page.
pub(crate) fn open(file: &Path) -> Result<Opened, Vec<Problem>> {
    let shown = file.to_path_buf();
    let fail = |msg: String| vec![Problem::error(&shown, msg)];
    let real = file.canonicalize().map_err(|e| fail(format!("failed to read `{}`: {e}", shown.display())))?;
    let dir = real.parent().unwrap_or(Path::new("/")).to_path_buf();
    let root = std::env::current_dir()
        .ok()
        .and_then(|cwd| cwd.canonicalize().ok())
        .filter(|cwd| real.starts_with(cwd))
        .unwrap_or_else(|| dir.clone());
    let text = std::fs::read_to_string(&real)
        .map_err(|e| fail(format!("failed to read `{}`: {e}", shown.display())))?;
    let stem =
        real.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "document".into());
    let doc = if text.starts_with("---") {
        let mut doc = content::load_document(&root, &real).map_err(|problems| {
            problems
                .into_iter()
                .map(|mut p| {
                    p.file = shown.clone();
                    p
                })
                .collect::<Vec<_>>()
        })?;
        doc.shown = shown.clone();
        doc
    } else {
        content::Document {
            slug: stem.clone(),
            title: stem.clone(),
            kind: content::Kind::AgDisclaimer,
            path: real,
            shown: shown.clone(),
            text: text.into(),
            body_start: 0,
        }
    };
    Ok(Opened { shown, dir, root, stem, doc })
}

/// Typesets `file` into `out_dir` (or beside it) as `NAME.pdf`.
pub fn render_file(file: &Path, out_dir: Option<&Path>, emit_typst: bool) -> Result<Rendered, Vec<Problem>> {
    let Opened { shown, dir, root, stem, doc } = open(file)?;
    let fail = |msg: String| vec![Problem::error(&shown, msg)];
    let (title, text, body_start) = (doc.title.clone(), doc.text.clone(), doc.body_start);

    let mut warnings = Vec::new();
    let markup = crate::render::markdown_typst(&root, &dir, &shown, (&text, body_start), 2, &mut warnings);
    let sources = BTreeMap::from([
        (
            "partials/base.typ.tera".to_string(),
            (PathBuf::from("templates/partials/base.typ.tera"), BASE.to_string()),
        ),
        ("render.typ.tera".to_string(), (PathBuf::from("templates/render.typ.tera"), PAGE.to_string())),
    ]);
    let (templates, problems) = Templates::from_sources(&root, sources);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut ctx = Context::new();
    ctx.insert("brand", &serde_json::json!({ "colour": "#005EB8", "text": "#FFFFFF" }));
    ctx.insert("field_data", &fields::typst_data(&fields::Values::new(), &[]));
    ctx.insert("doc", &serde_json::json!({ "title": title, "body": markup }));
    let source = templates.render("render.typ.tera", &ctx).map_err(|p| vec![p])?;

    let out_dir = out_dir.map(Path::to_path_buf).unwrap_or(dir);
    let pdf_path = out_dir.join(format!("{stem}.pdf"));
    if emit_typst {
        write_atomic(&pdf_path.with_extension("typ"), source.as_bytes(), false)
            .map_err(|e| fail(format!("{e:#}")))?;
    }
    let mut compiled = typeset::compile(typeset::Input {
        root: &root,
        source,
        source_name: format!("{} (generated typst)", shown.display()),
        today: typeset::source_date(),
    })?;
    warnings.extend(std::mem::take(&mut compiled.warnings));
    let pdf = typeset::pdf(
        &compiled,
        &pdf_path.to_string_lossy(),
        typeset::source_date(),
        &shown.to_string_lossy(),
    )?;
    write_atomic(&pdf_path, &pdf, false).map_err(|e| fail(format!("{e:#}")))?;
    Ok(Rendered { written: pdf_path, warnings })
}
