//! Tera set-up: templates are loaded once, `.typ.tera` templates autoescape values with an
//! escape function written for typst markup, and `| str` makes a typst string literal.
//! One broken template spoils only the documents that use it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Context, Kwargs, State, Tera, Value};

use crate::approval::view::View;
use crate::diag::{self, Problem, display_path};
use crate::markdown::typst_escape as escape;
use crate::theme;

pub const TYPST_SUFFIX: &str = ".typ.tera";
pub const HTML_SUFFIX: &str = ".html.tera";

thread_local! {
    /// Whether the template being rendered on this thread makes HTML. tera takes one escape
    /// function for every autoescaped template, so it asks which kind it is escaping for.
    static RENDERING_HTML: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub struct Templates {
    tera: Tera,
    root: PathBuf,
    /// Template name → real path, for every template file found.
    files: BTreeMap<String, PathBuf>,
    /// Template name → names it includes, extends or imports (directly).
    uses: BTreeMap<String, BTreeSet<String>>,
    /// Template name → its text, for error excerpts.
    texts: BTreeMap<String, String>,
    /// Templates that failed to load (their problems were reported when loading).
    broken: BTreeSet<String>,
    /// Templates the built-in theme supplies (the project has no file of that name).
    built_in: BTreeSet<String>,
}

/// Where a template's text comes from.
pub enum Origin {
    /// The project's own file, at this path.
    Project(PathBuf),
    /// The built-in theme's file.
    Theme,
}

impl Templates {
    /// The built-in theme, overridden by name by every `templates/**/*.tera` of the project.
    /// Problems in individual templates, and project copies that have fallen behind the
    /// theme, are returned beside a `Templates` that holds all the good ones.
    pub fn load(root: &Path) -> (Templates, Vec<Problem>) {
        Self::load_with(root, &View::none())
    }

    /// As [`Templates::load`], reading each project template that needs approval as `view`
    /// says (its approved version, for what practices are given).
    pub fn load_with(root: &Path, view: &View) -> (Templates, Vec<Problem>) {
        let dir = root.join(theme::PROJECT_DIR);
        let mut problems = Vec::new();
        let mut sources: BTreeMap<String, (Origin, String)> =
            theme::FILES.iter().map(|(n, t)| (n.to_string(), (Origin::Theme, t.to_string()))).collect();
        for entry in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "tera") {
                continue;
            }
            let name = path.strip_prefix(&dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
            let read = view
                .text(path)
                .map(crate::load::text::normalise)
                .map_or_else(|| crate::load::text::read(path), Ok);
            match read {
                Ok(text) => {
                    if let Some(built_in) = theme::get(&name) {
                        problems.extend(behind_theme(root, path, &name, built_in, &text));
                    }
                    sources.insert(name, (Origin::Project(path.to_path_buf()), text));
                }
                Err(e) => problems
                    .push(Problem::error(display_path(root, path), format!("failed to read template: {e}"))),
            }
        }
        let (templates, more) = Self::from_sources(root, sources);
        problems.extend(more);
        (templates, problems)
    }

    /// The built-in theme alone, for a file outside any project.
    pub fn built_in(root: &Path) -> (Templates, Vec<Problem>) {
        let sources =
            theme::FILES.iter().map(|(n, t)| (n.to_string(), (Origin::Theme, t.to_string()))).collect();
        Self::from_sources(root, sources)
    }

    /// Templates from memory (`name → (origin, text)`).
    pub fn from_sources(
        root: &Path,
        sources: BTreeMap<String, (Origin, String)>,
    ) -> (Templates, Vec<Problem>) {
        let dir = root.join(theme::PROJECT_DIR);
        let mut problems = Vec::new();
        let built_in: BTreeSet<String> =
            sources.iter().filter(|(_, (o, _))| matches!(o, Origin::Theme)).map(|(n, _)| n.clone()).collect();
        // A theme template's file is where the project would override it: the outputs that
        // use it depend on that path, so creating the override rebuilds them.
        let files: BTreeMap<String, PathBuf> = sources
            .iter()
            .map(|(n, (o, _))| match o {
                Origin::Project(p) => (n.clone(), p.clone()),
                Origin::Theme => (n.clone(), dir.join(n)),
            })
            .collect();
        let shown = |name: &str| shown_path(root, &files, &built_in, name);
        let uses = sources.iter().map(|(n, (_, text))| (n.clone(), referenced_templates(text))).collect();
        let mut broken = BTreeSet::new();
        let tera = loop {
            let mut tera = new_tera();
            let batch = sources
                .iter()
                .filter(|(n, _)| !broken.contains(*n))
                .map(|(n, (_, t))| (n.as_str(), t.as_str()));
            match tera.add_raw_templates(batch) {
                Ok(()) => break tera,
                Err(err) => {
                    let culprit = culprit(&err, &sources, &broken);
                    let Some(name) = culprit else {
                        problems.push(Problem::error(dir.join("*"), cause_chain(&err)));
                        break new_tera();
                    };
                    let text = &sources[&name].1;
                    problems.push(tera_problem(&shown(&name), text, &err));
                    broken.insert(name);
                }
            }
        };
        let texts = sources.into_iter().map(|(n, (_, t))| (n, t)).collect();
        (Templates { tera, root: root.to_path_buf(), files, uses, texts, broken, built_in }, problems)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// The real paths of `name` and every template it pulls in, for dependency tracking.
    pub fn dependencies(&self, name: &str) -> BTreeSet<PathBuf> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.to_string()];
        while let Some(n) = stack.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            if let Some(children) = self.uses.get(&n) {
                stack.extend(children.iter().cloned());
            }
        }
        seen.iter().filter_map(|n| self.files.get(n).cloned()).collect()
    }

    /// Whether `name` comes from the built-in theme rather than the project.
    pub fn is_built_in(&self, name: &str) -> bool {
        self.built_in.contains(name)
    }

    pub fn render(&self, name: &str, context: &Context) -> Result<String, Problem> {
        let shown = shown_path(&self.root, &self.files, &self.built_in, name);
        if self.broken.contains(name) || !self.contains(name) {
            let why = if self.files.contains_key(name) {
                "it failed to load (see the error above)".to_string()
            } else {
                "it does not exist".to_string()
            };
            return Err(Problem::error(&shown, format!("failed to render template `{name}`: {why}")));
        }
        RENDERING_HTML.with(|h| h.set(name.ends_with(HTML_SUFFIX)));
        self.tera.render(name, context).map_err(|err| {
            let culprit =
                report(&err).map(|r| r.filename().to_string()).filter(|f| self.files.contains_key(f));
            let at = culprit.unwrap_or_else(|| name.to_string());
            match self.texts.get(&at) {
                Some(text) => {
                    tera_problem(&shown_path(&self.root, &self.files, &self.built_in, &at), text, &err)
                }
                None => Problem::error(shown, cause_chain(&err)),
            }
        })
    }
}

