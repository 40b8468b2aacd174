//! QR codes for posters: the practice's website, or NHS 111 online for a practice without
//! one, drawn as an SVG of the `qrcode` crate's own module matrix so it stays sharp at A3.

use std::sync::{Arc, OnceLock};

use qrcode::{Color, EcLevel, QrCode};
use serde::Serialize;

/// Where a poster's code points when the practice has no website.
pub const NHS_111_ONLINE: &str = "https://111.nhs.uk";

/// Light modules around the code. ISO/IEC 18004 asks for four; scanners struggle with less
/// when a poster sits on a busy notice board.
pub const QUIET_ZONE: usize = 4;

/// What a poster template needs to draw the code and print the address under it.
#[derive(Debug, Clone, Serialize)]
pub struct Qr {
    /// The address the code opens.
    pub url: String,
    /// The same address as people type it (no scheme, no trailing slash).
    pub shown: String,
    /// SVG source: dark modules on white, the quiet zone included.
    pub svg: String,
    /// Modules per side, quiet zone included.
    pub modules: usize,
    /// True when the practice has no website and the code opens NHS 111 online.
    pub nhs_111: bool,
}

/// The address a practice's code opens. Profiles usually give `www.example.org`; phones
/// treat that as text, not a link, so it gets `https://`.
pub fn target_url(website: Option<&str>) -> String {
    match website.map(str::trim).filter(|w| !w.is_empty()) {
        None => NHS_111_ONLINE.to_string(),
        Some(w) if has_scheme(w) => w.to_string(),
        Some(w) => format!("https://{w}"),
    }
}

fn has_scheme(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The address as printed for people who do not scan.
pub fn shown_address(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let rest =
        ["https://", "http://"].iter().find(|s| lower.starts_with(*s)).map_or(url, |s| &url[s.len()..]);
    rest.trim_end_matches('/').to_string()
}

/// The code for a practice's website (or NHS 111 online). Fails only for an address too
/// long for any QR version.
pub fn for_website(website: Option<&str>) -> Result<Qr, String> {
    let url = target_url(website);
    let code = encode(&url)?;
    Ok(Qr {
        shown: shown_address(&url),
        svg: svg(&code),
        modules: code.width() + 2 * QUIET_ZONE,
        nhs_111: website.map(str::trim).is_none_or(str::is_empty),
        url,
    })
}

/// Each practice's code, made the first time one of its posters asks: a practice's 24 or so
/// posters and social images all show the same code, and choosing its mask was a few per
/// cent of a build.
pub struct Codes(Vec<OnceLock<Made>>);

/// A code and the website it was made for.
type Made = (Option<String>, Result<Arc<Qr>, String>);

impl Codes {
    /// Room for the practices of a loaded project.
    pub fn new(practices: usize) -> Codes {
        Codes((0..practices).map(|_| OnceLock::new()).collect())
    }

    /// The code of practice `index`, whose website is `website`. A website other than the
    /// one the kept code was made for (a profile changed in place) gets a code of its own.
    pub fn of(&self, index: usize, website: Option<&str>) -> Result<Arc<Qr>, String> {
        let make = || for_website(website).map(Arc::new);
        let Some(cell) = self.0.get(index) else { return make() };
        let (made_for, code) = cell.get_or_init(|| (website.map(str::to_string), make()));
        if made_for.as_deref() == website { code.clone() } else { make() }
    }
}

/// Medium error correction: survives a scuff or a drawing pin, keeps the code small.
pub fn encode(url: &str) -> Result<QrCode, String> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("`{url}` cannot be made into a QR code: {e}"))
}

/// One SVG path of the dark modules, one rectangle per horizontal run, on a white square
/// that includes the quiet zone. `crispEdges` keeps rasterised copies (the PNG) from
/// blurring module edges together.
pub fn svg(code: &QrCode) -> String {
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Light {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            let run = x - start;
            path.push_str(&format!("M{} {}h{run}v1h-{run}z", start + QUIET_ZONE, y + QUIET_ZONE));
        }
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" "#,
            r#"width="{side}" height="{side}" shape-rendering="crispEdges">"#,
            r##"<rect width="{side}" height="{side}" fill="#FFFFFF"/>"##,
            r##"<path fill="#000000" d="{path}"/></svg>"##
        ),
        side = side,
        path = path
    )
}

