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

impl Schema {
    /// The schema as its file holds it.
    pub fn file_text(&self) -> String {
        serde_json::to_string_pretty(&self.json).unwrap_or_default() + "\n"
    }
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

/// The JSON schema of a document kind's front matter (`guide-section`, `poster`, `letter`,
/// `ag-disclaimer`), made once per process: serve's front matter form reads it per request.
pub fn of_kind(kind: &str) -> Option<&'static serde_json::Value> {
    static ALL: std::sync::LazyLock<Vec<Schema>> = std::sync::LazyLock::new(all);
    let file = format!("{kind}.schema.json");
    ALL.iter().find(|s| s.file_name == file).map(|s| &s.json)
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::load::project::Project;

    /// The schema a project file is judged by, and the YAML it holds (front matter for Markdown).
    fn schema_and_yaml(root: &Path, path: &Path) -> Option<(&'static str, String)> {
        let rel = path.strip_prefix(root).ok()?.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).ok()?;
        if rel == "content/lmc.yaml" {
            return Some((LMC, text));
        }
        if rel.starts_with("content/practices/") && rel.ends_with(".yaml") {
            return Some((PRACTICE, text));
        }
        if !rel.ends_with(".md") {
            return None;
        }
        let front = text.strip_prefix("---\n")?.split("\n---").next()?.to_string();
        let kind = front.lines().find_map(|l| l.strip_prefix("kind:"))?.split('#').next()?.trim().to_string();
        let schema = match kind.as_str() {
            "guide-section" => "guide-section.schema.json",
            "poster" => "poster.schema.json",
            "letter" => "letter.schema.json",
            "ag-disclaimer" => "ag-disclaimer.schema.json",
            _ => return None,
        };
        Some((schema, front))
    }

    struct Judge {
        schemas: boon::Schemas,
        index: Vec<(&'static str, boon::SchemaIndex)>,
    }

    impl Judge {
        fn new() -> Judge {
            let mut compiler = boon::Compiler::new();
            compiler.enable_format_assertions();
            let mut schemas = boon::Schemas::new();
            let mut index = Vec::new();
            for s in all() {
                let url = format!("https://lmcpress.invalid/{}", s.file_name);
                compiler.add_resource(&url, s.json).unwrap();
                index.push((s.file_name, compiler.compile(&url, &mut schemas).unwrap()));
            }
            Judge { schemas, index }
        }

        /// Whether the schema accepts `yaml`, with the reason when it does not.
        fn accepts(&self, schema: &str, yaml: &str) -> Result<(), String> {
            let value: serde_json::Value = serde_saphyr::from_str(yaml).map_err(|e| e.to_string())?;
            let (_, i) = self.index.iter().find(|(n, _)| *n == schema).unwrap();
            self.schemas.validate(&value, *i).map_err(|e| format!("{e}"))
        }
    }

    fn project_files(root: &Path) -> Vec<PathBuf> {
        walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect()
    }

    #[test]
    fn the_schemas_accept_every_shipped_file() {
        let judge = Judge::new();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let starter = tempfile::tempdir().unwrap();
        let names = crate::init::Names::new("Anytown LMC", time::macros::date!(2026 - 12 - 04)).unwrap();
        crate::init::init(&starter.path().join("p"), &names).unwrap();
        let mut judged = 0;
        for root in [repo.to_path_buf(), starter.path().join("p"), repo.join("tests/fixtures/one-document")] {
            for path in project_files(&root) {
                if let Some((schema, yaml)) = schema_and_yaml(&root, &path) {
                    judge.accepts(schema, &yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    judged += 1;
                }
            }
        }
        assert!(judged > 40, "{judged}");
    }

    /// A mistake made in one file of the starter project.
    struct Mistake {
        file: &'static str,
        from: &'static str,
        to: &'static str,
    }

    const MISTAKES: &[Mistake] = &[
        Mistake {
            file: "content/practices/z99901-juniper-row.yaml",
            from: "ods_code: Z99901",
            to: "ods_code: Z9901",
        },
        Mistake { file: "content/practices/z99901-juniper-row.yaml", from: "postcode:", to: "post_code:" },
        Mistake { file: "content/practices/z99901-juniper-row.yaml", from: "\"#00594F\"", to: "\"teal\"" },
        Mistake {
            file: "content/practices/z99901-juniper-row.yaml",
            from: "gmc: \"9999901\"",
            to: "gmc: \"99901\"",
        },
        Mistake { file: "content/lmc.yaml", from: "short_name:", to: "# short_name:" },
        Mistake { file: "content/lmc.yaml", from: "slug: lmc-guide", to: "slug: LMC Guide" },
        Mistake { file: "content/guide/02-working-safely.md", from: "status: current", to: "status: live" },
        Mistake {
            file: "content/guide/02-working-safely.md",
            from: "reviewed: 20",
            to: "reviewed: 4th of May 20",
        },
        Mistake { file: "content/posters/where-to-get-help.md", from: "icon: ", to: "icon: unicorn # " },
        Mistake {
            file: "content/letters/reply-hospital-task.md",
            from: "signed_by: clinician",
            to: "signed_by: nobody",
        },
    ];

    #[test]
    fn the_schemas_reject_the_mistakes_check_rejects() {
        let judge = Judge::new();
        let names = crate::init::Names::new("Anytown LMC", time::macros::date!(2026 - 12 - 04)).unwrap();
        for m in MISTAKES {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("p");
            crate::init::init(&root, &names).unwrap();
            let path = root.join(m.file);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(m.from), "{} lacks `{}`", m.file, m.from);
            std::fs::write(&path, text.replacen(m.from, m.to, 1)).unwrap();

            let (schema, yaml) = schema_and_yaml(&root, &path).unwrap();
            assert!(judge.accepts(schema, &yaml).is_err(), "the schema accepts `{}` in {}", m.to, m.file);
            let failed = match Project::load(&root) {
                Err(_) => true,
                Ok(project) => project.problems.iter().any(|p| p.is_error()),
            };
            assert!(failed, "check accepts `{}` in {}", m.to, m.file);
        }
    }
}
