//! What the page template receives: the page's own details and one view per section, with
//! the status, review date and in-force period worded exactly as in the PDF guide.

use std::path::Path;

use serde::Serialize;
use tera::Context;

use super::convert::{self, Options};
use super::ids::{self, Ids};
use crate::diag::Problem;
use crate::load::config::Lmc;
use crate::load::content::{Document, GuideSection, Kind, Status};
use crate::load::fields;
use crate::load::project::Project;

/// Ids the template gives its own elements; headings never take them.
pub const RESERVED_IDS: [&str; 8] = [
    "top",
    "main-content",
    "contents",
    "contents-title",
    "contact",
    "contact-title",
    "guide-title",
    "whats-changed",
];

/// One line of the page's "What has changed" part: `id` is the changed section's anchor on
/// this page (none for a removed section).
#[derive(Serialize)]
struct ChangeLine {
    title: String,
    id: Option<String>,
    what: String,
    note: Option<String>,
}

#[derive(Serialize)]
pub struct PageView {
    pub title: String,
    pub subtitle: Option<String>,
    /// "2025/26 edition", or empty.
    pub edition: String,
    pub published: Option<String>,
    pub org_name: String,
    pub short_name: String,
    pub brand_colour: String,
    pub brand_text: String,
    pub website: Option<String>,
    /// The website as a link target (a scheme added when the profile leaves it out).
    pub website_href: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
    /// One section on its own (`render --html`): its title is the page's `h1`.
    pub single: bool,
}

#[derive(Serialize)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub status: Option<Status>,
    /// "Current", "Continues", … as the PDF's badge shows it.
    pub status_label: Option<String>,
    pub reviewed: Option<String>,
    /// " · In force from .. until ..", or empty.
    pub validity: String,
    pub summary: Option<String>,
    pub change_note: Option<String>,
    pub sources: Vec<crate::load::content::Source>,
    /// HTML made by lmcpress from the Markdown (the template inserts it with `| safe`).
    pub body: String,
    /// Who approved the section, shown at its end.
    pub sign_off: crate::approval::view::SignOff,
    /// The image files the body embeds: the job's reads, so editing one rebuilds the page.
    #[serde(skip)]
    pub reads: Vec<std::path::PathBuf>,
}

pub fn status_label(status: Status) -> String {
    let name =
        serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let mut chars = name.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The whole guide: every guide section in order. Returns the image files it embeds.
pub fn insert_guide(
    ctx: &mut Context,
    project: &Project,
    compared: Option<&crate::editions::Editions>,
    lmc: &Lmc,
    warnings: &mut Vec<Problem>,
) -> Vec<std::path::PathBuf> {
    let mut sections: Vec<&Document> = project.documents_of("guide-section").collect();
    sections.sort_by_key(|d| match &d.kind {
        Kind::GuideSection(s) => (s.order, d.slug.clone()),
        _ => (0, d.slug.clone()),
    });
    let values = fields::standard_values(lmc, None);
    let resolve = |name: &str| values.get(name).map(|v| v.plain());
    let mut ids = Ids::with_reserved(&RESERVED_IDS);
    let views: Vec<SectionView> =
        sections.iter().map(|d| section_view(&project.root, d, &mut ids, 3, &resolve, warnings)).collect();
    // The same "What has changed" list as the PDF, each line linking to its section here.
    let changes = compared.map(|e| crate::render::editions::changes_view(project, e)).map(|view| {
        let id_of =
            |slug: &str| sections.iter().zip(&views).find(|(d, _)| d.slug == slug).map(|(_, v)| v.id.clone());
        let lines: Vec<ChangeLine> = view
            .items
            .into_iter()
            .map(|c| ChangeLine {
                id: c.slug.as_deref().and_then(id_of),
                title: c.title,
                what: c.what,
                note: c.note,
            })
            .collect();
        serde_json::json!({ "since": view.since, "items": lines })
    });
    ctx.insert("changes", &changes);
    let website_href = lmc.website.as_deref().map(href_of_website);
    let page = PageView {
        title: lmc.guide.title.clone(),
        subtitle: lmc.guide.subtitle.clone(),
        edition: format!("{} edition", lmc.edition),
        published: Some(lmc.guide.published.clone()),
        org_name: lmc.name.clone(),
        short_name: lmc.short_name.clone(),
        brand_colour: lmc.brand_colour.clone(),
        brand_text: lmc.brand_text.clone(),
        website: lmc.website.clone(),
        website_href,
        email: lmc.email.clone(),
        phone: lmc.phone.clone(),
        address: lmc.address.clone(),
        single: false,
    };
    ctx.insert("page", &page);
    ctx.insert("sections", &views);
    views.into_iter().flat_map(|v| v.reads).collect()
}

/// One document as a section of the page. Its body's top headings are `h{top_level}`.
pub fn section_view(
    root: &Path,
    doc: &Document,
    ids: &mut Ids,
    top_level: u8,
    resolve: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<Problem>,
) -> SectionView {
    let id = ids.claim(ids::section_base(&doc.slug), "");
    let dir = doc.path.parent().unwrap_or(root);
    let image = |dest: &str| crate::markdown::doc::confine_image(root, dir, dest);
    let (body, converted) =
        convert::to_html(doc.body(), ids, &Options { top_level, scope: &id }, resolve, &image);
    crate::render::image_warnings(&doc.shown, &body, warnings);
    let reads = body.assets.iter().map(|a| root.join(a.rooted.trim_start_matches('/'))).collect();
    let meta: Option<&GuideSection> = match &doc.kind {
        Kind::GuideSection(s) => Some(s),
        _ => None,
    };
    SectionView {
        id,
        title: doc.title.clone(),
        status: meta.map(|m| m.status),
        status_label: meta.map(|m| status_label(m.status)),
        reviewed: meta.map(|m| m.reviewed.clone()),
        validity: meta.map(crate::render::validity).unwrap_or_default(),
        summary: meta.and_then(|m| m.summary.clone()),
        change_note: meta.and_then(|m| m.change_note.clone()),
        sources: meta.map(|m| m.sources.clone()).unwrap_or_default(),
        body: converted.html,
        sign_off: doc.sign_off.clone(),
        reads,
    }
}

pub(crate) fn href_of_website(site: &str) -> String {
    if site.contains("://") { site.to_string() } else { format!("https://{site}") }
}
