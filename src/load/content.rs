//! Walking `content/` for Markdown documents: front matter, document kinds, and checks of
//! the `{{ placeholders }}` each body uses. No typst here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use schemars::JsonSchema;

use crate::approval::view::SignOff;
use crate::diag::{Problem, display_path};
use crate::load::dates;
use crate::load::yaml;
use crate::markdown;

/// Whether the section's advice is in force: current, continues (from an earlier edition),
/// superseded or ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Current,
    Continues,
    Superseded,
    Ended,
}

#[derive(Debug, Clone, Serialize)]
pub struct GuideSection {
    pub order: i64,
    pub status: Status,
    pub reviewed: String,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub summary: Option<String>,
    /// What changed for practices in this edition, in a sentence or two: shown first in
    /// "What has changed" and on each practice's what's-new page.
    pub change_note: Option<String>,
    /// What the section's facts rest on, cited in its text as `[1]`, `[2]`...
    pub sources: Vec<Source>,
    /// `reviewed` as written (YYYY-MM-DD), for checks against the edition's start.
    #[serde(skip)]
    pub reviewed_on: Option<time::Date>,
    /// `valid_until` as written, for checks that a scheme still in force says so.
    #[serde(skip)]
    pub valid_until_on: Option<time::Date>,
}

/// One source a guide section cites: shown as a numbered reference under the section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The source's title.
    pub title: String,
    /// Who published it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Where to read it.
    #[serde(default)]
    pub url: Option<String>,
    /// The source's own date, YYYY-MM-DD as written; shown in long form.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: Option<String>,
}

/// The emergency and NHS 111 band of a translated poster, in its language: each line is a
/// bold lead and the rest, written `lead|rest` in the front matter.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Band {
    pub emergency: BandLine,
    pub not_sure: BandLine,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BandLine {
    pub lead: String,
    pub rest: String,
}

/// The A&G wording's own front matter.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AgWording {
    /// The one sentence telling practices when to paste the wording: every place that says
    /// so (serve, the pack's README) shows this sentence, never its own.
    pub use_when: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Poster {
    pub summary: String,
    pub order: i64,
    /// The poster states a practice's own arrangements as fact: built only for practices
    /// that list it by name.
    pub opt_in: bool,
    /// One of [`ICONS`], drawn by the poster and social templates.
    pub icon: Option<String>,
    /// Set when this file translates an English poster (`<slug>.<lang>.md`).
    pub translation: Option<crate::load::translation::Translation>,
    /// The 999/111 band in the translation's language; English posters use the template's.
    pub band: Option<Band>,
}

/// Pictures the poster templates can draw (`templates/partials/icons.typ.tera`).
pub const ICONS: [&str; 7] = ["calendar", "clock", "pharmacy", "phone", "hospital", "letter", "conversation"];

/// What a letter's field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    Text,
    Lines,
    Date,
    NhsNumber,
    /// One of the field's `options` (or several, with `multiple: true`). Without a value the
    /// letter shows every option with a box to tick by hand.
    Choice,
}

/// One option of a `choice` field: `value` is what recipient data gives, `text` what the
/// letter says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub options: Vec<Choice>,
    pub multiple: bool,
}

/// Who may sign a letter. Clinical letters are signed by a registered clinician (from the
/// recipient data, or left blank to sign by hand), never by the practice's general signatory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignedBy {
    Clinician,
    Practice,
}

/// Fields every clinical letter has, so recipient data can name the signing clinician.
pub const CLINICIAN_FIELDS: [(&str, &str); 4] = [
    ("clinician", "Signing clinician (name or GMC/NMC number from the practice profile)"),
    ("clinician_name", "Clinician's name"),
    ("clinician_role", "Clinician's role"),
    ("clinician_registration", "GMC or NMC number"),
];

#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    /// The "Re:" line as written; the render stage makes it typst.
    #[serde(skip)]
    pub subject: Option<String>,
    pub signed_by: SignedBy,
    pub file_name_field: Option<String>,
    pub fields: Vec<Field>,
    /// The letter's own sentence on when to use it (and when never to): serve's practice
    /// page and the pack's README show it beside the letter, never words of their own.
    pub use_when: Option<String>,
}

