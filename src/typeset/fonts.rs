//! Fonts embedded in the binary, parsed once per process.
//!
//! Output never depends on the machine's fonts: Liberation Sans (metric-compatible with
//! Arial, the NHS secondary typeface) for text, plus typst's bundled fonts for code and maths.

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

const LIBERATION_SANS: [&[u8]; 4] = [
    include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../../fonts/LiberationSans-BoldItalic.ttf"),
];

pub(crate) struct FontSet {
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
}

pub(crate) static FONTS: LazyLock<FontSet> = LazyLock::new(|| {
    let fonts: Vec<Font> = LIBERATION_SANS
        .into_iter()
        .chain(typst_assets::fonts())
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    FontSet { book, fonts }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liberation_sans_has_all_four_styles() {
        let families: Vec<_> = FONTS.fonts.iter().filter(|f| f.info().family == "Liberation Sans").collect();
        assert_eq!(families.len(), 4);
    }
}
