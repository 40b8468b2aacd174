//! What every request handler shares: the server's state (`App`), who is asking, and the
//! answers many pages give (HTML, 403, 404). Handlers live beside it; the router in `http.rs`
//! puts them together.

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tera::Context;

use super::files;
use super::live::Live;
use super::pages::Pages;
use super::snapshot::{PracticeEntry, Snapshot};
use crate::access::{self as keys, Access};

/// When the access file last changed, and its size; `None` when there is no file.
pub type Stamp = Option<(Option<std::time::SystemTime>, u64)>;

pub struct App {
    pub root: PathBuf,
    pub out: PathBuf,
    pub require_keys: bool,
    /// The address users reach the server at (`--public-url`, else lmc.yaml's `public_url:`).
    pub public_url: Option<url::Url>,
    /// How long a practice's link keeps its browser signed in (lmc.yaml's `sign_in_days:`).
    pub sign_in_days: u32,
    pub live: Live,
    pub(super) pages: Pages,
    /// Signs CSRF tokens; new every run, so tokens die with the server.
    secret: [u8; 32],
    /// What the last rebuild made, swapped whole after each one.
    snapshot: std::sync::RwLock<Arc<Snapshot>>,
    /// Whether the first snapshot is out: before it, a practice's page is not missing but
    /// not made yet, and says so (503) rather than "Not found".
    ready: std::sync::atomic::AtomicBool,
    /// The practices and documents browsers have open, made first by each rebuild.
    pub viewers: Arc<crate::plan::priority::Viewers>,
    /// The access list as last read, with its file's time and size: read again only when
    /// they change (see `auth::access_list`).
    pub(super) access: tokio::sync::Mutex<Option<(Stamp, Arc<crate::access::AccessList>)>>,
}

impl App {
    pub fn new(
        root: PathBuf,
        out: PathBuf,
        require_keys: bool,
        public_url: Option<url::Url>,
        sign_in_days: u32,
    ) -> anyhow::Result<App> {
        Ok(App {
            root,
            out,
            require_keys,
            public_url,
            sign_in_days,
            ready: Default::default(),
            live: Live::default(),
            pages: Pages::new()?,
            secret: keys::random_secret()?,
            snapshot: std::sync::RwLock::default(),
            viewers: Arc::default(),
            access: tokio::sync::Mutex::default(),
        })
    }

    /// Makes `snapshot` what every request from now on sees.
    pub fn publish(&self, snapshot: Snapshot) {
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
        self.ready.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether the first build has published what pages read.
    pub(super) fn ready(&self) -> bool {
        self.ready.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The form token of `scope` (a practice's ODS code, or `content`), signed with the
    /// server's secret: new every run, so tokens die with the server. `auth::form_ok` checks it.
    pub(super) fn csrf(&self, scope: &str) -> String {
        blake3::keyed_hash(&self.secret, format!("profile-form|{scope}").as_bytes()).to_hex().to_string()
    }

    pub(super) fn context(&self, title: &str, scope: &Access) -> Context {
        let mut ctx = Context::new();
        ctx.insert("title", title);
        let lmc_name = self.snapshot().lmc_name.clone();
        ctx.insert("lmc_name", if lmc_name.is_empty() { "lmcpress" } else { &lmc_name });
        ctx.insert("is_lmc", &scope.is_lmc());
        ctx.insert("person", &scope.person());
        ctx.insert("building", &!self.live.built_once());
        ctx.insert("summary", &self.live.summary());
        ctx.insert("ods", "");
        ctx.insert("open", "");
        ctx
    }

    pub(super) fn message(&self, status: StatusCode, heading: &str, message: &str) -> Response {
        let mut ctx = self.context(heading, &Access::Practice(String::new()));
        ctx.insert("heading", heading);
        ctx.insert("message", message);
        ctx.insert("problems", &Vec::<String>::new());
        (status, html(self.pages.render("message.html", &ctx))).into_response()
    }

    fn practice(&self, ods: &str) -> Option<PracticeEntry> {
        self.snapshot().practice(ods).cloned()
    }
}

pub(super) type Shared = Arc<App>;

/// Who is asking, as the audit log and the history name them: the link's label, never its key.
#[derive(Debug, Clone)]
pub struct Who(pub String);

impl Who {
    pub(super) fn of(grant: &keys::Grant) -> Who {
        let base = match &grant.scope {
            Access::Lmc => "LMC editor link".to_string(),
            // A person's own link: the history and the ledger name them, so that nobody
            // approves their own change.
            Access::Person(name) => return Who(name.clone()),
            Access::Practice(ods) => format!("{ods} practice link"),
        };
        Who(match &grant.label {
            Some(label) => format!("{base} ({label})"),
            None => base,
        })
    }
}

pub(super) fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

pub(super) fn forbidden(app: &App) -> Response {
    app.message(StatusCode::FORBIDDEN, "Not yours", "Your private link does not open this page.")
}

pub(super) fn not_found(app: &App) -> Response {
    app.message(StatusCode::NOT_FOUND, "Not found", "There is no page at this address.")
}

/// The answer while the first build is still making the documents: 503 with `Retry-After`,
/// so that a practice opening its link at that moment is told to wait, not that its page
/// does not exist.
pub(super) fn starting(app: &App) -> Response {
    let mut res = app.message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Starting up",
        "The documents are being made for the first time since the server started. \
         Try again in a few seconds: this page will then be ready.",
    );
    res.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
    res
}

/// The practice named in the URL, if it exists and the caller may see it.
// The error is the handler's ready answer, returned at once; boxing it would only add a step.
#[allow(clippy::result_large_err)]
pub(super) fn allowed(app: &App, scope: &Access, ods: &str) -> Result<PracticeEntry, Response> {
    if !files::is_ods(ods) {
        return Err(not_found(app));
    }
    if !scope.opens(ods) {
        return Err(forbidden(app));
    }
    if !app.ready() {
        return Err(starting(app));
    }
    let mut practice = app.practice(ods).ok_or_else(|| not_found(app))?;
    // A practice sees only what a named person approved: every page, file, image and pack
    // of a practice's link is made from this list.
    if !scope.is_lmc() {
        practice.documents.retain(|d| d.offered);
    }
    Ok(practice)
}