/// The front matter of a kind declared with [`crate::kinds::Front::Page`]: a title, and
/// optionally a summary and a sentence on when to use it.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The kind's declared name.
    #[serde(skip)]
    pub kind: &'static str,
    pub summary: Option<String>,
    pub use_when: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Kind {
    GuideSection(GuideSection),
    Poster(Poster),
    Letter(Letter),
    AgDisclaimer(AgWording),
    /// A kind with the plain front matter of a page, declared in `kinds` alone.
    Page(Page),
}

impl Kind {
    /// Its own sentence on when to use it, for the kinds whose front matter has one.
    pub fn use_when(&self) -> Option<&str> {
        match self {
            Kind::Letter(l) => l.use_when.as_deref(),
            Kind::AgDisclaimer(w) => w.use_when.as_deref(),
            Kind::Page(p) => p.use_when.as_deref(),
            Kind::GuideSection(_) | Kind::Poster(_) => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Kind::GuideSection(_) => "guide-section",
            Kind::Poster(_) => "poster",
            Kind::Letter(_) => "letter",
            Kind::AgDisclaimer(_) => "ag-disclaimer",
            Kind::Page(p) => p.kind,
        }
    }

    /// What is declared once about this kind of document.
    pub fn declaration(&self) -> &'static crate::kinds::Declaration {
        crate::kinds::named(self.name()).expect("every kind of front matter is declared in `kinds`")
    }
}

/// One Markdown document with its checked front matter.
#[derive(Debug, Clone)]
pub struct Document {
    pub slug: String,
    pub title: String,
    pub kind: Kind,
    /// Real path of the file.
    pub path: PathBuf,
    /// Path shown in messages (relative to the root).
    pub shown: PathBuf,
    pub text: Arc<str>,
    /// Byte offset where the body starts in `text`.
    pub body_start: usize,
    /// Whether the version read is approved, and by whom: set by the project's load from its
    /// approval view (a file read alone is `NotRequired`).
    pub sign_off: SignOff,
}

