//! The LMC (`content/lmc.yaml`) and practice profiles (`content/practices/*.yaml`):
//! reading and validation. No typst, no tera.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::approval::{
    self,
    people::{People, Person, Role},
};
use crate::diag::{Problem, display_path};
use crate::load::colour::Rgb;
use crate::load::dates;
use crate::load::yaml;

#[derive(Debug, Clone, Serialize)]
pub struct Signatory {
    pub name: String,
    pub role: String,
}

/// Who signs the practice's letters (clinical letters are signed by a clinician instead).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignatoryFile {
    /// The signatory's name as printed under the signature.
    name: String,
    /// Their role, such as Practice Manager.
    role: String,
}

/// A clinician who may sign clinical letters: a doctor with a GMC number or a nurse with an
/// NMC PIN. Clinical letters are never signed by the practice's general signatory.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Clinician {
    pub name: String,
    pub role: String,
    /// "GMC 1234567" or "NMC 12A3456E", as printed under the signature.
    pub registration: String,
}

impl Clinician {
    /// Whether `key` (from recipient data) names this clinician: by name, or by number with
    /// or without its register's prefix.
    pub fn is(&self, key: &str) -> bool {
        let key = key.trim();
        let number = self.registration.split_once(' ').map_or("", |(_, n)| n);
        key.eq_ignore_ascii_case(&self.name)
            || key.eq_ignore_ascii_case(&self.registration)
            || key.eq_ignore_ascii_case(number)
    }
}

/// A clinician who may sign clinical letters: give a GMC number or an NMC PIN, not both.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClinicianFile {
    /// The clinician's name as printed under the signature, such as Dr A Patel.
    name: String,
    /// Their role, such as GP Partner or Practice Nurse.
    role: String,
    /// A doctor's GMC reference number: seven digits.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^[0-9]{7}$"))]
    gmc: Option<Spanned<String>>,
    /// A nurse's NMC PIN, such as 12A3456E.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^[0-9]{2}[A-Za-z][0-9]{4}[A-Za-z]$"))]
    nmc: Option<Spanned<String>>,
}

/// A GMC reference number is seven digits.
pub fn is_gmc_number(s: &str) -> bool {
    s.len() == 7 && s.chars().all(|c| c.is_ascii_digit())
}

/// An NMC PIN is two digits, a letter, four digits and a letter, such as 12A3456E.
pub fn is_nmc_pin(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[2].is_ascii_alphabetic()
        && b[3..7].iter().all(u8::is_ascii_digit)
        && b[7].is_ascii_alphabetic()
}

/// "GMC 1234567" / "NMC 12A3456E" from whichever the profile gives, or a problem.
pub fn registration(gmc: Option<&str>, nmc: Option<&str>) -> Result<String, String> {
    match (gmc.map(str::trim), nmc.map(str::trim)) {
        (Some(g), None) if is_gmc_number(g) => Ok(format!("GMC {g}")),
        (Some(g), None) => Err(format!("`{g}` is not a GMC number (seven digits)")),
        (None, Some(n)) if is_nmc_pin(&n.to_ascii_uppercase()) => {
            Ok(format!("NMC {}", n.to_ascii_uppercase()))
        }
        (None, Some(n)) => Err(format!("`{n}` is not an NMC PIN (such as 12A3456E)")),
        (Some(_), Some(_)) => Err("give a GMC number or an NMC PIN, not both".into()),
        (None, None) => Err("a clinician needs a GMC number (`gmc:`) or an NMC PIN (`nmc:`)".into()),
    }
}

/// Which posters a practice wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PosterChoice {
    All,
    Only(Vec<String>),
}

/// `all`, or the list of poster names the practice wants.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum PostersFile {
    Word(String),
    List(Vec<String>),
}

