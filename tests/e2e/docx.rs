//! Word editions of letters: read back with docx-rs's reader and by unzipping the package.

use std::io::Read;
use std::path::Path;

use crate::common::Fixture;

/// A practice name that would break XML, typst or a CDATA section if spliced in as code.
pub const TRICKY_NAME: &str = "Dr <b>Lee</b> & Partners ]]> [Ltd]";

/// A small project on the built-in theme: one practice with an SVG logo, one letter.
pub fn small_project() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let fx = Fixture { dir };
    fx.write(
        "content/lmc.yaml",
        "name: Test Local Medical Committee\nshort_name: Test LMC\nbrand_colour: \"#003087\"\nedition: \"2026/27\"\n\
         guide:\n  title: Guide\n  subtitle: Sub\n  slug: guide\n  published: 2026-04-01\n",
    );
    fx.write(
        "content/practices/logos/logo.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#338"/></svg>"##,
    );
    fx.write(
        "content/practices/z99001.yaml",
        &format!(
            "ods_code: Z99001\nname: '{TRICKY_NAME}'\naddress: [\"1 High St\", \"Leicester\"]\npostcode: LE1 1AA\n\
             phone: \"0116 000 0000\"\nemail: \"a&b@example.org\"\nlogo: logos/logo.svg\nbrand_colour: \"#AE2573\"\n\
             signatory:\n  name: Dr Ann Other\n  role: GP Partner\nposters: all\n"
        ),
    );
    fx.write(
        "content/letters/referral-reply.md",
        "---\nkind: letter\ntitle: Reply about a referral\nsigned_by: practice\nsubject: \"Re: {{ patient_name }}, NHS number {{ nhs_number }}\"\n\
         fields:\n  - name: recipient_name\n    label: Recipient's name\n  - name: recipient_address\n    label: Recipient's address\n    kind: lines\n\
         \x20 - name: patient_name\n    label: Patient's name\n  - name: nhs_number\n    label: Patient's NHS number\n    kind: nhs_number\n---\n\n\
         Dear {{ recipient_name }},\n\nWe wrote on behalf of *{{ practice.name }}* about **{{ patient_name }}**.\n\n\
         What we ask:\n\n- reinstate the referral; and\n- tell us what you need\n  1. first\n  2. second\n\n\
         3. three\n4. four\n\nCall {{ practice.phone }}. A literal <tag> & ]]> stays.\n",
    );
    fx
}

/// The parts of a .docx, by name.
pub fn parts(path: &Path) -> std::collections::BTreeMap<String, String> {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        if file.is_dir() || file.name().ends_with(".png") {
            continue;
        }
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        parts.insert(file.name().to_string(), text);
    }
    parts
}

