//! A practice profile's kept versions, for the practice's own link as for the LMC: the same
//! history page as content files (`versions.rs`), and restoring a version with the checks a
//! save from the form gets (`profile::validate`), kept in the history and the audit log.

use std::collections::BTreeMap;

use axum::extract::{Form, Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::app::{Shared, Who, allowed};
use super::versions::{Place, version_hash};
use crate::access::Access;
use crate::diag::display_path;
use crate::history::{History, audit};
use crate::write::write_atomic;

pub(super) async fn page(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    UrlPath(ods): UrlPath<String>,
) -> Response {
    let practice = match allowed(&app, &scope, &ods) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let base = format!("/practices/{}", practice.ods);
    let place = Place {
        title: format!("History of the details of {}", practice.name),
        rel: display_path(&app.root, &practice.path).to_string_lossy().replace('\\', "/"),
        edit: format!("{base}/profile"),
        up: format!("{base}/"),
        up_label: "The practice's documents".into(),
        restore: format!("{base}/profile/history"),
        csrf: app.csrf(&practice.ods),
    };
    super::versions::page(&app, &scope, practice.path.clone(), place).await
}

/// What restoring a version came to.
enum Restored {
    Done,
    /// The profile changed since the history page was opened.
    Moved,
    /// No such version of this profile.
    Missing,
    /// The version no longer passes `check` (a poster since withdrawn, say): the messages.
    Refused(Vec<String>),
}

pub(super) async fn restore(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    axum::Extension(who): axum::Extension<Who>,
    UrlPath(ods): UrlPath<String>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let practice = match allowed(&app, &scope, &ods) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !super::auth::form_ok(&app, &headers, form.get("csrf"), &practice.ods) {
        return app.message(
            StatusCode::FORBIDDEN,
            "Form expired",
            "This form was not sent from this site's own page, or the server has restarted since. Open the page again.",
        );
    }
    let (Some(id), Some(base)) = (form.get("version").cloned(), form.get("base").cloned()) else {
        return super::app::not_found(&app);
    };
    let (root, path, ods) = (app.root.clone(), practice.path.clone(), practice.ods.clone());
    let done = tokio::task::spawn_blocking(move || {
        let rel = display_path(&root, &path).to_string_lossy().replace('\\', "/");
        // An id that names no version of this file is as missing as one that names none at all.
        let Ok(Some(bytes)) = History::open(&root).read(&rel, &id) else { return Ok(Restored::Missing) };
        let before = std::fs::read(&path).ok();
        if version_hash(before.as_deref()) != base {
            return Ok(Restored::Moved);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // The form never changes a practice's ODS code, so neither may a restore.
        let ods_then = super::yaml_edit::values(&text).ok().and_then(|m| m.get("ods_code").cloned());
        if ods_then.as_ref().and_then(|v| v.as_str()) != Some(ods.as_str()) {
            return Ok(Restored::Refused(vec![format!("that version is not the profile of {ods}")]));
        }
        let problems = super::profile::validate(&root, &path, &text)?;
        if !problems.is_empty() {
            return Ok(Restored::Refused(problems.iter().map(|p| p.message.clone()).collect()));
        }
        write_atomic(&path, text.as_bytes(), false)?;
        crate::history::keep(
            &root,
            &path,
            before.as_deref(),
            Some(text.as_bytes()),
            &who.0,
            audit::Action::Restore,
            Some(&ods),
        )?;
        anyhow::Ok(Restored::Done)
    })
    .await;
    match done {
        Ok(Ok(Restored::Done)) => {
            Redirect::to(&format!("/practices/{}/?saved=1", practice.ods)).into_response()
        }
        Ok(Ok(Restored::Missing)) => super::app::not_found(&app),
        Ok(Ok(Restored::Moved)) => app.message(
            StatusCode::CONFLICT,
            "Changed since you opened it",
            "The details were saved again since the history page was opened, so nothing was restored. Open the history again.",
        ),
        Ok(Ok(Restored::Refused(why))) => app.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not restored",
            &format!("That version would not pass today's checks: {}", why.join("; ")),
        ),
        Ok(Err(e)) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Restore failed", &format!("{e:#}")),
        Err(_) => app.message(StatusCode::INTERNAL_SERVER_ERROR, "Restore failed", "It did not finish."),
    }
}
