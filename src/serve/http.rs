//! Routes and the practice pages' handlers; who may ask what is decided in `auth.rs`.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tera::Context;

use super::app::{App, Shared, Who, allowed, forbidden, html, not_found};
use super::files;
use super::pages;
use super::profile::{self, Logo, Saved};
use super::snapshot::PracticeEntry;
use crate::access::Access;
use crate::diag::display_path;
use crate::history::audit;
use crate::plan::priority::Viewed;
use crate::write::pack::{COPY_PIECE, Recipe};

/// Forms and everything else but the profile form carry little: refuse large bodies early.
const BODY_LIMIT: usize = 64 * 1024;

pub fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/events", get(events))
        .route("/static/serve.css", get(|| async { asset("text/css; charset=utf-8", pages::CSS) }))
        .route("/static/serve.js", get(|| async { asset("text/javascript; charset=utf-8", pages::JS) }))
        .route(
            "/static/editor.js",
            get(|| async { asset("text/javascript; charset=utf-8", pages::EDITOR_JS) }),
        )
        .route("/guide/{*rel}", get(guide_file))
        .route("/help/{name}", get(super::help::page))
        .route(
            "/practices/{ods}",
            get(|UrlPath(ods): UrlPath<String>| async move { practice_redirect(&ods) }),
        )
        .route("/practices/{ods}/", get(practice_page))
        .route("/practices/{ods}/pack.zip", get(pack))
        .route("/practices/{ods}/{folder}/{slug}/page.png", get(super::page_image::first_page))
        .route("/practices/{ods}/files/{*rel}", get(practice_file))
        .route(
            "/practices/{ods}/profile",
            get(profile_form)
                .post(profile_save)
                .layer(DefaultBodyLimit::max(profile::LOGO_LIMIT + BODY_LIMIT)),
        )
        .route(
            "/practices/{ods}/profile/history",
            get(super::profile_history::page).post(super::profile_history::restore),
        )
        .merge(super::content::routes())
        .fallback(|State(app): State<Shared>| async move {
            app.message(StatusCode::NOT_FOUND, "Not found", "There is no page at this address.")
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(app.clone(), super::auth::guard))
        .layer(middleware::from_fn(super::auth::security_headers))
        .with_state(app)
}