/// A GP practice's profile: `content/practices/<name>.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "lmcpress practice profile")]
pub(crate) struct PracticeFile {
    /// The practice's ODS code: a capital letter then five digits, such as C82001.
    #[schemars(with = "String", regex(pattern = r"^[A-Z][0-9]{5}$"))]
    ods_code: Spanned<String>,
    /// The practice's name as patients know it.
    name: String,
    /// The address lines, without the postcode.
    address: Vec<String>,
    /// The postcode.
    postcode: String,
    /// The phone number patients call: a UK number with its area code, such as 0116 496 0123.
    #[schemars(with = "String")]
    phone: Spanned<String>,
    /// A number for health professionals that does not go through the patients' queue (a
    /// bypass line), if the practice has one: letters give it wherever they ask a clinician
    /// to call back urgently.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    professional_phone: Option<Spanned<String>>,
    /// The practice's e-mail address.
    #[schemars(with = "String", email)]
    email: Spanned<String>,
    /// The practice's website, if it has one.
    #[serde(default)]
    website: Option<String>,
    /// The logo's file, relative to content/practices/ (SVG or PNG).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    logo: Option<Spanned<String>>,
    /// The practice's colour as #RRGGBB (or #RGB); text on it is chosen for contrast.
    #[schemars(with = "String", regex(pattern = r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$"))]
    brand_colour: Spanned<String>,
    /// Who signs the practice's own letters.
    signatory: SignatoryFile,
    /// Clinicians who may sign clinical letters.
    #[serde(default)]
    #[schemars(with = "Vec<ClinicianFile>")]
    clinicians: Vec<Spanned<ClinicianFile>>,
    /// Which posters to make: `all` (the default), or a list of poster names.
    #[serde(default)]
    #[schemars(with = "Option<PostersFile>")]
    posters: Option<Spanned<PostersFile>>,
    /// Languages besides English to make translated posters in, such as `pa` or `ur`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    languages: Vec<Spanned<String>>,
}

/// A validated practice, as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct Practice {
    pub ods_code: String,
    pub name: String,
    pub address: Vec<String>,
    pub postcode: String,
    pub phone: String,
    /// The bypass line for health professionals, if any (`practice.professional_line`).
    pub professional_phone: Option<String>,
    pub email: String,
    pub website: Option<String>,
    /// Path typst reads the logo from, absolute from the project root ("/content/...").
    pub logo: Option<String>,
    pub brand_colour: String,
    /// White or dark, whichever meets WCAG AA on the brand colour.
    pub brand_text: String,
    pub signatory: Signatory,
    /// Who may sign clinical letters.
    pub clinicians: Vec<Clinician>,
    #[serde(skip)]
    pub posters: PosterChoice,
    /// Codes of the languages (besides English) the practice's posters are made in.
    pub languages: Vec<&'static str>,
    /// The profile file (real path) and the logo file, for dependency tracking.
    #[serde(skip)]
    pub path: PathBuf,
}

impl Practice {
    /// An `opt_in` poster states a practice's own arrangements as fact, so `posters: all`
    /// never selects it: only a practice that lists it by name gets it.
    pub fn wants_poster(&self, slug: &str, opt_in: bool) -> bool {
        match &self.posters {
            PosterChoice::All => !opt_in,
            PosterChoice::Only(list) => list.iter().any(|p| p == slug),
        }
    }

    /// Whether this practice gets `poster` (`slug` is its file's stem): a translation goes
    /// to practices that want its English poster and list its language. The plan, the
    /// what's-new page and serve all ask here.
    pub fn wants(&self, slug: &str, poster: &crate::load::content::Poster) -> bool {
        match &poster.translation {
            None => self.wants_poster(slug, poster.opt_in),
            Some(t) => self.languages.contains(&t.lang) && self.wants_poster(&t.of, poster.opt_in),
        }
    }

    pub fn clinician(&self, key: &str) -> Option<&Clinician> {
        self.clinicians.iter().find(|c| c.is(key))
    }
}

/// The LMC guide's title page and file name.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GuideFile {
    /// The guide's title.
    title: String,
    /// A line under the title.
    #[serde(default)]
    subtitle: Option<String>,
    /// The guide's file name, without extension: lower-case letters, digits and hyphens.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    slug: Spanned<String>,
    /// The date the guide is published, YYYY-MM-DD.
    #[schemars(with = "String", regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    published: Spanned<String>,
}

