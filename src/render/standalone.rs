//! Standalone Markdown files (`lmcpress render`): their templates ship inside the binary,
//! and their pages carry the house style without an LMC or a practice.

use tera::Context;

use super::html::ids::Ids;
use super::html::{PageView, RESERVED_IDS, section_view};
use super::templates::Templates;
use crate::diag::Problem;
use crate::load::config::DEFAULT_BRAND;
use crate::load::fields;
use crate::load::project::Project;

/// The template of a standalone PDF.
pub use crate::plan::RENDER_TEMPLATE as PDF_TEMPLATE;

/// The templates `render` uses: the built-in theme's, as a standalone file has no project.
pub fn templates(project: &Project) -> (Templates, Vec<Problem>) {
    Templates::built_in(&project.root)
}

/// The context of a standalone PDF: the body in the house colours.
pub fn pdf_context(ctx: &mut Context, project: &Project, warnings: &mut Vec<Problem>) {
    let doc = &project.documents[0];
    let markup = super::body_typst(&project.root, doc, 2, warnings);
    let (colour, text) = DEFAULT_BRAND;
    ctx.insert("brand", &serde_json::json!({ "colour": colour, "text": text }));
    ctx.insert("field_data", &super::field_data::typst_data(&fields::Values::new(), &[]));
    ctx.insert("doc", &serde_json::json!({ "title": doc.title, "body": markup }));
}

/// The context of a standalone web page. A guide section's front matter gives the title,
/// status badge and review date; without front matter the file's name is the title. Returns
/// the image files it embeds.
pub fn html_context(
    ctx: &mut Context,
    project: &Project,
    warnings: &mut Vec<Problem>,
) -> Vec<std::path::PathBuf> {
    let doc = &project.documents[0];
    let mut ids = Ids::with_reserved(&RESERVED_IDS);
    // Without a project there are no values: placeholders show as written.
    let section = section_view(&project.root, doc, &mut ids, 2, &|_| None, warnings);
    let (colour, text) = DEFAULT_BRAND;
    let page = PageView {
        title: doc.title.clone(),
        subtitle: None,
        edition: String::new(),
        published: None,
        org_name: String::new(),
        short_name: String::new(),
        brand_colour: colour.into(),
        brand_text: text.into(),
        website: None,
        website_href: None,
        email: None,
        phone: None,
        address: Vec::new(),
        single: true,
    };
    ctx.insert("page", &page);
    let reads = section.reads.clone();
    ctx.insert("sections", &[section]);
    reads
}
