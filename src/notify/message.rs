//! One practice's message: what the templates say, what is attached, and the MIME that
//! carries it. The values come from the practice's profile, the LMC and the edition
//! comparison only: nothing here reads recipient or patient data.

use std::path::{Path, PathBuf};

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use serde::Serialize;

use crate::diag::{Problem, display_path};
use crate::load::config::{Lmc, Practice};
use crate::pipeline::Loaded;
use crate::render::editions::{WhatsNewView, whats_new_view};

pub const TEXT_TEMPLATE: &str = "notify.txt.tera";
pub const HTML_TEMPLATE: &str = "notify.html.tera";

/// Stands in for a link's key wherever a message is shown rather than sent: a key is made
/// only for a message that goes, so drafts and previews open nothing.
pub const KEY_PLACEHOLDER: &str = "KEY-MADE-WHEN-SENT";

/// What the LMC decides for every message of a run.
pub struct Settings {
    /// The output folder `build` wrote to.
    pub out: PathBuf,
    /// The address `serve` is reached at; without it messages carry no link.
    pub base_url: Option<String>,
    /// The largest pack that is attached rather than linked to.
    pub max_attach_bytes: u64,
}

pub struct File {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A message before it has a sender, an id and (maybe) a key.
pub struct Draft {
    pub ods: String,
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub files: Vec<File>,
}

#[derive(Serialize)]
struct PracticeView<'a> {
    ods_code: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct PackView {
    /// Made by `build` at all.
    exists: bool,
    attached: bool,
    size: String,
    limit: String,
}

/// The link to a practice's pages, with `key` in it.
pub fn practice_link(base_url: &str, ods: &str, key: &str) -> String {
    format!("{}/practices/{ods}/?key={key}", base_url.trim_end_matches('/'))
}

/// Renders the practice's message. `key` is the private link's key, or `None` to show the
/// placeholder (drafts, previews).
pub fn compose(
    loaded: &Loaded,
    lmc: &Lmc,
    practice: &Practice,
    to: &Mailbox,
    settings: &Settings,
    key: Option<&str>,
) -> Result<Draft, Problem> {
    let project = &loaded.project;
    let ods = practice.ods_code.as_str();
    // The summary and its page go out only when every file they are made from is approved;
    // otherwise the message says only that the approved documents are ready.
    let offered = crate::pipeline::whats_new_offered(loaded, ods).unwrap_or(false);
    let whats_new =
        loaded.editions.as_ref().filter(|_| offered).map(|e| whats_new_view(project, e, practice));
    let folder = settings.out.join("practices").join(ods);
    let mut files = Vec::new();
    if whats_new.is_some() {
        let path = folder.join("whats-new.pdf");
        files.push(File {
            name: "whats-new.pdf".into(),
            content_type: "application/pdf",
            bytes: read(&project.root, &path)?,
        });
    }
    // The pack is made from the built files now; without them there is none to offer.
    let pack_bytes = crate::pipeline::pack(loaded, ods, &settings.out).ok();
    let pack_size = pack_bytes.as_ref().map(|b| b.len() as u64);
    let attached = pack_size.is_some_and(|n| n <= settings.max_attach_bytes);
    if let Some(bytes) = pack_bytes.filter(|_| attached) {
        files.push(File { name: format!("{ods}-pack.zip"), content_type: "application/zip", bytes });
    }
    let pack = PackView {
        exists: pack_size.is_some(),
        attached,
        size: megabytes(pack_size.unwrap_or(0)),
        limit: megabytes(settings.max_attach_bytes),
    };
    let link =
        settings.base_url.as_deref().map(|base| practice_link(base, ods, key.unwrap_or(KEY_PLACEHOLDER)));
    let context = context(lmc, practice, whats_new.as_ref(), link.as_deref(), &pack);
    let text = loaded.templates.render(TEXT_TEMPLATE, &context)?;
    let html = loaded.templates.render(HTML_TEMPLATE, &context)?;
    Ok(Draft { ods: ods.to_string(), to: to.clone(), subject: subject(lmc, practice), text, html, files })
}

fn context(
    lmc: &Lmc,
    practice: &Practice,
    whats_new: Option<&WhatsNewView>,
    link: Option<&str>,
    pack: &PackView,
) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("lmc", lmc);
    c.insert("edition", &lmc.edition);
    c.insert("practice", &PracticeView { ods_code: &practice.ods_code, name: &practice.name });
    c.insert("whats_new", &whats_new);
    c.insert("link", &link);
    c.insert("pack", pack);
    c
}

/// Names the edition and the practice, so that a practice manager with several practices (or
/// a shared inbox) can tell the messages apart.
pub fn subject(lmc: &Lmc, practice: &Practice) -> String {
    let text = format!(
        "{}: the {} edition, what changes for {} ({})",
        lmc.short_name, lmc.edition, practice.name, practice.ods_code
    );
    // A header is one line: a control character from a profile must not start another.
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn read(root: &Path, path: &Path) -> Result<Vec<u8>, Problem> {
    std::fs::read(path).map_err(|e| {
        Problem::general(format!("failed to read `{}`: {e}", display_path(root, path).display()))
            .hint("run `lmcpress build` first: the message attaches what it made")
    })
}

/// A size as people say it: "48 KB", "12.6 MB".
fn megabytes(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

impl Draft {
    /// The message as it goes out (or is written as a `.eml`).
    pub fn message(&self, from: &Mailbox, message_id: String) -> Result<Message, Problem> {
        let body = MultiPart::alternative_plain_html(self.text.clone(), self.html.clone());
        let mut mixed = MultiPart::mixed().multipart(body);
        for f in &self.files {
            let kind = ContentType::parse(f.content_type).map_err(|e| Problem::general(e.to_string()))?;
            mixed = mixed.singlepart(Attachment::new(f.name.clone()).body(f.bytes.clone(), kind));
        }
        Message::builder()
            .from(from.clone())
            .to(self.to.clone())
            .subject(self.subject.clone())
            .message_id(Some(message_id))
            .multipart(mixed)
            .map_err(|e| Problem::general(format!("failed to make the message for {}: {e}", self.ods)))
    }

    /// What a person reads first: headers, the text part and the attachments' names and sizes,
    /// without the base64 of the attachments.
    pub fn preview(&self, from: &Mailbox) -> String {
        let mut out = format!("From: {from}\nTo: {}\nSubject: {}\n", self.to, self.subject);
        for f in &self.files {
            out.push_str(&format!("Attached: {} ({})\n", f.name, megabytes(f.bytes.len() as u64)));
        }
        out.push('\n');
        out.push_str(&self.text);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }
}

/// A `Message-ID` that no other message has: 128 random bits at the sender's domain.
pub fn new_message_id(from: &Mailbox) -> anyhow::Result<String> {
    let bytes = crate::access::random_secret()?;
    Ok(format!("<{}@{}>", crate::access::hex(&bytes[..16]), from.email.domain()))
}