/// The Local Medical Committee: `content/lmc.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "lmcpress LMC settings")]
pub(crate) struct LmcFile {
    /// The LMC's full name.
    name: String,
    /// A short name for headers and footers, such as Anytown LMC.
    short_name: String,
    /// The LMC's website.
    #[serde(default)]
    website: Option<String>,
    /// The LMC's e-mail address.
    #[serde(default)]
    #[schemars(with = "Option<String>", email)]
    email: Option<Spanned<String>>,
    /// The LMC's phone number: a UK number with its area code. Leave it out if it should not
    /// be printed.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    phone: Option<Spanned<String>>,
    /// The LMC's address lines.
    #[serde(default)]
    address: Vec<String>,
    /// The house colour as #RRGGBB (or #RGB).
    #[schemars(with = "String", regex(pattern = r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$"))]
    brand_colour: Spanned<String>,
    /// The LMC's logo file, relative to content/.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    logo: Option<Spanned<String>>,
    /// The edition the content is written for, such as 2026/27.
    edition: String,
    /// The guide's title page.
    guide: GuideFile,
    /// `required`: nothing reaches a practice until a named person other than its last editor
    /// has approved it (see `people`). `off`, the default: documents go out as they are.
    #[serde(default)]
    approval: Option<ApprovalSetting>,
    /// The LMC's people and what each may do: editor, approver, translator (with
    /// `languages`), safety-officer. Each gets a private link with `lmcpress access grant
    /// --person NAME`.
    #[serde(default)]
    people: Vec<Person>,
    /// The address practices and the LMC reach `lmcpress serve` at, such as
    /// https://docs.example-lmc.org: the private links `lmcpress access grant` and `notify`
    /// make start with it, and `serve` prints it.
    #[serde(default)]
    #[schemars(with = "Option<String>", url)]
    public_url: Option<Spanned<String>>,
    /// How many days a practice's private link keeps its browser signed in: 90 unless set,
    /// at most 400 (browsers keep no cookie longer). `lmcpress access revoke` ends it at once.
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1, max = 400))]
    sign_in_days: Option<Spanned<u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum ApprovalSetting {
    /// A named person must approve every content file before practices get it.
    Required,
    /// Documents are built and given out as they are.
    Off,
}

