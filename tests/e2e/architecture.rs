//! The house stays one-way: each module of the library may use only modules of the stages
//! below it (load → plan → render → typeset → build → write, with pipeline, watch, serve and
//! the commands on top). Zola gets this from Cargo, one crate per component; lmcpress is one
//! crate, so this test reads every `crate::` path in `src/` and fails on one that points up.

use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its floor: a module may use modules on lower floors,
/// and itself. Leaves first; the binary's commands last.
const FLOORS: &[(&str, u8)] = &[
    ("diag", 0),
    ("parallel", 0),
    ("pipe", 0),
    ("timings", 0),
    ("theme", 0),
    ("kinds", 0),
    ("markdown", 1),
    ("approval", 1),
    ("typeset", 1),
    ("load", 2),
    ("editions", 3),
    ("plan", 4),
    ("render", 5),
    ("write", 6),
    ("history", 7),
    ("access", 7),
    ("build", 7),
    ("pipeline", 8),
    ("watch", 9),
    ("serve", 10),
    ("notify", 11),
    ("init", 11),
];

fn floor_of(module: &str) -> Option<u8> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// `text` with comments and the contents of string and character literals blanked out (lines
/// kept, so line numbers hold), then every `#[cfg(test)]` item blanked too: a test module
/// may reach anywhere to set up a case. Also returns the names of test modules declared as
/// `#[cfg(test)] mod name;`, whose files are test code throughout.
fn production_code(text: &str) -> (String, Vec<String>) {
    let code = without_comments_and_strings(text);
    blank_test_items(&code, &code)
}

/// `text` with its `#[cfg(test)]` items blanked but its strings kept, for checks that read
/// what the production code writes.
fn production_source(text: &str) -> String {
    blank_test_items(text, &without_comments_and_strings(text)).0
}

/// `text` with the `#[cfg(test)]` items that `code` (the same text with comments and strings
/// blanked, character for character) holds blanked out.
fn blank_test_items(text: &str, code: &str) -> (String, Vec<String>) {
    let mut out: Vec<char> = text.chars().collect();
    let code: Vec<char> = code.chars().collect();
    assert_eq!(out.len(), code.len(), "blanking keeps every character's place");
    let mut test_modules = Vec::new();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + marker.len() <= code.len() {
        if code[i..i + marker.len()] != marker[..] {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + marker.len();
        // Further attributes and whitespace before the item itself.
        loop {
            while j < code.len() && code[j].is_whitespace() {
                j += 1;
            }
            if j < code.len() && code[j] == '#' {
                while j < code.len() && code[j] != ']' {
                    j += 1;
                }
                j += 1;
            } else {
                break;
            }
        }
        // The item ends at its first `;` outside braces, or at the brace closing its body.
        let mut depth = 0usize;
        let mut end = code.len();
        let mut k = j;
        while k < code.len() {
            match code[k] {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    let item: String = code[j..k].iter().collect();
                    let words: Vec<&str> = item.split_whitespace().collect();
                    if let Some(at) = words.iter().position(|w| *w == "mod")
                        && let Some(name) = words.get(at + 1)
                    {
                        test_modules.push(name.to_string());
                    }
                    break;
                }
                _ => {}
            }
            k += 1;
        }
        for c in &mut out[start..end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = end;
    }
    (out.into_iter().collect(), test_modules)
}

/// `text` with comments and the insides of string and character literals replaced by spaces.
fn without_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !i.checked_sub(1).and_then(|p| chars.get(p)).is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                j += 1;
            }
            let hashes = j - i - 1;
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            // One character out for each in, so positions hold.
            out.push_str(&" ".repeat(hashes + 1));
            out.push('"');
            let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let mut k = j + 1;
            while k < chars.len() && !chars[k..].starts_with(&close) {
                blank(&mut out, chars[k]);
                k += 1;
            }
            if k < chars.len() {
                out.push('"');
                out.push_str(&" ".repeat(hashes));
            }
            i = (k + close.len()).min(chars.len());
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A character literal ('x', '\n', '\u{..}'); a lifetime has no closing quote.
            out.push('\'');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
            out.push('\'');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The top-level modules a production file names as `crate::X` (in `use` lines and inline
/// paths), leaving out its `#[cfg(test)]` items.
fn used_modules(text: &str) -> Vec<(usize, String)> {
    let (code, _) = production_code(text);
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            // `crate::{a, b}` names several modules at once.
            if name.is_empty() && after.starts_with('{') {
                let inner = &after[1..after.find('}').unwrap_or(after.len())];
                for part in inner.split(',') {
                    let m: String =
                        part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !m.is_empty() {
                        found.push((n + 1, m));
                    }
                }
            } else if !name.is_empty() {
                found.push((n + 1, name));
            }
            rest = &rest[i + "crate::".len()..];
        }
    }
    found
}

