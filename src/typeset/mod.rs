//! Typesetting: typst source in, PDF / PNG out. Knows nothing of profiles or content.

mod fonts;
pub mod png;
mod world;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::layout::{Frame, FrameItem};
use typst::syntax::VirtualRoot;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::Problem;
pub use fonts::covers;
pub use world::LmcWorld;

/// What the caller hands to typst: a source string and where its files may come from.
pub struct Input<'a> {
    /// The project root: the only folder typst may read from.
    pub root: &'a Path,
    pub source: String,
    /// How problems in the generated source are labelled (for example the template's name).
    pub source_name: String,
    pub today: Option<Datetime>,
}

pub struct Compiled {
    pub document: PagedDocument,
    /// The generated source, so that export errors can point into it too.
    pub main: typst::syntax::Source,
    /// Files (logos, images) the compile read, as real paths inside the root.
    pub files_read: Vec<PathBuf>,
    pub warnings: Vec<Problem>,
}

/// Compiles `input` to pages. Errors come back as problems with file, line and column.
pub fn compile(input: Input<'_>) -> Result<Compiled, Vec<Problem>> {
    let world = LmcWorld::new(input.root, input.source, input.today);
    let warned = typst::compile::<PagedDocument>(&world);
    let to_problems = |diags: &[SourceDiagnostic]| -> Vec<Problem> {
        diags.iter().map(|d| to_problem(&world, input.root, &input.source_name, d)).collect()
    };
    let warnings = to_problems(&warned.warnings);
    match warned.output {
        Ok(document) => Ok(Compiled {
            document,
            main: world.main_source().clone(),
            files_read: world.files_read(),
            warnings,
        }),
        Err(errors) => Err(to_problems(&errors)),
    }
}

fn to_problem(world: &LmcWorld, root: &Path, source_name: &str, d: &SourceDiagnostic) -> Problem {
    let mut problem = match d.severity {
        TypstSeverity::Error => Problem::error(source_name, d.message.to_string()),
        TypstSeverity::Warning => Problem::warning(source_name, d.message.to_string()),
    };
    if let (Some(id), Some(range)) = (d.span.id(), world.range(d.span)) {
        if id == world.main_source().id() {
            let text: Arc<str> = Arc::from(world.main_source().text());
            problem = problem.at(&text, range);
        } else if matches!(id.root(), VirtualRoot::Project)
            && let Ok(path) = id.vpath().realize(root)
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            problem.file = crate::diag::display_path(root, &path);
            problem = problem.at(&Arc::from(text), range);
        }
    }
    for point in &d.trace {
        let at = world.range(point.span).zip(point.span.id()).map(|(range, id)| {
            let (name, text) = if id == world.main_source().id() {
                (source_name.to_string(), Some(world.main_source().text().to_string()))
            } else {
                let real = id.vpath().realize(root).ok();
                let name = real.as_ref().map_or_else(
                    || id.vpath().get_without_slash().to_string(),
                    |p| crate::diag::display_path(root, p).display().to_string(),
                );
                (name, real.and_then(|p| std::fs::read_to_string(p).ok()))
            };
            match text {
                Some(text) => format!("{name}:{}", crate::diag::line_col(&text, range.start).0),
                None => name,
            }
        });
        problem = problem.note(match at {
            Some(at) => format!("{} ({at})", point.v),
            None => point.v.to_string(),
        });
    }
    // typst-cli's advice to widen the root does not apply: confinement is deliberate here.
    for hint in d.hints.iter().filter(|h| !h.v.contains("--root")) {
        problem = problem.hint(hint.v.to_string());
    }
    problem
}

/// Where `span` lies in `main`, when it points there.
fn main_range(main: &typst::syntax::Source, span: typst::syntax::DiagSpan) -> Option<std::ops::Range<usize>> {
    match span.get() {
        typst::syntax::DiagSpanKind::Number { id, num, sub_range } if id == main.id() => {
            main.range(num, sub_range)
        }
        typst::syntax::DiagSpanKind::Range { id, range } if id == main.id() => Some(range),
        _ => None,
    }
}

