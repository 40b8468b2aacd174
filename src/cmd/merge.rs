use std::path::PathBuf;

use lmcpress::load::project::Project;
use lmcpress::merge::{self, MergeOptions};

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
    /// The project folder (holding content/ and templates/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<bool> {
    let project = Project::load(&super::root_or_cwd(args.root))?;
    let letter = match merge::find_letter(&project, &args.letter) {
        Ok((_, letter)) => letter,
        Err(p) => {
            super::print_problems(project.problems.iter().chain([&p]));
            return Ok(false);
        }
    };
    if args.header {
        println!("{}", merge::header_row(letter));
        return Ok(true);
    }
    super::print_problems(project.problems.iter().filter(|p| p.is_error()));
    let (Some(practice), Some(data)) = (args.practice, args.data) else { unreachable!("clap requires both") };
    let out = args.out.unwrap_or_else(|| {
        project.root.join("output/merge").join(practice.to_uppercase()).join(&args.letter)
    });
    let opts = MergeOptions {
        letter: args.letter,
        practice,
        data,
        out: out.clone(),
        combined: args.combined,
        emit_typst: args.emit_typst,
        docx: args.docx,
    };
    match merge::merge(&project, &opts) {
        Ok(report) => {
            super::print_problems(&report.problems);
            eprintln!(
                "merged {} of {} → {} ({} failed)",
                super::plural(report.rows - report.failed_rows, "letter"),
                super::plural(report.rows, "row"),
                out.display(),
                report.failed_rows
            );
            Ok(report.problems.is_empty())
        }
        Err(p) => {
            super::print_problems([&p]);
            Ok(false)
        }
    }
}
