//! A planned letter job's Word output: the values the PDF letter's template receives
//! (see `render::insert_doc`), gathered the same way, then [`super::letter`].

use typst::foundations::Datetime;

use super::{Letter, letterhead};
use crate::diag::Problem;
use crate::load::fields::{self, Values};
use crate::load::project::Project;
use crate::plan::{Job, Target};

/// The `.docx` bytes of a letter job. A merged letter uses its one row's values (a `.docx`
/// is one letter: a combined merge has no Word edition); `date` is the letter date as shown,
/// and `today` the same date for the document's properties.
pub fn for_job(
    project: &Project,
    job: &Job,
    date: Option<&str>,
    today: Option<Datetime>,
) -> Result<Vec<u8>, Vec<Problem>> {
    let (doc, practice, rows): (usize, usize, Option<&[Values]>) = match &job.target {
        Target::Letter { doc, practice } => (*doc, *practice, None),
        Target::Merged { doc, practice, rows } => (*doc, *practice, Some(&rows.0)),
        _ => return Err(vec![Problem::error(&job.id, "only letters have a Word edition")]),
    };
    let (doc, practice) = (&project.documents[doc], &project.practices[practice]);
    let lmc = project
        .lmc
        .as_ref()
        .ok_or_else(|| vec![Problem::error("content/lmc.yaml", "the LMC's details failed to load")])?;
    let mut values = fields::standard_values(lmc, Some(practice));
    if let Some(row) = rows.and_then(|r| r.first()) {
        values.extend(row.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let logo = match &practice.logo {
        Some(path) => Some(letterhead::render_logo(&project.root, path, &format!("{} logo", practice.name))?),
        None => None,
    };
    let iso_date = today.and_then(|d| Some(format!("{:04}-{:02}-{:02}", d.year()?, d.month()?, d.day()?)));
    let letter = Letter { practice, doc, values, date, iso_date, logo };
    super::letter(&letter)
        .map_err(|e| vec![Problem::error(&doc.shown, format!("failed to make the Word letter: {e:#}"))])
}
