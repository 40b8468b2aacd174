//! End-to-end: `lmcpress serve` on a free loopback port over a small project, spoken to with
//! plain HTTP/1.1 over a TcpStream (no client library, no browser).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::common::Fixture;

const PROFILE_A: &str = "# Practice A: comments and key order must survive a save\n\
ods_code: Z90001\n\
name: \"Alder & Ash Surgery\"\n\
address: [\"1 Alder Row\", \"Leicester\"]\n\
postcode: LE1 1AA\n\
phone: \"0116 496 0001\" # front desk\n\
email: hello@alder.example.org\n\
brand_colour: \"#005EB8\"\n\
signatory:\n  name: Dr Ann Alder\n  role: GP Partner\n";

const PROFILE_B: &str = "ods_code: Z90002\nname: Birch Practice\naddress: [\"2 Birch Lane\", \"Leicester\"]\n\
postcode: LE2 2BB\nphone: \"0116 496 0002\"\nemail: hello@birch.example.org\nbrand_colour: \"#330072\"\n\
signatory: {name: Dr Ben Birch, role: GP Partner}\n";

/// A project on the built-in theme with the shipped LMC, the A&G wording, one poster, one letter and
/// two practices of its own, so that content edits elsewhere do not change these tests.
pub(crate) fn project() -> (Fixture, String) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fx = Fixture { dir };
    // Sign-off has tests of its own (signoff.rs): here documents go out as they are.
    let lmc = std::fs::read_to_string(repo.join("content/lmc.yaml"))
        .unwrap()
        .replace("approval: required", "approval: off");
    fx.write("content/lmc.yaml", &lmc);
    fx.write(
        "content/ag-disclaimer.md",
        &std::fs::read_to_string(repo.join("content/ag-disclaimer.md")).unwrap(),
    );
    let first = |sub: &str| {
        let mut names: Vec<_> = std::fs::read_dir(repo.join("content").join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        names.sort();
        names.remove(0)
    };
    let poster = first("posters");
    let slug = poster.file_stem().unwrap().to_string_lossy().into_owned();
    fx.write(&format!("content/posters/{slug}.md"), &std::fs::read_to_string(&poster).unwrap());
    let letter = first("letters");
    let name = letter.file_name().unwrap().to_string_lossy().into_owned();
    fx.write(&format!("content/letters/{name}"), &std::fs::read_to_string(&letter).unwrap());
    fx.write("content/practices/a.yaml", &format!("{PROFILE_A}posters: [{slug}]\n"));
    fx.write("content/practices/b.yaml", &format!("{PROFILE_B}posters: [{slug}]\n"));
    fx.write("secret.txt", "TOP-SECRET");
    (fx, slug)
}

pub(crate) struct Server {
    child: Child,
    pub(crate) addr: String,
    log: Receiver<String>,
}

impl Server {
    pub(crate) fn start(fx: &Fixture, extra: &[&str]) -> Server {
        let server = Server::listening(fx, extra, &[]);
        server.wait_log(" failed");
        server
    }

    /// The server as soon as it listens, before its first build is done, with `env` set.
    pub(crate) fn listening(fx: &Fixture, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lmcpress"))
            .args(["serve", "--port", "0", "--debounce", "50"])
            .args(extra)
            .envs(env.iter().copied())
            .current_dir(fx.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let addr = first
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        let (tx, log) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Server { child, addr, log }
    }

    /// Log lines up to the first holding `needle`.
    pub(crate) fn wait_log(&self, needle: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match self.log.recv_timeout(Duration::from_secs(90)) {
                Ok(line) => {
                    let done = line.contains(needle);
                    seen.push(line);
                    if done {
                        return seen;
                    }
                }
                Err(_) => panic!("no log line with {needle:?}; saw:\n{}", seen.join("\n")),
            }
        }
    }

