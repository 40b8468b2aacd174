use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lmcpress::diag::Problem;
use lmcpress::load::config::{Serving, public_url_ok};
use lmcpress::serve::{self, Reporter, ServeOptions};
use lmcpress::watch::Event;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: super::ProjectArgs,
    /// The address to listen on. Anything but loopback requires private links (`lmcpress access`).
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Require a private link even on loopback (to try keys out locally).
    #[arg(long)]
    require_keys: bool,
    /// Poll for changes instead of using system notifications (network drives, containers).
    #[arg(long)]
    poll: bool,
    /// Wait this long after the last change before rebuilding, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 100)]
    debounce: u64,
    /// The address users reach the server at through a TLS proxy (https://docs.example.org):
    /// cookies are then Secure and form posts from it are accepted [default: `public_url` in
    /// content/lmc.yaml].
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Open the site in the default web browser once it is listening.
    #[arg(long)]
    open: bool,
}

struct Printer {
    public_url: Option<url::Url>,
    open: bool,
    once: super::OncePerRebuild,
}

impl Reporter for Printer {
    fn listening(&self, addr: SocketAddr, keys_required: bool) {
        // stdout, one line, so scripts and tests can read the address.
        println!("listening on http://{addr}/");
        match &self.public_url {
            Some(url) => say!(
                "practices reach it at {url} (private links made with `lmcpress access grant` start there)"
            ),
            None if keys_required => say!(
                " = hint: set `public_url:` in content/lmc.yaml to the address practices reach this server at, so that the links `lmcpress access grant` and `notify` make point here"
            ),
            None => {}
        }
        if keys_required {
            say!(
                "private links required: make them with `lmcpress access grant <ODS>` or `lmcpress access grant --lmc`"
            );
        } else {
            say!("loopback only: no private link needed (Ctrl-C to stop)");
        }
        if self.open {
            // This computer's own address, where the person who typed the command is: the
            // public one may need a private link, or not reach back here at all. Listening on
            // every address (0.0.0.0) includes loopback.
            let url = if addr.ip().is_unspecified() {
                format!("http://127.0.0.1:{}/", addr.port())
            } else {
                format!("http://{addr}/")
            };
            if let Err(e) = webbrowser::open(&url) {
                eprintln!("note: could not open a web browser ({e}): open {url} yourself");
            }
        }
    }

    fn status(&self, status: &Event) {
        match status {
            Event::Problems(problems) => self.once.print(problems.iter()),
            Event::Job(job) => self.once.print(&job.problems),
            Event::Rebuilt { report, changed, broken_inputs, .. } => {
                self.once.rebuilt();
                say!("{}", super::rebuilt(report, *changed, *broken_inputs))
            }
            Event::Watching => say!("watching content/ and templates/ for changes"),
            Event::Error(e) => eprint!("{}", e.render()),
        }
    }
}

/// lmc.yaml's `public_url:` and `sign_in_days:`. A mistake in them is said but does not stop
/// the server: the editor is where it gets mended.
fn serving(root: &std::path::Path) -> Serving {
    lmcpress::load::config::serving(root).unwrap_or_else(|problems| {
        super::print_problems(problems.iter());
        eprintln!("note: serving with the defaults until content/lmc.yaml is mended");
        Serving::default()
    })
}

/// The bind error in the user's words: a busy port, or one only an administrator may use.
fn unlistened(e: anyhow::Error) -> Problem {
    let Some(failed) = e.downcast_ref::<serve::Unlistened>() else { return e.into() };
    let (host, port) = (failed.host, failed.port);
    match failed.source.kind() {
        std::io::ErrorKind::AddrInUse => Problem::general(format!(
            "port {port} is already in use on {host}: another `lmcpress serve`, or another program, is listening there"
        ))
        .hint(format!(
            "stop that one, or choose another port: `lmcpress serve --port {}` (`--port 0` takes any free port)",
            port.saturating_add(1)
        )),
        std::io::ErrorKind::PermissionDenied => {
            Problem::general(format!("this computer lets only an administrator listen on port {port}"))
                .hint("choose a port above 1023, such as `--port 8080`")
        }
        std::io::ErrorKind::AddrNotAvailable => {
            Problem::general(format!("{host} is not an address of this computer"))
                .hint("leave --host out to listen on this computer only (127.0.0.1), or give 0.0.0.0 for every address")
        }
        _ => Problem::general(format!("failed to listen on {host}:{port}: {}", failed.source)),
    }
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let (root, out) = args.project.folders();
    lmcpress::load::project::ensure_project(&root)?;
    lmcpress::write::ensure_writable(&out)?;
    let serving = serving(&root);
    let public_url = match &args.public_url {
        Some(given) => Some(
            public_url_ok(given)
                .map_err(|(message, hint)| Problem::general(format!("--public-url: {message}")).hint(hint))?,
        ),
        None => serving.public_url.clone(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| Problem::general(format!("failed to catch Ctrl-C: {e}")))?;
    let opts = ServeOptions {
        root,
        out,
        host: args.host,
        port: args.port,
        require_keys: args.require_keys,
        poll: args.poll,
        debounce: Duration::from_millis(args.debounce),
        public_url: public_url.clone(),
        sign_in_days: serving.sign_in_days,
    };
    serve::serve(opts, stop, Arc::new(Printer { public_url, open: args.open, once: Default::default() }))
        .map_err(unlistened)?;
    eprintln!("stopped serving");
    Ok(true)
}
