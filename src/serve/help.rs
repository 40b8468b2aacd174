//! The documentation the editor points to, served from the binary: `docs/content-format.md`
//! as it was when lmcpress was built, made into a page by the same Markdown → HTML path as the
//! web guide. A project made by `init` has no `docs/` folder, and the installed program and
//! its documentation then always agree.

use std::sync::LazyLock;

use axum::extract::{Path as UrlPath, State};
use axum::response::Response;

use super::app::{Shared, html, not_found};
use crate::access::Access;
use crate::render::html::{Options, ids::Ids, to_html};

/// The documents served under `/help/`: the name in the address, the page title and the text.
const DOCS: [(&str, &str, &str); 1] =
    [("content-format", "Content format", include_str!("../../docs/content-format.md"))];

/// Each document's body as HTML, made once per process.
static PAGES: LazyLock<Vec<(&'static str, &'static str, String)>> = LazyLock::new(|| {
    DOCS.iter()
        .map(|(name, title, md)| {
            let mut ids = Ids::with_reserved(&["main", "live", "problems-h"]);
            let opts = Options { top_level: 1, scope: name };
            // Placeholders here are shown as written: they are what the page teaches.
            let (_, converted) = to_html(md, &mut ids, &opts, &|_| None, &|_| None);
            (*name, *title, converted.html)
        })
        .collect()
});

pub(super) async fn page(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    UrlPath(name): UrlPath<String>,
) -> Response {
    let Some((_, title, body)) = PAGES.iter().find(|(n, _, _)| *n == name) else { return not_found(&app) };
    let mut ctx = app.context(title, &scope);
    ctx.insert("body", body);
    ctx.insert("problems", &Vec::<String>::new());
    html(app.pages.render("help.html", &ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_format_is_a_page_that_shows_placeholders_as_written() {
        let (_, _, body) = PAGES.iter().find(|(n, _, _)| *n == "content-format").unwrap();
        assert!(body.contains("<h1"), "{body}");
        assert!(body.contains("lmc.yaml"), "{body}");
        assert!(body.contains("{{ practice.name }}"), "placeholders must stay as written");
        assert!(!body.contains("<script"), "{body}");
    }
}
