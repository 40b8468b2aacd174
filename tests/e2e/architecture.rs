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
    ("timings", 0),
    ("theme", 0),
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

/// The top-level modules a file names as `crate::X` (in `use` lines and inline paths),
/// leaving out its `#[cfg(test)]` module, which may reach anywhere to set up a case.
fn used_modules(text: &str) -> Vec<(usize, String)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("");
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

#[test]
fn no_module_uses_a_stage_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for file in rust_files(&src) {
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
