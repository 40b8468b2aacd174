//! The parts of a Word letter around its body: the page, the letterhead in the page header,
//! the footer, the date and recipient block, and the signatory.

use std::path::Path;

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Footer, Header, LineSpacing, PageMargin, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run, Table, TableCell, TableRow,
    VAlignType, WidthType,
};

use super::{Block, Ids, Lookup, WordLetter, styles, text_runs, xml_text};
use crate::load::content::{Kind, SignedBy};
use crate::load::fields::FieldValue;

/// The practice logo as a PNG image.
pub struct Logo {
    pub png: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
    pub alt: String,
}

/// The logo's height in the letterhead, as in the PDF letter.
const LOGO_HEIGHT_MM: f64 = 22.0;
/// Logos are rendered sharp enough to print: 300 dpi.
const LOGO_PPP: f64 = 300.0 / 72.0;

/// Renders the logo at `typst_path` (absolute from the project root, as in the practice
/// profile) to PNG with typst, so SVG, PNG and JPEG logos all reach Word as PNG.
pub fn render_logo(root: &Path, typst_path: &str, alt: &str) -> Result<Logo, Vec<crate::diag::Problem>> {
    let source = format!(
        "#set page(width: auto, height: auto, margin: 0pt)\n#image(\"{}\", height: {LOGO_HEIGHT_MM}mm)\n",
        crate::markdown::typst_escape::string(typst_path)
    );
    let compiled = crate::typeset::compile(crate::typeset::Input {
        root,
        source,
        source_name: format!("the logo `{typst_path}` for a Word letter"),
        today: None,
    })?;
    let png = crate::typeset::png(&compiled.document, 0, LOGO_PPP).map_err(|e| {
        vec![crate::diag::Problem::error(
            typst_path.trim_start_matches('/'),
            format!("failed to render the logo: {e:#}"),
        )]
    })?;
    let (width_px, height_px) = crate::typeset::png::dimensions(&png).unwrap_or((1, 1));
    Ok(Logo { png, width_px, height_px, alt: alt.to_string() })
}

/// Millimetres in twentieths of a point.
fn mm(mm: f64) -> i32 {
    (mm * 1440.0 / 25.4).round() as i32
}

/// A4 with the PDF letter's margins; the letterhead in the page header, the practice and
/// its ODS code in the footer.
pub(super) fn page(docx: Docx, letter: &WordLetter, ids: &Ids) -> Docx {
    let p = letter.practice;
    let margin = PageMargin::new()
        .top(mm(16.0))
        .bottom(mm(22.0))
        .left(mm(20.0))
        .right(mm(20.0))
        .header(mm(10.0))
        .footer(mm(10.0));
    let footer_text = format!("{} · ODS code {}", p.name, p.ods_code);
    let footer = Footer::new()
        .add_paragraph(ids.para().style(styles::FOOTER).add_run(Run::new().add_text(xml_text(&footer_text))));
    docx.page_size(mm(210.0) as u32, mm(297.0) as u32)
        .page_margin(margin)
        .header(header(letter, ids))
        .footer(footer)
}

fn header(letter: &WordLetter, ids: &Ids) -> Header {
    let p = letter.practice;
    let text_width = mm(170.0) as usize;
    let address_width = mm(72.0) as usize;
    let mut cells = Vec::new();
    let mut grid = Vec::new();
    if let Some(logo) = &letter.logo {
        let height = (LOGO_HEIGHT_MM / 25.4 * 914_400.0) as u32;
        let width = (u64::from(height) * u64::from(logo.width_px) / u64::from(logo.height_px.max(1))) as u32;
        let pic = Pic::new_with_dimensions(logo.png.clone(), logo.width_px, logo.height_px)
            .id("rIdImage1")
            .size(width, height);
        let logo_width = (width as f64 / 914_400.0 * 1440.0) as usize + mm(6.0) as usize;
        grid.push(logo_width);
        cells.push(cell(logo_width, ids.para().add_run(Run::new().add_image(pic))));
    }
    let name_width = text_width - address_width - grid.iter().sum::<usize>();
    grid.push(name_width);
    cells.push(cell(
        name_width,
        ids.para().add_run(Run::new().bold().size(32).color(styles::INK).add_text(xml_text(&p.name))),
    ));
    let mut lines: Vec<String> = p.address.clone();
    lines.push(p.postcode.clone());
    lines.push(format!("Tel {}", super::body::unbroken(&p.phone)));
    lines.push(super::body::unbroken(&p.email));
    lines.extend(p.website.clone());
    let mut run = Run::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(xml_text(line));
    }
    grid.push(address_width);
    cells
        .push(cell(address_width, ids.para().style(styles::HEADER).align(AlignmentType::Right).add_run(run)));

    let table = Table::without_borders(vec![TableRow::new(cells)])
        .set_grid(grid)
        .width(text_width, WidthType::Dxa)
        .layout(docx_rs::TableLayoutType::Fixed);
    let brand = p.brand_colour.trim_start_matches('#').to_ascii_uppercase();
    let rule =
        ParagraphBorder::new(ParagraphBorderPosition::Bottom).val(BorderType::Single).size(20).color(brand);
    let line = ids
        .para()
        .style(styles::HEADER)
        // The gap below the rule, as in the PDF letter.
        .line_spacing(LineSpacing::new().before(0).after(mm(6.0) as u32))
        .set_borders(ParagraphBorders::with_empty().set(rule));
    let header = match letter.doc.sign_off.is_draft() {
        // On every page, above the letterhead: nobody should send this by mistake.
        true => Header::new().add_paragraph(ids.para().style(styles::HEADER).add_run(
            Run::new().bold().color("D5281B").add_text(xml_text(crate::approval::view::DRAFT_NOTICE)),
        )),
        false => Header::new(),
    };
    header.add_table(table).add_paragraph(line)
}

