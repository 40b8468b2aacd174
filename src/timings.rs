//! With `LMCPRESS_TIMINGS` set, how long each stage took, on stderr: for benchmarks and for
//! finding where a build spends its time. Off, it costs one relaxed load per call.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("LMCPRESS_TIMINGS").is_some())
}

/// Prints how long `stage` has taken since `since` (wall-clock).
pub fn stage(stage: &str, since: Instant) {
    if enabled() {
        eprintln!("timing: {stage} {:.1} ms", since.elapsed().as_secs_f64() * 1000.0);
    }
}

/// Work inside a job, summed over every worker thread.
#[derive(Clone, Copy)]
pub enum Work {
    Render = 0,
    Compile,
    Pdf,
    Png,
    Docx,
    Write,
    /// Drawing pages into pixels, part of `Png`.
    Raster,
}

const NAMES: [&str; 7] = ["render", "compile", "pdf", "png", "docx", "write", "of which raster"];
static SPENT: [AtomicU64; 7] = [const { AtomicU64::new(0) }; 7];

/// Adds the time since `since` to `work`.
pub fn add(work: Work, since: Instant) {
    if enabled() {
        SPENT[work as usize].fetch_add(since.elapsed().as_micros() as u64, Ordering::Relaxed);
    }
}

/// Prints the summed work and starts counting again.
pub fn report_work() {
    if enabled() {
        let parts: Vec<String> = NAMES
            .iter()
            .zip(&SPENT)
            .map(|(name, spent)| format!("{name} {:.0} ms", spent.swap(0, Ordering::Relaxed) as f64 / 1000.0))
            .collect();
        eprintln!("timing: work summed over threads: {}", parts.join(", "));
    }
}
