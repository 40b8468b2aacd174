//! An optional LMC value that the LMC leaves out (its phone, e-mail or website) is a line left
//! out, never a yellow fill-in blank: getting-started invites deleting the ones not wanted,
//! and a blank is only for a letter's own fields.

use std::sync::Arc;

use crate::load::config::Lmc;
use crate::load::content::Document;

/// The LMC's optional values, by placeholder name, and whether each is given.
fn missing(lmc: &Lmc) -> Vec<&'static str> {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let mut names = Vec::new();
    for (name, value) in [("lmc.phone", &lmc.phone), ("lmc.email", &lmc.email), ("lmc.website", &lmc.website)]
    {
        if !given(value) {
            names.push(name);
        }
    }
    names
}

/// Drops from `doc`'s body each line that prints an optional LMC value `lmc` leaves out.
/// The front matter and every line before the first one dropped keep their places.
pub fn leave_out_missing(doc: &mut Document, lmc: &Lmc) {
    let names = missing(lmc);
    if names.is_empty() {
        return;
    }
    let body = doc.body();
    if !names.iter().any(|n| body.contains(&n[4..])) {
        return;
    }
    let mut lines: Vec<std::ops::Range<usize>> = crate::markdown::placeholders(body)
        .into_iter()
        .filter(|p| names.contains(&p.name.as_str()))
        .map(|p| {
            let start = body[..p.range.start].rfind('\n').map_or(0, |i| i + 1);
            let end = body[p.range.end..].find('\n').map_or(body.len(), |i| p.range.end + i + 1);
            start..end
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    lines.dedup();
    let mut kept = String::with_capacity(doc.text.len());
    kept.push_str(&doc.text[..doc.body_start]);
    let mut at = 0;
    for line in lines {
        if line.start >= at {
            kept.push_str(&body[at..line.start]);
            at = line.end;
        }
    }
    kept.push_str(&body[at..]);
    doc.text = Arc::from(kept);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn lmc(phone: Option<&str>) -> Lmc {
        let dir = tempfile::tempdir().unwrap();
        let phone = phone.map(|p| format!("phone: \"{p}\"\n")).unwrap_or_default();
        let text = format!(
            "name: Test LMC\nshort_name: T\nbrand_colour: \"#003087\"\n{phone}edition: \"2026/27\"\n\
             guide:\n  title: G\n  slug: g\n  published: 2026-04-01\n"
        );
        crate::load::config::lmc_from(dir.path(), &dir.path().join("lmc.yaml"), Arc::from(text)).unwrap()
    }

    fn doc(text: &str) -> Document {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("03-contact.md");
        crate::load::content::parse_document(Path::new(dir.path()), &path, Arc::from(text)).unwrap()
    }

    const SECTION: &str = "---\nkind: guide-section\ntitle: Contact\norder: 3\nstatus: current\nreviewed: 2026-04-01\n---\n\n\
        ## How to reach us\n\n- Name: {{ lmc.name }}\n- Phone: {{ lmc.phone }}\n- Post: write to us\n";

    #[test]
    fn a_missing_lmc_phone_leaves_its_line_out() {
        let mut d = doc(SECTION);
        leave_out_missing(&mut d, &lmc(None));
        assert!(!d.body().contains("Phone"), "{}", d.body());
        assert!(d.body().contains("- Name: {{ lmc.name }}\n- Post: write to us\n"), "{}", d.body());
        assert!(d.text.starts_with("---\nkind: guide-section\n"));
    }

    #[test]
    fn a_given_lmc_phone_keeps_its_line() {
        let mut d = doc(SECTION);
        leave_out_missing(&mut d, &lmc(Some("0116 255 9090")));
        assert_eq!(&*d.text, SECTION);
    }
}
