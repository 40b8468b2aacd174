//! The build manifest (`output/.lmcpress-manifest.json`): for each job, a hash of everything
//! it read and of the files it wrote, so an unchanged job is skipped. It never holds
//! document text or recipient data, only paths and hashes. Entries are kept small: a build
//! of every practice in England has about 200,000 of them.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use anyhow::Context;
use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = ".lmcpress-manifest.json";
/// Entries of jobs finished since the manifest was last saved, one JSON line each, so that a
/// build killed part-way loses only its unfinished jobs. Folded into the manifest on load and
/// removed once the manifest is saved.
pub const JOURNAL_NAME: &str = ".lmcpress-manifest.journal";
const VERSION: u32 = 2;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// Hash of the job's identity and of every file it read.
    pub hash: String,
    /// Files typst read beyond the planned inputs (logos, images), relative to the root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<PathBuf>,
    /// Output path (relative to the output folder) and the hash of its bytes.
    pub outputs: Vec<(PathBuf, String)>,
    /// Size and modification time of each output as written: when both still match, the
    /// file is taken as intact without reading it (a no-op build of every practice in
    /// England would otherwise read 200,000 files).
    #[serde(default)]
    pub stamps: Vec<Stamp>,
}

/// A file's size and modification time (nanoseconds since the Unix epoch).
pub type Stamp = (u64, u64);

pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some((meta.len(), mtime.as_nanos() as u64))
}

/// Appends finished jobs' entries to the journal as a build goes. Writing is best effort: a
/// journal that cannot be written only costs a rebuild after a crash.
pub struct Journal {
    out: PathBuf,
    /// Opened when the first job starts writing: a build that writes nothing leaves none.
    file: std::sync::Mutex<Option<std::fs::File>>,
}

impl Journal {
    pub fn new(out: &Path) -> Journal {
        Journal { out: out.to_path_buf(), file: std::sync::Mutex::new(None) }
    }

    /// Called before a job writes its outputs: from now on, a kill leaves the journal behind,
    /// which tells the next build to sweep the temporary files it may have left.
    pub fn begin(&self) {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if file.is_none() {
            *file = std::fs::create_dir_all(&self.out)
                .and_then(|()| {
                    std::fs::OpenOptions::new().create(true).append(true).open(self.out.join(JOURNAL_NAME))
                })
                .ok();
        }
    }

    /// Records that job `id` finished with `entry` (its outputs already in place).
    pub fn record(&self, id: &str, entry: &Entry) {
        let Ok(mut line) = serde_json::to_vec(&(id, entry)) else { return };
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = file.as_mut() {
            // One write per line, so a kill tears at most the last one.
            f.write_all(&line).ok();
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    version: u32,
    pub jobs: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Reads the manifest; a missing or unreadable one just means "rebuild everything".
    pub fn load(out: &Path) -> Manifest {
        // Read whole, then parsed: serde_json parses a slice several times faster than a
        // reader, and at 30,000 jobs the manifest is most of a no-op build's reading.
        let mut manifest: Manifest = std::fs::read(out.join(FILE_NAME))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|m| m.version == VERSION)
            .unwrap_or_default();
        // Jobs a killed build finished after the last save. A torn last line (the kill came
        // mid-write) is ignored: that job is simply made again.
        if let Ok(text) = std::fs::read_to_string(out.join(JOURNAL_NAME)) {
            for line in text.lines() {
                if let Ok((id, entry)) = serde_json::from_str::<(String, Entry)>(line) {
                    manifest.jobs.insert(id, entry);
                }
            }
        }
        manifest
    }

    /// Removes what earlier builds left half-done in `out`: temporary files of writes a kill
    /// interrupted (each `write_atomic` renames its own away, so any left are orphans; one
    /// build at a time writes into an output folder).
    pub fn sweep_orphans(out: &Path) {
        for entry in walkdir::WalkDir::new(out).follow_links(false).into_iter().filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && name.starts_with(".lmcpress-") && name.ends_with(".tmp") {
                std::fs::remove_file(entry.path()).ok();
            }
        }
    }

    /// Starts reading the manifest of `out` on another thread. A build of many practices
    /// starts it before loading the project, so the two overlap: at 1,000 practices the
    /// manifest is 6 MB and took a tenth of a no-op build read after planning.
    pub fn read_ahead(out: &Path) -> ReadAhead {
        let folder = out.to_path_buf();
        let reading = std::thread::spawn(move || Manifest::load(&folder));
        ReadAhead { out: out.to_path_buf(), reading }
    }

    /// Streams the manifest to a temporary file and renames it into place.
    pub fn save(&mut self, out: &Path) -> anyhow::Result<()> {
        self.version = VERSION;
        std::fs::create_dir_all(out).with_context(|| format!("failed to create `{}`", out.display()))?;
        let tmp = tempfile::Builder::new().prefix(".lmcpress-").suffix(".tmp").tempfile_in(out)?;
        let mut writer = std::io::BufWriter::new(tmp);
        serde_json::to_writer(&mut writer, self)?;
        writer.flush()?;
        let tmp = writer.into_inner().map_err(|e| e.into_error())?;
        tmp.persist(out.join(FILE_NAME)).context("failed to save the build manifest")?;
        // Everything the journal held is in the manifest now.
        std::fs::remove_file(out.join(JOURNAL_NAME)).ok();
        Ok(())
    }