impl Document {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

pub use super::braces::{LMC_FIELDS, PRACTICE_FIELDS};

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Every `*.md` below `content_dir`, in path order.
pub fn markdown_files(content_dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(content_dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    files
}

#[derive(Deserialize)]
struct KindOnly {
    kind: Option<Spanned<String>>,
}

/// The front matter of a guide section (`content/guide/*.md`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "lmcpress guide section front matter")]
pub(crate) struct GuideFile {
    /// Always `guide-section`.
    #[allow(dead_code)]
    #[schemars(with = "GuideSectionKind")]
    kind: String,
    /// The section's heading.
    title: String,
    /// Where the section comes in the guide: lower first.
    order: i64,
    /// Whether the advice is in force.
    status: Status,
    /// When the LMC last reviewed the section, YYYY-MM-DD.
    #[schemars(with = "String", regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    reviewed: Spanned<String>,
    /// The day the advice takes effect, YYYY-MM-DD.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    valid_from: Option<Spanned<String>>,
    /// The last day the advice applies, YYYY-MM-DD.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    valid_until: Option<Spanned<String>>,
    /// One sentence for the contents and the web guide.
    #[serde(default)]
    summary: Option<String>,
    /// What changed for practices in this edition, in a sentence or two.
    #[serde(default)]
    change_note: Option<String>,
    /// What the section's facts rest on, cited in its text as [1], [2]...
    #[serde(default)]
    #[schemars(with = "Vec<Source>")]
    sources: Vec<Spanned<Source>>,
}

/// The front matter of a patient poster (`content/posters/*.md`, translations
/// `<poster>.<language>.md`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "lmcpress poster front matter")]
pub(crate) struct PosterFile {
    /// Always `poster`.
    #[allow(dead_code)]
    #[schemars(with = "PosterKind")]
    kind: String,
    /// The poster's headline.
    title: String,
    /// One line under the headline.
    summary: String,
    /// Where the poster comes in lists: lower first.
    #[serde(default)]
    order: i64,
    /// Made only for practices that list it by name, because it states their arrangements.
    #[serde(default)]
    opt_in: bool,
    /// The picture drawn on the poster.
    #[serde(default)]
    #[schemars(with = "Option<Icon>")]
    icon: Option<Spanned<String>>,
    /// A translation's state: `draft` until a qualified translator has checked it.
    #[serde(default)]
    #[schemars(with = "Option<crate::load::translation::Review>")]
    translation: Option<Spanned<crate::load::translation::Review>>,
    /// Who checked the translation.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    reviewed_by: Option<Spanned<String>>,
    /// When the translation was checked, YYYY-MM-DD.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    reviewed_on: Option<Spanned<String>>,
    /// A translation's 999 and 111 lines, each written `lead|rest`.
    #[serde(default)]
    #[schemars(with = "Option<BandFile>")]
    band: Option<Spanned<BandFile>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandFile {
    /// The 999 line, `lead|rest`.
    emergency: String,
    /// The 111 line, `lead|rest`.
    not_sure: String,
}

/// A value a letter asks for from the person filling it in or from mail-merge data.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldFile {
    /// The field's name, as the letter's text writes it in placeholders.
    #[schemars(with = "String")]
    name: Spanned<String>,
    /// What the blank is labelled on a letter with no value.
    #[serde(default)]
    label: Option<String>,
    /// What the field holds.
    #[serde(default)]
    kind: FieldKind,
    /// Whether mail merge needs a value for it.
    #[serde(default = "yes")]
    required: bool,
    /// The options of a `choice` field.
    #[serde(default)]
    options: Vec<Choice>,
    /// Whether a `choice` field takes several options.
    #[serde(default)]
    multiple: bool,
}

fn yes() -> bool {
    true
}

/// The front matter of a template letter (`content/letters/*.md`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "lmcpress letter front matter")]
pub(crate) struct LetterFile {
    /// Always `letter`.
    #[allow(dead_code)]
    #[schemars(with = "LetterKind")]
    kind: String,
    /// The letter's name in lists.
    title: String,
    /// The subject line; it may use the letter's fields.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    subject: Option<Spanned<String>>,
    /// Who signs: the practice's signatory, or a clinician from the profile.
    signed_by: SignedBy,
    /// The field whose value names each merged letter's file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    file_name_field: Option<Spanned<String>>,
    /// The values the letter asks for.
    #[serde(default)]
    fields: Vec<FieldFile>,
    /// When to use the letter, and when never to, in a sentence or two for the practice.
    #[serde(default)]
    use_when: Option<String>,
}

/// The front matter of the Advice & Guidance wording (`content/ag-disclaimer.md`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "lmcpress A&G wording front matter")]
pub(crate) struct AgFile {
    /// Always `ag-disclaimer`.
    #[allow(dead_code)]
    #[schemars(with = "AgKind")]
    kind: String,
    /// The wording's title.
    title: String,
    /// One sentence telling practices when to paste the wording.
    #[serde(default)]
    use_when: Option<String>,
}

/// The front matter of a kind declared as a plain page ([`crate::kinds::Front::Page`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFile {
    #[allow(dead_code)]
    kind: String,
    title: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    use_when: Option<String>,
}

/// The `kind:` each front matter names, as one-value enums so schemas insist on it.
macro_rules! kind_names {
    ($($ty:ident = $name:literal),* $(,)?) => {$(
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        pub(crate) enum $ty {
            #[serde(rename = $name)]
            Only,
        }
    )*};
}
kind_names!(
    GuideSectionKind = "guide-section",
    PosterKind = "poster",
    LetterKind = "letter",
    AgKind = "ag-disclaimer"
);

/// The pictures a poster can draw, for schemas (the same names as [`ICONS`]).
#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Icon {
    Calendar,
    Clock,
    Pharmacy,
    Phone,
    Hospital,
    Letter,
    Conversation,
}

/// Reads one Markdown document. All problems found in it are returned together.
pub fn load_document(root: &Path, path: &Path) -> Result<Document, Vec<Problem>> {
    parse_document(root, path, read_document(root, path)?)
}

/// The text of the Markdown file at `path`, as [`load_document`] reads it.
pub fn read_document(root: &Path, path: &Path) -> Result<Arc<str>, Vec<Problem>> {
    super::text::read(path).map(Arc::from).map_err(|e| {
        let shown = display_path(root, path);
        vec![Problem::error(&shown, format!("failed to read `{}`: {e}", shown.display()))]
    })
}

