use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lmcpress::diag::Problem;
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
    /// cookies are then Secure and form posts from it are accepted.
    #[arg(long, value_name = "URL")]
    public_url: Option<url::Url>,
}

struct Printer;

impl Reporter for Printer {
    fn listening(&self, addr: SocketAddr, keys_required: bool) {
        // stdout, one line, so scripts and tests can read the address.
        println!("listening on http://{addr}/");
        if keys_required {
            eprintln!(
                "private links required: make them with `lmcpress access grant <ODS>` or `lmcpress access grant --lmc`"
            );
        } else {
            eprintln!("loopback only: no private link needed (Ctrl-C to stop)");
        }
    }

    fn status(&self, status: &Event) {
        match status {
            Event::Problems(problems) => super::print_problems(problems.iter()),
            Event::Job(job) => super::print_problems(&job.problems),
            Event::Rebuilt { report, changed, broken_inputs, .. } => {
                eprintln!("{}", super::rebuilt(report, *changed, *broken_inputs))
            }
            Event::Watching => eprintln!("watching content/ and templates/ for changes"),
            Event::Error(e) => eprint!("{}", e.render()),
        }
    }
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let (root, out) = args.project.folders();
    lmcpress::load::project::ensure_project(&root)?;
    lmcpress::write::ensure_writable(&out)?;
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
        public_url: args.public_url.clone(),
    };
    if let Some(url) = &args.public_url {
        eprintln!("reached at {url}: make links with `lmcpress access grant --base-url {url}`");
    }
    serve::serve(opts, stop, Arc::new(Printer))?;
    eprintln!("stopped serving");
    Ok(true)
}
