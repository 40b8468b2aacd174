//! Values that fill `{{ placeholders }}`: a practice's and the LMC's details, and a letter's
//! own fields. They reach typst only as string literals, so data is never code.

use std::collections::BTreeMap;

use crate::load::config::{self, Lmc, Practice};
use crate::load::content::{CLINICIAN_FIELDS, Field, FieldKind, Letter, SignedBy};
use crate::load::dates;

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
        put("practice.professional_line", Some(&professional_line(p)));
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

/// How a clinician reaches the practice urgently, as words that follow "telephone us ... on":
/// the practice's bypass line when its profile gives one, else its patients' number with a
/// plain warning, so that no letter sends an urgent call into the patients' queue unawares.
pub fn professional_line(p: &Practice) -> String {
    match &p.professional_phone {
        Some(line) => format!(
            "{}, our line for health professionals, which does not go through the patients' queue",
            line.trim()
        ),
        None => format!(
            "{}. This is the number our patients use, and we have no separate line for professionals: \
             please say at once that you are a clinician calling about an urgent patient, and ask to \
             speak to a GP",
            p.phone.trim()
        ),
    }
}

/// The values one document is made with: the LMC's and the practice's details, then a
/// merge row's values (if any), then, for a clinical letter, who signs it. Every format of
/// the document (PDF, Word, text) takes its values from here and nowhere else, so they
/// cannot disagree.
pub fn document_values(
    lmc: &Lmc,
    practice: Option<&Practice>,
    letter: Option<&Letter>,
    row: Option<&Values>,
) -> Result<Values, String> {
    let mut values = standard_values(lmc, practice);
    if let Some(row) = row {
        values.extend(row.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    if let (Some(letter), Some(practice)) = (letter, practice) {
        sign(letter, practice, &mut values)?;
    }
    Ok(values)
}

/// Fills in who signs a clinical letter from one row of recipient data: a clinician named
/// in the practice profile (`clinician`), or one given in full with a GMC or NMC number.
/// Refuses anything else, so a clinical letter never goes out over a non-clinician's name;
/// with no clinician at all the signature stays a blank to sign by hand.
pub fn sign(letter: &Letter, practice: &Practice, values: &mut Values) -> Result<(), String> {
    if letter.signed_by != SignedBy::Clinician {
        return Ok(());
    }
    let mut given = |k: &str| match values.remove(k) {
        Some(v) if !v.plain().trim().is_empty() => Some(v.plain().trim().to_string()),
        _ => None,
    };
    let [key, name, role, registration] = CLINICIAN_FIELDS.map(|(k, _)| given(k));
    let (name, role, registration) = match (key, name, role, registration) {
        (None, None, None, None) => return Ok(()),
        (Some(key), None, None, None) => match practice.clinician(&key) {
            Some(c) => (c.name.clone(), c.role.clone(), c.registration.clone()),
            None => {
                return Err(format!(
                    "the signing clinician is not one of the clinicians listed in `{}`'s profile \
                     (give their name or GMC/NMC number)",
                    practice.ods_code
                ));
            }
        },
        (Some(_), ..) => {
            return Err(
                "give either `clinician` or `clinician_name` with `clinician_registration`, not both".into(),
            );
        }
        (None, Some(name), role, Some(reg)) => {
            let reg = reg.to_ascii_uppercase();
            let (register, number) = reg.split_once(' ').unwrap_or(("", reg.as_str()));
            let registration = match register {
                "GMC" | "" if config::is_gmc_number(number) => format!("GMC {number}"),
                "NMC" | "" if config::is_nmc_pin(number) => format!("NMC {number}"),
                _ => return Err("`clinician_registration` is not a GMC number or an NMC PIN".into()),
            };
            (name, role.unwrap_or_default(), registration)
        }
        (None, _, _, None) => {
            return Err("a clinical letter is signed by a registered clinician: `clinician_registration` \
                 (GMC or NMC number) is missing"
                .into());
        }
        (None, None, _, Some(_)) => return Err("`clinician_name` is missing".into()),
    };
    values.insert("clinician_name".into(), FieldValue::Text(name));
    values.insert("clinician_role".into(), FieldValue::Text(role));
    values.insert("clinician_registration".into(), FieldValue::Text(registration));
    Ok(())
}

/// Plain ASCII for text pasted into clinical systems: typographic punctuation becomes its
/// plain form and accents are dropped. Returns the characters it could not write.
pub fn ascii(text: &str) -> (String, Vec<char>) {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut lost = Vec::new();
    for c in text.chars() {
        let plain = match c {
            c if c.is_ascii() => {
                out.push(c);
                continue;
            }
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => "'",
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => "\"",
            '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
            '\u{2026}' => "...",
            // Accents already split from their letters.
            '\u{0300}'..='\u{036F}' => "",
            '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' => " ",
            '\u{00A3}' => "GBP ",
            '\u{00DF}' => "ss",
            '\u{00E6}' => "ae",
            '\u{00C6}' => "AE",
            '\u{00F8}' => "o",
            '\u{00D8}' => "O",
            '\u{0141}' => "L",
            '\u{0142}' => "l",
            '\u{0111}' => "d",
            '\u{0110}' => "D",
            _ => {
                let base: String = c.nfd().filter(char::is_ascii).collect();
                if base.is_empty() {
                    lost.push(c);
                    "?"
                } else {
                    out.push_str(&base);
                    continue;
                }
            }
        };
        out.push_str(plain);
    }
    (out, lost)
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
        FieldKind::Choice => {
            let mut chosen = Vec::new();
            for part in raw.split(['\n', '|']).map(str::trim).filter(|p| !p.is_empty()) {
                match field.options.iter().find(|o| o.value.eq_ignore_ascii_case(part)) {
                    Some(o) => chosen.push(o.text.clone()),
                    None => {
                        let values: Vec<&str> = field.options.iter().map(|o| o.value.as_str()).collect();
                        return Err(format!("`{}` must be one of: {}", field.name, values.join(", ")));
                    }
                }
            }
            match chosen.len() {
                1 if !field.multiple => FieldValue::Text(chosen.remove(0)),
                _ if !field.multiple => {
                    return Err(format!("`{}` takes one choice", field.name));
                }
                _ => FieldValue::Lines(chosen),
            }
        }
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
        Field { name: "f".into(), label: "F".into(), kind, required, ..Default::default() }
    }

    fn practice(extra: &str) -> Practice {
        let text = format!(
            "ods_code: C82001\nname: Surgery\naddress: [1 High St]\npostcode: LE1 1AA\n\
             phone: 0116 496 0000\nemail: a@example.org\nbrand_colour: \"#005EB8\"\n\
             signatory: {{name: Dr A, role: GP Partner}}\n{extra}"
        );
        let path = std::path::Path::new("content/practices/a.yaml");
        config::practice_from(std::path::Path::new("."), path, text.into()).unwrap()
    }

    #[test]
    fn an_urgent_call_back_never_goes_to_the_patients_queue_unsaid() {
        let with = professional_line(&practice("professional_phone: \"0116 496 0009\"\n"));
        assert!(with.starts_with("0116 496 0009, our line for health professionals"), "{with}");
        assert!(with.contains("does not go through the patients' queue"), "{with}");
        assert!(!with.contains("0116 496 0000"), "{with}");
        for extra in ["", "professional_phone: \"  \"\n"] {
            let without = professional_line(&practice(extra));
            assert!(without.starts_with("0116 496 0000."), "{without}");
            assert!(without.contains("the number our patients use"), "{without}");
            assert!(without.contains("say at once that you are a clinician"), "{without}");
        }
        let values = standard_values(
            &config::lmc_from(
                std::path::Path::new("."),
                std::path::Path::new("content/lmc.yaml"),
                "name: L\nshort_name: L\nbrand_colour: \"#003087\"\nedition: \"2026/27\"\n\
                 guide: {title: G, slug: g, published: 2026-04-01}\n"
                    .into(),
            )
            .unwrap(),
            Some(&practice("")),
        );
        assert!(values["practice.professional_line"].plain().contains("the number our patients use"));
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

    fn choice(multiple: bool) -> Field {
        Field {
            name: "why".into(),
            label: "Why".into(),
            kind: FieldKind::Choice,
            required: true,
            options: vec![
                crate::load::content::Choice { value: "a".into(), text: "Reason A.".into() },
                crate::load::content::Choice { value: "b".into(), text: "Reason B.".into() },
            ],
            multiple,
        }
    }

    #[test]
    fn choices_take_option_values_only() {
        assert_eq!(normalise(&choice(false), "A").unwrap(), Some(FieldValue::Text("Reason A.".into())));
        assert!(normalise(&choice(false), "a|b").is_err());
        assert_eq!(
            normalise(&choice(true), "a | b").unwrap(),
            Some(FieldValue::Lines(vec!["Reason A.".into(), "Reason B.".into()]))
        );
        let err = normalise(&choice(true), "c").unwrap_err();
        assert!(err.contains("a, b"), "{err}");
    }

    #[test]
    fn ascii_folds_typography_and_accents() {
        let (text, lost) = ascii(
            "Dr Sia\u{0302}n O\u{2019}Connor \u{2014} \u{201C}Wi\u{015B}niewski\u{201D} \u{0142}\u{2026}",
        );
        assert_eq!(text, "Dr Sian O'Connor - \"Wisniewski\" l...");
        assert!(lost.is_empty());
        let (text, lost) = ascii("\u{4E2D}");
        assert_eq!((text.as_str(), lost), ("?", vec!['\u{4E2D}']));
    }

    proptest::proptest! {
        #[test]
        fn ascii_output_is_always_ascii(s in "\\PC*") {
            let (text, _) = ascii(&s);
            proptest::prop_assert!(text.is_ascii());
        }
    }
}
