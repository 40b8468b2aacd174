//! The images a content file shows, judged once when it loads: a picture that is not there
//! is an error at the `![…](…)` that names it, not a warning from every document made from
//! the file. Which images may be shown is decided by [`confine_image`] alone; this only says
//! why one may not, in the author's words.

use std::path::Path;

use crate::diag::{Problem, display_path, suggest};
use crate::markdown::doc::{confine_image, image_type};

/// A content file as the image check reads it: where it is, how it is named to the user,
/// its whole text and where its body starts. (Not the loader's `Document`, so that this
/// module sits below the one that loads documents.)
pub(super) struct Source<'a> {
    pub path: &'a Path,
    pub shown: &'a Path,
    pub text: &'a std::sync::Arc<str>,
    pub body_start: usize,
}

/// An error for each image of `file` that no format could show, at the image in the file.
pub(super) fn check(root: &Path, file: Source) -> Vec<Problem> {
    let dir = file.path.parent().unwrap_or(root);
    crate::markdown::images(&file.text[file.body_start..])
        .into_iter()
        .filter(|(dest, _)| confine_image(root, dir, dest).is_none())
        .map(|(dest, range)| {
            let span = file.body_start + range.start..file.body_start + range.end;
            let (message, hint) = why_not(root, dir, &dest);
            Problem::error(file.shown, message).at(file.text, span).hint(hint)
        })
        .collect()
}

/// What is wrong with image `dest` written in a file in `dir`, and what to do about it.
fn why_not(root: &Path, dir: &Path, dest: &str) -> (String, String) {
    let folder = display_path(root, dir).display().to_string();
    if dest.trim().is_empty() {
        return (
            "this image names no file".into(),
            format!(
                "write the picture's file name in the brackets, relative to `{folder}`: `![description](chart.png)`"
            ),
        );
    }
    if dest.contains("://") || dest.starts_with("data:") {
        return (
            format!("image `{dest}` is not a file in the project"),
            format!("save the picture into `{folder}` and write its file name instead of the address"),
        );
    }
    if image_type(dest).is_none() {
        return (
            format!("image `{dest}` is not a PNG, JPEG, GIF, SVG or WebP file"),
            "save the picture as PNG (or JPEG for photographs) and name that file".into(),
        );
    }
    let path = dir.join(dest);
    if !path.is_file() {
        let wanted = display_path(root, &path).display().to_string();
        let near = near_name(&path).map(|n| Path::new(dest).with_file_name(n));
        let hint = match near {
            Some(near) => format!("there is no file `{wanted}`; did you mean `{}`?", near.display()),
            None => format!(
                "there is no file `{wanted}`: the path is relative to this file's folder `{folder}`; put the picture there or correct the path"
            ),
        };
        return (format!("image `{dest}` was not found"), hint);
    }
    (
        format!("image `{dest}` is outside the project"),
        format!("copy the picture into the project (for example into `{folder}`) and name that copy"),
    )
}

/// A file beside where `path` should be whose name is close to its name: a likely typo.
fn near_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let entries = std::fs::read_dir(path.parent()?).ok()?;
    let names: Vec<String> =
        entries.filter_map(Result::ok).filter_map(|e| e.file_name().to_str().map(str::to_string)).collect();
    suggest(name, names.iter().map(String::as_str)).map(str::to_string)
}
