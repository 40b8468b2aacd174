//! Posters and social images: the emergency and NHS 111 band, a QR code that scans, a body
//! that fills its page at a readable size, and icons with alt text. A small fixture project
//! (not the shipped content, which others edit) on the built-in theme.

use std::path::Path;

use lmcpress::typeset::{self, Input};
use typst::foundations::{Dict, Label, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Abs, Frame, FrameItem, Point};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use crate::common::{Fixture, pdf_text, squash};

const WEBSITE: &str = "www.oakfield-surgery.example.org";

/// About as long as the longest shipped poster, with a list and a heading.
const LONG: &str = "We are here for you, but we are not always the best place to go first.

- **Pharmacy.** For coughs, colds, sore throats and small cuts, a pharmacist can help you
  today. You do not need to book.
- **NHS 111.** If you are not sure what to do, call 111 or go online. It is free, day and
  night, and they can book you in with us if you need it.
- **Your GP.** For things that need us, call {{ practice.phone }}.

## Tasks from the hospital

Some tasks are not ours to do. If a hospital team asked for a test, they should set it up
for you and tell you the result. Please ask them first. We will always help you if you are
not sure who to ask.";

/// About as short as the shortest shipped poster.
const SHORT: &str = "Our GP slots are now 15 minutes long.

That gives your doctor time to listen, to think and to explain. Many people now have more
than one health problem, and a short slot is not enough to deal with them safely.

Longer slots mean fewer of them each day, so you may wait a little longer for a routine one.
If your problem is urgent, tell us and we will help you today.";

fn project() -> Fixture {
    let fx = Fixture { dir: tempfile::tempdir().unwrap() };
    fx.write(
        "content/lmc.yaml",
        "name: Test Local Medical Committee\nshort_name: Test LMC\nbrand_colour: \"#003087\"\nedition: \"2025/26\"\n\
         guide:\n  title: T\n  subtitle: S\n  slug: test-guide\n  published: 2025-04-01\n",
    );
    let practice = |ods: &str, name: &str, website: Option<&str>| {
        let site = website.map(|w| format!("website: {w}\n")).unwrap_or_default();
        fx.write(
            &format!("content/practices/{ods}.yaml"),
            &format!(
                "ods_code: {ods}\nname: {name}\naddress: [\"1 Test Road\", \"Leicester\"]\npostcode: LE1 1AA\n\
                 phone: \"0116 496 0999\"\nemail: hello@example.org\n{site}brand_colour: \"#00703C\"\n\
                 signatory:\n  name: Dr A Test\n  role: GP Partner\n"
            ),
        );
    };
    practice("Z91001", "Oakfield Surgery", Some(WEBSITE));
    practice("Z91002", "Brookside Health Centre", None);
    let poster = |slug: &str, title: &str, icon: &str, body: &str| {
        fx.write(
            &format!("content/posters/{slug}.md"),
            &format!("---\nkind: poster\ntitle: {title}\nsummary: A short line for {slug}.\nicon: {icon}\n---\n\n{body}\n"),
        );
    };
    poster("long", "The right help in the right place", "pharmacy", LONG);
    poster("short", "Longer GP slots for safer care", "clock", SHORT);
    fx
}

fn label(name: &str) -> Label {
    Label::new(PicoStr::intern(name)).unwrap()
}

pub(crate) fn compile(fx: &Fixture, typ: &Path) -> PagedDocument {
    let source = std::fs::read_to_string(typ).unwrap();
    let input = Input { root: fx.root(), source, source_name: typ.display().to_string(), today: None };
    match typeset::compile(input) {
        Ok(c) => c.document,
        Err(problems) => panic!("{}: {problems:?}", typ.display()),
    }
}