/// Reads `text` as the document at `path` would be read, without touching the file: for
/// drafts edited in the browser.
pub fn parse_document(root: &Path, path: &Path, text: Arc<str>) -> Result<Document, Vec<Problem>> {
    let shown = display_path(root, path);
    let Some((front, body_start)) = split_front_matter(&text) else {
        return Err(vec![Problem::error(&shown, "missing front matter").hint(
            "start the file with a `---` line, the document's YAML (kind, title, ...), then another `---` line",
        )]);
    };
    let front: Arc<str> = Arc::from(front);
    let relocate = |p: Problem| relocate(p, &text);
    let kind_only: KindOnly = yaml::parse(&shown, &front).map_err(|p| vec![relocate(p)])?;
    let Some(kind) = kind_only.kind else {
        return Err(vec![
            Problem::error(&shown, "front matter has no `kind`")
                .at(&text, 0..3)
                .hint(format!("add `kind:` with one of: {}", crate::kinds::names().join(", "))),
        ]);
    };
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut problems = Vec::new();
    // `<slug>.<lang>.md` is a translation; the language code is checked with the poster.
    let (base, lang) = match stem.split_once('.') {
        Some((base, lang))
            if crate::kinds::named(&kind.value).is_some_and(|k| k.translated)
                && !lang.is_empty()
                && !lang.contains('.') =>
        {
            (base, Some(lang))
        }
        _ => (stem.as_str(), None),
    };
    if !is_slug(base) {
        problems.push(
            Problem::error(&shown, format!("`{stem}` cannot be used in output file names")).hint(
                "rename the file using lower-case letters, digits and hyphens, such as `safe-limits.md`",
            ),
        );
    }
    use crate::kinds::Front;
    let declared = crate::kinds::named(&kind.value);
    let parsed = match declared.map(|d| (d.name, d.front)) {
        Some((_, Front::GuideSection)) => parse_guide(&shown, &front, &mut problems),
        Some((_, Front::Poster)) => parse_poster(&shown, &front, (base, lang), &kind, &mut problems),
        Some((_, Front::Letter)) => parse_letter(&shown, &front, &mut problems),
        Some((_, Front::AgWording)) => yaml::parse::<AgFile>(&shown, &front)
            .map(|f| (f.title, Kind::AgDisclaimer(AgWording { use_when: f.use_when }))),
        Some((name, Front::Page)) => yaml::parse::<PageFile>(&shown, &front)
            .map(|f| (f.title, Kind::Page(Page { kind: name, summary: f.summary, use_when: f.use_when }))),
        None => {
            let other = kind.value.as_str();
            let kinds = crate::kinds::names();
            let hint = match crate::diag::suggest(other, kinds.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("kinds are: {}", kinds.join(", ")),
            };
            Err(yaml::at_value(&shown, &front, &kind, format!("unknown document kind `{other}`")).hint(hint))
        }
    };
    let (title, kind) = match parsed {
        Ok(ok) => ok,
        Err(p) => {
            problems.push(p);
            return Err(problems.into_iter().map(relocate).collect());
        }
    };
    let doc = Document {
        slug: stem,
        title,
        kind,
        path: path.to_path_buf(),
        shown,
        text: text.clone(),
        body_start,
        sign_off: SignOff::NotRequired,
    };
    problems.extend(check_placeholders(&doc));
    problems.extend(check_signature(&doc));
    problems.extend(super::images::check(
        root,
        super::images::Source {
            path: &doc.path,
            shown: &doc.shown,
            text: &doc.text,
            body_start: doc.body_start,
        },
    ));
    if doc.kind.declaration().ascii_only {
        problems.extend(check_ascii(&doc));
    }
    if problems.is_empty() { Ok(doc) } else { Err(problems.into_iter().map(relocate).collect()) }
}

/// Front matter is parsed from a copy of the file's first lines; point the problem at the
/// file itself (same offsets) so the excerpt shows the real file.
fn relocate(mut p: Problem, text: &Arc<str>) -> Problem {
    if p.source.is_some() {
        p.source = Some(text.clone());
    }
    p
}

