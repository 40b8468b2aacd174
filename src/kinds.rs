//! Each document kind, declared once. A kind's entry here says what its front matter names it
//! (`kind:`), where its files live under `content/`, its place and group in serve's lists and
//! the editor, the file the editor starts a new one from, the theme templates it is made with,
//! and the roles its outputs play (each role's label, pack folder and build priority are
//! declared here too). Load, plan, render, write, serve and the editor read these entries
//! rather than naming kinds themselves.

use serde::Serialize;

/// One document kind.
#[derive(Debug)]
pub struct Declaration {
    /// What the front matter's `kind:` says, and the name of its JSON schema
    /// (`NAME.schema.json`).
    pub name: &'static str,
    /// Which front matter it has.
    pub front: Front,
    /// Its folder under `content/` (empty for a file at `content/`'s top).
    pub folder: &'static str,
    /// The editor's group it is listed in, and serve's order: lower first.
    pub group: Group,
    /// The heading a practice's page in serve lists its copies under; none for a kind
    /// practices get no copies of.
    pub practice_heading: Option<&'static str>,
    /// The text a new file of this kind starts from in the editor, which `check` accepts as it
    /// stands (`{order}` and `{today}` are filled in); none when the editor makes none.
    pub new_file: Option<&'static str>,
    /// Whether a file may be a translation, `<slug>.<language>.md`.
    pub translated: bool,
    /// Whether a project holds at most one.
    pub single: bool,
    /// Whether its words must be plain ASCII (they are pasted into clinical systems).
    pub ascii_only: bool,
    /// Whether the editor previews it on its own (a guide section shows in the guide).
    pub previewed_alone: bool,
    /// The level its body's first headings are typeset at: 2 under a title heading of
    /// level 1, 1 for a kind whose template has none (PDF/UA wants level 1 first).
    pub top_level: u8,
    /// The theme's templates its outputs are made with.
    pub templates: &'static [&'static str],
    /// The roles of the files a practice's copy becomes.
    pub roles: &'static [Role],
    /// How a practice's copy is made, for a kind made as one job per practice and document;
    /// none for the guide (one for the LMC) and posters (one job per format, planned apart).
    pub practice_copy: Option<Copy>,
}

/// The front matter types `load` knows. A new kind with a plain front matter (a title, and
/// optionally `summary` and `use_when`) is a [`Front::Page`]; one with fields of its own
/// needs a type in `load::content`.
#[derive(Debug, Clone, std::marker::Copy, PartialEq, Eq)]
pub enum Front {
    GuideSection,
    Poster,
    Letter,
    AgWording,
    Page,
}

/// One job per practice and document: its template, how its body is written, and its files.
#[derive(Debug, PartialEq, Eq)]
pub struct Copy {
    pub template: &'static str,
    pub body: Body,
    pub files: &'static [File],
}

/// How a document's Markdown reaches its template.
#[derive(Debug, Clone, std::marker::Copy, PartialEq, Eq)]
pub enum Body {
    /// As typst markup with the practice's values as fields, typeset to PDF (and Word).
    Typst,
    /// As plain text with the values filled in.
    PlainText,
}

/// One file of a practice's copy: its path under the practice's folder (`{slug}` is the
/// document's), its format and its role.
#[derive(Debug, PartialEq, Eq)]
pub struct File {
    pub path: &'static str,
    pub format: Format,
    pub role: Role,
}

#[derive(Debug, Clone, std::marker::Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    Text,
}

/// A group of serve's content list and editor.
#[derive(Debug, PartialEq, Eq)]
pub struct Group {
    /// Its id in the page, and the folder new files of it are made in.
    pub id: &'static str,
    pub title: &'static str,
    /// Where the group comes: lower first.
    pub rank: u8,
}

const OTHER: Group = Group { id: "other", title: "A&G wording and the LMC's details", rank: 3 };

