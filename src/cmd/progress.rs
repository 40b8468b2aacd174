//! Progress for long runs: a bar on a terminal, a plain line every few seconds otherwise
//! (CI logs, files), nothing with `--quiet`. Problems are printed above the bar.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
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
            // indicatif's own `{per_sec}` prints "59.8814/s": the rate is said in words instead.
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} documents ({rate}, {eta} left)",
            )
            .map(|style| {
                style.with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&per_second(state.per_sec()));
                })
            })
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
        // `--quiet` drops warnings where they are printed (`print_problems`); errors always show.
        let shown = problems;
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
                    eprintln!(
                        "  {n}/{total} documents ({:.0}%), {}",
                        100.0 * n as f64 / *total as f64,
                        rate(n, start.elapsed().as_secs_f64())
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

/// `n` documents in `secs` seconds, as a person reads a rate: "59.9 documents/s".
pub fn rate(n: usize, secs: f64) -> String {
    per_second(n as f64 / secs)
}

fn per_second(rate: f64) -> String {
    if !rate.is_finite() {
        return String::from("- documents/s");
    }
    // One decimal while it tells something; whole numbers once the rate is large.
    if rate < 100.0 { format!("{rate:.1} documents/s") } else { format!("{rate:.0} documents/s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_documents_a_second() {
        assert_eq!(per_second(59.8814), "59.9 documents/s");
        assert_eq!(rate(3, 2.0), "1.5 documents/s");
        assert_eq!(per_second(1234.56), "1235 documents/s");
        assert_eq!(rate(5, 0.0), "- documents/s");
    }
}
