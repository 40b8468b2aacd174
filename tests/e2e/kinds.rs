//! A document kind is declared once (`src/kinds.rs`): the leaflet, declared there with a
//! template its fixture brings (`tests/fixtures/leaflet`), is planned, typeset, written in
//! Word and packed with no other code of its own.

use std::io::Read;

use crate::common::{Fixture, pdf_text};

#[test]
fn a_kind_declared_once_builds_its_pdf_word_file_and_pack_entries() {
    let fx = Fixture::from_dir("leaflet");
    let run = fx.run(&["build", "--quiet", "--packs"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    let pdf = pdf_text(&fx.out("practices/Z99101/leaflets/flu-jabs.pdf"));
    for phrase in ["Flu jabs this autumn", "Who can have one", "How to book", "0116"] {
        assert!(pdf.contains(phrase), "the leaflet's PDF does not say {phrase:?}: {pdf}");
    }
    assert!(fx.out("practices/Z99101/leaflets/flu-jabs.docx").exists());

    let pack = std::fs::read(fx.out("packs/Z99101.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(pack)).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    assert!(names.contains(&"Leaflets/PDF, to print/flu-jabs.pdf".to_string()), "{names:?}");
    assert!(names.contains(&"Leaflets/Word, to edit/flu-jabs.docx".to_string()), "{names:?}");
    let mut readme = String::new();
    zip.by_name("README.txt").unwrap().read_to_string(&mut readme).unwrap();
    assert!(readme.contains("One-page leaflets for patients"), "{readme}");
}

#[test]
fn a_leaflet_without_its_template_fails_alone_and_says_so() {
    let fx = Fixture::from_dir("leaflet");
    std::fs::remove_file(fx.path("templates/leaflet.typ.tera")).unwrap();
    let run = fx.run(&["build", "--quiet"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("leaflet.typ.tera"), "{}", run.stderr);
}

#[test]
fn a_practices_page_lists_a_declared_kind_under_its_heading_with_its_files() {
    let fx = Fixture::from_dir("leaflet");
    let server = crate::serve::Server::start(&fx, &[]);
    let html = server.get("/practices/Z99101/", &[]).text();
    assert!(html.contains("<h2 id=\"leaflet-h\">Practice leaflets</h2>"), "{html}");
    assert!(html.contains("<h3>Flu jabs this autumn</h3>"), "{html}");
    let addresses: Vec<String> = html
        .split(['"'])
        .filter(|a| a.starts_with("/practices/Z99101/"))
        .map(|a| a.replace("&amp;", "&"))
        .collect();
    for (wanted, kind) in [
        ("files/leaflets/flu-jabs.pdf?v=", "application/pdf"),
        (
            "files/leaflets/flu-jabs.docx?v=",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("leaflets/flu-jabs/page.png?v=", "image/png"),
    ] {
        let address = addresses
            .iter()
            .find(|a| a.contains(wanted))
            .unwrap_or_else(|| panic!("the page offers no {wanted}: {addresses:?}"));
        let got = server.get(address, &[]);
        assert_eq!((got.status, got.header("content-type")), (200, Some(kind)), "{address}");
    }
    // A kind that does not show its first page, or a document the practice does not have,
    // has no page image.
    assert_eq!(server.get("/practices/Z99101/leaflets/no-such-leaflet/page.png", &[]).status, 404);
    assert_eq!(server.get("/practices/Z99101/posters/flu-jabs/page.png", &[]).status, 404);
}
