//! Fonts embedded in the binary, parsed once per process.
//!
//! Output never depends on the machine's fonts: Liberation Sans (metric-compatible with
//! Arial, the NHS secondary typeface) for Latin, Greek and Cyrillic text; Noto faces for the
//! scripts of England's most common main languages after English (ONS Census 2021: Panjabi,
//! Urdu, Arabic, Bengali, Gujarati, Hindi/Nepali, Tamil); Droid Sans Fallback for Chinese,
//! Japanese and Korean; and typst's bundled fonts for code and maths. typst falls back from
//! one font to the next by coverage, in the order listed here: Naskh comes before Nastaliq,
//! so Arabic text is set in Naskh unless a document asks for Nastaliq (Urdu).

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

macro_rules! fonts {
    ($($file:literal),* $(,)?) => {
        [$(include_bytes!(concat!("../../fonts/", $file)).as_slice()),*]
    };
}

const SHIPPED: [&[u8]; 19] = fonts![
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSans-Italic.ttf",
    "LiberationSans-BoldItalic.ttf",
    "NotoSansGujarati-Regular.ttf",
    "NotoSansGujarati-Bold.ttf",
    "NotoSansGurmukhi-Regular.ttf",
    "NotoSansGurmukhi-Bold.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoNastaliqUrdu-Regular.ttf",
    "NotoNastaliqUrdu-Bold.ttf",
    "NotoSansBengali-Regular.ttf",
    "NotoSansBengali-Bold.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSansDevanagari-Bold.ttf",
    "NotoSansTamil-Regular.ttf",
    "NotoSansTamil-Bold.ttf",
    "DroidSansFallbackFull.ttf",
];

pub(crate) struct FontSet {
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
}

pub(crate) static FONTS: LazyLock<FontSet> = LazyLock::new(|| {
    let fonts: Vec<Font> = SHIPPED
        .into_iter()
        .chain(typst_assets::fonts())
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    FontSet { book, fonts }
});

/// Whether some shipped font has a glyph for `c`. Characters that are never drawn (controls,
/// joiners, variation selectors and other default-ignorables) count as covered.
pub fn covers(c: char) -> bool {
    is_invisible(c) || FONTS.fonts.iter().any(|f| f.info().coverage.contains(c as u32))
}

fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liberation_sans_has_all_four_styles() {
        let families: Vec<_> = FONTS.fonts.iter().filter(|f| f.info().family == "Liberation Sans").collect();
        assert_eq!(families.len(), 4);
    }

    #[test]
    fn every_script_of_englands_common_languages_is_covered() {
        // Gujarati, Gurmukhi (Panjabi), Urdu/Arabic, Bengali, Devanagari, Tamil, Chinese,
        // Greek, Cyrillic, Polish and Romanian letters, and the pound sign.
        for text in [
            "સ્વાગત",
            "ਸਵਾਗਤ",
            "خوش آمدید",
            "مرحبا",
            "স্বাগতম",
            "स्वागत",
            "வரவேற்பு",
            "欢迎光临",
            "Καλώς",
            "Добро",
            "Zażółć",
            "ȘȚ",
            "£",
        ] {
            for c in text.chars() {
                assert!(covers(c), "{c:?} (U+{:04X}) in {text} has no font", c as u32);
            }
        }
    }

    #[test]
    fn unassigned_and_private_use_characters_are_not_covered() {
        assert!(!covers('\u{F8FF}'));
        assert!(!covers('\u{10FFFD}'));
        assert!(!covers('\u{1F600}'), "no emoji font is shipped");
        assert!(covers('\u{200D}') && covers('\u{FE0F}'));
    }
}
