//! Reading PDFs in tests without any system program: hayro (already in typst's dependency
//! tree) parses the file and interprets each page's content stream; the glyphs' Unicode
//! mappings give the text, grouped into lines by baseline and ordered left to right.

use std::path::Path;

use hayro_cmap::BfString;
use hayro_interpret::font::Glyph;
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache, InterpreterSettings, Paint,
    PathDrawMode, SoftMask, interpret_page,
};
use hayro_syntax::Pdf;
use hayro_syntax::object::{Dict, String as PdfString};
use kurbo::{Affine, BezPath, Point, Rect, Shape};

/// What the tests ask of a PDF.
#[derive(Debug)]
pub struct PdfFacts {
    pub pages: usize,
    /// Width and height of each page in points.
    pub sizes: Vec<(f64, f64)>,
    pub title: Option<String>,
    /// The document's description (what `set document(description:)` gives).
    pub subject: Option<String>,
    pub lang: Option<String>,
    /// The catalog marks the file as tagged (`/MarkInfo << /Marked true >>`).
    pub tagged: bool,
    /// Each page's text: lines top to bottom, glyphs left to right (visual order).
    pub text: Vec<String>,
}

pub fn read(path: &Path) -> PdfFacts {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("failed to read {}: {e}", path.display()));
    let pdf = Pdf::new(data).unwrap_or_else(|e| panic!("{} is not a readable PDF: {e:?}", path.display()));
    let catalog: Dict<'_> = pdf.xref().get(pdf.xref().root_id()).expect("a PDF has a catalog");
    let lang = catalog.get::<PdfString<'_>>(b"Lang".as_slice()).map(|s| decode(s.as_bytes()));
    let tagged = catalog
        .get::<Dict<'_>>(b"MarkInfo".as_slice())
        .and_then(|m| m.get::<bool>(b"Marked".as_slice()))
        .unwrap_or(false);
    let title = pdf.metadata().title.as_deref().map(decode);
    let subject = pdf.metadata().subject.as_deref().map(decode);
    let cache = InterpreterCache::new();
    let mut sizes = Vec::new();
    let mut text = Vec::new();
    for page in pdf.pages().iter() {
        let media = page.media_box();
        sizes.push((media.width(), media.height()));
        let mut context = Context::new(
            Affine::IDENTITY,
            Rect::new(0.0, 0.0, 1.0, 1.0),
            &cache,
            pdf.xref(),
            InterpreterSettings::default(),
        );
        let mut glyphs = Glyphs::default();
        interpret_page(page, &mut context, &mut glyphs);
        text.push(glyphs.into_text());
    }
    PdfFacts { pages: sizes.len(), sizes, title, subject, lang, tagged, text }
}

/// All pages' text, pages separated by a blank line.
pub fn text(path: &Path) -> String {
    read(path).text.join("\n\n")
}

/// PDF text strings are UTF-16BE with a byte-order mark, or PDFDocEncoding (ASCII here).
fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

struct Placed {
    x: f64,
    /// Where the glyph's ink ends on the right (its origin for blank glyphs).
    end: f64,
    /// Baseline height (PDF user space grows upwards).
    y: f64,
    /// Font size in points.
    size: f64,
    text: String,
}

#[derive(Default)]
struct Glyphs(Vec<Placed>);

impl Glyphs {
    fn into_text(mut self) -> String {
        // Top to bottom, then left to right; glyphs within a third of their size of a
        // baseline share its line.
        self.0.sort_by(|a, b| b.y.total_cmp(&a.y));
        let mut lines: Vec<Vec<Placed>> = Vec::new();
        for g in self.0 {
            match lines.last_mut() {
                Some(line) if (line[0].y - g.y).abs() < line[0].size.max(g.size) / 3.0 => line.push(g),
                _ => lines.push(vec![g]),
            }
        }
        let mut out = String::new();
        for mut line in lines {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut end: Option<f64> = None;
            for g in &line {
                // typst draws spaces as glyphs; a wider gap (table cells, tab stops) reads
                // as one too.
                if end.is_some_and(|e| g.x - e > g.size * 0.45) && !out.ends_with(' ') {
                    out.push(' ');
                }
                out.push_str(&g.text);
                end = Some(g.end.max(g.x));
            }
            out.push('\n');
        }
        out
    }
}

impl Device<'_> for Glyphs {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'_>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'_>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'_>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'_>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'_>,
        _: &GlyphDrawMode,
    ) {
        let text = match glyph.as_unicode() {
            Some(BfString::Char(c)) => c.to_string(),
            Some(BfString::String(s)) => s,
            None => '\u{FFFD}'.to_string(),
        };
        let full = transform * glyph_transform;
        let origin = full * Point::ORIGIN;
        // hayro's glyph space has 1000 units to the em.
        let size = (full.as_coeffs()[3].abs() * 1000.0).max(0.1);
        let end = match glyph {
            Glyph::Outline(outline) => {
                let ink = (full * outline.outline()).bounding_box();
                if ink.width() > 0.0 { ink.x1 } else { origin.x }
            }
            Glyph::Type3(_) => origin.x + size * 0.5,
        };
        self.0.push(Placed { x: origin.x, end, y: origin.y, size, text });
    }
    fn draw_image(&mut self, _: Image<'_, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}