/// The front matter as a string with the same byte offsets as the file (the opening `---`
/// blanked out), and where the body starts.
fn split_front_matter(text: &str) -> Option<(String, usize)> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let mut pos = first_end + 1;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..line_end].trim_end() == "---" {
            let front = format!("{}{}", " ".repeat(first_end), &text[first_end..pos]);
            return Some((front, (line_end + 1).min(text.len())));
        }
        if line_end == text.len() {
            break;
        }
        pos = line_end + 1;
    }
    None
}

fn parse_guide(
    shown: &Path,
    front: &Arc<str>,
    problems: &mut Vec<Problem>,
) -> Result<(String, Kind), Problem> {
    let f: GuideFile = yaml::parse(shown, front)?;
    let mut date = |v: &Spanned<String>| -> Option<String> {
        match dates::parse_iso(&v.value) {
            Some(d) => Some(dates::long(d)),
            None => {
                problems.push(
                    yaml::at_value(shown, front, v, format!("`{}` is not a date", v.value))
                        .hint("write dates as YYYY-MM-DD, for example 2025-04-01"),
                );
                None
            }
        }
    };
    let reviewed = date(&f.reviewed).unwrap_or_default();
    let valid_from = f.valid_from.as_ref().and_then(&mut date);
    let valid_until = f.valid_until.as_ref().and_then(&mut date);
    let mut sources = Vec::new();
    for source in f.sources {
        let mut s = source.value.clone();
        if let Some(d) = &s.date {
            match dates::parse_iso(d) {
                Some(d) => s.date = Some(dates::long(d)),
                None => problems.push(
                    yaml::at_value(shown, front, &source, format!("`{d}` is not a date"))
                        .hint("write a source's date as YYYY-MM-DD, or leave `date` out"),
                ),
            }
        }
        if s.url.as_deref().is_some_and(|u| !(u.starts_with("https://") || u.starts_with("http://"))) {
            problems.push(
                yaml::at_value(shown, front, &source, "a source's `url` must be a web address".into())
                    .hint("start it with https://"),
            );
        }
        sources.push(s);
    }
    Ok((
        f.title,
        Kind::GuideSection(GuideSection {
            order: f.order,
            status: f.status,
            reviewed,
            valid_from,
            valid_until,
            summary: f.summary,
            change_note: f.change_note.filter(|n| !n.trim().is_empty()),
            sources,
            reviewed_on: dates::parse_iso(&f.reviewed.value),
            valid_until_on: f.valid_until.as_ref().and_then(|v| dates::parse_iso(&v.value)),
        }),
    ))
}

fn parse_poster(
    shown: &Path,
    front: &Arc<str>,
    name: (&str, Option<&str>),
    kind: &Spanned<String>,
    problems: &mut Vec<Problem>,
) -> Result<(String, Kind), Problem> {
    let f: PosterFile = yaml::parse(shown, front)?;
    let fields = crate::load::translation::Fields {
        status: &f.translation,
        reviewed_by: &f.reviewed_by,
        reviewed_on: &f.reviewed_on,
    };
    let translation = crate::load::translation::parse(shown, front, name, kind, fields, problems);
    if let Some(icon) = &f.icon
        && !ICONS.contains(&icon.value.as_str())
    {
        let hint = match crate::diag::suggest(&icon.value, ICONS) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("icons are: {}", ICONS.join(", ")),
        };
        problems
            .push(yaml::at_value(shown, front, icon, format!("unknown icon `{}`", icon.value)).hint(hint));
    }
    let icon = f.icon.map(|i| i.value);
    let band = match f.band {
        Some(b) if name.1.is_none() => {
            problems.push(
                yaml::at_value(shown, front, &b, "`band` is only for translated posters".into())
                    .hint("English posters use the band of the poster template"),
            );
            None
        }
        Some(b) => {
            let line = |text: &str| match text.split_once('|') {
                Some((lead, rest)) => BandLine { lead: lead.trim().into(), rest: rest.trim().into() },
                None => BandLine { lead: String::new(), rest: text.trim().into() },
            };
            Some(Band { emergency: line(&b.value.emergency), not_sure: line(&b.value.not_sure) })
        }
        None => None,
    };
    Ok((
        f.title,
        Kind::Poster(Poster {
            summary: f.summary,
            order: f.order,
            opt_in: f.opt_in,
            icon,
            translation,
            band,
        }),
    ))
}

