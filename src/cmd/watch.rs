use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lmcpress::diag::Problem;
use lmcpress::watch::{self, Event, WatchOptions};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: super::ProjectArgs,
    /// Poll for changes instead of using system notifications (network drives, containers).
    #[arg(long)]
    poll: bool,
    /// Wait this long after the last change before rebuilding, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 100)]
    debounce: u64,
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let (root, out) = args.project.folders();
    lmcpress::load::project::ensure_project(&root)?;
    lmcpress::write::ensure_writable(&out)?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| Problem::general(format!("failed to catch Ctrl-C: {e}")))?;
    let opts = WatchOptions {
        root,
        out,
        poll: args.poll,
        debounce: Duration::from_millis(args.debounce),
        viewers: Default::default(),
    };
    let once = super::OncePerRebuild::default();
    watch::watch(&opts, stop, &|status| match status {
        Event::Problems(problems) => once.print(problems),
        Event::Job(job) => once.print(&job.problems),
        Event::Rebuilt { report, changed, broken_inputs, .. } => {
            once.rebuilt();
            let now = time::OffsetDateTime::now_utc();
            say!(
                "[{:02}:{:02}:{:02}] {}",
                now.hour(),
                now.minute(),
                now.second(),
                super::rebuilt(report, changed, broken_inputs)
            );
        }
        Event::Watching => say!("watching content/ and templates/ for changes (Ctrl-C to stop)"),
        Event::Error(e) => eprint!("{}", e.render()),
    })?;
    say!("stopped watching");
    Ok(true)
}
