//! `lmcpress docs`: the user guides compiled into the program, so that whoever installed it
//! has them without the source or a network (the help's documentation link points here).

use lmcpress::diag::Problem;

/// Each guide: its name on the command line, what it is for, and its text.
const PAGES: [(&str, &str, &str); 4] = [
    (
        "readme",
        "what lmcpress makes and a tour of its commands: mail merge, packs, editions, e-mail",
        include_str!("../../README.md"),
    ),
    (
        "getting-started",
        "from an empty folder to your own guide, posters and letters, step by step",
        include_str!("../../docs/getting-started.md"),
    ),
    (
        "content-format",
        "every key of lmc.yaml, a practice profile and each kind of Markdown file",
        include_str!("../../docs/content-format.md"),
    ),
    ("deploy", "running `serve` on a server for your practices", include_str!("../../docs/deploy.md")),
];

#[derive(clap::Args)]
pub struct Args {
    /// The guide to print, such as getting-started [default: list the guides].
    #[arg(value_name = "PAGE")]
    page: Option<String>,
}

pub fn run(args: Args) -> Result<bool, Problem> {
    let text = match args.page.as_deref() {
        None => {
            let mut list = String::new();
            for (name, about, _) in PAGES {
                list.push_str(&format!("{name:<16} {about}\n"));
            }
            say!("print one with `lmcpress docs getting-started` (Markdown; `| less` to page through it)");
            list
        }
        Some(wanted) => {
            // `getting-started.md`, as the guides link to each other, names the page too.
            let name = wanted.strip_suffix(".md").unwrap_or(wanted);
            let page = PAGES.iter().find(|(n, _, _)| *n == name).ok_or_else(|| {
                let names: Vec<&str> = PAGES.iter().map(|(n, _, _)| *n).collect();
                Problem::general(format!("there is no guide named `{wanted}`"))
                    .hint(format!("the guides are: {}", names.join(", ")))
            })?;
            page.2.to_string()
        }
    };
    lmcpress::pipe::write_stdout(text.as_bytes())
        .map_err(|e| Problem::general(format!("failed to print the guide: {e}")))?;
    Ok(true)
}
