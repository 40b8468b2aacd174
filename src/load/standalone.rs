//! A Markdown file opened on its own, outside any project (`lmcpress render`), as a project
//! of one document: the plan and build stages then treat it like any other.

use std::path::{Path, PathBuf};

use crate::diag::Problem;
use crate::load::content;
use crate::load::project::Project;

/// A Markdown file opened on its own, outside any project.
pub struct Opened {
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
pub fn open(file: &Path) -> Result<Opened, Vec<Problem>> {
    let shown = file.to_path_buf();
    let fail = |msg: String| vec![Problem::error(&shown, msg)];
    let real = file.canonicalize().map_err(|e| fail(format!("failed to read `{}`: {e}", shown.display())))?;
    let dir = real.parent().unwrap_or(Path::new("/")).to_path_buf();
    let root = std::env::current_dir()
        .ok()
        .and_then(|cwd| cwd.canonicalize().ok())
        .filter(|cwd| real.starts_with(cwd))
        .unwrap_or_else(|| dir.clone());
    let text =
        super::text::read(&real).map_err(|e| fail(format!("failed to read `{}`: {e}", shown.display())))?;
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
            kind: content::Kind::AgDisclaimer(Default::default()),
            path: real,
            shown: shown.clone(),
            text: text.into(),
            body_start: 0,
            sign_off: crate::approval::view::SignOff::NotRequired,
        }
    };
    Ok(Opened { shown, dir, root, stem, doc })
}

impl Project {
    /// A project of the one file `opened`: no LMC, no practices. Its root is the folder
    /// images may come from.
    pub fn standalone(opened: &Opened) -> Project {
        let mut doc = opened.doc.clone();
        doc.slug = opened.stem.clone();
        Project {
            root: opened.root.clone(),
            lmc: None,
            practices: Vec::new(),
            documents: vec![doc],
            problems: Vec::new(),
            broken_inputs: Vec::new(),
            approval: std::sync::Arc::new(crate::approval::view::View::none()),
        }
    }
}
