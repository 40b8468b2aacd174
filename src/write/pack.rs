//! One pack per practice: `packs/<ODS>.zip` holds every other output of the practice under
//! folder names a practice manager understands, and a `README.txt` saying what each is for.
//! This module names the files in a pack, writes its README and zips it. Packs are made on
//! demand from the files a build wrote: by `serve` when a practice downloads one, by
//! `notify` to attach one, and by `build --packs` into `packs/`. A pack only repeats files
//! that are on disk already, so keeping one per practice would double the output's size.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Cursor, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::diag::Problem;
use crate::load::project::Project;
use crate::plan::{Output, Role};

/// Bumped when the layout of packs or the wording of their README changes, so every pack is
/// made again.
pub const VERSION: &str = "pack 4";

/// Where a practice's file goes in its pack: a folder by its role, under its own name.
pub fn name_in_pack(role: Role, file: &str) -> String {
    let folder = role.pack_folder();
    format!("{folder}/{file}")
}

/// The pack's README.txt for the files it holds (names in the pack).
/// `sign_offs`: each document's title and who approved it (or that it is a draft).
pub fn readme(
    project: &Project,
    practice: usize,
    names: &[String],
    sign_offs: &[(String, String)],
) -> String {
    let p = &project.practices[practice];
    let mut text = format!("Documents for {} (ODS code {})", p.name, p.ods_code);
    if let Some(lmc) = &project.lmc {
        text.push_str(&format!(", from {}, edition {}", lmc.name, lmc.edition));
    }
    text.push_str(".\r\n\r\nWhat each folder holds:\r\n");
    let mut letters_said = false;
    for &(folder, about) in crate::kinds::PACK_FOLDERS {
        if names.iter().any(|n| n.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/'))) {
            text.push_str(&format!("\r\n{folder}\r\n    {about}\r\n"));
            // When to paste the A&G wording is the content's to say, in one sentence.
            if folder == "Advice and Guidance"
                && let Some(when) = project.ag_use_when()
            {
                text.push_str(&format!("    {when}\r\n"));
            }
            // So is when to use each letter, said once under the first letters folder.
            if folder.starts_with("Letters/") && !letters_said {
                letters_said = true;
                text.push_str(&letters_use_when(project, names));
            }
        }
    }
    if names.iter().any(|n| n.starts_with("Other/")) {
        text.push_str("\r\nOther\r\n    Further documents made for your practice.\r\n");
    }
    if !sign_offs.is_empty() {
        text.push_str("\r\nWho approved each document\r\n");
        for (title, words) in sign_offs {
            text.push_str(&format!("    {title}: {words}\r\n"));
        }
    }
    text
}

/// Each letter in the pack (PDF or Word) that says when to use it, by title, with its own
/// sentence.
fn letters_use_when(project: &Project, names: &[String]) -> String {
    let in_pack = |slug: &str| {
        names
            .iter()
            .any(|n| n.starts_with("Letters/") && Path::new(n).file_stem().is_some_and(|stem| stem == slug))
    };
    let mut text = String::new();
    for (_, title, when) in project.letters_use_when().filter(|(slug, _, _)| in_pack(slug)) {
        if text.is_empty() {
            text.push_str("    When to use each letter:\r\n");
        }
        text.push_str(&format!("    - {title}: {when}\r\n"));
    }
    text
}

/// What goes in one practice's pack: its README and each member, by its name in the pack
/// and its path under the output folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recipe {
    pub readme: String,
    pub members: Vec<(String, PathBuf)>,
}

