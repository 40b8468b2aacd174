//! `lmcpress init`: a new LMC's starter project, written in one go. The starter's files
//! (`starter/` in the repository) are compiled in; `@@TOKENS@@` in them take the LMC's name
//! and the edition, and the YAML files point editors at the schemas written beside them.
//! Then, unless told not to, [`git`] makes the project a repository with the starter as its
//! first commit.

mod git;
mod starter;

use std::path::{Path, PathBuf};

use crate::diag::Problem;
use crate::load::schema;

pub use git::{DEFAULT_AUTHOR, Git, git};
pub use starter::FILES;

/// The folder `init` writes the schemas to, inside the project.
pub const SCHEMA_DIR: &str = "schemas";

/// What the starter's tokens become.
pub struct Names {
    pub lmc_name: String,
    pub lmc_short: String,
    /// `2026/27`
    pub edition: String,
    /// `2026-27`
    pub year: String,
    /// `2026-12-04`
    pub today: String,
}

impl Names {
    /// The names for an LMC called `lmc_name`, starting on `today`.
    pub fn new(lmc_name: &str, today: time::Date) -> Result<Names, Problem> {
        let lmc_name = lmc_name.trim();
        if lmc_name.is_empty() || lmc_name.chars().count() > 120 || lmc_name.chars().any(char::is_control) {
            return Err(Problem::general(format!("`{lmc_name}` cannot be an LMC's name"))
                .hint("give the name on one line, up to 120 characters: --lmc-name \"Anytown LMC\""));
        }
        // A GP contract year runs from 1 April.
        let start = if today.month() >= time::Month::April { today.year() } else { today.year() - 1 };
        let next = (start + 1) % 100;
        Ok(Names {
            lmc_name: lmc_name.to_string(),
            lmc_short: short_name(lmc_name),
            edition: format!("{start}/{next:02}"),
            year: format!("{start}-{next:02}"),
            today: format!("{:04}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day()),
        })
    }

    /// `text` with every token replaced; in YAML the names go inside double quotes.
    fn fill(&self, name: &str, text: &str) -> String {
        let yaml = name.ends_with(".yaml");
        let quoted =
            |s: &str| if yaml { s.replace('\\', "\\\\").replace('"', "\\\"") } else { s.to_string() };
        // One pass, so a name that itself holds `@@TODAY@@` stays as it was typed.
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("@@") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let token = after.find("@@").map(|end| &after[..end]);
            let value = match token {
                Some("LMC_NAME") => Some(quoted(&self.lmc_name)),
                Some("LMC_SHORT") => Some(quoted(&self.lmc_short)),
                Some("EDITION") => Some(self.edition.clone()),
                Some("YEAR") => Some(self.year.clone()),
                Some("TODAY") => Some(self.today.clone()),
                _ => None,
            };
            match (token, value) {
                (Some(token), Some(value)) => {
                    out.push_str(&value);
                    rest = &after[token.len() + 2..];
                }
                _ => {
                    out.push_str("@@");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// "Anytown Local Medical Committee" → "Anytown LMC"; a name that already says LMC, or is
/// short, stays as it is.
fn short_name(name: &str) -> String {
    for long in ["Local Medical Committees", "Local Medical Committee"] {
        if let Some(start) = name.to_lowercase().find(&long.to_lowercase()) {
            // The phrase is ASCII, so its lower-case form is as long as the original.
            let mut short = name.to_string();
            short.replace_range(start..start + long.len(), "LMC");
            return short.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    name.to_string()
}

/// Writes the starter project into `dir`, which must not exist or be empty. Everything is
/// written beside it first and moved in at the end, so a failure leaves no half project.
/// Returns the files written, relative to `dir`.
pub fn init(dir: &Path, names: &Names) -> Result<Vec<PathBuf>, Problem> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| Problem::general(format!("failed to read `{}`: {e}", dir.display())))?;
        if !dir.is_dir() || entries.next().is_some() {
            return Err(Problem::general(format!("`{}` is not empty", dir.display()))
                .hint("init writes a new project only into an empty or new folder: name a new one, such as `lmcpress init my-lmc`"));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| Problem::general(format!("failed to create `{}`: {e}", parent.display())))?;
    let staging = tempfile::Builder::new()
        .prefix(".lmcpress-init-")
        .tempdir_in(&parent)
        .map_err(|e| Problem::general(format!("failed to write in `{}`: {e}", parent.display())))?;

    let mut written = Vec::new();
    let mut put = |rel: &str, text: &str| -> Result<(), Problem> {
        let path = staging.path().join(rel);
        let fail = |e: std::io::Error| Problem::general(format!("failed to write `{rel}`: {e}"));
        std::fs::create_dir_all(path.parent().unwrap_or(staging.path())).map_err(fail)?;
        std::fs::write(&path, text).map_err(fail)?;
        written.push(PathBuf::from(rel));
        Ok(())
    };
    for (name, text) in FILES {
        let mut text = names.fill(name, text);
        if let Some(to_schema) = schema_of(name) {
            text.insert_str(0, &schema::modeline(&to_schema));
        }
        put(name, &text)?;
    }
    for s in schema::all() {
        put(&format!("{SCHEMA_DIR}/{}", s.file_name), &s.file_text())?;
    }
    put(
        ".gitignore",
        "# What `lmcpress build` makes: rebuilt from content/ at any time.\noutput/\n\
         # The private links' key hashes (`lmcpress access`): never share them.\n.lmcpress-access.json\n\
         .lmcpress-access.lock\n",
    )?;

    move_into(staging, dir)?;
    Ok(written)
}

/// The schema a starter file is checked against, relative to the file.
fn schema_of(name: &str) -> Option<String> {
    if name == "content/lmc.yaml" {
        Some(format!("../{SCHEMA_DIR}/{}", schema::LMC))
    } else if name.starts_with("content/practices/") && name.ends_with(".yaml") {
        Some(format!("../../{SCHEMA_DIR}/{}", schema::PRACTICE))
    } else {
        None
    }
}

/// Moves the staged project to `dir`: by renaming the folder when `dir` does not exist,
/// otherwise entry by entry into the empty `dir`.
fn move_into(staging: tempfile::TempDir, dir: &Path) -> Result<(), Problem> {
    let fail = |e: std::io::Error| Problem::general(format!("failed to write `{}`: {e}", dir.display()));
    if !dir.exists() {
        let staged = staging.keep();
        return std::fs::rename(&staged, dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            fail(e)
        });
    }
    for entry in std::fs::read_dir(staging.path()).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        std::fs::rename(entry.path(), dir.join(entry.file_name())).map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_say_lmc() {
        assert_eq!(short_name("Anytown Local Medical Committee"), "Anytown LMC");
        assert_eq!(short_name("Barsetshire local medical committees"), "Barsetshire LMC");
        assert_eq!(short_name("Anytown LMC"), "Anytown LMC");
    }

    #[test]
    fn the_edition_is_the_contract_year_of_today() {
        let names = Names::new("Anytown LMC", time::macros::date!(2027 - 03 - 31)).unwrap();
        assert_eq!((names.edition.as_str(), names.year.as_str()), ("2026/27", "2026-27"));
        let names = Names::new("Anytown LMC", time::macros::date!(2099 - 04 - 01)).unwrap();
        assert_eq!((names.edition.as_str(), names.today.as_str()), ("2099/00", "2099-04-01"));
    }

    #[test]
    fn names_are_escaped_inside_yaml_quotes_only() {
        let names = Names::new(r#"Barset "North" \ LMC"#, time::macros::date!(2026 - 12 - 04)).unwrap();
        assert_eq!(names.fill("a.yaml", "name: \"@@LMC_NAME@@\""), r#"name: "Barset \"North\" \\ LMC""#);
        assert_eq!(names.fill("README.md", "# @@LMC_NAME@@"), r#"# Barset "North" \ LMC"#);
        assert!(Names::new("two\nlines", time::macros::date!(2026 - 12 - 04)).is_err());
        let sly = Names::new("@@TODAY@@ LMC", time::macros::date!(2026 - 12 - 04)).unwrap();
        assert_eq!(
            sly.fill("README.md", "@@LMC_NAME@@ on @@TODAY@@, @@ stays"),
            "@@TODAY@@ LMC on 2026-12-04, @@ stays"
        );
        assert!(Names::new("  ", time::macros::date!(2026 - 12 - 04)).is_err());
    }

    #[test]
    fn a_folder_with_anything_in_it_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let names = Names::new("Anytown LMC", time::macros::date!(2026 - 12 - 04)).unwrap();
        let err = init(dir.path(), &names).unwrap_err();
        assert!(err.render().contains("is not empty"), "{}", err.render());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn every_token_is_replaced_and_yaml_files_name_their_schema() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("anytown");
        let names =
            Names::new("Anytown Local Medical Committee", time::macros::date!(2026 - 12 - 04)).unwrap();
        let written = init(&dir, &names).unwrap();
        assert!(written.len() > FILES.len());
        for rel in &written {
            let text = std::fs::read_to_string(dir.join(rel)).unwrap();
            assert!(!text.contains("@@"), "{} keeps a token", rel.display());
        }
        let lmc = std::fs::read_to_string(dir.join("content/lmc.yaml")).unwrap();
        assert!(lmc.starts_with("# yaml-language-server: $schema=../schemas/lmc.schema.json\n"));
        assert!(lmc.contains("Anytown LMC"));
        assert!(dir.join("schemas/practice.schema.json").is_file());
        // Nothing staged is left beside the project.
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 1);
    }
}
