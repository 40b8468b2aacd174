//! The files each kind of document becomes, declared once: the project's plan, a mail merge
//! and `render` all take their outputs from here.

use std::path::{Path, PathBuf};

use super::{Output, OutputKind, POSTER_TEMPLATE, PosterFormat, Role, SOCIAL_TEMPLATE};

/// 150 dpi.
pub const A4_PNG_PPP: f64 = 150.0 / 72.0;
/// Social images are 540 pt wide pages rendered at 2 px/pt: 1080 px.
pub const SOCIAL_PPP: f64 = 2.0;

fn out(rel: PathBuf, kind: OutputKind, role: Role) -> Output {
    Output { rel, kind, role }
}

/// `guide/SLUG.pdf`.
pub fn guide_pdf(slug: &str) -> Vec<Output> {
    vec![out(format!("guide/{slug}.pdf").into(), OutputKind::Pdf, Role::GuidePdf)]
}

/// `guide/SLUG.html`: the same guide as one self-contained web page (text, no typst).
pub fn guide_html(slug: &str) -> Vec<Output> {
    vec![out(format!("guide/{slug}.html").into(), OutputKind::Text, Role::GuideWeb)]
}

/// `guide/SLUG-changes.pdf`: the guide with what changed since the last edition marked.
pub fn guide_redline(slug: &str) -> Vec<Output> {
    vec![out(format!("guide/{slug}-changes.pdf").into(), OutputKind::Pdf, Role::GuideRedline)]
}

/// `DIR/whats-new.pdf`: a practice's one page on the new edition.
pub fn whats_new(dir: &Path) -> Vec<Output> {
    vec![out(dir.join("whats-new.pdf"), OutputKind::Pdf, Role::WhatsNew)]
}

/// A practice's copy of a document as its kind declares it: each declared file under `dir`,
/// the practice's folder.
pub fn practice_copy(dir: &Path, slug: &str, copy: &crate::kinds::Copy) -> Vec<Output> {
    use crate::kinds::Format;
    let kind = |f: Format| match f {
        Format::Pdf => OutputKind::Pdf,
        Format::Docx => OutputKind::Docx,
        Format::Text => OutputKind::Text,
    };
    copy.files.iter().map(|f| out(dir.join(f.path.replace("{slug}", slug)), kind(f.format), f.role)).collect()
}

/// A letter at `stem` (a path without extension): its PDF, and its Word file when `word`.
pub fn letter(stem: &Path, word: bool) -> Vec<Output> {
    let mut outputs = vec![out(with_ext(stem, "pdf"), OutputKind::Pdf, Role::LetterPdf)];
    if word {
        outputs.push(out(with_ext(stem, "docx"), OutputKind::Docx, Role::LetterWord));
    }
    outputs
}

/// A poster in one format: A4 is a PDF and its PNG, A3 a PDF, social formats a PNG each.
pub fn poster(dir: &Path, slug: &str, format: PosterFormat) -> (&'static str, Vec<Output>) {
    let posters = dir.join("posters");
    let social = dir.join("social");
    match format {
        PosterFormat::A4 => (
            POSTER_TEMPLATE,
            vec![
                out(posters.join(format!("{slug}.pdf")), OutputKind::Pdf, Role::PosterA4),
                out(posters.join(format!("{slug}.png")), OutputKind::Png(A4_PNG_PPP), Role::PosterImage),
            ],
        ),
        PosterFormat::A3 => (
            POSTER_TEMPLATE,
            vec![out(posters.join(format!("{slug}-a3.pdf")), OutputKind::Pdf, Role::PosterA3)],
        ),
        PosterFormat::Square => (
            SOCIAL_TEMPLATE,
            vec![out(
                social.join(format!("{slug}-square.png")),
                OutputKind::Png(SOCIAL_PPP),
                Role::SocialSquare,
            )],
        ),
        PosterFormat::Portrait => (
            SOCIAL_TEMPLATE,
            vec![out(
                social.join(format!("{slug}-portrait.png")),
                OutputKind::Png(SOCIAL_PPP),
                Role::SocialPortrait,
            )],
        ),
    }
}

/// `packs/ODS.zip`: every other file of one practice.
pub fn pack(ods: &str) -> Vec<Output> {
    vec![out(PathBuf::from("packs").join(format!("{ods}.zip")), OutputKind::Zip, Role::Pack)]
}

/// A standalone Markdown file: `STEM.pdf`, or `STEM.html` as a web page.
pub fn standalone(stem: &str, html: bool) -> Vec<Output> {
    if html {
        vec![out(format!("{stem}.html").into(), OutputKind::Text, Role::Standalone)]
    } else {
        vec![out(format!("{stem}.pdf").into(), OutputKind::Pdf, Role::Standalone)]
    }
}

/// Appends an extension; `with_extension` would cut a name such as `row-2.5` short.
fn with_ext(stem: &Path, ext: &str) -> PathBuf {
    let mut name = stem.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_poster_format_names_distinct_files_under_the_practice() {
        let dir = Path::new("practices/C82001");
        let mut all: Vec<PathBuf> = PosterFormat::ALL
            .iter()
            .flat_map(|f| poster(dir, "where-to-get-help", *f).1)
            .map(|o| o.rel)
            .collect();
        assert!(all.iter().all(|p| p.starts_with(dir)), "{all:?}");
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "two formats write the same file");
        assert_eq!(n, 5);
    }

    #[test]
    fn a_letter_is_a_pdf_and_optionally_a_word_file() {
        let l = letter(Path::new("out/A.B-2"), true);
        assert_eq!(l[0].rel, Path::new("out/A.B-2.pdf"));
        assert_eq!(l[1].rel, Path::new("out/A.B-2.docx"));
        assert_eq!(l[1].kind, OutputKind::Docx);
        assert_eq!(letter(Path::new("x"), false).len(), 1);
    }
}
