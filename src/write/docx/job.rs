//! A planned letter job's Word output, made from the very values its PDF was rendered with
//! (render hands them over), then [`super::letter`].

use typst::foundations::Datetime;

use super::{WordLetter, letterhead};
use crate::diag::Problem;
use crate::load::fields::Values;
use crate::load::project::Project;
use crate::plan::{Job, Target};

/// The `.docx` bytes of a letter job with `values`, those its PDF was made with (a merged
/// letter's one row: a `.docx` is one letter, so a combined merge has no Word edition);
/// `date` is the letter date as shown, and `today` the same date for the document's properties.
pub fn for_job(
    project: &Project,
    job: &Job,
    values: &Values,
    date: Option<&str>,
    today: Option<Datetime>,
) -> Result<Vec<u8>, Vec<Problem>> {
    let (doc, practice) = match &job.target {
        Target::Document { doc, practice } | Target::Merged { doc, practice, .. } => (*doc, *practice),
        _ => return Err(vec![Problem::error(&job.id, "only letters have a Word edition")]),
    };
    let (doc, practice) = (&project.documents[doc], &project.practices[practice]);
    let values = values.clone();
    let logo = match &practice.logo {
        Some(path) => Some(letterhead::render_logo(&project.root, path, &format!("{} logo", practice.name))?),
        None => None,
    };
    let iso_date = today.and_then(|d| Some(format!("{:04}-{:02}-{:02}", d.year()?, d.month()?, d.day()?)));
    let letter = WordLetter { practice, doc, values, date, iso_date, logo };
    super::letter(&letter)
        .map_err(|e| vec![Problem::error(&doc.shown, format!("failed to make the Word letter: {e:#}"))])
}