pub(crate) fn metadata(doc: &PagedDocument, name: &str) -> Dict {
    let content = doc.introspector().query_label(label(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    match &content.to_packed::<MetadataElem>().unwrap().value {
        Value::Dict(d) => d.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

/// How far below the page's top typst placed the element labelled `name`, in points.
pub(crate) fn top_of(doc: &PagedDocument, name: &str) -> f64 {
    let intro = doc.introspector();
    let content = intro.query_label(label(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let at = content.location().and_then(|l| intro.position(l));
    at.unwrap_or_else(|| panic!("{name} has no position")).point.y.to_pt()
}

pub(crate) fn number(d: &Dict, key: &str) -> f64 {
    match d.get(key).unwrap_or_else(|_| panic!("no `{key}` in {d:?}")) {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        other => panic!("{key}: {other:?}"),
    }
}

/// Every run of text on the page: (baseline position, font size, text).
fn text_runs(frame: &Frame, offset: Point, out: &mut Vec<(Point, Abs, String)>) {
    for (pos, item) in frame.items() {
        let at = offset + *pos;
        match item {
            FrameItem::Group(g) => text_runs(&g.frame, at + Point::new(g.transform.tx, g.transform.ty), out),
            FrameItem::Text(t) => out.push((at, t.size, t.text.to_string())),
            _ => {}
        }
    }
}

/// Image alt texts on the page (`None` for an image without one).
fn image_alts(frame: &Frame, out: &mut Vec<Option<String>>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => image_alts(&g.frame, out),
            FrameItem::Image(image, _, _) => out.push(image.alt().map(str::to_string)),
            _ => {}
        }
    }
}

#[test]
fn body_fills_its_room_at_a4_and_a3_and_never_drops_below_the_floor() {
    let fx = project();
    fx.run(&["build", "--emit-typst"]).ok();
    for slug in ["long", "short"] {
        for (suffix, scale) in [("", 1.0), ("-a3", 2f64.sqrt())] {
            let name = format!("{slug}{suffix}");
            let typ = fx.out(&format!("practices/Z91001/posters/{name}.typ"));
            let doc = compile(&fx, &typ);
            assert_eq!(doc.pages().len(), 1, "{name}: the poster spills onto a second page");
            let fit = metadata(&doc, "poster-fit");
            let (size, floor, room) = (number(&fit, "size"), number(&fit, "floor"), number(&fit, "room"));
            let top = top_of(&doc, "poster-fit");
            assert!((floor - 18.0 * scale).abs() < 0.01, "{name}: floor {floor}");
            assert!(size >= floor, "{name}: body at {size} pt, below the {floor} pt floor");
            let band = top_of(&doc, "poster-band");
            let mut runs = Vec::new();
            text_runs(&doc.pages()[0].frame, Point::zero(), &mut runs);
            let body: Vec<_> =
                runs.iter().filter(|(p, _, _)| p.y.to_pt() > top && p.y.to_pt() < band).collect();
            assert!(body.iter().any(|(_, _, t)| t.contains("minutes") || t.contains("pharmacist")), "{name}");
            for (_, size, text) in &body {
                assert!(size.to_pt() >= floor - 0.01, "{name}: `{text}` at {} pt", size.to_pt());
            }
            // The lowest line of the body sits near the foot of its room, not a third of a page
            // above the band.
            let lowest = body.iter().map(|(p, _, _)| p.y.to_pt()).fold(f64::MIN, f64::max);
            let empty = top + room - lowest;
            assert!(empty >= 0.0 && empty < 0.12 * room, "{name}: {empty:.0} pt of {room:.0} pt left empty");
        }
    }
}

#[test]
fn an_overlong_body_stays_at_the_floor() {
    let fx = project();
    let long = std::iter::repeat_n(LONG, 3).collect::<Vec<_>>().join("\n\n");
    fx.write("content/posters/long.md", &format!("---\nkind: poster\ntitle: T\nsummary: S\n---\n\n{long}\n"));
    fx.run(&["build", "--emit-typst", "--practice", "Z91001"]).ok();
    let doc = compile(&fx, &fx.out("practices/Z91001/posters/long.typ"));
    let fit = metadata(&doc, "poster-fit");
    assert_eq!(number(&fit, "size"), number(&fit, "floor"));
}

#[test]
fn the_address_under_the_code_is_the_website_or_nhs_111_online() {
    let fx = project();
    fx.run(&["build"]).ok();
    // The address is printed for people who do not scan.
    let text = squash(&pdf_text(&fx.out("practices/Z91001/posters/short.pdf")));
    assert!(text.contains(WEBSITE), "{text}");
    let text = squash(&pdf_text(&fx.out("practices/Z91002/posters/short-a3.pdf")));
    assert!(text.contains("Scan for NHS 111 online 111.nhs.uk"), "{text}");
}

#[test]
fn the_drawn_code_is_the_crates_encoding_of_the_address() {
    let fx = project();
    fx.run(&["build", "--emit-typst", "--practice", "Z91001"]).ok();
    let source = fx.read("output/practices/Z91001/posters/long-a3.typ");
    let svg = source.split("image(bytes(\"").nth(1).unwrap().split("\"), format: \"svg\"").next().unwrap();
    let svg = svg.replace("\\\"", "\"").replace("\\\\", "\\");
    let expected = lmcpress::render::qr::for_website(Some(WEBSITE)).unwrap();
    assert_eq!(lmcpress::render::qr::modules_drawn(&svg), lmcpress::render::qr::modules_drawn(&expected.svg));
    assert!(lmcpress::render::qr::modules_drawn(&svg).is_some());
}

#[test]
fn every_poster_and_social_image_says_999_and_111() {
    let fx = project();
    fx.run(&["build", "--emit-typst"]).ok();
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(fx.out("practices")) {
        let path = entry.unwrap().into_path();
        let ext = path.extension().and_then(|e| e.to_str());
        let text = match ext {
            Some("pdf") => squash(&pdf_text(&path)),
            Some("typ") => squash(&typeset::plain_text(&compile(&fx, &path))),
            _ => continue,
        };
        seen += 1;
        // pdftotext may set the band's columns side by side, so look for each part alone.
        for part in ["Emergency?", "999", "Not sure?", "Call 111"] {
            assert!(text.contains(part), "{}: no `{part}` in {text}", path.display());
        }
        assert!(text.contains("111.nhs.uk"), "{}: {text}", path.display());
        assert!(!text.contains("in line with advice"), "{}: {text}", path.display());
    }
    // Two practices × two posters × (A4 + A3 PDFs, A4 + A3 + square + portrait sources).
    assert_eq!(seen, 2 * 2 * 6);
}

#[test]
fn every_icon_draws_with_alt_text() {
    let fx = project();
    for icon in lmcpress::load::content::ICONS {
        fx.write(
            &format!("content/posters/icon-{icon}.md"),
            &format!("---\nkind: poster\ntitle: {icon}\nsummary: S\nicon: {icon}\n---\n\nText.\n"),
        );
    }
    fx.run(&["build", "--emit-typst", "--practice", "Z91002"]).ok();
    for icon in lmcpress::load::content::ICONS {
        for name in [format!("posters/icon-{icon}"), format!("social/icon-{icon}-square")] {
            let doc = compile(&fx, &fx.out(&format!("practices/Z91002/{name}.typ")));
            let mut alts = Vec::new();
            image_alts(&doc.pages()[0].frame, &mut alts);
            assert!(alts.iter().all(|a| a.as_deref().is_some_and(|a| !a.is_empty())), "{name}: {alts:?}");
            // The practice has no logo, so the images are the icon and, on posters, the QR code.
            let expected = if name.starts_with("posters") { 2 } else { 1 };
            assert_eq!(alts.len(), expected, "{name}: {alts:?}");
        }
    }
}

#[test]
fn an_unknown_icon_is_reported_at_its_line() {
    let fx = project();
    fx.write(
        "content/posters/short.md",
        "---\nkind: poster\ntitle: T\nsummary: S\nicon: calender\n---\n\nHi\n",
    );
    let run = fx.run(&["check"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("unknown icon `calender`"), "{}", run.stderr);
    assert!(run.stderr.contains("short.md:5:7"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `calendar`?"), "{}", run.stderr);
}

/// Every poster of the shipped practice that takes them all, in every language, at A4 and A3:
/// typeset once by searching for its body's size (as the emitted source does), then again
/// with that search's step handed back as a known fit, as a build hands it to the next
/// practice with the same room. The second must skip the search and still be the same PDF.
#[test]
fn a_reused_body_size_gives_the_same_poster_as_the_search() {
    use lmcpress::plan::{PosterFormat, Target};
    let fx = Fixture::shipped();
    let loaded = lmcpress::pipeline::load(fx.root()).unwrap();
    let planned = lmcpress::pipeline::plan(&loaded, lmcpress::pipeline::Scope::Everything, false).unwrap();
    let z90001 = loaded.project.practices.iter().position(|p| p.ods_code == "Z90001").unwrap();
    let mut checked = 0;
    for job in &planned.jobs {
        let Target::Poster { practice, format, .. } = job.target else { continue };
        if practice != z90001 || !matches!(format, PosterFormat::A4 | PosterFormat::A3) {
            continue;
        }
        let rendered = lmcpress::render::render_job(&loaded, job, None).unwrap();
        let key = rendered.fit_key.unwrap_or_else(|| panic!("{}: no key", job.id));
        let typeset = |source: String| {
            let input = Input { root: fx.root(), source, source_name: job.id.clone(), today: None };
            let compiled = typeset::compile(input).unwrap_or_else(|p| panic!("{}: {p:?}", job.id));
            let fit = typeset::metadata(&compiled.document, "poster-fit");
            let pdf = typeset::pdf(&compiled, &job.id, None, &job.id).unwrap();
            (fit, pdf)
        };
        let (searched, by_search) = typeset(rendered.source.clone());
        assert_eq!(searched[0]["searched"], true, "{}: {searched:?}", job.id);
        loaded.poster_fits.learn(key, &searched);
        let source = loaded.poster_fits.apply(&key, rendered.source);
        assert!(source.contains("#let known-fits = ((width: "), "{}: nothing handed back", job.id);
        let (reused, by_reuse) = typeset(source);
        assert_eq!(reused[0]["searched"], false, "{}: searched again: {reused:?}", job.id);
        assert_eq!(reused[0]["step"], searched[0]["step"], "{}", job.id);
        assert!(by_reuse == by_search, "{}: the PDF differs when the size is reused", job.id);
        checked += 1;
    }
    assert!(checked >= 2 * 14, "{checked} posters checked");
}
