//! `render` as a plan: the one document of a standalone project, as a PDF or a web page.

use super::{GUIDE_HTML_TEMPLATE, Job, Keep, RENDER_TEMPLATE, Target, formats};
use crate::load::project::Project;

/// One untracked job: the file is made every time it is asked for.
pub fn plan(project: &Project, html: bool) -> Vec<Job> {
    let doc = &project.documents[0];
    let template = if html { GUIDE_HTML_TEMPLATE } else { RENDER_TEMPLATE };
    vec![Job {
        id: doc.slug.clone(),
        target: Target::Standalone { doc: 0, html },
        template,
        outputs: formats::standalone(&doc.slug, html),
        inputs: Vec::new(),
        keep: Keep::Untracked,
        about: super::About {
            title: std::sync::Arc::from(doc.title.as_str()),
            slug: std::sync::Arc::from(doc.slug.as_str()),
            ..super::About::default()
        },
    }]
}