impl Recipe {
    /// The recipe of practice `practice`'s pack holding `outputs`, in any order.
    pub fn of<'a>(
        project: &Project,
        practice: usize,
        outputs: impl IntoIterator<Item = &'a Output>,
        sign_offs: &[(String, String)],
    ) -> Recipe {
        let mut members: Vec<(String, PathBuf)> = outputs
            .into_iter()
            .map(|o| {
                let file = o.rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                (name_in_pack(o.role, &file), o.rel.clone())
            })
            .collect();
        members.sort();
        let names: Vec<String> = members.iter().map(|(n, _)| n.clone()).collect();
        Recipe { readme: readme(project, practice, &names, sign_offs), members }
    }

    /// The pack's bytes, from the member files under `out`. A member that cannot be read
    /// (not built yet, or removed) fails the whole pack rather than leave a hole in it.
    pub fn make(&self, out: &Path) -> Result<Vec<u8>, Problem> {
        let (files, missing) = self.open(out);
        if let Some((_, path, e)) = missing.first() {
            return Err(Problem::error(path, format!("failed to read it for the pack: {e}")));
        }
        zip_into(Cursor::new(Vec::new()), files, &self.readme)
            .map(Cursor::into_inner)
            .map_err(|e| Problem::error(out, format!("{e:#}")))
    }

    /// The pack of the members that are built, written to `into`: one that is not (its
    /// document fails to build, or the first build is still going) is left out, and the
    /// README names it, so that one broken letter does not keep a practice from the rest.
    /// `None` when none is built. Members are copied in one at a time, so making a pack
    /// holds none of them whole in memory (serve makes them into a file).
    pub fn make_from_built<W: Write + Seek>(&self, out: &Path, into: W) -> Option<W> {
        let (files, missing) = self.open(out);
        if files.is_empty() {
            return None;
        }
        let mut readme = self.readme.clone();
        if !missing.is_empty() {
            readme.push_str("\r\nNot in this pack yet (not built; ask the LMC):\r\n");
            for (name, _, _) in missing {
                readme.push_str(&format!("    {name}\r\n"));
            }
        }
        zip_into(into, files, &readme).ok()
    }

    /// The members that could be opened, by name in the pack, and those that could not. They
    /// are all opened before any is copied, so the README's list of missing files is true of
    /// the files the pack holds even if a rebuild replaces some while it is being made.
    fn open(&self, out: &Path) -> (BTreeMap<&str, File>, Unread<'_>) {
        let mut files = BTreeMap::new();
        let mut missing = Vec::new();
        for (name, rel) in &self.members {
            let path = out.join(rel);
            match File::open(&path) {
                Ok(file) => {
                    files.insert(name.as_str(), file);
                }
                Err(e) => missing.push((name.as_str(), path, e)),
            }
        }
        (files, missing)
    }
}

/// Members that could not be read: name in the pack, path, why.
type Unread<'a> = Vec<(&'a str, PathBuf, std::io::Error)>;

/// How much of a member is read at a time while it is zipped.
pub const COPY_PIECE: usize = 256 * 1024;

/// One entry of a pack: a member file, or the README.
enum Entry<'a> {
    File(File),
    Text(&'a str),
}

/// Zips `files` and the README into `into`, each file copied straight from disk: entries
/// sorted by name, with fixed timestamps and permissions, so the same files give the same bytes.
fn zip_into<W: Write + Seek>(into: W, files: BTreeMap<&str, File>, readme: &str) -> anyhow::Result<W> {
    let mut entries: BTreeMap<&str, Entry> = files.into_iter().map(|(n, f)| (n, Entry::File(f))).collect();
    entries.insert("README.txt", Entry::Text(readme));
    let mut zip = zip::ZipWriter::new(into);
    for (name, entry) in entries {
        zip.start_file(name, options(name)).with_context(|| format!("failed to add `{name}`"))?;
        match entry {
            // In large pieces: the plain 8 KiB copy made a pack's 13 MB thousands of reads.
            Entry::File(file) => {
                std::io::copy(&mut std::io::BufReader::with_capacity(COPY_PIECE, file), &mut zip).map(drop)
            }
            Entry::Text(text) => zip.write_all(text.as_bytes()),
        }
        .with_context(|| format!("failed to add `{name}`"))?;
    }
    zip.finish().context("failed to finish the ZIP")
}

