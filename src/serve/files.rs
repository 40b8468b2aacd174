//! What the output folder holds for a practice, reached only through paths that cannot leave
//! it, and the practice's pack as a ZIP.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::load::project::practice_files;

/// `rel` (already percent-decoded once by the router) as a path inside `base`, or `None` if
/// it could name anything else: parent or current-folder segments, absolute paths,
/// backslashes, a second layer of percent-encoding, hidden files, or a symlink out.
pub fn confined(base: &Path, rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel.contains(['\\', '%', '\0', ':']) || rel.starts_with('/') {
        return None;
    }
    let segments: Vec<&str> = rel.split('/').collect();
    if segments.iter().any(|s| s.is_empty() || s.starts_with('.')) {
        return None;
    }
    let path = base.join(rel);
    let real = path.canonicalize().ok()?;
    let base = base.canonicalize().ok()?;
    (real.starts_with(&base) && real.is_file()).then_some(real)
}

/// A practice ODS code is a capital letter and five digits; anything else is refused before
/// it is joined to a path.
pub fn is_ods(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6 && b[0].is_ascii_alphabetic() && b[1..].iter().all(u8::is_ascii_digit)
}

#[derive(Debug, Clone, Serialize)]
pub struct PracticeEntry {
    pub ods: String,
    pub name: String,
    /// The profile file, for the form.
    #[serde(skip)]
    pub path: PathBuf,
}

/// Every profile in `content/practices` whose ODS code can be read, even if the rest of it
/// is invalid, so a broken profile can still be opened and mended.
pub fn practices(root: &Path) -> Vec<PracticeEntry> {
    let mut out: Vec<PracticeEntry> = practice_files(&root.join("content/practices"))
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let map = super::yaml_edit::values(&text).ok()?;
            let ods = map.get("ods_code").and_then(Value::as_str).filter(|o| is_ods(o))?.to_string();
            let name = map.get("name").and_then(Value::as_str).unwrap_or(&ods).to_string();
            Some(PracticeEntry { ods, name, path })
        })
        .collect();
    out.sort_by(|a, b| a.ods.cmp(&b.ods));
    out.dedup_by(|a, b| a.ods == b.ods);
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct Download {
    pub rel: String,
    pub label: String,
    /// A version tag for the URL, so a rebuilt file is fetched again.
    pub v: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub slug: String,
    pub title: String,
    /// Previews as PNG (posters, social images).
    pub images: Vec<Download>,
    /// A PDF to embed when there is no image (letters).
    pub pdf: Option<Download>,
    pub downloads: Vec<Download>,
}

fn version(path: &Path) -> String {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(String::new, |d| format!("{:x}", d.as_millis()))
}

fn title_of(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn label_of(name: &str) -> String {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let what = if stem.ends_with("-a3") {
        "A3 "
    } else if stem.ends_with("-square") {
        "square "
    } else if stem.ends_with("-portrait") {
        "portrait "
    } else {
        ""
    };
    let ext = if ext == "DOCX" { "Word".to_string() } else { ext };
    format!("{what}{ext}")
}

/// The stem a file belongs to: `x-a3.pdf`, `x.png` and `x-square.png` all belong to `x`.
fn base_slug(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    ["-a3", "-square", "-portrait"]
        .iter()
        .find_map(|suffix| stem.strip_suffix(suffix))
        .unwrap_or(stem)
        .to_string()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Posters with their social images (grouped by poster), and letters, for one practice.
pub fn items(practice_dir: &Path) -> (Vec<Item>, Vec<Item>) {
    let mut posters: Vec<Item> = Vec::new();
    for sub in ["posters", "social"] {
        for name in files_in(&practice_dir.join(sub)) {
            let slug = base_slug(&name);
            let rel = format!("{sub}/{name}");
            let d = Download { label: label_of(&name), v: version(&practice_dir.join(&rel)), rel };
            let item = match posters.iter_mut().position(|p| p.slug == slug) {
                Some(i) => &mut posters[i],
                None => {
                    let title = title_of(&slug);
                    posters.push(Item { slug, title, images: vec![], pdf: None, downloads: vec![] });
                    posters.last_mut().expect("just pushed")
                }
            };
            if name.ends_with(".png") {
                item.images.push(d.clone());
            }
            item.downloads.push(d);
        }
    }
    let mut letters: Vec<Item> = Vec::new();
    for name in files_in(&practice_dir.join("letters")) {
        let slug = base_slug(&name);
        let rel = format!("letters/{name}");
        let d = Download { label: label_of(&name), v: version(&practice_dir.join(&rel)), rel };
        let i = match letters.iter().position(|l| l.slug == slug) {
            Some(i) => i,
            None => {
                let title = title_of(&slug);
                letters.push(Item { slug, title, images: vec![], pdf: None, downloads: vec![] });
                letters.len() - 1
            }
        };
        if name.ends_with(".pdf") {
            letters[i].pdf = Some(d.clone());
        }
        if name.ends_with(".png") {
            letters[i].images.push(d.clone());
        }
        letters[i].downloads.push(d);
    }
    (posters, letters)
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("zip") => "application/zip",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// A ZIP of every file under `dir`, under a folder named `top`. Files are stored, not
/// deflated: PDFs, PNGs and Word files are compressed already.
pub fn zip_folder(dir: &Path, top: &str) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    paths.sort();
    for path in paths {
        let Ok(rel) = path.strip_prefix(dir) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.split('/').any(|s| s.starts_with('.')) {
            continue;
        }
        zip.start_file(format!("{top}/{rel}"), options)?;
        zip.write_all(&std::fs::read(&path)?)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confined_refuses_every_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("out/practices/Z90001");
        std::fs::create_dir_all(base.join("posters")).unwrap();
        std::fs::write(base.join("posters/a.png"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        std::fs::write(base.join(".hidden"), "h").unwrap();
        assert!(confined(&base, "posters/a.png").is_some());
        for bad in [
            "../../../secret.txt",
            "posters/../../../../secret.txt",
            "..%2f..%2fsecret.txt",
            "%2e%2e/secret.txt",
            "..\\..\\secret.txt",
            "posters\\a.png",
            "/etc/passwd",
            "./posters/a.png",
            "posters//a.png",
            ".hidden",
            "posters",
            "",
            "C:/x",
        ] {
            assert!(confined(&base, bad).is_none(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), base.join("posters/link.png")).unwrap();
            assert!(confined(&base, "posters/link.png").is_none());
        }
    }

    #[test]
    fn files_group_by_poster() {
        let dir = tempfile::tempdir().unwrap();
        for f in
            ["posters/a.pdf", "posters/a.png", "posters/a-a3.pdf", "social/a-square.png", "letters/l.pdf"]
        {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let (posters, letters) = items(dir.path());
        assert_eq!(posters.len(), 1);
        assert_eq!(posters[0].images.len(), 2);
        assert_eq!(posters[0].downloads.len(), 4);
        assert_eq!(letters[0].pdf.as_ref().unwrap().rel, "letters/l.pdf");
        let labels: Vec<_> = posters[0].downloads.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(labels, ["A3 PDF", "PDF", "PNG", "square PNG"]);
    }

    #[test]
    fn ods_codes_only() {
        assert!(is_ods("Z90001"));
        for bad in ["..", "Z9000", "Z900011", "../etc", "Z9000/"] {
            assert!(!is_ods(bad), "{bad}");
        }
    }
}