#[derive(Debug, Clone, Serialize)]
pub struct GuideInfo {
    pub title: String,
    pub subtitle: Option<String>,
    pub slug: String,
    pub published: String,
    pub published_iso: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Lmc {
    pub name: String,
    pub short_name: String,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
    pub brand_colour: String,
    pub brand_text: String,
    pub logo: Option<String>,
    pub edition: String,
    pub guide: GuideInfo,
    /// Whether practices get only what a named person approved.
    pub approval_required: bool,
    pub people: People,
}

/// Reads and checks `content/lmc.yaml`.
pub fn load_lmc(root: &Path, path: &Path) -> Result<Lmc, Vec<Problem>> {
    lmc_from(root, path, read(root, path)?)
}

/// Checks `content/lmc.yaml` already read as `text`.
pub fn lmc_from(root: &Path, path: &Path, text: Arc<str>) -> Result<Lmc, Vec<Problem>> {
    let shown = display_path(root, path);
    let file: LmcFile = yaml::parse(&shown, &text).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let mut check = |r: Result<String, Problem>| r.map_err(|p| problems.push(p)).ok();
    let colours = check(brand(&shown, &text, &file.brand_colour));
    let logo = match &file.logo {
        Some(logo) => check(logo_path(root, path, &shown, &text, logo)),
        None => None,
    };
    if let Some(email) = &file.email {
        check(email_ok(&shown, &text, email));
    }
    if let Some(phone) = &file.phone {
        check(phone_ok(&shown, &text, phone));
    }
    let published = check(date(&shown, &text, &file.guide.published));
    let slug = check(slug_ok(&shown, &text, &file.guide.slug));
    problems.extend(check_people(&shown, &text, &file.people));
    if let Err(found) = serving_of(&shown, &text, file.public_url.as_ref(), file.sign_in_days.as_ref()) {
        problems.extend(found);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let (brand_colour, brand_text) = split_colours(colours.unwrap_or_default());
    let published_iso = file.guide.published.value.trim().to_string();
    Ok(Lmc {
        name: file.name,
        short_name: file.short_name,
        website: file.website,
        email: file.email.map(|e| e.value),
        phone: file.phone.map(|p| p.value),
        address: file.address,
        brand_colour,
        brand_text,
        logo,
        edition: file.edition,
        guide: GuideInfo {
            title: file.guide.title,
            subtitle: file.guide.subtitle,
            slug: slug.unwrap_or_default(),
            published: published.unwrap_or_default(),
            published_iso,
        },
        approval_required: file.approval == Some(ApprovalSetting::Required),
        people: People(file.people),
    })
}

/// How `serve` is reached and how long a practice stays signed in: `lmc.yaml`'s
/// `public_url:` and `sign_in_days:`. `serve`, `access grant` and `notify` read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serving {
    pub public_url: Option<url::Url>,
    pub sign_in_days: u32,
}

/// How long a practice's link keeps its browser signed in when `lmc.yaml` does not say.
pub const DEFAULT_SIGN_IN_DAYS: u32 = 90;
/// Browsers keep no cookie longer than 400 days, so a longer setting would quietly not hold.
const MAX_SIGN_IN_DAYS: u32 = 400;

impl Default for Serving {
    fn default() -> Serving {
        Serving { public_url: None, sign_in_days: DEFAULT_SIGN_IN_DAYS }
    }
}

/// Only the keys `serving` reads: the rest of `lmc.yaml` is judged by the project's load, so a
/// mistake elsewhere in it does not stop `access grant` or `serve`.
#[derive(Deserialize)]
struct ServingFile {
    #[serde(default)]
    public_url: Option<Spanned<String>>,
    #[serde(default)]
    sign_in_days: Option<Spanned<u32>>,
}

/// `public_url:` and `sign_in_days:` of the project at `root`, checked; the defaults when
/// there is no `content/lmc.yaml`.
pub fn serving(root: &Path) -> Result<Serving, Vec<Problem>> {
    let path = root.join("content").join("lmc.yaml");
    if !path.exists() {
        return Ok(Serving::default());
    }
    let text = read(root, &path)?;
    let shown = display_path(root, &path);
    let file: ServingFile = yaml::parse(&shown, &text).map_err(|p| vec![p])?;
    serving_of(&shown, &text, file.public_url.as_ref(), file.sign_in_days.as_ref())
}

fn serving_of(
    shown: &Path,
    text: &Arc<str>,
    public_url: Option<&Spanned<String>>,
    days: Option<&Spanned<u32>>,
) -> Result<Serving, Vec<Problem>> {
    let mut problems = Vec::new();
    let public_url = public_url.and_then(|u| {
        public_url_ok(&u.value)
            .map_err(|(message, hint)| problems.push(yaml::at_value(shown, text, u, message).hint(hint)))
            .ok()
    });
    let sign_in_days = match days {
        None => DEFAULT_SIGN_IN_DAYS,
        Some(d) if (1..=MAX_SIGN_IN_DAYS).contains(&d.value) => d.value,
        Some(d) => {
            problems.push(
                yaml::at_value(shown, text, d, format!("`sign_in_days: {}` is out of range", d.value))
                    .hint(format!("give a number of days from 1 to {MAX_SIGN_IN_DAYS}: browsers keep a sign-in no longer")),
            );
            DEFAULT_SIGN_IN_DAYS
        }
    };
    if problems.is_empty() { Ok(Serving { public_url, sign_in_days }) } else { Err(problems) }
}

/// An address practices can open: http or https, a host, and nothing after it, since every
/// page of `serve` sits at the root of its address. The message and hint when it is not.
pub fn public_url_ok(value: &str) -> Result<url::Url, (String, String)> {
    let example = "such as https://docs.example-lmc.org";
    let url = match url::Url::parse(value.trim()) {
        Ok(url) => url,
        Err(_) => {
            return Err((
                format!("`{value}` is not a web address"),
                format!("write the whole address practices open, starting https://, {example}"),
            ));
        }
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err((
            format!("`{value}` is not an http:// or https:// address"),
            format!("write the address practices open in their browser, {example}"),
        ));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err((
            format!("`{value}` has more than a site's address"),
            format!("serve's pages sit at the root of their address: give only the start, {example}"),
        ));
    }
    Ok(url)
}

/// Every person named once, with at least one role, and languages only for a translator.
fn check_people(shown: &Path, text: &Arc<str>, people: &[Person]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let at = |name: &str, message: String| {
        let problem = Problem::error(shown, message);
        match text.find(&format!("name: {name}")).or_else(|| text.find(name)) {
            Some(i) if !name.is_empty() => problem.at(text, i..i + name.len().max(1)),
            _ => problem,
        }
    };
    for (i, person) in people.iter().enumerate() {
        let name = person.name.trim();
        if name.is_empty() || name.chars().any(char::is_control) {
            problems.push(at(name, format!("person {} under `people:` needs a name on one line", i + 1)));
            continue;
        }
        if people[..i].iter().any(|p| approval::people::same_person(&p.name, name)) {
            problems.push(
                at(name, format!("{name} is listed twice under `people:`"))
                    .hint("list each person once, with all of their roles"),
            );
        }
        if person.roles.is_empty() {
            problems.push(
                at(name, format!("{name} has no roles"))
                    .hint("give `roles:` one or more of: editor, approver, translator, safety-officer"),
            );
        }
        let translator = person.has(Role::Translator);
        if translator && person.languages.is_empty() {
            problems.push(
                at(name, format!("{name} is a translator but names no languages"))
                    .hint("add `languages: [gu]` (the codes of the languages they translate)"),
            );
        }
        if !translator && !person.languages.is_empty() {
            problems.push(
                at(name, format!("{name} has `languages:` but not the translator role"))
                    .hint("add `translator` to their roles, or remove `languages:`"),
            );
        }
    }
    problems
}

/// Reads and checks one practice profile. Every problem in it is reported, not just the first.
pub fn load_practice(root: &Path, path: &Path) -> Result<Practice, Vec<Problem>> {
    practice_from(root, path, read(root, path)?)
}

/// Checks a practice profile already read as `text`.
pub fn practice_from(root: &Path, path: &Path, text: Arc<str>) -> Result<Practice, Vec<Problem>> {
    let shown = display_path(root, path);
    let file: PracticeFile = yaml::parse(&shown, &text).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let mut check = |r: Result<String, Problem>| r.map_err(|p| problems.push(p)).ok();
    check(ods_ok(&shown, &text, &file.ods_code));
    check(email_ok(&shown, &text, &file.email));
    let colours = check(brand(&shown, &text, &file.brand_colour));
    let logo = match &file.logo {
        Some(logo) => check(logo_path(root, path, &shown, &text, logo)),
        None => None,
    };
    let posters = match file.posters {
        None => PosterChoice::All,
        Some(Spanned { value: PostersFile::List(list), .. }) => PosterChoice::Only(list),
        Some(Spanned { value: PostersFile::Word(word), .. }) if word == "all" => PosterChoice::All,
        Some(spanned) => {
            problems.push(
                yaml::at_value(
                    &shown,
                    &text,
                    &spanned,
                    "`posters` must be `all` or a list of poster names".into(),
                )
                .hint("for example `posters: [safe-daily-limits, where-to-get-help]`"),
            );
            PosterChoice::All
        }
    };
    let mut languages = Vec::new();
    for code in &file.languages {
        match crate::load::lang::find(code.value.trim()) {
            Some(l) if !languages.contains(&l.code) => languages.push(l.code),
            Some(_) => {}
            None => {
                let hint = match crate::diag::suggest(&code.value, crate::load::lang::codes()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => {
                        format!(
                            "language codes are: {}",
                            crate::load::lang::codes().collect::<Vec<_>>().join(", ")
                        )
                    }
                };
                problems.push(
                    yaml::at_value(&shown, &text, code, format!("unknown language code `{}`", code.value))
                        .hint(hint),
                );
            }
        }
    }
    let mut clinicians = Vec::new();
    for c in &file.clinicians {
        let gmc = c.value.gmc.as_ref().map(|s| s.value.as_str());
        let nmc = c.value.nmc.as_ref().map(|s| s.value.as_str());
        match registration(gmc, nmc) {
            Ok(registration) => clinicians.push(Clinician {
                name: c.value.name.trim().to_string(),
                role: c.value.role.trim().to_string(),
                registration,
            }),
            Err(msg) => {
                let at = c.value.gmc.as_ref().or(c.value.nmc.as_ref());
                let problem = match at {
                    Some(v) => yaml::at_value(&shown, &text, v, msg),
                    None => yaml::at_value(&shown, &text, c, msg),
                };
                problems.push(problem.hint(
                    "clinical letters are signed only by registered clinicians: add `gmc: \"1234567\"` or `nmc: 12A3456E`",
                ));
            }
        }
    }
    if let Err(p) = phone_ok(&shown, &text, &file.phone) {
        problems.push(p);
    }
    if let Some(bypass) = file.professional_phone.as_ref().filter(|p| !p.value.trim().is_empty())
        && let Err(p) = phone_ok(&shown, &text, bypass)
    {
        problems.push(p);
    }
    for (field, value) in [("name", &file.name), ("postcode", &file.postcode)] {
        if value.trim().is_empty() {
            problems.push(Problem::error(&shown, format!("`{field}` is empty")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let (brand_colour, brand_text) = split_colours(colours.unwrap_or_default());
    Ok(Practice {
        ods_code: file.ods_code.value,
        name: file.name,
        address: file.address,
        postcode: file.postcode,
        phone: file.phone.value,
        professional_phone: file.professional_phone.map(|p| p.value).filter(|p| !p.trim().is_empty()),
        email: file.email.value,
        website: file.website,
        logo,
        brand_colour,
        brand_text,
        signatory: Signatory { name: file.signatory.name, role: file.signatory.role },
        clinicians,
        posters,
        languages,
        path: path.to_path_buf(),
    })
}

/// The text of a YAML input, or the problem of reading it.
pub fn read(root: &Path, path: &Path) -> Result<Arc<str>, Vec<Problem>> {
    let shown = display_path(root, path);
    match super::text::read(path) {
        Ok(text) => Ok(Arc::from(text)),
        Err(e) => Err(vec![Problem::error(&shown, format!("failed to read `{}`: {e}", shown.display()))]),
    }
}

/// A practice ODS code: a capital letter then five digits. The one rule: profiles, serve's
/// addresses and `access` all ask here (addresses and the command line upper-case first).
pub fn is_ods(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

fn ods_ok(file: &Path, text: &Arc<str>, ods: &Spanned<String>) -> Result<String, Problem> {
    let v = ods.value.as_str();
    if is_ods(v) {
        return Ok(v.to_string());
    }
    Err(yaml::at_value(file, text, ods, format!("`{v}` is not a practice ODS code"))
        .hint("a practice ODS code is a capital letter then five digits, such as C82001"))
}

fn email_ok(file: &Path, text: &Arc<str>, email: &Spanned<String>) -> Result<String, Problem> {
    let v = email.value.trim();
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !v.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(v.to_string())
    } else {
        Err(yaml::at_value(file, text, email, format!("`{v}` is not an e-mail address"))
            .hint("write it as name@example.org"))
    }
}

/// Returns "COLOUR TEXT" (both as #RRGGBB) so callers keep one string per check.
/// A phone number patients can dial: refused with the number as it should be written.
fn phone_ok(file: &Path, text: &Arc<str>, phone: &Spanned<String>) -> Result<String, Problem> {
    match crate::load::phone::check_uk(&phone.value) {
        Ok(written) => Ok(written),
        // Digits that are no number in use only warn (`check` says so): see `project::phone_warnings`.
        Err(fault) if !fault.is_error => Ok(phone.value.clone()),
        Err(fault) => Err(yaml::at_value(file, text, phone, fault.message).hint(fault.hint)),
    }
}

fn brand(file: &Path, text: &Arc<str>, colour: &Spanned<String>) -> Result<String, Problem> {
    let Some(rgb) = Rgb::parse(&colour.value) else {
        return Err(yaml::at_value(file, text, colour, format!("`{}` is not a colour", colour.value))
            .hint("write colours as hex, for example \"#005EB8\" (quoted, since # starts a YAML comment)"));
    };
    match rgb.readable_text() {
        Ok(on) => Ok(format!("{rgb} {on}")),
        Err(e) => Err(yaml::at_value(file, text, colour, e.to_string())
            .hint("choose a darker or a paler shade of the colour")),
    }
}

/// NHS blue with white text: the colours of a document that names no brand (a profile's
/// colours fail to parse, or a file is rendered on its own).
pub const DEFAULT_BRAND: (&str, &str) = ("#005EB8", "#FFFFFF");

fn split_colours(both: String) -> (String, String) {
    let (a, b) = both.split_once(' ').unwrap_or(DEFAULT_BRAND);
    (a.to_string(), b.to_string())
}

fn logo_path(
    root: &Path,
    profile: &Path,
    file: &Path,
    text: &Arc<str>,
    logo: &Spanned<String>,
) -> Result<String, Problem> {
    // A path copied from Windows Explorer separates folders with `\`.
    let rel = &logo.value.trim().replace('\\', "/");
    let fail = |msg: String, hint: &str| Err(yaml::at_value(file, text, logo, msg).hint(hint));
    let ext = Path::new(rel).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("png" | "svg")) {
        return fail(format!("logo `{rel}` is not a PNG or SVG file"), "convert the logo to PNG or SVG");
    }
    let dir = profile.parent().unwrap_or(root);
    let real = match dir.join(rel).canonicalize() {
        Ok(p) if p.is_file() => p,
        _ => {
            return fail(
                format!("logo `{rel}` does not exist"),
                "the path is relative to this profile's folder",
            );
        }
    };
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match real.strip_prefix(&canonical_root) {
        Ok(inside) => Ok(format!("/{}", inside.to_string_lossy().replace('\\', "/"))),
        Err(_) => {
            fail(format!("logo `{rel}` is outside the project"), "copy the logo into the project folder")
        }
    }
}

fn date(file: &Path, text: &Arc<str>, value: &Spanned<String>) -> Result<String, Problem> {
    dates::parse_iso(&value.value).map(dates::long).ok_or_else(|| {
        yaml::at_value(file, text, value, format!("`{}` is not a date", value.value))
            .hint("write dates as YYYY-MM-DD, for example 2025-04-01")
    })
}

fn slug_ok(file: &Path, text: &Arc<str>, value: &Spanned<String>) -> Result<String, Problem> {
    if crate::load::content::is_slug(&value.value) {
        Ok(value.value.clone())
    } else {
        Err(yaml::at_value(file, text, value, format!("`{}` cannot be a file name", value.value))
            .hint("use lower-case letters, digits and hyphens"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_is_the_start_of_a_web_address() {
        assert_eq!(
            public_url_ok("https://docs.example-lmc.org").unwrap().as_str(),
            "https://docs.example-lmc.org/"
        );
        assert!(public_url_ok("http://10.0.0.5:9000/").is_ok());
        for bad in [
            "docs.example-lmc.org",
            "ftp://x.org",
            "https://x.org/lmc",
            "https://x.org/?a=1",
            "https://u@x.org",
            "",
        ] {
            assert!(public_url_ok(bad).is_err(), "{bad}");
        }
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    const GOOD: &str = "ods_code: C82001\nname: \"Dr #1 & Partners\"\naddress: [1 High St, Leicester]\n\
        postcode: LE1 1AA\nphone: 0116 496 0000\nemail: a@example.org\nbrand_colour: \"#005EB8\"\n\
        signatory: {name: Dr A, role: GP Partner}\n";

    #[test]
    fn loads_a_good_profile() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "content/practices/a.yaml", GOOD);
        let p = load_practice(dir.path(), &path).unwrap();
        assert_eq!(p.ods_code, "C82001");
        assert_eq!(p.brand_text, "#FFFFFF");
        assert_eq!(p.posters, PosterChoice::All);
    }

    #[test]
    fn reports_every_bad_value_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let bad = GOOD
            .replace("C82001", "C8200")
            .replace("a@example.org", "not-an-email")
            .replace("#005EB8", "#768692")
            + "logo: missing.png\n";
        let path = write(dir.path(), "content/practices/a.yaml", &bad);
        let problems = load_practice(dir.path(), &path).unwrap_err();
        let lines: Vec<_> = problems.iter().map(|p| p.line_col().unwrap().0).collect();
        assert_eq!(lines, vec![1, 6, 7, 9], "{problems:#?}");
        assert!(problems[2].message.contains("#768692"));
        assert!(problems.iter().all(|p| p.file == Path::new("content/practices/a.yaml")));
    }

    #[test]
    fn logo_must_stay_inside_the_root() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "logo.png", "png");
        let dir = tempfile::tempdir().unwrap();
        let escape = format!("logo: {}\n", outside.path().join("logo.png").display());
        let path = write(dir.path(), "content/practices/a.yaml", &(GOOD.to_string() + &escape));
        let problems = load_practice(dir.path(), &path).unwrap_err();
        assert!(problems[0].message.contains("outside the project"), "{problems:#?}");
    }

    #[test]
    fn logo_resolves_relative_to_the_profile() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "content/practices/logos/a.svg", "<svg/>");
        let path = write(dir.path(), "content/practices/a.yaml", &(GOOD.to_string() + "logo: logos/a.svg\n"));
        let p = load_practice(dir.path(), &path).unwrap();
        assert_eq!(p.logo.as_deref(), Some("/content/practices/logos/a.svg"));
    }

    #[test]
    fn poster_choice_list_or_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "p.yaml", &(GOOD.to_string() + "posters: [a, b]\n"));
        let p = load_practice(dir.path(), &path).unwrap();
        assert!(p.wants_poster("a", false) && !p.wants_poster("c", false));
        assert!(p.wants_poster("a", true), "a poster listed by name is built even when opt-in");
        let path = write(dir.path(), "q.yaml", &(GOOD.to_string() + "posters: some\n"));
        assert!(load_practice(dir.path(), &path).is_err());
    }

    #[test]
    fn posters_all_never_selects_an_opt_in_poster() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "p.yaml", &(GOOD.to_string() + "posters: all\n"));
        let p = load_practice(dir.path(), &path).unwrap();
        assert!(p.wants_poster("x", false));
        assert!(!p.wants_poster("x", true));
    }

    #[test]
    fn clinicians_need_a_gmc_or_nmc_number() {
        let dir = tempfile::tempdir().unwrap();
        let good = GOOD.to_string()
            + "clinicians:\n  - {name: Dr A, role: GP Partner, gmc: \"7654321\"}\n  - {name: B, role: Nurse, nmc: 12a3456e}\n";
        let path = write(dir.path(), "p.yaml", &good);
        let p = load_practice(dir.path(), &path).unwrap();
        assert_eq!(p.clinicians[0].registration, "GMC 7654321");
        assert_eq!(p.clinicians[1].registration, "NMC 12A3456E");
        assert_eq!(p.clinician("7654321").map(|c| c.name.as_str()), Some("Dr A"));
        assert_eq!(p.clinician("nmc 12a3456e").map(|c| c.name.as_str()), Some("B"));
        assert!(p.clinician("Mrs Practice Manager").is_none());
        let bad = GOOD.to_string()
            + "clinicians:\n  - {name: Mrs M, role: Practice Manager}\n  - {name: Dr C, role: GP, gmc: \"123\"}\n";
        let path = write(dir.path(), "q.yaml", &bad);
        let problems = load_practice(dir.path(), &path).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems.iter().all(|p| p.line_col().unwrap().0 >= 10), "{problems:#?}");
        assert!(problems[1].message.contains("not a GMC number"));
    }
}
