//! The `typst::World` lmcpress compiles in: one generated main source, files confined to
//! the project root, no packages, no network, and a date fixed by the caller.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::FONTS;

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Every job's main source shares this one id: typst's file-id interner is global and
/// bounded, so a fresh id per document would run out in a large batch.
static MAIN_ID: LazyLock<FileId> = LazyLock::new(|| {
    let vpath = VirtualPath::new("/__lmcpress__/main.typ").expect("static path is valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
});

pub struct LmcWorld {
    root: PathBuf,
    canonical_root: PathBuf,
    main: Source,
    today: Option<Datetime>,
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
}

impl LmcWorld {
    pub fn new(root: &Path, source: String, today: Option<Datetime>) -> Self {
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Self {
            root: root.to_path_buf(),
            canonical_root,
            main: Source::new(*MAIN_ID, source),
            today,
            files: Mutex::new(HashMap::new()),
        }
    }

    pub fn main_source(&self) -> &Source {
        &self.main
    }

    /// Real paths of the files the last compile read, sorted, for dependency tracking.
    pub fn files_read(&self) -> Vec<PathBuf> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let mut paths: Vec<PathBuf> =
            files.keys().filter_map(|id| id.vpath().realize(&self.root).ok()).collect();
        paths.sort();
        paths
    }

    fn read(&self, id: FileId) -> FileResult<Bytes> {
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some(
                "package imports are disabled: lmcpress works offline, so ship the file \
                 inside the project instead"
                    .into(),
            )));
        }
        let path = id.vpath().realize(&self.root).map_err(FileError::Realize)?;
        // Symlinks could still point outside the root: check where the file really is.
        let real = path.canonicalize().map_err(|e| FileError::from_io(e, &path))?;
        if !real.starts_with(&self.canonical_root) {
            return Err(FileError::AccessDenied);
        }
        if real.is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(&real).map(Bytes::new).map_err(|e| FileError::from_io(e, &path))
    }
}

impl World for LmcWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        *MAIN_ID
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN_ID {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *MAIN_ID {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.entry(id).or_insert_with(|| self.read(id)).clone()
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}
