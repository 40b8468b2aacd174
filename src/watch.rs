//! `watch`: file events → the jobs they affect → a rebuild of just those jobs. A bad edit
//! fails its own documents and watching goes on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

use crate::approval::view::Mode;
use crate::build::{BuildOptions, Eviction, JobReport, Report};
use crate::diag::Problem;
use crate::load::memo::Memo;
use crate::pipeline::{self, Loaded, Reads, Scope};
use crate::plan::Job;
use crate::plan::priority::Viewers;
use crate::render::fits::Fits;

/// How many rebuilds typst's cache keeps work for: editing one practice many times in a row
/// should not cost the others their cached layout.
const REBUILDS_REMEMBERED: usize = 8;

/// Above this many jobs, a rebuild forgets typst's work document by document, as `build`
/// does. Keeping a whole rebuild's work is what makes the next edit quick, but its memory
/// grows with every document made: `serve` starting on 1,000 practices whose outputs an
/// older lmcpress made (so every document is made again) passed 20 GB. An edit's rebuild
/// (a profile: 84 files; a guide section at 130 practices: 133 documents) stays below it.
const REMEMBERED_JOBS: usize = 400;

/// How typst's cache forgets during a rebuild that runs `jobs` jobs.
fn eviction_for(jobs: usize) -> Eviction {
    if jobs > REMEMBERED_JOBS {
        Eviction::PerDocument(crate::build::EVICT_AGE)
    } else {
        Eviction::PerBuild(REBUILDS_REMEMBERED)
    }
}

/// True for files editors write beside the real one while saving: vim swap and backup
/// files, emacs lock and autosave files, JetBrains safe-write files, and lmcpress's own
/// temporary outputs.
pub fn is_editor_noise(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return true };
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || name.starts_with(".lmcpress-")
        || name == "4913" // vim probes whether it may write to a folder with this file
        || name == ".DS_Store"
}

/// Whether an event is a change to a file's content or existence. Reading a file is an event
/// too on inotify (open, access, close-without-write): rebuilding on those would loop forever,
/// since every rebuild reads the inputs again.
pub fn is_change(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(ModifyKind::Metadata(m)) => !matches!(m, MetadataKind::AccessTime),
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any => true,
    }
}

/// The changed paths that matter: inside `content/`, `templates/`, `editions/` or `approvals/`
/// (an approval changes what practices get), not in the output folder,
/// not editor noise. Sorted and without repeats, so a burst of events is one change set.
pub fn relevant_changes(
    paths: impl IntoIterator<Item = PathBuf>,
    root: &Path,
    out: &Path,
) -> BTreeSet<PathBuf> {
    let watched = [
        root.join("content"),
        root.join("templates"),
        root.join(crate::editions::EDITIONS_DIR),
        root.join(crate::approval::DIR),
    ];
    paths
        .into_iter()
        .filter(|p| !p.starts_with(out))
        .filter(|p| watched.iter().any(|w| p.starts_with(w)))
        .filter(|p| !is_editor_noise(p))
        .collect()
}

pub struct WatchOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub poll: bool,
    pub debounce: Duration,
    /// The pages browsers have open (serve), whose documents each rebuild makes first.
    pub viewers: Arc<Viewers>,
}

