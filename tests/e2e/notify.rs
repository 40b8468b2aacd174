//! `lmcpress notify`: drafts, preview and sending to an SMTP server that runs inside the test
//! on 127.0.0.1 (written here, line by line: no system program, no network).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use base64::Engine;
use mail_parser::{MessageParser, MimeHeaders};

use crate::common::{Fixture, Run, practice_yaml};

const USER: &str = "notify-user";
const PASSWORD: &str = "s3cret-Pa55word";
const FROM: &str = "news@lmc.example.org";

/// A practice name that is markup in HTML: it must arrive as text.
const TRICKY: &str = "Dr <b>Khan</b> & Partners";

/// Four practices with addresses, one whose address a server cannot take, an archived
/// edition in which the fixture's poster read differently, and the files `build` would have
/// made (stand-ins, so no test waits for typst; one test builds for real).
fn fixture() -> Fixture {
    let fx = Fixture::minimal();
    for (ods, name) in [("Z90002", "Kestrel Lane Surgery"), ("Z90003", TRICKY), ("Z90004", "Wyvern Fields")] {
        let yaml = practice_yaml(ods, name)
            .replace("admin@test.example.com", &format!("{}@practices.example.org", ods.to_lowercase()));
        fx.write(&format!("content/practices/{}.yaml", ods.to_lowercase()), &yaml);
    }
    // Passes the profile check (an @ and a dotted domain) but no server takes a comma there.
    fx.write(
        "content/practices/z90005.yaml",
        &practice_yaml("Z90005", "Nowhere Surgery")
            .replace("admin@test.example.com", "front,desk@example.org"),
    );
    fx.write(
        "content/practices/z90006.yaml",
        &practice_yaml("Z90006", "No Mail Surgery").replace("email: admin@test.example.com\n", ""),
    );
    fx.write("editions/2025-26/lmc.yaml", &fx.read("content/lmc.yaml").replace("2026/27", "2025/26"));
    fx.write(
        "editions/2025-26/posters/help.md",
        "---\nkind: poster\ntitle: Help\nsummary: Where to get help.\norder: 10\n---\n\nWrite to us.\n",
    );
    fx.write("editions/2025-26/guide/01-intro.md", &fx.read("content/guide/01-intro.md"));
    for ods in ["Z90001", "Z90002", "Z90003", "Z90004"] {
        fx.write(&format!("output/practices/{ods}/whats-new.pdf"), &format!("%PDF-1.7 what's new for {ods}"));
    }
    // Every other planned file, so that a pack can be made from them.
    let loaded = lmcpress::pipeline::load(fx.root()).unwrap();
    let planned = lmcpress::pipeline::plan(&loaded, lmcpress::pipeline::Scope::Everything, false).unwrap();
    for output in planned.jobs.iter().flat_map(|j| &j.outputs) {
        let rel = format!("output/{}", output.rel.display());
        if !fx.path(&rel).exists() {
            fx.write(&rel, &format!("stand-in for {rel}"));
        }
    }
    fx
}

/// Runs lmcpress in the fixture with `LMCPRESS_SMTP_URL` pointing at `server` (if any).
fn notify(fx: &Fixture, server: Option<&Server>, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lmcpress"));
    cmd.arg("notify")
        .args(["--from", FROM])
        .args(args)
        .current_dir(fx.root())
        .env_remove("LMCPRESS_SMTP_URL");
    if let Some(s) = server {
        cmd.env("LMCPRESS_SMTP_URL", s.url());
    }
    Run::from(cmd.output().expect("failed to run lmcpress"))
}

fn send(fx: &Fixture, server: &Server, extra: &[&str]) -> Run {
    let mut args = vec!["--send", "--per-minute", "6000"];
    args.extend_from_slice(extra);
    notify(fx, Some(server), &args)
}

#[derive(Clone, Copy, Default)]
struct Behaviour {
    /// Answer the login with 535.
    refuse_login: bool,
    /// Refuse the n-th message (counted from 1 over the server's life) with 554.
    reject: Option<usize>,
    /// Drop the connection in the middle of the n-th message.
    hang_up: Option<usize>,
}

#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: String,
}

