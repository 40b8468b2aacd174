//! Names the commit and the typst version in `lmcpress --version`, read from the files git
//! and cargo keep (no git program needed; "unknown" outside a repository).

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = commit(&root).unwrap_or_else(|| "unknown".into());
    let typst = typst_version(&root.join("Cargo.lock")).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=LMCPRESS_COMMIT={commit}");
    println!("cargo:rustc-env=LMCPRESS_TYPST={typst}");
    println!("cargo:rerun-if-changed=Cargo.lock");
}

/// The short hash of HEAD, following a worktree's `.git` file and packed refs.
fn commit(root: &Path) -> Option<String> {
    let dot_git = root.join(".git");
    let git_dir = if dot_git.is_file() {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        root.join(text.strip_prefix("gitdir:")?.trim())
    } else {
        dot_git
    };
    let head_path = git_dir.join("HEAD");
    println!("cargo:rerun-if-changed={}", head_path.display());
    let head = std::fs::read_to_string(&head_path).ok()?;
    let hash = match head.trim().strip_prefix("ref:") {
        None => head.trim().to_string(),
        Some(reference) => {
            let reference = reference.trim();
            // A worktree keeps its branches in the main repository's folder.
            let common = std::fs::read_to_string(git_dir.join("commondir"))
                .map(|c| git_dir.join(c.trim()))
                .unwrap_or_else(|_| git_dir.clone());
            let loose = common.join(reference);
            println!("cargo:rerun-if-changed={}", loose.display());
            match std::fs::read_to_string(&loose) {
                Ok(text) => text.trim().to_string(),
                Err(_) => {
                    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
                    packed.lines().find(|l| l.ends_with(reference))?.split(' ').next()?.to_string()
                }
            }
        }
    };
    (hash.len() >= 10 && hash.chars().all(|c| c.is_ascii_hexdigit())).then(|| hash[..10].to_string())
}

/// The version of the `typst` package in Cargo.lock.
fn typst_version(lock: &Path) -> Option<String> {
    let text = std::fs::read_to_string(lock).ok()?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"typst\"" {
            let version = lines.next()?.strip_prefix("version = \"")?.trim_end_matches('"');
            return Some(version.to_string());
        }
    }
    None
}