fn parse_letter(
    shown: &Path,
    front: &Arc<str>,
    problems: &mut Vec<Problem>,
) -> Result<(String, Kind), Problem> {
    let f: LetterFile = yaml::parse(shown, front)?;
    let mut fields: Vec<Field> = Vec::new();
    for field in &f.fields {
        let name = field.name.value.clone();
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            problems.push(
                yaml::at_value(shown, front, &field.name, format!("`{name}` is not a field name"))
                    .hint("use lower-case letters, digits and underscores, such as `patient_name`"),
            );
        } else if fields.iter().any(|f| f.name == name) {
            problems.push(yaml::at_value(
                shown,
                front,
                &field.name,
                format!("field `{name}` is declared twice"),
            ));
        }
        if field.kind == FieldKind::Choice && field.options.is_empty() {
            problems.push(
                yaml::at_value(shown, front, &field.name, format!("choice field `{name}` has no `options`"))
                    .hint("list them as `options: [{value: a, text: \"...\"}, ...]`"),
            );
        } else if field.kind != FieldKind::Choice && (!field.options.is_empty() || field.multiple) {
            problems.push(
                yaml::at_value(
                    shown,
                    front,
                    &field.name,
                    format!("field `{name}` has options but is not a choice"),
                )
                .hint("add `kind: choice`"),
            );
        }
        let label = field.label.clone().unwrap_or_else(|| default_label(&name));
        fields.push(Field {
            name,
            label,
            kind: field.kind,
            required: field.required,
            options: field.options.clone(),
            multiple: field.multiple,
        });
    }
    if f.signed_by == SignedBy::Clinician {
        for (name, label) in CLINICIAN_FIELDS {
            if let Some(own) = f.fields.iter().find(|x| x.name.value == name) {
                problems.push(
                    yaml::at_value(
                        shown,
                        front,
                        &own.name,
                        format!("`{name}` is set for every clinical letter"),
                    )
                    .hint("remove it: the signing clinician comes from the profile or the recipient data"),
                );
            } else {
                fields.push(Field {
                    name: name.into(),
                    label: label.into(),
                    required: false,
                    ..Default::default()
                });
            }
        }
    }
    if let Some(file_field) = &f.file_name_field
        && !fields.iter().any(|x| x.name == file_field.value)
    {
        problems.push(
            yaml::at_value(
                shown,
                front,
                file_field,
                format!("`file_name_field` names `{}`, which is not a field", file_field.value),
            )
            .hint("name one of the letter's `fields`"),
        );
    }
    let subject = f.subject.as_ref().map(|s| {
        let known = |name: &str| is_known(name, &fields);
        for ph in markdown::placeholders(&s.value) {
            if !known(&ph.name) {
                problems.push(
                    yaml::at_value(
                        shown,
                        front,
                        s,
                        format!("`subject` uses `{{{{ {} }}}}`, which is not a field", ph.name),
                    )
                    .hint("declare it under `fields`, or use a practice.* or lmc.* value"),
                );
            }
        }
        s.value.clone()
    });
    Ok((
        f.title,
        Kind::Letter(Letter {
            subject,
            signed_by: f.signed_by,
            file_name_field: f.file_name_field.map(|s| s.value),
            fields,
            use_when: f.use_when,
        }),
    ))
}

fn default_label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

fn is_known(name: &str, fields: &[Field]) -> bool {
    PRACTICE_FIELDS.contains(&name) || LMC_FIELDS.contains(&name) || fields.iter().any(|f| f.name == name)
}

/// A clinical letter that named the practice's signatory anywhere could go out over a
/// non-clinician's name, so it is refused.
fn check_signature(doc: &Document) -> Vec<Problem> {
    let Kind::Letter(Letter { signed_by: SignedBy::Clinician, .. }) = &doc.kind else { return Vec::new() };
    markdown::placeholders(doc.body())
        .into_iter()
        .filter(|ph| ph.name.starts_with("practice.signatory."))
        .map(|ph| {
            let span = doc.body_start + ph.range.start..doc.body_start + ph.range.end;
            Problem::error(&doc.shown, format!("a clinical letter cannot name `{}`", ph.name))
                .at(&doc.text, span)
                .hint("the practice's signatory may not be a clinician; clinical letters are signed by the clinician under the letter")
        })
        .collect()
}

