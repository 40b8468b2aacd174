//! End-to-end: sign-off. Nothing reaches a practice until a named second person has approved
//! those exact words: through `serve` with three links (an editor, an approver, a practice),
//! from the terminal, in every format's draft mark, and in a ledger that shows tampering.

use std::io::Read;

use crate::common::{Fixture, info, pdf_text, squash};
use crate::serve::{Response, Server, input_value, project, request};

const PEOPLE: &str = concat!(
    "approval: required\npeople:\n",
    "  - name: Ed Editor\n    roles: [editor]\n",
    "  - name: Ann Approver\n    title: Medical Secretary\n    roles: [editor, approver]\n",
    "  - name: Bob Approver\n    roles: [approver]\n",
    "  - name: Uma Translator\n    roles: [translator]\n    languages: [ur]\n",
);

/// `lmc.yaml` with sign-off turned on and the people above.
fn with_people(fx: &Fixture) {
    let lmc = fx.read("content/lmc.yaml");
    let lmc: String = lmc.lines().filter(|l| !l.starts_with("approval:")).map(|l| format!("{l}\n")).collect();
    let cut = lmc.find("\npeople:").map_or(lmc.as_str(), |i| &lmc[..=i]);
    fx.write("content/lmc.yaml", &format!("{cut}{PEOPLE}"));
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let enc =
        |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&").into_bytes()
}

fn post(server: &Server, path: &str, auth: &str, fields: &[(&str, &str)]) -> Response {
    let headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", auth)];
    request(&server.addr, "POST", path, &headers, &form(fields))
}

fn key_of(fx: &Fixture, who: &[&str]) -> String {
    let mut args = vec!["access", "grant"];
    args.extend_from_slice(who);
    let link = fx.run(&args).ok().stdout.trim().to_string();
    format!("Bearer {}", link.rsplit("key=").next().unwrap())
}

fn pack_readme(zip: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut readme = String::new();
    archive.by_name("README.txt").unwrap().read_to_string(&mut readme).unwrap();
    readme
}

/// The text of the practice's poster PDF as served to it, then its properties' description
/// (where a poster says who approved it).
fn served_poster(server: &Server, auth: &str, slug: &str) -> String {
    let pdf = server.get(&format!("/practices/Z90001/files/posters/{slug}.pdf"), &[("Authorization", auth)]);
    assert_eq!(pdf.status, 200, "the practice's poster");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &pdf.body).unwrap();
    format!("{} | {}", squash(&pdf_text(file.path())), info(file.path(), "Subject"))
}

/// Waits until the practice's served poster holds `needle` (a rebuild is under way).
fn wait_poster(server: &Server, auth: &str, slug: &str, needle: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let text = served_poster(server, auth, slug);
        if text.contains(needle) {
            return text;
        }
        assert!(start.elapsed().as_secs() < 90, "the poster never said {needle:?}:\n{text}");
        server.wait_log(" failed");
    }
}

