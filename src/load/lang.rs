//! The languages posters can be translated into: BCP 47 code, script direction, the font
//! typst should try first, and the draft notice in the language where we have one.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Language {
    /// BCP 47 primary language subtag, as used in file names (`where-to-get-help.gu.md`).
    pub code: &'static str,
    pub english: &'static str,
    pub rtl: bool,
    /// Tried first; anything it lacks falls back by coverage to the other embedded fonts.
    pub font: &'static str,
    /// "Draft translation: to be checked by a qualified translator before use", in the
    /// language. Unwritten ones show the English notice only, rather than a guess.
    pub draft_notice: Option<&'static str>,
}

const fn lang(
    code: &'static str,
    english: &'static str,
    rtl: bool,
    font: &'static str,
    draft_notice: Option<&'static str>,
) -> Language {
    Language { code, english, rtl, font, draft_notice }
}

const LATIN: &str = "Liberation Sans";

pub const LANGUAGES: [Language; 13] = [
    lang(
        "gu",
        "Gujarati",
        false,
        "Noto Sans Gujarati",
        Some("અનુવાદનો મુસદ્દો: ઉપયોગ પહેલાં લાયક અનુવાદક પાસે તપાસ કરાવો."),
    ),
    lang(
        "pa",
        "Punjabi (Gurmukhi)",
        false,
        "Noto Sans Gurmukhi",
        Some("ਅਨੁਵਾਦ ਦਾ ਖਰੜਾ: ਵਰਤਣ ਤੋਂ ਪਹਿਲਾਂ ਕਿਸੇ ਯੋਗ ਅਨੁਵਾਦਕ ਤੋਂ ਜਾਂਚ ਕਰਵਾਓ।"),
    ),
    // Nastaliq is how Urdu readers expect their script to look; Naskh reads as Arabic.
    lang(
        "ur",
        "Urdu",
        true,
        "Noto Nastaliq Urdu",
        Some("ترجمے کا مسودہ: استعمال سے پہلے کسی مستند مترجم سے جانچ کروائیں۔"),
    ),
    lang(
        "pl",
        "Polish",
        false,
        LATIN,
        Some("Wersja robocza tłumaczenia: przed użyciem musi ją sprawdzić wykwalifikowany tłumacz."),
    ),
    lang(
        "bn",
        "Bengali",
        false,
        "Noto Sans Bengali",
        Some("অনুবাদের খসড়া: ব্যবহারের আগে একজন যোগ্য অনুবাদককে দিয়ে যাচাই করান।"),
    ),
    lang("so", "Somali", false, LATIN, None),
    lang(
        "ar",
        "Arabic",
        true,
        "Noto Naskh Arabic",
        Some("مسودة ترجمة: يجب أن يراجعها مترجم مؤهل قبل الاستخدام."),
    ),
    lang(
        "hi",
        "Hindi",
        false,
        "Noto Sans Devanagari",
        Some("अनुवाद का मसौदा: उपयोग से पहले किसी योग्य अनुवादक से जाँच करवाएँ।"),
    ),
    lang("ta", "Tamil", false, "Noto Sans Tamil", None),
    lang("ro", "Romanian", false, LATIN, None),
    lang("pt", "Portuguese", false, LATIN, None),
    lang("zh", "Chinese", false, "Droid Sans Fallback", None),
    lang("lt", "Lithuanian", false, LATIN, None),
];

pub const ENGLISH_DRAFT_NOTICE: &str =
    "Draft translation: to be checked by a qualified translator before use";

pub fn find(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

pub fn codes() -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().map(|l| l.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_lower_case_subtags() {
        for (i, l) in LANGUAGES.iter().enumerate() {
            assert!(l.code.len() == 2 && l.code.chars().all(|c| c.is_ascii_lowercase()), "{}", l.code);
            assert!(LANGUAGES[..i].iter().all(|o| o.code != l.code), "{} twice", l.code);
        }
        assert!(find("ur").unwrap().rtl && find("ar").unwrap().rtl && !find("gu").unwrap().rtl);
        assert!(find("en").is_none(), "English is the original, not a translation");
    }
}
