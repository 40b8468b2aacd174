//! Versions as plain files: `.lmcpress-history/<file>/<n>.json` says who, when and what,
//! `<n>.data` holds the bytes (absent for a deletion). Numbers only grow.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::{Change, HISTORY_DIR, Version};
use crate::write::write_atomic;

pub struct FolderStore {
    root: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    when: String,
    who: String,
    what: String,
    #[serde(default)]
    deleted: bool,
}

impl FolderStore {
    pub fn new(root: &Path) -> FolderStore {
        FolderStore { root: root.to_path_buf() }
    }

    fn dir(&self, rel: &str) -> anyhow::Result<PathBuf> {
        super::inside(&self.root.join(HISTORY_DIR), rel).context("not a file of the project")
    }

    fn numbers(&self, rel: &str) -> anyhow::Result<Vec<u64>> {
        let dir = self.dir(rel)?;
        let mut numbers: Vec<u64> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str()?.strip_suffix(".json")?.parse().ok())
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", dir.display())),
        };
        numbers.sort_unstable();
        Ok(numbers)
    }

    fn add(&self, rel: &str, bytes: Option<&[u8]>, who: &str, what: &str) -> anyhow::Result<()> {
        let dir = self.dir(rel)?;
        let next = self.numbers(rel)?.last().map_or(1, |n| n + 1);
        if let Some(bytes) = bytes {
            write_atomic(&dir.join(format!("{next:06}.data")), bytes, false)?;
        }
        let meta = Meta { when: super::now(), who: who.into(), what: what.into(), deleted: bytes.is_none() };
        write_atomic(&dir.join(format!("{next:06}.json")), serde_json::to_string(&meta)?.as_bytes(), false)
    }

    pub fn record(&self, change: &Change) -> anyhow::Result<()> {
        let newest = self.numbers(change.rel)?.last().map(|n| n.to_string());
        let kept = match &newest {
            Some(id) => self.read(change.rel, id)?,
            None => None,
        };
        if change.before.is_some() && kept.as_deref() != change.before {
            self.add(change.rel, change.before, "on disk", "as it was before an edit in the browser")?;
        }
        self.add(change.rel, change.after, change.who, change.what)
    }

    pub fn versions(&self, rel: &str, limit: usize) -> anyhow::Result<Vec<Version>> {
        let dir = self.dir(rel)?;
        let mut out = Vec::new();
        for n in self.numbers(rel)?.into_iter().rev().take(limit) {
            let text = std::fs::read_to_string(dir.join(format!("{n:06}.json")))?;
            let meta: Meta = serde_json::from_str(&text)
                .with_context(|| format!("failed to read version {n} of `{rel}`"))?;
            out.push(Version {
                id: n.to_string(),
                when: meta.when,
                who: meta.who,
                what: meta.what,
                deleted: meta.deleted,
            });
        }
        Ok(out)
    }

    pub fn read(&self, rel: &str, id: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let n: u64 = id.parse().context("no such version")?;
        let dir = self.dir(rel)?;
        if !dir.join(format!("{n:06}.json")).is_file() {
            anyhow::bail!("no version {id} of `{rel}`");
        }
        match std::fs::read(dir.join(format!("{n:06}.data"))) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
