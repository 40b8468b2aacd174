//! JSON Schemas of the files a project's editors write: `lmc.yaml`, practice profiles and
//! each kind of front matter. They are made from the very types the loader reads, so an
//! editor that checks against them (VS Code's YAML extension, say) knows every key `check`
//! knows. `check` stays the judge: some rules (a logo that exists, a poster that a practice
//! names) need the whole project, which a schema cannot see.

use schemars::JsonSchema;
use schemars::r#gen::SchemaSettings;

use super::config::{LmcFile, PracticeFile};
use super::content::{AgFile, GuideFile, LetterFile, PosterFile};

/// One schema: the file name it is written to, and what it describes.
pub struct Schema {
    pub file_name: &'static str,
    pub describes: &'static str,
    pub json: serde_json::Value,
}

/// Every schema, in the order `lmcpress schema` lists them.
pub fn all() -> Vec<Schema> {
    vec![
        make::<LmcFile>(LMC, "content/lmc.yaml"),
        make::<PracticeFile>(PRACTICE, "content/practices/*.yaml"),
        make::<GuideFile>("guide-section.schema.json", "a guide section's front matter"),
        make::<PosterFile>("poster.schema.json", "a poster's front matter"),
        make::<LetterFile>("letter.schema.json", "a letter's front matter"),
        make::<AgFile>("ag-disclaimer.schema.json", "the A&G wording's front matter"),
    ]
}

/// The schema file of `lmc.yaml`.
pub const LMC: &str = "lmc.schema.json";
/// The schema file of practice profiles.
pub const PRACTICE: &str = "practice.schema.json";

fn make<T: JsonSchema>(file_name: &'static str, describes: &'static str) -> Schema {
    let generator = SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let json = serde_json::to_value(schema).unwrap_or_default();
    Schema { file_name, describes, json }
}

/// The comment that points YAML editors at a schema (`# yaml-language-server: $schema=...`),
/// as a line to put first in a file.
pub fn modeline(relative_path: &str) -> String {
    format!("# yaml-language-server: $schema={relative_path}\n")
}