struct Server {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    /// Every line the client sent, to prove what went over the wire.
    wire: Arc<Mutex<String>>,
}

impl Server {
    fn start(behaviour: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let wire = Arc::new(Mutex::new(String::new()));
        let (g, w) = (got.clone(), wire.clone());
        std::thread::spawn(move || {
            let mut count = 0;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                session(stream, behaviour, &mut count, &g, &w);
            }
        });
        Server { port, got, wire }
    }

    fn url(&self) -> String {
        format!("smtp://{USER}:{PASSWORD}@127.0.0.1:{}?tls=none", self.port)
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    fn recipients(&self) -> Vec<String> {
        self.received().iter().flat_map(|r| r.to.clone()).collect()
    }
}

fn session(
    stream: TcpStream,
    b: Behaviour,
    count: &mut usize,
    got: &Mutex<Vec<Received>>,
    wire: &Mutex<String>,
) {
    let mut out = stream.try_clone().unwrap();
    let mut lines = BufReader::new(stream);
    let mut say = |text: &str| out.write_all(format!("{text}\r\n").as_bytes()).is_ok();
    say("220 test.invalid ESMTP");
    let (mut authed, mut to) = (false, Vec::new());
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("\0{USER}\0{PASSWORD}"));
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        wire.lock().unwrap().push_str(&line);
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let ok = if upper.starts_with("EHLO") {
            say("250-test.invalid\r\n250-AUTH PLAIN\r\n250 8BITMIME")
        } else if let Some(blob) = cmd.strip_prefix("AUTH PLAIN ") {
            authed = !b.refuse_login && blob == expected;
            say(if authed { "235 2.7.0 welcome" } else { "535 5.7.8 authentication failed" })
        } else if upper.starts_with("MAIL FROM") {
            to.clear();
            say(if authed { "250 ok" } else { "530 5.7.0 log in first" })
        } else if upper.starts_with("RCPT TO:") {
            to.push(cmd[8..].trim().trim_matches(['<', '>']).to_string());
            say("250 ok")
        } else if upper == "DATA" {
            say("354 go ahead");
            *count += 1;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if b.hang_up == Some(*count) {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            wire.lock().unwrap().push_str(&data);
            if b.reject == Some(*count) {
                say("554 5.6.0 message refused by policy")
            } else {
                got.lock().unwrap().push(Received { to: to.clone(), data });
                say("250 2.0.0 queued")
            }
        } else if upper == "QUIT" {
            say("221 bye");
            return;
        } else if upper == "RSET" || upper == "NOOP" {
            say("250 ok")
        } else {
            say("502 not here")
        };
        if !ok {
            return;
        }
    }
}

fn sent_log(fx: &Fixture) -> serde_json::Value {
    serde_json::from_str(&fx.read(".lmcpress-notify.json")).unwrap()
}

fn logged(fx: &Fixture) -> Vec<String> {
    sent_log(fx)["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["practice"].as_str().unwrap().to_string())
        .collect()
}

/// The credentials in every form they could leak in.
fn secrets() -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    vec![PASSWORD.into(), USER.into(), b64.encode(format!("\0{USER}\0{PASSWORD}")), b64.encode(PASSWORD)]
}

fn assert_no_secrets(fx: &Fixture, runs: &[&Run]) {
    for run in runs {
        for s in secrets() {
            assert!(!run.stdout.contains(&s) && !run.stderr.contains(&s), "`{s}` printed:\n{}", run.stderr);
        }
    }
    for entry in walkdir::WalkDir::new(fx.root()).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for s in secrets() {
                assert!(!text.contains(&s), "`{s}` in {}", entry.path().display());
            }
        }
    }
}

