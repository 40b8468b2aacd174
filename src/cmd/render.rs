use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Markdown files to typeset (front matter optional).
    #[arg(required = true, value_name = "FILE.md")]
    files: Vec<PathBuf>,
    /// Where to write the PDFs [default: beside each file].
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Also write the generated typst source beside each PDF (NAME.typ).
    #[arg(long)]
    emit_typst: bool,
    /// Write a web page (NAME.html) in the web guide's style instead of a PDF.
    #[arg(long, conflicts_with = "emit_typst")]
    html: bool,
}

pub fn run(args: Args) -> anyhow::Result<bool> {
    let mut ok = true;
    for file in &args.files {
        let result = if args.html {
            lmcpress::render::html::standalone::render_file(file, args.out_dir.as_deref())
                .map(|r| (r.written, r.warnings))
        } else {
            lmcpress::standalone::render_file(file, args.out_dir.as_deref(), args.emit_typst)
                .map(|r| (r.written, r.warnings))
        };
        match result {
            Ok((written, warnings)) => {
                super::print_problems(&warnings);
                eprintln!("wrote {}", written.display());
            }
            Err(problems) => {
                super::print_problems(&problems);
                ok = false;
            }
        }
    }
    Ok(ok)
}
