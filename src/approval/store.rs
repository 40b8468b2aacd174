//! `approvals/files/HASH`: the exact bytes of every approved version, named by their hash.
//! While a newer draft of a file waits for approval, practices are given these bytes. Kept
//! in the project (and in git when it is a repository), so a fresh clone builds the same.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

pub const FILES: &str = "files";

fn path(root: &Path, hash: &str) -> Option<PathBuf> {
    let plain = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    plain.then(|| root.join(super::DIR).join(FILES).join(hash))
}

/// Keeps `bytes` under their hash. A version already kept is left as it is.
pub fn keep(root: &Path, bytes: &[u8]) -> anyhow::Result<String> {
    let hash = super::hash(bytes);
    let target = path(root, &hash).context("a hash is 64 hex digits")?;
    if target.is_file() {
        return Ok(hash);
    }
    let dir = target.parent().unwrap_or(root);
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create `{}`", dir.display()))?;
    // Whole or not at all: a crash leaves a temporary file, never a short version.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_data().ok();
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("failed to write `{}`", target.display()))?;
    Ok(hash)
}

/// The approved bytes with `hash`, checked against it; `None` when they are not kept (or
/// were changed on disk).
pub fn get(root: &Path, hash: &str) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path(root, hash)?).ok()?;
    (super::hash(&bytes) == hash).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_bytes_by_hash_and_refuses_altered_ones() {
        let dir = tempfile::tempdir().unwrap();
        let hash = keep(dir.path(), b"approved words").unwrap();
        assert_eq!(get(dir.path(), &hash).unwrap(), b"approved words");
        assert_eq!(keep(dir.path(), b"approved words").unwrap(), hash);
        std::fs::write(path(dir.path(), &hash).unwrap(), b"altered").unwrap();
        assert_eq!(get(dir.path(), &hash), None);
        assert_eq!(get(dir.path(), "../../etc/passwd"), None);
    }
}