#[test]
fn notify_sends_one_readable_message_per_practice_with_an_address() {
    let fx = fixture();
    let server = Server::start(Behaviour::default());
    let run = send(&fx, &server, &["--max-attach-mb", "0.000016"]);
    assert_eq!(run.code, 1, "two profiles cannot be written to:\n{}", run.stderr);
    let mut to = server.recipients();
    to.sort();
    assert_eq!(
        to,
        [
            "admin@test.example.com",
            "z90002@practices.example.org",
            "z90003@practices.example.org",
            "z90004@practices.example.org"
        ]
    );
    assert!(
        run.stderr.contains("Z90005") && run.stderr.contains("not an address mail can be sent to"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Z90006") && run.stderr.contains("email"), "{}", run.stderr);
    assert!(run.stderr.contains("[4/4]"), "progress on stderr:\n{}", run.stderr);

    for received in server.received() {
        let msg = MessageParser::default().parse(received.data.as_bytes()).expect("MIME that a parser reads");
        let to = msg.to().unwrap().first().unwrap().address().unwrap().to_string();
        let ods = match to.as_str() {
            "admin@test.example.com" => "Z90001".to_string(),
            other => other.split('@').next().unwrap().to_uppercase(),
        };
        assert_eq!(msg.from().unwrap().first().unwrap().address(), Some(FROM));
        let subject = msg.subject().unwrap();
        assert!(subject.contains("2026/27") && subject.contains(&ods), "{subject}");
        let text = msg.body_text(0).unwrap();
        let html = msg.body_html(0).unwrap();
        assert!(text.contains("Help: updated"), "the changed poster is listed:\n{text}");
        assert!(html.contains("<strong>Help</strong>: updated"), "{html}");
        let names: Vec<_> = msg.attachments().filter_map(|a| a.attachment_name()).collect();
        assert_eq!(names[0], "whats-new.pdf");
        let pdf = msg.attachments().next().unwrap();
        assert_eq!(pdf.contents(), format!("%PDF-1.7 what's new for {ods}").as_bytes());
        assert!(msg.message_id().is_some());
        // 16 bytes is the limit and a pack is bigger, so no pack goes, and the text says so.
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(text.contains("too large to attach"), "{text}");
        assert!(!text.contains("?key="), "no --base-url, no link");
        if ods == "Z90003" {
            assert!(text.contains(TRICKY), "plain text keeps the name as written");
            assert!(html.contains("Dr &lt;b&gt;Khan&lt;/b&gt; &amp; Partners"), "{html}");
            assert!(!html.contains("<b>Khan"), "{html}");
        }
    }
    assert_eq!(logged(&fx).len(), 4);
    assert_no_secrets(&fx, &[&run]);
}

#[test]
fn notify_attaches_a_small_pack_and_links_to_the_practice_page() {
    let fx = fixture();
    let server = Server::start(Behaviour::default());
    let run = send(&fx, &server, &["--practice", "Z90001", "--base-url", "https://docs.example.org/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let received = server.received();
    assert_eq!(received.len(), 1);
    let msg = MessageParser::default().parse(received[0].data.as_bytes()).unwrap();
    let names: Vec<_> = msg.attachments().filter_map(|a| a.attachment_name()).collect();
    assert_eq!(names, ["whats-new.pdf", "Z90001-pack.zip"]);
    let text = msg.body_text(0).unwrap();
    let prefix = "https://docs.example.org/practices/Z90001/?key=";
    let start = text.find(prefix).expect("a link") + prefix.len();
    let key: String = text[start..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(key.len(), 64, "{text}");
    assert!(msg.body_html(0).unwrap().contains(&key));
    let access = lmcpress::access::AccessList::load(fx.root()).unwrap();
    assert!(
        access.check(&key).is_some_and(|s| s.opens("Z90001") && !s.opens("Z90002")),
        "the key opens its practice"
    );
    assert_eq!(sent_log(&fx)["sent"][0]["link_hash"], lmcpress::access::hash_key(&key));
    let listed = access.grants.iter().find(|g| g.hash == lmcpress::access::hash_key(&key)).unwrap();
    assert_eq!(listed.label.as_deref(), Some("notify e-mail"), "the link says what it was made for");
    assert!(!run.stdout.contains(&key) && !run.stderr.contains(&key), "the key is never printed");
    assert_no_secrets(&fx, &[&run]);
}

#[test]
fn notify_after_a_rejected_message_sends_only_that_one_and_then_nothing() {
    let fx = fixture();
    let practices =
        ["--practice", "Z90001", "--practice", "Z90002", "--practice", "Z90003", "--practice", "Z90004"];
    let server = Server::start(Behaviour { reject: Some(3), ..Behaviour::default() });
    let first = send(&fx, &server, &practices);
    assert_eq!(first.code, 1, "a failed message fails the run:\n{}", first.stderr);
    assert!(first.stderr.contains("Z90003") && first.stderr.contains("554"), "{}", first.stderr);
    assert_eq!(server.received().len(), 3, "the one after the rejected message still goes");
    assert_eq!(logged(&fx), ["Z90001", "Z90002", "Z90004"]);

    let server = Server::start(Behaviour::default());
    let second = send(&fx, &server, &practices);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(server.recipients(), ["z90003@practices.example.org"]);

    let server = Server::start(Behaviour::default());
    let third = send(&fx, &server, &practices);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert!(server.received().is_empty(), "the same edition is not sent twice");
    assert!(third.stderr.contains("nothing to send"), "{}", third.stderr);
    assert!(server.wire.lock().unwrap().is_empty(), "no connection when there is nothing to send");

    let fourth = send(&fx, &server, &["--practice", "Z90002", "--resend", "Z90002"]);
    assert_eq!(fourth.code, 0, "{}", fourth.stderr);
    assert_eq!(server.recipients(), ["z90002@practices.example.org"]);
    assert_no_secrets(&fx, &[&first, &second, &third, &fourth]);
}

#[test]
fn notify_stops_when_the_server_hangs_up_and_the_rerun_sends_the_rest() {
    let fx = fixture();
    let practices =
        ["--practice", "Z90001", "--practice", "Z90002", "--practice", "Z90003", "--practice", "Z90004"];
    let server = Server::start(Behaviour { hang_up: Some(3), ..Behaviour::default() });
    let first = send(&fx, &server, &practices);
    assert_eq!(first.code, 1);
    assert!(first.stderr.contains("not sent: Z90003, Z90004"), "{}", first.stderr);
    assert_eq!(server.received().len(), 2);
    assert_eq!(logged(&fx), ["Z90001", "Z90002"]);

    let server = Server::start(Behaviour::default());
    let second = send(&fx, &server, &practices);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(server.recipients(), ["z90003@practices.example.org", "z90004@practices.example.org"]);
    assert_no_secrets(&fx, &[&first, &second]);
}

#[test]
fn notify_stops_before_the_first_message_when_the_login_is_refused() {
    let fx = fixture();
    let server = Server::start(Behaviour { refuse_login: true, ..Behaviour::default() });
    let run = send(&fx, &server, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("failed to log in to the mail server") && run.stderr.contains("535"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert!(!server.wire.lock().unwrap().contains("MAIL FROM"), "no message was started");
    assert!(!fx.path(".lmcpress-notify.json").exists());
    assert_no_secrets(&fx, &[&run]);
}

#[test]
fn notify_refuses_unencrypted_smtp_beyond_this_machine_without_echoing_the_url() {
    let fx = fixture();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lmcpress"));
    cmd.args(["notify", "--send", "--from", FROM]).current_dir(fx.root());
    cmd.env("LMCPRESS_SMTP_URL", format!("smtp://{USER}:{PASSWORD}@mail.example.org?tls=none"));
    let run = Run::from(cmd.output().unwrap());
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("only to a server on this machine"), "{}", run.stderr);
    assert_no_secrets(&fx, &[&run]);

    let run = notify(&fx, None, &["--send"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("LMCPRESS_SMTP_URL is not set"), "{}", run.stderr);
}

#[test]
fn notify_without_send_writes_owner_only_drafts_and_previews_without_a_key() {
    let fx = fixture();
    let run = notify(&fx, None, &["--base-url", "https://docs.example.org"]);
    assert_eq!(run.code, 1, "two profiles are listed:\n{}", run.stderr);
    for ods in ["Z90001", "Z90002", "Z90003", "Z90004"] {
        let path = fx.out(&format!("notify/{ods}.eml"));
        let bytes = std::fs::read(&path).unwrap();
        let msg = MessageParser::default().parse(&bytes).unwrap();
        let text = msg.body_text(0).unwrap();
        assert!(text.contains(&format!("/practices/{ods}/?key=KEY-MADE-WHEN-SENT")), "{text}");
        owner_only(&path);
    }
    assert!(!fx.out("notify/Z90005.eml").exists());
    assert!(!fx.path(".lmcpress-access.json").exists(), "drafts make no keys");
    assert!(!fx.path(".lmcpress-notify.json").exists(), "drafts are not sends");

    let preview = notify(&fx, None, &["--preview", "z90003", "--base-url", "https://docs.example.org"]).ok();
    assert!(
        preview
            .stdout
            .contains(&format!("Subject: Test LMC: the 2026/27 edition, what changes for {TRICKY} (Z90003)"))
    );
    assert!(preview.stdout.contains("Attached: whats-new.pdf"), "{}", preview.stdout);
    assert!(preview.stdout.contains("?key=KEY-MADE-WHEN-SENT"), "{}", preview.stdout);
    assert!(!fx.path(".lmcpress-access.json").exists());
}

#[test]
fn notify_attaches_what_a_real_build_made() {
    let fx = fixture();
    std::fs::remove_dir_all(fx.path("output")).unwrap();
    for broken in ["z90005", "z90006"] {
        std::fs::remove_file(fx.path(&format!("content/practices/{broken}.yaml"))).unwrap();
    }
    fx.run(&["build", "--quiet", "--practice", "Z90001"]).ok();
    let run = notify(&fx, None, &["--practice", "Z90001"]).ok();
    assert!(run.stderr.contains("wrote 1 message"), "{}", run.stderr);
    let bytes = std::fs::read(fx.out("notify/Z90001.eml")).unwrap();
    let msg = MessageParser::default().parse(&bytes).unwrap();
    let pdf = msg.attachments().find(|a| a.attachment_name() == Some("whats-new.pdf")).unwrap();
    assert_eq!(pdf.contents(), std::fs::read(fx.out("practices/Z90001/whats-new.pdf")).unwrap());
    assert!(pdf.content_type().is_some_and(|c| c.subtype() == Some("pdf")));
}

#[test]
fn notify_without_a_build_says_to_build_first() {
    let fx = fixture();
    std::fs::remove_dir_all(fx.path("output")).unwrap();
    let server = Server::start(Behaviour::default());
    let run = send(&fx, &server, &["--practice", "Z90001"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("run `lmcpress build` first"), "{}", run.stderr);
    assert!(server.wire.lock().unwrap().is_empty(), "the server never heard from us");
}

fn owner_only(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", path.display());
    }
    let _ = path;
}

#[test]
fn notify_tells_practices_only_of_approved_changes_and_names_the_approver() {
    let fx = fixture();
    fx.approve_all();
    // A change nobody has approved: the poster's new title must not reach any practice.
    let poster = fx.read("content/posters/help.md");
    fx.write("content/posters/help.md", &poster.replace("title: Help", "title: Unapproved Title"));
    let preview = notify(&fx, None, &["--preview", "Z90001", "--base-url", "https://docs.example.org"]);
    assert!(
        preview.stdout.contains("Help") && !preview.stdout.contains("Unapproved Title"),
        "{}",
        preview.stdout
    );
    assert!(
        preview.stdout.contains("Approved by Test Approver"),
        "the approver is not named:\n{}",
        preview.stdout
    );
    assert!(
        preview.stderr.contains("changed since approval"),
        "notify did not say what it left out:\n{}",
        preview.stderr
    );
}

#[test]
fn notify_attaches_no_summary_made_from_words_nobody_approved() {
    let fx = fixture();
    // Sign-off on and nothing approved: the what's-new page is a draft, so it stays home.
    fx.write("content/lmc.yaml", &format!("{}approval: required\n", fx.read("content/lmc.yaml")));
    let preview = notify(&fx, None, &["--preview", "Z90001", "--base-url", "https://docs.example.org"]);
    assert!(!preview.stdout.contains("whats-new.pdf"), "an unapproved summary went out:\n{}", preview.stdout);
    assert!(!preview.stdout.contains("What has changed"), "{}", preview.stdout);
    fx.approve_all();
    let preview = notify(&fx, None, &["--preview", "Z90001", "--base-url", "https://docs.example.org"]);
    assert!(preview.stdout.contains("Attached: whats-new.pdf"), "{}", preview.stdout);
}
