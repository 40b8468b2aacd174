//! Which affected jobs a rebuild runs first: what somebody is looking at. Workers take jobs in
//! the order given here, so these are the first outputs replaced.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::Job;

/// What browsers have open in `serve`: practices (ODS codes) and documents (slugs, the guide's
/// among them). Empty outside `serve`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Open {
    pub practices: BTreeSet<String>,
    pub documents: BTreeSet<String>,
}

impl Open {
    fn shows(&self, job: &Job) -> bool {
        job.about.practice.as_deref().is_some_and(|p| self.practices.contains(p))
            || self.documents.contains(job.about.slug.as_ref())
    }
}

/// Orders `run` (indices into `jobs`): first the jobs of a practice or document a browser
/// has open, then those of the edited document itself (one that reads a changed file under
/// `content/`), and within each by what they make: PDFs before images and social images, the
/// guide before its redline and the what's-new pages.
pub fn first_things_first(jobs: &[Job], run: &mut [usize], changed: &BTreeSet<PathBuf>, open: &Open) {
    let edited = |job: &Job| {
        job.inputs.iter().any(|i| {
            changed.contains(i.as_ref())
                && i.components().any(|c| c.as_os_str() == "content")
                && !i.ends_with("content/lmc.yaml")
        })
    };
    let rank = |job: &Job| job.outputs.first().map_or(u8::MAX, |o| o.role.priority());
    run.sort_by_key(|&i| (!open.shows(&jobs[i]), !edited(&jobs[i]), rank(&jobs[i])));
}

/// Counts the pages browsers have open, each kept while its connection lasts: `serve`
/// registers one per live-update connection, and `watch` reads [`Open`] before each rebuild.
#[derive(Debug, Default)]
pub struct Viewers {
    open: Mutex<BTreeMap<Viewed, usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Viewed {
    Practice(String),
    Document(String),
}

/// Whatever a connection says it has open is kept to this many distinct things, so a flood
/// of made-up names cannot grow the table.
const MOST_VIEWED: usize = 1024;

impl Viewers {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Viewed, usize>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `what` as open until the returned guard is dropped; `None` when the table is full.
    pub fn enter(self: &Arc<Self>, what: Viewed) -> Option<Viewing> {
        let mut open = self.lock();
        if !open.contains_key(&what) && open.len() >= MOST_VIEWED {
            return None;
        }
        *open.entry(what.clone()).or_default() += 1;
        Some(Viewing { viewers: Arc::clone(self), what })
    }

    pub fn open(&self) -> Open {
        let mut now = Open::default();
        for what in self.lock().keys() {
            match what {
                Viewed::Practice(ods) => now.practices.insert(ods.clone()),
                Viewed::Document(slug) => now.documents.insert(slug.clone()),
            };
        }
        now
    }
}

/// One open page; dropping it closes it.
#[derive(Debug)]
pub struct Viewing {
    viewers: Arc<Viewers>,
    what: Viewed,
}

impl Drop for Viewing {
    fn drop(&mut self) {
        let mut open = self.viewers.lock();
        if let Some(n) = open.get_mut(&self.what) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.what);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{About, GUIDE_TEMPLATE, PosterFormat, Target, formats};
    use std::path::Path;

    fn job(outputs: Vec<crate::plan::Output>, input: &Arc<Path>, practice: &str) -> Job {
        let about = About { practice: Some(practice.into()), slug: "s".into(), ..About::default() };
        Job::tracked(Target::Guide, GUIDE_TEMPLATE, outputs, vec![input.clone()]).about(&about)
    }

    #[test]
    fn the_edited_documents_pdfs_come_first() {
        let (poster, other): (Arc<Path>, Arc<Path>) = (
            Arc::from(Path::new("/p/content/posters/a.md")),
            Arc::from(Path::new("/p/content/posters/b.md")),
        );
        let dir = Path::new("practices/Z90001");
        let jobs = vec![
            job(formats::poster(dir, "b", PosterFormat::A4).1, &other, "Z90001"),
            job(formats::poster(dir, "a", PosterFormat::Square).1, &poster, "Z90001"),
            job(formats::whats_new(dir), &poster, "Z90001"),
            job(formats::poster(dir, "a", PosterFormat::A4).1, &poster, "Z90001"),
        ];
        let mut run: Vec<usize> = (0..jobs.len()).collect();
        let changed = [poster.to_path_buf()].into();
        first_things_first(&jobs, &mut run, &changed, &Open::default());
        assert_eq!(run, [3, 1, 2, 0], "the edited poster's PDF, its image, what's new, then others");
    }

    #[test]
    fn what_a_browser_has_open_comes_before_the_edit_elsewhere() {
        let poster: Arc<Path> = Arc::from(Path::new("/p/content/posters/a.md"));
        let (one, two) = (Path::new("practices/Z90001"), Path::new("practices/Z90002"));
        let jobs = vec![
            job(formats::poster(one, "a", PosterFormat::A4).1, &poster, "Z90001"),
            job(formats::poster(one, "a", PosterFormat::Square).1, &poster, "Z90001"),
            job(formats::poster(two, "a", PosterFormat::Square).1, &poster, "Z90002"),
            job(formats::poster(two, "a", PosterFormat::A4).1, &poster, "Z90002"),
        ];
        let changed = [poster.to_path_buf()].into();
        let viewers = Arc::new(Viewers::default());
        let page = viewers.enter(Viewed::Practice("Z90002".into())).unwrap();
        let second = viewers.enter(Viewed::Practice("Z90002".into())).unwrap();
        let mut run: Vec<usize> = (0..jobs.len()).collect();
        first_things_first(&jobs, &mut run, &changed, &viewers.open());
        assert_eq!(run, [3, 2, 0, 1]);
        // The practice stays open while any of its pages is.
        drop(page);
        assert!(viewers.open().practices.contains("Z90002"));
        drop(second);
        assert_eq!(viewers.open(), Open::default());
    }

    #[test]
    fn the_table_of_open_pages_stays_bounded() {
        let viewers = Arc::new(Viewers::default());
        let kept: Vec<Viewing> =
            (0..MOST_VIEWED).map(|i| viewers.enter(Viewed::Document(format!("d{i}"))).unwrap()).collect();
        assert!(viewers.enter(Viewed::Document("one-more".into())).is_none());
        assert!(viewers.enter(Viewed::Document("d1".into())).is_some(), "a page already open may open again");
        drop(kept);
        assert_eq!(viewers.open(), Open::default());
    }
}