/// Exports a tagged PDF that passes typst's PDF/UA-1 checks. `ident` must be stable and
/// unique per document (its output path): it seeds the PDF's /ID, so documents that share a
/// title and author still get different IDs, and rebuilding gives the same bytes.
pub fn pdf(
    compiled: &Compiled,
    ident: &str,
    date: Option<Datetime>,
    source_name: &str,
) -> Result<Vec<u8>, Vec<Problem>> {
    let standards = PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| {
        vec![Problem::error(source_name, format!("failed to configure PDF/UA-1: {}", e.message()))]
    })?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("lmcpress {}", env!("CARGO_PKG_VERSION")))),
        timestamp: date.map(Timestamp::new_utc),
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&compiled.document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|d| {
                let mut p = Problem::error(source_name, format!("PDF export: {}", d.message));
                if let Some(range) = main_range(&compiled.main, d.span) {
                    p = p.at(&Arc::from(compiled.main.text()), range);
                }
                for hint in &d.hints {
                    p = p.hint(hint.v.to_string());
                }
                p
            })
            .collect()
    })
}

/// Renders one page to PNG at `pixel_per_pt` (150 dpi is 150/72).
pub fn png(document: &PagedDocument, page: usize, pixel_per_pt: f64) -> anyhow::Result<Vec<u8>> {
    let page =
        document.pages().get(page).ok_or_else(|| anyhow::anyhow!("document has no page {}", page + 1))?;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(pixel_per_pt),
        render_bleed: false,
    };
    let opaque = match page.fill_or_white() {
        Some(typst::visualize::Paint::Solid(color)) => color.alpha().is_none_or(|a| a >= 1.0),
        _ => false,
    };
    let start = std::time::Instant::now();
    let pixmap = typst_render::render(page, &options);
    crate::timings::add(crate::timings::Work::Raster, start);
    crate::typeset::png::encode(&pixmap, opaque)
}

/// Where each element whose label starts with `prefix` lies, in document order: its label
/// without the prefix, its page (0-based) and its distance from the page's top in points.
/// Previews use it to show only the pages of one guide section.
pub fn labelled(document: &PagedDocument, prefix: &str) -> Vec<(String, usize, f64)> {
    let intro = document.introspector();
    let mut found: Vec<(String, usize, f64)> = intro
        .elements()
        .query_labelled()
        .iter()
        .filter_map(|elem| {
            let name = elem.label()?.resolve().to_string();
            let rest = name.strip_prefix(prefix)?.to_string();
            let at = intro.position(elem.location()?)?;
            Some((rest, at.page.get() - 1, at.point.y.to_pt()))
        })
        .collect();
    found.sort_by(|a, b| (a.1, a.2).partial_cmp(&(b.1, b.2)).unwrap_or(std::cmp::Ordering::Equal));
    found
}

/// The value of each `metadata` element labelled `label`, as JSON (typst's
/// own serialisation: dictionaries become objects, integers and floats numbers).
pub fn metadata(document: &PagedDocument, label: &str) -> Vec<serde_json::Value> {
    let Some(label) = typst::foundations::Label::new(typst::utils::PicoStr::intern(label)) else {
        return Vec::new();
    };
    document
        .introspector()
        .elements()
        .query_labelled()
        .iter()
        .filter(|content| content.label() == Some(label))
        .filter_map(|content| content.to_packed::<typst::introspection::MetadataElem>())
        .filter_map(|meta| serde_json::to_value(&meta.value).ok())
        .collect()
}

/// The visible text of every page, in reading order, for tests and checks.
pub fn plain_text(document: &PagedDocument) -> String {
    let mut out = String::new();
    for page in document.pages() {
        collect_text(&page.frame, &mut out);
        out.push('\n');
    }
    out
}

fn collect_text(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => collect_text(&group.frame, out),
            FrameItem::Text(text) => {
                out.push_str(&text.text);
                out.push(' ');
            }
            _ => {}
        }
    }
}