/// What watch tells its caller; the caller prints.
pub enum Event<'a> {
    Problems(&'a [Problem]),
    Job(&'a JobReport),
    /// A rebuild finished: what it did, and the project and plan it built, for whoever
    /// publishes them (serve's snapshot).
    Rebuilt {
        report: &'a Report,
        changed: usize,
        broken_inputs: usize,
        loaded: &'a Loaded,
        jobs: &'a [Job],
    },
    Watching,
    Error(Problem),
}

/// Builds, then rebuilds on every change until `stop` is set (Ctrl-C).
pub fn watch(opts: &WatchOptions, stop: Arc<AtomicBool>, on: &(dyn Fn(Event) + Sync)) -> anyhow::Result<()> {
    let root = opts.root.canonicalize()?;
    std::fs::create_dir_all(&opts.out)?;
    let out = opts.out.canonicalize()?;
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // The debouncer looks for quiet files at each tick; its own default tick (a quarter of the
    // debounce) added up to 12 ms to every rebuild at `--debounce 50`. A tenth adds up to 5,
    // for 200 wake-ups a second of a thread that finds nothing to do.
    let tick = (opts.debounce >= Duration::from_millis(10)).then(|| opts.debounce / 10);
    let mut debouncer_poll;
    let mut debouncer_native;
    let watcher: &mut dyn FnMut(&Path, RecursiveMode) -> notify::Result<()> = if opts.poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(200));
        debouncer_poll = new_debouncer_opt::<_, notify::PollWatcher, _>(
            opts.debounce,
            tick,
            tx,
            notify_debouncer_full::RecommendedCache::new(),
            config,
        )?;
        &mut move |p: &Path, mode| debouncer_poll.watch(p, mode)
    } else {
        debouncer_native = new_debouncer(opts.debounce, tick, tx)?;
        &mut move |p: &Path, mode| debouncer_native.watch(p, mode)
    };
    // Folders, not files: editors that save by renaming would break a watch on the file.
    watcher(&root.join("content"), RecursiveMode::Recursive)?;
    // A project that overrides none of the theme has no templates folder until `theme
    // eject` (or the LMC) makes one, and no approvals folder until its first sign-off: the
    // root is watched, alone, to see them appear.
    let templates = root.join(crate::theme::PROJECT_DIR);
    let approvals = root.join(crate::approval::DIR);
    let mut later: Vec<&Path> = Vec::new();
    for dir in [&templates, &approvals] {
        if dir.is_dir() {
            watcher(dir, RecursiveMode::Recursive)?;
        } else {
            later.push(dir);
        }
    }
    if !later.is_empty() {
        watcher(&root, RecursiveMode::NonRecursive)?;
    }
    // Archived editions are inputs of the guide's changes and the practices' summaries.
    if root.join(crate::editions::EDITIONS_DIR).is_dir() {
        watcher(&root.join(crate::editions::EDITIONS_DIR), RecursiveMode::Recursive)?;
    }

    let mut state = State::default();
    state.rebuild(&root, &out, None, &opts.viewers, on);
    on(Event::Watching);
    while !stop.load(Ordering::SeqCst) {
        let events = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(events)) => events,
            Ok(Err(errors)) => {
                for e in errors {
                    on(Event::Error(Problem::general(format!("file watching: {e}"))));
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let changes = |events: Vec<notify_debouncer_full::DebouncedEvent>| {
            events.into_iter().filter(|e| is_change(&e.event.kind)).flat_map(|e| e.event.paths)
        };
        let mut paths: Vec<PathBuf> = changes(events).collect();
        // Collect any further bursts already queued, so one save is one rebuild.
        while let Ok(Ok(more)) = rx.try_recv() {
            paths.extend(changes(more));
        }
        for dir in later.iter().filter(|d| d.is_dir()).copied().collect::<Vec<_>>() {
            watcher(dir, RecursiveMode::Recursive)?;
            later.retain(|d| *d != dir);
            // Files written before the folder was watched are changes too.
            paths
                .extend(walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok).map(|e| e.into_path()));
        }
        let mut changed = relevant_changes(paths, &root, &out);
        if state.memo.holds_what_was_parsed(&changed) {
            // A save reported a second time: the last rebuild already read these texts.
            changed.clear();
        }
        // A sign-off changes which version practices get of files no job lists as read:
        // everything is checked again (the manifest skips what it does not change).
        let signed = changed.iter().any(|p| p.starts_with(&approvals));
        if signed {
            state.rebuild(&root, &out, None, &opts.viewers, on);
        } else if !changed.is_empty() {
            state.rebuild(&root, &out, Some(&changed), &opts.viewers, on);
        }
    }
    Ok(())
}

#[derive(Default)]
struct State {
    /// Job id → every file it read in its last build.
    reads: Reads,
    /// The profiles and Markdown files the last rebuild parsed.
    memo: Memo,
    /// Where the last rebuilds' poster body searches ended (see `render::fits`).
    fits: Option<Fits>,
}

