//! End-to-end: the LMC editor's content pages on `lmcpress serve`: previews that write
//! nothing, saves checked like `check`, no lost updates, every version kept and restorable,
//! the audit log, who may open the pages, and limits on what a request may carry.

use std::collections::BTreeMap;
use std::path::Path;

use crate::serve::{Response, Server, input_value, project, request};

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let enc =
        |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&").into_bytes()
}

fn post(server: &Server, path: &str, headers: &[(&str, &str)], fields: &[(&str, &str)]) -> Response {
    let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    request(&server.addr, "POST", path, &all, &form(fields))
}

/// Every file under `dir` with its bytes: what a preview must leave exactly as it was.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn textarea(html: &str, id: &str) -> String {
    let start = html.find(&format!("<textarea id=\"{id}\"")).unwrap_or_else(|| panic!("no {id} box"));
    let open = start + html[start..].find('>').unwrap() + 1;
    let end = open + html[open..].find("</textarea>").unwrap();
    html[open..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[test]
fn editor_previews_in_memory_saves_checked_and_keeps_every_version() {
    let (fx, slug) = project();
    let server = Server::start(&fx, &[]);
    let list = server.get("/content/", &[]).text();
    assert!(list.contains(&format!("href=\"/content/posters/{slug}\"")), "{list}");
    assert!(list.contains("href=\"/content/lmc.yaml\"") && list.contains("href=\"/content/ag-disclaimer\""));

    let page_path = format!("/content/posters/{slug}");
    let file = format!("content/posters/{slug}.md");
    let original = fx.read(&file);
    let page = server.get(&page_path, &[]).text();
    let (csrf, base) = (input_value(&page, "csrf"), input_value(&page, "base"));
    let (front, body) = (textarea(&page, "front"), textarea(&page, "body"));
    assert_eq!(format!("---\n{front}\n---\n{body}"), original, "the editor shows the file as it is");

    // A preview typesets the draft in memory: nothing under the project changes.
    let before = tree(fx.root());
    let draft = format!("{body}\nA sentence only the draft has.\n");
    let shown = post(
        &server,
        &page_path,
        &[("X-Preview", "1")],
        &[("csrf", &csrf), ("base", &base), ("action", "preview"), ("front", &front), ("body", &draft)],
    );
    assert_eq!(shown.status, 200);
    assert!(shown.text().contains("<img class=\"page\" src=\"data:image/png;base64,"), "{}", shown.text());
    let bad = format!("{body}\n{{{{ practice.nonsense }}}}\n");
    let flagged = post(
        &server,
        &page_path,
        &[("X-Preview", "1")],
        &[("csrf", &csrf), ("base", &base), ("action", "preview"), ("front", &front), ("body", &bad)],
    )
    .text();
    assert!(
        flagged.contains("unknown placeholder `practice.nonsense`")
            && flagged.contains("data-target=\"body\""),
        "{flagged}"
    );
    assert_eq!(tree(fx.root()), before, "a preview wrote to the project");

    // A save that check refuses leaves the file alone and says why beside the line.
    let refused = post(
        &server,
        &page_path,
        &[],
        &[("csrf", &csrf), ("base", &base), ("action", "save"), ("front", &front), ("body", &bad)],
    );
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("unknown placeholder"), "{}", refused.text());
    assert_eq!(fx.read(&file), original);

    // A good save writes the file, keeps the version it replaced and logs who did it.
    let saved = post(
        &server,
        &page_path,
        &[],
        &[("csrf", &csrf), ("base", &base), ("action", "save"), ("front", &front), ("body", &draft)],
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert_eq!(fx.read(&file), format!("---\n{front}\n---\n{draft}"));
    server.wait_log("changed: rebuilt");
    let audit = fx.read(".lmcpress-audit.jsonl");
    assert!(audit.contains("\"who\":\"LMC editor\",\"what\":\"save\"") && audit.contains(&file), "{audit}");

    // The page opened before that save is stale: its save is refused and both versions shown.
    let stale = post(
        &server,
        &page_path,
        &[],
        &[("csrf", &csrf), ("base", &base), ("action", "save"), ("front", &front), ("body", "Overwrite?\n")],
    );
    assert_eq!(stale.status, 409);
    let conflict = stale.text();
    assert!(
        conflict.contains("A sentence only the draft has.") && conflict.contains("Overwrite?"),
        "{conflict}"
    );
    assert!(fx.read(&file).contains("A sentence only the draft has."), "a stale save overwrote the file");

    // The history has the version on disk before and the save; restoring the first puts it back.
    let history = server.get(&format!("{page_path}?view=history"), &[]).text();
    assert_eq!(history.matches("name=\"version\"").count(), 1, "one earlier version to restore:\n{history}");
    let version = input_value(&history, "version");
    let now = input_value(&history, "base");
    let restored = post(
        &server,
        &page_path,
        &[],
        &[("csrf", &csrf), ("base", &now), ("action", "restore"), ("version", &version)],
    );
    assert_eq!(restored.status, 303);
    assert_eq!(fx.read(&file), original);
    assert!(fx.path(&format!(".lmcpress-history/{file}")).is_dir());
    assert!(fx.read(".lmcpress-audit.jsonl").contains("\"what\":\"restore\""));

    // A new poster starts from its template; deleting it keeps it in the history.
    let made =
        post(&server, "/content/", &[], &[("csrf", &csrf), ("kind", "posters"), ("name", "winter-notice")]);
    assert_eq!(made.status, 303, "{}", made.text());
    assert!(fx.read("content/posters/winter-notice.md").contains("kind: poster"));
    let fresh = std::fs::read(fx.path("content/posters/winter-notice.md")).unwrap();
    let fresh_base = blake3::hash(&fresh).to_hex().to_string();
    let gone = post(
        &server,
        "/content/posters/winter-notice",
        &[],
        &[("csrf", &csrf), ("base", &fresh_base), ("action", "delete")],
    );
    assert_eq!(gone.status, 303, "{}", gone.text());
    assert!(!fx.path("content/posters/winter-notice.md").exists());
    let kept = server.get("/content/posters/winter-notice?view=history", &[]).text();
    assert!(kept.contains("deleted") && kept.contains("name=\"version\""), "{kept}");
}

#[test]
fn content_pages_are_the_editors_only_bounded_and_audited() {
    let (fx, slug) = project();
    let grant = |who: &str| {
        let link = fx.run(&["access", "grant", who]).ok().stdout;
        link.trim().rsplit("key=").next().unwrap().to_string()
    };
    let key_a = grant("Z90001");
    let key_lmc = grant("--lmc");
    let server = Server::start(&fx, &["--require-keys", "--public-url", "https://docs.example-lmc.org"]);

    let opened = server.get(&format!("/?key={key_lmc}"), &[]);
    assert!(opened.header("set-cookie").unwrap().contains("; Secure"), "https public address, Secure cookie");
    let a = format!("Bearer {key_a}");
    let lmc = format!("Bearer {key_lmc}");
    let as_a = [("Authorization", a.as_str())];
    let as_lmc = [("Authorization", lmc.as_str())];
    let page_path = format!("/content/posters/{slug}");
    for path in ["/content/", page_path.as_str(), "/content/lmc.yaml"] {
        assert_eq!(server.get(path, &as_a).status, 403, "{path} with a practice's link");
        assert_eq!(server.get(path, &as_lmc).status, 200, "{path} with the editor's link");
    }
    assert_eq!(post(&server, &page_path, &as_a, &[("action", "save")]).status, 403);
    for name in [
        "/content/..%2Fsecret.txt",
        "/content/guide/..%2F..%2Fsecret",
        "/content/practices/a",
        "/content/posters/.hidden",
    ] {
        assert_eq!(server.get(name, &as_lmc).status, 404, "{name}");
    }

    let page = server.get(&page_path, &as_lmc).text();
    let (csrf, base) = (input_value(&page, "csrf"), input_value(&page, "base"));
    let huge = "x".repeat(300 * 1024);
    let big = post(
        &server,
        &page_path,
        &as_lmc,
        &[("csrf", &csrf), ("base", &base), ("action", "save"), ("front", "a: 1"), ("body", &huge)],
    );
    assert_eq!(big.status, 413, "a body over the limit");
    let mut foreign = as_lmc.to_vec();
    foreign.push(("Origin", "https://evil.example"));
    let refused = post(
        &server,
        &page_path,
        &foreign,
        &[("csrf", &csrf), ("base", &base), ("action", "preview"), ("front", "a: 1"), ("body", "")],
    );
    assert_eq!(refused.status, 403, "a post from another site");
    let mut proxied = as_lmc.to_vec();
    proxied.push(("Origin", "https://docs.example-lmc.org"));
    let accepted = post(
        &server,
        &page_path,
        &proxied,
        &[("csrf", &csrf), ("base", &base), ("action", "preview"), ("front", "a: 1"), ("body", "")],
    );
    assert_eq!(accepted.status, 200, "a post from the public address");

    assert_eq!(server.get("/practices/Z90001/pack.zip", &as_a).status, 200);
    let log = fx.read(".lmcpress-audit.jsonl");
    assert!(!log.contains(&key_a) && !log.contains(&key_lmc), "a key in the audit log");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(fx.path(".lmcpress-audit.jsonl")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let printed = fx.run(&["audit", "--practice", "Z90001"]).ok().stdout;
    assert!(
        printed.contains("grant")
            && printed.contains("pack-download")
            && printed.contains("Z90001 practice link"),
        "{printed}"
    );
    assert!(!printed.contains("LMC editor"), "--practice keeps to that practice:\n{printed}");
    assert!(fx.run(&["audit", "--since", "2999-01-01"]).ok().stdout.trim().is_empty());
}

#[test]
fn the_front_matter_form_changes_only_the_keys_the_editor_changed() {
    let (fx, slug) = project();
    let server = Server::start(&fx, &[]);
    let page_path = format!("/content/posters/{slug}");
    let file = format!("content/posters/{slug}.md");
    let original = fx.read(&file);
    let page = server.get(&page_path, &[]).text();
    // The poster's own keys, typed: its title as text, opt-in as a box, its icon from a list.
    assert!(page.contains("name=\"fm.title\""), "{page}");
    assert!(page.contains("type=\"checkbox\" id=\"fm-opt_in\""), "{page}");
    assert!(page.contains("<select id=\"fm-icon\"") && page.contains("<option>pharmacy</option>"), "{page}");
    let (csrf, base) = (input_value(&page, "csrf"), input_value(&page, "base"));
    let (front, body) = (textarea(&page, "front"), textarea(&page, "body"));
    let title = input_value(&page, "fm0.title");

    let saved = post(
        &server,
        &page_path,
        &[],
        &[
            ("csrf", &csrf),
            ("base", &base),
            ("action", "save"),
            ("front", &front),
            ("body", &body),
            ("fm0.title", &title),
            ("fm.title", "Where to get help: \"today\""),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    let now = fx.read(&file);
    let changed: Vec<(&str, &str)> = original.lines().zip(now.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.starts_with("title: ") && changed[0].1.contains("\\\"today\\\""), "{changed:?}");
    assert_eq!(original.lines().count(), now.lines().count());
    server.wait_log("changed: rebuilt");
}
