//! The build manifest (`output/.lmcpress-manifest.json`): for each job, a hash of everything
//! it read and of the files it wrote, so an unchanged job is skipped. It never holds
//! document text or recipient data, only paths and hashes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = ".lmcpress-manifest.json";
const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub inputs_hash: String,
    /// Every file the job read, relative to the project root: planned inputs plus what
    /// typst read (logos, images).
    pub inputs: Vec<PathBuf>,
    /// Output path (relative to the output folder) → hash of its bytes.
    pub outputs: BTreeMap<PathBuf, String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    version: u32,
    pub jobs: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Reads the manifest; a missing or unreadable one just means "rebuild everything".
    pub fn load(out: &Path) -> Manifest {
        std::fs::read(out.join(FILE_NAME))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|m| m.version == VERSION)
            .unwrap_or_default()
    }

    pub fn save(&mut self, out: &Path) -> anyhow::Result<()> {
        self.version = VERSION;
        let bytes = serde_json::to_vec_pretty(self)?;
        crate::output::write_atomic(&out.join(FILE_NAME), &bytes, false)
    }

    /// True when the job's recorded outputs are all still there with the bytes it wrote.
    pub fn outputs_intact(entry: &Entry, out: &Path) -> bool {
        entry.outputs.iter().all(|(rel, hash)| {
            std::fs::read(out.join(rel)).is_ok_and(|bytes| &hash_bytes(&bytes) == hash)
        })
    }
}

pub fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Hash of a job's identity and the current contents of the files it reads. A file that
/// cannot be read hashes as missing, which differs from any content.
pub fn hash_inputs<'a>(identity: &str, root: &Path, files: impl IntoIterator<Item = &'a PathBuf>) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(b"\0");
    hasher.update(identity.as_bytes());
    let mut files: Vec<&PathBuf> = files.into_iter().collect();
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
    hasher.finalize().to_hex().to_string()
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
        let h1 = hash_inputs("job", dir.path(), [&a, &b]);
        assert_eq!(h1, hash_inputs("job", dir.path(), [&b, &a]));
        assert_ne!(h1, hash_inputs("other", dir.path(), [&a, &b]));
        std::fs::write(&a, "changed").unwrap();
        assert_ne!(h1, hash_inputs("job", dir.path(), [&a, &b]));
        std::fs::remove_file(&a).unwrap();
        assert_ne!(h1, hash_inputs("job", dir.path(), [&a, &b]));
    }

    #[test]
    fn round_trips_and_checks_outputs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.pdf"), "pdf").unwrap();
        let mut m = Manifest::default();
        let entry = Entry {
            inputs_hash: "h".into(),
            inputs: vec![],
            outputs: [(PathBuf::from("x.pdf"), hash_bytes(b"pdf"))].into(),
        };
        m.jobs.insert("x".into(), entry.clone());
        m.save(dir.path()).unwrap();
        let loaded = Manifest::load(dir.path());
        assert_eq!(loaded.jobs["x"], entry);
        assert!(Manifest::outputs_intact(&entry, dir.path()));
        std::fs::write(dir.path().join("x.pdf"), "tampered").unwrap();
        assert!(!Manifest::outputs_intact(&entry, dir.path()));
    }
}
