//! `edition new`: archive the current edition, then name the next one in `content/lmc.yaml`
//! by editing only the lines that hold the name, so the file's comments and layout stay.

use std::ops::Range;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use anyhow::Context;

use super::write_atomic;
use crate::diag::Problem;
use crate::editions::{EDITIONS_DIR, EditionName, FOLDERS};

#[derive(Debug)]
pub struct ArchiveOutcome {
    pub archived: EditionName,
    /// Where the archive was written.
    pub dir: PathBuf,
    pub new: EditionName,
    /// The guide's `slug:` before and after, when it named the edition.
    pub guide_slug: Option<(String, String)>,
}

/// Archives the edition named in `root/content/lmc.yaml` into `root/editions/<slug>/` and
/// names `next` as the current edition. Refuses names it cannot read, an edition that does
/// not come after the current one, and an archive that exists already.
pub fn new_edition(root: &Path, next: &str) -> Result<ArchiveOutcome, Problem> {
    let new = EditionName::read(next)?;
    let content = root.join("content");
    let lmc_path = content.join("lmc.yaml");
    let shown = crate::diag::display_path(root, &lmc_path);
    let text = std::fs::read_to_string(&lmc_path)
        .map_err(|e| Problem::error(&shown, format!("failed to read the LMC's details: {e}")))?;
    let Some((_, span)) = top_level_value(&text, "edition") else {
        return Err(Problem::error(&shown, "failed to find `edition:`")
            .hint("add a line such as `edition: \"2025/26\"`"));
    };
    let current = EditionName::read(&text[span.clone()]).map_err(|p| {
        Problem { file: shown.clone(), message: format!("the current edition: {}", p.message), ..p }
            .at(&Arc::from(text.as_str()), span.clone())
    })?;
    if new <= current {
        return Err(Problem::general(format!(
            "the new edition ({new}) must come after the current one ({current})"
        ))
        .hint(format!("to start the next edition, run `lmcpress edition new {}`", current.next())));
    }
    let editions = root.join(EDITIONS_DIR);
    let dir = editions.join(current.slug());
    if dir.exists() {
        return Err(Problem::general(format!(
            "`{}` already exists: the {current} edition has been archived before, and lmcpress never \
             overwrites an archive",
            dir.display()
        ))
        .hint(
            "if content/ really holds a new edition, set its `edition:` in content/lmc.yaml; or move the \
             old archive away first",
        ));
    }
    copy_edition(&content, &editions, &dir)?;

    let mut edited = text.clone();
    let mut guide_slug = None;
    if let Some(slug_span) = guide_slug_span(&text)
        && text[slug_span.clone()].contains(&current.slug())
    {
        let old = text[slug_span.clone()].to_string();
        let updated = old.replace(&current.slug(), &new.slug());
        edited.replace_range(slug_span, &updated);
        guide_slug = Some((old, updated));
    }
    // Found again: the slug edit may have moved it.
    if let Some((_, span)) = top_level_value(&edited, "edition") {
        edited.replace_range(span, &new.to_string());
    }
    write_atomic(&lmc_path, edited.as_bytes(), false)?;
    Ok(ArchiveOutcome { archived: current, dir, new, guide_slug })
}

/// Copies `lmc.yaml` and the edition's folders into a temporary folder beside `dir`, then
/// renames it into place: an interrupted copy never leaves a half archive under a real name.
fn copy_edition(content: &Path, editions: &Path, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(editions)
        .with_context(|| format!("failed to create `{}`", editions.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".lmcpress-archive-")
        .tempdir_in(editions)
        .with_context(|| format!("failed to create a temporary folder in `{}`", editions.display()))?;
    let copy = |from: &Path, to: &Path| -> anyhow::Result<()> {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        std::fs::copy(from, to).with_context(|| format!("failed to copy `{}`", from.display()))?;
        Ok(())
    };
    copy(&content.join("lmc.yaml"), &tmp.path().join("lmc.yaml"))?;
    for sub in FOLDERS {
        let from = content.join(sub);
        if !from.is_dir() {
            continue;
        }
        // Links are not followed: an archive holds the project's own files only.
        for entry in walkdir::WalkDir::new(&from).follow_links(false) {
            let entry = entry.with_context(|| format!("failed to read `{}`", from.display()))?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(content).unwrap_or(entry.path());
                copy(entry.path(), &tmp.path().join(rel))?;
            }
        }
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, dir).with_context(|| {
        std::fs::remove_dir_all(&kept).ok();
        format!("failed to move the archive into `{}`", dir.display())
    })
}

/// The 1-based line and byte span of the value of a top-level `key:` (inside its quotes,
/// before any comment).
fn top_level_value(text: &str, key: &str) -> Option<(usize, Range<usize>)> {
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let start = offset + key.len() + 1;
            return Some((n + 1, value_span(rest, start)));
        }
        offset += line.len();
    }
    None
}

