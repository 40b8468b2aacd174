//! The plan: which documents to make, from which inputs, into which files. Pure data, shared
//! by `build`, `check` and `watch`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::content::Kind;
use crate::load::project::Project;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PosterFormat {
    A4,
    A3,
    Square,
    Portrait,
}

impl PosterFormat {
    pub const ALL: [PosterFormat; 4] = [Self::A4, Self::A3, Self::Square, Self::Portrait];
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Guide,
    /// The guide as one self-contained web page.
    GuideHtml,
    Poster {
        doc: usize,
        practice: usize,
        format: PosterFormat,
    },
    Letter {
        doc: usize,
        practice: usize,
    },
    AgText {
        doc: usize,
        practice: usize,
    },
    // Editions: the guide with changed words marked, and one "what's new" page per practice.
    GuideRedline,
    WhatsNew {
        practice: usize,
    },
    /// Every file of one practice in one ZIP, made after its other jobs.
    Pack {
        practice: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutputKind {
    Pdf,
    /// First page as PNG at this many pixels per typographic point.
    Png(f64),
    Text,
    /// A Word edition of a letter.
    Docx,
    /// `packs/<ODS>.zip`: the practice's other outputs, zipped after they are built.
    Zip,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Relative to the output folder.
    pub rel: PathBuf,
    pub kind: OutputKind,
}

#[derive(Debug, Clone)]
pub struct Job {
    /// Stable and unique: the first output's path without extension.
    pub id: String,
    pub target: Target,
    pub template: &'static str,
    pub outputs: Vec<Output>,
    /// Files this job reads before typst runs: content, profile, lmc.yaml, templates, logo.
    /// Sorted; shared with the other jobs that read them, so a plan of 200,000 jobs stays small.
    pub inputs: Vec<Arc<Path>>,
}

/// 150 dpi.
pub const A4_PNG_PPP: f64 = 150.0 / 72.0;
/// Social images are 540 pt wide pages rendered at 2 px/pt: 1080 px.
pub const SOCIAL_PPP: f64 = 2.0;

pub const GUIDE_TEMPLATE: &str = "guide.typ.tera";
pub const POSTER_TEMPLATE: &str = "poster.typ.tera";
pub const SOCIAL_TEMPLATE: &str = "social.typ.tera";
pub const LETTER_TEMPLATE: &str = "letter.typ.tera";
pub const AG_TEMPLATE: &str = "ag-disclaimer.txt.tera";
pub const GUIDE_HTML_TEMPLATE: &str = crate::render::html::GUIDE_HTML_TEMPLATE;
pub const WHATS_NEW_TEMPLATE: &str = "whats-new.typ.tera";

#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Only these practices (ODS codes); the guide is left out when set.
    pub practices: Option<Vec<String>>,
}

pub fn plan(project: &Project, selection: &Selection) -> Vec<Job> {
    let Some(lmc) = &project.lmc else { return Vec::new() };
    let lmc_file: Arc<Path> = Arc::from(project.root.join("content/lmc.yaml"));
    let mut template_deps: BTreeMap<&str, Vec<Arc<Path>>> = BTreeMap::new();
    for t in
        [GUIDE_TEMPLATE, POSTER_TEMPLATE, SOCIAL_TEMPLATE, LETTER_TEMPLATE, AG_TEMPLATE, GUIDE_HTML_TEMPLATE]
    {
        let deps = project.templates.dependencies(t).into_iter().map(Arc::from).collect();
        template_deps.insert(t, deps);
    }
    let deps = project.templates.dependencies(WHATS_NEW_TEMPLATE).into_iter().map(Arc::from).collect();
    template_deps.insert(WHATS_NEW_TEMPLATE, deps);
    let base = |template: &str, extra: &[&Arc<Path>]| -> Vec<Arc<Path>> {
        let mut inputs: Vec<Arc<Path>> = template_deps.get(template).cloned().unwrap_or_default();
        inputs.push(lmc_file.clone());
        inputs.extend(extra.iter().map(|p| Arc::clone(p)));
        inputs.sort();
        inputs.dedup();
        inputs
    };
    let mut jobs = Vec::new();

    let doc_paths: Vec<Arc<Path>> = project.documents.iter().map(|d| Arc::from(d.path.as_path())).collect();
    // The archived edition the current one is compared with: its files are inputs too.
    let archive: Vec<Arc<Path>> = crate::editions::previous(&project.root, Some(lmc.edition.as_str()))
        .map(|(_, dir)| crate::editions::archive_files(&dir).into_iter().map(Arc::from).collect())
        .unwrap_or_default();
    let sections: Vec<&Arc<Path>> = project
        .documents
        .iter()
        .zip(&doc_paths)
        .filter(|(d, _)| d.kind.name() == "guide-section")
        .map(|(_, p)| p)
        .collect();
    let guide_inputs: Vec<&Arc<Path>> = sections.iter().copied().chain(&archive).collect();
    if selection.practices.is_none() && !sections.is_empty() {
        jobs.push(Job {
            id: format!("guide/{}", lmc.guide.slug),
            target: Target::Guide,
            template: GUIDE_TEMPLATE,
            outputs: vec![Output {
                rel: format!("guide/{}.pdf", lmc.guide.slug).into(),
                kind: OutputKind::Pdf,
            }],
            inputs: base(GUIDE_TEMPLATE, &guide_inputs),
        });
        // HTML is text: the job writes the rendered template and skips typst. Its id keeps
        // the extension, as the PDF job already has the path without one. A project made
        // before the web page existed has no template for it and simply gets no page.
        let has_html_template = template_deps.get(GUIDE_HTML_TEMPLATE).is_some_and(|d| !d.is_empty());
        let rel = PathBuf::from(format!("guide/{}.html", lmc.guide.slug));
        if has_html_template {
            jobs.push(Job {
                id: rel.to_string_lossy().replace('\\', "/"),
                target: Target::GuideHtml,
                template: GUIDE_HTML_TEMPLATE,
                outputs: vec![Output { rel, kind: OutputKind::Text }],
                inputs: base(GUIDE_HTML_TEMPLATE, &guide_inputs),
            });
        }
        if !archive.is_empty() {
            jobs.push(Job {
                id: format!("guide/{}-changes", lmc.guide.slug),
                target: Target::GuideRedline,
                template: GUIDE_TEMPLATE,
                outputs: vec![Output {
                    rel: format!("guide/{}-changes.pdf", lmc.guide.slug).into(),
                    kind: OutputKind::Pdf,
                }],
                inputs: base(GUIDE_TEMPLATE, &guide_inputs),
            });
        }
    }

    for (pi, practice) in project.practices.iter().enumerate() {
        if let Some(only) = &selection.practices
            && !only.iter().any(|o| o.eq_ignore_ascii_case(&practice.ods_code))
        {
            continue;
        }
        let dir = PathBuf::from("practices").join(&practice.ods_code);
        let profile: Arc<Path> = Arc::from(practice.path.as_path());
        let logo: Option<Arc<Path>> =
            practice.logo.as_ref().map(|l| Arc::from(project.root.join(l.trim_start_matches('/'))));
        let mut own: Vec<&Arc<Path>> = vec![&profile];
        own.extend(logo.as_ref());
        for (di, doc) in project.documents.iter().enumerate() {
            let mut with_doc = own.clone();
            with_doc.push(&doc_paths[di]);
            match &doc.kind {
                Kind::Poster(p) if wants(practice, &doc.slug, p) => {
                    for format in PosterFormat::ALL {
                        let (template, outputs) = poster_outputs(&dir, &doc.slug, format);
                        jobs.push(Job {
                            id: outputs[0].rel.with_extension("").to_string_lossy().replace('\\', "/"),
                            target: Target::Poster { doc: di, practice: pi, format },
                            template,
                            outputs,
                            inputs: base(template, &with_doc),
                        });
                    }
                }
                Kind::Letter(_) => {
                    let rel = dir.join("letters").join(format!("{}.pdf", doc.slug));
                    jobs.push(Job {
                        id: rel.with_extension("").to_string_lossy().replace('\\', "/"),
                        target: Target::Letter { doc: di, practice: pi },
                        template: LETTER_TEMPLATE,
                        outputs: vec![
                            Output { rel: rel.clone(), kind: OutputKind::Pdf },
                            Output { rel: rel.with_extension("docx"), kind: OutputKind::Docx },
                        ],
                        inputs: base(LETTER_TEMPLATE, &with_doc),
                    });
                }
                Kind::AgDisclaimer => {
                    let rel = dir.join("ag-disclaimer.txt");
                    jobs.push(Job {
                        id: rel.with_extension("").to_string_lossy().replace('\\', "/"),
                        target: Target::AgText { doc: di, practice: pi },
                        template: AG_TEMPLATE,
                        outputs: vec![Output { rel, kind: OutputKind::Text }],
                        inputs: base(AG_TEMPLATE, &with_doc),
                    });
                }
                _ => {}
            }
        }
        if !archive.is_empty() {
            let rel = dir.join("whats-new.pdf");
            let mut inputs: Vec<&Arc<Path>> = own.clone();
            inputs.extend(doc_paths.iter().chain(&archive));
            jobs.push(Job {
                id: rel.with_extension("").to_string_lossy().replace('\\', "/"),
                target: Target::WhatsNew { practice: pi },
                template: WHATS_NEW_TEMPLATE,
                outputs: vec![Output { rel, kind: OutputKind::Pdf }],
                inputs: base(WHATS_NEW_TEMPLATE, &inputs),
            });
        }
        if let Some(pack) = crate::write::pack::plan_job(&jobs, pi, &practice.ods_code) {
            jobs.push(pack);
        }
    }
    jobs
}

/// A translation is made for practices that want its English poster in its language.
fn wants(
    practice: &crate::load::config::Practice,
    slug: &str,
    poster: &crate::load::content::Poster,
) -> bool {
    match &poster.translation {
        None => practice.wants_poster(slug, poster.opt_in),
        Some(t) => practice.languages.contains(&t.lang) && practice.wants_poster(&t.of, poster.opt_in),
    }
}

fn poster_outputs(dir: &Path, slug: &str, format: PosterFormat) -> (&'static str, Vec<Output>) {
    let posters = dir.join("posters");
    let social = dir.join("social");
    let out = |rel: PathBuf, kind| Output { rel, kind };
    match format {
        PosterFormat::A4 => (
            POSTER_TEMPLATE,
            vec![
                out(posters.join(format!("{slug}.pdf")), OutputKind::Pdf),
                out(posters.join(format!("{slug}.png")), OutputKind::Png(A4_PNG_PPP)),
            ],
        ),
        PosterFormat::A3 => {
            (POSTER_TEMPLATE, vec![out(posters.join(format!("{slug}-a3.pdf")), OutputKind::Pdf)])
        }
        PosterFormat::Square => (
            SOCIAL_TEMPLATE,
            vec![out(social.join(format!("{slug}-square.png")), OutputKind::Png(SOCIAL_PPP))],
        ),
        PosterFormat::Portrait => (
            SOCIAL_TEMPLATE,
            vec![out(social.join(format!("{slug}-portrait.png")), OutputKind::Png(SOCIAL_PPP))],
        ),
    }
}
