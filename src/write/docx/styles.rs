//! The Word styles a letter uses. Built-in style names (Title, heading 1, List Paragraph,
//! Quote), so a practice's own template restyles the letter, and screen readers and the
//! navigation pane see real structure.

use docx_rs::{
    AbstractNumbering, Docx, IndentLevel, Level, LevelJc, LevelText, LineSpacing, LineSpacingType,
    NumberFormat, RunFonts, SpecialIndentType, Start, Style, StyleType,
};

/// The house style's ink and muted colours (as in `templates/partials/base.typ.tera`).
pub const INK: &str = "212B32";
pub const MUTED: &str = "4C6272";
pub const LINK: &str = "005EB8";
/// Arial is on every Windows and Mac; LibreOffice swaps in the metric-compatible Liberation
/// Sans that the PDF letter uses.
pub const FONT: &str = "Arial";
pub const CODE_FONT: &str = "Courier New";

pub const TITLE: &str = "Title";
pub const LIST: &str = "ListParagraph";
pub const QUOTE: &str = "Quote";
pub const CODE: &str = "Code";
pub const HEADER: &str = "Header";
pub const FOOTER: &str = "Footer";
pub const PLACEHOLDER: &str = "Placeholder";
/// Word's name for the highlight colour of a value still to fill in.
pub const HIGHLIGHT: &str = "yellow";

/// Abstract numbering ids; docx-rs itself writes a default list as abstract 1 and numId 1.
pub const BULLETS: usize = 10;
pub const NUMBERS: usize = 11;
/// The first numId of the body's lists.
pub const FIRST_LIST: usize = 10;

/// Paragraph style of a heading `level` (1 to 3).
pub fn heading(level: u8) -> String {
    format!("Heading{}", level.clamp(1, 3))
}

/// Twentieths of a point.
fn pt(points: f32) -> u32 {
    (points * 20.0).round() as u32
}

pub fn add(docx: Docx) -> Docx {
    let para = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph).name(name).based_on("Normal").next("Normal").q_format(true)
    };
    let mut docx = docx
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT))
        .default_size(22)
        .default_line_spacing(LineSpacing::new().after(pt(7.0)).line(264).line_rule(LineSpacingType::Auto))
        .add_style(
            para(TITLE, "Title")
                .bold()
                .size(22)
                .color(INK)
                .line_spacing(LineSpacing::new().before(pt(22.0)).after(pt(16.0))),
        )
        .add_style(para(LIST, "List Paragraph").line_spacing(LineSpacing::new().after(pt(3.0))))
        .add_style(para(QUOTE, "Quote").italic().indent(Some(567), None, None, None))
        .add_style(
            para(CODE, "Code")
                .fonts(RunFonts::new().ascii(CODE_FONT).hi_ansi(CODE_FONT).cs(CODE_FONT))
                .size(19),
        )
        .add_style(para(HEADER, "header").size(18).color(MUTED).line_spacing(LineSpacing::new().after(0)))
        .add_style(para(FOOTER, "footer").size(16).color(MUTED).line_spacing(LineSpacing::new().after(0)))
        .add_style(
            Style::new(PLACEHOLDER, StyleType::Character).name("Placeholder Text").highlight(HIGHLIGHT),
        );
    for (level, size) in [(1u8, 28), (2, 24), (3, 22)] {
        docx = docx.add_style(
            para(&heading(level), &format!("heading {level}"))
                .bold()
                .size(size)
                .color(INK)
                .outline_lvl(usize::from(level - 1))
                .line_spacing(LineSpacing::new().before(pt(10.0)).after(pt(4.0))),
        );
    }
    docx.add_abstract_numbering(list_levels(BULLETS, false))
        .add_abstract_numbering(list_levels(NUMBERS, true))
}

/// Nine levels of bullets or of numbers, each indented a little further.
fn list_levels(id: usize, numbered: bool) -> AbstractNumbering {
    let mut numbering = AbstractNumbering::new(id);
    for level in 0..9usize {
        let (format, text) = if numbered {
            ("decimal", format!("%{}.", level + 1))
        } else {
            ("bullet", ["•", "–", "◦"][level % 3].to_string())
        };
        let left = 360 * (level as i32 + 1);
        numbering = numbering.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new(format),
                LevelText::new(text),
                LevelJc::new("left"),
            )
            .indent(Some(left), Some(SpecialIndentType::Hanging(360)), None, None),
        );
    }
    numbering
}

/// Indent level for a list nested `depth` lists deep (0 for a top-level list).
pub fn indent_level(depth: usize) -> IndentLevel {
    IndentLevel::new(depth.min(8))
}