/// A&G wording is pasted into clinical systems that may mangle anything but ASCII.
fn check_ascii(doc: &Document) -> Vec<Problem> {
    let body = doc.body();
    let Some((at, c)) = body.char_indices().find(|(_, c)| !c.is_ascii()) else { return Vec::new() };
    let start = doc.body_start + at;
    vec![
        Problem::error(&doc.shown, format!("`{c}` is not plain ASCII"))
            .at(&doc.text, start..start + c.len_utf8())
            .hint("use straight quotes ' and \", and - for dashes, so the text pastes cleanly into any clinical system"),
    ]
}

fn check_placeholders(doc: &Document) -> Vec<Problem> {
    let fields: &[Field] = match &doc.kind {
        Kind::Letter(letter) => &letter.fields,
        _ => &[],
    };
    markdown::placeholders(doc.body())
        .into_iter()
        .filter(|ph| !is_known(&ph.name, fields))
        .map(|ph| {
            let span = doc.body_start + ph.range.start..doc.body_start + ph.range.end;
            let candidates = PRACTICE_FIELDS
                .iter()
                .chain(LMC_FIELDS.iter())
                .copied()
                .chain(fields.iter().map(|f| f.name.as_str()));
            let hint = match crate::diag::suggest(&ph.name, candidates) {
                Some(near) => format!("did you mean `{near}`?"),
                None if matches!(doc.kind, Kind::Letter(_)) => {
                    "declare it under `fields` in the front matter".to_string()
                }
                None => "only practice.* and lmc.* values can be used here".to_string(),
            };
            let own: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            Problem::error(&doc.shown, format!("unknown placeholder `{}`", ph.name))
                .at(&doc.text, span)
                .hint(hint)
                .hint(super::braces::known_hint(&ph.name, &own))
        })
        .chain(super::braces::unclosed(&doc.shown, &doc.text, doc.body_start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn load(name: &str, text: &str) -> Result<Document, Vec<Problem>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        load_document(dir.path(), &path)
    }

    #[test]
    fn front_matter_split_keeps_offsets() {
        let text = "---\nkind: poster\n---\nBody";
        let (front, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[body..], "Body");
        assert_eq!(&front[4..16], "kind: poster");
        assert!(split_front_matter("no front matter").is_none());
        assert!(split_front_matter("---\nkind: x\n").is_none());
    }

    #[test]
    fn loads_each_kind() {
        let d =
            load("p.md", "---\nkind: poster\ntitle: T\nsummary: S\n---\nHello {{ practice.name }}").unwrap();
        assert!(matches!(d.kind, Kind::Poster(_)));
        assert_eq!(d.body(), "Hello {{ practice.name }}");
        let d = load(
            "l.md",
            "---\nkind: letter\ntitle: L\nsigned_by: practice\nsubject: \"Re: {{ patient_name }}\"\nfields:\n  - name: patient_name\n  - name: when\n    kind: date\n    required: false\n---\nDear {{ patient_name }}",
        )
        .unwrap();
        let Kind::Letter(letter) = &d.kind else { panic!() };
        assert_eq!(letter.fields[0].label, "Patient name");
        assert_eq!(letter.fields[1].kind, FieldKind::Date);
        assert!(!letter.fields[1].required);
        assert!(letter.subject.as_ref().unwrap().contains("{{ patient_name }}"));
    }

    #[test]
    fn unknown_placeholder_is_located_in_the_file() {
        let errs = load("p.md", "---\nkind: poster\ntitle: T\nsummary: S\n---\nCall {{ practice.phnoe }}")
            .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line_col(), Some((6, 6)));
        assert_eq!(errs[0].hints[0], "did you mean `practice.phone`?");
        assert!(errs[0].hints[1].starts_with("the practice's placeholders are `practice.name`"));
    }

    #[test]
    fn bad_front_matter_is_located_in_the_file() {
        let errs = load(
            "g.md",
            "---\nkind: guide-section\ntitle: T\norder: 1\nstatus: current\nreviewed: 2025-13-01\n---\n",
        )
        .unwrap_err();
        assert_eq!(errs[0].line_col().map(|(l, _)| l), Some(6), "{errs:#?}");
        let errs = load("g.md", "---\nkind: guide-sectoin\n---\n").unwrap_err();
        assert_eq!(errs[0].hints, vec!["did you mean `guide-section`?".to_string()]);
        let errs = load("g.md", "---\nkind: poster\ntitle: T\nsumary: S\n---\n").unwrap_err();
        assert_eq!(errs[0].line_col().map(|(l, _)| l), Some(4), "{errs:#?}");
        assert!(load("Bad Name.md", "---\nkind: ag-disclaimer\ntitle: T\n---\n").is_err());
    }

    #[test]
    fn poster_icon_is_checked_against_the_known_pictures() {
        let d = load("p.md", "---\nkind: poster\ntitle: T\nsummary: S\nicon: clock\n---\n").unwrap();
        let Kind::Poster(p) = &d.kind else { panic!() };
        assert_eq!(p.icon.as_deref(), Some("clock"));
        let errs = load("p.md", "---\nkind: poster\ntitle: T\nsummary: S\nicon: clcok\n---\n").unwrap_err();
        assert_eq!(errs[0].line_col(), Some((5, 7)), "{errs:#?}");
        assert_eq!(errs[0].hints, vec!["did you mean `clock`?".to_string()]);
    }
}