    pub(crate) fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        request(&self.addr, "GET", path, headers, b"")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on its own connection. The path is sent exactly as given, so tests
/// can send what a browser would normalise away.
pub(crate) fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked =
        headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 2 + size + 2..];
        }
        body = out;
    }
    Response { status, headers, body }
}

pub(crate) fn multipart(fields: &[(&str, &str)], logo: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "----lmcpress-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    let logo = logo.unwrap_or(b"");
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"logo_file\"; filename=\"logo.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(logo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The value of the first `name="NAME" value="..."` hidden input in a page.
pub(crate) fn input_value(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no {name} in page"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Waits until `path` answers with a page that contains `needle`.
fn wait_page(server: &Server, path: &str, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let page = server.get(path, &[]).text();
        if page.contains(needle) {
            return page;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{path} never showed {needle:?}:\n{page}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_lists_practices_shows_documents_and_packs_them() {
    let (fx, slug) = project();
    let server = Server::start(&fx, &[]);

    let index = server.get("/", &[]);
    assert_eq!(index.status, 200);
    let html = index.text();
    assert!(html.contains("Alder &amp; Ash Surgery") && html.contains("Birch Practice"), "{html}");
    assert!(html.contains("href=\"/practices/Z90001/\""), "{html}");
    for (name, want) in [
        ("content-security-policy", "frame-ancestors 'self'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
    ] {
        assert!(index.header(name).is_some_and(|v| v.contains(want)), "{name}: {:?}", index.headers);
    }

    let page = server.get("/practices/Z90001/", &[]);
    assert_eq!(page.status, 200);
    let html = page.text();
    let img = format!("/practices/Z90001/files/posters/{slug}.png?v=");
    assert!(html.contains(&img), "poster preview missing:\n{html}");
    assert!(html.contains(&format!("social/{slug}-square.png")), "{html}");
    // A letter shows as an image of its first page (an embedded PDF shows nothing on phones).
    let tag = "<img class=\"letter-page\" src=\"";
    let at = html.find(tag).expect("letter preview missing") + tag.len();
    let src = &html[at..at + html[at..].find('"').unwrap()];
    let image = server.get(&src.replace("&amp;", "&"), &[]);
    assert_eq!((image.status, image.header("content-type")), (200, Some("image/png")), "{src}");
    assert!(image.body.starts_with(b"\x89PNG"));
    // Every document offers its files to download, each of which the server hands out.
    for wanted in [format!("files/posters/{slug}.pdf?v="), "letters/".to_string(), ".docx?v=".to_string()] {
        let link = html
            .split("<a href=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .find(|href| href.contains(&wanted) && href.contains("/files/"))
            .unwrap_or_else(|| panic!("no download of {wanted}:\n{html}"));
        assert_eq!(server.get(&link.replace("&amp;", "&"), &[]).status, 200, "{link}");
    }
    assert!(html.matches("\" download>").count() >= 4, "{html}");
    assert!(html.contains("id=\"text-ag-disclaimer-1\""), "A&G text missing:\n{html}");
    assert!(html.contains("data-copy=\"text-ag-disclaimer-1\""));
    // Each document under its own title, and the content's own sentence on when to paste.
    let front = |file: &str, key: &str| {
        let text = std::fs::read_to_string(fx.path(file)).unwrap();
        let line = text.lines().find(|l| l.starts_with(key)).unwrap().to_string();
        line[key.len()..].trim().trim_matches('"').replace('&', "&amp;").replace('\'', "&#x27;")
    };
    let title = front(&format!("content/posters/{slug}.md"), "title:");
    assert!(
        html.contains(&format!("<h3>{title}</h3>")),
        "the poster's own title {title:?} is missing:\n{html}"
    );
    let when = front("content/ag-disclaimer.md", "use_when:");
    assert!(html.contains(&when), "the A&G sentence is missing:\n{html}");
    assert!(!html.contains("into each e-RS"), "{html}");

    let png = server.get(&format!("/practices/Z90001/files/posters/{slug}.png"), &[]);
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert!(png.body.starts_with(b"\x89PNG"));
    let on_disk = std::fs::read(fx.out(&format!("practices/Z90001/posters/{slug}.png"))).unwrap();
    assert_eq!(png.body, on_disk);

    let pack = server.get("/practices/Z90001/pack.zip", &[]);
    assert_eq!(pack.status, 200);
    assert_eq!(pack.header("content-type"), Some("application/zip"));
    assert!(pack.body.starts_with(b"PK\x03\x04"));
    let listing = String::from_utf8_lossy(&pack.body);
    assert!(listing.contains(&format!("Posters to print/A4/{slug}.pdf")), "pack lacks the poster");
    assert!(listing.contains("Advice and Guidance/ag-disclaimer.txt"));
    assert!(!listing.contains("Z90002"), "another practice's files in the pack");
    // Sent from the file it was zipped into: whole, with its length said up front.
    assert_eq!(pack.header("content-length"), Some(pack.body.len().to_string().as_str()));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&pack.body)).unwrap();
    let mut readme = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("README.txt").unwrap(), &mut readme).unwrap();
    assert!(readme.contains("Z90001"), "{readme}");
    let mut a4 = Vec::new();
    let name = format!("Posters to print/A4/{slug}.pdf");
    std::io::Read::read_to_end(&mut archive.by_name(&name).unwrap(), &mut a4).unwrap();
    assert_eq!(a4, std::fs::read(fx.out(&format!("practices/Z90001/posters/{slug}.pdf"))).unwrap());

    // Ways out of the output folder, plain and encoded, are all refused.
    for path in [
        "/practices/Z90001/files/../../../secret.txt",
        "/practices/Z90001/files/..%2f..%2f..%2fsecret.txt",
        "/practices/Z90001/files/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/practices/Z90001/files/%252e%252e/%252e%252e/%252e%252e/secret.txt",
        "/practices/Z90001/files/..%5c..%5c..%5csecret.txt",
        "/practices/Z90001/files/..\\..\\..\\secret.txt",
        "/practices/Z90001/files/%2fetc%2fpasswd",
        "/practices/Z90001/files//etc/passwd",
        "/practices/Z90001/files/.lmcpress-manifest.json",
        "/practices/..%2f..%2f/files/secret.txt",
        "/practices/Z90001/files/../../Z90002/ag-disclaimer.txt",
        "/guide/../../secret.txt",
        "/guide/..%2f..%2fsecret.txt",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
    ] {
        let r = server.get(path, &[]);
        assert!(matches!(r.status, 400 | 404), "{path} answered {}", r.status);
        assert!(!r.text().contains("TOP-SECRET"), "{path} leaked the file");
    }

    // A page listening for events hears about a rebuild of its practice after an edit on disk.
    let mut reader = listen(&server, "/events");
    let mut line = String::new();
    let profile = fx.read("content/practices/a.yaml").replace("Alder & Ash Surgery", "Alder & Oak Surgery");
    fx.write("content/practices/a.yaml", &profile);
    let start = Instant::now();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line.starts_with("data:") && line.contains("\"Z90001\"") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no rebuild event");
    }
    wait_page(&server, "/practices/Z90001/", "Alder &amp; Oak Surgery");
}

#[test]
fn profile_form_validates_like_check_and_saves_atomically() {
    let (fx, _) = project();
    let server = Server::start(&fx, &[]);
    let form = server.get("/practices/Z90001/profile", &[]);
    assert_eq!(form.status, 200);
    let html = form.text();
    for name in
        ["name", "address", "postcode", "phone", "email", "brand_colour", "signatory.name", "signatory.role"]
    {
        assert!(html.contains(&format!("name=\"{name}\"")), "no input for {name}");
    }
    assert!(html.contains("contrast"), "no contrast hint");
    let csrf = input_value(&html, "csrf");
    let before = fx.read("content/practices/a.yaml");
    let post = |fields: &[(&str, &str)]| {
        let (kind, body) = multipart(fields, None);
        request(&server.addr, "POST", "/practices/Z90001/profile", &[("Content-Type", &kind)], &body)
    };

    let bad = post(&[("csrf", &csrf), ("email", "reception.example.org"), ("phone", "0116 000 0000")]);
    assert_eq!(bad.status, 422);
    let page = bad.text();
    assert!(page.contains("is not an e-mail address"), "{page}");
    let field = &page[page.find("name=\"email\"").unwrap()..];
    assert!(field.find("is not an e-mail address").unwrap() < field.find("name=\"brand_colour\"").unwrap());
    assert!(page.contains("value=\"reception.example.org\""), "the bad value is kept for mending");
    assert_eq!(fx.read("content/practices/a.yaml"), before, "a refused save touched the file");

    let forged = post(&[("csrf", "0000"), ("phone", "0116 000 0000")]);
    assert_eq!(forged.status, 403);
    let cross = {
        let (kind, body) = multipart(&[("csrf", &csrf), ("phone", "0116 000 0000")], None);
        let headers = [("Content-Type", kind.as_str()), ("Origin", "http://evil.example")];
        request(&server.addr, "POST", "/practices/Z90001/profile", &headers, &body)
    };
    assert_eq!(cross.status, 403);
    let bad_logo = {
        let (kind, body) = multipart(&[("csrf", &csrf)], Some(b"GIF89a not a png"));
        request(&server.addr, "POST", "/practices/Z90001/profile", &[("Content-Type", &kind)], &body)
    };
    assert_eq!(bad_logo.status, 422);
    let huge = {
        let (kind, body) = multipart(&[("csrf", &csrf)], Some(&vec![b'x'; 2 << 20]));
        request(&server.addr, "POST", "/practices/Z90001/profile", &[("Content-Type", &kind)], &body)
    };
    assert_eq!(huge.status, 413);
    assert_eq!(fx.read("content/practices/a.yaml"), before);

    let good = post(&[("csrf", &csrf), ("phone", "0116 000 0000"), ("signatory.role", "Senior Partner")]);
    assert_eq!(good.status, 303, "{}", good.text());
    assert_eq!(good.header("location"), Some("/practices/Z90001/?saved=1"));
    let after = fx.read("content/practices/a.yaml");
    let expected = before
        .replace("phone: \"0116 496 0001\" # front desk", "phone: 0116 000 0000 # front desk")
        .replace("role: GP Partner", "role: Senior Partner");
    assert_eq!(after, expected, "only the changed lines differ");
    let left: Vec<_> = std::fs::read_dir(fx.path("content/practices"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    server.wait_log("changed: rebuilt");
    fx.run(&["check"]).ok();
}

#[test]
fn keys_open_only_their_practice_until_revoked() {
    let (fx, slug) = project();
    let grant = |who: &[&str]| {
        let mut args = vec!["access", "grant"];
        args.extend_from_slice(who);
        args.extend_from_slice(&["--base-url", "https://lmc.example.org/"]);
        fx.run(&args).ok().stdout.trim().to_string()
    };
    let link_a = grant(&["Z90001"]);
    let link_lmc = grant(&["--lmc"]);
    assert!(link_a.starts_with("https://lmc.example.org/practices/Z90001/?key="), "{link_a}");
    let key_a = link_a.rsplit("key=").next().unwrap().to_string();
    let key_lmc = link_lmc.rsplit("key=").next().unwrap().to_string();
    let stored = fx.read(".lmcpress-access.json");
    assert!(!stored.contains(&key_a) && !stored.contains(&key_lmc), "keys stored in the clear");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(fx.path(".lmcpress-access.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_ne!(fx.run(&["access", "grant", "Z99999"]).code, 0, "a key for no practice");

    let server = Server::start(&fx, &["--require-keys"]);
    for path in
        ["/", "/practices/Z90001/", "/practices/Z90001/pack.zip", "/events", "/practices/Z90001/profile"]
    {
        assert_eq!(server.get(path, &[]).status, 401, "{path} without a key");
    }
    assert_eq!(server.get("/practices/Z90001/?key=0123", &[]).status, 401, "a made-up key");

    let opened = server.get(&format!("/practices/Z90001/?key={key_a}"), &[]);
    assert_eq!(opened.status, 303);
    assert_eq!(opened.header("location"), Some("/practices/Z90001/"));
    let cookie = opened.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    assert!(opened.header("set-cookie").unwrap().contains("HttpOnly"));
    let as_a = [("Cookie", cookie.as_str())];
    assert_eq!(server.get("/practices/Z90001/", &as_a).status, 200);
    assert_eq!(server.get(&format!("/practices/Z90001/files/posters/{slug}.png"), &as_a).status, 200);
    assert_eq!(server.get("/practices/Z90001/pack.zip", &as_a).status, 200);
    assert_eq!(server.get("/", &as_a).status, 303, "a practice's key sends / to its own page");
    for path in [
        "/practices/Z90002/".to_string(),
        "/practices/Z90002/pack.zip".to_string(),
        "/practices/Z90002/profile".to_string(),
        format!("/practices/Z90002/files/posters/{slug}.png"),
        "/practices/Z90002/files/ag-disclaimer.txt".to_string(),
    ] {
        assert_eq!(server.get(&path, &as_a).status, 403, "{path} with another practice's key");
    }
    let bearer = format!("Bearer {key_lmc}");
    let as_lmc = [("Authorization", bearer.as_str())];
    assert_eq!(server.get("/", &as_lmc).status, 200);
    assert_eq!(server.get("/practices/Z90002/", &as_lmc).status, 200);

    fx.run(&["access", "revoke", "Z90001"]).ok();
    assert_eq!(server.get("/practices/Z90001/", &as_a).status, 401, "a revoked key still opens");
    assert_eq!(server.get("/practices/Z90002/", &as_lmc).status, 200, "revoking one practice ended others");
}

/// A connection to the event stream at `path`, past its status line and settled in: what a
/// page's script opens.
fn listen(server: &Server, path: &str) -> BufReader<TcpStream> {
    let mut events = TcpStream::connect(&server.addr).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(events, "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n", server.addr)
        .unwrap();
    let mut reader = BufReader::new(events);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    std::thread::sleep(Duration::from_millis(300));
    reader
}

/// The earliest time any of a practice's poster files was written.
fn first_written(fx: &Fixture, ods: &str) -> std::time::SystemTime {
    walkdir::WalkDir::new(fx.out(&format!("practices/{ods}")))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && e.path().components().any(|c| c.as_os_str() == "posters" || c.as_os_str() == "social")
        })
        .map(|e| e.metadata().unwrap().modified().unwrap())
        .min()
        .unwrap()
}

#[test]
fn a_rebuild_makes_the_practice_a_browser_has_open_first() {
    let (fx, slug) = project();
    let server = Server::start(&fx, &[]);
    let poster = format!("content/posters/{slug}.md");
    // Each practice in turn has a page open; an edit of the poster both practices show
    // rebuilds both copies, and the open practice's are written before the other's start.
    for (round, (open, other)) in [("Z90002", "Z90001"), ("Z90001", "Z90002")].into_iter().enumerate() {
        let reader = listen(&server, &format!("/events?open={open}"));
        fx.write(&poster, &format!("{}\n\nEdit number {round}.\n", fx.read(&poster)));
        let log = server.wait_log("changed: rebuilt").join("\n");
        assert!(log.contains("rebuilt 8 documents") && log.contains("(the first after "), "{log}");
        assert!(first_written(&fx, open) <= first_written(&fx, other), "{open} was open but came second");
        drop(reader);
        std::thread::sleep(Duration::from_millis(300));
    }
}
