//! The LMC editor's content pages: the list of content files, an editor per file with a live
//! preview of the draft (made in memory by `pipeline::preview`), saving with `check`'s checks
//! and no lost updates, each file's history with "restore", and new and deleted files. Only
//! the LMC's scope opens any of it; a practice's link gets 403.

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Serialize;
use tera::Context;

use super::app::{App, Shared, Who, forbidden, html, not_found};
use super::diff::{self, Row};
use super::snapshot::ContentEntry;
use super::versions::{Place, version_hash};
use crate::access::Access;
use crate::diag::Problem;
use crate::history::{History, audit};
use crate::pipeline::{self, Shown};
use crate::write::write_atomic;

/// The largest Markdown file `check` reads, plus the form's other fields.
const FORM_LIMIT: usize = 256 * 1024 + 16 * 1024;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/content/", get(list).post(create))
        .route("/content", get(|| async { Redirect::permanent("/content/") }))
        .route("/content/{*name}", get(open).post(act).layer(DefaultBodyLimit::max(FORM_LIMIT)))
}

/// A file the editor may open: one the last build listed, or (for its history and restoring
/// it) a guide section, poster or letter whose name is a plain slug, such as a deleted one.
fn resolve(app: &App, name: &str) -> Option<ContentEntry> {
    if let Some(e) = app.snapshot().content_file(name) {
        return Some(e.clone());
    }
    let (folder, stem) = name.split_once('/')?;
    let kind = crate::kinds::in_folder(folder)?;
    let (base, lang) = stem.split_once('.').unwrap_or((stem, ""));
    let lang_ok = lang.is_empty() || (kind.translated && lang.chars().all(|c| c.is_ascii_lowercase()));
    if !crate::load::content::is_slug(base) || !lang_ok || lang.len() > 3 {
        return None;
    }
    let rel = format!("content/{name}.md");
    Some(ContentEntry::absent(name, &rel, app.root.join(&rel), kind.name))
}

fn lmc_only(app: &App, scope: &Access) -> Result<(), Response> {
    if scope.is_lmc() { Ok(()) } else { Err(forbidden(app)) }
}

#[derive(Serialize)]
struct Listed {
    #[serde(flatten)]
    entry: ContentEntry,
    changed_by: Option<String>,
    changed_at: Option<String>,
}

