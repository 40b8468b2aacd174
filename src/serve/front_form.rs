//! The front matter of a content file as a form: one input per simple key of the document's
//! kind (title, status, dates, opt-in, change note...), made from the same JSON Schema that
//! `lmcpress schema` writes, so the form knows exactly the keys the loader knows. Lists and
//! mappings (sources, fields, band) stay in the YAML box below the form. A field changes the
//! YAML only when the editor changed it, and only its own line, so comments and order stay.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::yaml_edit;
use crate::load::schema;

/// One input of the form.
#[derive(Debug, Serialize, PartialEq)]
pub struct FrontField {
    pub key: String,
    pub label: String,
    pub help: String,
    /// `text`, `textarea`, `number`, `date`, `checkbox` or `select`.
    pub input: &'static str,
    pub value: String,
    pub options: Vec<String>,
    pub required: bool,
}

/// Keys whose text runs to a sentence or more.
const LONG: [&str; 3] = ["summary", "change_note", "use_when"];

/// The simple keys of `kind`, in the order its type declares them.
fn simple_keys(kind: &str) -> Vec<FrontField> {
    let Some(schema) = schema::of_kind(kind) else { return Vec::new() };
    let definitions = schema.get("definitions").unwrap_or(&Value::Null);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return Vec::new() };
    let mut out = Vec::new();
    for (key, prop) in properties {
        if key == "kind" {
            continue;
        }
        let resolved = resolve(prop, definitions);
        let types: Vec<&str> = match resolved.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let options: Vec<String> = resolved
            .get("enum")
            .and_then(Value::as_array)
            .map(|e| e.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        let pattern = resolved.get("pattern").and_then(Value::as_str).unwrap_or("");
        let input = if !options.is_empty() {
            "select"
        } else if types.contains(&"boolean") {
            "checkbox"
        } else if types.contains(&"integer") {
            "number"
        } else if types.contains(&"string") && pattern.contains("{4}-") {
            "date"
        } else if types.contains(&"string") {
            if LONG.contains(&key.as_str()) { "textarea" } else { "text" }
        } else {
            continue;
        };
        let help = prop.get("description").or_else(|| resolved.get("description"));
        out.push(FrontField {
            key: key.clone(),
            label: label(key),
            help: help.and_then(Value::as_str).unwrap_or("").to_string(),
            input,
            value: String::new(),
            options,
            required: required.contains(&key.as_str()),
        });
    }
    out
}

/// A property's own schema: through a `$ref`, or the non-null branch of an optional one.
fn resolve<'a>(prop: &'a Value, definitions: &'a Value) -> &'a Value {
    if let Some(name) = prop.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
        return definitions.get(name).unwrap_or(prop);
    }
    for branch in ["allOf", "anyOf", "oneOf"] {
        if let Some(first) = prop
            .get(branch)
            .and_then(Value::as_array)
            .and_then(|bs| bs.iter().find(|b| b.get("type").and_then(Value::as_str) != Some("null")))
        {
            return resolve(first, definitions);
        }
    }
    prop
}