    /// True when the job's recorded outputs are all still there with the bytes it wrote. A
    /// file whose size and modification time match its stamp is taken as intact unread; only
    /// a file touched since is read and hashed.
    pub fn outputs_intact(entry: &Entry, out: &Path) -> bool {
        entry.outputs.iter().enumerate().all(|(i, (rel, hash))| {
            let path = out.join(rel);
            let stamped = entry.stamps.get(i).is_some_and(|s| stamp(&path).as_ref() == Some(s));
            stamped || std::fs::read(&path).is_ok_and(|bytes| &hash_bytes(&bytes) == hash)
        })
    }
}

/// A manifest being read on another thread; see [`Manifest::read_ahead`].
pub struct ReadAhead {
    out: PathBuf,
    reading: std::thread::JoinHandle<Manifest>,
}

impl ReadAhead {
    /// The manifest, if it was read from `out`; a reader that panicked means "rebuild
    /// everything", as an unreadable manifest does.
    pub fn wait_for(self, out: &Path) -> Option<Manifest> {
        (self.out == out).then(|| self.reading.join().unwrap_or_default())
    }
}

/// 128 bits of BLAKE3: plenty to tell versions of a file apart. A plain array, so the
/// results of a large batch hold no heap data until they are written to the manifest.
pub type Digest = [u8; 16];

pub fn digest(bytes: &[u8]) -> Digest {
    truncated(blake3::hash(bytes))
}

/// The first 128 bits of a BLAKE3 hash, for hashes built up from several parts.
pub fn truncated(hash: blake3::Hash) -> Digest {
    let mut d = Digest::default();
    d.copy_from_slice(&hash.as_bytes()[..16]);
    d
}

