//! A whole build's fingerprint (`output/.lmcpress-fingerprint`), so that a build with nothing
//! to do can say so without loading the project.
//!
//! The manifest decides job by job, which means loading every profile and planning every
//! document first: at 1,000 practices that is most of a no-op build. The fingerprint answers
//! for the whole project at once from file metadata alone: the size, modification and change
//! times and inode of every file under the project (except the output folder and `.git`) and
//! of every file in the output folder, with the binary and the build's settings. When both
//! digests match what the last clean, complete build recorded, that build's outputs are the
//! outputs of these inputs, and a build would skip every job.
//!
//! It is only a short cut: when anything differs, or nothing was recorded, the build runs as
//! it always does and the manifest decides. So a fingerprint is recorded only when a normal
//! build would have nothing more to say next time: every document built, no problem reported
//! while loading, no drafts awaiting approval, and every input inside the project.

use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::plan::Job;
use crate::write::manifest::{self, Digest, Manifest};

pub const FILE_NAME: &str = ".lmcpress-fingerprint";
const MAGIC: &[u8; 8] = b"lmcfp\x00\x00\x01";
/// A file modified this close to the moment its metadata was read may be modified again
/// within the file system's clock tick without its stamp changing (git's "racy" files), so a
/// fingerprint taken then is not recorded.
const RACY: Duration = Duration::from_secs(2);

/// What besides the files decides a build's outputs: the flags that change what is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub packs: bool,
    pub emit_typst: bool,
}

/// The project's side of a fingerprint, taken before the project is loaded so that any
/// change made while the build reads it shows next time.
#[derive(Debug, Clone)]
pub struct Inputs {
    digest: Digest,
    /// False when some file was modified too recently to be trusted (see [`RACY`]), or some
    /// could not be seen (behind a link to a folder, or unreadable).
    trusted: bool,
}

/// Reads the metadata of every file under `root` (not `out` or `.git`) into one digest,
/// with this binary and `settings`.
pub fn inputs(root: &Path, out: &Path, settings: Settings) -> Inputs {
    let taken = SystemTime::now();
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(crate::theme::digest());
    hasher.update(&[u8::from(settings.packs), u8::from(settings.emit_typst)]);
    hasher.update(format!("{:?}", crate::load::dates::source_date()).as_bytes());
    // A rebuilt binary may load, warn or lay out differently: its own stamp is an input.
    let exe = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok());
    hash_stamp(&mut hasher, exe.as_ref());
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let out = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    let tree = Tree::of(&root, &|path| path == out || path.file_name().is_some_and(|n| n == ".git"));
    hasher.update(&tree.digest);
    let trusted = tree.complete && tree.newest + RACY <= taken;
    Inputs { digest: manifest::truncated(hasher.finalize()), trusted }
}

/// The output folder's side: every file in it but the fingerprint itself, or `None` when
/// some could not be seen (behind a link to a folder, or unreadable). Folders are left out:
/// probing whether `out` can be written touches its own modification time.
fn outputs(out: &Path) -> Option<Digest> {
    let own = out.join(FILE_NAME);
    let tree = Tree::of(out, &|path| path == own);
    tree.complete.then_some(tree.digest)
}

/// The metadata of every file under a folder, hashed.
struct Tree {
    digest: Digest,
    /// False when something was not seen: a link to a folder (not followed), or an entry
    /// that could not be read.
    complete: bool,
    /// The latest modification time among the files.
    newest: SystemTime,
}

impl Tree {
    /// Walks `dir`, skipping what `skip` says. The walk is most of a no-op build (an `lstat`
    /// for each of about 43 files a practice), so it is cut at the second level of folders
    /// (`practices/<ODS>`) into pieces walked on every core, whose digests are hashed in
    /// order.
    fn of(dir: &Path, skip: &(dyn Fn(&Path) -> bool + Sync)) -> Tree {
        let mut unread = false;
        let pieces: Vec<walkdir::DirEntry> = sorted(walkdir::WalkDir::new(dir).max_depth(2))
            .filter_entry(|e| !skip(e.path()))
            .filter_map(|e| e.map_err(|_| unread = true).ok())
            .filter(|e| e.depth() == 2 || (e.depth() == 1 && !e.file_type().is_dir()))
            .collect();
        let walked = crate::parallel::map(&pieces, |piece| {
            let mut tree = Tree::start();
            let mut hasher = blake3::Hasher::new();
            for entry in sorted(walkdir::WalkDir::new(piece.path())).filter_entry(|e| !skip(e.path())) {
                tree.add(&mut hasher, dir, entry);
            }
            tree.digest = manifest::truncated(hasher.finalize());
            tree
        });
        let mut whole = Tree { complete: !unread, ..Tree::start() };
        let mut hasher = blake3::Hasher::new();
        for (piece, tree) in pieces.iter().zip(walked) {
            hasher.update(
                piece.path().strip_prefix(dir).unwrap_or(piece.path()).as_os_str().as_encoded_bytes(),
            );
            hasher.update(b"\0");
            hasher.update(&tree.digest);
            whole.complete &= tree.complete;
            whole.newest = whole.newest.max(tree.newest);
        }
        whole.digest = manifest::truncated(hasher.finalize());
        whole
    }

