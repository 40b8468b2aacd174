//! Two versions of a file side by side, line by line, with what changed marked: the conflict
//! view of a refused save and the history page both show this.

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices};

/// One row of a side-by-side view. A side is None where the other side's line has no match.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    pub left: Option<Side>,
    pub right: Option<Side>,
    pub changed: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Side {
    pub number: usize,
    pub text: String,
}

/// Unchanged lines kept around each change; longer unchanged runs are folded into one row.
const CONTEXT: usize = 2;

/// `old` on the left and `new` on the right. Unchanged stretches are shortened to a few lines
/// around each change, with a row of `None`s standing for what was left out.
pub fn rows(old: &str, new: &str) -> Vec<Row> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let side = |lines: &[&str], i: usize| Some(Side { number: i + 1, text: lines[i].to_string() });
    let mut all = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                for k in 0..len {
                    all.push(Row {
                        left: side(&a, old_index + k),
                        right: side(&b, new_index + k),
                        changed: false,
                    });
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                for k in 0..old_len {
                    all.push(Row { left: side(&a, old_index + k), right: None, changed: true });
                }
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                for k in 0..new_len {
                    all.push(Row { left: None, right: side(&b, new_index + k), changed: true });
                }
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                for k in 0..old_len.max(new_len) {
                    all.push(Row {
                        left: (k < old_len).then(|| side(&a, old_index + k)).flatten(),
                        right: (k < new_len).then(|| side(&b, new_index + k)).flatten(),
                        changed: true,
                    });
                }
            }
        }
    }
    let near = |i: usize| {
        let lo = i.saturating_sub(CONTEXT);
        let hi = (i + CONTEXT + 1).min(all.len());
        all[lo..hi].iter().any(|r| r.changed)
    };
    let mut out = Vec::new();
    let mut folded = false;
    for (i, row) in all.iter().enumerate() {
        if near(i) {
            out.push(row.clone());
            folded = false;
        } else if !folded {
            out.push(Row { left: None, right: None, changed: false });
            folded = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_are_marked_and_far_ones_folded() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\ne\nf\nG\nh\nI\n";
        let r = rows(old, new);
        assert_eq!(r[0], Row { left: None, right: None, changed: false }, "a..d folded");
        let changed: Vec<_> = r.iter().filter(|r| r.changed).collect();
        assert_eq!(changed.len(), 2);
        assert_eq!(changed[0].left.as_ref().unwrap().text, "g");
        assert_eq!(changed[0].right.as_ref().unwrap().text, "G");
        assert_eq!(changed[1].right.as_ref().unwrap(), &Side { number: 9, text: "I".into() });
        assert!(rows("same\n", "same\n").iter().all(|r| !r.changed));
    }
}
