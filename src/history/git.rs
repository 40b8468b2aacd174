//! Versions as commits in the project's own git repository, made with libgit2 (no `git`
//! program needed). Each commit changes only the edited file, on top of HEAD: whatever else
//! is staged or changed in the work tree is left as it was.

use std::path::{Path, PathBuf};

use anyhow::Context;
use git2::{Commit, FileMode, Oid, Repository, Signature, Sort};

use super::{Change, Version};

pub struct GitStore {
    workdir: PathBuf,
    /// The project root inside the work tree ("" when it is the work tree).
    prefix: PathBuf,
}

/// Commits made for the version found on disk before an edit carry this author.
const ON_DISK: &str = "on disk";
const EMAIL: &str = "lmcpress@localhost";
/// How many commits to walk back through when listing a file's versions.
const WALK_LIMIT: usize = 5_000;

impl GitStore {
    pub fn open(root: &Path) -> Option<GitStore> {
        let repo = Repository::discover(root).ok()?;
        let workdir = repo.workdir()?.canonicalize().ok()?;
        let root = root.canonicalize().ok()?;
        let prefix = root.strip_prefix(&workdir).ok()?.to_path_buf();
        Some(GitStore { workdir, prefix })
    }

    fn repo(&self) -> anyhow::Result<Repository> {
        Repository::open(&self.workdir)
            .with_context(|| format!("failed to open the git repository at `{}`", self.workdir.display()))
    }

    /// `rel` as a path in the repository.
    fn path(&self, rel: &str) -> anyhow::Result<String> {
        super::inside(&self.prefix, rel).context("not a file of the project")?;
        let joined = self.prefix.join(rel);
        Ok(joined.to_string_lossy().replace('\\', "/"))
    }

    pub fn record(&self, change: &Change) -> anyhow::Result<()> {
        let repo = self.repo()?;
        let path = self.path(change.rel)?;
        let head = head_commit(&repo);
        let in_head = head.as_ref().and_then(|c| blob_at(&repo, c, &path));
        if change.before.is_some() && in_head.as_deref() != change.before {
            let message = format!("{}: as it was on disk before an edit in the browser", change.rel);
            commit(&repo, &path, change.before, ON_DISK, &message)?;
        }
        let message = format!("{}: {} ({})", change.rel, change.what, change.who);
        commit(&repo, &path, change.after, change.who, &message)?;
        // Keep the index in step for this one file, so `git status` shows no change undone.
        let mut index = repo.index()?;
        if self.workdir.join(&path).is_file() {
            index.add_path(Path::new(&path))?;
        } else {
            index.remove_path(Path::new(&path)).ok();
        }
        index.write()?;
        Ok(())
    }

    pub fn versions(&self, rel: &str, limit: usize) -> anyhow::Result<Vec<Version>> {
        let repo = self.repo()?;
        let path = self.path(rel)?;
        let mut walk = repo.revwalk()?;
        if walk.push_head().is_err() {
            return Ok(Vec::new());
        }
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
        let mut out = Vec::new();
        for oid in walk.take(WALK_LIMIT) {
            let commit = repo.find_commit(oid?)?;
            let here = entry_id(&commit, &path);
            let before = commit.parent(0).ok().and_then(|p| entry_id(&p, &path));
            if here == before {
                continue;
            }
            out.push(Version {
                id: commit.id().to_string(),
                when: when(&commit),
                who: commit.author().name().unwrap_or("unknown").to_string(),
                what: commit.summary().unwrap_or("").to_string(),
                deleted: here.is_none(),
            });
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    pub fn read(&self, rel: &str, id: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let repo = self.repo()?;
        let path = self.path(rel)?;
        let oid = Oid::from_str(id).context("no such version")?;
        let commit = repo.find_commit(oid).context("no such version")?;
        Ok(blob_at(&repo, &commit, &path))
    }
}

fn head_commit(repo: &Repository) -> Option<Commit<'_>> {
    repo.head().ok()?.peel_to_commit().ok()
}

fn entry_id(commit: &Commit, path: &str) -> Option<Oid> {
    commit.tree().ok()?.get_path(Path::new(path)).ok().map(|e| e.id())
}

fn blob_at(repo: &Repository, commit: &Commit, path: &str) -> Option<Vec<u8>> {
    let id = entry_id(commit, path)?;
    Some(repo.find_blob(id).ok()?.content().to_vec())
}

fn when(commit: &Commit) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(commit.time().seconds())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Commits HEAD's tree with `path` set to `content` (or removed). Nothing when that changes
/// nothing.
fn commit(
    repo: &Repository,
    path: &str,
    content: Option<&[u8]>,
    who: &str,
    message: &str,
) -> anyhow::Result<()> {
    let parent = head_commit(repo);
    let base = match &parent {
        Some(c) => c.tree()?,
        None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
    };
    let mut update = git2::build::TreeUpdateBuilder::new();
    match content {
        Some(bytes) => {
            let blob = repo.blob(bytes)?;
            update.upsert(path, blob, FileMode::Blob);
        }
        None => {
            update.remove(path);
        }
    }
    let tree_id = update.create_updated(repo, &base)?;
    if parent.is_some() && tree_id == base.id() {
        return Ok(());
    }
    let tree = repo.find_tree(tree_id)?;
    let author = Signature::now(who, EMAIL)?;
    let committer = Signature::now("lmcpress", EMAIL)?;
    let parents: Vec<&Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &author, &committer, message, &tree, &parents)
        .with_context(|| format!("failed to commit `{path}`"))?;
    Ok(())
}
