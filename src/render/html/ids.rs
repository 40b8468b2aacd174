//! Element ids for the web page: readable, derived from the heading text so that a link such
//! as `#advice-and-guidance` keeps working from one edition to the next, and unique across
//! the whole page (sections are converted one by one, so they share one register).

use std::collections::BTreeSet;

/// The ids already given out on one page.
#[derive(Debug, Default, Clone)]
pub struct Ids {
    taken: BTreeSet<String>,
}

impl Ids {
    /// A register in which `reserved` (ids the page template uses itself) are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Ids {
        Ids { taken: reserved.iter().map(|r| r.to_string()).collect() }
    }

    /// An id for `text` that no other element of the page has. When the plain slug is taken
    /// (two sections each with a "Background" heading), `scope` (the section's id) is put in
    /// front, and only then a number at the end.
    pub fn claim(&mut self, text: &str, scope: &str) -> String {
        let base = slug(text);
        if self.taken.insert(base.clone()) {
            return base;
        }
        let scoped = if scope.is_empty() { base.clone() } else { format!("{scope}-{base}") };
        if self.taken.insert(scoped.clone()) {
            return scoped;
        }
        (2..)
            .map(|n| format!("{scoped}-{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free id")
    }

    /// Takes `id` exactly, for ids that other ids are built from (footnotes); returns false
    /// when it was already taken.
    pub fn take(&mut self, id: &str) -> bool {
        self.taken.insert(id.to_string())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.taken.contains(id)
    }
}

/// Lower-case ASCII letters and digits joined by single hyphens: "The Advice & Guidance
/// service" gives `the-advice-guidance-service`. Accented letters lose their accents where
/// that is a simple matter, other characters separate words. Never empty, and never starts
/// with a digit (ids that do cannot be used in CSS selectors without escaping).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' && c != '\u{2019}' {
            // An apostrophe joins: "GMC's" gives `gmcs`, not `gmc-s`.
            gap = true;
        }
    }
    if out.is_empty() {
        return "section".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "s-");
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'Ò'..='Ö' | 'ø' | 'Ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        other => other,
    }
}

/// The id of a guide section, from its file's slug without the ordering prefix:
/// `10-advice-and-guidance` gives `advice-and-guidance`, so renumbering files keeps links.
pub fn section_base(file_slug: &str) -> &str {
    let rest = file_slug.trim_start_matches(|c: char| c.is_ascii_digit());
    match rest.strip_prefix('-') {
        Some(rest) if rest.len() < file_slug.len() && !rest.is_empty() => rest,
        _ => file_slug,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slug("The Advice & Guidance enhanced service"), "the-advice-guidance-enhanced-service");
        assert_eq!(slug("Referrals and the GMC's principles"), "referrals-and-the-gmcs-principles");
        assert_eq!(slug("  Café — 2025/26  "), "cafe-2025-26");
        assert_eq!(slug("<script>"), "script");
        assert_eq!(slug("2025/26"), "s-2025-26");
        assert_eq!(slug("???"), "section");
    }

    #[test]
    fn section_ids_drop_the_ordering_prefix() {
        assert_eq!(section_base("10-advice-and-guidance"), "advice-and-guidance");
        assert_eq!(section_base("advice"), "advice");
        assert_eq!(section_base("2025"), "2025");
        assert_eq!(section_base("01-"), "01-");
    }

    #[test]
    fn clashes_are_scoped_then_numbered() {
        let mut ids = Ids::with_reserved(&["contents"]);
        assert_eq!(ids.claim("Contents", "a"), "a-contents");
        assert_eq!(ids.claim("Background", "a"), "background");
        assert_eq!(ids.claim("Background", "b"), "b-background");
        assert_eq!(ids.claim("Background", "b"), "b-background-2");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..Default::default() })]
        #[test]
        fn claimed_ids_are_unique_and_safe(texts in proptest::collection::vec(".{0,12}", 0..30)) {
            let mut ids = Ids::default();
            let mut seen = std::collections::BTreeSet::new();
            for (i, t) in texts.iter().enumerate() {
                let id = ids.claim(t, &format!("s{}", i % 3));
                prop_assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
                prop_assert!(id.starts_with(|c: char| c.is_ascii_lowercase()));
                prop_assert!(seen.insert(id));
            }
        }
    }
}
