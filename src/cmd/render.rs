use std::path::PathBuf;

use lmcpress::diag::Problem;
use lmcpress::pipeline::{self, RenderRequest};

#[derive(clap::Args)]
pub struct Args {
    /// Markdown files to typeset (front matter optional).
    #[arg(required = true, value_name = "FILE.md")]
    files: Vec<PathBuf>,
    /// Where to write the PDFs [default: beside each file].
    #[arg(long, value_name = "DIR", alias = "out-dir")]
    out: Option<PathBuf>,
    /// Also write the generated typst source beside each PDF (NAME.typ).
    #[arg(long)]
    emit_typst: bool,
    /// Write a web page (NAME.html) in the web guide's style instead of a PDF.
    #[arg(long, conflicts_with = "emit_typst")]
    html: bool,
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let mut ok = true;
    for file in &args.files {
        let request = RenderRequest {
            file,
            out_dir: args.out.as_deref(),
            html: args.html,
            emit_typst: args.emit_typst,
        };
        match pipeline::render(&request) {
            Ok(rendered) => {
                super::print_problems(&rendered.warnings);
                say!("wrote {}", rendered.written.display());
            }
            Err(problems) => {
                super::print_problems(&problems);
                ok = false;
            }
        }
    }
    Ok(ok)
}
