//! Every security rule of the web server, in one file a reviewer can read alone: the
//! headers on every answer, who is asking (private links: `?key=`, then a cookie, or a bearer
//! header; 401 without a current one), the form tokens and origin check on every form post,
//! and the confinement of every file path a request names. What each scope may open is then
//! decided by `app::allowed` (practice pages) and the content pages' `lmc_only`; sign-off by
//! `approval::rules`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::app::{App, Shared, Stamp, Who};
use crate::access::{self as keys, Access, AccessList};

const COOKIE: &str = "lmcpress_key";

/// The access list, read again only when its file's time or size changed (a grant or a
/// revoke), on tokio's blocking threads so that no request thread waits on the disk. A
/// revoked key stops at the next request.
pub(super) async fn access_list(app: &App) -> anyhow::Result<Arc<AccessList>> {
    let path = keys::access_file(&app.root);
    let stamp: Stamp = {
        let path = path.clone();
        match tokio::task::spawn_blocking(move || std::fs::metadata(path)).await? {
            Ok(m) => Some((m.modified().ok(), m.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        }
    };
    let mut cached = app.access.lock().await;
    if let Some((seen, list)) = cached.as_ref()
        && *seen == stamp
    {
        return Ok(list.clone());
    }
    let list = match stamp {
        None => AccessList::default(),
        Some(_) => {
            let read = path.clone();
            let text = tokio::task::spawn_blocking(move || std::fs::read_to_string(read)).await??;
            AccessList::parse(&text, &path)?
        }
    };
    let list = Arc::new(list);
    *cached = Some((stamp, list.clone()));
    Ok(list)
}

pub(super) async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'",
    );
    set(h, "x-content-type-options", "nosniff");
    // Private links carry their key in the URL: never send it on to another site. Not
    // `no-referrer`: browsers then send `Origin: null` on form posts, defeating the origin check.
    set(h, "referrer-policy", "same-origin");
    set(h, "x-frame-options", "SAMEORIGIN");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(h, "cross-origin-resource-policy", "same-origin");
    set(h, "permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    res
}

fn cookie_key(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.split(';').find_map(|part| part.trim().strip_prefix(&format!("{COOKIE}=")).map(String::from))
    })
}

fn bearer_key(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|k| k.trim().to_string())
}

/// Decides who is asking. Loopback without `--require-keys`: the editor. Otherwise a key,
/// from the private link's `?key=` (then kept in a cookie and dropped from the address), a
/// cookie, or an `Authorization: Bearer` header; 401 without a current one.
pub(super) async fn guard(State(app): State<Shared>, mut req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/static/") {
        return next.run(req).await;
    }
    if !app.require_keys {
        req.extensions_mut().insert(Access::Lmc);
        req.extensions_mut().insert(Who("LMC editor".into()));
        return next.run(req).await;
    }
    let list = match access_list(&app).await {
        Ok(l) => l,
        Err(_) => {
            return app.message(StatusCode::INTERNAL_SERVER_ERROR, "Access list unreadable", "Ask the LMC.");
        }
    };
    let query_key =
        req.uri().query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("key=").map(String::from)));
    if let Some(key) = query_key {
        if list.check(&key).is_none() {
            return unauthorised(&app);
        }
        // Move the key from the address to a cookie, so it does not linger in history. The
        // cookie lasts `sign_in_days`, so a practice stays signed in when its browser restarts;
        // a revoke still ends it at the next request, since every request checks the key.
        let path = req.uri().path().to_string();
        let mut res = Redirect::to(&path).into_response();
        if let Ok(v) = HeaderValue::from_str(&cookie(&app, &key, u64::from(app.sign_in_days) * 86_400)) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
        return res;
    }
    let from_cookie = cookie_key(req.headers());
    let key = bearer_key(req.headers()).or_else(|| from_cookie.clone());
    match key.as_deref().and_then(|k| list.check_grant(k)) {
        Some(grant) => {
            req.extensions_mut().insert(grant.scope.clone());
            req.extensions_mut().insert(Who::of(grant));
            next.run(req).await
        }
        None => {
            let mut res = unauthorised(&app);
            // A revoked key's cookie is dropped, so the browser stops sending it.
            if from_cookie.is_some()
                && let Ok(v) = HeaderValue::from_str(&cookie(&app, "", 0))
            {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
    }
}

/// The sign-in cookie holding `key` for `seconds` (0 removes it): never readable by scripts,
/// not sent by other sites' forms, and `Secure` when the public address is https.
fn cookie(app: &App, key: &str, seconds: u64) -> String {
    let secure = app.public_url.as_ref().is_some_and(|u| u.scheme() == "https");
    format!(
        "{COOKIE}={key}; Max-Age={seconds}; HttpOnly; SameSite=Lax; Path=/{}",
        if secure { "; Secure" } else { "" }
    )
}

fn unauthorised(app: &App) -> Response {
    let mut res = app.message(
        StatusCode::UNAUTHORIZED,
        "Private link needed",
        "Open this site with the private link the LMC sent you. Links stop working when the LMC revokes them.",
    );
    res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    res
}

/// A form post is ours: it carries the token of `scope` and comes from this site.
pub(super) fn form_ok(app: &App, headers: &HeaderMap, token: Option<&String>, scope: &str) -> bool {
    let token_ok = token.is_some_and(|t| keys::constant_time_eq(t.as_bytes(), app.csrf(scope).as_bytes()));
    token_ok && same_origin(app, headers)
}

/// Same-origin check on top of the token: a browser always sends `Origin` on a form post.
/// Behind a proxy the origin is the public address, which the `Host` the proxy sends may not be.
fn same_origin(app: &App, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else { return true };
    if let Some(public) = &app.public_url
        && public.origin().ascii_serialization() == origin
    {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

/// `rel` (already percent-decoded once by the router) as a path inside `base`, or `None` if
/// it could name anything else: parent or current-folder segments, absolute paths,
/// backslashes, a second layer of percent-encoding, hidden files, or a symlink out.
pub fn confined(base: &Path, rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel.contains(['\\', '%', '\0', ':']) || rel.starts_with('/') {
        return None;
    }
    let segments: Vec<&str> = rel.split('/').collect();
    if segments.iter().any(|s| s.is_empty() || s.starts_with('.')) {
        return None;
    }
    let path = base.join(rel);
    let real = path.canonicalize().ok()?;
    let base = base.canonicalize().ok()?;
    (real.starts_with(&base) && real.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confined_refuses_every_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("out/practices/Z90001");
        std::fs::create_dir_all(base.join("posters")).unwrap();
        std::fs::write(base.join("posters/a.png"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        std::fs::write(base.join(".hidden"), "h").unwrap();
        assert!(confined(&base, "posters/a.png").is_some());
        for bad in [
            "../../../secret.txt",
            "posters/../../../../secret.txt",
            "..%2f..%2fsecret.txt",
            "%2e%2e/secret.txt",
            "..\\..\\secret.txt",
            "posters\\a.png",
            "/etc/passwd",
            "./posters/a.png",
            "posters//a.png",
            ".hidden",
            "posters",
            "",
            "C:/x",
        ] {
            assert!(confined(&base, bad).is_none(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), base.join("posters/link.png")).unwrap();
            assert!(confined(&base, "posters/link.png").is_none());
        }
    }
}
