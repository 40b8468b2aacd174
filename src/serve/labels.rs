//! The practice form's words: each field's label in plain English, and its hint taken from the
//! profile's JSON schema, whose descriptions are the doc comments of the very types `check`
//! reads (`load::config`), so a hint cannot drift from the rule it describes.

use std::sync::LazyLock;

use serde_json::Value;

use crate::load::schema;

/// Labels a practice manager reads, by the key's path (`parent.child` inside a mapping;
/// a clinician's keys on their own). Keys not listed fall back to `fallback_label`.
const LABELS: &[(&str, &str)] = &[
    ("ods_code", "ODS code"),
    ("name", "Practice name"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("phone", "Phone number for patients"),
    ("professional_phone", "Phone number for health professionals"),
    ("email", "E-mail address"),
    ("website", "Website"),
    ("logo", "Logo"),
    ("brand_colour", "Brand colour"),
    ("signatory.name", "Who signs the practice's letters"),
    ("signatory.role", "Their role"),
    ("clinicians", "Clinicians who may sign clinical letters"),
    ("posters", "Posters"),
    ("languages", "Languages besides English"),
    ("clinicians.name", "Name"),
    ("clinicians.role", "Role"),
    ("clinicians.gmc", "GMC number (doctors)"),
    ("clinicians.nmc", "NMC PIN (nurses)"),
];

/// The label of the field at `path` (`phone`, `signatory.role`, `clinicians.gmc`).
pub fn label(path: &str) -> String {
    LABELS.iter().find(|(k, _)| *k == path).map_or_else(|| fallback_label(path), |(_, l)| l.to_string())
}

/// "Fax number" from `fax_number`, with the registers' and codes' initials in capitals.
fn fallback_label(path: &str) -> String {
    let words: Vec<String> = path
        .replace('.', " ")
        .split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "ods" | "gmc" | "nmc" | "url" | "nhs" | "icb" => w.to_ascii_uppercase(),
            _ => w.to_string(),
        })
        .collect();
    let joined = words.join(" ");
    let mut chars = joined.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

static PRACTICE: LazyLock<Value> = LazyLock::new(|| {
    schema::all().into_iter().find(|s| s.file_name == schema::PRACTICE).map(|s| s.json).unwrap_or_default()
});

/// The schema's description of the field at `path`, if it has one.
pub fn hint(path: &str) -> Option<String> {
    description(&PRACTICE, path)
}

fn description(root: &Value, path: &str) -> Option<String> {
    let mut node = root;
    for key in path.split('.') {
        node = resolved(root, node);
        if node.get("properties").is_none()
            && let Some(items) = node.get("items")
        {
            node = resolved(root, items);
        }
        node = node.get("properties")?.get(key)?;
    }
    let text = node.get("description").or_else(|| resolved(root, node).get("description"))?.as_str()?;
    // Doc comments wrap their lines; a hint is one paragraph.
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `node` with its reference followed: `$ref`, or the `allOf`/`anyOf` wrappers schemars puts
/// round a described or optional reference.
fn resolved<'v>(root: &'v Value, node: &'v Value) -> &'v Value {
    let mut node = node;
    for _ in 0..8 {
        if let Some(name) =
            node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/"))
            && let Some(target) = root.get("definitions").and_then(|d| d.get(name))
        {
            node = target;
            continue;
        }
        let wrapped = ["allOf", "anyOf"].iter().find_map(|k| {
            node.get(*k)?.as_array()?.iter().find(|n| n.get("type").and_then(Value::as_str) != Some("null"))
        });
        match wrapped {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_plain_and_hints_come_from_the_schema() {
        assert_eq!(label("ods_code"), "ODS code");
        assert_eq!(label("clinicians.gmc"), "GMC number (doctors)");
        assert_eq!(label("fax_number"), "Fax number");
        assert_eq!(label("icb_code"), "ICB code");
        assert!(hint("ods_code").unwrap().contains("capital letter then five digits"));
        assert!(hint("signatory.role").unwrap().contains("Practice Manager"), "{:?}", hint("signatory.role"));
        assert!(hint("clinicians.gmc").unwrap().contains("seven digits"), "{:?}", hint("clinicians.gmc"));
        assert!(hint("clinicians").is_some());
        assert_eq!(hint("no_such_key"), None);
    }
}
