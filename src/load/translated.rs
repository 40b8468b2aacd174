//! Translations checked against their English posters (which must exist, and whose
//! `{{ placeholders }}` they must use exactly), and what the templates need to set one.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::approval::view::SignOff;
use crate::diag::Problem;
use crate::load::content::{Document, Kind};
use crate::load::lang;
use crate::load::translation::{Review, Translation};
use crate::markdown;

pub fn of(doc: &Document) -> Option<&Translation> {
    match &doc.kind {
        Kind::Poster(p) => p.translation.as_ref(),
        _ => None,
    }
}

/// Checks every translation against its English poster. Returns the problems and the
/// indexes of the translations that failed, which are left out of the build.
pub fn check_all(documents: &[Document]) -> (Vec<Problem>, Vec<usize>) {
    let mut problems = Vec::new();
    let mut failed = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        let Some(t) = of(doc) else { continue };
        let english = documents.iter().find(|d| d.slug == t.of && matches!(d.kind, Kind::Poster(_)));
        let found = match english {
            None => {
                let posters: Vec<&str> = documents
                    .iter()
                    .filter(|d| matches!(d.kind, Kind::Poster(_)) && of(d).is_none())
                    .map(|d| d.slug.as_str())
                    .collect();
                let hint = match crate::diag::suggest(&t.of, posters) {
                    Some(near) => format!("did you mean `{near}.{}.md`?", t.lang),
                    None => {
                        "a translation sits beside its English poster, named `<poster>.<language>.md`".into()
                    }
                };
                vec![
                    Problem::error(&doc.shown, format!("there is no English poster `{}` to translate", t.of))
                        .at(&doc.text, 0..3)
                        .hint(hint),
                ]
            }
            Some(english) => against(doc, english),
        };
        if !found.is_empty() {
            failed.push(i);
            problems.extend(found);
        }
    }
    (problems, failed)
}

fn against(doc: &Document, english: &Document) -> Vec<Problem> {
    let mut problems = Vec::new();
    let (Kind::Poster(mine), Kind::Poster(theirs)) = (&doc.kind, &english.kind) else { return problems };
    if mine.opt_in != theirs.opt_in {
        problems.push(
            Problem::error(
                &doc.shown,
                format!("`opt_in` must be {} as in `{}`", theirs.opt_in, english.shown.display()),
            )
            .at(&doc.text, 0..3)
            .hint("a translation is built for the same practices as its English poster"),
        );
    }
    let wanted: BTreeSet<String> =
        markdown::placeholders(english.body()).into_iter().map(|p| p.name).collect();
    let used = markdown::placeholders(doc.body());
    for ph in &used {
        if !wanted.contains(&ph.name) {
            let span = doc.body_start + ph.range.start..doc.body_start + ph.range.end;
            problems.push(
                Problem::error(
                    &doc.shown,
                    format!("the English poster does not use `{{{{ {} }}}}`", ph.name),
                )
                .at(&doc.text, span)
                .hint(format!("use the same placeholders as `{}`", english.shown.display())),
            );
        }
    }
    let have: BTreeSet<&str> = used.iter().map(|p| p.name.as_str()).collect();
    for name in wanted.iter().filter(|n| !have.contains(n.as_str())) {
        let body = doc.body();
        let start = doc.body_start + (body.len() - body.trim_start().len());
        let end = doc.text[start..].find('\n').map_or(doc.text.len(), |i| start + i);
        problems.push(
            Problem::error(&doc.shown, format!("this translation leaves out `{{{{ {name} }}}}`"))
                .at(&doc.text, start..end)
                .hint(format!(
                    "`{}` uses it: patients need the same details in every language",
                    english.shown.display()
                )),
        );
    }
    problems
}

