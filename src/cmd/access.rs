use std::path::PathBuf;

use lmcpress::diag::Problem;
use lmcpress::history::audit::{self, Entry};
use lmcpress::load::config::is_ods;
use lmcpress::serve::keys::{Access, AccessList, access_file};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Make a private link: for one practice (ODS code), or with --lmc for the editor.
    Grant {
        #[command(flatten)]
        who: Who,
        /// The address the server is reached at, as users will type it.
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
        base_url: String,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// End every private link of a practice, or with --lmc the editor's.
    Revoke {
        #[command(flatten)]
        who: Who,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Show who has links (the links themselves are not kept).
    List {
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
#[group(required = true, multiple = false)]
struct Who {
    /// The practice's ODS code.
    ods: Option<String>,
    /// The LMC editor's link, which opens every practice and the guide.
    #[arg(long)]
    lmc: bool,
}

impl Who {
    fn scope(self) -> Result<Access, Problem> {
        match (self.ods, self.lmc) {
            (_, true) => Ok(Access::Lmc),
            (Some(ods), false) if is_ods(&ods.to_ascii_uppercase()) => {
                Ok(Access::Practice(ods.to_ascii_uppercase()))
            }
            (Some(ods), false) => Err(Problem::general(format!("`{ods}` is not a practice ODS code"))
                .hint("a capital letter then five digits, such as C82001")),
            (None, false) => Err(Problem::general("name a practice's ODS code or pass --lmc")),
        }
    }
}

/// Grants and revokes go in the audit log like everything done through the links.
fn audit(root: &std::path::Path, what: audit::Action, scope: &Access) -> Result<(), Problem> {
    let mut entry = Entry::new("command line (lmcpress access)", what);
    if let Access::Practice(ods) = scope {
        entry = entry.practice(ods);
    }
    audit::append(root, &entry).map_err(|e| Problem::general(format!("{e:#}")))
}

pub fn run(args: Args) -> Result<bool, Problem> {
    match args.action {
        Action::Grant { who, base_url, root } => {
            let root = super::root_or_cwd(root);
            lmcpress::load::project::ensure_project(&root)?;
            let scope = who.scope()?;
            if let Access::Practice(ods) = &scope
                && !lmcpress::pipeline::load(&root)?.project.practices.iter().any(|p| &p.ods_code == ods)
            {
                return Err(Problem::general(format!("no practice profile has ODS code {ods}"))
                    .hint("add content/practices/<name>.yaml first"));
            }
            let mut list = AccessList::load(&root)?;
            let key = list.grant(scope.clone())?;
            list.save(&root)?;
            audit(&root, audit::Action::Grant, &scope)?;
            let base = base_url.trim_end_matches('/');
            let path = match &scope {
                Access::Lmc => "/".to_string(),
                Access::Practice(ods) => format!("/practices/{ods}/"),
            };
            println!("{base}{path}?key={key}");
            eprintln!(
                "private link for {} (shown once; only its hash is kept in {})",
                scope.describe(),
                super::shown(&access_file(&root))
            );
        }
        Action::Revoke { who, root } => {
            let root = super::root_or_cwd(root);
            let scope = who.scope()?;
            let mut list = AccessList::load(&root)?;
            let n = list.revoke(&scope);
            list.save(&root)?;
            audit(&root, audit::Action::Revoke, &scope)?;
            eprintln!("revoked {} for {}", super::plural(n, "link"), scope.describe());
        }
        Action::List { root } => {
            let root = super::root_or_cwd(root);
            for g in AccessList::load(&root)?.grants {
                match &g.label {
                    Some(label) => println!("{} ({label})", g.scope.describe()),
                    None => println!("{}", g.scope.describe()),
                }
            }
        }
    }
    Ok(true)
}
