//! Translated posters: `content/posters/<slug>.<lang>.md` is `<slug>` in another language.
//! The translation keys of one file's front matter; [`super::translated`] checks each
//! translation against its English poster.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diag::Problem;
use crate::load::lang;
use crate::load::yaml;

/// Whether a qualified translator has checked the translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Review {
    /// Not yet checked by a qualified translator: every output says so.
    Draft,
    Reviewed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Translation {
    /// Slug of the English poster.
    pub of: String,
    pub lang: &'static str,
    pub status: Review,
    pub reviewed_by: Option<String>,
    pub reviewed_on: Option<String>,
}

/// The translation keys of a poster's front matter.
pub struct Fields<'a> {
    pub status: &'a Option<Spanned<Review>>,
    pub reviewed_by: &'a Option<Spanned<String>>,
    pub reviewed_on: &'a Option<Spanned<String>>,
}

/// Checks the translation keys of a poster named `base.lang.md` (`lang` is `None` for an
/// English poster). `kind` locates problems that have no key of their own.
pub fn parse(
    shown: &Path,
    front: &Arc<str>,
    (base, code): (&str, Option<&str>),
    kind: &Spanned<String>,
    f: Fields<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Translation> {
    let Some(code) = code else {
        if let Some(status) = f.status {
            problems.push(
                yaml::at_value(shown, front, status, "`translation` is only for translated posters".into())
                    .hint("name a translation after its English poster and language, such as `where-to-get-help.gu.md`"),
            );
        }
        return None;
    };
    let Some(language) = lang::find(code) else {
        let at = f.status.as_ref().map(|s| s.referenced).unwrap_or(kind.referenced);
        let hint = match crate::diag::suggest(code, lang::codes()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("language codes are: {}", lang::codes().collect::<Vec<_>>().join(", ")),
        };
        let spanned = Spanned { value: (), referenced: at, defined: at };
        problems.push(
            yaml::at_value(
                shown,
                front,
                &spanned,
                format!("`{code}` in the file name is not a language code lmcpress knows"),
            )
            .hint(hint),
        );
        return None;
    };
    let Some(status) = f.status else {
        problems.push(
            yaml::at_value(
                shown,
                front,
                kind,
                format!("a translation into {} needs `translation:`", language.english),
            )
            .hint("add `translation: draft` until a qualified translator has checked it"),
        );
        return None;
    };
    if status.value == Review::Reviewed {
        for (key, value) in [("reviewed_by", f.reviewed_by), ("reviewed_on", f.reviewed_on)] {
            if value.as_ref().is_none_or(|v| v.value.trim().is_empty()) {
                problems.push(
                    yaml::at_value(shown, front, status, format!("a reviewed translation needs `{key}`"))
                        .hint("say who checked it and when (YYYY-MM-DD), for the record"),
                );
            }
        }
    }
    if let Some(on) = f.reviewed_on
        && crate::load::dates::parse_iso(&on.value).is_none()
    {
        problems.push(
            yaml::at_value(shown, front, on, format!("`{}` is not a date", on.value))
                .hint("write dates as YYYY-MM-DD, for example 2025-04-01"),
        );
    }
    Some(Translation {
        of: base.to_string(),
        lang: language.code,
        status: status.value,
        reviewed_by: f.reviewed_by.as_ref().map(|v| v.value.clone()),
        reviewed_on: f.reviewed_on.as_ref().map(|v| v.value.clone()),
    })
}