/// The span of `slug:`'s value inside the top-level `guide:` mapping.
fn guide_slug_span(text: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    let mut in_guide = false;
    for line in text.split_inclusive('\n') {
        let indented = line.starts_with([' ', '\t']);
        if !indented && !line.trim().is_empty() && !line.starts_with('#') {
            // `guide:` may carry a comment after it, as a starter project's does.
            in_guide = line.trim_end().strip_prefix("guide:").is_some_and(|r| {
                let r = r.trim();
                r.is_empty() || r.starts_with('#')
            });
        } else if in_guide {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix("slug:") {
                let start = offset + (line.len() - trimmed.len()) + "slug:".len();
                return Some(value_span(rest, start));
            }
        }
        offset += line.len();
    }
    None
}

/// `rest` is what follows `key:` on its line, starting at byte `start` of the file.
fn value_span(rest: &str, start: usize) -> Range<usize> {
    let line = rest.trim_end_matches(['\n', '\r']);
    let lead = line.len() - line.trim_start().len();
    let value = &line[lead..];
    let begin = start + lead;
    if let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'')
        && let Some(close) = value[1..].find(q)
    {
        return begin + 1..begin + 1 + close;
    }
    let end = value.find(" #").unwrap_or(value.len());
    begin..begin + value[..end].trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LMC: &str = "# The LMC.\n# edition: not this one\nname: X\nedition: \"2025/26\"  # the contract year\nguide:\n  title: T\n  # slug: keep\n  slug: guide-2025-26\n  published: 2025-04-01\nslug_elsewhere: 2025-26\n";

    #[test]
    fn finds_values_inside_quotes_and_before_comments() {
        let (line, span) = top_level_value(LMC, "edition").unwrap();
        assert_eq!((line, &LMC[span]), (4, "2025/26"));
        assert_eq!(&LMC[guide_slug_span(LMC).unwrap()], "guide-2025-26");
        let plain = "edition: 2025/26 # c\n";
        assert_eq!(&plain[top_level_value(plain, "edition").unwrap().1], "2025/26");
    }

    fn project(lmc: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("content");
        for sub in ["guide/img", "posters", "letters", "practices"] {
            std::fs::create_dir_all(c.join(sub)).unwrap();
        }
        std::fs::write(c.join("lmc.yaml"), lmc).unwrap();
        std::fs::write(c.join("guide/a.md"), "---\ntitle: A\n---\nBody").unwrap();
        std::fs::write(c.join("guide/img/x.png"), "png").unwrap();
        std::fs::write(c.join("posters/p.md"), "---\ntitle: P\n---\nHi").unwrap();
        std::fs::write(c.join("practices/z.yaml"), "ods_code: Z").unwrap();
        dir
    }

    #[test]
    fn archives_then_edits_only_the_name_lines() {
        let dir = project(LMC);
        let root = dir.path();
        let out = new_edition(root, "2026/27").unwrap();
        assert_eq!(out.archived.to_string(), "2025/26");
        let archive = root.join("editions/2025-26");
        assert_eq!(std::fs::read_to_string(archive.join("lmc.yaml")).unwrap(), LMC);
        assert!(archive.join("guide/a.md").is_file() && archive.join("guide/img/x.png").is_file());
        assert!(archive.join("posters/p.md").is_file() && !archive.join("practices").exists());
        let edited = std::fs::read_to_string(root.join("content/lmc.yaml")).unwrap();
        let expected = LMC
            .replace("edition: \"2025/26\"", "edition: \"2026/27\"")
            .replace("  slug: guide-2025-26", "  slug: guide-2026-27");
        assert_eq!(edited, expected);
        assert_eq!(out.guide_slug, Some(("guide-2025-26".into(), "guide-2026-27".into())));
        // No leftovers from the copy.
        let names: Vec<_> =
            std::fs::read_dir(root.join("editions")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["2025-26"]);
    }

    #[test]
    fn refuses_to_overwrite_and_to_guess() {
        let dir = project(LMC);
        let root = dir.path();
        std::fs::create_dir_all(root.join("editions/2025-26")).unwrap();
        let err = new_edition(root, "2026/27").unwrap_err().to_string();
        assert!(err.contains("already exists") && err.contains("never overwrites"), "{err}");
        assert_eq!(std::fs::read_to_string(root.join("content/lmc.yaml")).unwrap(), LMC);
        let err = new_edition(root, "next year").unwrap_err().to_string();
        assert!(err.contains("`next year` is not an edition name"), "{err}");
        let err = new_edition(root, "2024/25").unwrap_err().to_string();
        assert!(err.contains("must come after the current one (2025/26)"), "{err}");
        let bad = project("edition: soon\n");
        let err = new_edition(bad.path(), "2026/27").unwrap_err().to_string();
        assert!(err.contains("the current edition: `soon` is not an edition name"), "{err}");
        assert!(err.contains("content/lmc.yaml:1:10"), "{err}");
    }

    #[test]
    fn the_slug_is_found_under_a_guide_line_with_a_comment() {
        let text = "edition: \"2026/27\"\nguide:  # the title page\n  title: T\n  slug: lmc-guide-2026-27  # file name\n";
        let span = guide_slug_span(text).unwrap();
        assert_eq!(&text[span], "lmc-guide-2026-27");
    }
}