#[test]
fn a_practice_gets_only_what_a_second_person_approved() {
    let (fx, slug) = project();
    with_people(&fx);
    let poster = format!("content/posters/{slug}.md");
    // Everything starts approved by Bob, from the terminal.
    let files: Vec<String> = ["content/ag-disclaimer.md", poster.as_str()]
        .into_iter()
        .map(String::from)
        .chain(
            std::fs::read_dir(fx.path("content/letters"))
                .unwrap()
                .map(|e| format!("content/letters/{}", e.unwrap().file_name().to_string_lossy())),
        )
        .collect();
    let mut args = vec!["approve", "--as", "Bob Approver"];
    args.extend(files.iter().map(String::as_str));
    fx.run(&args).ok();

    let ed = key_of(&fx, &["--person", "Ed Editor"]);
    let ann = key_of(&fx, &["--person", "ann approver"]);
    let practice = key_of(&fx, &["Z90001"]);
    let uma = key_of(&fx, &["--person", "Uma Translator"]);
    assert_ne!(fx.run(&["access", "grant", "--person", "Zed Nobody"]).code, 0, "a person not in lmc.yaml");
    let server = Server::start(&fx, &["--require-keys"]);

    let before = served_poster(&server, &practice, &slug);
    assert!(before.contains("Approved by Bob Approver") || !before.contains("DRAFT"), "{before}");
    let pack = server.get("/practices/Z90001/pack.zip", &[("Authorization", practice.as_str())]);
    assert_eq!(pack.status, 200);
    assert!(pack_readme(&pack.body).contains("Approved by Bob Approver"), "{}", pack_readme(&pack.body));

    // The editor changes the poster in the browser and submits it with a note.
    let edit_path = format!("/content/posters/{slug}");
    let page = server.get(&edit_path, &[("Authorization", ed.as_str())]).text();
    let (csrf, base) = (input_value(&page, "csrf"), input_value(&page, "base"));
    let text = fx.read(&poster);
    let changed = format!("{}\nWORDS ONLY THE DRAFT HAS.\n", text.trim_end());
    let (front, body) = changed.strip_prefix("---\n").unwrap().split_once("\n---\n").unwrap();
    let saved = post(
        &server,
        &edit_path,
        &ed,
        &[("csrf", &csrf), ("base", &base), ("action", "save"), ("front", front), ("body", body)],
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    server.wait_log(" failed");
    let review_path = format!("/content/review/{poster}");
    let review = server.get(&review_path, &[("Authorization", ed.as_str())]).text();
    assert!(review.contains("WORDS ONLY THE DRAFT HAS."), "the review shows the change:\n{review}");
    assert!(review.contains("You can read this page but not approve it"), "{review}");
    let hash = input_value(&review, "hash");
    let submitted = post(
        &server,
        &review_path,
        &ed,
        &[("csrf", &csrf), ("hash", &hash), ("action", "submit"), ("note", "Adds a line for the test")],
    );
    assert_eq!(submitted.status, 303, "{}", submitted.text());

    // The practice still gets the approved words: page, poster, letter image and pack.
    let still = served_poster(&server, &practice, &slug);
    assert!(!still.contains("WORDS ONLY THE DRAFT HAS"), "a draft reached the practice:\n{still}");
    let pack = server.get("/practices/Z90001/pack.zip", &[("Authorization", practice.as_str())]);
    assert!(!String::from_utf8_lossy(&pack.body).contains("WORDS ONLY"), "the draft is in the pack");
    assert!(fx.out("drafts").is_dir(), "the draft is built apart for the LMC");

    // Who may not approve: the editor, a translator of another language, a practice.
    let refused =
        post(&server, &review_path, &ed, &[("csrf", &csrf), ("hash", &hash), ("action", "approve")]);
    assert_eq!(refused.status, 403, "an editor approved");
    let refused =
        post(&server, &review_path, &uma, &[("csrf", &csrf), ("hash", &hash), ("action", "approve")]);
    assert_eq!(refused.status, 403, "a translator approved an English poster");
    for path in ["/content/review/", review_path.as_str()] {
        assert_eq!(server.get(path, &[("Authorization", practice.as_str())]).status, 403, "{path}");
    }
    let refused =
        post(&server, &review_path, &practice, &[("csrf", &csrf), ("hash", &hash), ("action", "approve")]);
    assert_eq!(refused.status, 403, "a practice approved");

    // An approval of bytes that changed after the page showed them is refused.
    let list = server.get("/content/review/", &[("Authorization", ann.as_str())]).text();
    assert!(list.contains(&poster) && list.contains("Adds a line for the test"), "{list}");
    let stale_page = server.get(&review_path, &[("Authorization", ann.as_str())]).text();
    let stale_hash = input_value(&stale_page, "hash");
    fx.write(&poster, &format!("{}\nAND A LATER LINE.\n", changed.trim_end()));
    let stale =
        post(&server, &review_path, &ann, &[("csrf", &csrf), ("hash", &stale_hash), ("action", "approve")]);
    assert_eq!(stale.status, 409, "a stale approval went through");
    assert!(stale.text().contains("AND A LATER LINE."), "the new difference is shown:\n{}", stale.text());

    // Ann approves what she is shown now; the practice gets it, with her name on it.
    let fresh = input_value(&stale.text(), "hash");
    let done = post(&server, &review_path, &ann, &[("csrf", &csrf), ("hash", &fresh), ("action", "approve")]);
    assert_eq!(done.status, 303, "{}", done.text());
    let after = wait_poster(&server, &practice, &slug, "AND A LATER LINE.");
    assert!(after.contains("Approved by Ann Approver, Medical Secretary"), "{after}");
    // The poster is written part way through the rebuild; the pack is made from what the
    // rebuild publishes when it ends, so it may take a moment longer.
    let start = std::time::Instant::now();
    loop {
        let pack = server.get("/practices/Z90001/pack.zip", &[("Authorization", practice.as_str())]);
        let readme = pack_readme(&pack.body);
        if readme.contains("Approved by Ann Approver, Medical Secretary") {
            break;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "the pack never named Ann:\n{readme}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // Nobody approves their own change: Ann edits, then tries to approve it herself.
    let page = server.get(&edit_path, &[("Authorization", ann.as_str())]).text();
    let base = input_value(&page, "base");
    let mine = format!("{}\nANN'S OWN LINE.\n", fx.read(&poster).trim_end());
    let (front, body) = mine.strip_prefix("---\n").unwrap().split_once("\n---\n").unwrap();
    let saved = post(
        &server,
        &edit_path,
        &ann,
        &[("csrf", &csrf), ("base", &base), ("action", "save"), ("front", front), ("body", body)],
    );
    assert_eq!(saved.status, 303);
    let page = server.get(&review_path, &[("Authorization", ann.as_str())]).text();
    let hash = input_value(&page, "hash");
    let own = post(&server, &review_path, &ann, &[("csrf", &csrf), ("hash", &hash), ("action", "approve")]);
    assert_eq!(own.status, 403, "self-approval went through");
    assert!(own.text().contains("made the last change"), "{}", own.text());
    assert!(!served_poster(&server, &practice, &slug).contains("ANN'S OWN LINE"));

    let audit = fx.read(".lmcpress-audit.jsonl");
    for what in ["\"submit\"", "\"approve\""] {
        assert!(audit.contains(what), "the audit log lacks {what}:\n{audit}");
    }
}

#[test]
fn unapproved_documents_say_so_in_every_format_and_approval_names_the_approver() {
    let fx = Fixture::shipped();
    with_people(&fx);
    let out = fx.root().join("output");
    fx.run(&["build", "--quiet"]).ok();
    let guide = std::fs::read_dir(out.join("guide"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf") && !p.to_string_lossy().contains("changes"))
        .unwrap();
    let notice = "DRAFT: not yet approved by the LMC";
    assert!(squash(&pdf_text(&guide)).contains(notice), "the guide PDF is not marked");
    let html = std::fs::read_to_string(guide.with_extension("html")).unwrap();
    assert!(html.contains(notice), "the web guide is not marked");
    let ag = std::fs::read_to_string(out.join("practices/Z90001/ag-disclaimer.txt")).unwrap();
    assert!(ag.starts_with(notice), "{ag}");
    let docx = std::fs::read_dir(out.join("practices/Z90001/letters"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "docx"))
        .unwrap();
    assert!(word_headers(&docx).contains(notice), "the Word letter's header is not marked");
    // Nothing unapproved is offered: a pack build holds only the README.
    fx.run(&["build", "--quiet", "--packs"]).ok();
    let pack = std::fs::read(out.join("packs/Z90001.zip")).unwrap_or_default();
    assert!(pack.is_empty() || !String::from_utf8_lossy(&pack).contains(".pdf"), "a draft went in a pack");

    // A translator approves only their own language.
    let refused = fx.run(&["approve", "--as", "Uma Translator", "content/posters/where-to-get-help.gu.md"]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("not a translator of `gu`"), "{}", refused.stderr);

    // Approve everything; the marks go and the approver is named.
    let files: Vec<String> = walkdir::WalkDir::new(fx.path("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(fx.root()).unwrap().to_string_lossy().into_owned())
        .filter(|p| {
            p.ends_with(".md")
                && !p.contains("/practices/")
                && !p.contains(".gu.")
                && !p.contains(".pa.")
                && !p.contains(".ur.")
                && !p.contains(".pl.")
        })
        .collect();
    let mut args = vec!["approve", "--as", "Ann Approver"];
    args.extend(files.iter().map(String::as_str));
    fx.run(&args).ok();
    fx.run(&["build", "--quiet"]).ok();
    let text = squash(&pdf_text(&guide));
    assert!(!text.contains(notice), "an approved guide still says draft");
    assert!(text.contains("Approved by Ann Approver, Medical Secretary"), "no approval line in the guide");
    let html = std::fs::read_to_string(guide.with_extension("html")).unwrap();
    assert!(!html.contains(notice) && html.contains("Approved by Ann Approver, Medical Secretary"));
    assert!(!word_headers(&docx).contains(notice), "an approved letter still says draft");
    let ag = std::fs::read_to_string(out.join("practices/Z90001/ag-disclaimer.txt")).unwrap();
    assert!(!ag.contains(notice), "{ag}");

    // A hand edit of the ledger is found, and what came before it still stands.
    let ledger = fx.read("approvals/ledger.jsonl");
    fx.write("approvals/ledger.jsonl", &ledger.replacen("Ann Approver", "Mallory", 1));
    let check = fx.run(&["check"]);
    assert_ne!(check.code, 0, "check passed a tampered ledger");
    assert!(check.stderr.contains("damaged at line 1"), "{}", check.stderr);
}

/// The text of every header part of a Word file.
fn word_headers(path: &std::path::Path) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let names: Vec<String> =
        archive.file_names().filter(|n| n.starts_with("word/header")).map(String::from).collect();
    let mut all = String::new();
    for name in names {
        archive.by_name(&name).unwrap().read_to_string(&mut all).unwrap();
    }
    all
}