fn cell(width: usize, p: Paragraph) -> TableCell {
    TableCell::new().width(width, WidthType::Dxa).vertical_align(VAlignType::Center).add_paragraph(p)
}

/// The recipient's name and address on the left, the date on the right, as in the PDF.
pub(super) fn date_and_recipient(letter: &WordLetter, v: &Lookup, ids: &Ids) -> Block {
    const RECIPIENT: [&str; 4] =
        ["recipient_name", "recipient_role", "recipient_organisation", "recipient_address"];
    let fields = super::declared(letter.doc);
    let mut left = ids.para().line_spacing(LineSpacing::new().after(0));
    let mut first = true;
    for name in RECIPIENT.iter().filter(|n| fields.iter().any(|f| &f.name == *n)) {
        if matches!(letter.values.get(*name), Some(FieldValue::Text(t)) if t.is_empty()) {
            continue;
        }
        if !first {
            left = left.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        first = false;
        for run in text_runs(&format!("{{{{ {name} }}}}"), v, &Run::new()) {
            left = left.add_run(run);
        }
    }
    let date_runs = match letter.date {
        Some(date) => vec![Run::new().add_text(xml_text(date))],
        None => vec![super::placeholder("Date", &Run::new())],
    };
    let right = date_runs.into_iter().fold(ids.para().align(AlignmentType::Right), Paragraph::add_run);
    let (text_width, date_width) = (mm(170.0) as usize, mm(50.0) as usize);
    let row = TableRow::new(vec![
        TableCell::new().width(text_width - date_width, WidthType::Dxa).add_paragraph(left),
        TableCell::new().width(date_width, WidthType::Dxa).add_paragraph(right),
    ]);
    let table = Table::without_borders(vec![row])
        .set_grid(vec![text_width - date_width, date_width])
        .width(text_width, WidthType::Dxa)
        .layout(docx_rs::TableLayoutType::Fixed);
    Block::Table(Box::new(table))
}

/// "Yours sincerely," and who signs: the practice's signatory, or for a clinical letter
/// (`signed_by: clinician`) the clinician from the merge row, or blanks to sign by hand, never
/// the practice's general signatory, as in the PDF letter.
pub(super) fn signature(letter: &WordLetter, v: &Lookup, ids: &Ids) -> Vec<Paragraph> {
    let s = &letter.practice.signatory;
    let closing = ids
        .para()
        .line_spacing(LineSpacing::new().before(mm(4.0) as u32))
        .add_run(Run::new().add_text("Yours sincerely,"));
    let clinical = matches!(&letter.doc.kind, Kind::Letter(l) if l.signed_by == SignedBy::Clinician);
    let mut signed = ids.para().keep_lines(true).line_spacing(LineSpacing::new().before(mm(16.0) as u32));
    let lines: Vec<Vec<Run>> = if clinical {
        let field = |name: &str, base: Run| text_runs(&format!("{{{{ {name} }}}}"), v, &base);
        vec![
            field("clinician_name", Run::new().bold()),
            field("clinician_role", Run::new()),
            field("clinician_registration", Run::new()),
        ]
    } else {
        vec![
            vec![Run::new().bold().add_text(xml_text(&s.name))],
            vec![Run::new().add_text(xml_text(&s.role))],
        ]
    };
    for (i, runs) in
        lines.into_iter().chain([vec![Run::new().add_text(xml_text(&letter.practice.name))]]).enumerate()
    {
        if i > 0 {
            signed = signed.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        for run in runs {
            signed = signed.add_run(run);
        }
    }
    vec![closing.keep_next(true), signed]
}