pub fn hex(d: &Digest) -> String {
    // By table, not `format!` per byte: a no-op build makes one per job.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(d.len() * 2);
    for b in d {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Whether `text` is [`hex`] of `d`, without making the string: a no-op build asks once a job.
pub fn is_hex_of(text: &str, d: &Digest) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let text = text.as_bytes();
    text.len() == d.len() * 2
        && d.iter()
            .zip(text.chunks_exact(2))
            .all(|(b, pair)| pair[0] == DIGITS[usize::from(b >> 4)] && pair[1] == DIGITS[usize::from(b & 15)])
}

pub fn hash_bytes(bytes: &[u8]) -> String {
    hex(&digest(bytes))
}

/// Content digests of input files, each file read once per build however many jobs share
/// it (every job reads lmc.yaml and its templates). Keyed by the path's bytes: hashing a
/// `Path` walks its components, which was a tenth of a no-op build at 1,000 practices.
///
/// The planned inputs are hashed up front and then only read, so the 200,000 lookups of a
/// no-op build at 1,000 practices take no lock: with one lock shared by both workers, the
/// lookups cost more than the hashing. Files found only while building (what typst read
/// besides the plan) go in a second, locked map.
#[derive(Default)]
pub struct FileHashes {
    /// Digests that stand for a file's bytes on disk: for a file that needs approval, the
    /// version a build reads and the sign-off it shows.
    overrides: foldhash::HashMap<OsString, Digest>,
    planned: foldhash::HashMap<OsString, Option<Digest>>,
    found: RwLock<foldhash::HashMap<OsString, Option<Digest>>>,
}

fn digest_of_file(path: &Path) -> Option<Digest> {
    std::fs::read(path).ok().map(|bytes| digest(&bytes))
}

impl FileHashes {
    /// Reads and hashes `paths`, in parallel; repeated paths are read once.
    pub fn of<'a>(paths: impl IntoIterator<Item = &'a Path>) -> FileHashes {
        let mut distinct: Vec<&Path> = paths.into_iter().collect();
        distinct
            .sort_unstable_by(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
        distinct.dedup();
        let digests = crate::parallel::map(&distinct, |path| digest_of_file(path));
        let planned = distinct.iter().map(|p| p.as_os_str().to_owned()).zip(digests).collect();
        FileHashes { overrides: Default::default(), planned, found: RwLock::default() }
    }

    /// These digests instead of the files' bytes on disk.
    pub fn with_overrides<'a>(
        mut self,
        overrides: impl IntoIterator<Item = (&'a Path, Digest)>,
    ) -> FileHashes {
        self.overrides = overrides.into_iter().map(|(p, d)| (p.as_os_str().to_owned(), d)).collect();
        self
    }

    /// The file's digest, or `None` if it cannot be read.
    pub fn get(&self, path: &Path) -> Option<Digest> {
        if let Some(d) = self.overrides.get(path.as_os_str()) {
            return Some(*d);
        }
        if let Some(known) = self.planned.get(path.as_os_str()) {
            return *known;
        }
        if let Some(known) = self.found.read().unwrap_or_else(|e| e.into_inner()).get(path.as_os_str()) {
            return *known;
        }
        let digest = digest_of_file(path);
        self.found.write().unwrap_or_else(|e| e.into_inner()).insert(path.as_os_str().to_owned(), digest);
        digest
    }
}

/// Hash of a job's identity and the current contents of the files it reads. A file that
/// cannot be read hashes as missing, which differs from any content.
pub fn hash_inputs<'a>(
    identity: &str,
    root: &Path,
    files: impl IntoIterator<Item = &'a Path>,
    hashes: &FileHashes,
) -> Digest {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(crate::theme::digest());
    hasher.update(b"\0");
    hasher.update(identity.as_bytes());
    // Ordered by bytes, not by `Path`'s component-wise order: the same inputs always give the
    // same order, at a fraction of the cost.
    fn bytes<'p>(f: &&'p Path) -> &'p [u8] {
        f.as_os_str().as_encoded_bytes()
    }
    let mut files: Vec<&Path> = files.into_iter().collect();
    files.sort_unstable_by(|a, b| bytes(a).cmp(bytes(b)));
    files.dedup_by(|a, b| bytes(a) == bytes(b));
    let root = root.as_os_str().as_encoded_bytes();
    for file in files {
        let bytes = bytes(&file);
        hasher.update(b"\0");
        hasher.update(bytes.strip_prefix(root).map(|r| r.strip_prefix(b"/").unwrap_or(r)).unwrap_or(bytes));
        match hashes.get(file) {
            Some(d) => hasher.update(&d),
            None => hasher.update(b"<missing>"),
        };
    }
    truncated(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        let mut d = Digest::default();
        d[0] = 0x0f;
        d[15] = 0xa0;
        assert_eq!(hex(&d), format!("0f{}a0", "00".repeat(14)));
        assert!(is_hex_of(&hex(&d), &d));
        assert!(!is_hex_of(&hex(&d).to_uppercase(), &d), "the manifest writes lower case only");
        assert!(!is_hex_of(&hex(&d)[..30], &d));
        let mut other = d;
        other[15] = 0xa1;
        assert!(!is_hex_of(&hex(&d), &other));
    }

    #[test]
    fn input_hash_follows_content_not_order() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::write(&a, "1").unwrap();
        std::fs::write(&b, "2").unwrap();
        let h = |id: &str, files: [&Path; 2]| hash_inputs(id, dir.path(), files, &FileHashes::default());
        let h1 = h("job", [&a, &b]);
        assert_eq!(h1, h("job", [&b, &a]));
        assert_ne!(h1, h("other", [&a, &b]));
        std::fs::write(&a, "changed").unwrap();
        assert_ne!(h1, h("job", [&a, &b]));
        std::fs::remove_file(&a).unwrap();
        assert_ne!(h1, h("job", [&a, &b]));
        let cache = FileHashes::default();
        std::fs::write(&a, "again").unwrap();
        assert_eq!(
            hash_inputs("job", dir.path(), [a.as_path()], &cache),
            hash_inputs("job", dir.path(), [a.as_path()], &cache)
        );
    }

    #[test]
    fn round_trips_and_checks_outputs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.pdf"), "pdf").unwrap();
        let mut m = Manifest::default();
        let stamps = vec![stamp(&dir.path().join("x.pdf")).unwrap()];
        let outputs = vec![(PathBuf::from("x.pdf"), hash_bytes(b"pdf"))];
        let entry = Entry { hash: "h".into(), reads: vec![], outputs, stamps };
        m.jobs.insert("x".into(), entry.clone());
        m.save(dir.path()).unwrap();
        let loaded = Manifest::load(dir.path());
        assert_eq!(loaded.jobs["x"], entry);
        assert!(Manifest::outputs_intact(&entry, dir.path()));
        std::fs::write(dir.path().join("x.pdf"), "tampered").unwrap();
        assert!(!Manifest::outputs_intact(&entry, dir.path()));
        std::fs::write(dir.path().join("x.pdf"), "pdf").unwrap();
        assert!(Manifest::outputs_intact(&entry, dir.path()), "same bytes, new time: hashed and intact");
        // An unchanged stamp is trusted without reading the file: the recorded hash is not
        // even consulted.
        let restamped = Entry {
            hash: "h".into(),
            reads: vec![],
            outputs: vec![(PathBuf::from("x.pdf"), "not-the-hash".into())],
            stamps: vec![stamp(&dir.path().join("x.pdf")).unwrap()],
        };
        assert!(Manifest::outputs_intact(&restamped, dir.path()));
        std::fs::remove_file(dir.path().join("x.pdf")).unwrap();
        assert!(!Manifest::outputs_intact(&restamped, dir.path()), "a missing file is never intact");
        std::fs::write(dir.path().join("x.pdf"), "pdf").unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
    }
}