/// Every document kind, in the order serve lists them.
pub const ALL: &[Declaration] = &[
    Declaration {
        name: "guide-section",
        front: Front::GuideSection,
        folder: "guide",
        group: Group { id: "guide", title: "Guide sections, in order", rank: 0 },
        practice_heading: None,
        new_file: Some(
            "---\nkind: guide-section\ntitle: New section\norder: {order}\nstatus: current\nreviewed: {today}\n---\n\nWrite the section here.\n",
        ),
        translated: false,
        single: false,
        ascii_only: false,
        previewed_alone: false,
        top_level: 2,
        templates: &["guide.typ.tera", "guide.html.tera"],
        roles: &[],
        practice_copy: None,
    },
    Declaration {
        name: "poster",
        front: Front::Poster,
        folder: "posters",
        group: Group { id: "posters", title: "Posters and their translations", rank: 1 },
        practice_heading: Some("Posters and social images"),
        new_file: Some(
            "---\nkind: poster\ntitle: New poster\nsummary: One sentence on what the poster tells patients.\n---\n\nWrite the poster here.\n",
        ),
        translated: true,
        single: false,
        ascii_only: false,
        previewed_alone: true,
        top_level: 2,
        templates: &["poster.typ.tera", "social.typ.tera"],
        roles: &[Role::PosterA4, Role::PosterImage, Role::PosterA3, Role::SocialSquare, Role::SocialPortrait],
        practice_copy: None,
    },
    Declaration {
        name: "letter",
        front: Front::Letter,
        folder: "letters",
        group: Group { id: "letters", title: "Letters", rank: 2 },
        practice_heading: Some("Letters"),
        new_file: Some(
            "---\nkind: letter\ntitle: New letter\nsigned_by: practice\nfields:\n  - name: recipient_name\n    label: Recipient's name\n---\n\nDear {{ recipient_name }},\n\nWrite the letter here.\n",
        ),
        translated: false,
        single: false,
        ascii_only: false,
        previewed_alone: true,
        top_level: 1,
        templates: &["letter.typ.tera"],
        roles: &[Role::LetterPdf, Role::LetterWord],
        practice_copy: Some(Copy {
            template: "letter.typ.tera",
            body: Body::Typst,
            files: &[
                File { path: "letters/{slug}.pdf", format: Format::Pdf, role: Role::LetterPdf },
                File { path: "letters/{slug}.docx", format: Format::Docx, role: Role::LetterWord },
            ],
        }),
    },
    Declaration {
        name: "ag-disclaimer",
        front: Front::AgWording,
        folder: "",
        group: OTHER,
        practice_heading: Some("Advice & Guidance wording"),
        new_file: None,
        translated: false,
        single: true,
        ascii_only: true,
        previewed_alone: false,
        top_level: 2,
        templates: &["ag-disclaimer.txt.tera"],
        roles: &[Role::AgText],
        practice_copy: Some(Copy {
            template: "ag-disclaimer.txt.tera",
            body: Body::PlainText,
            files: &[File { path: "ag-disclaimer.txt", format: Format::Text, role: Role::AgText }],
        }),
    },
    // The worked example of a kind declared here alone: a one-page practice leaflet. The theme
    // does not ship its template: a project that wants leaflets keeps `leaflet.typ.tera` in
    // its `templates/` (tests/fixtures/leaflet does).
    Declaration {
        name: "leaflet",
        front: Front::Page,
        folder: "leaflets",
        group: Group { id: "leaflets", title: "Practice leaflets", rank: 2 },
        practice_heading: Some("Practice leaflets"),
        new_file: Some("---\nkind: leaflet\ntitle: New leaflet\n---\n\nWrite the leaflet here.\n"),
        translated: false,
        single: false,
        ascii_only: false,
        previewed_alone: true,
        top_level: 2,
        templates: &["leaflet.typ.tera"],
        roles: &[Role::LeafletPdf, Role::LeafletWord],
        practice_copy: Some(Copy {
            template: "leaflet.typ.tera",
            body: Body::Typst,
            files: &[
                File { path: "leaflets/{slug}.pdf", format: Format::Pdf, role: Role::LeafletPdf },
                File { path: "leaflets/{slug}.docx", format: Format::Docx, role: Role::LeafletWord },
            ],
        }),
    },
];

/// The LMC's own details (`content/lmc.yaml`): not a document kind, but listed with them.
pub const LMC: &str = "lmc";
/// Where serve lists the LMC's details.
pub const LMC_GROUP: Group = OTHER;

/// The declaration of the kind named `name`.
pub fn named(name: &str) -> Option<&'static Declaration> {
    ALL.iter().find(|d| d.name == name)
}

/// Every kind's name, for messages that list them.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|d| d.name).collect()
}

/// The declaration of the kind whose new files the editor makes in `folder`.
pub fn in_folder(folder: &str) -> Option<&'static Declaration> {
    ALL.iter().find(|d| !d.folder.is_empty() && d.folder == folder)
}

/// The kind an output of `role` belongs to.
pub fn of_role(role: Role) -> Option<&'static Declaration> {
    ALL.iter().find(|d| d.roles.contains(&role))
}

impl Declaration {
    /// Whether a practice's page shows the first page of its copy as an image: a typeset
    /// copy with no picture among its files (an embedded PDF shows nothing on most phones).
    pub fn first_page_shown(&self) -> bool {
        self.practice_copy.as_ref().is_some_and(|c| {
            c.body == Body::Typst
                && c.files.iter().any(|f| f.format == Format::Pdf)
                && !c.files.iter().any(|f| f.role.is_image())
        })
    }

    /// The format of its practice copy's file of `role`, when it has one.
    pub fn format_of(&self, role: Role) -> Option<Format> {
        Some(self.practice_copy.as_ref()?.files.iter().find(|f| f.role == role)?.format)
    }

