//! What the last rebuilds reported, kept for the pages, and the news of each rebuild for the
//! browsers listening on `/events`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::build::Outcome;
use crate::diag::Problem;
use crate::watch::Event;

#[derive(Debug, Clone, Serialize)]
pub struct Update {
    pub seq: u64,
    /// Practices (ODS codes) with a document rebuilt or failed in this rebuild.
    pub practices: Vec<String>,
    /// The guide was rebuilt, or what is wrong with the inputs changed: every page may differ.
    pub all: bool,
    pub summary: String,
    #[serde(skip)]
    pub closing: bool,
}

#[derive(Default)]
struct Inner {
    seq: u64,
    built_once: bool,
    load_problems: Vec<Problem>,
    /// Job id → (its practice, its problems).
    job_problems: BTreeMap<String, (Option<std::sync::Arc<str>>, Vec<Problem>)>,
    error: Option<String>,
    touched: BTreeSet<String>,
    all: bool,
    summary: String,
}

pub struct Live {
    inner: Mutex<Inner>,
    tx: broadcast::Sender<Update>,
}

impl Default for Live {
    fn default() -> Self {
        Live { inner: Mutex::default(), tx: broadcast::channel(16).0 }
    }
}

fn rendered(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(Problem::render).collect()
}

impl Live {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the pages down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn record(&self, status: &Event) {
        let mut s = self.lock();
        match status {
            Event::Problems(problems) => {
                if rendered(problems) != rendered(&s.load_problems) {
                    s.all = true;
                }
                s.load_problems = problems.to_vec();
                s.error = None;
            }
            Event::Job(job) => {
                match &job.practice {
                    Some(ods) => {
                        s.touched.insert(ods.to_string());
                    }
                    None => s.all = true,
                }
                if job.outcome == Outcome::Skipped {
                    return;
                }
                if job.problems.is_empty() {
                    s.job_problems.remove(&job.id);
                } else {
                    s.job_problems.insert(job.id.clone(), (job.practice.clone(), job.problems.clone()));
                }
            }
            Event::Rebuilt { report, broken_inputs, .. } => {
                s.seq += 1;
                s.built_once = true;
                s.summary = format!(
                    "rebuilt {} document(s) in {:.0} ms, {} failed",
                    report.count(Outcome::Built),
                    report.elapsed.as_secs_f64() * 1000.0,
                    report.count(Outcome::Failed) + broken_inputs
                );
                let update = Update {
                    seq: s.seq,
                    practices: std::mem::take(&mut s.touched).into_iter().collect(),
                    all: std::mem::take(&mut s.all),
                    summary: s.summary.clone(),
                    closing: false,
                };
                // Nobody listening is fine.
                self.tx.send(update).ok();
            }
            Event::Watching => {}
            Event::Error(e) => {
                s.error = Some(e.render());
                s.seq += 1;
                let update = Update {
                    seq: s.seq,
                    practices: Vec::new(),
                    all: true,
                    summary: "the project failed to load".into(),
                    closing: false,
                };
                self.tx.send(update).ok();
            }
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Update> {
        self.tx.subscribe()
    }

    /// Ends every event stream, so the server can shut down.
    pub fn close(&self) {
        let update = Update { seq: 0, practices: vec![], all: false, summary: String::new(), closing: true };
        self.tx.send(update).ok();
    }

    /// How many rebuilds have finished: what was made from the content changes with it.
    pub fn seq(&self) -> u64 {
        self.lock().seq
    }

    pub fn built_once(&self) -> bool {
        self.lock().built_once
    }

    pub fn summary(&self) -> String {
        self.lock().summary.clone()
    }

    /// Diagnostics to show: all of them (`ods` = None), or only those about one practice's
    /// profile (`profile`, relative to the project root) and documents.
    pub fn problems(&self, ods: Option<&str>, profile: Option<&Path>) -> Vec<String> {
        let s = self.lock();
        let mut out: Vec<String> = s.error.iter().filter(|_| ods.is_none()).cloned().collect();
        for p in &s.load_problems {
            if ods.is_none() || profile.is_some_and(|f| p.file == f) {
                out.push(p.render());
            }
        }
        for (practice, problems) in s.job_problems.values() {
            if ods.is_none() || practice.as_deref().is_some_and(|o| Some(o) == ods) {
                out.extend(rendered(problems));
            }
        }
        out
    }
}
