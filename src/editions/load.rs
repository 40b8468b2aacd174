//! Reading an edition from disk: the current one in `content/`, or an archived one in
//! `editions/<slug>/` (the same layout). Archives are read leniently: an old edition written
//! for an older lmcpress must still compare, so unknown keys are ignored and a section whose
//! front matter cannot be read keeps its file name as its title.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::approval::view::View;

/// The folders an edition is made of, besides `lmc.yaml`.
pub const FOLDERS: [&str; 3] = ["guide", "posters", "letters"];

/// One guide section as a comparison sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The file name without `.md`.
    pub slug: String,
    pub title: String,
    pub order: i64,
    pub status: String,
    pub reviewed: Option<String>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    /// What the section says changed for practices in this edition, if it says.
    pub change_note: Option<String>,
    pub body: String,
}

/// A poster or letter: compared as a whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedDoc {
    pub slug: String,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Edition {
    /// `edition:` from the edition's `lmc.yaml`, as written.
    pub name: Option<String>,
    pub sections: Vec<Section>,
    pub posters: Vec<ArchivedDoc>,
    pub letters: Vec<ArchivedDoc>,
}

#[derive(Deserialize, Default)]
struct Front {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    order: Option<i64>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    reviewed: Option<String>,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_until: Option<String>,
    #[serde(default)]
    change_note: Option<String>,
}

#[derive(Deserialize)]
struct LmcEdition {
    #[serde(default)]
    edition: Option<String>,
}

/// The edition named in `lmc.yaml` in `dir`, read leniently (the project's own load
/// reports any problem with the file).
fn edition_in(dir: &Path) -> Option<String> {
    crate::load::text::read(&dir.join("lmc.yaml"))
        .ok()
        .and_then(|t| serde_saphyr::from_str::<LmcEdition>(&t).ok())
        .and_then(|l| l.edition)
}

/// The current edition's name as the project at `root` gives it.
pub fn current_name(root: &Path) -> Option<String> {
    edition_in(&root.join("content"))
}

impl Edition {
    /// Reads the edition in `dir` (`content/` or an archive folder), each file that needs
    /// approval as `view` says. Missing parts are empty.
    pub fn load(dir: &Path, view: &View) -> Edition {
        let read = |p: &Path| {
            view.text(p).map(crate::load::text::normalise).or_else(|| crate::load::text::read(p).ok())
        };
        let name = edition_in(dir);
        let mut sections: Vec<Section> = markdown_files(&dir.join("guide"))
            .iter()
            .filter_map(|p| {
                let (slug, front, body) = split(p, &read(p)?)?;
                Some(Section {
                    title: front.title.unwrap_or_else(|| slug.clone()),
                    slug,
                    order: front.order.unwrap_or(0),
                    status: front.status.unwrap_or_default(),
                    reviewed: front.reviewed,
                    valid_from: front.valid_from,
                    valid_until: front.valid_until,
                    change_note: front.change_note,
                    body,
                })
            })
            .collect();
        sections.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));
        let docs = |sub: &str| -> Vec<ArchivedDoc> {
            markdown_files(&dir.join(sub))
                .iter()
                .filter_map(|p| {
                    let text = read(p)?;
                    let (slug, front, _) = split(p, &text)?;
                    Some(ArchivedDoc { title: front.title.unwrap_or_else(|| slug.clone()), slug, text })
                })
                .collect()
        };
        Edition { name, sections, posters: docs("posters"), letters: docs("letters") }
    }
}

/// `*.md` files directly in `dir`, in name order (hidden files left out).
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
                .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn split(path: &Path, text: &str) -> Option<(String, Front, String)> {
    let slug = path.file_stem()?.to_string_lossy().into_owned();
    let (front, body) = split_front_matter(text);
    let front = front.and_then(|f| serde_saphyr::from_str::<Front>(f).ok()).unwrap_or_default();
    Some((slug, front, body.to_string()))
}

/// The YAML between the opening and closing `---` lines, and the body after them. Without
/// front matter the whole text is the body.
pub fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return (None, text);
    };
    let mut pos = 0;
    while pos < rest.len() {
        let end = rest[pos..].find('\n').map_or(rest.len(), |i| pos + i);
        if rest[pos..end].trim_end() == "---" {
            return (Some(&rest[..pos]), &rest[(end + 1).min(rest.len())..]);
        }
        pos = end + 1;
    }
    (None, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_body() {
        assert_eq!(split_front_matter("---\ntitle: T\n---\nBody\n"), (Some("title: T\n"), "Body\n"));
        assert_eq!(split_front_matter("---\ntitle: T\n---"), (Some("title: T\n"), ""));
        assert_eq!(split_front_matter("no front matter"), (None, "no front matter"));
        assert_eq!(split_front_matter("---\nunclosed"), (None, "---\nunclosed"));
    }

    #[test]
    fn loads_an_edition_leniently() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("guide")).unwrap();
        std::fs::create_dir_all(d.join("posters")).unwrap();
        std::fs::write(d.join("lmc.yaml"), "# c\nedition: \"2025/26\"\nname: X\n").unwrap();
        std::fs::write(
            d.join("guide/b.md"),
            "---\nkind: guide-section\ntitle: Bee\norder: 20\nstatus: ended\nreviewed: 2025-04-01\nnew_key: 1\n---\nText\n",
        )
        .unwrap();
        std::fs::write(d.join("guide/a.md"), "---\norder: [broken\n---\nA body\n").unwrap();
        std::fs::write(d.join("posters/p.md"), "---\ntitle: P\n---\nHi\n").unwrap();
        let e = Edition::load(d, &View::none());
        assert_eq!(e.name.as_deref(), Some("2025/26"));
        assert_eq!(e.sections.len(), 2);
        assert_eq!((e.sections[0].slug.as_str(), e.sections[0].title.as_str()), ("a", "a"));
        let b = &e.sections[1];
        assert_eq!(
            (b.title.as_str(), b.status.as_str(), b.reviewed.as_deref()),
            ("Bee", "ended", Some("2025-04-01"))
        );
        assert_eq!(b.body, "Text\n");
        assert_eq!(e.posters[0].title, "P");
        assert!(e.letters.is_empty());
    }
}
