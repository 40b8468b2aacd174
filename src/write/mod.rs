//! Writing outputs: atomically (temporary file in the same folder, then rename), so a failed
//! or interrupted job never leaves a half-written file and never loses the previous output;
//! and the formats made from what render gathered: the build manifest, Word letters, pack
//! layout and ZIP, and edition archives.

pub mod archive;
pub mod docx;
pub mod manifest;
pub mod pack;

use std::io::Write;
use std::path::Path;

use anyhow::Context;

pub fn write_atomic(path: &Path, bytes: &[u8], private: bool) -> anyhow::Result<()> {
    let dir = path.parent().context("output path has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create `{}`", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".lmcpress-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    tmp.write_all(bytes).with_context(|| format!("failed to write `{}`", path.display()))?;
    // The flush keeps a crash of the machine from leaving an empty file where a good one was.
    // A file with nothing before it has nothing to lose, and the manifest's size and hash of
    // it catch a torn one on the next build, so a first build skips a flush per file (a
    // tenth of its time on this project's disk).
    if path.symlink_metadata().is_ok() {
        tmp.as_file().sync_data().ok();
    }
    set_mode(tmp.path(), private)?;
    tmp.persist(path).with_context(|| format!("failed to replace `{}`", path.display()))?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, private: bool) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // tempfile creates 0600; ordinary outputs are shared documents.
    let mode = if private { 0o600 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("failed to set permissions on `{}`", path.display()))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: bool) -> anyhow::Result<()> {
    Ok(())
}

/// Whether files can be written in `out` (made if missing): asked once before a build, so
/// a read-only share or a full disk is one message with what to do, not one per document.
/// The probe is a file of its own rather than tempfile's, whose errors name the made-up file
/// instead of giving the system's reason alone.
pub fn ensure_writable(out: &Path) -> Result<(), crate::diag::Problem> {
    let probe = out.join(format!(".lmcpress-probe-{}.tmp", std::process::id()));
    let made = std::fs::create_dir_all(out).and_then(|()| {
        // One left by a killed process that had this process's number would fail create_new.
        std::fs::remove_file(&probe).ok();
        std::fs::OpenOptions::new().write(true).create_new(true).open(&probe).map(drop)
    });
    std::fs::remove_file(&probe).ok();
    made.map_err(|e| {
        crate::diag::Problem::general(format!("cannot write to the output folder `{}`: {e}", out.display()))
            .hint("build somewhere you may write with --out DIR, or free space on that disk or ask for write access; nothing was built")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// /proc refuses new files even to root, so this runs the probe's failure wherever the
    /// tests run.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_that_refuses_files_is_named_with_the_systems_reason_alone() {
        let problem = ensure_writable(Path::new("/proc")).unwrap_err();
        let message = problem.render();
        assert!(message.contains("cannot write to the output folder `/proc`: "), "{message}");
        assert!(message.contains("(os error"), "{message}");
        assert!(!message.contains("probe") && !message.contains(".tmp"), "{message}");
        assert!(
            std::fs::read_dir("/proc")
                .unwrap()
                .flatten()
                .all(|e| !e.file_name().to_string_lossy().contains("probe"))
        );
    }

    #[test]
    fn a_writable_folder_is_made_and_left_without_the_probe() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/output");
        ensure_writable(&out).unwrap();
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    }

    #[test]
    fn replaces_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.txt");
        write_atomic(&path, b"one", false).unwrap();
        write_atomic(&path, b"two", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("a")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("b.txt")]);
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.pdf");
        write_atomic(&path, b"x", true).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        write_atomic(&path, b"x", false).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
    }
}
