//! Recipients of a mail merge: a CSV, YAML or JSON file read into rows, its columns matched
//! to a letter's fields and each row checked. Recipient data is patient-identifiable: no
//! value is ever put in a message, only the row and column.

use std::collections::BTreeSet;
use std::path::Path;

use crate::diag::Problem;
use crate::load::content::{Field, Letter};
use crate::load::fields::{self, FieldValue, Values};

/// A recipients file as text cells. `rows[i].0` is the row's number as a spreadsheet shows
/// it (the header is row 1).
#[derive(Debug)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads CSV (comma, semicolon or tab separated, with or without a byte-order mark, any line
/// endings), or a YAML or JSON list of records.
pub fn read_table(path: &Path) -> Result<Table, Problem> {
    let shown = path.to_path_buf();
    let bytes = std::fs::read(path)
        .map_err(|e| Problem::error(&shown, format!("failed to read recipients file: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        Problem::error(
            &shown,
            format!("the recipients file is not UTF-8 text (first bad byte on line {line})"),
        )
        .hint("in Excel, use Save As → \"CSV UTF-8 (Comma delimited)\"")
    })?;
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("yaml" | "yml" | "json") => read_records(&shown, text),
        _ => read_csv(&shown, text),
    }
}

fn read_csv(shown: &Path, text: &str) -> Result<Table, Problem> {
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.matches(*d as char).count())
        .unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Problem::error(shown, format!("failed to read the header row: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| Problem::error(shown, format!("row {}: {}", i + 2, csv_error(&e))))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push((i + 2, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { headers, rows })
}

/// csv's messages can quote the record; keep only the kind of fault.
fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} cells, the header has {expected_len}")
        }
        _ => "could not be read as CSV".into(),
    }
}

fn read_records(shown: &Path, text: &str) -> Result<Table, Problem> {
    // serde_json's map keeps the order columns were written in.
    let records: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_saphyr::from_str(text).map_err(|e| {
            let at = e.location().map(|l| format!(" (line {})", l.line())).unwrap_or_default();
            Problem::error(shown, format!("the recipients file must be a list of records{at}"))
                .hint("for example:\n- patient_name: ...\n  nhs_number: ...")
        })?;
    let mut headers: Vec<String> = Vec::new();
    for record in &records {
        for key in record.keys() {
            if !headers.contains(key) {
                headers.push(key.clone());
            }
        }
    }
    let cell = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join("\n"),
        Some(other) => other.to_string(),
    };
    let rows = records
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 1, headers.iter().map(|h| cell(r.get(h))).collect()))
        .collect();
    Ok(Table { headers, rows })
}

/// `Patient Name`, `patient-name` and `patient_name` all name the field `patient_name`.
fn normalise_header(h: &str) -> String {
    h.trim().to_lowercase().replace([' ', '-'], "_")
}

