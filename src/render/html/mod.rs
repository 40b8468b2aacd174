//! The guide as a self-contained web page: each section's [`crate::markdown::Doc`] → HTML with
//! stable ids, notes linked both ways and tables with header cells, laid out by the theme's
//! `guide.html.tera` (a project's `templates/` may override it; tera, autoescaped for HTML).
//! A text output of the plan, so it skips typst; the images it embeds are its job's reads.

mod convert;
pub mod escape;
pub mod ids;
mod page;

#[cfg(test)]
mod tests;

pub use convert::{Converted, Options, doc_to_html, to_html};
pub use page::{PageView, RESERVED_IDS, insert_guide, section_view, status_label};

pub use crate::plan::GUIDE_HTML_TEMPLATE;
