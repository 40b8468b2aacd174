//! The profile form: one input per key of the practice's YAML profile, made from the file's
//! own keys and values (so new profile keys appear without changes here), and saving that
//! validates with `config::load_practice`, the same rules `check` uses, before the file is
//! replaced atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use super::yaml_edit::{self, scalar_text};
use crate::diag::{Problem, display_path};
use crate::load::colour::Rgb;
use crate::load::config;
use crate::write::write_atomic;

/// Largest logo accepted from the form.
pub const LOGO_LIMIT: usize = 512 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The input's name: the profile key, or `parent.child` inside a mapping.
    pub name: String,
    pub label: String,
    /// text, email, tel, url, colour, lines, readonly, complex
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
    pub hint: Option<String>,
    /// The input's id in the page.
    pub id: String,
}

fn kind_of(key: &str) -> &'static str {
    let k = key.rsplit('.').next().unwrap_or(key);
    if key == "ods_code" || key == "logo" {
        "readonly"
    } else if k.contains("email") {
        "email"
    } else if k.contains("phone") {
        "tel"
    } else if k.contains("website") || k.contains("url") {
        "url"
    } else if k.contains("colour") || k.contains("color") {
        "colour"
    } else {
        "text"
    }
}

fn label_of(key: &str) -> String {
    let words = key.replace(['.', '_'], " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn field(name: String, kind: &'static str, value: String) -> Field {
    let id = format!("f-{}", name.replace('.', "-"));
    Field { label: label_of(&name), name, kind, value, error: None, hint: None, id }
}

/// The form's fields for a profile's values.
pub fn fields(map: &Map<String, Value>) -> Vec<Field> {
    let mut out = Vec::new();
    for (key, value) in map {
        if let Some(text) = scalar_text(value) {
            let mut f = field(key.clone(), kind_of(key), text);
            if f.kind == "colour" {
                f.hint = contrast_hint(&f.value);
            }
            out.push(f);
        } else if let Some(list) = value.as_array().filter(|l| l.iter().all(yaml_edit::is_scalar)) {
            let lines: Vec<String> = list.iter().filter_map(scalar_text).collect();
            let mut f = field(key.clone(), "lines", lines.join("\n"));
            f.hint = Some("one per line".into());
            out.push(f);
        } else if let Some(obj) = value.as_object().filter(|o| o.values().all(yaml_edit::is_scalar)) {
            for (child, v) in obj {
                let name = format!("{key}.{child}");
                let kind = kind_of(&name);
                out.push(field(name, kind, scalar_text(v).unwrap_or_default()));
            }
        } else {
            let shown = serde_json::to_string_pretty(value).unwrap_or_default();
            let mut f = field(key.clone(), "complex", shown);
            f.hint = Some("edit this one in the profile file".into());
            out.push(f);
        }
    }
    out
}

/// Which text colour the brand colour takes, and whether it meets WCAG AA.
pub fn contrast_hint(colour: &str) -> Option<String> {
    let rgb = Rgb::parse(colour)?;
    Some(match rgb.readable_text() {
        Ok(on) => format!(
            "text on it will be {} (contrast {:.1}:1, meets WCAG AA)",
            if on.luminance() > 0.5 { "white" } else { "dark" },
            rgb.contrast(on)
        ),
        Err(e) => format!("{e}: choose a darker or paler shade"),
    })
}

/// An uploaded logo, checked by its bytes rather than its name.
pub struct Logo {
    pub bytes: Vec<u8>,
    pub ext: &'static str,
}

impl Logo {
    pub fn check(bytes: Vec<u8>) -> Result<Logo, String> {
        if bytes.len() > LOGO_LIMIT {
            return Err(format!("the logo is larger than {} KB", LOGO_LIMIT / 1024));
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(Logo { bytes, ext: "png" });
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
        if std::str::from_utf8(&bytes).is_ok() && head.contains("<svg") {
            return Ok(Logo { bytes, ext: "svg" });
        }
        Err("the logo must be a PNG or SVG file".into())
    }
}

pub enum Saved {
    Written,
    Unchanged,
    /// Nothing was written; the form comes back with these messages.
    Refused {
        fields: Vec<Field>,
        general: Vec<String>,
    },
}

/// Applies the submitted form to the profile at `path` and writes it if `check`'s rules
/// accept it. The file is untouched otherwise.
pub fn save(
    root: &Path,
    path: &Path,
    submitted: &BTreeMap<String, String>,
    logo: Option<Logo>,
) -> anyhow::Result<Saved> {
    let text = std::fs::read_to_string(path)?;
    let old = yaml_edit::values(&text).map_err(|e| anyhow::anyhow!("the profile does not parse: {e}"))?;
    let mut new_text = text.clone();
    let mut general = Vec::new();
    for (key, value) in &old {
        if key == "ods_code" || key == "logo" {
            continue;
        }
        if let Some(old_text) = scalar_text(value) {
            if let Some(new) = submitted.get(key).map(|s| s.trim())
                && new != old_text
            {
                new_text = yaml_edit::set_scalar(&new_text, key, value, new);
            }
        } else if let Some(list) = value.as_array().filter(|l| l.iter().all(yaml_edit::is_scalar)) {
            let Some(new) = submitted.get(key) else { continue };
            let items: Vec<String> =
                new.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
            let was: Vec<String> = list.iter().filter_map(scalar_text).collect();
            if items != was {
                match yaml_edit::set_list(&new_text, key, &items) {
                    Some(t) => new_text = t,
                    None => general.push(format!("`{key}` could not be edited here; edit the file")),
                }
            }
        } else if let Some(obj) = value.as_object().filter(|o| o.values().all(yaml_edit::is_scalar)) {
            let mut merged = obj.clone();
            for (child, v) in obj {
                let name = format!("{key}.{child}");
                let (Some(new), Some(old_text)) = (submitted.get(&name).map(|s| s.trim()), scalar_text(v))
                else {
                    continue;
                };
                if new == old_text {
                    continue;
                }
                merged.insert(child.clone(), Value::String(new.to_string()));
                match yaml_edit::set_nested(&new_text, key, child, v, new, &merged) {
                    Some(t) => new_text = t,
                    None => general.push(format!("`{name}` could not be edited here; edit the file")),
                }
            }
        }
    }

    let dir = path.parent().unwrap_or(root);
    let mut new_logo: Option<PathBuf> = None;
    if let Some(logo) = logo {
        let ods = old.get("ods_code").and_then(Value::as_str).unwrap_or("practice").to_ascii_lowercase();
        let hash = &blake3::hash(&logo.bytes).to_hex()[..8];
        let rel = format!("logos/{ods}-{hash}.{}", logo.ext);
        let file = dir.join(&rel);
        if !file.exists() {
            write_atomic(&file, &logo.bytes, false)?;
            new_logo = Some(file);
        }
        new_text = yaml_edit::set_scalar(&new_text, "logo", &Value::String(String::new()), &rel);
    }
    if new_text == text && general.is_empty() {
        return Ok(Saved::Unchanged);
    }

    let problems = if general.is_empty() { validate(root, path, &new_text)? } else { Vec::new() };
    if !general.is_empty() || !problems.is_empty() {
        if let Some(file) = new_logo {
            std::fs::remove_file(file).ok();
        }
        let mut fields = fields(&yaml_edit::values(&new_text).unwrap_or(old));
        for f in &mut fields {
            if let Some(v) = submitted.get(&f.name) {
                f.value = v.clone();
            }
        }
        let shown = display_path(root, path);
        for p in problems {
            let line = p.line_col().map(|(l, _)| l);
            let target = line.and_then(|l| {
                fields
                    .iter_mut()
                    .rev()
                    .find(|f| yaml_edit::field_lines(&new_text, &f.name).is_some_and(|r| r.contains(&l)))
            });
            let mut message = p.message.clone();
            for h in &p.hints {
                message.push_str(&format!(" (hint: {h})"));
            }
            match target {
                Some(f) => f.error = Some(message),
                None => general.push(format!("{}: {message}", shown.display())),
            }
        }
        return Ok(Saved::Refused { fields, general });
    }
    write_atomic(path, new_text.as_bytes(), false)?;
    Ok(Saved::Written)
}

/// `check`'s own validation of `text` as the profile at `path`: the text goes to a temporary
/// file beside the profile (so relative logo paths resolve the same way), which `watch`
/// ignores and which is deleted afterwards.
fn validate(root: &Path, path: &Path, text: &str) -> anyhow::Result<Vec<Problem>> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(root);
    let mut tmp = tempfile::Builder::new().prefix(".lmcpress-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.flush()?;
    // The guards `check` runs before reading values: a line break or control character in a
    // one-line value, a value too long, a character no font can show.
    let guarded = crate::load::limits::yaml_values(&display_path(root, path), &Arc::from(text), text.len());
    if !guarded.is_empty() {
        return Ok(guarded);
    }
    Ok(match config::load_practice(root, tmp.path()) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.into_iter().filter(Problem::is_error).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# keep me\nods_code: C82001\nname: \"Dr #1 & Partners\"\naddress: [1 High St, Leicester]\n\
        postcode: LE1 1AA\nphone: 0116 496 0000 # desk\nemail: a@example.org\nbrand_colour: \"#005EB8\"\n\
        signatory: {name: Dr A, role: GP Partner}\n";

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("content/practices/c.yaml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, GOOD).unwrap();
        (dir, path)
    }

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn fields_follow_the_file() {
        let f = fields(&yaml_edit::values(GOOD).unwrap());
        let names: Vec<_> = f.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "ods_code",
                "name",
                "address",
                "postcode",
                "phone",
                "email",
                "brand_colour",
                "signatory.name",
                "signatory.role"
            ]
        );
        assert_eq!(f[5].kind, "email");
        assert_eq!(f[2].value, "1 High St\nLeicester");
        assert!(f[6].hint.as_deref().unwrap().contains("white"), "{:?}", f[6].hint);
    }

    #[test]
    fn bad_email_is_refused_beside_its_field_and_file_untouched() {
        let (dir, path) = setup();
        let saved =
            save(dir.path(), &path, &form(&[("email", "not-an-email"), ("phone", "1")]), None).unwrap();
        let Saved::Refused { fields, general } = saved else { panic!("saved a bad e-mail") };
        assert!(general.is_empty(), "{general:?}");
        let email = fields.iter().find(|f| f.name == "email").unwrap();
        assert!(email.error.as_deref().unwrap().contains("not an e-mail address"), "{email:?}");
        assert_eq!(email.value, "not-an-email");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), GOOD);
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary files are left behind");
    }

    #[test]
    fn good_save_rewrites_only_the_changed_lines() {
        let (dir, path) = setup();
        let saved = save(
            dir.path(),
            &path,
            &form(&[("phone", "0116 000 1111"), ("signatory.role", "Partner")]),
            None,
        )
        .unwrap();
        assert!(matches!(saved, Saved::Written));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# keep me\nods_code: C82001\n"), "{text}");
        assert!(text.contains("phone: 0116 000 1111 # desk\n"), "{text}");
        let p = config::load_practice(dir.path(), &path).unwrap();
        assert_eq!((p.phone.as_str(), p.signatory.role.as_str()), ("0116 000 1111", "Partner"));
        let again = save(dir.path(), &path, &form(&[("phone", "0116 000 1111")]), None).unwrap();
        assert!(matches!(again, Saved::Unchanged));
    }

    #[test]
    fn logos_are_checked_by_content() {
        assert!(Logo::check(b"\x89PNG\r\n\x1a\nrest".to_vec()).is_ok());
        assert!(Logo::check(b"<?xml version='1.0'?><svg xmlns='x'/>".to_vec()).is_ok());
        assert!(Logo::check(b"GIF89a".to_vec()).is_err());
        assert!(Logo::check(vec![b' '; LOGO_LIMIT + 1]).is_err());
    }

    #[test]
    fn uploaded_logo_is_written_and_referenced() {
        let (dir, path) = setup();
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>".to_vec();
        let saved = save(dir.path(), &path, &BTreeMap::new(), Some(Logo::check(svg).unwrap())).unwrap();
        assert!(matches!(saved, Saved::Written));
        let p = config::load_practice(dir.path(), &path).unwrap();
        assert!(p.logo.unwrap().starts_with("/content/practices/logos/c82001-"));
    }
}