    /// The editor's first text for a new file of this kind.
    pub fn new_file(&self, order: i64, today: &str) -> Option<String> {
        Some(self.new_file?.replace("{order}", &order.to_string()).replace("{today}", today))
    }
}

/// What an output is for. Packs file outputs by role, serve lists them by role, and nothing
/// downstream works it out again from a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    GuidePdf,
    GuideWeb,
    GuideRedline,
    WhatsNew,
    PosterA4,
    /// The A4 poster's first page as an image, for screens and websites.
    PosterImage,
    PosterA3,
    SocialSquare,
    SocialPortrait,
    LetterPdf,
    LetterWord,
    AgText,
    LeafletPdf,
    LeafletWord,
    Pack,
    /// A Markdown file typeset on its own (`render`).
    Standalone,
}

/// What is said once about each role.
struct RoleInfo {
    /// How a download is labelled beside its document's title.
    label: &'static str,
    /// Its folder in a practice's pack.
    pack: &'static str,
    /// When a build makes it: lower first.
    priority: u8,
    /// Whether it is a picture to preview.
    image: bool,
}

const fn info(label: &'static str, pack: &'static str, priority: u8, image: bool) -> RoleInfo {
    RoleInfo { label, pack, priority, image }
}

impl Role {
    fn info(self) -> RoleInfo {
        match self {
            Role::GuidePdf => info("PDF", "Other", 0, false),
            Role::GuideWeb => info("web page", "Other", 1, false),
            Role::GuideRedline => info("PDF", "Other", 5, false),
            Role::WhatsNew => info("PDF", "What's new", 6, false),
            Role::PosterA4 => info("A4 PDF", "Posters to print/A4", 2, false),
            Role::PosterImage => info("PNG", "Posters for screens and websites", 4, true),
            Role::PosterA3 => info("A3 PDF", "Posters to print/A3", 3, false),
            Role::SocialSquare => info("square PNG", "Social media images", 4, true),
            Role::SocialPortrait => info("portrait PNG", "Social media images", 4, true),
            Role::LetterPdf => info("PDF", "Letters/PDF, to print", 2, false),
            Role::LetterWord => info("Word", "Letters/Word, to edit", 3, false),
            Role::AgText => info("text", "Advice and Guidance", 2, false),
            Role::LeafletPdf => info("PDF", "Leaflets/PDF, to print", 2, false),
            Role::LeafletWord => info("Word", "Leaflets/Word, to edit", 3, false),
            Role::Pack => info("ZIP", "Other", 7, false),
            Role::Standalone => info("PDF", "Other", 2, false),
        }
    }

    /// How a download of this output is labelled beside its document's title.
    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// Whether the output is a picture to preview.
    pub fn is_image(self) -> bool {
        self.info().image
    }

    /// Its folder in a practice's pack.
    pub fn pack_folder(self) -> &'static str {
        self.info().pack
    }

    /// When a build makes it, among a practice's or document's jobs: lower first.
    pub fn priority(self) -> u8 {
        self.info().priority
    }
}

/// What each folder of a practice's pack holds, in the order its README lists them: every
/// role's `pack` folder is one of these, or "Other".
pub const PACK_FOLDERS: &[(&str, &str)] = &[
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
    ("Advice and Guidance", "The wording for e-RS Advice & Guidance requests."),
    ("Leaflets/PDF, to print", "One-page leaflets for patients, ready to print."),
    ("Leaflets/Word, to edit", "The same leaflets as Word files."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_distinct_names_folders_and_roles() {
        let mut names = names();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert!(a.folder.is_empty() || a.folder != b.folder, "{} and {}", a.name, b.name);
                assert!(a.roles.iter().all(|r| !b.roles.contains(r)), "{} and {}", a.name, b.name);
            }
        }
    }

    #[test]
    fn every_role_of_a_kind_has_a_pack_folder_its_readme_explains() {
        for d in ALL {
            for r in d.roles {
                assert!(PACK_FOLDERS.iter().any(|(f, _)| *f == r.pack_folder()), "{r:?}");
            }
        }
    }

    #[test]
    fn a_practice_copy_is_made_with_a_declared_template_into_declared_roles() {
        for d in ALL {
            let Some(copy) = &d.practice_copy else { continue };
            assert!(d.templates.contains(&copy.template), "{}", d.name);
            assert!(copy.files.iter().all(|f| d.roles.contains(&f.role)), "{}", d.name);
        }
    }

    #[test]
    fn every_template_a_kind_names_is_in_the_theme() {
        // The leaflet is the example of a kind whose template a project brings.
        for d in ALL.iter().filter(|d| d.name != "leaflet") {
            for t in d.templates {
                assert!(crate::theme::get(t).is_some(), "{} names {t}", d.name);
            }
        }
    }
}