/// Maps columns to the letter's fields; unknown and missing columns are reported together.
pub fn match_columns(table: &Table, fields: &[Field], shown: &Path) -> Result<Vec<Option<usize>>, Problem> {
    let names: Vec<String> = table.headers.iter().map(|h| normalise_header(h)).collect();
    let unknown: Vec<&String> =
        names.iter().filter(|n| !n.is_empty() && !fields.iter().any(|f| &f.name == *n)).collect();
    let missing: Vec<&str> =
        fields.iter().filter(|f| f.required && !names.contains(&f.name)).map(|f| f.name.as_str()).collect();
    let duplicate: BTreeSet<&String> =
        names.iter().filter(|n| names.iter().filter(|m| m == n).count() > 1).collect();
    if unknown.is_empty() && missing.is_empty() && duplicate.is_empty() {
        return Ok(fields.iter().map(|f| names.iter().position(|n| n == &f.name)).collect());
    }
    let mut faults = Vec::new();
    if !missing.is_empty() {
        faults.push(format!("missing columns: {}", missing.join(", ")));
    }
    if !unknown.is_empty() {
        faults.push(format!(
            "unknown columns: {}",
            unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    if !duplicate.is_empty() {
        faults.push(format!(
            "repeated columns: {}",
            duplicate.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    Err(Problem::error(shown, faults.join("; ")).hint(expected_columns(fields)))
}

fn expected_columns(fields: &[Field]) -> String {
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name.as_str()).collect();
    let optional: Vec<&str> = fields.iter().filter(|f| !f.required).map(|f| f.name.as_str()).collect();
    let mut hint = format!("the letter expects the columns: {}", required.join(", "));
    if !optional.is_empty() {
        hint.push_str(&format!(" (and optionally: {})", optional.join(", ")));
    }
    hint.push_str("; `lmcpress merge LETTER --header` prints a header row to start from");
    hint
}

/// The header row a spreadsheet for `letter` starts from.
pub fn header_row(letter: &Letter) -> String {
    letter.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(",")
}

/// Checks one row. Errors name the row and column, never the value.
pub fn row_values(
    row: &[String],
    columns: &[Option<usize>],
    fields: &[Field],
) -> Result<Values, Vec<String>> {
    let mut values = Values::new();
    let mut errors = Vec::new();
    for (field, col) in fields.iter().zip(columns) {
        let raw = col.and_then(|c| row.get(c)).map(String::as_str).unwrap_or("");
        if let Some(fault) = crate::load::limits::merge_value(raw) {
            errors.push(format!("`{}` {fault}", field.name));
            continue;
        }
        match fields::normalise(field, raw) {
            Ok(Some(v)) => {
                values.insert(field.name.clone(), v);
            }
            // An optional field left empty shows nothing rather than a blank to fill in.
            Ok(None) => {
                values.insert(field.name.clone(), FieldValue::Text(String::new()));
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::content::FieldKind;

    fn f(name: &str, kind: FieldKind, required: bool) -> Field {
        Field { name: name.into(), label: name.into(), kind, required, ..Default::default() }
    }

    fn table(text: &str, ext: &str) -> Table {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("d.{ext}"));
        std::fs::write(&path, text).unwrap();
        read_table(&path).unwrap()
    }

    #[test]
    fn reads_excel_style_csv() {
        let t = table(
            "\u{feff}Patient Name;NHS number\r\nA Smith;943 476 5919\r\n;\r\nB Jones;\"1; 2\"\r\n",
            "csv",
        );
        assert_eq!(t.headers, ["Patient Name", "NHS number"]);
        assert_eq!(t.rows.len(), 2, "blank rows are skipped");
        assert_eq!(t.rows[0], (2, vec!["A Smith".to_string(), "943 476 5919".to_string()]));
        assert_eq!(t.rows[1].0, 4);
        assert_eq!(t.rows[1].1[1], "1; 2");
    }

    #[test]
    fn reads_yaml_and_json_lists() {
        let t = table(
            "- patient_name: A\n  nhs_number: 9434765919\n  address: [1 High St, Leicester]\n- patient_name: B\n",
            "yaml",
        );
        assert_eq!(t.headers, ["patient_name", "nhs_number", "address"]);
        assert_eq!(t.rows[0].1, ["A", "9434765919", "1 High St\nLeicester"]);
        assert_eq!(t.rows[1].1, ["B", "", ""]);
        let t = table(r#"[{"patient_name": "C"}]"#, "json");
        assert_eq!(t.rows[0].1, ["C"]);
    }

    #[test]
    fn non_utf8_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, b"name\nG\xe9rard\n").unwrap();
        let p = read_table(&path).unwrap_err();
        assert!(p.message.contains("not UTF-8") && p.message.contains("line 2"), "{}", p.message);
        assert!(p.hints[0].contains("CSV UTF-8"));
    }

    #[test]
    fn columns_unknown_and_missing_are_reported_together() {
        let fields = [
            f("patient_name", FieldKind::Text, true),
            f("nhs_number", FieldKind::NhsNumber, true),
            f("clinic", FieldKind::Text, false),
        ];
        let t = Table { headers: vec!["Patient name".into(), "nhs".into()], rows: vec![] };
        let p = match_columns(&t, &fields, Path::new("d.csv")).unwrap_err();
        assert!(p.message.contains("missing columns: nhs_number"), "{}", p.message);
        assert!(p.message.contains("unknown columns: nhs"), "{}", p.message);
        assert!(p.hints[0].contains("patient_name, nhs_number (and optionally: clinic)"), "{}", p.hints[0]);
        let t = Table { headers: vec!["NHS Number".into(), "patient_name".into()], rows: vec![] };
        assert_eq!(match_columns(&t, &fields, Path::new("d.csv")).unwrap(), [Some(1), Some(0), None]);
    }

    #[test]
    fn bad_rows_name_columns_not_values() {
        let fields = [
            f("nhs_number", FieldKind::NhsNumber, true),
            f("seen", FieldKind::Date, true),
            f("note", FieldKind::Text, false),
        ];
        let cols = [Some(0), Some(1), None];
        let errors = row_values(&["1234567890".into(), "31/02/2025".into()], &cols, &fields).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| !e.contains("1234567890") && !e.contains("31/02")), "{errors:?}");
        let ok = row_values(&["9434765919".into(), "1/4/2025".into()], &cols, &fields).unwrap();
        assert_eq!(ok["seen"], FieldValue::Text("1 April 2025".into()));
        assert_eq!(ok["note"], FieldValue::Text(String::new()));
    }
}
