//! End-to-end: the first hour of an LMC and its practice managers with `serve` and private
//! links (issue 34): one public address set in lmc.yaml, links that keep a practice signed in
//! until revoked, grants made at the same moment, a busy port, a server still starting, the
//! documentation served from the binary, and the practice form's clinicians, words and history.

use std::path::Path;
use std::process::Command;

use crate::common::Fixture;
use crate::serve::{Server, input_value, multipart, project, request};

const PUBLIC: &str = "https://docs.example-lmc.org";

fn set_lmc_keys(fx: &Fixture, keys: &str) {
    let lmc = fx.read("content/lmc.yaml");
    fx.write("content/lmc.yaml", &format!("{}\n{keys}", lmc.trim_end()));
}

/// The key of a private link printed by `access grant`.
fn key_of(link: &str) -> String {
    link.trim().rsplit("key=").next().unwrap().to_string()
}

#[test]
fn public_url_is_set_once_for_grant_list_and_serve() {
    let (fx, _) = project();
    // Without it, the link points at serve's default on this computer, and the hint says how
    // to set it.
    let plain = fx.run(&["access", "grant", "Z90001"]).ok();
    assert!(plain.stdout.starts_with("http://127.0.0.1:8080/practices/Z90001/?key="), "{}", plain.stdout);
    assert!(plain.stderr.contains("set `public_url:` in content/lmc.yaml"), "{}", plain.stderr);

    set_lmc_keys(&fx, &format!("public_url: {PUBLIC}\n"));
    fx.run(&["check"]).ok();
    let link = fx.run(&["access", "grant", "Z90001", "--label", "Jo, practice manager"]).ok();
    assert!(link.stdout.starts_with(&format!("{PUBLIC}/practices/Z90001/?key=")), "{}", link.stdout);
    assert!(!link.stderr.contains("public_url"), "no hint once it is set: {}", link.stderr);
    let lmc = fx.run(&["access", "grant", "--lmc"]).ok();
    assert!(lmc.stdout.starts_with(&format!("{PUBLIC}/?key=")), "{}", lmc.stdout);
    // --base-url still wins, and must be an address.
    let other = fx.run(&["access", "grant", "Z90002", "--base-url", "http://10.0.0.5:9000"]).ok();
    assert!(other.stdout.starts_with("http://10.0.0.5:9000/practices/Z90002/?key="), "{}", other.stdout);
    let bad = fx.run(&["access", "grant", "Z90002", "--base-url", "docs.example-lmc.org"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("is not a web address"), "{}", bad.stderr);

    // Each link once, with who it opens for, its label and the day it was made.
    let list = fx.run(&["access", "list"]).ok().stdout;
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 4, "{list}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("practice Z90001")).count(), 2, "{list}");
    assert!(lines.iter().any(|l| l.contains("Jo, practice manager")), "{list}");
    let today = time::OffsetDateTime::now_utc().date().to_string();
    assert!(lines.iter().all(|l| l.contains(&format!("granted {today}"))), "{list}");

    // serve says where practices reach it.
    let server = Server::listening(&fx, &["--require-keys"], &[]);
    let said = server.wait_log("practices reach it at").join("\n");
    assert!(said.contains(PUBLIC), "{said}");
    server.wait_log(" failed");
    // and its Secure cookie follows the https address.
    let opened = server.get(&format!("/practices/Z90001/?key={}", key_of(&link.stdout)), &[]);
    assert_eq!(opened.status, 303);
    assert!(opened.header("set-cookie").unwrap().contains("Secure"), "{:?}", opened.header("set-cookie"));
}

#[test]
fn a_public_url_that_is_not_an_address_is_an_error_at_its_line() {
    let (fx, _) = project();
    set_lmc_keys(&fx, "public_url: ftp://docs.example-lmc.org\nsign_in_days: 1000\n");
    let check = fx.run(&["check"]);
    assert_ne!(check.code, 0);
    assert!(check.stderr.contains("is not an http:// or https:// address"), "{}", check.stderr);
    assert!(check.stderr.contains("`sign_in_days: 1000` is out of range"), "{}", check.stderr);
    assert!(check.stderr.contains("content/lmc.yaml:"), "located: {}", check.stderr);
    let grant = fx.run(&["access", "grant", "Z90001"]);
    assert_ne!(grant.code, 0, "a link to a wrong address is not made");
    assert!(grant.stderr.contains("public_url"), "{}", grant.stderr);
    let schema = lmcpress::load::schema::all();
    let lmc = schema.iter().find(|s| s.file_name == lmcpress::load::schema::LMC).unwrap();
    let props = &lmc.json["properties"];
    assert!(props["public_url"]["description"].as_str().unwrap().contains("access grant"), "{props}");
    assert_eq!(props["sign_in_days"]["maximum"], 400.0, "{props}");
}

#[test]
fn a_practice_stays_signed_in_until_revoked() {
    let (fx, _) = project();
    set_lmc_keys(&fx, "sign_in_days: 30\n");
    let key = key_of(&fx.run(&["access", "grant", "Z90001"]).ok().stdout);
    let server = Server::start(&fx, &["--require-keys"]);
    let opened = server.get(&format!("/practices/Z90001/?key={key}"), &[]);
    assert_eq!(opened.status, 303);
    let set = opened.header("set-cookie").unwrap().to_string();
    assert!(set.contains("Max-Age=2592000"), "30 days: {set}");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();
    let as_practice = [("Cookie", cookie.as_str())];
    assert_eq!(server.get("/practices/Z90001/", &as_practice).status, 200);

    fx.run(&["access", "revoke", "Z90001"]).ok();
    let refused = server.get("/practices/Z90001/", &as_practice);
    assert_eq!(refused.status, 401, "a revoked link still opens");
    assert!(
        refused.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")),
        "the old cookie is dropped"
    );
    assert_eq!(server.get(&format!("/practices/Z90001/?key={key}"), &[]).status, 401);
}

#[test]
fn the_default_sign_in_lasts_ninety_days() {
    let (fx, _) = project();
    let key = key_of(&fx.run(&["access", "grant", "Z90002"]).ok().stdout);
    let server = Server::start(&fx, &["--require-keys"]);
    let opened = server.get(&format!("/practices/Z90002/?key={key}"), &[]);
    assert!(opened.header("set-cookie").unwrap().contains(&format!("Max-Age={}", 90 * 86_400)));
}

#[test]
fn grants_made_at_the_same_moment_are_all_kept() {
    let (fx, _) = project();
    // Started all at once, so that they read and write the access list at the same moment.
    let spawned: Vec<_> = (0..8)
        .map(|i| {
            let ods = if i % 2 == 0 { "Z90001" } else { "Z90002" };
            Command::new(env!("CARGO_BIN_EXE_lmcpress"))
                .args(["access", "grant", ods, "--label", &format!("together {i}")])
                .current_dir(fx.root())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let keys: Vec<String> = spawned
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            key_of(&String::from_utf8_lossy(&out.stdout))
        })
        .collect();
    let list = fx.run(&["access", "list"]).ok().stdout;
    assert_eq!(list.lines().filter(|l| l.contains("together ")).count(), 8, "a link was lost:\n{list}");
    assert_eq!(list.lines().count(), 8, "{list}");
    let stored: serde_json::Value = serde_json::from_str(&fx.read(".lmcpress-access.json")).unwrap();
    let hashes: Vec<&str> =
        stored["grants"].as_array().unwrap().iter().map(|g| g["hash"].as_str().unwrap()).collect();
    for key in &keys {
        assert!(hashes.contains(&lmcpress::access::hash_key(key).as_str()), "the link {key} opens nothing");
    }
}

#[test]
fn a_busy_port_says_so_and_suggests_another() {
    let (fx, _) = project();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = fx.run(&["serve", "--port", &port]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains(&format!("port {port} is already in use")), "{}", run.stderr);
    assert!(run.stderr.contains("--port"), "{}", run.stderr);
    assert!(!run.stderr.contains("os error"), "in the user's words: {}", run.stderr);
}

#[test]
fn a_practice_link_opened_while_starting_is_told_to_wait() {
    let (fx, _) = project();
    let key = key_of(&fx.run(&["access", "grant", "Z90001"]).ok().stdout);
    let server = Server::listening(&fx, &["--require-keys"], &[]);
    let opened = server.get(&format!("/practices/Z90001/?key={key}"), &[]);
    let cookie = opened.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    // The first build typesets every document: far longer than this one request.
    let early = server.get("/practices/Z90001/", &[("Cookie", &cookie)]);
    assert_eq!(early.status, 503, "{}", early.text());
    assert!(early.header("retry-after").is_some(), "no Retry-After");
    assert!(early.text().contains("Starting up"), "{}", early.text());
    server.wait_log(" failed");
    assert_eq!(server.get("/practices/Z90001/", &[("Cookie", &cookie)]).status, 200);
    assert_eq!(server.get("/practices/Z99999/", &[("Cookie", &cookie)]).status, 403);
}

#[test]
fn the_editor_links_to_the_content_format_served_from_the_binary() {
    let (fx, _) = project();
    assert!(!fx.path("docs").exists(), "a project has no docs/ of its own");
    let server = Server::start(&fx, &[]);
    let editor = server.get("/content/ag-disclaimer", &[]).text();
    assert!(editor.contains("href=\"/help/content-format\""), "{editor}");
    assert!(!editor.contains("docs/content-format.md"), "{editor}");
    let help = server.get("/help/content-format", &[]);
    assert_eq!(help.status, 200);
    let page = help.text();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(repo.join("docs/content-format.md")).unwrap();
    let heading = doc.lines().find(|l| l.starts_with("# ")).unwrap().trim_start_matches("# ");
    assert!(page.contains(heading), "{page}");
    assert!(page.contains("public_url"), "the keys of lmc.yaml are documented: {page}");
    assert_eq!(server.get("/help/no-such-page", &[]).status, 404);
}

#[test]
fn a_practice_manager_edits_clinicians_as_rows_and_restores_an_earlier_version() {
    let (fx, _) = project();
    let server = Server::start(&fx, &[]);
    let form = server.get("/practices/Z90001/profile", &[]).text();
    // Plain labels and the schema's hints.
    assert!(form.contains(">ODS code<"), "{form}");
    assert!(!form.contains("Ods code"), "{form}");
    assert!(form.contains("a capital letter then five digits"), "no hint from the schema:\n{form}");
    assert!(form.contains("Add a clinician"), "{form}");
    assert!(form.contains("name=\"clinicians.0.gmc\""), "{form}");
    let csrf = input_value(&form, "csrf");
    let post = |fields: &[(&str, &str)]| {
        let (kind, body) = multipart(fields, None);
        request(&server.addr, "POST", "/practices/Z90001/profile", &[("Content-Type", &kind)], &body)
    };
    let original = fx.read("content/practices/a.yaml");

    // Adding a GP through the empty row.
    let added = post(&[
        ("csrf", &csrf),
        ("clinicians.0.name", "Dr Cara Cedar"),
        ("clinicians.0.role", "GP Partner"),
        ("clinicians.0.gmc", "7654321"),
        ("clinicians.0.nmc", ""),
    ]);
    assert_eq!(added.status, 303, "{}", added.text());
    let profile =
        lmcpress::load::config::load_practice(fx.root(), &fx.path("content/practices/a.yaml")).unwrap();
    assert_eq!(profile.clinicians.len(), 1);
    assert_eq!(profile.clinicians[0].registration, "GMC 7654321");
    assert!(fx.read("content/practices/a.yaml").starts_with("# Practice A"), "comments kept");

    // A second, with a mistake: refused beside its row, the file untouched.
    let form = server.get("/practices/Z90001/profile", &[]).text();
    assert!(form.contains("value=\"Dr Cara Cedar\""), "{form}");
    let before = fx.read("content/practices/a.yaml");
    let bad = post(&[
        ("csrf", &csrf),
        ("clinicians.0.name", "Dr Cara Cedar"),
        ("clinicians.0.role", "GP Partner"),
        ("clinicians.0.gmc", "7654321"),
        ("clinicians.1.name", "Nurse Dee Elm"),
        ("clinicians.1.role", "Practice Nurse"),
        ("clinicians.1.gmc", "12345"),
    ]);
    assert_eq!(bad.status, 422, "{}", bad.text());
    let page = bad.text();
    let row = &page[page.find("Clinician 2").expect("the row is shown again")..];
    assert!(row.find("is not a GMC number").unwrap() < row.find("</fieldset>").unwrap(), "{page}");
    assert_eq!(fx.read("content/practices/a.yaml"), before);

    // Removing the GP.
    let removed = post(&[
        ("csrf", &csrf),
        ("clinicians.0.name", "Dr Cara Cedar"),
        ("clinicians.0.role", "GP Partner"),
        ("clinicians.0.gmc", "7654321"),
        ("clinicians.0.remove", "1"),
        ("clinicians.1.name", ""),
    ]);
    assert_eq!(removed.status, 303, "{}", removed.text());
    assert!(
        !fx.read("content/practices/a.yaml").contains("clinicians"),
        "{}",
        fx.read("content/practices/a.yaml")
    );

    // The history lists who saved each version (the profile is now as it first was, so that
    // one is current too); restoring the one with the GP brings the GP back.
    let history = server.get("/practices/Z90001/profile/history", &[]);
    assert_eq!(history.status, 200);
    let page = history.text();
    assert!(page.contains("LMC editor") && page.contains("on disk"), "who saved it: {page}");
    assert_eq!(fx.read("content/practices/a.yaml"), original);
    let versions: Vec<&str> = page
        .split("name=\"version\" value=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(versions.len(), 1, "only the version with the GP differs from today's: {page}");
    let with_gp = versions[0].to_string();
    let base = input_value(&page, "base");
    let restore = |csrf: &str, origin: Option<&str>| {
        let body = format!("csrf={csrf}&base={base}&version={with_gp}");
        let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
        if let Some(o) = origin {
            headers.push(("Origin", o));
        }
        request(&server.addr, "POST", "/practices/Z90001/profile/history", &headers, body.as_bytes())
    };
    assert_eq!(restore("0000", None).status, 403, "a forged form");
    assert_eq!(restore(&csrf, Some("http://evil.example")).status, 403, "another site's form");
    for bogus in ["..%2F..%2Fsecret.txt", "999999", "0123456789abcdef0123456789abcdef01234567"] {
        let body = format!("csrf={csrf}&base={base}&version={bogus}");
        let headers = [("Content-Type", "application/x-www-form-urlencoded")];
        let r = request(&server.addr, "POST", "/practices/Z90001/profile/history", &headers, body.as_bytes());
        assert_eq!(r.status, 404, "version {bogus}");
    }
    let done = restore(&csrf, None);
    assert_eq!(done.status, 303, "{}", done.text());
    let profile =
        lmcpress::load::config::load_practice(fx.root(), &fx.path("content/practices/a.yaml")).unwrap();
    assert_eq!(profile.clinicians.len(), 1, "{}", fx.read("content/practices/a.yaml"));
    assert_eq!(profile.clinicians[0].name, "Dr Cara Cedar");
    // The restore is a version of its own, and restoring over a newer save is refused.
    assert_eq!(restore(&csrf, None).status, 409, "the page's version is no longer current");
    let audit = fx.run(&["audit"]).ok().stdout;
    assert!(audit.to_lowercase().contains("restore"), "{audit}");
}

#[test]
fn another_practice_cannot_see_or_restore_a_profile_history() {
    let (fx, _) = project();
    let key = key_of(&fx.run(&["access", "grant", "Z90002"]).ok().stdout);
    let server = Server::start(&fx, &["--require-keys"]);
    let opened = server.get(&format!("/practices/Z90002/?key={key}"), &[]);
    let cookie = opened.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let as_b = [("Cookie", cookie.as_str())];
    assert_eq!(server.get("/practices/Z90002/profile/history", &as_b).status, 200);
    assert_eq!(server.get("/practices/Z90001/profile/history", &as_b).status, 403);
    let body = b"csrf=x&base=y&version=1";
    let headers = [("Cookie", cookie.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let r = request(&server.addr, "POST", "/practices/Z90001/profile/history", &headers, body);
    assert_eq!(r.status, 403);
}

#[cfg(unix)]
#[test]
fn serve_open_hands_the_address_to_the_browser() {
    use std::os::unix::fs::PermissionsExt;
    if !Path::new("/bin/sh").exists() {
        eprintln!("skipped: no /bin/sh to stand in for a browser");
        return;
    }
    let (fx, _) = project();
    // A stand-in browser that writes down what it was asked to open: nothing is opened.
    let opened = fx.path("opened.txt");
    let browser = fx.path("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display())).unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = Server::listening(&fx, &["--open"], &[("BROWSER", browser.to_str().unwrap())]);
    let start = std::time::Instant::now();
    while !opened.exists() {
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "the browser was never asked");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut said = std::fs::read_to_string(&opened).unwrap();
    while !said.ends_with('\n') {
        std::thread::sleep(std::time::Duration::from_millis(50));
        said = std::fs::read_to_string(&opened).unwrap();
    }
    assert_eq!(said.trim(), format!("http://{}/", server.addr));
}

#[test]
fn notify_links_start_with_the_public_url() {
    let (fx, _) = project();
    fx.run(&["build"]).ok();
    let notify = ["notify", "--practice", "Z90001", "--from", "news@lmc.example.org"];
    let without = fx.run(&notify).ok();
    assert!(without.stderr.contains("carry no link"), "{}", without.stderr);
    set_lmc_keys(&fx, &format!("public_url: {PUBLIC}\n"));
    fx.run(&notify).ok();
    let draft = std::fs::read_to_string(fx.out("notify/Z90001.eml")).unwrap();
    assert!(draft.contains(&format!("{PUBLIC}/practices/Z90001/?key=")), "{draft}");
}
