//! Values that fill `{{ placeholders }}`: a practice's and the LMC's details, and a letter's
//! own fields. They reach typst only as string literals, so data is never code.

use std::collections::BTreeMap;

use crate::config::{Lmc, Practice};
use crate::content::{Field, FieldKind};
use crate::dates;
use crate::escape;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(String),
    Lines(Vec<String>),
}

impl FieldValue {
    /// The value as one line of plain text.
    pub fn plain(&self) -> String {
        match self {
            FieldValue::Text(t) => t.clone(),
            FieldValue::Lines(lines) => lines.join(", "),
        }
    }
}

pub type Values = BTreeMap<String, FieldValue>;

/// `practice.*` and `lmc.*` values.
pub fn standard_values(lmc: &Lmc, practice: Option<&Practice>) -> Values {
    let mut v = Values::new();
    let mut put = |k: &str, val: Option<&str>| {
        if let Some(val) = val.filter(|s| !s.trim().is_empty()) {
            v.insert(k.to_string(), FieldValue::Text(val.to_string()));
        }
    };
    put("lmc.name", Some(&lmc.name));
    put("lmc.short_name", Some(&lmc.short_name));
    put("lmc.website", lmc.website.as_deref());
    put("lmc.edition", Some(&lmc.edition));
    put("lmc.email", lmc.email.as_deref());
    put("lmc.phone", lmc.phone.as_deref());
    if let Some(p) = practice {
        let address = p.address.join(", ");
        put("practice.name", Some(&p.name));
        put("practice.phone", Some(&p.phone));
        put("practice.email", Some(&p.email));
        put("practice.website", p.website.as_deref());
        put("practice.address", Some(&address));
        put("practice.postcode", Some(&p.postcode));
        put("practice.ods_code", Some(&p.ods_code));
        put("practice.signatory.name", Some(&p.signatory.name));
        put("practice.signatory.role", Some(&p.signatory.role));
        put("practice.brand_colour", Some(&p.brand_colour));
    }
    v
}

/// A typst dictionary `(values: (..), labels: (..))` for the templates' `field` function.
pub fn typst_data(values: &Values, fields: &[Field]) -> String {
    let mut out = String::from("(values: (");
    for (k, v) in values {
        out.push_str(&format!("\"{}\": ", escape::string(k)));
        match v {
            FieldValue::Text(t) => out.push_str(&format!("\"{}\"", escape::string(t))),
            FieldValue::Lines(lines) => {
                out.push('(');
                for line in lines {
                    out.push_str(&format!("\"{}\", ", escape::string(line)));
                }
                out.push(')');
            }
        }
        out.push_str(", ");
    }
    if values.is_empty() {
        out.push(':');
    }
    out.push_str("), labels: (");
    for f in fields {
        out.push_str(&format!("\"{}\": \"{}\", ", escape::string(&f.name), escape::string(&f.label)));
    }
    if fields.is_empty() {
        out.push(':');
    }
    out.push_str("))");
    out
}

/// Checks and normalises one value for a field (a date becomes "25 November 2026", an NHS
/// number "485 777 3456"). The error never repeats the value: it may identify a patient.
pub fn normalise(field: &Field, raw: &str) -> Result<Option<FieldValue>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return if field.required {
            Err(format!("`{}` is required but empty", field.name))
        } else {
            Ok(None)
        };
    }
    Ok(Some(match field.kind {
        FieldKind::Text => FieldValue::Text(raw.to_string()),
        FieldKind::Lines => FieldValue::Lines(
            raw.split(['\n', '|']).map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
        ),
        FieldKind::Date => match dates::parse_uk(raw) {
            Some(d) => FieldValue::Text(dates::long(d)),
            None => return Err(format!("`{}` is not a date (use 25/11/2026 or 2026-11-25)", field.name)),
        },
        FieldKind::NhsNumber => match nhs_number(raw) {
            Some(n) => FieldValue::Text(n),
            None => {
                return Err(format!(
                    "`{}` is not a valid NHS number (10 digits whose check digit must match)",
                    field.name
                ));
            }
        },
    }))
}

/// Validates an NHS number's modulus-11 check digit; returns it spaced 3-3-4.
pub fn nhs_number(raw: &str) -> Option<String> {
    let digits: Vec<u32> =
        raw.chars().filter(|c| !matches!(c, ' ' | '-')).map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if digits.len() != 10 {
        return None;
    }
    let sum: u32 = digits[..9].iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return None,
        c => c,
    };
    if check != digits[9] {
        return None;
    }
    let s: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
    Some(format!("{} {} {}", &s[..3], &s[3..6], &s[6..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind, required: bool) -> Field {
        Field { name: "f".into(), label: "F".into(), kind, required }
    }

    #[test]
    fn nhs_numbers_check_digit() {
        assert_eq!(nhs_number("9434765919").as_deref(), Some("943 476 5919"));
        assert_eq!(nhs_number("943 476 5919").as_deref(), Some("943 476 5919"));
        assert_eq!(nhs_number("9434765918"), None);
        assert_eq!(nhs_number("943476591"), None);
        assert_eq!(nhs_number("943476591x"), None);
    }

    #[test]
    fn normalise_values_by_kind() {
        assert_eq!(
            normalise(&field(FieldKind::Date, true), "1/4/2025").unwrap(),
            Some(FieldValue::Text("1 April 2025".into()))
        );
        assert!(normalise(&field(FieldKind::Date, true), "soon").is_err());
        assert!(normalise(&field(FieldKind::Text, true), "  ").is_err());
        assert_eq!(normalise(&field(FieldKind::Text, false), "").unwrap(), None);
        assert_eq!(
            normalise(&field(FieldKind::Lines, true), "1 High St | Leicester").unwrap(),
            Some(FieldValue::Lines(vec!["1 High St".into(), "Leicester".into()]))
        );
        let err = normalise(&field(FieldKind::NhsNumber, true), "1234567890").unwrap_err();
        assert!(!err.contains("1234567890"), "never echo patient data: {err}");
    }

    #[test]
    fn typst_data_parses_and_is_literal() {
        let mut v = Values::new();
        v.insert("practice.name".into(), FieldValue::Text("Dr #1 \"x\" \\".into()));
        v.insert("a".into(), FieldValue::Lines(vec!["l1".into()]));
        let src = format!("#let d = {}", typst_data(&v, &[field(FieldKind::Text, true)]));
        assert!(typst::syntax::parse(&src).errors_and_warnings().0.is_empty(), "{src}");
        let empty = format!("#let d = {}", typst_data(&Values::new(), &[]));
        assert!(typst::syntax::parse(&empty).errors_and_warnings().0.is_empty(), "{empty}");
    }
}