/// A calendar date as typst's `datetime`.
pub fn datetime(date: time::Date) -> Datetime {
    Datetime::Date(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile_str(root: &Path, source: &str) -> Result<Compiled, Vec<Problem>> {
        compile(Input { root, source: source.to_string(), source_name: "test.typ".into(), today: None })
    }

    #[test]
    fn compiles_and_extracts_text() {
        let dir = tempfile::tempdir().unwrap();
        let doc =
            compile_str(dir.path(), "#set text(font: \"Liberation Sans\")\nHello *there*").unwrap().document;
        assert_eq!(doc.pages().len(), 1);
        let text = plain_text(&doc);
        assert!(text.contains("Hello") && text.contains("there"), "{text}");
    }

    #[test]
    fn reads_outside_the_root_fail() {
        let dir = tempfile::tempdir().unwrap();
        for source in [
            "#read(\"/etc/passwd\")",
            "#read(\"../../../../../../etc/passwd\")",
            "#import \"@preview/cetz:0.3.0\"",
        ] {
            let errors = compile_str(dir.path(), source).err().expect(source);
            assert!(!errors.is_empty(), "{source}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leaving_the_root_fail() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "top secret").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("s.txt")).unwrap();
        std::fs::write(dir.path().join("ok.txt"), "fine").unwrap();
        assert!(compile_str(dir.path(), "#read(\"/ok.txt\")").is_ok());
        let errors = compile_str(dir.path(), "#read(\"/s.txt\")").err().unwrap();
        assert!(errors[0].message.contains("denied"), "{}", errors[0].message);
    }

    #[test]
    fn errors_point_into_the_generated_source() {
        let dir = tempfile::tempdir().unwrap();
        let errors = compile_str(dir.path(), "ok\n#nonexistent-function()").err().unwrap();
        assert_eq!(errors[0].line_col(), Some((2, 2)));
        assert!(errors[0].render().contains("test.typ:2:2"), "{}", errors[0].render());
    }

    #[test]
    fn pdf_is_reproducible_and_ids_differ_per_ident() {
        let dir = tempfile::tempdir().unwrap();
        let src = "#set document(title: \"T\")\n#set text(lang: \"en\", region: \"GB\")\nHi";
        let doc = compile_str(dir.path(), src).unwrap();
        let a = pdf(&doc, "a.pdf", None, "t").unwrap();
        let b = pdf(&compile_str(dir.path(), src).unwrap(), "a.pdf", None, "t").unwrap();
        let c = pdf(&doc, "c.pdf", None, "t").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with(b"%PDF-"));
    }

    #[test]
    fn pdf_ua_requires_a_title() {
        let dir = tempfile::tempdir().unwrap();
        let doc = compile_str(dir.path(), "Hi").unwrap();
        assert!(pdf(&doc, "x", None, "t").is_err());
    }

    #[test]
    fn png_has_the_requested_size() {
        let dir = tempfile::tempdir().unwrap();
        let doc = compile_str(dir.path(), "#set page(width: 540pt, height: 675pt)\nHi").unwrap().document;
        let bytes = png(&doc, 0, 2.0).unwrap();
        let (w, h) = crate::typeset::png::dimensions(&bytes).unwrap();
        assert_eq!((w, h), (1080, 1350));
    }

    #[test]
    fn only_pages_without_a_solid_background_keep_an_alpha_channel() {
        let dir = tempfile::tempdir().unwrap();
        let colour_type = |src: &str| {
            let doc = compile_str(dir.path(), src).unwrap().document;
            let bytes = png(&doc, 0, 1.0).unwrap();
            // The colour type is the 26th byte of a PNG (in the IHDR chunk): 2 RGB, 6 RGBA.
            bytes[25]
        };
        assert_eq!(colour_type("#set page(width: 20pt, height: 20pt)\nHi"), 2);
        assert_eq!(colour_type("#set page(width: 20pt, height: 20pt, fill: rgb(0, 94, 184))\nHi"), 2);
        assert_eq!(colour_type("#set page(width: 20pt, height: 20pt, fill: none)\nHi"), 6);
        assert_eq!(colour_type("#set page(width: 20pt, height: 20pt, fill: rgb(0, 0, 0, 50%))\nHi"), 6);
    }
}