/// Every paragraph of the body as (style, text), read with docx-rs's reader.
pub fn paragraphs(path: &Path) -> Vec<(String, String)> {
    let docx = docx_rs::read_docx(&std::fs::read(path).unwrap()).expect("docx-rs reads the file");
    let mut out = Vec::new();
    for child in &docx.document.children {
        match child {
            docx_rs::DocumentChild::Paragraph(p) => out.push(para(p)),
            docx_rs::DocumentChild::Table(t) => {
                for row in &t.rows {
                    let docx_rs::TableChild::TableRow(row) = row;
                    for cell in &row.cells {
                        let docx_rs::TableRowChild::TableCell(cell) = cell;
                        for c in &cell.children {
                            if let docx_rs::TableCellContent::Paragraph(p) = c {
                                out.push(para(p));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn para(p: &docx_rs::Paragraph) -> (String, String) {
    let style = p.property.style.as_ref().map(|s| s.val.clone()).unwrap_or_else(|| "Normal".into());
    (style, p.raw_text())
}

fn find<'a>(paras: &'a [(String, String)], needle: &str) -> &'a (String, String) {
    paras
        .iter()
        .find(|(_, t)| t.contains(needle))
        .unwrap_or_else(|| panic!("no paragraph has {needle:?}: {paras:#?}"))
}

#[test]
fn every_letter_gets_a_word_edition_with_styles_title_and_language() {
    let fx = small_project();
    fx.run(&["build"]).ok();
    let path = fx.out("practices/Z99001/letters/referral-reply.docx");
    let paras = paragraphs(&path);

    // The subject is the Title; its unknown fields are bracketed placeholders with their labels.
    let subject = find(&paras, "Re: ");
    assert_eq!(subject.0, "Title");
    assert_eq!(subject.1, "Re: [Patient's name], NHS number [Patient's NHS number]");
    assert_eq!(find(&paras, "Dear ").1, "Dear [Recipient's name],");
    // Known values are filled in, literally: data is never markup.
    assert_eq!(
        find(&paras, "We wrote").1,
        format!("We wrote on behalf of {TRICKY_NAME} about [Patient's name].")
    );
    // The phone number's spaces are no-break spaces: Word never breaks it across lines.
    assert_eq!(find(&paras, "Call ").1, "Call 0116\u{a0}000\u{a0}0000. A literal <tag> & ]]> stays.");
    assert_eq!(find(&paras, "What we ask").0, "Normal");
    for item in ["reinstate the referral; and", "tell us what you need", "first", "second", "three", "four"] {
        assert_eq!(find(&paras, item).0, "ListParagraph", "{item}");
    }
    // The recipient block (name, address) and the date, which is unknown without a date.
    assert_eq!(find(&paras, "[Recipient's address]").1, "[Recipient's name]\n[Recipient's address]");
    assert_eq!(find(&paras, "[Date]").1, "[Date]");
    // The signatory closes the letter.
    let last = &paras.last().unwrap().1;
    assert_eq!(last, &format!("Dr Ann Other\nGP Partner\n{TRICKY_NAME}"));

    let parts = parts(&path);
    let core = &parts["docProps/core.xml"];
    assert!(core.contains("<dc:title>Reply about a referral – Dr &lt;b&gt;Lee&lt;/b&gt; &amp; Partners ]]&gt; [Ltd]</dc:title>"), "{core}");
    assert!(core.contains("<dc:language>en-GB</dc:language>"), "{core}");
    assert!(parts["word/styles.xml"].contains(r#"<w:lang w:val="en-GB""#));
    for style in ["Title", "heading 1", "List Paragraph", "Placeholder Text"] {
        assert!(parts["word/styles.xml"].contains(&format!("w:val=\"{style}\"")), "style {style}");
    }
    // Placeholders are highlighted for finding and replacing.
    let document = &parts["word/document.xml"];
    assert!(document.contains(r#"<w:highlight w:val="yellow" />"#), "no highlight");
    // The numbered list restarts at the number it was written with.
    assert!(
        parts["word/numbering.xml"].contains(r#"<w:startOverride w:val="3" />"#),
        "{}",
        parts["word/numbering.xml"]
    );
    // The letterhead is in the page header, with the logo described for screen readers.
    let header = &parts["word/header1.xml"];
    assert!(header.contains("Dr &lt;b&gt;Lee&lt;/b&gt; &amp; Partners ]]&gt; [Ltd]"), "{header}");
    assert!(header.contains("a&amp;b@example.org") && header.contains("LE1 1AA"), "{header}");
    assert!(
        header.contains(r#"descr="Dr &lt;b&gt;Lee&lt;/b&gt; &amp; Partners ]]&gt; [Ltd] logo""#),
        "{header}"
    );
    let bytes = std::fs::read(&path).unwrap();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert!(zip.file_names().any(|n| n.starts_with("word/media/") && n.ends_with(".png")));
}

#[test]
fn word_letters_are_reproducible_and_dated_by_source_date_epoch() {
    let fx = small_project();
    let run = |out: &str| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_lmcpress"))
            .args(["build", "--out", out])
            .current_dir(fx.root())
            .env("SOURCE_DATE_EPOCH", "1764028800")
            .status()
            .unwrap();
        assert!(status.success());
        fx.path(&format!("{out}/practices/Z99001/letters/referral-reply.docx"))
    };
    let (a, b) = (run("out-a"), run("out-b"));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "same inputs, same bytes");
    let paras = paragraphs(&a);
    assert_eq!(find(&paras, "2025").1, "25 November 2025");
    assert!(parts(&a)["docProps/core.xml"].contains("2025-11-25T00:00:00Z"));
}

#[test]
fn merge_writes_private_word_letters_with_the_rows_values() {
    let fx = small_project();
    fx.write(
        "people.csv",
        "recipient_name,recipient_address,patient_name,nhs_number\nDr Who,1 Road|Town,Pat <Smith> & co,9434765919\n",
    );
    let run = fx
        .run(&[
            "merge",
            "referral-reply",
            "--practice",
            "Z99001",
            "--data",
            "people.csv",
            "--docx",
            "--out",
            "m",
        ])
        .ok();
    assert!(!run.stderr.contains("Pat"), "values are never printed: {}", run.stderr);
    let docx = std::fs::read_dir(fx.path("m"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "docx"))
        .expect("a Word letter per row");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&docx).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let paras = paragraphs(&docx);
    assert_eq!(find(&paras, "Re: ").1, "Re: Pat <Smith> & co, NHS number 943 476 5919");
    assert_eq!(find(&paras, "1 Road").1, "Dr Who\n1 Road\nTown");
    assert!(!paras.iter().any(|(_, t)| t.contains("[Patient")), "no placeholders left: {paras:#?}");
}

/// LibreOffice opens the Word letter and converts it to PDF (skipped without LibreOffice).
#[test]
fn libreoffice_converts_the_word_letter() {
    let Some(soffice) = ["soffice", "libreoffice"]
        .into_iter()
        .find(|p| std::process::Command::new(p).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("skipped: LibreOffice (soffice) is not installed; .ci/run installs it");
        return;
    };
    let fx = small_project();
    fx.run(&["build"]).ok();
    let docx = fx.out("practices/Z99001/letters/referral-reply.docx");
    let profile = fx.path("lo-profile");
    let out = std::process::Command::new(soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(fx.path("lo"))
        .arg(&docx)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = fx.path("lo/referral-reply.pdf");
    assert!(std::fs::metadata(&pdf).is_ok_and(|m| m.len() > 1000), "LibreOffice wrote no PDF");
}

/// The hazard the clinical safety log calls closed: a merged clinical letter names its
/// signing clinician, with the same registration, in its PDF and in its Word file alike.
#[test]
fn a_merged_clinical_letter_names_the_same_clinician_in_pdf_and_word() {
    let fx = small_project();
    let profile = std::fs::read_to_string(fx.path("content/practices/z99001.yaml")).unwrap();
    fx.write(
        "content/practices/z99001.yaml",
        &format!(
            "{profile}clinicians:\n  - name: Dr Owen Castellano\n    role: Salaried GP\n    gmc: \"9900102\"\n"
        ),
    );
    fx.write(
        "content/letters/clinical-note.md",
        "---\nkind: letter\ntitle: Clinical note\nsigned_by: clinician\nfields:\n  - name: patient_name\n---\n\n\
         We have seen {{ patient_name }}.\n",
    );
    fx.write("rows.csv", "patient_name,clinician\nA Patient,9900102\n");
    let args =
        ["merge", "clinical-note", "--practice", "Z99001", "--data", "rows.csv", "--docx", "--out", "m"];
    fx.run(&args).ok();
    let made: Vec<std::path::PathBuf> =
        std::fs::read_dir(fx.path("m")).unwrap().map(|e| e.unwrap().path()).collect();
    let of = |ext: &str| made.iter().find(|p| p.extension().is_some_and(|e| e == ext)).cloned().unwrap();
    let pdf = crate::common::squash(&crate::common::pdf_text(&of("pdf")));
    let word = paragraphs(&of("docx"));
    let signed = find(&word, "Salaried GP").1.clone();
    for shown in ["Dr Owen Castellano", "Salaried GP", "GMC 9900102"] {
        assert!(pdf.contains(&crate::common::squash(shown)), "the PDF lacks {shown:?}: {pdf}");
        assert!(signed.contains(shown), "the Word file lacks {shown:?}: {signed:?}");
    }
    assert!(!signed.contains("Dr Ann Other"), "never the practice's general signatory: {signed:?}");
}
