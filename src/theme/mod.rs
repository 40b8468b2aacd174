//! The built-in theme: the document templates and house partials every project starts from,
//! compiled into the binary (the fonts are in `typeset::fonts`). A project's `templates/`
//! folder overrides any of these files by name, and only those it holds; `lmcpress theme
//! eject` copies one out to be edited.

mod behind;

use std::sync::LazyLock;

pub use behind::{EJECT_MARK, Gap, eject_header, gaps};

/// Where a project keeps the templates that override the theme's.
pub const PROJECT_DIR: &str = "templates";

/// Every file of the theme: its name (as templates include it) and its text.
pub const FILES: [(&str, &str); 14] = embedded_files!(
    "../../theme/",
    [
        "ag-disclaimer.txt.tera",
        "guide.html.tera",
        "guide.typ.tera",
        "letter.typ.tera",
        "notify.html.tera",
        "notify.txt.tera",
        "partials/base.typ.tera",
        "partials/icons.typ.tera",
        "partials/language.typ.tera",
        "partials/urgent.typ.tera",
        "poster.typ.tera",
        "render.typ.tera",
        "social.typ.tera",
        "whats-new.typ.tera",
    ]
);

/// The built-in text of `name`, if the theme has such a file.
pub fn get(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// A digest of the whole theme. Outputs depend on it as on any input file: a binary with a
/// different theme rebuilds what its templates make, even at the same version number.
pub fn digest() -> &'static [u8; 32] {
    static DIGEST: LazyLock<[u8; 32]> = LazyLock::new(|| {
        let mut hasher = blake3::Hasher::new();
        for (name, text) in FILES {
            hasher.update(name.as_bytes());
            hasher.update(b"\0");
            hasher.update(text.as_bytes());
            hasher.update(b"\0");
        }
        *hasher.finalize().as_bytes()
    });
    &DIGEST
}

/// Every file under the repository's folder `dir`, by its name inside it, in name order: what
/// a list of compiled-in files must match.
#[cfg(test)]
pub(crate) fn files_in(dir: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut names: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&dir).unwrap_or(e.path()).to_string_lossy().replace('\\', "/"))
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_the_theme_folder_is_compiled_in() {
        let compiled: Vec<&str> = FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(files_in("theme"), compiled, "list every file of theme/ in theme::FILES, in name order");
    }

    #[test]
    fn files_are_found_by_their_include_name() {
        assert!(get("partials/base.typ.tera").unwrap().contains("#let"));
        assert!(get("templates/poster.typ.tera").is_none());
    }
}
