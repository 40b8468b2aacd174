//! Packs written by `build --packs`: made after every other job of a build, from the files
//! those jobs wrote. A pack is made again only when one of those files (as the manifest
//! records them) changed, or what its README says did.

use std::collections::BTreeMap;
use std::path::Path;

use super::{JobReport, Outcome};
use crate::diag::Problem;
use crate::load::project::Project;
use crate::plan::pack::practice_of;
use crate::plan::{Job, Output, Target};
use crate::write::manifest::{self, Entry, Manifest};
use crate::write::pack::{Recipe, VERSION};
use crate::write::write_atomic;

/// Makes the packs among `jobs`, after every other job has run and `manifest` holds what
/// they wrote. Returns the numbers of packs built, skipped and failed.
pub fn build(
    project: &Project,
    jobs: &[Job],
    out: &Path,
    manifest: &mut Manifest,
    force: bool,
    on_done: &(dyn Fn(&JobReport) + Sync),
) -> [usize; 3] {
    let packs: Vec<&Job> = jobs.iter().filter(|j| matches!(j.target, Target::Pack { .. })).collect();
    // Members grouped once: looking them up per pack was quadratic in the practices.
    let mut members: BTreeMap<usize, Vec<&Job>> = BTreeMap::new();
    // Only what a named person approved goes in a pack.
    for job in jobs.iter().filter(|j| crate::plan::offered(project, j)) {
        if let Some(practice) = practice_of(&job.target) {
            members.entry(practice).or_default().push(job);
        }
    }
    let results = crate::parallel::map(&packs, |job| {
        let Target::Pack { practice } = job.target else { unreachable!("filtered to packs") };
        let of = members.get(&practice).map_or(&[][..], Vec::as_slice);
        let (report, entry) = one(project, of, job, out, manifest, force);
        on_done(&report);
        (report.outcome, entry)
    });
    let mut counts = [0; 3];
    for (job, (outcome, entry)) in packs.iter().zip(results) {
        counts[outcome as usize] += 1;
        if let Some(entry) = entry {
            manifest.jobs.insert(job.id.clone(), entry);
        }
    }
    counts
}

/// What a pack's bytes depend on: what its README says (the practice and the LMC's
/// edition) and each member file's path and recorded hash. Names in the pack follow from
/// the paths, so a build that changes nothing works out neither names nor README.
fn key(project: &Project, practice: usize, recorded: &[(&Output, &String)]) -> String {
    let p = &project.practices[practice];
    let mut hasher = blake3::Hasher::new();
    for part in [VERSION, &p.name, &p.ods_code] {
        hasher.update(part.as_bytes()).update(b"\0");
    }
    if let Some(lmc) = &project.lmc {
        hasher.update(lmc.name.as_bytes()).update(b"\0").update(lmc.edition.as_bytes()).update(b"\0");
    }
    for (o, hash) in recorded {
        hasher
            .update(o.rel.as_os_str().as_encoded_bytes())
            .update(b"\t")
            .update(hash.as_bytes())
            .update(b"\n");
    }
    manifest::hex(&manifest::truncated(hasher.finalize()))
}

/// Makes one pack from `members`, the jobs of its practice.
fn one(
    project: &Project,
    members_of: &[&Job],
    job: &Job,
    out: &Path,
    manifest: &Manifest,
    force: bool,
) -> (JobReport, Option<Entry>) {
    let mut report = JobReport::of(job, Outcome::Failed);
    let Target::Pack { practice } = job.target else { return (report, None) };
    // Each member file as its manifest records it: (its planned output, hash of its bytes).
    let mut recorded: Vec<(&Output, &String)> = Vec::new();
    for member in members_of {
        let Some(entry) = manifest.jobs.get(&member.id) else {
            report.problems.push(
                Problem::warning(
                    out.join(&job.outputs[0].rel),
                    format!("`{}` is left out: it failed to build", member.id),
                )
                .hint("fix the problem reported for it; the pack is made again with it next time"),
            );
            continue;
        };
        // Only planned outputs: generated typst (`--emit-typst`) is for debugging, not for practices.
        recorded.extend(
            member
                .outputs
                .iter()
                .filter_map(|o| entry.outputs.iter().find(|(rel, _)| *rel == o.rel).map(|(_, h)| (o, h))),
        );
    }
    let hash = key(project, practice, &recorded);
    let previous = manifest.jobs.get(&job.id);
    if !force && previous.is_some_and(|p| p.hash == hash && Manifest::outputs_intact(p, out)) {
        report.outcome = Outcome::Skipped;
        return (report, None);
    }

    let sign_offs = crate::plan::sign_offs(project, members_of.iter().copied());
    let made = Recipe::of(project, practice, recorded.iter().map(|(o, _)| *o), &sign_offs).make(out);
    let bytes = match made {
        Ok(bytes) => bytes,
        Err(problem) => {
            report.problems.push(problem);
            return (report, None);
        }
    };
    let rel = &job.outputs[0].rel;
    match write_atomic(&out.join(rel), &bytes, false) {
        Ok(()) => {
            report.outcome = Outcome::Built;
            let stamp = manifest::stamp(&out.join(rel)).unwrap_or_default();
            let entry = Entry {
                hash,
                reads: Vec::new(),
                outputs: vec![(rel.clone(), manifest::hash_bytes(&bytes))],
                stamps: vec![stamp],
            };
            (report, Some(entry))
        }
        Err(e) => {
            report.problems.push(Problem::error(out.join(rel), format!("{e:#}")));
            (report, None)
        }
    }
}