impl State {
    fn rebuild(
        &mut self,
        root: &Path,
        out: &Path,
        changed: Option<&BTreeSet<PathBuf>>,
        viewers: &Viewers,
        on: &(dyn Fn(Event) + Sync),
    ) {
        match changed {
            Some(files) => self.memo.keep_for(files),
            None => self.memo.forget(),
        }
        let mut loaded = match pipeline::load_remembering(root, Mode::Practices, Some(&self.memo)) {
            Ok(loaded) => loaded,
            Err(e) => {
                on(Event::Error(e));
                return;
            }
        };
        if let Some(earlier) = self.fits.take() {
            loaded.poster_fits.carry_over(earlier);
        }
        on(Event::Problems(&loaded.project.problems));
        let open = viewers.open();
        let scope = match changed {
            None => Scope::Everything,
            Some(files) => Scope::Changed { files, reads: &self.reads, open: &open },
        };
        let planned = match pipeline::plan(&loaded, scope, false) {
            Ok(planned) => planned,
            Err(e) => {
                on(Event::Error(e));
                return;
            }
        };
        // typst remembers the work of the last few rebuilds, so an edit re-lays out only what
        // changed; a rebuild of many documents forgets as it goes, so memory stays bounded.
        let options = BuildOptions {
            out: out.to_path_buf(),
            eviction: eviction_for(planned.to_run()),
            ..BuildOptions::default()
        };
        let built = pipeline::build(&loaded, planned, &options, &|job| on(Event::Job(job)));
        self.reads = built.reads(&loaded);
        on(Event::Rebuilt {
            report: &built.report,
            changed: changed.map_or(0, BTreeSet::len),
            broken_inputs: loaded.project.broken_inputs.len(),
            loaded: &loaded,
            jobs: &built.jobs,
        });
        self.fits = Some(loaded.poster_fits.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_of_many_documents_forgets_as_it_goes() {
        assert_eq!(eviction_for(1), Eviction::PerBuild(REBUILDS_REMEMBERED));
        assert_eq!(eviction_for(133), Eviction::PerBuild(REBUILDS_REMEMBERED));
        assert_eq!(eviction_for(REMEMBERED_JOBS), Eviction::PerBuild(REBUILDS_REMEMBERED));
        assert_eq!(eviction_for(REMEMBERED_JOBS + 1), Eviction::PerDocument(crate::build::EVICT_AGE));
        assert_eq!(eviction_for(83_000), Eviction::PerDocument(crate::build::EVICT_AGE));
    }

    #[test]
    fn editor_temporary_files_are_noise() {
        for name in [
            "a.md~",
            ".a.md.swp",
            ".a.md.swx",
            "#a.md#",
            ".#a.md",
            "a.md___jb_tmp___",
            "a.md___jb_old___",
            "4913",
            ".lmcpress-x.tmp",
        ] {
            assert!(is_editor_noise(Path::new(name)), "{name}");
        }
        for name in ["a.md", "z90001.yaml", "letter.typ.tera", "logo.svg"] {
            assert!(!is_editor_noise(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{
            AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, ModifyKind, RemoveKind, RenameMode,
        };
        assert!(!is_change(&EventKind::Access(AccessKind::Open(AccessMode::Read))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(DataChange::Content))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Name(RenameMode::To))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Remove(RemoveKind::File)));
    }

    #[test]
    fn only_content_and_templates_outside_output_count() {
        let root = Path::new("/p");
        let out = Path::new("/p/output");
        let changed = relevant_changes(
            [
                "/p/content/posters/a.md",
                "/p/content/posters/a.md",
                "/p/content/posters/.a.md.swp",
                "/p/output/guide/x.pdf",
                "/p/templates/letter.typ.tera",
                "/p/target/debug/x",
                "/p/README.md",
            ]
            .map(PathBuf::from),
            root,
            out,
        );
        let want: BTreeSet<PathBuf> =
            ["/p/content/posters/a.md", "/p/templates/letter.typ.tera"].map(PathBuf::from).into();
        assert_eq!(changed, want);
    }

    #[test]
    fn affected_jobs_are_readers_of_changed_files_and_new_jobs() {
        use crate::plan::{Job, affected};
        let job = |id: &str, input: &str| Job {
            id: id.into(),
            target: crate::plan::Target::Guide,
            template: "t",
            outputs: vec![],
            inputs: vec![std::sync::Arc::from(Path::new(input))],
            keep: crate::plan::Keep::Tracked,
            about: Default::default(),
        };
        let jobs = vec![job("a", "/p/a.yaml"), job("b", "/p/b.yaml"), job("new", "/p/c.yaml")];
        let mut reads = std::collections::BTreeMap::new();
        reads.insert("a".to_string(), BTreeSet::from([PathBuf::from("/p/logo.svg")]));
        reads.insert("b".to_string(), BTreeSet::new());
        let ids = |changed: &[&str]| -> Vec<String> {
            let changed = changed.iter().map(PathBuf::from).collect();
            affected(&jobs, &reads, &changed).into_iter().map(|i| jobs[i].id.clone()).collect()
        };
        assert_eq!(ids(&["/p/logo.svg"]), ["a", "new"]);
        assert_eq!(ids(&["/p/b.yaml"]), ["b", "new"]);
        assert_eq!(ids(&["/p/a.yaml", "/p/b.yaml"]), ["a", "b", "new"]);
    }
}
