//! One pack per practice: `packs/<ODS>.zip` holds every other output of the practice under
//! folder names a practice manager understands, and a `README.txt` saying what each is for.
//! Packs are made after the practice's documents, from the files those jobs wrote; a pack
//! is rebuilt only when one of those files (as the manifest records them) changed.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::build::{JobReport, Outcome};
use crate::diag::Problem;
use crate::load::project::Project;
use crate::plan::{Job, Keep, Target};
use crate::write::manifest::{self, Entry, Manifest};
use crate::write::write_atomic;

/// Bumped when the layout of packs or the wording of their README changes, so every pack is
/// made again.
const VERSION: &str = "pack 2";

/// The practice a job makes documents for.
fn practice_of(target: &Target) -> Option<usize> {
    match target {
        Target::Poster { practice, .. }
        | Target::Letter { practice, .. }
        | Target::AgText { practice, .. }
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
pub fn plan_job(jobs: &[Job], practice: usize, ods: &str) -> Option<Job> {
    let members: Vec<&Job> = jobs.iter().filter(|j| practice_of(&j.target) == Some(practice)).collect();
    if members.is_empty() {
        return None;
    }
    let mut inputs: Vec<Arc<Path>> = crate::plan::distinct_inputs(members.iter().copied()).cloned().collect();
    crate::plan::sort_paths(&mut inputs);
    Some(Job {
        id: format!("packs/{ods}"),
        target: Target::Pack { practice },
        template: "",
        outputs: crate::plan::formats::pack(ods),
        inputs,
        keep: Keep::Tracked,
    })
}

/// Where a practice's file goes in its pack, from its path inside `practices/<ODS>/`.
pub fn name_in_pack(rel: &str) -> String {
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    let folder = match (dir, Path::new(file).extension().and_then(|e| e.to_str())) {
        ("posters", Some("pdf")) if file.ends_with("-a3.pdf") => "Posters to print/A3",
        ("posters", Some("pdf")) => "Posters to print/A4",
        ("posters", _) => "Posters for screens and websites",
        ("social", _) => "Social media images",
        ("letters", Some("docx")) => "Letters/Word, to edit",
        ("letters", _) => "Letters/PDF, to print",
        ("", _) if file.starts_with("ag-disclaimer") => "Advice and Guidance",
        ("", _) if file.starts_with("whats-new") => "What's new",
        _ => return format!("Other/{rel}"),
    };
    format!("{folder}/{file}")
}

/// What each folder of a pack holds, in the order the README lists them.
const FOLDERS: [(&str, &str); 8] = [
    ("What's new", "One page on what changed for your practice in this edition of the LMC's guidance."),
    (
        "Posters to print/A4",
        "Posters for the waiting room, as PDF. Print on A4 paper at actual size: choose \
         \"Actual size\" or 100 %, not \"Fit to page\", so nothing is cut off or shrunk.",
    ),
    (
        "Posters to print/A3",
        "The same posters laid out for A3 paper. Print on A3 at actual size (no scaling).",
    ),
    (
        "Posters for screens and websites",
        "The A4 posters as images, for waiting-room screens and your website.",
    ),
    ("Social media images", "Square images for feeds and portrait images for stories."),
    (
        "Letters/PDF, to print",
        "Template letters on your letterhead, ready to print. Blanks are for details to add by hand.",
    ),
    (
        "Letters/Word, to edit",
        "The same letters as Word files. Replace each highlighted [placeholder] with the detail it \
         names, or copy the text into your clinical system's letter templates.",
    ),
    ("Advice and Guidance", "Text to paste into each e-RS Advice & Guidance request."),
];

/// The pack's README.txt for the files it holds (names in the pack).
pub fn readme(project: &Project, practice: usize, names: &[String]) -> String {
    let p = &project.practices[practice];
    let mut text = format!("Documents for {} (ODS code {})", p.name, p.ods_code);
    if let Some(lmc) = &project.lmc {
        text.push_str(&format!(", from {}, edition {}", lmc.name, lmc.edition));
    }
    text.push_str(".\r\n\r\nWhat each folder holds:\r\n");
    for (folder, about) in FOLDERS {
        if names.iter().any(|n| n.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/'))) {
            text.push_str(&format!("\r\n{folder}\r\n    {about}\r\n"));
        }
    }
    if names.iter().any(|n| n.starts_with("Other/")) {
        text.push_str("\r\nOther\r\n    Further documents made for your practice.\r\n");
    }
    text
}

/// Makes the ZIP: entries sorted by name, fixed timestamps and permissions, so the same files
/// give the same bytes. Already-compressed files (images, Word) are stored as they are; the
/// rest (PDFs, text) are deflated at the fastest level, which on one practice's pack took
/// 5 ms where the default level took 13, for 0.6 % more bytes.
pub fn zip(files: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        let compressed = [".png", ".docx", ".zip", ".jpg"].iter().any(|e| name.ends_with(e));
        let (method, level) = if compressed {
            (CompressionMethod::Stored, None)
        } else {
            (CompressionMethod::Deflated, Some(1))
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(level)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        zip.start_file(name.as_str(), options).with_context(|| format!("failed to add `{name}`"))?;
        zip.write_all(bytes).with_context(|| format!("failed to add `{name}`"))?;
    }
    Ok(zip.finish().context("failed to finish the ZIP")?.into_inner())
}

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
    for job in jobs {
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
fn key(project: &Project, practice: usize, recorded: &[(&PathBuf, &String)]) -> String {
    let p = &project.practices[practice];
    let mut hasher = blake3::Hasher::new();
    for part in [VERSION, &p.name, &p.ods_code] {
        hasher.update(part.as_bytes()).update(b"\0");
    }
    if let Some(lmc) = &project.lmc {
        hasher.update(lmc.name.as_bytes()).update(b"\0").update(lmc.edition.as_bytes()).update(b"\0");
    }
    for (rel, hash) in recorded {
        hasher.update(rel.as_os_str().as_encoded_bytes()).update(b"\t").update(hash.as_bytes()).update(b"\n");
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
    let mut report = JobReport { id: job.id.clone(), outcome: Outcome::Failed, problems: Vec::new() };
    let Target::Pack { practice } = job.target else { return (report, None) };
    let ods = &project.practices[practice].ods_code;
    let prefix = PathBuf::from("practices").join(ods);

    // Each member file as its manifest records it: (path, hash of its bytes).
    let mut recorded: Vec<(&PathBuf, &String)> = Vec::new();
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
        // Generated typst (`--emit-typst`) is for debugging, not for practices.
        recorded.extend(
            entry
                .outputs
                .iter()
                .filter(|(rel, _)| rel.extension().is_none_or(|e| e != "typ"))
                .map(|(r, h)| (r, h)),
        );
    }
    let hash = key(project, practice, &recorded);
    let previous = manifest.jobs.get(&job.id);
    if !force && previous.is_some_and(|p| p.hash == hash && Manifest::outputs_intact(p, out)) {
        report.outcome = Outcome::Skipped;
        return (report, None);
    }

    let mut members: Vec<(String, &PathBuf)> = recorded
        .iter()
        .map(|(rel, _)| {
            let inside = rel.strip_prefix(&prefix).unwrap_or(rel).to_string_lossy().replace('\\', "/");
            (name_in_pack(&inside), *rel)
        })
        .collect();
    members.sort();
    let names: Vec<String> = members.iter().map(|(n, _)| n.clone()).collect();
    let readme = readme(project, practice, &names);
    let mut files = BTreeMap::new();
    files.insert("README.txt".to_string(), readme.into_bytes());
    for (name, rel) in members {
        match std::fs::read(out.join(rel)) {
            Ok(bytes) => {
                files.insert(name, bytes);
            }
            Err(e) => {
                report
                    .problems
                    .push(Problem::error(out.join(rel), format!("failed to read it for the pack: {e}")));
                return (report, None);
            }
        }
    }
    let rel = &job.outputs[0].rel;
    let written = zip(&files).and_then(|bytes| write_atomic(&out.join(rel), &bytes, false).map(|()| bytes));
    match written {
        Ok(bytes) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_go_to_tidy_folders() {
        assert_eq!(
            name_in_pack("posters/safe-daily-limits.pdf"),
            "Posters to print/A4/safe-daily-limits.pdf"
        );
        assert_eq!(
            name_in_pack("posters/safe-daily-limits-a3.pdf"),
            "Posters to print/A3/safe-daily-limits-a3.pdf"
        );
        assert_eq!(name_in_pack("posters/x.png"), "Posters for screens and websites/x.png");
        assert_eq!(name_in_pack("social/x-square.png"), "Social media images/x-square.png");
        assert_eq!(name_in_pack("letters/x.docx"), "Letters/Word, to edit/x.docx");
        assert_eq!(name_in_pack("letters/x.pdf"), "Letters/PDF, to print/x.pdf");
        assert_eq!(name_in_pack("ag-disclaimer.txt"), "Advice and Guidance/ag-disclaimer.txt");
        assert_eq!(name_in_pack("leaflets/x.pdf"), "Other/leaflets/x.pdf");
    }

    #[test]
    fn zips_are_reproducible_and_sorted() {
        let mut files = BTreeMap::new();
        files.insert("b/2.txt".to_string(), b"two".to_vec());
        files.insert("a/1.png".to_string(), b"one".to_vec());
        let first = zip(&files).unwrap();
        assert_eq!(first, zip(&files).unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(first)).unwrap();
        let names: Vec<String> = archive.file_names().map(String::from).collect();
        assert_eq!(names.len(), 2);
        let mut first_entry = archive.by_index(0).unwrap();
        assert_eq!(first_entry.name(), "a/1.png");
        assert_eq!(first_entry.last_modified(), Some(zip::DateTime::default()));
        let mut text = String::new();
        std::io::Read::read_to_string(&mut first_entry, &mut text).unwrap();
        assert_eq!(text, "one");
    }
}
