//! The first page of a practice's letter (or any kind whose declaration shows its first
//! page) as an image, for its page: an embedded PDF shows nothing on phones and in many
//! browsers. Made on demand from the document as it stands (the same render and typeset as
//! the build's PDF, in memory) and kept until the next rebuild.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::app::{Shared, allowed, not_found};
use crate::access::Access;
use crate::pipeline::{self, Shown};

/// (ODS, content name such as `letters/reply`) → (the rebuild it was made after, PNG). The
/// PNG is shared with the answers that send it, not copied for each.
type Cache = HashMap<(String, String), (u64, Bytes)>;
static MADE: Mutex<Option<Cache>> = Mutex::new(None);
/// Enough for every letter of a few practices; the cache is emptied when it grows past this.
const KEPT: usize = 64;

pub async fn first_page(
    State(app): State<Shared>,
    axum::Extension(scope): axum::Extension<Access>,
    UrlPath((ods, folder, slug)): UrlPath<(String, String, String)>,
) -> Response {
    let practice = match allowed(&app, &scope, &ods) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // Only a document the practice has (as its link sees it), of a kind that shows its page.
    let shown = practice
        .documents
        .iter()
        .any(|d| d.slug == slug && d.kind.is_some_and(|k| k.folder == folder && k.first_page_shown()));
    let name = format!("{folder}/{slug}");
    let entry = app.snapshot().content_file(&name).cloned();
    let (true, Some(entry)) = (shown, entry) else { return not_found(&app) };
    let seq = app.live.seq();
    let key = (practice.ods.clone(), name);
    if let Some((made, png)) =
        MADE.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_default().get(&key)
        && *made == seq
    {
        return image(png.clone());
    }
    let root = app.root.clone();
    let ods = practice.ods.clone();
    let Some(_turn) = super::typesetting::turn().await else { return super::typesetting::busy(&app) };
    let made = tokio::task::spawn_blocking(move || {
        // The approved words, as the practice's PDF has them: never a draft on disk.
        match pipeline::preview_approved(&root, &entry.path, Some(&ods), seq).ok()?.shown? {
            Shown::Pages(mut pages) if !pages.is_empty() => Some(pages.swap_remove(0)),
            _ => None,
        }
    })
    .await;
    match made {
        Ok(Some(png)) => {
            let png = Bytes::from(png);
            let mut cache = MADE.lock().unwrap_or_else(|e| e.into_inner());
            let cache = cache.get_or_insert_default();
            if cache.len() >= KEPT {
                cache.clear();
            }
            cache.insert(key, (seq, png.clone()));
            image(png)
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn image(png: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "private, no-cache")], png).into_response()
}
