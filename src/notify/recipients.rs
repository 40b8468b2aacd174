//! Who gets a message: every selected practice whose profile loads and whose `email` is an
//! address a mail server takes. The others are listed with the reason, never guessed at.

use std::path::PathBuf;
use std::str::FromStr;

use lettre::Address;
use lettre::message::Mailbox;

use crate::diag::{Problem, display_path};
use crate::load::broken;
use crate::load::config::Practice;
use crate::load::project::Project;

pub struct Recipient<'a> {
    pub practice: &'a Practice,
    pub to: Mailbox,
}

/// A selected practice that cannot be written to.
#[derive(Debug, Clone)]
pub struct Unreachable {
    /// The ODS code, when the profile gets far enough to have one.
    pub ods: Option<String>,
    pub profile: PathBuf,
    pub why: String,
}

pub struct Recipients<'a> {
    pub ready: Vec<Recipient<'a>>,
    pub unreachable: Vec<Unreachable>,
}

/// The practices named in `selected` (ODS codes), or every practice when it is empty.
pub fn recipients<'a>(project: &'a Project, selected: &[String]) -> Result<Recipients<'a>, Problem> {
    let broken = broken_profiles(project);
    for code in selected {
        let known = project.practice(code).is_some()
            || broken.iter().any(|b| b.ods.as_deref().is_some_and(|o| o.eq_ignore_ascii_case(code)));
        if !known {
            let codes: Vec<&str> = project.practices.iter().map(|p| p.ods_code.as_str()).collect();
            return Err(Problem::general(format!("no practice profile has ODS code {code}"))
                .hint(format!("known practices: {}", codes.join(", "))));
        }
    }
    let wanted = |ods: &str| selected.is_empty() || selected.iter().any(|s| s.eq_ignore_ascii_case(ods));
    let mut ready = Vec::new();
    let mut unreachable: Vec<Unreachable> =
        broken.into_iter().filter(|b| b.ods.as_deref().map_or(selected.is_empty(), wanted)).collect();
    for practice in project.practices.iter().filter(|p| wanted(&p.ods_code)) {
        match Address::from_str(practice.email.trim()) {
            Ok(address) => {
                ready.push(Recipient { practice, to: Mailbox::new(Some(practice.name.clone()), address) })
            }
            Err(e) => unreachable.push(Unreachable {
                ods: Some(practice.ods_code.clone()),
                profile: display_path(&project.root, &practice.path),
                why: format!("`{}` is not an address mail can be sent to ({e})", practice.email),
            }),
        }
    }
    unreachable.sort_by(|a, b| (&a.ods, &a.profile).cmp(&(&b.ods, &b.profile)));
    Ok(Recipients { ready, unreachable })
}

/// Profiles in `content/practices/` that failed to load (a missing or malformed `email` is
/// one way), with the first error each one has.
fn broken_profiles(project: &Project) -> Vec<Unreachable> {
    let folder = Project::content_dir(&project.root).join("practices");
    project
        .broken_inputs
        .iter()
        .filter(|path| path.starts_with(&folder))
        .map(|path| {
            let shown = display_path(&project.root, path);
            let why = project
                .problems
                .iter()
                .find(|p| p.is_error() && p.file == shown)
                .map_or_else(|| "the profile does not load".to_string(), |p| p.message.clone());
            // The profile may be a second file with an ODS code already taken; then its code
            // would name the other practice, so it is left out.
            let ods = broken::profile(path).map(|e| e.ods).filter(|ods| project.practice(ods).is_none());
            Unreachable { ods, profile: shown, why }
        })
        .collect()
}
