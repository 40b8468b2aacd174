use std::path::PathBuf;

use lmcpress::diag::Problem;
use lmcpress::load::schema;

#[derive(clap::Args)]
pub struct Args {
    /// The folder to write the schemas to [default: schemas].
    #[arg(value_name = "DIR", default_value = "schemas")]
    dir: PathBuf,
}

/// Writes a JSON Schema for `lmc.yaml`, practice profiles and each kind of front matter.
pub fn run(args: Args) -> Result<bool, Problem> {
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| Problem::general(format!("failed to create `{}`: {e}", args.dir.display())))?;
    for s in schema::all() {
        let path = args.dir.join(s.file_name);
        lmcpress::write::write_atomic(&path, s.file_text().as_bytes(), false)
            .map_err(|e| Problem::general(format!("failed to write `{}`: {e:#}", path.display())))?;
        println!("{}  {}", path.display(), s.describes);
    }
    eprintln!(
        "point YAML editors at them with a first line such as\n  {}",
        schema::modeline(&format!("../{}/{}", args.dir.display(), schema::LMC)).trim_end()
    );
    Ok(true)
}
