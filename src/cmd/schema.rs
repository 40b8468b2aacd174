use std::path::{Path, PathBuf};

use lmcpress::diag::Problem;
use lmcpress::load::schema;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    root: super::Root,
    /// The folder to write the schemas to [default: ROOT/schemas, where `init` puts them].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Writes a JSON Schema for `lmc.yaml`, practice profiles and each kind of front matter.
pub fn run(args: Args) -> Result<bool, Problem> {
    let root = args.root.dir();
    let dir = args.out.unwrap_or_else(|| root.join(lmcpress::init::SCHEMA_DIR));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Problem::general(format!("failed to create `{}`: {e}", dir.display())))?;
    for s in schema::all() {
        let path = dir.join(s.file_name);
        lmcpress::write::write_atomic(&path, s.file_text().as_bytes(), false)
            .map_err(|e| Problem::general(format!("failed to write `{}`: {e:#}", path.display())))?;
        println!("{}  {}", path.display(), s.describes);
    }
    say!(
        "point YAML editors at them with a first line of content/lmc.yaml such as\n  {}",
        schema::modeline(&from_content(&root, &dir, schema::LMC)).trim_end()
    );
    Ok(true)
}

/// The schema `file` in `dir` as `content/lmc.yaml` reaches it: a relative path when `dir`
/// is inside the project, else its absolute path (as a `file://` address, which the YAML
/// language server reads).
fn from_content(root: &Path, dir: &Path, file: &str) -> String {
    let absolute = |p: &Path| std::path::absolute(p).ok();
    match (absolute(root), absolute(dir)) {
        (Some(root), Some(dir)) => match dir.strip_prefix(&root) {
            Ok(inside) => {
                let inside = inside.to_string_lossy().replace('\\', "/");
                if inside.is_empty() { format!("../{file}") } else { format!("../{inside}/{file}") }
            }
            Err(_) => format!("file://{}", dir.join(file).to_string_lossy().replace('\\', "/")),
        },
        _ => format!("../{}/{file}", dir.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_modeline_path_is_relative_inside_the_project_and_absolute_outside() {
        let root = Path::new("/lmc");
        assert_eq!(from_content(root, Path::new("/lmc/schemas"), "a.json"), "../schemas/a.json");
        assert_eq!(from_content(root, Path::new("/lmc/x/y"), "a.json"), "../x/y/a.json");
        assert_eq!(from_content(root, Path::new("/elsewhere/s"), "a.json"), "file:///elsewhere/s/a.json");
    }
}