fn practice_redirect(ods: &str) -> Response {
    if files::is_ods(ods) {
        Redirect::permanent(&format!("/practices/{ods}/")).into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

async fn index(State(app): State<Shared>, axum::Extension(scope): axum::Extension<Access>) -> Response {
    if let Access::Practice(ods) = &scope {
        return Redirect::to(&format!("/practices/{ods}/")).into_response();
    }
    let mut ctx = app.context("Documents", &scope);
    let guide: Vec<String> = std::fs::read_dir(app.out.join("guide"))
        .map(|rd| {
            let mut names: Vec<String> = rd
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.'))
                .collect();
            names.sort();
            names
        })
        .unwrap_or_default();
    ctx.insert("guide", &guide);
    ctx.insert("practices", &app.snapshot().practices);
    ctx.insert("problems", &app.live.problems(None, None));
    html(app.pages.render("index.html", &ctx))
}

async fn practice_page(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    UrlPath(ods): UrlPath<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let practice = match allowed(&app, &scope, &ods) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let dir = app.out.join("practices").join(&practice.ods);
    let kinds = app.snapshot().shelves.clone();
    // Stamps for the download links and the words of text files: file reads, kept off the
    // async threads.
    let read = {
        let practice = practice.clone();
        tokio::task::spawn_blocking(move || files::shelves(&dir, &practice, &kinds))
    };
    let Ok(shelves) = read.await else {
        return app.message(StatusCode::INTERNAL_SERVER_ERROR, "Failed", "The page could not be made.");
    };
    let mut ctx = app.context(&practice.name, &scope);
    ctx.insert("practice", &practice);
    ctx.insert("ods", &practice.ods);
    ctx.insert("shelves", &shelves);
    ctx.insert("saved", &q.contains_key("saved"));
    let profile = display_path(&app.root, &practice.path);
    ctx.insert("problems", &app.live.problems(Some(&practice.ods), Some(&profile)));
    html(app.pages.render("practice.html", &ctx))
}

async fn send_file(path: PathBuf) -> Response {
    let read = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || std::fs::read(path))
    };
    let path = path.as_path();
    match read.await.map_err(std::io::Error::other).and_then(|r| r) {
        Ok(bytes) => {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
            let disposition = format!("inline; filename=\"{}\"", name.replace(['"', '\\'], "_"));
            let mut res = (
                [
                    (header::CONTENT_TYPE, files::content_type(path)),
                    (header::CACHE_CONTROL, "private, no-cache"),
                ],
                bytes,
            )
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn practice_file(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    UrlPath((ods, rel)): UrlPath<(String, String)>,
) -> Response {
    let practice = match allowed(&app, &scope, &ods) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // A practice's link opens only the files of the documents it is offered.
    let listed = practice.documents.iter().any(|d| d.files.iter().any(|(f, _)| *f == rel));
    if !scope.is_lmc() && !listed {
        return not_found(&app);
    }
    match super::auth::confined(&app.out.join("practices").join(&practice.ods), &rel) {
        Some(path) => send_file(path).await,
        None => not_found(&app),
    }
}

async fn guide_file(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    UrlPath(rel): UrlPath<String>,
) -> Response {
    if !scope.is_lmc() {
        return forbidden(&app);
    }
    match super::auth::confined(&app.out.join("guide"), &rel) {
        Some(path) => send_file(path).await,
        None => not_found(&app),
    }
}

/// The practice's pack, made now from the files the last build wrote: the one pack format,
/// with its README. Its members are the plan's, so nothing else under `output/` gets in.
async fn pack(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    axum::Extension(who): axum::Extension<Who>,
    UrlPath(ods): UrlPath<String>,
) -> Response {
    let mut practice = match allowed(&app, &scope, &ods) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let entry = audit::Entry::new(&who.0, audit::Action::PackDownload).practice(&practice.ods);
    if audit::append(&app.root, &entry).is_err() {
        return app.message(StatusCode::INTERNAL_SERVER_ERROR, "Audit log unwritable", "Ask the LMC.");
    }
    let Some(turn) = super::typesetting::turn().await else { return super::typesetting::busy(&app) };
    let (recipe, out) = (std::mem::take(&mut practice.pack), app.out.clone());
    let made = tokio::task::spawn_blocking(move || zip_to_file(&recipe, &out)).await;
    // The turn covers making the pack, not sending it: a slow download keeps no one waiting.
    drop(turn);
    match made {
        Ok(Ok(Some((file, len)))) => {
            let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
                tokio::fs::File::from_std(file),
                COPY_PIECE,
            ));
            (
                [
                    (header::CONTENT_TYPE, "application/zip".to_string()),
                    (header::CONTENT_LENGTH, len.to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.zip\"", practice.ods)),
                    (header::CACHE_CONTROL, "private, no-cache".to_string()),
                ],
                body,
            )
                .into_response()
        }
        Ok(Ok(None)) => app.message(
            StatusCode::NOT_FOUND,
            "Pack not built yet",
            "The pack is made with the practice's documents; try again once the build has finished.",
        ),
        // The cause names the server's folders: the LMC's links are told it, practices are not.
        Ok(Err(e)) if scope.is_lmc() => {
            app.message(StatusCode::INTERNAL_SERVER_ERROR, "Pack failed", &format!("{e:#}"))
        }
        _ => app.message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Pack failed",
            "The pack could not be made. Ask the LMC.",
        ),
    }
}

