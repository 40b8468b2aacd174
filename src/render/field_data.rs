//! A document's values as typst data: the dictionary the templates' `field` function reads.
//! Values reach typst only as string literals, so data is never code.

use crate::load::content::{Field, FieldKind};
use crate::load::fields::{FieldValue, Values};
use crate::markdown::typst_escape as escape;

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
    // Choice fields without a value print every option with a box to tick.
    out.push_str("), choices: (");
    let choices: Vec<&Field> = fields.iter().filter(|f| f.kind == FieldKind::Choice).collect();
    for f in &choices {
        out.push_str(&format!("\"{}\": (", escape::string(&f.name)));
        for c in &f.options {
            out.push_str(&format!("\"{}\", ", escape::string(&c.text)));
        }
        out.push_str("), ");
    }
    if choices.is_empty() {
        out.push(':');
    }
    out.push_str("))");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_data_parses_and_is_literal() {
        let mut v = Values::new();
        v.insert("practice.name".into(), FieldValue::Text("Dr #1 \"x\" \\".into()));
        v.insert("a".into(), FieldValue::Lines(vec!["l1".into()]));
        let src = format!(
            "#let d = {}",
            typst_data(&v, &[Field { name: "f".into(), label: "F".into(), ..Default::default() }])
        );
        assert!(typst::syntax::parse(&src).errors_and_warnings().0.is_empty(), "{src}");
        let empty = format!("#let d = {}", typst_data(&Values::new(), &[]));
        assert!(typst::syntax::parse(&empty).errors_and_warnings().0.is_empty(), "{empty}");
    }

    #[test]
    fn choice_fields_list_their_options() {
        let why = Field {
            name: "why".into(),
            label: "Why".into(),
            kind: FieldKind::Choice,
            options: vec![
                crate::load::content::Choice { value: "a".into(), text: "Reason A.".into() },
                crate::load::content::Choice { value: "b".into(), text: "Reason B.".into() },
            ],
            multiple: true,
            ..Default::default()
        };
        let src = format!("#let d = {}", typst_data(&Values::new(), &[why]));
        assert!(typst::syntax::parse(&src).errors_and_warnings().0.is_empty(), "{src}");
        assert!(src.contains("choices: (\"why\": (\"Reason A.\", \"Reason B.\", ), )"), "{src}");
    }
}