#[cfg(test)]
mod safety_tests {
    use super::tests::load;
    use super::*;

    #[test]
    fn letters_must_say_who_signs() {
        let errs = load("l.md", "---\nkind: letter\ntitle: L\n---\nBody").unwrap_err();
        assert!(errs[0].message.contains("signed_by"), "{errs:#?}");
        let errs = load("l.md", "---\nkind: letter\ntitle: L\nsigned_by: manager\n---\nBody").unwrap_err();
        assert_eq!(errs[0].line_col().map(|(l, _)| l), Some(4), "{errs:#?}");
    }

    #[test]
    fn clinical_letters_get_clinician_fields_and_may_not_name_the_signatory() {
        let d = load("l.md", "---\nkind: letter\ntitle: L\nsigned_by: clinician\n---\nBody").unwrap();
        let Kind::Letter(letter) = &d.kind else { panic!() };
        let names: Vec<&str> = letter.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["clinician", "clinician_name", "clinician_role", "clinician_registration"]);
        let errs = load(
            "l.md",
            "---\nkind: letter\ntitle: L\nsigned_by: clinician\n---\nBody\n\n{{ practice.signatory.name }}",
        )
        .unwrap_err();
        assert_eq!(errs[0].line_col(), Some((8, 1)), "{errs:#?}");
        assert!(
            load(
                "l.md",
                "---\nkind: letter\ntitle: L\nsigned_by: practice\n---\n{{ practice.signatory.name }}"
            )
            .is_ok()
        );
    }

    #[test]
    fn choice_fields_need_options() {
        let ok = "---\nkind: letter\ntitle: L\nsigned_by: practice\nfields:\n  - name: why\n    kind: choice\n    multiple: true\n    options:\n      - {value: a, text: Because A.}\n---\n{{ why }}";
        let d = load("l.md", ok).unwrap();
        let Kind::Letter(letter) = &d.kind else { panic!() };
        assert_eq!(letter.fields[0].options[0].text, "Because A.");
        assert!(letter.fields[0].multiple);
        let bad = "---\nkind: letter\ntitle: L\nsigned_by: practice\nfields:\n  - name: why\n    kind: choice\n---\n";
        assert!(load("l.md", bad).unwrap_err()[0].message.contains("no `options`"));
    }

    #[test]
    fn ag_wording_must_be_ascii() {
        let errs =
            load("a.md", "---\nkind: ag-disclaimer\ntitle: T\n---\nWe agree \u{2014} thanks").unwrap_err();
        assert_eq!(errs[0].line_col(), Some((5, 10)), "{errs:#?}");
        assert!(load("a.md", "---\nkind: ag-disclaimer\ntitle: T\n---\nWe agree - thanks").is_ok());
    }

    #[test]
    fn posters_opt_in_is_read() {
        let d = load("p.md", "---\nkind: poster\ntitle: T\nsummary: S\nopt_in: true\n---\nHi").unwrap();
        assert!(matches!(d.kind, Kind::Poster(Poster { opt_in: true, .. })));
    }
}