/// Zips `recipe`'s built members into a nameless file beside the outputs and gives it back
/// from its start, with its length; `None` when nothing is built. A pack is 5 to 13 MB in the
/// 1,000-practice benchmark: held whole until its download ended, with its members read whole
/// and its bytes grown by doubling while zipped, packs were most of serve's peak memory when
/// every practice came at once. The file is on
/// the outputs' disk, not a memory-backed `/tmp`, and disappears when its last handle closes.
fn zip_to_file(recipe: &Recipe, out: &Path) -> anyhow::Result<Option<(std::fs::File, u64)>> {
    use std::io::Seek;
    let file = tempfile::tempfile_in(out).context("failed to make a file for the pack")?;
    let Some(written) = recipe.make_from_built(out, std::io::BufWriter::with_capacity(COPY_PIECE, file))
    else {
        return Ok(None);
    };
    let mut file = written.into_inner().map_err(|e| e.into_error()).context("failed to write the pack")?;
    let len = file.metadata()?.len();
    file.rewind()?;
    Ok(Some((file, len)))
}

/// What an `/events?open=…` connection says its page shows: a practice (by ODS code) or a
/// document (by slug). A practice's key may only say its own practice; anything else is
/// ignored, never an error, since it only orders work.
fn viewed(scope: &Access, open: Option<&str>) -> Option<Viewed> {
    let open = open?;
    if files::is_ods(open) {
        let ods = open.to_ascii_uppercase();
        return scope.opens(&ods).then_some(Viewed::Practice(ods));
    }
    let slug = (1..=100).contains(&open.len())
        && open.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    (slug && scope.is_lmc()).then(|| Viewed::Document(open.to_string()))
}