impl Templates {
    /// A digest of every template's name and text: two loads with the same digest render
    /// the same sources from the same values.
    pub fn digest(&self) -> blake3::Hash {
        let mut hasher = blake3::Hasher::new();
        for (name, text) in &self.texts {
            for part in [name, text] {
                hasher.update(&(part.len() as u64).to_le_bytes());
                hasher.update(part.as_bytes());
            }
        }
        hasher.finalize()
    }

    /// `name` and every template it pulls in, `name` first.
    fn family(&self, name: &str) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        let mut stack = vec![name];
        while let Some(n) = stack.pop() {
            let Some((n, _)) = self.texts.get_key_value(n) else { continue };
            if seen.contains(&n.as_str()) {
                continue;
            }
            seen.push(n);
            if let Some(children) = self.uses.get(n) {
                stack.extend(children.iter().map(String::as_str));
            }
        }
        seen
    }

    /// Points `problem`, which typst found in the source `source_name` that template `name`
    /// made, at the line of `name` (or of a template it pulls in) that wrote it, and its call
    /// trace likewise: a mistake in a template is then reported at the template's own line,
    /// the same for every document made from it. Left as it is when no template line can be
    /// told apart as the one.
    pub fn trace(&self, name: &str, source_name: &str, mut problem: Problem) -> Problem {
        if problem.file.as_os_str() != source_name {
            return problem;
        }
        let Some(generated) = problem.source.clone() else { return problem };
        let family = self.family(name);
        let texts: Vec<&str> = family.iter().map(|n| self.texts[*n].as_str()).collect();
        let locate = |offset: usize| super::trace::trace(&texts, &generated, offset);
        let shown = |t: usize| shown_path(&self.root, &self.files, &self.built_in, family[t]);
        // The calls that led to the error, each `… (SOURCE:LINE)`, where they can be traced.
        let marker = format!("({source_name}:");
        for note in &mut problem.notes {
            let Some(at) = note.find(&marker) else { continue };
            let digits = &note[at + marker.len()..];
            let Some(line) = digits.split(')').next().and_then(|l| l.parse::<usize>().ok()) else { continue };
            let Some(traced) = locate(diag::offset_of(&generated, line, 1)) else { continue };
            let line = diag::line_col(texts[traced.template], traced.span.start).0;
            note.replace_range(at.., &format!("({}:{line})", shown(traced.template)));
        }
        let Some(span) = problem.span.clone() else { return problem };
        let Some(traced) = locate(span.start) else { return problem };
        let text: Arc<str> = Arc::from(texts[traced.template]);
        problem.file = shown(traced.template).into();
        problem.at(&text, traced.span)
    }
}

fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on([TYPST_SUFFIX, HTML_SUFFIX]);
    tera.set_escape_fn(escape_typst);
    tera.register_filter("str", |value: Value, _: Kwargs, _: &State| {
        let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
        Value::safe_string(&format!("\"{}\"", escape::string(&text)))
    });
    tera
}

fn escape_typst(input: &str, output: &mut dyn Write) -> std::io::Result<()> {
    if RENDERING_HTML.with(|h| h.get()) {
        return output.write_all(crate::render::html::escape::attr(input).as_bytes());
    }
    output.write_all(escape::markup(input).as_bytes())
}

/// The names in `{% include "x" %}`, `{% extends "x" %}` and `{% import "x" %}` tags.
fn referenced_templates(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for tag in text.split("{%").skip(1) {
        let tag = tag.split("%}").next().unwrap_or("").trim().trim_start_matches('-').trim();
        let Some(rest) = ["include", "extends", "import"].iter().find_map(|k| tag.strip_prefix(k)) else {
            continue;
        };
        let rest = rest.trim();
        if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
            && let Some(end) = rest[1..].find(q)
        {
            out.insert(rest[1..=end].to_string());
        }
    }
    out
}

fn report(err: &tera::Error) -> Option<&tera::ReportError> {
    match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    }
}

/// Which template an `add_raw_templates` error is about.
fn culprit(
    err: &tera::Error,
    sources: &BTreeMap<String, (Origin, String)>,
    broken: &BTreeSet<String>,
) -> Option<String> {
    let candidate = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => r.filename().to_string(),
        tera::ErrorKind::MissingParent { current, .. } => current.clone(),
        tera::ErrorKind::CircularExtend { tpl, .. } | tera::ErrorKind::CircularInclude { tpl, .. } => {
            tpl.clone()
        }
        tera::ErrorKind::TemplateNotFound(name) => {
            // An include of a missing template: blame a template that names it.
            return sources
                .iter()
                .find(|(n, (_, t))| !broken.contains(*n) && referenced_templates(t).contains(name))
                .map(|(n, _)| n.clone());
        }
        _ => match located(err) {
            Some((name, ..)) => name,
            None => return None,
        },
    };
    (sources.contains_key(&candidate) && !broken.contains(&candidate)).then_some(candidate)
}

/// How errors name a template: the project's file, or the theme's file by its name.
fn shown_path(
    root: &Path,
    files: &BTreeMap<String, PathBuf>,
    built_in: &BTreeSet<String>,
    name: &str,
) -> String {
    if built_in.contains(name) {
        return format!("{THEME_SHOWN}/{name}");
    }
    let path = files.get(name).cloned().unwrap_or_else(|| root.join(theme::PROJECT_DIR).join(name));
    display_path(root, &path).display().to_string()
}

/// How errors name the built-in theme's folder.
pub const THEME_SHOWN: &str = "(built-in theme)";

