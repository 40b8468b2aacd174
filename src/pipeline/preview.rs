//! A draft shown before it is saved: the project is loaded as it is on disk, the draft takes
//! the place of its file in memory, and the one document it changes is rendered and typeset
//! through the same plan and build stage as any other job. Nothing is written.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::approval::view::Mode;
use crate::build::{self, Shown};
use crate::diag::{Problem, display_path};
use crate::load::content::{self, Kind};
use crate::load::{config, limits, project};
use crate::plan::{PosterFormat, Selection, Target};
use crate::render::Loaded;

/// Previews are images for a screen, not print: about 90 dpi.
const PIXEL_PER_PT: f64 = 1.25;
/// A long section shows at most this many pages.
const MAX_PAGES: usize = 4;
/// Typst's memo cache keeps what the last this-many previews used (see `show`).
const PREVIEWS_KEPT: usize = 4;

pub struct Preview {
    /// What the draft looks like; None when it has errors that stop it being made.
    pub shown: Option<Shown>,
    /// Errors first, then warnings, with file, line and column where they have them.
    pub problems: Vec<Problem>,
    /// The practice a poster or letter was made for (ODS code).
    pub practice: Option<String>,
}

impl Preview {
    fn problems(problems: Vec<Problem>) -> Preview {
        Preview { shown: None, problems, practice: None }
    }
}

/// The project with a draft in place and the draft's index among its documents (None for
/// `lmc.yaml`), or the problems that stop the draft loading.
type Drafted = Result<(Loaded, Option<usize>), Vec<Problem>>;

/// The project as it would load with `draft` in place of the content file `file` (absolute,
/// inside the project): the loaded project and the draft's index among its documents (None
/// for `lmc.yaml`), or the problems that stop the draft loading at all.
fn with_draft(root: &Path, file: &Path, draft: &str, mode: Mode) -> Result<Drafted, Problem> {
    let mut loaded = super::load_as(root, mode)?;
    let root = loaded.project.root.clone();
    let shown = display_path(&root, file);
    let text: Arc<str> = Arc::from(draft);
    let project = &mut loaded.project;
    // The draft's sign-off follows its bytes: approved only if they are the approved ones.
    Arc::make_mut(&mut project.approval).put(&root, file, draft.as_bytes());
    // What loading found wrong with the file on disk is about to be replaced.
    project.problems.retain(|p| p.file != shown);
    project.broken_inputs.retain(|p| p != file);
    if file.extension().is_some_and(|e| e == "yaml") {
        if draft.len() as u64 > limits::MAX_YAML_BYTES {
            return Ok(Err(vec![Problem::error(&shown, "the file is larger than 1 MiB")]));
        }
        let problems = limits::yaml_values(&shown, &text, text.len());
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        return Ok(match config::lmc_from(&root, file, text) {
            Ok(lmc) => {
                project.lmc = Some(lmc);
                Ok((loaded, None))
            }
            Err(problems) => Err(problems),
        });
    }
    if draft.len() as u64 > limits::MAX_MARKDOWN_BYTES {
        return Ok(Err(vec![Problem::error(&shown, "the file is larger than 256 KiB")]));
    }
    let doc = match content::parse_document(&root, file, text).and_then(project::guard_document) {
        Ok(mut doc) => {
            doc.sign_off = loaded.project.approval.sign_off(file);
            doc
        }
        Err(problems) => return Ok(Err(problems)),
    };
    let documents = &mut loaded.project.documents;
    let index = match documents.iter().position(|d| d.path == file) {
        Some(i) => {
            documents[i] = doc;
            i
        }
        None => {
            documents.push(doc);
            documents.len() - 1
        }
    };
    let (translation_problems, failed) = crate::load::translated::check_all(documents);
    let mine: Vec<Problem> = translation_problems.into_iter().filter(|p| p.file == shown).collect();
    if failed.contains(&index) && mine.iter().any(Problem::is_error) {
        return Ok(Err(mine));
    }
    loaded.project.problems.extend(mine);
    Ok(Ok((loaded, Some(index))))
}

