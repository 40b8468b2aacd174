//! Sign-off in the browser. `/content/review/` lists the files that are not approved; each
//! file's review page shows what changed since its last approved version, the document as it
//! would go out, and its editor's note, with approve and request-changes for those whose roles
//! allow. Every act is judged by `approval::rules`, the same rules as `lmcpress approve`: a
//! practice's link gets 403 here, the unnamed LMC link may submit but never approve, nobody
//! approves their own change, and an approval applies only to the bytes the page showed.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use super::app::{App, Who, html, not_found};
use super::diff::{self, Row};
use crate::access::Access;
use crate::approval::{self, ledger::Action, rules, state::Stage, view::Settings};
use crate::history::{self, audit};
use crate::pipeline::{self, Shown};

#[derive(Serialize)]
struct Listed {
    rel: String,
    stage: Stage,
    label: &'static str,
    approved: Option<String>,
}

/// What the person looking may do here.
#[derive(Serialize)]
struct Rights {
    submit: bool,
    approve: bool,
    /// Why they may not approve, in words.
    why_not: Option<String>,
}

fn rights(settings: &Settings, scope: &Access, rel: &str) -> Rights {
    let why_not = match scope {
        Access::Lmc => Some(
            "This is the LMC's shared editor link, which names nobody: ask for your own link (lmcpress access grant --person \"NAME\") to approve.".to_string(),
        ),
        Access::Person(name) => match settings.people.find(name) {
            Some(person) => person.approving_role(rel).err(),
            None => Some(format!("{name} is no longer among the people in lmc.yaml.")),
        },
        Access::Practice(_) => Some("A practice's link cannot approve.".into()),
    };
    Rights { submit: scope.is_lmc(), approve: why_not.is_none(), why_not }
}

pub(super) async fn list(app: &App, scope: &Access) -> Response {
    let root = app.root.clone();
    let made = tokio::task::spawn_blocking(move || {
        let settings = Settings::read(&root);
        let view = approval::view::View::with(&root, approval::view::Mode::Drafts, &settings);
        let mut listed: Vec<Listed> = approval::approvable_files(&root)
            .into_iter()
            .filter_map(|rel| {
                let hash = approval::hash(&std::fs::read(root.join(&rel)).ok()?);
                let stage = view.book.stage(&rel, &hash);
                (stage != Stage::Approved).then(|| Listed {
                    approved: view.book.approval(&rel).map(|a| a.line()),
                    label: stage.describe(),
                    stage,
                    rel,
                })
            })
            .collect();
        // What waits for an approver first, then what was sent back, then drafts.
        listed.sort_by_key(|l| match l.stage {
            Stage::Awaiting { .. } => 0,
            Stage::ChangesRequested { .. } => 1,
            _ => 2,
        });
        (settings.required, listed, view.problems)
    })
    .await;
    let Ok((required, listed, problems)) = made else {
        return app.message(StatusCode::INTERNAL_SERVER_ERROR, "Failed", "The list could not be made.");
    };
    let mut ctx = app.context("Awaiting approval", scope);
    ctx.insert("required", &required);
    ctx.insert("files", &listed);
    ctx.insert("problems", &problems);
    html(app.pages.render("review_list.html", &ctx))
}

#[derive(Serialize)]
struct PageView {
    rel: String,
    /// The editor's address of a content file (`guide/05-safe-clinical-limits`).
    edit: Option<String>,
    hash: String,
    short: String,
    stage: Stage,
    label: &'static str,
    approved: Option<String>,
    rows: Vec<Row>,
    pages: Vec<String>,
    text: Option<String>,
    history: Vec<Record>,
}

/// One line of a file's sign-off record.
#[derive(Serialize)]
struct Record {
    time: String,
    who: String,
    role: Option<&'static str>,
    what: &'static str,
    short: String,
    note: Option<String>,
}

impl Record {
    fn of(e: &approval::ledger::Entry) -> Record {
        Record {
            time: approval::state::long_date(&e.time),
            who: e.who.clone(),
            role: e.role.map(|r| r.describe()),
            what: e.action.describe(),
            short: e.hash.chars().take(12).collect(),
            note: e.note.clone(),
        }
    }
}

