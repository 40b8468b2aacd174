//! `lmcpress render --html FILE.md`: one Markdown file as a web page in the guide's style,
//! without a project.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Context;

use super::ids::Ids;
use super::page::{PageView, RESERVED_IDS, section_view};
use crate::diag::Problem;
use crate::render::templates::Templates;
use crate::write::write_atomic;

const PAGE: &str = include_str!("../../../templates/guide.html.tera");

pub struct Rendered {
    pub written: PathBuf,
    pub warnings: Vec<Problem>,
}

/// Writes `file` as `NAME.html` into `out_dir` (or beside it). A guide section's front
/// matter gives the title, status badge and review date; without front matter the file's
/// name is the title.
pub fn render_file(file: &Path, out_dir: Option<&Path>) -> Result<Rendered, Vec<Problem>> {
    let crate::standalone::Opened { shown, dir, root, stem, doc } = crate::standalone::open(file)?;
    let fail = |msg: String| vec![Problem::error(&shown, msg)];

    let mut warnings = Vec::new();
    let mut ids = Ids::with_reserved(&RESERVED_IDS);
    // Without a project there are no values: placeholders show as written.
    let section = section_view(&root, &doc, &mut ids, 2, &|_| None, &mut warnings);
    let page = PageView {
        title: doc.title.clone(),
        subtitle: None,
        edition: String::new(),
        published: None,
        org_name: String::new(),
        short_name: String::new(),
        brand_colour: "#005EB8".into(),
        brand_text: "#FFFFFF".into(),
        website: None,
        website_href: None,
        email: None,
        phone: None,
        address: Vec::new(),
        single: true,
    };
    let sources = BTreeMap::from([(
        super::GUIDE_HTML_TEMPLATE.to_string(),
        (PathBuf::from("templates/guide.html.tera"), PAGE.to_string()),
    )]);
    let (templates, problems) = Templates::from_sources(&root, sources);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut ctx = Context::new();
    ctx.insert("page", &page);
    ctx.insert("sections", &[section]);
    let html = templates.render(super::GUIDE_HTML_TEMPLATE, &ctx).map_err(|p| vec![p])?;
    let out_dir = out_dir.map(Path::to_path_buf).unwrap_or(dir);
    let path = out_dir.join(format!("{stem}.html"));
    write_atomic(&path, html.as_bytes(), false).map_err(|e| fail(format!("{e:#}")))?;
    Ok(Rendered { written: path, warnings })
}
