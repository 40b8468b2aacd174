use lmcpress::diag::Problem;
use lmcpress::history::audit;

#[derive(clap::Args)]
pub struct Args {
    /// Only entries on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only entries about this practice (ODS code).
    #[arg(long, value_name = "ODS")]
    practice: Option<String>,
    #[command(flatten)]
    root: super::Root,
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let root = args.root.dir();
    if let Some(since) = &args.since
        && time::Date::parse(since, time::macros::format_description!("[year]-[month]-[day]")).is_err()
    {
        return Err(Problem::general(format!("`{since}` is not a date")).hint("write it as YYYY-MM-DD"));
    }
    let entries = audit::read(&root).map_err(|e| Problem::general(format!("{e:#}")))?;
    let shown = audit::filter(&entries, args.since.as_deref(), args.practice.as_deref());
    for e in &shown {
        let what =
            serde_json::to_value(e.what).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        let mut line = format!("{}  {:<14} {}", e.time, what, e.who);
        if let Some(ods) = &e.practice {
            line.push_str(&format!("  practice {ods}"));
        }
        if let Some(file) = &e.file {
            line.push_str(&format!("  {file}"));
        }
        println!("{line}");
    }
    say!("{} in {}", super::plural(shown.len(), "entry"), audit::AUDIT_FILE);
    Ok(true)
}
