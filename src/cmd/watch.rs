use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lmcpress::build::Outcome;
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
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| Problem::general(format!("failed to catch Ctrl-C: {e}")))?;
    let opts = WatchOptions { root, out, poll: args.poll, debounce: Duration::from_millis(args.debounce) };
    // When the rebuild's first document was written: the edited document's, which goes first.
    let first_written: Mutex<Option<Instant>> = Mutex::default();
    watch::watch(&opts, stop, &|status| match status {
        Event::Problems(problems) => super::print_problems(problems),
        Event::Job(job) => {
            if job.outcome == Outcome::Built {
                first_written.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_with(Instant::now);
            }
            super::print_problems(&job.problems)
        }
        Event::Rebuilt { report, changed, broken_inputs, .. } => {
            let first = first_written.lock().unwrap_or_else(|e| e.into_inner()).take();
            let started = Instant::now().checked_sub(report.elapsed);
            let first_ms =
                first.zip(started).map(|(f, s)| f.saturating_duration_since(s).as_secs_f64() * 1000.0);
            let now = time::OffsetDateTime::now_utc();
            let failed = report.count(Outcome::Failed) + broken_inputs;
            let what = if changed == 0 {
                "built".to_string()
            } else {
                format!("{} changed: rebuilt", super::plural(changed, "file"))
            };
            eprintln!(
                "[{:02}:{:02}:{:02}] {what} {} in {:.0} ms{}, {} failed{}",
                now.hour(),
                now.minute(),
                now.second(),
                super::plural(report.count(Outcome::Built), "document"),
                report.elapsed.as_secs_f64() * 1000.0,
                match first_ms {
                    Some(ms) if changed > 0 => format!(" (the first after {ms:.0} ms)"),
                    _ => String::new(),
                },
                failed,
                if report.removed.is_empty() {
                    String::new()
                } else {
                    format!(", {} removed", super::plural(report.removed.len(), "file"))
                },
            );
        }
        Event::Watching => eprintln!("watching content/ and templates/ for changes (Ctrl-C to stop)"),
        Event::Error(e) => eprint!("{}", e.render()),
    })?;
    eprintln!("stopped watching");
    Ok(true)
}