/// Warnings for a project copy of a theme template that no longer reads what the theme does.
fn behind_theme(root: &Path, path: &Path, name: &str, built_in: &str, copy: &str) -> Vec<Problem> {
    let gaps = theme::gaps(built_in, copy);
    if gaps.is_empty() {
        return Vec::new();
    }
    let list: Vec<String> =
        gaps.iter().map(|g| format!("`{}` (the theme's line {})", g.path, g.line)).collect();
    let source: Arc<str> = Arc::from(copy);
    let first_line = copy.find('\n').unwrap_or(copy.len()).max(1).min(copy.len());
    vec![
        Problem::warning(
            display_path(root, path),
            format!(
                "this copy of the built-in `{name}` has fallen behind it: it never reads {}",
                list.join(", ")
            ),
        )
        .at(&source, 0..first_line)
        .hint(format!(
            "the documents it makes may lack what this lmcpress passes them; `lmcpress theme diff {name}` \
             shows every difference, and `lmcpress theme eject --force {name}` starts again from the theme"
        )),
    ]
}

fn tera_problem(shown: &str, text: &str, err: &tera::Error) -> Problem {
    let shown = shown.to_string();
    match report(err) {
        Some(r) => {
            let source: Arc<str> = Arc::from(text);
            let span = r.span();
            let start = diag::offset_of(text, span.start_line, span.start_col + 1);
            let end = diag::offset_of(text, span.end_line, span.end_col + 1).max(start + 1);
            let mut p =
                Problem::error(shown, format!("template error: {}", r.message())).at(&source, start..end);
            if let Some(cause) = std::error::Error::source(err) {
                p = p.hint(format!("caused by: {cause}"));
            }
            p
        }
        None => match located(err) {
            Some((_, line, col, message)) => {
                let source: Arc<str> = Arc::from(text);
                let start = diag::offset_of(text, line, col);
                let end = text[start..]
                    .find(|c: char| c.is_whitespace() || c == '}')
                    .map_or(text.len(), |i| start + i);
                Problem::error(shown, format!("template error: {message}"))
                    .at(&source, start..end.max(start + 1))
            }
            None => Problem::error(shown, cause_chain(err)),
        },
    }
}

/// Template, line, column and message of a tera error that only says where it is in its
/// text (`error: MESSAGE` then ` --> NAME:LINE:COL`), as an unknown filter's does.
fn located(err: &tera::Error) -> Option<(String, usize, usize, String)> {
    let text = err.to_string();
    let message = text.lines().next()?.trim_start_matches("error: ").to_string();
    let at = text.lines().find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = at.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    Some((parts.next()?.to_string(), line, col, message))
}

/// The message and every cause below it: tera hides the real cause in `source()`.
pub fn cause_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn typst_templates_escape_values_and_str_makes_literals() {
        let dir =
            project(&[("a.typ.tera", "{{ name }} #let n = {{ name | str }}"), ("a.txt.tera", "{{ name }}")]);
        let (t, problems) = Templates::load(dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        let mut ctx = Context::new();
        let name = "Dr #1 & Partners [Ltd] $5 <x> @y \\ * _ \"q\"";
        ctx.insert("name", name);
        let out = t.render("a.typ.tera", &ctx).unwrap();
        assert_eq!(out, format!("{} #let n = \"{}\"", escape::markup(name), escape::string(name)));
        assert_eq!(t.render("a.txt.tera", &ctx).unwrap(), name);
    }

    #[test]
    fn a_broken_template_spoils_only_itself() {
        let dir = project(&[
            ("good.typ.tera", "{% include \"partials/p.typ.tera\" %} ok"),
            ("partials/p.typ.tera", "part"),
            ("bad.typ.tera", "line one\n{% if %}"),
        ]);
        let (t, problems) = Templates::load(dir.path());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].render().contains("templates/bad.typ.tera:2:"), "{}", problems[0].render());
        assert_eq!(t.render("good.typ.tera", &Context::new()).unwrap(), "part ok");
        assert!(t.render("bad.typ.tera", &Context::new()).is_err());
        let deps = t.dependencies("good.typ.tera");
        assert_eq!(deps.len(), 2);
    }

    #[test]
    fn render_errors_name_the_template_and_line() {
        let dir = project(&[("r.typ.tera", "a\nb {{ missing.value }}")]);
        let (t, _) = Templates::load(dir.path());
        let err = t.render("r.typ.tera", &Context::new()).unwrap_err();
        assert_eq!(err.line_col().map(|(l, _)| l), Some(2), "{err}");
        assert!(err.file.ends_with("templates/r.typ.tera"));
    }
}