/// The errors that saving `draft` as `file` would bring: `check`'s own checks of the project
/// with the draft in place, less those the project already has without it. Writes nothing.
pub fn check_draft(root: &Path, file: &Path, draft: &str) -> Result<Vec<Problem>, Problem> {
    let loaded = match with_draft(root, file, draft, Mode::Drafts)? {
        Ok((loaded, _)) => loaded,
        Err(problems) => return Ok(sorted(problems.into_iter().filter(Problem::is_error).collect())),
    };
    let errors_of = |loaded: &Loaded| -> Vec<Problem> {
        let (_, reports) = super::check(loaded, false);
        let mut seen = std::collections::BTreeSet::new();
        loaded
            .project
            .problems
            .iter()
            .chain(reports.iter().flat_map(|r| r.problems.iter()))
            .filter(|p| p.is_error() && seen.insert(p.render()))
            .cloned()
            .collect()
    };
    let now: std::collections::BTreeSet<String> =
        errors_of(&super::load_as(root, Mode::Drafts)?).iter().map(Problem::render).collect();
    Ok(errors_of(&loaded).into_iter().filter(|p| !now.contains(&p.render())).collect())
}

/// Previews `draft` as the content file `file` (absolute, inside the project at `root`):
/// a guide section as its pages of the guide, a poster or letter as made for `practice` (or
/// the first practice that gets it), the A&G wording as its text, `lmc.yaml` as its problems.
pub fn preview(root: &Path, file: &Path, draft: &str, practice: Option<&str>) -> Result<Preview, Problem> {
    preview_as(root, file, draft, practice, Mode::Drafts)
}

/// The content file `file` as practices are given it (its approved version, with the approved
/// versions of everything else), previewed for `practice`. `generation` names the state of
/// the project on disk (serve's rebuild count): the project is loaded once per generation and
/// shared by every preview of it, since loading 1,000 profiles for each of 1,000 practices'
/// letter images cost more than typesetting the letters.
pub fn preview_approved(
    root: &Path,
    file: &Path,
    practice: Option<&str>,
    generation: u64,
) -> Result<Preview, Problem> {
    let loaded = approved_project(root, generation)?;
    let Some(index) = loaded.project.documents.iter().position(|d| d.path == file) else {
        return Ok(Preview::problems(Vec::new()));
    };
    Ok(show(&loaded, index, file, practice))
}

/// The project as practices are given it at `generation`, loaded by the first caller to ask
/// for that generation; callers meanwhile wait for it rather than load it again themselves.
fn approved_project(root: &Path, generation: u64) -> Result<Arc<Loaded>, Problem> {
    type Kept = Option<(std::path::PathBuf, u64, Arc<Loaded>)>;
    static KEPT: Mutex<Kept> = Mutex::new(None);
    let root = crate::load::project::canonical_root(root)?;
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((r, g, loaded)) = kept.as_ref()
        && *r == root
        && *g == generation
    {
        return Ok(loaded.clone());
    }
    let loaded = Arc::new(super::load_as(&root, Mode::Practices)?);
    *kept = Some((root, generation, loaded.clone()));
    Ok(loaded)
}

fn preview_as(
    root: &Path,
    file: &Path,
    draft: &str,
    practice: Option<&str>,
    mode: Mode,
) -> Result<Preview, Problem> {
    match with_draft(root, file, draft, mode)? {
        Ok((loaded, Some(index))) => Ok(show(&loaded, index, file, practice)),
        Ok((_, None)) => Ok(Preview::problems(Vec::new())),
        Err(problems) => Ok(Preview::problems(sorted(problems))),
    }
}