    fn start() -> Tree {
        Tree { digest: Digest::default(), complete: true, newest: SystemTime::UNIX_EPOCH }
    }

    /// Hashes one entry of the walk: its path relative to `dir` and its metadata (a linked
    /// file's target's). An entry that cannot be read (a folder without permission, a loop
    /// of links) makes the tree incomplete: a change inside it could not be seen.
    fn add(&mut self, hasher: &mut blake3::Hasher, dir: &Path, entry: walkdir::Result<walkdir::DirEntry>) {
        let Ok(entry) = entry else {
            self.complete = false;
            return;
        };
        if entry.file_type().is_dir() {
            return;
        }
        let meta = if entry.file_type().is_symlink() {
            std::fs::metadata(entry.path()).ok()
        } else {
            entry.metadata().ok()
        };
        if meta.as_ref().is_none_or(std::fs::Metadata::is_dir) {
            self.complete = false;
        }
        if let Some(modified) = meta.as_ref().and_then(|m| m.modified().ok()) {
            self.newest = self.newest.max(modified);
        }
        hasher.update(entry.path().strip_prefix(dir).unwrap_or(entry.path()).as_os_str().as_encoded_bytes());
        hasher.update(b"\0");
        hash_stamp(hasher, meta.as_ref());
    }
}

fn sorted(walk: walkdir::WalkDir) -> walkdir::IntoIter {
    walk.sort_by(|a, b| a.file_name().cmp(b.file_name())).into_iter()
}

fn hash_stamp(hasher: &mut blake3::Hasher, meta: Option<&std::fs::Metadata>) {
    let Some(meta) = meta else {
        hasher.update(b"missing");
        return;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // The change time cannot be set back by hand: a file rewritten and given its old
        // modification time still differs.
        let times = [meta.mtime(), meta.mtime_nsec(), meta.ctime(), meta.ctime_nsec()];
        for n in [meta.ino(), meta.size()].into_iter().chain(times.map(|t| t as u64)) {
            hasher.update(&n.to_le_bytes());
        }
    }
    #[cfg(not(unix))]
    {
        hasher.update(&meta.len().to_le_bytes());
        let modified = meta.modified().ok().and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok());
        hasher.update(&modified.unwrap_or_default().as_nanos().to_le_bytes());
    }
}

/// What [`check`] found.
pub enum Check {
    /// The project and the output folder are as the last recorded build left them, which
    /// made this many documents: the build can stop here.
    Unchanged(usize),
    /// Something differs, or nothing was recorded: the project's side as it is now, for
    /// [`record`] once the build is done.
    Changed(Inputs),
}

/// Compares the project and the output folder with the last recorded build.
pub fn check(root: &Path, out: &Path, settings: Settings) -> Check {
    let recorded = std::fs::read(out.join(FILE_NAME)).ok().and_then(|bytes| Recorded::parse(&bytes));
    let Some(recorded) = recorded else { return Check::Changed(inputs(root, out, settings)) };
    let (inputs, outputs) = std::thread::scope(|s| {
        let outputs = s.spawn(|| outputs(out));
        (inputs(root, out, settings), outputs.join().ok())
    });
    if inputs.digest == recorded.inputs && outputs.flatten() == Some(recorded.outputs) {
        Check::Unchanged(recorded.documents)
    } else {
        Check::Changed(inputs)
    }
}

/// Records that the build which took `inputs` left the output folder complete for them with
/// `documents` documents, or removes any earlier record when it did not (`clean` is false) or
/// the fingerprint cannot be trusted. Best effort: without a record, a build only takes its
/// usual time.
pub fn record(out: &Path, inputs: &Inputs, documents: usize, clean: bool) {
    let path = out.join(FILE_NAME);
    let outputs = if clean && inputs.trusted { outputs(out) } else { None };
    let Some(outputs) = outputs else {
        std::fs::remove_file(path).ok();
        return;
    };
    let recorded = Recorded { inputs: inputs.digest, outputs, documents };
    if crate::write::write_atomic(&path, &recorded.bytes(), false).is_err() {
        std::fs::remove_file(path).ok();
    }
}