/// `change_note` → "Change note".
fn label(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The form of `kind` filled from the front matter `front` (empty when it is not YAML yet).
pub fn fields(kind: &str, front: &str) -> Vec<FrontField> {
    let values = yaml_edit::values(front).unwrap_or_default();
    let mut fields = simple_keys(kind);
    for f in &mut fields {
        f.value = values.get(&f.key).and_then(yaml_edit::scalar_text).unwrap_or_default();
        // A value the input cannot hold is shown as it is, never replaced by a valid one
        // behind the editor's back: `check` names the mistake.
        if f.input == "select" && !f.value.is_empty() && !f.options.contains(&f.value) {
            f.options.insert(0, f.value.clone());
        }
        if f.input == "date" && !f.value.is_empty() && crate::load::dates::parse_iso(&f.value).is_none() {
            f.input = "text";
        }
        if f.input == "number" && !f.value.is_empty() && f.value.parse::<i64>().is_err() {
            f.input = "text";
        }
    }
    fields
}

/// The front matter with every field the editor changed written into it. `fm.KEY` is a
/// field as sent; `fm0.KEY` what it held when the page was made. A field that was not
/// changed leaves the YAML as it is, so edits made in the YAML box are kept.
pub fn apply(kind: &str, front: &str, form: &BTreeMap<String, String>) -> String {
    let mut text = front.to_string();
    for field in simple_keys(kind) {
        let Some(original) = form.get(&format!("fm0.{}", field.key)) else { continue };
        let sent = form.get(&format!("fm.{}", field.key)).map(|v| v.replace('\r', ""));
        let new = match field.input {
            // An unticked box is not sent at all.
            "checkbox" => if sent.is_some() { "true" } else { "false" }.to_string(),
            _ => sent.unwrap_or_default().trim().to_string(),
        };
        if new == *original {
            continue;
        }
        if new.is_empty() && !field.required {
            text = yaml_edit::remove_key(&text, &field.key);
            continue;
        }
        let like = match field.input {
            "checkbox" => Value::Bool(false),
            "number" => Value::from(0),
            _ => Value::String(String::new()),
        };
        text = yaml_edit::set_scalar(&text, &field.key, &like, &new);
    }
    text.trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "kind: guide-section\ntitle: Safe limits  # the heading\norder: 50\nstatus: current\n\
                         reviewed: 2026-11-01\nsources:\n  - title: A source\n";

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_guide_section_has_its_simple_keys_as_typed_inputs() {
        let fields = fields("guide-section", FRONT);
        let by_key = |k: &str| fields.iter().find(|f| f.key == k).unwrap();
        assert_eq!((by_key("title").input, by_key("title").value.as_str()), ("text", "Safe limits"));
        assert_eq!(by_key("status").input, "select");
        assert_eq!(by_key("status").options, ["current", "continues", "superseded", "ended"]);
        assert_eq!((by_key("reviewed").input, by_key("reviewed").value.as_str()), ("date", "2026-11-01"));
        assert_eq!(by_key("order").input, "number");
        assert_eq!(by_key("change_note").input, "textarea");
        assert!(by_key("title").required && !by_key("summary").required);
        assert!(fields.iter().all(|f| f.key != "sources" && f.key != "kind"), "lists stay in the YAML");
        let poster = super::fields("poster", "kind: poster\nopt_in: true\n");
        let opt_in = poster.iter().find(|f| f.key == "opt_in").unwrap();
        assert_eq!((opt_in.input, opt_in.value.as_str()), ("checkbox", "true"));
        assert!(poster.iter().any(|f| f.key == "icon" && f.options.contains(&"pharmacy".to_string())));
    }

    #[test]
    fn only_changed_fields_touch_the_yaml_and_only_their_line() {
        let unchanged = form(&[
            ("fm0.title", "Safe limits"),
            ("fm.title", "Safe limits"),
            ("fm0.status", "current"),
            ("fm.status", "current"),
        ]);
        // An edit made in the YAML box survives when the field was left alone.
        let edited_in_yaml = FRONT.replace("status: current", "status: ended");
        assert_eq!(apply("guide-section", &edited_in_yaml, &unchanged), edited_in_yaml.trim_end());

        let changed = form(&[
            ("fm0.title", "Safe limits"),
            ("fm.title", "Safe: \"clinical\" limits"),
            ("fm0.change_note", ""),
            ("fm.change_note", "Now inside the 2026/27 duties."),
            ("fm0.order", "50"),
            ("fm.order", "50"),
        ]);
        let out = apply("guide-section", FRONT, &changed);
        assert!(out.contains("title: \"Safe: \\\"clinical\\\" limits\" # the heading"), "{out}");
        assert!(out.contains("change_note: Now inside the 2026/27 duties."), "{out}");
        assert!(out.contains("sources:\n  - title: A source"), "{out}");
        let values = yaml_edit::values(&out).unwrap();
        assert_eq!(values["title"], "Safe: \"clinical\" limits");
        assert_eq!(values["order"], 50);
    }

    #[test]
    fn an_emptied_optional_field_leaves_the_yaml_and_a_box_can_be_unticked() {
        let front = "kind: poster\ntitle: T\nsummary: S\nopt_in: true\nicon: phone\n";
        let out =
            apply("poster", front, &form(&[("fm0.icon", "phone"), ("fm.icon", ""), ("fm0.opt_in", "true")]));
        assert_eq!(out, "kind: poster\ntitle: T\nsummary: S\nopt_in: false");
    }

    #[test]
    fn a_value_the_input_cannot_hold_is_shown_as_written() {
        let fields = fields("guide-section", "status: live\nreviewed: last May\norder: ten\n");
        let by_key = |k: &str| fields.iter().find(|f| f.key == k).unwrap();
        assert_eq!(by_key("status").options[0], "live");
        assert_eq!((by_key("reviewed").input, by_key("reviewed").value.as_str()), ("text", "last May"));
        assert_eq!(by_key("order").input, "text");
    }

    #[test]
    fn keys_the_kind_does_not_have_are_ignored() {
        let out =
            apply("poster", "kind: poster\n", &form(&[("fm0.evil", ""), ("fm.evil", "x\nkind: letter")]));
        assert_eq!(out, "kind: poster");
    }
}
