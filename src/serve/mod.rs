//! `serve`: a small web server over the one pipeline. The watcher (`watch::watch`, on its own
//! thread) builds and rebuilds exactly as `lmcpress watch` does; this module remembers what
//! each rebuild reported, tells browsers about it over server-sent events, and serves the
//! practices' pages and files, the profile form, and the LMC's content editor (edit with
//! preview, history, sign-off). It makes no document itself: previews and packs go through
//! `pipeline`, and what each link may open is decided in `auth.rs` and `app::allowed`.

mod app;
mod auth;
mod content;
mod diff;
pub mod files;
mod front_form;
mod help;
mod http;
mod labels;
mod live;
mod page_image;
mod pages;
pub mod profile;
mod profile_history;
mod review;
pub mod snapshot;
mod typesetting;
mod versions;
pub mod yaml_edit;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;

use crate::watch::{self, Event, WatchOptions};

pub use live::Live;

/// Threads for the handlers' file reads, previews and packs. Tokio's default (512) let 1,000
/// practices opening their links at once start 40 to 60 threads for reads of a millisecond,
/// and glibc gives each thread of its own an arena of memory (up to 16 on two cores) that
/// keeps what it once held: the peak memory followed the number of threads (heaptrack, the
/// 1,000-practice load: 172 MB of heap in 600-770 MB resident). Previews and packs take at
/// most two of these at once (`typesetting`), which leaves the rest for the reads.
const BLOCKING_THREADS: usize = 8;

pub struct ServeOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub host: IpAddr,
    pub port: u16,
    /// Ask for a key even on loopback (keys are always required on other addresses).
    pub require_keys: bool,
    pub poll: bool,
    pub debounce: Duration,
    /// The https address a reverse proxy serves this at: cookies are then `Secure` and form
    /// posts from that origin are accepted.
    pub public_url: Option<url::Url>,
    /// How many days a practice's link keeps its browser signed in.
    pub sign_in_days: u32,
}

impl ServeOptions {
    pub fn keys_required(&self) -> bool {
        self.require_keys || !self.host.is_loopback()
    }
}

/// What the command line is told about: the address once listening, and every watch status.
pub trait Reporter: Send + Sync {
    fn listening(&self, addr: SocketAddr, keys_required: bool);
    fn status(&self, status: &Event);
}

/// The address could not be listened on; the command says why in the user's words (a busy
/// port, a port that needs administrator rights) from `source`'s kind.
#[derive(Debug)]
pub struct Unlistened {
    pub host: IpAddr,
    pub port: u16,
    pub source: std::io::Error,
}

impl std::fmt::Display for Unlistened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "failed to listen on {}:{}", self.host, self.port)
    }
}

impl std::error::Error for Unlistened {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Builds, watches and serves until `stop` is set.
pub fn serve(opts: ServeOptions, stop: Arc<AtomicBool>, reporter: Arc<dyn Reporter>) -> anyhow::Result<()> {
    crate::load::project::ensure_project(&opts.root)?;
    let root = opts.root.canonicalize()?;
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("failed to create `{}`", opts.out.display()))?;
    let out = opts.out.canonicalize()?;
    let listener = std::net::TcpListener::bind((opts.host, opts.port)).map_err(|source| Unlistened {
        host: opts.host,
        port: opts.port,
        source,
    })?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let app = Arc::new(app::App::new(
        root.clone(),
        out.clone(),
        opts.keys_required(),
        opts.public_url.clone(),
        opts.sign_in_days,
    )?);

    let watcher = {
        let (app, stop, reporter) = (app.clone(), stop.clone(), reporter.clone());
        let wopts = WatchOptions {
            root,
            out,
            poll: opts.poll,
            debounce: opts.debounce,
            viewers: app.viewers.clone(),
        };
        std::thread::Builder::new().name("watch".into()).spawn(move || {
            let result = watch::watch(&wopts, stop.clone(), &|status| {
                // Pages read the new snapshot before browsers hear of the rebuild.
                if let Event::Rebuilt { loaded, jobs, .. } = &status {
                    app.publish(snapshot::Snapshot::of(loaded, jobs));
                }
                app.live.record(&status);
                reporter.status(&status);
            });
            if let Err(e) = &result {
                reporter.status(&Event::Error(crate::diag::Problem::general(format!("{e:#}"))));
            }
            // Without a watcher the pages would go stale silently: stop serving too.
            stop.store(true, Ordering::SeqCst);
        })?
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_io()
        .enable_time()
        .build()?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        reporter.listening(addr, app.require_keys);
        let shutdown = {
            let (stop, app) = (stop.clone(), app.clone());
            async move {
                while !stop.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                app.live.close();
            }
        };
        axum::serve(listener, http::router(app.clone()).into_make_service())
            .with_graceful_shutdown(shutdown)
            .await?;
        anyhow::Ok(())
    });
    stop.store(true, Ordering::SeqCst);
    watcher.join().ok();
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}
