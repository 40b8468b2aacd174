//! Placeholders left in from the starter project or from examples: addresses at the reserved
//! example domains, phone numbers from Ofcom's range kept for drama, the starter's fictional
//! GMC numbers. They build fine and look real, so `check` warns about each, and `notify
//! --send` refuses to send from or to the starter's own addresses.

use std::path::Path;
use std::sync::Arc;

use crate::diag::{Problem, display_path};
use crate::load::project::Project;

/// The e-mail addresses the starter project ships: mail to or from them reaches nobody.
pub const STARTER_ADDRESSES: [&str; 3] =
    ["office@example.org", "reception@juniper-row.example.org", "contact@kingfisher-park.example.org"];

/// The starter's fictional GMC numbers.
const STARTER_GMC: [&str; 2] = ["9999901", "9999902"];

/// Digits that begin Ofcom's numbers for drama (never given to anyone).
const DRAMA: [&str; 20] = [
    "01134960", "01144960", "01154960", "01164960", "01174960", "01184960", "01214960", "01314960",
    "01414960", "01514960", "01614960", "02079460", "01914980", "02896496", "02920180", "01632960",
    "07700900", "08081570", "09098790", "03069990",
];

/// Whether `address` (an e-mail address or a website) is at a domain reserved for examples.
pub fn is_example_address(address: &str) -> bool {
    let host = address.rsplit('@').next().unwrap_or(address);
    let host = host.trim().trim_start_matches("https://").trim_start_matches("http://");
    let host = host.split('/').next().unwrap_or(host).trim_end_matches('.').to_ascii_lowercase();
    ["example.org", "example.com", "example.net"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// Whether `phone` is in Ofcom's range kept for drama.
pub fn is_drama_number(phone: &str) -> bool {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.strip_prefix("44") {
        Some(rest) if phone.trim_start().starts_with('+') => format!("0{rest}"),
        _ => digits,
    };
    DRAMA.iter().any(|d| national.starts_with(d))
}

/// Whether `address` is one the starter project ships.
pub fn is_starter_address(address: &str) -> bool {
    STARTER_ADDRESSES.iter().any(|a| a.eq_ignore_ascii_case(address.trim()))
}

/// A warning for each placeholder value in `lmc.yaml` and the practice profiles, at its line.
pub fn warnings(project: &Project) -> Vec<Problem> {
    let mut found = Vec::new();
    let content = Project::content_dir(&project.root);
    if let Some(lmc) = &project.lmc {
        let mut values: Vec<(&str, String)> = Vec::new();
        values.extend(lmc.email.iter().map(|e| ("email", e.clone())));
        values.extend(lmc.website.iter().map(|w| ("website", w.clone())));
        values.extend(lmc.phone.iter().map(|p| ("phone", p.clone())));
        found.extend(judge(&project.root, &content.join("lmc.yaml"), &values));
    }
    for p in &project.practices {
        let mut values: Vec<(&str, String)> = vec![("email", p.email.clone()), ("phone", p.phone.clone())];
        values.extend(p.website.iter().map(|w| ("website", w.clone())));
        for c in &p.clinicians {
            if let Some(gmc) = c.registration.strip_prefix("GMC ") {
                values.push(("gmc", gmc.to_string()));
            }
        }
        found.extend(judge(&project.root, &p.path, &values));
    }
    found
}

fn judge(root: &Path, path: &Path, values: &[(&str, String)]) -> Vec<Problem> {
    let mut found = Vec::new();
    let shown = display_path(root, path);
    let mut text: Option<Arc<str>> = None;
    for (key, value) in values {
        let what = match *key {
            "email" | "website" if is_example_address(value) => {
                format!("`{value}` is an example address, not a real one")
            }
            "phone" if is_drama_number(value) => {
                format!("`{value}` is from Ofcom's range of numbers kept for drama: it reaches nobody")
            }
            "gmc" if STARTER_GMC.contains(&value.as_str()) => {
                format!("GMC number {value} is the starter's fictional one")
            }
            _ => continue,
        };
        let text =
            text.get_or_insert_with(|| Arc::from(std::fs::read_to_string(path).unwrap_or_default().as_str()));
        let mut problem = Problem::warning(&shown, what);
        if let Some(at) = text.find(value.as_str()) {
            problem = problem.at(text, at..at + value.len());
        }
        found.push(
            problem.hint(format!(
                "replace the example `{key}` with your own before anything is published or sent"
            )),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_domains_and_drama_numbers_are_known() {
        assert!(is_example_address("office@example.org"));
        assert!(is_example_address("www.juniper-row.example.org"));
        assert!(is_example_address("https://example.com/path"));
        assert!(!is_example_address("office@anytownlmc.org.uk"));
        assert!(!is_example_address("me@notexample.org"));
        assert!(is_drama_number("0113 496 0100"));
        assert!(is_drama_number("+44 116 496 0123"));
        assert!(is_drama_number("07700 900123"));
        assert!(!is_drama_number("0116 255 9090"));
    }

    #[test]
    fn the_starter_placeholders_are_the_ones_named_here() {
        let lmc = include_str!("../../starter/content/lmc.yaml");
        let juniper = include_str!("../../starter/content/practices/z99901-juniper-row.yaml");
        let kingfisher = include_str!("../../starter/content/practices/z99902-kingfisher-park.yaml");
        let all = format!("{lmc}{juniper}{kingfisher}");
        for value in STARTER_ADDRESSES.iter().chain(&STARTER_GMC) {
            assert!(all.contains(value), "the starter no longer has {value}");
        }
    }
}