/// How an entry is stored, with a fixed time and permissions. Already-compressed files
/// (images, Word) are stored as they are; the rest (PDFs, text) are deflated at the fastest
/// level, which on one practice's pack took 5 ms where the default level took 13, for 0.6 %
/// more bytes.
fn options(name: &str) -> SimpleFileOptions {
    let compressed = [".png", ".docx", ".zip", ".jpg"].iter().any(|e| name.ends_with(e));
    let (method, level) =
        if compressed { (CompressionMethod::Stored, None) } else { (CompressionMethod::Deflated, Some(1)) };
    SimpleFileOptions::default()
        .compression_method(method)
        .compression_level(level)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_go_to_tidy_folders() {
        assert_eq!(name_in_pack(Role::PosterA4, "x.pdf"), "Posters to print/A4/x.pdf");
        assert_eq!(name_in_pack(Role::PosterA3, "x-a3.pdf"), "Posters to print/A3/x-a3.pdf");
        assert_eq!(name_in_pack(Role::PosterImage, "x.png"), "Posters for screens and websites/x.png");
        assert_eq!(name_in_pack(Role::SocialSquare, "x-square.png"), "Social media images/x-square.png");
        assert_eq!(name_in_pack(Role::LetterWord, "x.docx"), "Letters/Word, to edit/x.docx");
        assert_eq!(name_in_pack(Role::LetterPdf, "x.pdf"), "Letters/PDF, to print/x.pdf");
        assert_eq!(name_in_pack(Role::AgText, "ag.txt"), "Advice and Guidance/ag.txt");
    }

    #[test]
    fn a_pack_of_what_is_built_leaves_out_the_rest_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let recipe = Recipe {
            readme: "Documents.\r\n".into(),
            members: vec![("A/x.pdf".into(), "x.pdf".into()), ("B/y.png".into(), "y.png".into())],
        };
        let built = || recipe.make_from_built(dir.path(), Cursor::new(Vec::new())).map(Cursor::into_inner);
        assert_eq!(built(), None, "nothing built, no pack");
        std::fs::write(dir.path().join("x.pdf"), b"pdf").unwrap();
        let err = recipe.make(dir.path()).unwrap_err();
        assert!(err.file.ends_with("y.png"), "{err:?}");
        let bytes = built().unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = archive.file_names().map(String::from).collect();
        assert_eq!(names, ["A/x.pdf", "README.txt"]);
        let mut readme = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("README.txt").unwrap(), &mut readme).unwrap();
        assert!(
            readme.starts_with("Documents.") && readme.contains("not built") && readme.contains("B/y.png")
        );
        // Everything built: the same bytes as the strict pack.
        std::fs::write(dir.path().join("y.png"), b"png").unwrap();
        assert_eq!(built().unwrap(), recipe.make(dir.path()).unwrap());
    }

    #[test]
    fn zips_are_reproducible_sorted_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        // Larger than one copy's buffer, and not all one byte, so deflate has work to do.
        let long: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(dir.path().join("2.txt"), &long).unwrap();
        std::fs::write(dir.path().join("1.png"), b"one").unwrap();
        let recipe = Recipe {
            readme: "Read me.\r\n".into(),
            members: vec![("b/2.txt".into(), "2.txt".into()), ("a/1.png".into(), "1.png".into())],
        };
        let first = recipe.make(dir.path()).unwrap();
        assert_eq!(first, recipe.make(dir.path()).unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(first)).unwrap();
        let names: Vec<String> = archive.file_names().map(String::from).collect();
        assert_eq!(names, ["README.txt", "a/1.png", "b/2.txt"]);
        let read = |archive: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str| {
            let mut entry = archive.by_name(name).unwrap();
            assert_eq!(entry.last_modified(), Some(zip::DateTime::default()));
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            (entry.compression(), bytes)
        };
        assert_eq!(read(&mut archive, "a/1.png"), (CompressionMethod::Stored, b"one".to_vec()));
        assert_eq!(read(&mut archive, "b/2.txt"), (CompressionMethod::Deflated, long));
        assert_eq!(read(&mut archive, "README.txt"), (CompressionMethod::Deflated, b"Read me.\r\n".to_vec()));
    }
}