/// News of each rebuild. A practice's key hears only about its own practice. While the
/// connection lasts, what its page shows is made first by each rebuild.
async fn events(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let rx = app.live.subscribe();
    // Dropped with the stream when the browser goes away.
    let viewing = viewed(&scope, q.get("open").map(String::as_str)).and_then(|v| app.viewers.enter(v));
    let stream = futures_util::stream::unfold((rx, scope, viewing), |(mut rx, scope, viewing)| async move {
        loop {
            match rx.recv().await {
                Ok(update) if update.closing => return None,
                Ok(mut update) => {
                    if let Access::Practice(own) = &scope {
                        let mine = update.practices.iter().any(|p| p == own);
                        update.practices = if mine { vec![own.clone()] } else { vec![] };
                        if !mine && !update.all {
                            continue;
                        }
                    }
                    let data = serde_json::to_string(&update).unwrap_or_default();
                    return Some((Ok(Event::default().event("rebuilt").data(data)), (rx, scope, viewing)));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn profile_context(app: &App, scope: &Access, practice: &PracticeEntry) -> Context {
    let mut ctx = app.context(&format!("Profile of {}", practice.name), scope);
    ctx.insert("practice", practice);
    ctx.insert("ods", &practice.ods);
    ctx.insert("csrf", &app.csrf(&practice.ods));
    ctx.insert("logo_limit_kb", &(profile::LOGO_LIMIT / 1024));
    ctx.insert("problems", &Vec::<String>::new());
    ctx.insert("general", &Vec::<String>::new());
    ctx
}

fn insert_fields(ctx: &mut Context, fields: &[profile::Field]) {
    ctx.insert("fields", fields);
    ctx.insert("has_logo", &fields.iter().any(|f| f.name == "logo"));
}

async fn profile_form(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    UrlPath(ods): UrlPath<String>,
) -> Response {
    let practice = match allowed(&app, &scope, &ods) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let text = std::fs::read_to_string(&practice.path).unwrap_or_default();
    let mut ctx = profile_context(&app, &scope, &practice);
    match super::yaml_edit::values(&text) {
        Ok(map) => insert_fields(&mut ctx, &profile::fields(&map)),
        Err(e) => {
            insert_fields(&mut ctx, &[]);
            ctx.insert("general", &vec![format!("the profile does not parse: {e}")]);
        }
    }
    html(app.pages.render("profile.html", &ctx))
}

async fn profile_save(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    axum::Extension(who): axum::Extension<Who>,
    UrlPath(ods): UrlPath<String>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let practice = match allowed(&app, &scope, &ods) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut submitted = BTreeMap::new();
    let mut logo_bytes: Option<Vec<u8>> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(_) => return too_large(&app),
                };
                if name == "logo_file" {
                    if !bytes.is_empty() {
                        logo_bytes = Some(bytes.to_vec());
                    }
                } else {
                    submitted.insert(name, String::from_utf8_lossy(&bytes).replace('\r', ""));
                }
            }
            Ok(None) => break,
            Err(_) => return too_large(&app),
        }
    }
    if !super::auth::form_ok(&app, &headers, submitted.get("csrf"), &practice.ods) {
        return app.message(
            StatusCode::FORBIDDEN,
            "Form expired",
            "This form was not sent from this site's own page, or the server has restarted since. Open the form again.",
        );
    }
    let mut ctx = profile_context(&app, &scope, &practice);
    let logo = match logo_bytes.map(Logo::check) {
        Some(Err(why)) => {
            let text = std::fs::read_to_string(&practice.path).unwrap_or_default();
            let mut fields = super::yaml_edit::values(&text).map(|m| profile::fields(&m)).unwrap_or_default();
            for f in &mut fields {
                if let Some(v) = submitted.get(&f.name) {
                    f.value = v.clone();
                }
                if f.name == "logo" {
                    f.error = Some(why.clone());
                }
            }
            insert_fields(&mut ctx, &fields);
            ctx.insert("general", &vec![format!("Logo: {why}")]);
            return (StatusCode::UNPROCESSABLE_ENTITY, html(app.pages.render("profile.html", &ctx)))
                .into_response();
        }
        Some(Ok(logo)) => Some(logo),
        None => None,
    };
    let (root, path, ods) = (app.root.clone(), practice.path.clone(), practice.ods.clone());
    let saved = tokio::task::spawn_blocking(move || {
        let before = std::fs::read(&path).ok();
        let saved = profile::save(&root, &path, &submitted, logo)?;
        if matches!(saved, Saved::Written) {
            let after = std::fs::read(&path).ok();
            let (before, after) = (before.as_deref(), after.as_deref());
            crate::history::keep(&root, &path, before, after, &who.0, audit::Action::Save, Some(&ods))?;
        }
        anyhow::Ok(saved)
    })
    .await;
    match saved {
        Ok(Ok(Saved::Written | Saved::Unchanged)) => {
            Redirect::to(&format!("/practices/{}/?saved=1", practice.ods)).into_response()
        }
        Ok(Ok(Saved::Refused { fields, general })) => {
            insert_fields(&mut ctx, &fields);
            ctx.insert("general", &general);
            (StatusCode::UNPROCESSABLE_ENTITY, html(app.pages.render("profile.html", &ctx))).into_response()
        }
        Ok(Err(e)) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Save failed", &format!("{e:#}")),
        Err(_) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Save failed", "The save did not finish."),
    }
}

fn too_large(app: &App) -> Response {
    app.message(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Too large",
        &format!("The form or logo is too large: logos may be up to {} KB.", profile::LOGO_LIMIT / 1024),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_may_say_only_what_its_key_opens() {
        let lmc = Access::Lmc;
        let own = Access::Practice("Z90001".into());
        assert_eq!(viewed(&lmc, Some("z90002")), Some(Viewed::Practice("Z90002".into())));
        assert_eq!(
            viewed(&lmc, Some("llr-guide-2026-27")),
            Some(Viewed::Document("llr-guide-2026-27".into()))
        );
        assert_eq!(viewed(&own, Some("Z90001")), Some(Viewed::Practice("Z90001".into())));
        assert_eq!(viewed(&own, Some("Z90002")), None, "another practice");
        assert_eq!(viewed(&own, Some("llr-guide-2026-27")), None, "a practice's key opens no document");
        for hostile in ["../x", "A B", "<script>", "", &"a".repeat(101), "Guide"] {
            assert_eq!(viewed(&lmc, Some(hostile)), None, "{hostile:?}");
        }
        assert_eq!(viewed(&lmc, None), None);
    }
}
