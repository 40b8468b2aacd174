//! The profile form: one input per key of the practice's YAML profile, made from the file's
//! own keys and values (so new profile keys appear without changes here), the clinicians as
//! rows to edit, add and remove, labels and hints from `labels`, and saving that validates with
//! `config::load_practice`, the same rules `check` uses, before the file is replaced
//! atomically.

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
    /// For the clinicians (`kind` "rows"): one row each, then an empty one to add another.
    pub rows: Vec<ClinicianRow>,
}

/// A clinician's keys, in the order the form shows them and a saved profile writes them.
pub const CLINICIAN_KEYS: [&str; 4] = ["name", "role", "gmc", "nmc"];
/// The most clinician rows a form may send: more is not a practice, and bounds the work.
const MAX_CLINICIANS: usize = 100;

#[derive(Debug, Clone, Serialize)]
pub struct ClinicianRow {
    pub index: usize,
    /// One input per key of `CLINICIAN_KEYS`.
    pub inputs: Vec<RowInput>,
    /// The empty row at the end, filled in to add a clinician.
    pub blank: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowInput {
    pub key: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub value: String,
}

impl ClinicianRow {
    fn new(index: usize, value: impl Fn(&str) -> String, blank: bool) -> ClinicianRow {
        let inputs = CLINICIAN_KEYS
            .iter()
            .map(|&key| RowInput {
                key,
                label: super::labels::label(&format!("clinicians.{key}")),
                hint: super::labels::hint(&format!("clinicians.{key}")),
                value: value(key),
            })
            .collect();
        ClinicianRow { index, inputs, blank, error: None }
    }
}

/// The clinicians as rows when each is a mapping of the keys the form knows; `None` for a
/// shape the form cannot show (left to the file).
fn clinician_rows(value: &Value) -> Option<Vec<ClinicianRow>> {
    let list = value.as_array()?;
    let mut rows = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let obj = item.as_object()?;
        if !obj.iter().all(|(k, v)| CLINICIAN_KEYS.contains(&k.as_str()) && yaml_edit::is_scalar(v)) {
            return None;
        }
        rows.push(ClinicianRow::new(i, |k| obj.get(k).and_then(scalar_text).unwrap_or_default(), false));
    }
    rows.push(ClinicianRow::new(list.len(), |_| String::new(), true));
    Some(rows)
}

