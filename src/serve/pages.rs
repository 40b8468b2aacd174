//! The server's own pages: tera templates from `src/serve/assets/` (named `.html`, not `.tera`, so the
//! document loader leaves them alone), built into the binary (they
//! are lmcpress's interface, not the project's documents) and HTML-escaped throughout.

use tera::{Context, Tera};

const TEMPLATES: [(&str, &str); 14] = [
    ("base.html", include_str!("assets/base.html")),
    ("index.html", include_str!("assets/index.html")),
    ("practice.html", include_str!("assets/practice.html")),
    ("downloads.html", include_str!("assets/downloads.html")),
    ("profile.html", include_str!("assets/profile.html")),
    ("message.html", include_str!("assets/message.html")),
    ("content_list.html", include_str!("assets/content_list.html")),
    ("content_edit.html", include_str!("assets/content_edit.html")),
    ("content_preview.html", include_str!("assets/content_preview.html")),
    ("content_history.html", include_str!("assets/content_history.html")),
    ("diff_table.html", include_str!("assets/diff_table.html")),
    ("review_list.html", include_str!("assets/review_list.html")),
    ("review.html", include_str!("assets/review.html")),
    ("help.html", include_str!("assets/help.html")),
];

pub const CSS: &str = include_str!("assets/serve.css");
pub const JS: &str = include_str!("assets/serve.js");
pub const EDITOR_JS: &str = include_str!("assets/editor.js");

pub struct Pages {
    tera: Tera,
}

impl Pages {
    pub fn new() -> anyhow::Result<Pages> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        tera.add_raw_templates(TEMPLATES)
            .map_err(|e| anyhow::anyhow!("failed to load the server's pages: {e}"))?;
        Ok(Pages { tera })
    }

    pub fn render(&self, name: &str, context: &Context) -> String {
        self.tera.render(name, context).unwrap_or_else(|e| {
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                why.push_str(&format!(": {s}"));
                source = s.source();
            }
            // A template bug is ours, not the user's: say so without echoing any data.
            format!(
                "<!doctype html><html lang=\"en-GB\"><title>Error</title><main><h1>Page failed</h1><p>{}</p></main></html>",
                why.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_load_and_escape() {
        let pages = Pages::new().unwrap();
        let mut ctx = Context::new();
        ctx.insert("title", "<script>alert(1)</script>");
        ctx.insert("heading", "x");
        ctx.insert("message", "y");
        ctx.insert("lmc_name", "LMC");
        ctx.insert("problems", &Vec::<String>::new());
        ctx.insert("ods", "");
        let html = pages.render("message.html", &ctx);
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>alert"), "{html}");
    }
}
