//! Progress for long runs: a bar on a terminal, a plain line every few seconds otherwise
//! (CI logs, files), nothing with `--quiet`. Problems are printed above the bar.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use lmcpress::build::JobReport;

const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    shows: Shows,
    /// Every problem printed so far, as printed: a mistake in a template fails every document
    /// made from it, and is said once.
    printed: Mutex<std::collections::HashSet<String>>,
}

enum Shows {
    Bar(ProgressBar),
    Plain { total: usize, done: AtomicUsize, start: Instant, last: Mutex<Instant> },
    Quiet,
}

impl Progress {
    pub fn new(total: usize, quiet: bool) -> Progress {
        Progress { shows: Shows::new(total, quiet), printed: Mutex::default() }
    }

    /// Called from worker threads as each job finishes.
    pub fn job_done(&self, job: &JobReport) {
        let mut printed = self.printed.lock().unwrap_or_else(|e| e.into_inner());
        let new: Vec<_> = job.problems.iter().filter(|p| printed.insert(p.render())).cloned().collect();
        drop(printed);
        self.shows.job_done(&new);
    }

    pub fn finish(&self) {
        self.shows.finish();
    }
}

impl Shows {
    fn new(total: usize, quiet: bool) -> Shows {
        if quiet {
            Shows::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total as u64);
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} documents ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            Shows::Bar(bar)
        } else {
            let now = Instant::now();
            Shows::Plain { total, done: AtomicUsize::new(0), start: now, last: Mutex::new(now) }
        }
    }

    fn job_done(&self, problems: &[lmcpress::diag::Problem]) {
        // Errors always show; warnings are part of the chatter `--quiet` silences.
        let shown: Vec<_> =
            problems.iter().filter(|p| p.is_error() || !matches!(self, Shows::Quiet)).collect();
        match self {
            Shows::Bar(bar) => {
                if !shown.is_empty() {
                    bar.suspend(|| super::print_problems(shown));
                }
                bar.inc(1);
            }
            Shows::Plain { total, done, start, last } => {
                super::print_problems(shown);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
                if last.elapsed() >= PLAIN_EVERY {
                    *last = Instant::now();
                    let rate = n as f64 / start.elapsed().as_secs_f64();
                    eprintln!(
                        "  {n}/{total} documents ({:.0}%), {rate:.0} per second",
                        100.0 * n as f64 / *total as f64
                    );
                }
            }
            Shows::Quiet => super::print_problems(shown),
        }
    }

    fn finish(&self) {
        if let Shows::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