async fn list(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    if let Err(r) = lmc_only(&app, &scope) {
        return r;
    }
    let entries = app.snapshot().content.clone();
    let root = app.root.clone();
    let listed = tokio::task::spawn_blocking(move || {
        let history = History::open(&root);
        entries
            .into_iter()
            .map(|entry| {
                let last = history.last_change(&entry.rel);
                Listed {
                    changed_by: last.as_ref().map(|v| v.who.clone()),
                    changed_at: last.map(|v| v.when),
                    entry,
                }
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    let mut ctx = app.context("Content", &scope);
    let group = |id: &str, title: &str, kinds: &[&str], always: bool| {
        let items: Vec<&Listed> = listed.iter().filter(|l| kinds.contains(&l.entry.kind)).collect();
        serde_json::json!({ "id": id, "title": title, "items": items, "always": always })
    };
    // One group per declared group, in order, holding its kinds (and the LMC's details).
    let mut declared: Vec<&crate::kinds::Group> = crate::kinds::ALL.iter().map(|k| &k.group).collect();
    declared.push(&crate::kinds::LMC_GROUP);
    declared.sort_by_key(|g| g.rank);
    declared.dedup();
    let mut groups: Vec<serde_json::Value> = declared
        .into_iter()
        .map(|g| {
            let mut kinds: Vec<&str> =
                crate::kinds::ALL.iter().filter(|k| k.group == *g).map(|k| k.name).collect();
            if *g == crate::kinds::LMC_GROUP {
                kinds.push(crate::kinds::LMC);
            }
            group(g.id, g.title, &kinds, true)
        })
        .collect();
    groups.push(group("broken", "Files that do not load", &["broken"], false));
    ctx.insert("groups", &groups);
    ctx.insert("csrf", &app.csrf("content"));
    ctx.insert("deleted", &q.get("deleted").filter(|n| resolve(&app, n).is_some()));
    ctx.insert("problems", &Vec::<String>::new());
    ctx.insert("error", &q.get("error"));
    html(app.pages.render("content_list.html", &ctx))
}

/// The text of a content file split for the editor: front matter and body apart, or the
/// whole file in one box (YAML files, and Markdown whose front matter does not close).
#[derive(Serialize, Default, Clone)]
struct Draft {
    whole: bool,
    front: String,
    body: String,
    text: String,
}

impl Draft {
    fn of(text: &str, yaml: bool) -> Draft {
        if !yaml && let Some((front, body)) = split(text) {
            return Draft { whole: false, front: front.into(), body: body.into(), text: String::new() };
        }
        Draft { whole: true, text: text.into(), ..Draft::default() }
    }

    /// The draft a form sent; the front matter form's changed fields (`kind`'s keys) are
    /// written into its YAML.
    fn from_form(form: &BTreeMap<String, String>, kind: &str) -> Draft {
        let get = |k: &str| form.get(k).map(|v| v.replace('\r', "")).unwrap_or_default();
        if form.contains_key("text") {
            return Draft { whole: true, text: get("text"), ..Draft::default() };
        }
        let front = super::front_form::apply(kind, get("front").trim_end_matches('\n'), form);
        Draft { whole: false, front, body: get("body"), text: String::new() }
    }

    fn joined(&self) -> String {
        if self.whole { self.text.clone() } else { format!("---\n{}\n---\n{}", self.front, self.body) }
    }

    /// Where line `line` of the file is in the editor: which box, and which line of it.
    fn locate(&self, line: usize) -> (&'static str, usize) {
        if self.whole {
            return ("file", line);
        }
        let front_lines = if self.front.is_empty() { 1 } else { self.front.lines().count().max(1) };
        if line <= front_lines + 2 {
            ("front matter", line.saturating_sub(1).max(1))
        } else {
            ("body", line - front_lines - 2)
        }
    }
}

/// A file's front matter and body, when it opens with `---` and the front matter closes.
fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    if let Some(body) = rest.strip_prefix("---\n") {
        return Some(("", body));
    }
    let end = rest.find("\n---\n")?;
    Some((&rest[..end], &rest[end + 5..]))
}

#[derive(Serialize)]
struct Shown2 {
    severity: &'static str,
    place: String,
    /// The box (`front`, `body`, `text`) and line, for the script to mark the line.
    target: &'static str,
    line: usize,
    message: String,
    hints: Vec<String>,
}

fn problems_view(draft: &Draft, problems: &[Problem]) -> Vec<Shown2> {
    problems
        .iter()
        .map(|p| {
            let (target, place, line) = match p.line_col() {
                Some((line, col)) => {
                    let (part, at) = draft.locate(line);
                    let target = match part {
                        "front matter" => "front",
                        "body" => "body",
                        _ => "text",
                    };
                    (target, format!("{part}, line {at}, column {col}"), at)
                }
                None if p.file.as_os_str().is_empty() => ("", String::new(), 0),
                None => ("", p.file.display().to_string(), 0),
            };
            let mut hints = p.hints.clone();
            hints.extend(p.notes.iter().cloned());
            Shown2 {
                severity: if p.is_error() { "error" } else { "warning" },
                place,
                target,
                line,
                message: p.message.clone(),
                hints,
            }
        })
        .collect()
}

fn edit_context(app: &App, scope: &Access, entry: &ContentEntry, draft: &Draft, base: &str) -> Context {
    let mut ctx = app.context(&entry.title, scope);
    ctx.insert("entry", entry);
    ctx.insert("open", entry.opens.as_deref().unwrap_or_default());
    ctx.insert("draft", draft);
    let front_fields =
        if draft.whole { Vec::new() } else { super::front_form::fields(entry.kind, &draft.front) };
    ctx.insert("front_fields", &front_fields);
    ctx.insert("base", base);
    ctx.insert("csrf", &app.csrf("content"));
    ctx.insert("practices", &app.snapshot().practices);
    ctx.insert("previewable", &!matches!(entry.kind, "lmc" | "broken"));
    ctx.insert("deletable", &deletable(entry.kind));
    ctx.insert("alone", &crate::kinds::named(entry.kind).is_some_and(|k| k.previewed_alone));
    ctx.insert("problems", &Vec::<String>::new());
    ctx.insert("found", &Vec::<Shown2>::new());
    ctx.insert("refused", &false);
    ctx.insert("saved", &false);
    ctx.insert("conflict", &None::<Vec<Row>>);
    ctx.insert("preview", &None::<PreviewView>);
    ctx.insert("practice", "");
    ctx
}

async fn read(path: PathBuf) -> Option<Vec<u8>> {
    tokio::task::spawn_blocking(move || std::fs::read(path).ok()).await.ok().flatten()
}

async fn open(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    UrlPath(name): UrlPath<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    if let Err(r) = lmc_only(&app, &scope) {
        return r;
    }
    if let Some(rest) = name.strip_prefix("review") {
        let rel = rest.trim_start_matches('/');
        if rel.is_empty() {
            return super::review::list(&app, &scope).await;
        }
        let notice = q.get("done").map(|d| (StatusCode::OK, super::review::done_words(d)));
        return super::review::page(&app, &scope, rel, notice).await;
    }
    let Some(entry) = resolve(&app, &name) else { return not_found(&app) };
    if q.get("view").is_some_and(|v| v == "history") {
        return history_page(&app, &scope, &entry).await;
    }
    let Some(bytes) = read(entry.path.clone()).await else { return not_found(&app) };
    let text = String::from_utf8_lossy(&bytes);
    let draft = Draft::of(&text, entry.kind == "lmc");
    let mut ctx = edit_context(&app, &scope, &entry, &draft, &version_hash(Some(&bytes)));
    ctx.insert("saved", &q.contains_key("saved"));
    html(app.pages.render("content_edit.html", &ctx))
}

fn form_expired(app: &App) -> Response {
    app.message(
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form was not sent from this site's own page, or the server has restarted since. Open the page again.",
    )
}

fn form_ok(app: &App, headers: &HeaderMap, form: &BTreeMap<String, String>) -> bool {
    super::auth::form_ok(app, headers, form.get("csrf"), "content")
}

#[derive(Serialize)]
struct PreviewView {
    pages: Vec<String>,
    text: Option<String>,
    found: Vec<Shown2>,
    practice: Option<String>,
    kind: &'static str,
    title: String,
}

fn preview_view(entry: &ContentEntry, draft: &Draft, preview: pipeline::Preview) -> PreviewView {
    use base64::Engine;
    let (pages, text) = match preview.shown {
        Some(Shown::Pages(pages)) => (
            pages
                .iter()
                .map(|p| {
                    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(p))
                })
                .collect(),
            None,
        ),
        Some(Shown::Text(t)) => (Vec::new(), Some(t)),
        None => (Vec::new(), None),
    };
    PreviewView {
        pages,
        text,
        found: problems_view(draft, &preview.problems),
        practice: preview.practice,
        kind: entry.kind,
        title: entry.title.clone(),
    }
}

/// Every POST to a content file: `action` is preview, save, restore or delete.
async fn act(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    axum::Extension(who): axum::Extension<Who>,
    UrlPath(name): UrlPath<String>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    if let Err(r) = lmc_only(&app, &scope) {
        return r;
    }
    if let Some(rel) = name.strip_prefix("review/") {
        if !form_ok(&app, &headers, &form) {
            return form_expired(&app);
        }
        return super::review::act(&app, &scope, &who, rel, &form).await;
    }
    let Some(entry) = resolve(&app, &name) else { return not_found(&app) };
    if !form_ok(&app, &headers, &form) {
        return form_expired(&app);
    }
    let action = form.get("action").map(String::as_str).unwrap_or("save");
    match action {
        "preview" => {
            let draft = Draft::from_form(&form, entry.kind);
            let practice = form.get("practice").filter(|p| !p.is_empty()).cloned();
            let fragment = headers.contains_key("x-preview");
            let (root, path, text) = (app.root.clone(), entry.path.clone(), draft.joined());
            let ods = practice.clone();
            let Some(_turn) = super::typesetting::turn().await else { return super::typesetting::busy(&app) };
            let made =
                tokio::task::spawn_blocking(move || pipeline::preview(&root, &path, &text, ods.as_deref()))
                    .await;
            let preview = match made {
                Ok(Ok(p)) => p,
                Ok(Err(problem)) => {
                    pipeline::Preview { shown: None, problems: vec![problem], practice: None }
                }
                Err(_) => {
                    return app.message(StatusCode::INTERNAL_SERVER_ERROR, "Preview failed", "Try again.");
                }
            };
            let view = preview_view(&entry, &draft, preview);
            let base = form.get("base").cloned().unwrap_or_default();
            let mut ctx = edit_context(&app, &scope, &entry, &draft, &base);
            ctx.insert("practice", &practice.unwrap_or_default());
            ctx.insert("preview", &view);
            let page = if fragment { "content_preview.html" } else { "content_edit.html" };
            html(app.pages.render(page, &ctx))
        }
        "save" | "restore" => {
            let (draft, what) = if action == "restore" {
                let Some(id) = form.get("version") else { return not_found(&app) };
                let (root, rel, id) = (app.root.clone(), entry.rel.clone(), id.clone());
                let old = tokio::task::spawn_blocking(move || History::open(&root).read(&rel, &id)).await;
                match old {
                    Ok(Ok(Some(bytes))) => (
                        Draft::of(&String::from_utf8_lossy(&bytes), entry.kind == "lmc"),
                        audit::Action::Restore,
                    ),
                    _ => return not_found(&app),
                }
            } else {
                (Draft::from_form(&form, entry.kind), audit::Action::Save)
            };
            let base = form.get("base").cloned().unwrap_or_default();
            save(&app, &scope, &who, &entry, draft, &base, what).await
        }
        "delete" if deletable(entry.kind) => {
            let base = form.get("base").cloned().unwrap_or_default();
            let (root, path) = (app.root.clone(), entry.path.clone());
            let done = tokio::task::spawn_blocking(move || {
                let _one = SAVING.lock().unwrap_or_else(|e| e.into_inner());
                let before = std::fs::read(&path).ok();
                if before.is_none() || version_hash(before.as_deref()) != base {
                    return Ok(false);
                }
                std::fs::remove_file(&path)?;
                crate::history::keep(
                    &root,
                    &path,
                    before.as_deref(),
                    None,
                    &who.0,
                    audit::Action::Delete,
                    None,
                )?;
                anyhow::Ok(true)
            })
            .await;
            match done {
                Ok(Ok(true)) => Redirect::to(&format!("/content/?deleted={name}")).into_response(),
                Ok(Ok(false)) => app.message(
                    StatusCode::CONFLICT,
                    "Changed since you opened it",
                    "The file changed since the page was opened, so it was not deleted. Open it again to see it.",
                ),
                Ok(Err(e)) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Delete failed", &format!("{e:#}")),
                Err(_) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Delete failed", "It did not finish."),
            }
        }
        _ => app.message(
            StatusCode::BAD_REQUEST,
            "Unknown action",
            "The form asked for something this page does not do.",
        ),
    }
}

/// One save at a time: the check that the file is still the version the editor opened and
/// the write must not interleave with another tab's.
static SAVING: std::sync::Mutex<()> = std::sync::Mutex::new(());

enum Outcome {
    Saved,
    Unchanged,
    Refused(Vec<Problem>),
    Conflict(String),
}

async fn save(
    app: &App,
    scope: &Access,
    who: &Who,
    entry: &ContentEntry,
    draft: Draft,
    base: &str,
    what: audit::Action,
) -> Response {
    let (root, path, text, base_owned, who_label) =
        (app.root.clone(), entry.path.clone(), draft.joined(), base.to_string(), who.0.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let _one = SAVING.lock().unwrap_or_else(|e| e.into_inner());
        let current = std::fs::read(&path).ok();
        if version_hash(current.as_deref()) != base_owned {
            let disk = current.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
            return anyhow::Ok(Outcome::Conflict(disk));
        }
        if current.as_deref() == Some(text.as_bytes()) {
            return Ok(Outcome::Unchanged);
        }
        let errors = pipeline::check_draft(&root, &path, &text).map_err(|p| anyhow::anyhow!(p.message))?;
        if !errors.is_empty() {
            return Ok(Outcome::Refused(errors));
        }
        write_atomic(&path, text.as_bytes(), false)?;
        crate::history::keep(
            &root,
            &path,
            current.as_deref(),
            Some(text.as_bytes()),
            &who_label,
            what,
            None,
        )?;
        Ok(Outcome::Saved)
    })
    .await;
    match outcome {
        Ok(Ok(Outcome::Saved | Outcome::Unchanged)) => {
            Redirect::to(&format!("/content/{}?saved=1", entry.name)).into_response()
        }
        Ok(Ok(Outcome::Refused(errors))) => {
            let mut ctx = edit_context(app, scope, entry, &draft, base);
            ctx.insert("found", &problems_view(&draft, &errors));
            ctx.insert("refused", &true);
            (StatusCode::UNPROCESSABLE_ENTITY, html(app.pages.render("content_edit.html", &ctx)))
                .into_response()
        }
        Ok(Ok(Outcome::Conflict(disk))) => {
            // The form comes back with the editor's text over the version now on disk: saving
            // again replaces that version knowingly, and it is kept in the history.
            let mut ctx = edit_context(app, scope, entry, &draft, &version_hash(Some(disk.as_bytes())));
            ctx.insert("conflict", &diff::rows(&disk, &draft.joined()));
            (StatusCode::CONFLICT, html(app.pages.render("content_edit.html", &ctx))).into_response()
        }
        Ok(Err(e)) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Save failed", &format!("{e:#}")),
        Err(_) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Save failed", "The save did not finish."),
    }
}

async fn history_page(app: &App, scope: &Access, entry: &ContentEntry) -> Response {
    let place = Place {
        title: format!("History of {}", entry.title),
        rel: entry.rel.clone(),
        edit: format!("/content/{}", entry.name),
        up: "/content/".into(),
        up_label: "All content".into(),
        restore: format!("/content/{}", entry.name),
        csrf: app.csrf("content"),
    };
    super::versions::page(app, scope, entry.path.clone(), place).await
}

/// New files start from a template of their kind (the kind whose folder is `folder`), which
/// `check` accepts as it stands.
fn template(folder: &str, order: i64, today: &str) -> Option<String> {
    crate::kinds::in_folder(folder)?.new_file(order, today)
}

/// Whether the editor may delete a file of `kind`: one of the kinds kept one file each in
/// their own folder.
fn deletable(kind: &str) -> bool {
    crate::kinds::named(kind).is_some_and(|k| !k.folder.is_empty())
}

async fn create(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    axum::Extension(who): axum::Extension<Who>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    if let Err(r) = lmc_only(&app, &scope) {
        return r;
    }
    if !form_ok(&app, &headers, &form) {
        return form_expired(&app);
    }
    let folder = form.get("kind").map(String::as_str).unwrap_or("");
    let stem = form.get("name").map(|s| s.trim().to_ascii_lowercase()).unwrap_or_default();
    let refuse = |why: &str| Redirect::to(&format!("/content/?error={}", urlencode(why))).into_response();
    if !crate::load::content::is_slug(&stem) || stem.len() > 80 {
        return refuse("A name may hold only small letters, digits and hyphens, such as 14-new-section.");
    }
    let name = format!("{folder}/{stem}");
    let of_kind = |e: &&ContentEntry| crate::kinds::in_folder(folder).is_some_and(|k| k.name == e.kind);
    let next_order = app.snapshot().content.iter().filter(of_kind).count() as i64 + 1;
    let today = crate::load::dates::today().to_string();
    let Some(text) = template(folder, next_order * 10, &today) else { return not_found(&app) };
    let Some(entry) = resolve(&app, &name) else { return refuse("That name cannot be used.") };
    let (root, path) = (app.root.clone(), entry.path.clone());
    let made = tokio::task::spawn_blocking(move || {
        let _one = SAVING.lock().unwrap_or_else(|e| e.into_inner());
        if path.exists() {
            return anyhow::Ok(false);
        }
        write_atomic(&path, text.as_bytes(), false)?;
        crate::history::keep(&root, &path, None, Some(text.as_bytes()), &who.0, audit::Action::Create, None)?;
        Ok(true)
    })
    .await;
    match made {
        Ok(Ok(true)) => Redirect::to(&format!("/content/{name}")).into_response(),
        Ok(Ok(false)) => refuse("A file of that name exists already."),
        _ => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Not created", "The file could not be written."),
    }
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_body_round_trip() {
        let text = "---\nkind: poster\ntitle: A\n---\n\nBody {{ x }}\n";
        let d = Draft::of(text, false);
        assert!(!d.whole);
        assert_eq!(d.front, "kind: poster\ntitle: A");
        assert_eq!(d.joined(), text);
        assert_eq!(d.locate(3), ("front matter", 2));
        assert_eq!(d.locate(6), ("body", 2));
        let yaml = Draft::of("name: x\n", true);
        assert!(yaml.whole);
        assert_eq!(yaml.joined(), "name: x\n");
        let broken = Draft::of("no front matter", false);
        assert!(broken.whole);
    }

    #[test]
    fn browser_line_endings_are_undone() {
        let form: BTreeMap<String, String> =
            [("front".to_string(), "a: 1\r\n".to_string()), ("body".to_string(), "x\r\ny\r\n".to_string())]
                .into();
        assert_eq!(Draft::from_form(&form, "guide-section").joined(), "---\na: 1\n---\nx\ny\n");
    }

    #[test]
    fn new_files_start_valid_for_their_kind() {
        for kind in ["guide", "posters", "letters"] {
            let text = template(kind, 140, "2026-12-01").unwrap();
            assert!(split(&text).is_some(), "{kind}");
        }
        assert!(template("../x", 1, "").is_none());
    }
}
