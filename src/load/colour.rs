//! Brand colours: parsing and WCAG 2 contrast, so text set on a practice's colour stays
//! readable.

use std::fmt;

/// WCAG 2 AA for normal-size text.
pub const AA_CONTRAST: f64 = 4.5;
pub const WHITE: Rgb = Rgb(0xFF, 0xFF, 0xFF);
/// The NHS text colour; softer than pure black, still dark enough for most backgrounds.
pub const DARK_TEXT: Rgb = Rgb(0x21, 0x2B, 0x32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses `#RRGGBB` or `#RGB` (case-insensitive).
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |s: &str| u8::from_str_radix(s, 16).ok();
        match hex.len() {
            6 => Some(Rgb(channel(&hex[0..2])?, channel(&hex[2..4])?, channel(&hex[4..6])?)),
            3 => {
                let d = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
                Some(Rgb(d(0)?, d(1)?, d(2)?))
            }
            _ => None,
        }
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// White or dark text, whichever reads better on this colour, if either meets AA.
    pub fn readable_text(self) -> Result<Rgb, ContrastError> {
        let on_white = self.contrast(WHITE);
        let on_dark = self.contrast(DARK_TEXT);
        let (best, ratio) = if on_white >= on_dark { (WHITE, on_white) } else { (DARK_TEXT, on_dark) };
        if ratio >= AA_CONTRAST {
            Ok(best)
        } else {
            Err(ContrastError { colour: self, with_white: on_white, with_dark: on_dark })
        }
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ContrastError {
    pub colour: Rgb,
    pub with_white: f64,
    pub with_dark: f64,
}

impl fmt::Display for ContrastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "brand colour {} is too mid-toned for readable text: contrast {:.2}:1 with white \
             and {:.2}:1 with dark text {}, and WCAG AA needs {AA_CONTRAST}:1",
            self.colour, self.with_white, self.with_dark, DARK_TEXT
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_long_and_short_hex() {
        assert_eq!(Rgb::parse("#005EB8"), Some(Rgb(0, 94, 184)));
        assert_eq!(Rgb::parse("#fff"), Some(WHITE));
        assert_eq!(Rgb::parse("005EB8"), None);
        assert_eq!(Rgb::parse("#12345"), None);
        assert_eq!(Rgb::parse("#GGGGGG"), None);
        assert_eq!(Rgb(0, 94, 184).to_string(), "#005EB8");
    }

    #[test]
    fn known_contrast_ratios() {
        assert!((WHITE.contrast(Rgb(0, 0, 0)) - 21.0).abs() < 1e-9);
        // NHS Blue on white is about 6.4:1.
        let blue = Rgb(0, 94, 184).contrast(WHITE);
        assert!((6.3..6.5).contains(&blue), "{blue}");
    }

    #[test]
    fn picks_white_on_dark_and_dark_on_pale() {
        assert_eq!(Rgb(0x00, 0x30, 0x87).readable_text().unwrap(), WHITE);
        assert_eq!(Rgb(0xFF, 0xB8, 0x1C).readable_text().unwrap(), DARK_TEXT);
    }

    #[test]
    fn mid_tones_are_rejected_with_ratios() {
        let err = Rgb(0x76, 0x86, 0x92).readable_text().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("#768692") && text.contains(":1"), "{text}");
    }
}