/// The files of `src/` that are production code: not those of `#[cfg(test)] mod name;`.
fn production_files(src: &Path) -> Vec<PathBuf> {
    let files = rust_files(src);
    let mut test_files = std::collections::BTreeSet::new();
    for file in &files {
        let (_, modules) = production_code(&std::fs::read_to_string(file).unwrap());
        let stem = file.file_stem().unwrap().to_string_lossy();
        let dir = if matches!(&*stem, "mod" | "lib" | "main") {
            file.parent().unwrap().to_path_buf()
        } else {
            file.parent().unwrap().join(&*stem)
        };
        for m in modules {
            test_files.insert(dir.join(format!("{m}.rs")));
            test_files.insert(dir.join(&m).join("mod.rs"));
        }
    }
    files.into_iter().filter(|f| !test_files.contains(f)).collect()
}

#[test]
fn no_module_uses_a_stage_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for file in production_files(&src) {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        // The binary (main.rs and its commands) sits above everything and may use anything.
        if top == "main" || top == "cmd" || top == "lib" {
            continue;
        }
        let Some(own) = floor_of(&top) else {
            unknown.push(rel.display().to_string());
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, used) in used_modules(&text) {
            if used == top {
                continue;
            }
            match floor_of(&used) {
                Some(floor) if floor < own => {}
                Some(_) => wrong.push(format!("src/{}:{line} ({top}) uses crate::{used}", rel.display())),
                None => unknown.push(format!("src/{}:{line} names crate::{used}", rel.display())),
            }
        }
    }
    assert!(unknown.is_empty(), "modules missing from FLOORS (give each its stage):\n{}", unknown.join("\n"));
    assert!(wrong.is_empty(), "imports against the stage order:\n{}", wrong.join("\n"));
}

#[test]
fn the_reader_of_imports_sees_grouped_and_inline_paths() {
    let text = "use crate::{load, plan::Job};\nfn f() { crate::render::x(); } // crate::serve\n#[cfg(test)]\nuse crate::watch;";
    let names: Vec<String> = used_modules(text).into_iter().map(|(_, m)| m).collect();
    assert_eq!(names, ["load", "plan", "render"]);
}

#[test]
fn test_items_are_skipped_but_what_follows_them_is_read() {
    let text = "#[cfg(test)]\nmod tests {\n    use crate::serve;\n    fn f() { if x { crate::cmd::y() } }\n}\nfn g() { crate::watch::x(); }\n#[cfg(test)]\nmod more;\nuse crate::load;";
    let names: Vec<(usize, String)> = used_modules(text);
    assert_eq!(names, [(6, "watch".to_string()), (9, "load".to_string())]);
    assert_eq!(production_code(text).1, ["more"]);
}

#[test]
fn slashes_and_braces_inside_strings_are_not_code() {
    let text = "let u = \"https://x.org/{\"; crate::load::y();\nlet r = r#\"a \" // }\"#; let c = '{'; crate::plan::z(); /* crate::serve */\nfn h<'a>(x: &'a str) { crate::render::w() }";
    let names: Vec<String> = used_modules(text).into_iter().map(|(_, m)| m).collect();
    assert_eq!(names, ["load", "plan", "render"]);
}

/// pulldown-cmark has one door: the tree folds its events and the normalised document decides
/// every policy; every format reads that document, so none can parse Markdown its own way.
#[test]
fn only_the_tree_and_the_doc_name_pulldown_cmark() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed = [src.join("markdown/tree.rs"), src.join("markdown/doc.rs")];
    let mut wrong = Vec::new();
    for file in production_files(&src) {
        let (code, _) = production_code(&std::fs::read_to_string(&file).unwrap());
        for (n, line) in code.lines().enumerate() {
            if line.contains("pulldown_cmark") && !allowed.contains(&file) {
                wrong.push(format!("src/{}:{}", file.strip_prefix(&src).unwrap().display(), n + 1));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "pulldown_cmark named outside markdown/tree.rs and markdown/doc.rs:\n{}",
        wrong.join("\n")
    );
}

/// Text is escaped for XML and HTML in one place, and base64 comes from the crate: the Word
/// file and the web page once had an escaper each, and the page a hand-written base64.
#[test]
fn one_escaper_for_markup_and_no_hand_written_base64() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut escapers = Vec::new();
    let mut base64 = Vec::new();
    for file in production_files(&src) {
        let rel = file.strip_prefix(&src).unwrap().display().to_string();
        let text = production_source(&std::fs::read_to_string(&file).unwrap());
        // The server's own error page (serve/pages.rs) is outside the formats.
        let in_formats = ["markdown/", "render/", "write/"].iter().any(|d| rel.starts_with(d));
        if in_formats && text.contains("\"&amp;\"") {
            escapers.push(rel.clone());
        }
        if text.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
            base64.push(rel);
        }
    }
    assert_eq!(escapers, ["render/html/escape.rs"]);
    assert!(base64.is_empty(), "base64 written by hand in {base64:?}");
}