/// Typesets document `index` of `loaded` (the content file `file`) as `practice` gets it.
fn show(loaded: &Loaded, index: usize, file: &Path, practice: Option<&str>) -> Preview {
    let shown_path = display_path(&loaded.project.root, file);
    let mut problems: Vec<Problem> =
        loaded.project.problems.iter().filter(|p| p.file == shown_path).cloned().collect();
    let doc = &loaded.project.documents[index];
    let slug = doc.slug.clone();
    let is_guide = matches!(doc.kind, Kind::GuideSection(_));
    let selection = match (is_guide, practice) {
        (false, Some(ods)) if loaded.project.practice(ods).is_some() => {
            Selection { practices: Some(vec![ods.to_string()]), packs: false }
        }
        _ => Selection::default(),
    };
    let shows_draft = |job: &&crate::plan::Job| match job.target {
        Target::Guide => is_guide,
        Target::Poster { doc, format: PosterFormat::A4, .. } => doc == index,
        Target::Document { doc, .. } => doc == index,
        _ => false,
    };
    let mut jobs = super::plan_all(loaded, &selection);
    if selection.practices.is_some() && !jobs.iter().any(|j| shows_draft(&j)) {
        // The practice asked for does not get this document: show it for one that does.
        problems.push(Problem::warning(&shown_path, "the practice chosen does not get this document"));
        jobs = super::plan_all(loaded, &Selection::default());
    }
    let job = jobs.iter().find(shows_draft);
    let Some(job) = job else {
        problems.push(
            Problem::warning(&shown_path, "no practice gets this document, so there is nothing to show")
                .hint("an opt-in poster is made only for practices that list it in their profile"),
        );
        return Preview { shown: None, problems, practice: None };
    };
    let pick = |document: &typst_layout::PagedDocument| {
        if !is_guide {
            return (0..document.pages().len().min(MAX_PAGES)).collect();
        }
        section_pages(&crate::typeset::labelled(document, "sec-"), &slug, document.pages().len())
    };
    let practice = job.about.practice.as_deref().map(String::from);
    let made = build::preview(loaded, job, &pick, PIXEL_PER_PT);
    // Previews run in a long-lived process (serve) with no build's eviction after them:
    // without this, typst's memo cache kept every letter and poster ever previewed (3.7 GB
    // after 1,000 practices' letter images). The last few previews' work stays, so an
    // editor's next keystroke still reuses most of the layout.
    comemo::evict(PREVIEWS_KEPT);
    match made {
        Ok((shown, warnings)) => {
            problems.extend(warnings);
            Preview { shown: Some(shown), problems: sorted(problems), practice }
        }
        Err(errors) => {
            problems.extend(errors);
            Preview { shown: None, problems: sorted(problems), practice }
        }
    }
}

/// The pages a section covers: from the page its heading is on to the page before the next
/// section's, or that page too when the next heading starts below its top.
fn section_pages(labels: &[(String, usize, f64)], slug: &str, count: usize) -> Vec<usize> {
    let Some(i) = labels.iter().position(|(name, ..)| name == slug) else { return Vec::new() };
    let first = labels[i].1;
    let last = match labels.get(i + 1) {
        Some((_, page, y)) if *page > first && *y > 120.0 => *page,
        Some((_, page, _)) => (*page).max(first + 1) - 1,
        None => count.saturating_sub(1),
    };
    (first..=last.max(first)).take(MAX_PAGES).collect()
}

fn sorted(mut problems: Vec<Problem>) -> Vec<Problem> {
    problems.sort_by_key(|p| !p.is_error());
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_covers_its_pages_up_to_the_next_heading() {
        let labels =
            vec![("a".to_string(), 2, 80.0), ("b".to_string(), 3, 400.0), ("c".to_string(), 5, 70.0)];
        assert_eq!(section_pages(&labels, "a", 9), vec![2, 3]);
        assert_eq!(section_pages(&labels, "b", 9), vec![3, 4]);
        assert_eq!(section_pages(&labels, "c", 9), vec![5, 6, 7, 8]);
        assert_eq!(section_pages(&labels, "z", 9), Vec::<usize>::new());
    }
}
