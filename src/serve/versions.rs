//! The history page of one kept file, shared by the content editor and the practice form:
//! the versions newest first, who saved each and when, what each changed, who approved it,
//! and a "restore" button on each older one. Each caller says where its page sits and where
//! a restore is posted; the restoring itself is the caller's, since each saves with its own
//! checks.

use std::path::PathBuf;

use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::app::{App, html};
use super::diff::{self, Row};
use crate::access::Access;
use crate::history::History;

/// How many versions a history page shows.
const VERSIONS_SHOWN: usize = 20;

/// The hash a form carries of the version it was made from, so that a save or restore over a
/// version changed since is refused rather than lost.
pub fn version_hash(bytes: Option<&[u8]>) -> String {
    bytes.map_or_else(|| "none".to_string(), |b| blake3::hash(b).to_hex().to_string())
}

/// An RFC 3339 time as a history page shows it; as kept when it does not parse.
fn shown_time(rfc3339: &str) -> String {
    let shown =
        time::macros::format_description!("[day padding:none] [month repr:long] [year], [hour]:[minute] UTC");
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(shown).ok())
        .unwrap_or_else(|| rfc3339.to_string())
}

#[derive(Serialize)]
struct VersionView {
    version: crate::history::Version,
    /// When it was saved, as people write it: "7 December 2026, 14:05 UTC".
    when: String,
    rows: Vec<Row>,
    current: bool,
    /// Who approved exactly this version ("Dr A, 7 December 2026"), from the sign-off ledger.
    approvals: Vec<String>,
}

/// Where a history page sits and what it links to.
#[derive(Serialize)]
pub struct Place {
    /// "History of …".
    pub title: String,
    /// The file, relative to the project root, as kept in the history.
    pub rel: String,
    /// The page where the file is edited.
    pub edit: String,
    /// A page further up, and its link's words.
    pub up: String,
    pub up_label: String,
    /// Where a restore is posted (with `csrf`, `base` and `version`).
    pub restore: String,
    pub csrf: String,
}

/// The history page of the file at `path` (kept as `place.rel`).
pub async fn page(app: &App, scope: &Access, path: PathBuf, place: Place) -> Response {
    let (root, rel) = (app.root.clone(), place.rel.clone());
    let made = tokio::task::spawn_blocking(move || {
        let history = History::open(&root);
        let versions = history.versions(&rel, VERSIONS_SHOWN + 1)?;
        let texts: Vec<String> = versions
            .iter()
            .map(|v| {
                history
                    .read(&rel, &v.id)
                    .map(|b| b.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default())
            })
            .collect::<anyhow::Result<_>>()?;
        let current = std::fs::read(&path).ok();
        let base = version_hash(current.as_deref());
        let current_text = current.map(|b| String::from_utf8_lossy(&b).into_owned());
        let ledger = crate::approval::ledger::Ledger::read(&root).unwrap_or_default();
        let people = crate::approval::view::Settings::read(&root).people;
        let book = crate::approval::state::Book::judge(&ledger, &people);
        let approvals_of = |text: &str| -> Vec<String> {
            let hash = crate::approval::hash(text.as_bytes());
            book.history(&rel)
                .iter()
                .filter(|e| e.action == crate::approval::ledger::Action::Approve && e.hash == hash)
                .map(|e| format!("{}, {}", e.who, crate::approval::state::long_date(&e.time)))
                .collect()
        };
        let views: Vec<VersionView> = versions
            .iter()
            .enumerate()
            .take(VERSIONS_SHOWN)
            .map(|(i, v)| VersionView {
                when: shown_time(&v.when),
                version: v.clone(),
                rows: diff::rows(texts.get(i + 1).map_or("", String::as_str), &texts[i]),
                current: !v.deleted && current_text.as_deref() == Some(texts[i].as_str()),
                approvals: if v.deleted { Vec::new() } else { approvals_of(&texts[i]) },
            })
            .collect();
        anyhow::Ok((views, base, history.kind()))
    })
    .await;
    let Ok(Ok((versions, base, kind))) = made else {
        return app.message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "History unreadable",
            "The history could not be read.",
        );
    };
    let mut ctx = app.context(&place.title, scope);
    ctx.insert("place", &place);
    ctx.insert("versions", &versions);
    ctx.insert("base", &base);
    ctx.insert("store", kind);
    ctx.insert("problems", &Vec::<String>::new());
    html(app.pages.render("content_history.html", &ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_as_people_write_them() {
        assert_eq!(shown_time("2026-12-07T14:05:09Z"), "7 December 2026, 14:05 UTC");
        assert_eq!(shown_time("2026-12-07T15:05:09+01:00"), "7 December 2026, 14:05 UTC");
        assert_eq!(shown_time("yesterday"), "yesterday");
    }
}