/// Whether every file the jobs read is inside `root`: a file outside it is not in the
/// fingerprint, so a build that read one is not recorded.
pub fn all_inside(root: &Path, jobs: &[Job], manifest: &Manifest) -> bool {
    let planned = jobs.iter().flat_map(|j| j.inputs.iter()).all(|p| p.starts_with(root));
    let relative = |p: &PathBuf| p.is_relative() && p.components().all(|c| matches!(c, Component::Normal(_)));
    planned && manifest.jobs.values().flat_map(|e| e.reads.iter()).all(relative)
}

/// The fingerprint file: its magic, the two digests and the count, in fixed little-endian.
struct Recorded {
    inputs: Digest,
    outputs: Digest,
    documents: usize,
}

impl Recorded {
    const LEN: usize = MAGIC.len() + 16 + 16 + 8;

    fn bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(Self::LEN);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&self.inputs);
        bytes.extend_from_slice(&self.outputs);
        bytes.extend_from_slice(&(self.documents as u64).to_le_bytes());
        bytes
    }

    fn parse(bytes: &[u8]) -> Option<Recorded> {
        if bytes.len() != Self::LEN || !bytes.starts_with(MAGIC) {
            return None;
        }
        let rest = &bytes[MAGIC.len()..];
        Some(Recorded {
            inputs: rest[..16].try_into().ok()?,
            outputs: rest[16..32].try_into().ok()?,
            documents: usize::try_from(u64::from_le_bytes(rest[32..40].try_into().ok()?)).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_anything_else_is_no_record() {
        let recorded = Recorded { inputs: [1; 16], outputs: [2; 16], documents: 31_004 };
        let bytes = recorded.bytes();
        let back = Recorded::parse(&bytes).unwrap();
        assert_eq!((back.inputs, back.outputs, back.documents), ([1; 16], [2; 16], 31_004));
        assert!(Recorded::parse(&bytes[..bytes.len() - 1]).is_none(), "a torn file");
        assert!(Recorded::parse(&[bytes.as_slice(), b"x"].concat()).is_none());
        let mut other = bytes.clone();
        other[7] ^= 1;
        assert!(Recorded::parse(&other).is_none(), "another version's file");
    }

    #[test]
    fn the_output_digest_follows_every_file_but_its_own() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.pdf"), "pdf").unwrap();
        let first = outputs(dir.path());
        assert_eq!(first, outputs(dir.path()));
        std::fs::write(dir.path().join(FILE_NAME), "its own record").unwrap();
        assert_eq!(first, outputs(dir.path()), "the record is not an output");
        std::fs::create_dir_all(dir.path().join("b")).unwrap();
        assert_eq!(first, outputs(dir.path()), "an empty folder is no output");
        std::fs::write(dir.path().join("b/y.png"), "png").unwrap();
        let more = outputs(dir.path());
        assert_ne!(first, more);
        std::fs::remove_file(dir.path().join("b/y.png")).unwrap();
        std::fs::write(dir.path().join("a/x.pdf"), "PDF").unwrap();
        assert_ne!(first, outputs(dir.path()), "same name and size, rewritten");
        assert!(first.is_some());
        #[cfg(unix)]
        {
            let elsewhere = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("linked")).unwrap();
            assert_eq!(
                outputs(dir.path()),
                None,
                "a linked folder's files are not seen, so nothing is trusted"
            );
            std::fs::remove_file(dir.path().join("linked")).unwrap();
            assert!(outputs(dir.path()).is_some());
            std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("dangling")).unwrap();
            assert_eq!(outputs(dir.path()), None, "a link to nothing cannot be read");
        }
    }

    #[test]
    fn a_build_reading_outside_the_project_is_not_recorded() {
        let mut manifest = Manifest::default();
        assert!(all_inside(Path::new("/p"), &[], &manifest));
        let entry = |read: &str| manifest::Entry { reads: vec![PathBuf::from(read)], ..Default::default() };
        manifest.jobs.insert("a".into(), entry("content/logos/a.png"));
        assert!(all_inside(Path::new("/p"), &[], &manifest));
        manifest.jobs.insert("b".into(), entry("../shared/logo.png"));
        assert!(!all_inside(Path::new("/p"), &[], &manifest));
        manifest.jobs.insert("b".into(), entry("/etc/logo.png"));
        assert!(!all_inside(Path::new("/p"), &[], &manifest));
    }
}