/// One warning per draft translation, for `check`.
pub fn draft_warnings(documents: &[Document]) -> Vec<Problem> {
    documents
        .iter()
        .filter_map(|d| of(d).map(|t| (d, t)))
        .filter_map(|(d, t)| {
            let name = lang::find(t.lang).map_or(t.lang, |l| l.english);
            let signed = d.sign_off != SignOff::NotRequired;
            if signed && t.status == Review::Reviewed {
                // With sign-off, only a translator's approval in the ledger counts.
                return Some(
                    Problem::warning(&d.shown, format!("`translation: reviewed` does not approve this {name} translation"))
                        .hint(format!("a translator of {name} named in lmc.yaml approves it: `lmcpress approve {} --as NAME`", d.shown.display())),
                )
                .filter(|_| is_draft(d));
            }
            let hint = if signed {
                format!("a translator of {name} named in lmc.yaml checks it and approves it: `lmcpress approve {} --as NAME`", d.shown.display())
            } else {
                "have a qualified translator check it, then set `translation: reviewed`, `reviewed_by` and `reviewed_on`".to_string()
            };
            is_draft(d).then(|| Problem::warning(&d.shown, format!("draft translation into {name}: its outputs say so")).hint(hint))
        })
        .collect()
}

/// Whether `doc` is a translation no qualified translator has checked: with sign-off, one a
/// translator of its language has not approved; without it, one its front matter calls a draft.
pub fn is_draft(doc: &Document) -> bool {
    match (of(doc), &doc.sign_off) {
        (None, _) => false,
        (Some(t), SignOff::NotRequired) => t.status == Review::Draft,
        (Some(_), sign_off) => sign_off.is_draft(),
    }
}

/// What the poster and social templates need to set a translation: `lang` and `dir` for
/// `text(..)`, the font to try first, and the draft notice (English, and in the language).
#[derive(Debug, Serialize)]
pub struct View {
    pub lang: &'static str,
    pub dir: &'static str,
    pub font: &'static str,
    pub draft: bool,
    pub notice_en: &'static str,
    pub notice: Option<&'static str>,
}

pub fn view(doc: &Document) -> View {
    let t = of(doc);
    let language = t.and_then(|t| lang::find(t.lang));
    View {
        lang: language.map_or("en", |l| l.code),
        dir: if language.is_some_and(|l| l.rtl) { "rtl" } else { "ltr" },
        font: language.map_or("Liberation Sans", |l| l.font),
        draft: is_draft(doc),
        notice_en: lang::ENGLISH_DRAFT_NOTICE,
        notice: language.and_then(|l| l.draft_notice),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn load(name: &str, text: &str) -> Result<Document, Vec<Problem>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        crate::load::content::load_document(dir.path(), &path)
    }

    const DRAFT: &str = "---\nkind: poster\ntitle: T\nsummary: S\ntranslation: draft\n---\nHi";

    #[test]
    fn file_name_gives_the_language_and_the_english_poster() {
        let d = load("help.ur.md", DRAFT).unwrap();
        let t = of(&d).unwrap();
        assert_eq!((t.of.as_str(), t.lang, t.status), ("help", "ur", Review::Draft));
        assert_eq!(d.slug, "help.ur", "outputs are named <slug>.<lang>");
        let v = view(&d);
        assert_eq!((v.lang, v.dir, v.font, v.draft), ("ur", "rtl", "Noto Nastaliq Urdu", true));
        let errs = load("help.md", DRAFT).unwrap_err();
        assert!(errs[0].message.contains("only for translated posters"), "{errs:#?}");
        let errs = load("help.gu.md", "---\nkind: poster\ntitle: T\nsummary: S\n---\nHi").unwrap_err();
        assert_eq!(errs[0].line_col(), Some((2, 7)), "{errs:#?}");
    }

    #[test]
    fn reviewed_needs_who_and_when() {
        let ok = "---\nkind: poster\ntitle: T\nsummary: S\ntranslation: reviewed\nreviewed_by: A B\nreviewed_on: 2026-05-01\n---\nHi";
        let d = load("help.pl.md", ok).unwrap();
        assert!(!view(&d).draft);
        let errs = load("help.pl.md", &ok.replace("2026-05-01", "May")).unwrap_err();
        assert_eq!(errs[0].line_col().map(|(l, _)| l), Some(7), "{errs:#?}");
    }

    proptest! {
        // Any other code in the file name is refused with a line, never accepted or a panic.
        #[test]
        fn unknown_codes_are_refused(code in "[a-z]{1,4}") {
            prop_assume!(lang::find(&code).is_none());
            let errs = load(&format!("help.{code}.md"), DRAFT).unwrap_err();
            prop_assert!(errs[0].line_col().is_some(), "{:#?}", errs);
        }
    }
}
