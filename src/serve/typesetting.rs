//! How many drafts, letter pages and packs serve makes at once. Each is a project load and a
//! typst compile, or a few megabytes read and zipped: a core's worth of work for tens of
//! milliseconds. Without a limit a burst of requests (or a hostile client) would starve the
//! rebuilds and every other page, and hold a pack's bytes in memory per request.

use std::sync::LazyLock;
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Response;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::app::App;

/// One per core of the machine this was measured on; the watcher's rebuilds keep theirs.
const AT_ONCE: usize = 2;
/// A request that waits longer than this is turned away (503) rather than queued for ever.
const LONGEST_WAIT: Duration = Duration::from_secs(15);

static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(AT_ONCE));

/// A turn to typeset, or `None` when the queue did not move in time.
pub async fn turn() -> Option<SemaphorePermit<'static>> {
    tokio::time::timeout(LONGEST_WAIT, PERMITS.acquire()).await.ok()?.ok()
}

/// Too many previews are being typeset to take another now.
pub(super) fn busy(app: &App) -> Response {
    app.message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Busy",
        "Too many previews and packs are being made at once. Try again in a moment.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_so_many_typeset_at_once() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            let first = turn().await.unwrap();
            let second = turn().await.unwrap();
            assert_eq!(PERMITS.available_permits(), 0);
            assert!(PERMITS.try_acquire().is_err());
            drop(first);
            assert!(turn().await.is_some());
            drop(second);
        });
    }
}