/// Reads the dark modules back out of an SVG made by [`svg`], quiet zone included, row by
/// row. For tests: what is drawn, not what was meant to be drawn.
pub fn modules_drawn(svg: &str) -> Option<Vec<Vec<bool>>> {
    let side: usize = svg.split("viewBox=\"0 0 ").nth(1)?.split(' ').next()?.parse().ok()?;
    let d = svg.split(" d=\"").nth(1)?.split('"').next()?;
    let mut grid = vec![vec![false; side]; side];
    for cmd in d.split('z').filter(|c| !c.is_empty()) {
        let (xy, rest) = cmd.strip_prefix('M')?.split_once('h')?;
        let (x, y) = xy.split_once(' ')?;
        let (x, y): (usize, usize) = (x.parse().ok()?, y.parse().ok()?);
        let run: usize = rest.split_once('v')?.0.parse().ok()?;
        for cell in grid.get_mut(y)?.get_mut(x..x + run)? {
            *cell = true;
        }
    }
    Some(grid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_practice_code_is_made_once_and_follows_its_website() {
        let codes = Codes::new(2);
        let first = codes.of(0, Some("www.a.example")).unwrap();
        assert!(Arc::ptr_eq(&first, &codes.of(0, Some("www.a.example")).unwrap()), "made twice");
        assert_eq!(first.url, "https://www.a.example");
        // A changed website is never answered with the kept code.
        assert_eq!(codes.of(0, Some("www.b.example")).unwrap().url, "https://www.b.example");
        assert_eq!(codes.of(0, None).unwrap().url, NHS_111_ONLINE);
        assert_eq!(codes.of(1, None).unwrap().url, NHS_111_ONLINE);
        // An index beyond the project's practices still gets its code.
        assert_eq!(codes.of(9, Some("c.example")).unwrap().url, "https://c.example");
        // An address too long for any code fails every time it is asked for.
        let too_long = format!("www.{}.example", "x".repeat(5000));
        let codes = Codes::new(1);
        assert!(codes.of(0, Some(&too_long)).unwrap_err().contains("cannot be made into a QR code"));
        assert!(codes.of(0, Some(&too_long)).is_err());
    }

    fn crate_matrix(url: &str) -> Vec<Vec<bool>> {
        let code = encode(url).unwrap();
        let w = code.width();
        let side = w + 2 * QUIET_ZONE;
        let colors = code.to_colors();
        (0..side)
            .map(|y| {
                (0..side)
                    .map(|x| {
                        let inside = (QUIET_ZONE..QUIET_ZONE + w).contains(&x)
                            && (QUIET_ZONE..QUIET_ZONE + w).contains(&y);
                        inside && colors[(y - QUIET_ZONE) * w + (x - QUIET_ZONE)] == Color::Dark
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn websites_get_a_scheme_and_a_missing_one_means_nhs_111() {
        assert_eq!(target_url(Some("www.example.org")), "https://www.example.org");
        assert_eq!(target_url(Some("http://example.org/x")), "http://example.org/x");
        assert_eq!(target_url(Some("HTTPS://Example.org")), "HTTPS://Example.org");
        assert_eq!(target_url(None), NHS_111_ONLINE);
        assert_eq!(target_url(Some("  ")), NHS_111_ONLINE);
        assert_eq!(shown_address("https://www.example.org/"), "www.example.org");
        assert_eq!(shown_address(NHS_111_ONLINE), "111.nhs.uk");
        let qr = for_website(None).unwrap();
        assert!(qr.nhs_111);
        assert_eq!(qr.shown, "111.nhs.uk");
        assert!(!for_website(Some("www.example.org")).unwrap().nhs_111);
    }

    #[test]
    fn quiet_zone_is_four_light_modules_on_every_side() {
        let qr = for_website(Some("www.stmargarets-belgrave.example.org")).unwrap();
        let grid = modules_drawn(&qr.svg).unwrap();
        assert_eq!(grid.len(), qr.modules);
        for (y, row) in grid.iter().enumerate() {
            for (x, dark) in row.iter().enumerate() {
                let edge = x.min(y).min(qr.modules - 1 - x).min(qr.modules - 1 - y);
                if edge < QUIET_ZONE {
                    assert!(!dark, "module ({x}, {y}) is in the quiet zone");
                }
            }
        }
        // The finder pattern's corner sits just inside the quiet zone.
        assert!(grid[QUIET_ZONE][QUIET_ZONE]);
    }

    #[test]
    fn too_long_an_address_is_an_error_not_a_panic() {
        let long = format!("www.example.org/{}", "a".repeat(5000));
        assert!(for_website(Some(&long)).unwrap_err().contains("cannot be made into a QR code"));
    }

    proptest! {
        #[test]
        fn the_drawn_modules_are_the_crates_encoding(site in "[a-z0-9./:?=&_-]{1,120}") {
            let qr = for_website(Some(&site)).unwrap();
            prop_assert_eq!(modules_drawn(&qr.svg).unwrap(), crate_matrix(&qr.url));
        }
    }
}
