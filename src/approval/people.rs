//! The LMC's people, as `lmc.yaml` names them under `people:`, and what each may do. Nothing
//! here is secret: a person's private link is made by `lmcpress access grant --person`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a person may do with the LMC's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Changes content and submits it for approval.
    Editor,
    /// Approves content (the medical secretary or clinical lead, say).
    Approver,
    /// Approves translations into the languages listed under `languages`.
    Translator,
    /// The clinical safety officer: approves content, and is named in the safety log.
    SafetyOfficer,
}

impl Role {
    /// The role in words, as a reader sees it beside a name.
    pub fn describe(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Approver => "approver",
            Role::Translator => "translator",
            Role::SafetyOfficer => "clinical safety officer",
        }
    }

    /// The role as `lmc.yaml` and the ledger spell it.
    pub fn key(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Approver => "approver",
            Role::Translator => "translator",
            Role::SafetyOfficer => "safety-officer",
        }
    }

    pub const ALL: [Role; 4] = [Role::Editor, Role::Approver, Role::Translator, Role::SafetyOfficer];
}

/// One of the LMC's people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The person's name as readers see it on approved documents, such as Dr Asha Patel.
    pub name: String,
    /// What the person may do: editor, approver, translator, safety-officer.
    pub roles: Vec<Role>,
    /// Their post, shown after their name on what they approve, such as Medical Secretary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// For a translator: the language codes they translate, such as gu or pa.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
}

impl Person {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The role this person approves `rel` in, or why they may not.
    pub fn approving_role(&self, rel: &str) -> Result<Role, String> {
        if let Some(lang) = super::translation_language(rel) {
            let speaks = self.languages.iter().any(|l| l.eq_ignore_ascii_case(lang));
            return if self.has(Role::Translator) && speaks {
                Ok(Role::Translator)
            } else {
                Err(format!(
                    "{} is not a translator of `{lang}`: a translation is approved by a translator of its language",
                    self.name
                ))
            };
        }
        if self.has(Role::Approver) {
            Ok(Role::Approver)
        } else if self.has(Role::SafetyOfficer) {
            Ok(Role::SafetyOfficer)
        } else {
            Err(format!("{} does not hold the approver role in lmc.yaml's `people:`", self.name))
        }
    }

    /// What readers see for an approval by this person in `role`: their post when they have
    /// one, else the role.
    pub fn shown_role(&self, role: Role) -> String {
        match (&self.title, role) {
            (Some(title), _) if !title.trim().is_empty() => title.trim().to_string(),
            (_, Role::Approver) => "LMC approver".into(),
            (_, role) => role.describe().into(),
        }
    }
}

/// The people of one project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct People(pub Vec<Person>);

impl People {
    /// The person called `name` (case and spaces at the ends do not matter).
    pub fn find(&self, name: &str) -> Option<&Person> {
        let name = name.trim();
        self.0.iter().find(|p| p.name.trim().eq_ignore_ascii_case(name))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|p| p.name.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The clinical safety officers, for the safety log and `check`.
    pub fn safety_officers(&self) -> Vec<&Person> {
        self.0.iter().filter(|p| p.has(Role::SafetyOfficer)).collect()
    }
}

/// Whether two names are the same person's.
pub fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, roles: &[Role], languages: &[&str]) -> Person {
        Person {
            name: name.into(),
            roles: roles.to_vec(),
            title: None,
            languages: languages.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn approvers_approve_content_and_translators_only_their_language() {
        let approver = person("A", &[Role::Approver], &[]);
        let gu = person("G", &[Role::Translator], &["gu"]);
        let editor = person("E", &[Role::Editor], &[]);
        assert_eq!(approver.approving_role("content/guide/a.md"), Ok(Role::Approver));
        assert!(approver.approving_role("content/posters/x.gu.md").is_err());
        assert_eq!(gu.approving_role("content/posters/x.gu.md"), Ok(Role::Translator));
        assert!(gu.approving_role("content/posters/x.ur.md").unwrap_err().contains("`ur`"));
        assert!(gu.approving_role("content/posters/x.md").is_err());
        assert!(editor.approving_role("content/posters/x.md").unwrap_err().contains("approver role"));
    }

    #[test]
    fn names_match_whatever_their_case() {
        let people = People(vec![person("Dr Asha Patel", &[Role::Approver], &[])]);
        assert!(people.find(" dr asha patel ").is_some());
        assert!(people.find("Asha").is_none());
    }
}
