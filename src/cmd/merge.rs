use std::path::PathBuf;

use lmcpress::diag::Problem;
use lmcpress::load::recipients;
use lmcpress::pipeline::{self, MergeRequest};

#[derive(clap::Args)]
#[command(
    after_help = "Recipient data identifies patients: lmcpress never prints a value from it (errors name \
    the row and column), keeps none of it in the build manifest, and writes merged letters readable by \
    their owner only. Delete merged letters once they are sent."
)]
pub struct Args {
    /// The letter to merge: its file name in content/letters without `.md`.
    letter: String,
    /// The practice whose letterhead and signatory to use (ODS code).
    #[arg(long, value_name = "ODS", required_unless_present = "header")]
    practice: Option<String>,
    /// Recipients: CSV with a header row (comma, semicolon or tab), or a YAML/JSON list.
    #[arg(long, value_name = "FILE", required_unless_present = "header")]
    data: Option<PathBuf>,
    /// Where to write the letters [default: ROOT/output/merge/ODS/LETTER].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write all the letters, in order, as one PDF for printing.
    #[arg(long)]
    combined: bool,
    /// Also write each letter as a Word file (.docx) to edit, beside its PDF.
    #[arg(long)]
    docx: bool,
    /// Print the CSV header row of the fields this letter expects, and nothing else.
    #[arg(long)]
    header: bool,
    /// Also write the generated typst source beside each PDF (it holds recipient data too).
    #[arg(long)]
    emit_typst: bool,
    #[command(flatten)]
    root: super::Root,
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let loaded = pipeline::load(&args.root.dir())?;
    let project = &loaded.project;
    if args.header {
        let (_, letter) = lmcpress::plan::merge::find_letter(project, &args.letter)?;
        println!("{}", recipients::header_row(letter));
        return Ok(true);
    }
    super::print_problems(project.problems.iter().filter(|p| p.is_error()));
    let (Some(practice), Some(data)) = (args.practice, args.data) else { unreachable!("clap requires both") };
    let request = MergeRequest {
        letter: args.letter,
        practice,
        data,
        out: args.out,
        combined: args.combined,
        emit_typst: args.emit_typst,
        docx: args.docx,
    };
    let report = pipeline::merge(&loaded, &request)?;
    super::print_problems(&report.problems);
    say!(
        "merged {} of {} → {} ({} failed)",
        super::plural(report.rows - report.failed_rows, "letter"),
        super::plural(report.rows, "row"),
        report.out.display(),
        report.failed_rows
    );
    Ok(report.problems.is_empty())
}
