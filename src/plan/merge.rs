//! A mail merge as a plan: one private job per recipient row (and one for every row in a
//! single PDF when asked), built by the same build stage as the project's documents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Job, Keep, LETTER_TEMPLATE, Recipients, Target, formats};
use crate::diag::Problem;
use crate::load::content::{Kind, Letter};
use crate::load::fields::Values;
use crate::load::project::Project;

/// A checked recipient row: its number as a spreadsheet shows it, the file name its letter
/// gets, and its values.
pub struct Row {
    pub number: usize,
    pub name: String,
    pub values: Values,
}

/// Job id of the letter holding every row.
pub const COMBINED: &str = "combined";

/// The job id of row `number`'s letter.
pub fn row_id(number: usize) -> String {
    format!("row-{number}")
}

/// Where merged letters go unless the user says: `output/merge/ODS/LETTER`.
pub fn default_out(project: &Project, ods: &str, letter: &str) -> PathBuf {
    project.root.join("output/merge").join(ods.to_uppercase()).join(letter)
}

/// One job per row, plus the combined PDF when `combined`.
pub fn plan(doc: usize, practice: usize, slug: &str, rows: &[Row], word: bool, combined: bool) -> Vec<Job> {
    let job = |id: String, rows: Vec<Values>, outputs| Job {
        id,
        target: Target::Merged { doc, practice, rows: Recipients(Arc::from(rows)) },
        template: LETTER_TEMPLATE,
        outputs,
        inputs: Vec::new(),
        keep: Keep::Private,
        about: super::About { slug: Arc::from(slug), ..super::About::default() },
    };
    let mut jobs: Vec<Job> = rows
        .iter()
        .map(|r| job(row_id(r.number), vec![r.values.clone()], formats::letter(Path::new(&r.name), word)))
        .collect();
    if combined && !rows.is_empty() {
        let all = rows.iter().map(|r| r.values.clone()).collect();
        let stem = PathBuf::from(format!("{slug}-combined"));
        jobs.push(job(COMBINED.into(), all, formats::letter(&stem, false)));
    }
    jobs
}

/// Finds the letter document named `slug`.
pub fn find_letter<'a>(project: &'a Project, slug: &str) -> Result<(usize, &'a Letter), Problem> {
    let letters: Vec<(usize, &Letter, &str)> = project
        .documents
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match &d.kind {
            Kind::Letter(l) => Some((i, l, d.slug.as_str())),
            _ => None,
        })
        .collect();
    if let Some((i, l, _)) = letters.iter().find(|(_, _, s)| *s == slug) {
        return Ok((*i, l));
    }
    let names: Vec<&str> = letters.iter().map(|(_, _, s)| *s).collect();
    let hint = match crate::diag::suggest(slug, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if names.is_empty() => "the project has no letters: add a Markdown file with `kind: letter` \
            to content/letters/"
            .to_string(),
        None => format!("letters are: {}", names.join(", ")),
    };
    Err(Problem::error("content/letters", format!("no letter is named `{slug}`")).hint(hint))
}

/// A file name from a value: letters, digits, `-` and `_` only, short, never a name Windows
/// reserves, and unique among `taken`.
pub fn safe_file_name(value: &str, fallback: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = String::new();
    for c in value.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let mut name: String = name.trim_matches('-').chars().take(60).collect();
    if name.is_empty() {
        name = fallback.to_string();
    }
    const RESERVED: [&str; 4] = ["con", "prn", "aux", "nul"];
    let lower = name.to_ascii_lowercase();
    let device = lower.len() == 4
        && (lower.starts_with("com") || lower.starts_with("lpt"))
        && lower.as_bytes()[3].is_ascii_digit();
    if RESERVED.contains(&lower.as_str()) || device {
        name = format!("_{name}");
    }
    let mut unique = name.clone();
    let mut n = 2;
    while !taken.insert(unique.to_ascii_lowercase()) {
        unique = format!("{name}-{n}");
        n += 1;
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(safe_file_name("AB/12 34", "row-2", &mut taken), "AB-12-34");
        assert_eq!(safe_file_name("ab/12:34", "row-3", &mut taken), "ab-12-34-2");
        assert_eq!(safe_file_name("../..", "row-4", &mut taken), "row-4");
        assert_eq!(safe_file_name("CON", "row-5", &mut taken), "_CON");
        assert_eq!(safe_file_name("com1", "row-6", &mut taken), "_com1");
        assert_eq!(safe_file_name(&"x".repeat(200), "row-7", &mut taken).len(), 60);
        assert_eq!(safe_file_name("Zoë Ångström", "row-8", &mut taken), "Zo-ngstr-m");
    }
}