/// The review page of `rel`, with `notice` (status, words) above it after a refused act.
pub(super) async fn page(
    app: &App,
    scope: &Access,
    rel: &str,
    notice: Option<(StatusCode, String)>,
) -> Response {
    if !approval::needs_approval(rel) {
        return not_found(app);
    }
    let Some(path) = approval::inside(&app.root, rel) else { return not_found(app) };
    let root = app.root.clone();
    let rel_owned = rel.to_string();
    let Some(_turn) = super::typesetting::turn().await else { return super::typesetting::busy(app) };
    let made = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&path).ok()?;
        let settings = Settings::read(&root);
        let view = approval::view::View::with(&root, approval::view::Mode::Drafts, &settings);
        let hash = approval::hash(&bytes);
        let approved = view.book.approval(&rel_owned);
        let before = approved.and_then(|a| approval::store::get(&root, &a.hash)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let shown = rel_owned
            .ends_with(".md")
            .then(|| pipeline::preview(&root, &path, &text, None).ok())
            .flatten()
            .and_then(|p| p.shown);
        let (pages, text) = match shown {
            Some(Shown::Pages(pages)) => (pages.iter().map(|p| data_url(p)).collect(), None),
            Some(Shown::Text(t)) => (Vec::new(), Some(t)),
            None => (Vec::new(), None),
        };
        let stage = view.book.stage(&rel_owned, &hash);
        Some((
            PageView {
                rows: diff::rows(&String::from_utf8_lossy(&before), &String::from_utf8_lossy(&bytes)),
                approved: approved.map(|a| a.line()),
                history: view.book.history(&rel_owned).iter().map(Record::of).collect(),
                label: stage.describe(),
                stage,
                edit: rel_owned
                    .strip_prefix("content/")
                    .and_then(|r| r.strip_suffix(".md"))
                    .map(str::to_string),
                short: hash.chars().take(12).collect(),
                hash,
                rel: rel_owned,
                pages,
                text,
            },
            settings,
        ))
    })
    .await;
    let Ok(Some((view, settings))) = made else { return not_found(app) };
    let mut ctx = app.context(&format!("Review {}", view.rel), scope);
    ctx.insert("rights", &rights(&settings, scope, rel));
    ctx.insert("required", &settings.required);
    ctx.insert("file", &view);
    ctx.insert("csrf", &app.csrf("content"));
    ctx.insert("notice", &notice.as_ref().map(|(_, m)| m));
    ctx.insert("problems", &Vec::<String>::new());
    let status = notice.map_or(StatusCode::OK, |(s, _)| s);
    (status, html(app.pages.render("review.html", &ctx))).into_response()
}

fn data_url(png: &[u8]) -> String {
    use base64::Engine;
    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
}

/// A POST to a file's review page: `action` is submit, approve or request-changes, `hash`
/// the version the page showed, `note` the editor's note or the approver's comment.
pub(super) async fn act(
    app: &App,
    scope: &Access,
    who: &Who,
    rel: &str,
    form: &BTreeMap<String, String>,
) -> Response {
    let action = match form.get("action").map(String::as_str) {
        Some("submit") => Action::Submit,
        Some("approve") => Action::Approve,
        Some("request-changes") => Action::RequestChanges,
        _ => {
            return app.message(
                StatusCode::BAD_REQUEST,
                "Unknown action",
                "The form asked for something this page does not do.",
            );
        }
    };
    if !approval::needs_approval(rel) || approval::inside(&app.root, rel).is_none() {
        return not_found(app);
    }
    let settings = Settings::read(&app.root);
    let rights = rights(&settings, scope, rel);
    let allowed = if action == Action::Submit { rights.submit } else { rights.approve };
    if !allowed {
        let why = rights.why_not.unwrap_or_else(|| "Your link cannot do this.".into());
        return app.message(StatusCode::FORBIDDEN, "Not allowed", &why);
    }
    let (root, rel_owned, who_name) = (app.root.clone(), rel.to_string(), who.0.clone());
    let shown = form.get("hash").cloned().unwrap_or_default();
    let note = form.get("note").cloned();
    let done = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(root.join(&rel_owned))?;
        let authors = match action {
            Action::Approve => match history::authors(&root, &rel_owned, &bytes) {
                Ok(a) => a,
                Err(why) => return anyhow::Ok(Err(rules::Refusal::Other(why))),
            },
            _ => Vec::new(),
        };
        let act = rules::Act {
            action,
            rel: &rel_owned,
            shown: &shown,
            who: &who_name,
            authors: &authors,
            note,
            via: "browser",
        };
        let done = rules::record(&root, &settings.people, act)?;
        if done.is_ok() {
            let what = match action {
                Action::Approve => audit::Action::Approve,
                Action::RequestChanges => audit::Action::RequestChanges,
                Action::Submit => audit::Action::Submit,
            };
            audit::append(&root, &audit::Entry::new(&who_name, what).file(&rel_owned))?;
        }
        anyhow::Ok(done.map(|_| ()))
    })
    .await;
    match done {
        Ok(Ok(Ok(()))) => {
            Redirect::to(&format!("/content/review/{rel}?done={}", action_key(action))).into_response()
        }
        Ok(Ok(Err(rules::Refusal::Stale))) => {
            page(app, scope, rel, Some((StatusCode::CONFLICT, rules::Refusal::Stale.to_string()))).await
        }
        Ok(Ok(Err(rules::Refusal::Other(why)))) => {
            page(app, scope, rel, Some((StatusCode::FORBIDDEN, why))).await
        }
        Ok(Err(e)) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Not recorded", &format!("{e:#}")),
        Err(_) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Not recorded", "It did not finish."),
    }
}

/// The line the review page shows after an act went through.
pub(super) fn done_words(key: &str) -> String {
    match key {
        "approved" => "Approved. Practices get this version from the rebuild that starts now.",
        "sent-back" => "Sent back to its editor with your comment.",
        "submitted" => "Submitted for approval.",
        _ => "Done.",
    }
    .to_string()
}

fn action_key(action: Action) -> &'static str {
    match action {
        Action::Submit => "submitted",
        Action::Approve => "approved",
        Action::RequestChanges => "sent-back",
    }
}
