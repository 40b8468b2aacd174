//! The pack of each practice as a job: one ZIP of every other file the practice gets. Its
//! inputs are those of the jobs it gathers, so `watch` remakes the pack whenever it remakes
//! one of them; `write::pack` makes it after them.

use std::path::Path;
use std::sync::Arc;

use super::{Job, Keep, Target};

/// The practice a job makes documents for.
pub fn practice_of(target: &Target) -> Option<usize> {
    match target {
        Target::Poster { practice, .. }
        | Target::Document { practice, .. }
        | Target::WhatsNew { practice } => Some(*practice),
        // Merged letters hold patient data and never go in a pack.
        Target::Pack { .. }
        | Target::Guide
        | Target::GuideHtml
        | Target::GuideRedline
        | Target::Merged { .. }
        | Target::Standalone { .. } => None,
    }
}

/// The pack job of practice `practice`, given the jobs planned so far. Its inputs are those
/// of the jobs it gathers, so `watch` remakes the pack whenever it remakes one of them.
/// Only jobs `offered` allows (approved ones) are gathered.
pub fn plan_job(jobs: &[Job], practice: usize, ods: &str, offered: &dyn Fn(&Job) -> bool) -> Option<Job> {
    let members: Vec<&Job> =
        jobs.iter().filter(|j| practice_of(&j.target) == Some(practice) && offered(j)).collect();
    if members.is_empty() {
        return None;
    }
    let mut inputs: Vec<Arc<Path>> = super::distinct_inputs(members.iter().copied()).cloned().collect();
    super::sort_paths(&mut inputs);
    Some(Job {
        id: format!("packs/{ods}"),
        target: Target::Pack { practice },
        template: "",
        outputs: super::formats::pack(ods),
        inputs,
        keep: Keep::Tracked,
        about: super::About {
            title: "Pack of every document".into(),
            slug: "pack".into(),
            practice: Some(ods.into()),
            ..super::About::default()
        },
    })
}
