//! Heading levels that never skip. Authors type `###` where they mean "a small heading";
//! PDF/UA and WCAG need an outline without gaps (no level 1 → 3, no document that opens at
//! level 3). [`super::doc`] gives every heading its level from here, once, so every format
//! shares one outline.

/// Levels for headings typed at `typed`: a heading sits under the nearest earlier heading
/// typed shallower than itself, one level below it; headings with none above are level 1.
/// Siblings stay siblings (`## a ### b ## c` gives 1, 2, 1) and gaps close (`# a ### b`
/// gives 1, 2).
pub fn relative_levels(typed: &[u8]) -> Vec<u8> {
    let mut leveller = Leveller::default();
    typed.iter().map(|&t| leveller.level(t)).collect()
}

/// [`relative_levels`] one heading at a time.
#[derive(Debug, Default)]
struct Leveller {
    /// (typed, given) of the open headings, shallowest first.
    open: Vec<(u8, u8)>,
}

impl Leveller {
    /// The level for the next heading, typed at `typed`.
    fn level(&mut self, typed: u8) -> u8 {
        while self.open.last().is_some_and(|&(t, _)| t >= typed) {
            self.open.pop();
        }
        let level = self.open.last().map_or(1, |&(_, given)| given + 1);
        self.open.push((typed, level));
        level
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_document_opening_at_level_three_starts_at_one() {
        assert_eq!(relative_levels(&[3]), [1]);
        assert_eq!(relative_levels(&[3, 4, 3]), [1, 2, 1]);
    }

    #[test]
    fn a_skipped_level_closes_up() {
        assert_eq!(relative_levels(&[1, 3]), [1, 2]);
        assert_eq!(relative_levels(&[1, 3, 6, 2]), [1, 2, 3, 2]);
    }

    #[test]
    fn siblings_stay_siblings() {
        assert_eq!(relative_levels(&[2, 3, 2, 4]), [1, 2, 1, 2]);
        assert_eq!(relative_levels(&[1, 2, 2, 1]), [1, 2, 2, 1]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..Default::default() })]
        #[test]
        fn levels_start_at_one_and_never_skip(typed in proptest::collection::vec(1u8..=6, 0..40)) {
            let levels = relative_levels(&typed);
            prop_assert_eq!(levels.len(), typed.len());
            let mut prev = 0u8;
            for (i, &l) in levels.iter().enumerate() {
                prop_assert!(l >= 1 && l <= prev + 1, "level {} after {} at {}", l, prev, i);
                prev = l;
            }
        }

        #[test]
        fn an_outline_without_gaps_is_kept(steps in proptest::collection::vec(0u8..3, 0..30)) {
            // Build a valid outline from 1: each step goes one deeper, stays, or returns to 1.
            let mut typed = Vec::new();
            let mut cur = 0u8;
            for s in steps {
                cur = match s { 0 => (cur + 1).min(6), 1 => cur.max(1), _ => 1 };
                typed.push(cur);
            }
            prop_assert_eq!(relative_levels(&typed), typed);
        }
    }
}
