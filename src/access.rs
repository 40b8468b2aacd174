//! Private links: each key opens one practice's pages, or the LMC's (for a named person of
//! the LMC, with what their roles allow; for the old unnamed LMC link, as an editor who
//! cannot approve). Only a hash of each key is kept, in `.lmcpress-access.json` at the project
//! root (owner-only), so a copy of that file opens nothing. Below `serve` and `notify`, which
//! both use it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::write::write_atomic;

pub const ACCESS_FILE: &str = ".lmcpress-access.json";
/// Held while the access list is read, changed and written, so that grants made at the same
/// moment (two terminals, or `notify` while an officer grants) are all kept.
pub const LOCK_FILE: &str = ".lmcpress-access.lock";

/// What a key opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// The unnamed LMC editor link: every practice and the guide; it may edit and submit,
    /// never approve.
    Lmc,
    /// One of the LMC's people, by the name `lmc.yaml` gives them: the LMC's pages, and what
    /// their roles allow.
    Person(String),
    /// One practice, by ODS code.
    Practice(String),
}

impl Access {
    pub fn opens(&self, ods: &str) -> bool {
        match self {
            Access::Lmc | Access::Person(_) => true,
            Access::Practice(own) => own.eq_ignore_ascii_case(ods),
        }
    }

    /// Whether this is one of the LMC's links (unnamed or a person's), not a practice's.
    pub fn is_lmc(&self) -> bool {
        matches!(self, Access::Lmc | Access::Person(_))
    }

    /// The person's name, for a named link.
    pub fn person(&self) -> Option<&str> {
        match self {
            Access::Person(name) => Some(name),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Access::Lmc => "the LMC editor".into(),
            Access::Person(name) => name.clone(),
            Access::Practice(ods) => format!("practice {ods}"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub scope: Access,
    /// BLAKE3 of the key, hex. Keys are 256 random bits, so a fast hash is enough: there is
    /// nothing to guess that a slow password hash would protect.
    pub hash: String,
    /// What the link was made for ("notify e-mail"), shown by `access list`; never the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// When the link was made (RFC 3339, UTC); links made before this was kept have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct AccessList {
    pub grants: Vec<Grant>,
}

pub fn access_file(root: &Path) -> PathBuf {
    root.join(ACCESS_FILE)
}

impl AccessList {
    /// The grants of the project at `root`; none when the file does not exist yet.
    pub fn load(root: &Path) -> anyhow::Result<AccessList> {
        let path = access_file(root);
        match std::fs::read_to_string(&path) {
            Ok(text) => AccessList::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AccessList::default()),
            Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
        }
    }

    /// The access list in `text`, read from `path` (named in the error).
    pub fn parse(text: &str, path: &Path) -> anyhow::Result<AccessList> {
        serde_json::from_str(text)
            .with_context(|| format!("failed to read the access list `{}`", path.display()))
    }

    pub fn save(&self, root: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        write_atomic(&access_file(root), text.as_bytes(), true)
    }

    /// Reads the access list, lets `change` change it, and writes it back atomically, all
    /// under an exclusive lock on [`LOCK_FILE`]: without it two grants at once would each
    /// write the list as they read it, and one link would be lost. The lock ends with the
    /// process if it dies, so a crash leaves nothing to clear up.
    pub fn update<T>(
        root: &Path,
        change: impl FnOnce(&mut AccessList) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let lock_path = root.join(LOCK_FILE);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("failed to open the lock file `{}`", lock_path.display()))?;
        lock.lock().with_context(|| format!("failed to lock `{}`", lock_path.display()))?;
        let mut list = AccessList::load(root)?;
        let out = change(&mut list)?;
        list.save(root)?;
        Ok(out)
    }

    /// Adds a grant for `scope` and returns its key, which is shown once and never stored.
    pub fn grant(&mut self, scope: Access) -> anyhow::Result<String> {
        self.grant_labelled(scope, None)
    }

    /// As [`AccessList::grant`], saying what the link is for.
    pub fn grant_labelled(&mut self, scope: Access, label: Option<&str>) -> anyhow::Result<String> {
        let key = new_key()?;
        let granted = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok());
        self.grants.push(Grant { scope, hash: hash_key(&key), label: label.map(str::to_string), granted });
        Ok(key)
    }

    /// Removes every grant for `scope`; returns how many there were.
    pub fn revoke(&mut self, scope: &Access) -> usize {
        let before = self.grants.len();
        self.grants.retain(|g| &g.scope != scope);
        before - self.grants.len()
    }

    /// What `key` opens, if it is a current key.
    pub fn check(&self, key: &str) -> Option<&Access> {
        self.check_grant(key).map(|g| &g.scope)
    }

    /// The grant of `key`, if it is a current key.
    pub fn check_grant(&self, key: &str) -> Option<&Grant> {
        let hash = hash_key(key);
        self.grants.iter().find(|g| constant_time_eq(g.hash.as_bytes(), hash.as_bytes()))
    }
}

fn new_key() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("failed to get random bytes: {e}"))?;
    Ok(hex(&bytes))
}

pub fn random_secret() -> anyhow::Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("failed to get random bytes: {e}"))?;
    Ok(bytes)
}

pub fn hash_key(key: &str) -> String {
    blake3::hash(key.trim().as_bytes()).to_hex().to_string()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without stopping at the first difference, so timing tells nothing about a hash.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_open_their_scope_and_stop_when_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let mut list = AccessList::load(dir.path()).unwrap();
        let a = list.grant(Access::Practice("Z90001".into())).unwrap();
        let lmc = list.grant(Access::Lmc).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, lmc);
        list.save(dir.path()).unwrap();
        let text = std::fs::read_to_string(access_file(dir.path())).unwrap();
        assert!(!text.contains(&a) && !text.contains(&lmc), "keys themselves are never stored");
        let list = AccessList::load(dir.path()).unwrap();
        assert_eq!(list.check(&a), Some(&Access::Practice("Z90001".into())));
        assert!(list.check(&a).unwrap().opens("z90001"));
        assert!(!list.check(&a).unwrap().opens("Z90002"));
        assert!(list.check(&lmc).unwrap().opens("Z90002"));
        assert_eq!(list.check("0000"), None);
        let mut list = list;
        assert_eq!(list.revoke(&Access::Practice("Z90001".into())), 1);
        assert_eq!(list.check(&a), None);
        assert!(list.check(&lmc).is_some());
    }

    #[cfg(unix)]
    #[test]
    fn access_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut list = AccessList::default();
        list.grant(Access::Lmc).unwrap();
        list.save(dir.path()).unwrap();
        let mode = std::fs::metadata(access_file(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