/// The clinicians as the form sent them: rows marked for removal and empty rows left out;
/// `None` when the form sent no clinician rows at all.
fn submitted_clinicians(submitted: &BTreeMap<String, String>) -> Option<Vec<Vec<(&'static str, String)>>> {
    let mut seen = false;
    let mut out = Vec::new();
    for i in 0..=MAX_CLINICIANS {
        let get = |k: &str| submitted.get(&format!("clinicians.{i}.{k}")).map(|v| v.trim().to_string());
        let row: Vec<(&'static str, String)> =
            CLINICIAN_KEYS.iter().filter_map(|&k| get(k).map(|v| (k, v))).collect();
        if row.is_empty() {
            continue;
        }
        seen = true;
        let removed = get("remove").is_some_and(|v| !v.is_empty());
        if removed || row.iter().all(|(_, v)| v.is_empty()) {
            continue;
        }
        out.push(CLINICIAN_KEYS.iter().map(|&k| (k, get(k).unwrap_or_default())).collect());
    }
    seen.then_some(out)
}

/// The clinicians as the profile holds them, in the form's terms.
fn clinicians_of(value: Option<&Value>) -> Vec<Vec<(&'static str, String)>> {
    let Some(list) = value.and_then(Value::as_array) else { return Vec::new() };
    list.iter()
        .filter_map(Value::as_object)
        .map(|obj| {
            CLINICIAN_KEYS
                .iter()
                .map(|&k| (k, obj.get(k).and_then(scalar_text).unwrap_or_default()))
                .collect()
        })
        .collect()
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

fn field(name: String, kind: &'static str, value: String) -> Field {
    let id = format!("f-{}", name.replace('.', "-"));
    let hint = super::labels::hint(&name);
    Field { label: super::labels::label(&name), name, kind, value, error: None, hint, id, rows: Vec::new() }
}

/// `extra` after the schema's hint (or alone).
fn add_hint(f: &mut Field, extra: Option<String>) {
    f.hint = match (f.hint.take(), extra) {
        (Some(a), Some(b)) => Some(format!("{a} {}", capitalised(&b))),
        (a, b) => a.or(b.map(|b| capitalised(&b))),
    };
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The form's fields for a profile's values.
pub fn fields(map: &Map<String, Value>) -> Vec<Field> {
    let mut out = Vec::new();
    for (key, value) in map {
        if let Some(text) = scalar_text(value) {
            let mut f = field(key.clone(), kind_of(key), text);
            if f.kind == "colour" {
                let contrast = contrast_hint(&f.value);
                add_hint(&mut f, contrast);
            }
            out.push(f);
        } else if let Some(list) = value.as_array().filter(|l| l.iter().all(yaml_edit::is_scalar)) {
            let lines: Vec<String> = list.iter().filter_map(scalar_text).collect();
            let mut f = field(key.clone(), "lines", lines.join("\n"));
            add_hint(&mut f, Some("one per line.".into()));
            out.push(f);
        } else if let Some(rows) = (key == "clinicians").then(|| clinician_rows(value)).flatten() {
            let mut f = field(key.clone(), "rows", String::new());
            f.rows = rows;
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
            add_hint(&mut f, Some("the LMC edits this one in the profile file.".into()));
            out.push(f);
        }
    }
    // A practice with no clinicians yet can add its first.
    if !map.contains_key("clinicians") {
        let mut f = field("clinicians".into(), "rows", String::new());
        f.rows = vec![ClinicianRow::new(0, |_| String::new(), true)];
        out.push(f);
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

    // The clinicians: rows edited, added or removed are written as the list the form sent.
    let shown_as_rows = old.get("clinicians").is_none_or(|v| clinician_rows(v).is_some());
    if let Some(rows) = submitted_clinicians(submitted).filter(|_| shown_as_rows)
        && rows != clinicians_of(old.get("clinicians"))
    {
        new_text = yaml_edit::set_mappings(&new_text, "clinicians", &rows);
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
        let items = yaml_edit::item_lines(&new_text, "clinicians");
        for p in problems {
            let line = p.line_col().map(|(l, _)| l);
            // A clinician's mistake goes to their row.
            let row = line.and_then(|l| items.iter().position(|r| r.contains(&l)));
            if let Some(row) = row
                && let Some(f) = fields.iter_mut().find(|f| f.kind == "rows")
                && let Some(r) = f.rows.get_mut(row)
            {
                r.error = Some(with_hints(&p));
                continue;
            }
            let target = line.and_then(|l| {
                fields
                    .iter_mut()
                    .rev()
                    .find(|f| yaml_edit::field_lines(&new_text, &f.name).is_some_and(|r| r.contains(&l)))
            });
            let message = with_hints(&p);
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

/// A problem's message with its hints, as one sentence beside a field.
fn with_hints(p: &Problem) -> String {
    let mut message = p.message.clone();
    for h in &p.hints {
        message.push_str(&format!(" (hint: {h})"));
    }
    message
}

/// `check`'s own validation of `text` as the profile at `path`: the text goes to a temporary
/// file beside the profile (so relative logo paths resolve the same way), which `watch`
/// ignores and which is deleted afterwards.
pub fn validate(root: &Path, path: &Path, text: &str) -> anyhow::Result<Vec<Problem>> {
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
                "signatory.role",
                "clinicians"
            ]
        );
        assert_eq!(f[5].kind, "email");
        assert_eq!(f[2].value, "1 High St\nLeicester");
        assert!(f[6].hint.as_deref().unwrap().contains("white"), "{:?}", f[6].hint);
        assert_eq!(f[0].label, "ODS code");
        assert!(f[2].hint.as_deref().unwrap().ends_with("One per line."), "{:?}", f[2].hint);
        // A practice with no clinicians gets one empty row to add its first.
        assert_eq!((f[9].kind, f[9].rows.len(), f[9].rows[0].blank), ("rows", 1, true));
    }

    #[test]
    fn clinicians_are_added_edited_and_removed_as_rows() {
        let (dir, path) = setup();
        let added = form(&[
            ("clinicians.0.name", "Dr C"),
            ("clinicians.0.role", "GP"),
            ("clinicians.0.gmc", "1234567"),
            ("clinicians.0.nmc", ""),
        ]);
        assert!(matches!(save(dir.path(), &path, &added, None).unwrap(), Saved::Written));
        let second = form(&[
            ("clinicians.0.name", "Dr C"),
            ("clinicians.0.role", "GP Partner"),
            ("clinicians.0.gmc", "1234567"),
            ("clinicians.1.name", "N D"),
            ("clinicians.1.role", "Nurse"),
            ("clinicians.1.nmc", "12a3456e"),
        ]);
        assert!(matches!(save(dir.path(), &path, &second, None).unwrap(), Saved::Written));
        let p = config::load_practice(dir.path(), &path).unwrap();
        let regs: Vec<_> = p.clinicians.iter().map(|c| (c.role.as_str(), c.registration.as_str())).collect();
        assert_eq!(regs, [("GP Partner", "GMC 1234567"), ("Nurse", "NMC 12A3456E")]);
        let rows = &fields(&yaml_edit::values(&std::fs::read_to_string(&path).unwrap()).unwrap())[9].rows;
        assert_eq!(rows.len(), 3, "two clinicians and an empty row");
        // A mistake in the second row is said there, and nothing is written.
        let before = std::fs::read_to_string(&path).unwrap();
        let bad =
            form(&[("clinicians.0.name", "Dr C"), ("clinicians.0.role", "GP"), ("clinicians.0.gmc", "12")]);
        let Saved::Refused { fields, general } = save(dir.path(), &path, &bad, None).unwrap() else {
            panic!("saved a bad GMC number")
        };
        assert!(general.is_empty(), "{general:?}");
        let row = &fields.iter().find(|f| f.kind == "rows").unwrap().rows[0];
        assert!(row.error.as_deref().unwrap().contains("is not a GMC number"), "{row:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
        let removed = form(&[
            ("clinicians.0.name", "Dr C"),
            ("clinicians.0.remove", "1"),
            ("clinicians.1.name", "N D"),
            ("clinicians.1.role", "Nurse"),
            ("clinicians.1.nmc", "12A3456E"),
        ]);
        assert!(matches!(save(dir.path(), &path, &removed, None).unwrap(), Saved::Written));
        let p = config::load_practice(dir.path(), &path).unwrap();
        assert_eq!(p.clinicians.len(), 1);
        assert_eq!(p.clinicians[0].name, "N D");
        assert!(std::fs::read_to_string(&path).unwrap().starts_with("# keep me\n"));
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
