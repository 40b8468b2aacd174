//! The build manifest (`output/.lmcpress-manifest.json`): for each job, a hash of everything
//! it read and of the files it wrote, so an unchanged job is skipped. It never holds
//! document text or recipient data, only paths and hashes. Entries are kept small: a build
//! of every practice in England has about 200,000 of them.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = ".lmcpress-manifest.json";
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
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    version: u32,
    pub jobs: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Reads the manifest; a missing or unreadable one just means "rebuild everything".
    pub fn load(out: &Path) -> Manifest {
        std::fs::File::open(out.join(FILE_NAME))
            .ok()
            .and_then(|f| serde_json::from_reader::<_, Manifest>(std::io::BufReader::new(f)).ok())
            .filter(|m| m.version == VERSION)
            .unwrap_or_default()
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
        Ok(())
    }

    /// True when the job's recorded outputs are all still there with the bytes it wrote.
    pub fn outputs_intact(entry: &Entry, out: &Path) -> bool {
        entry
            .outputs
            .iter()
            .all(|(rel, hash)| std::fs::read(out.join(rel)).is_ok_and(|bytes| &hash_bytes(&bytes) == hash))
    }
}

/// 128 bits of BLAKE3 as hex: plenty to tell versions of a file apart.
pub fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_string()
}

/// Hash of a job's identity and the current contents of the files it reads. A file that
/// cannot be read hashes as missing, which differs from any content.
pub fn hash_inputs<'a>(identity: &str, root: &Path, files: impl IntoIterator<Item = &'a Path>) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(b"\0");
    hasher.update(identity.as_bytes());
    let mut files: Vec<&Path> = files.into_iter().collect();
    files.sort();
    files.dedup();
    for file in files {
        hasher.update(b"\0");
        hasher.update(file.strip_prefix(root).unwrap_or(file).to_string_lossy().as_bytes());
        match std::fs::read(file) {
            Ok(bytes) => {
                hasher.update(&(bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
            }
            Err(_) => {
                hasher.update(b"<missing>");
            }
        }
    }
    hasher.finalize().to_hex()[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_hash_follows_content_not_order() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::write(&a, "1").unwrap();
        std::fs::write(&b, "2").unwrap();
        let h1 = hash_inputs("job", dir.path(), [a.as_path(), &b]);
        assert_eq!(h1, hash_inputs("job", dir.path(), [b.as_path(), &a]));
        assert_ne!(h1, hash_inputs("other", dir.path(), [a.as_path(), &b]));
        std::fs::write(&a, "changed").unwrap();
        assert_ne!(h1, hash_inputs("job", dir.path(), [a.as_path(), &b]));
        std::fs::remove_file(&a).unwrap();
        assert_ne!(h1, hash_inputs("job", dir.path(), [a.as_path(), &b]));
    }

    #[test]
    fn round_trips_and_checks_outputs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.pdf"), "pdf").unwrap();
        let mut m = Manifest::default();
        let entry = Entry {
            hash: "h".into(),
            reads: vec![],
            outputs: vec![(PathBuf::from("x.pdf"), hash_bytes(b"pdf"))],
        };
        m.jobs.insert("x".into(), entry.clone());
        m.save(dir.path()).unwrap();
        let loaded = Manifest::load(dir.path());
        assert_eq!(loaded.jobs["x"], entry);
        assert!(Manifest::outputs_intact(&entry, dir.path()));
        std::fs::write(dir.path().join("x.pdf"), "tampered").unwrap();
        assert!(!Manifest::outputs_intact(&entry, dir.path()));
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
    }
}
