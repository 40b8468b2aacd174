use std::path::PathBuf;

use lmcpress::access::{Access, AccessList, access_file};
use lmcpress::diag::Problem;
use lmcpress::history::audit::{self, Entry};
use lmcpress::load::config::is_ods;

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
    /// The unnamed LMC editor link, which opens every practice and the guide and may edit,
    /// but never approve.
    #[arg(long)]
    lmc: bool,
    /// A named person of the LMC, as lmc.yaml's `people:` lists them: their link does what
    /// their roles allow (editor, approver, translator, safety-officer).
    #[arg(long, value_name = "NAME")]
    person: Option<String>,
}

impl Who {
    fn scope(self) -> Result<Access, Problem> {
        match (self.ods, self.lmc, self.person) {
            (_, _, Some(name)) => Ok(Access::Person(name.trim().to_string())),
            (_, true, None) => Ok(Access::Lmc),
            (Some(ods), false, None) if is_ods(&ods.to_ascii_uppercase()) => {
                Ok(Access::Practice(ods.to_ascii_uppercase()))
            }
            (Some(ods), false, None) => Err(Problem::general(format!("`{ods}` is not a practice ODS code"))
                .hint("a capital letter then five digits, such as C82001")),
            (None, false, None) => {
                Err(Problem::general("name a practice's ODS code, or pass --person NAME or --lmc"))
            }
        }
    }
}

/// The person's name as lmc.yaml spells it, or a problem naming the people it lists.
fn known_person(root: &std::path::Path, name: &str) -> Result<String, Problem> {
    let settings = lmcpress::approval::view::Settings::read(root);
    match settings.people.find(name) {
        Some(p) => Ok(p.name.clone()),
        None => {
            let names: Vec<&str> = settings.people.names().collect();
            let hint = match lmcpress::diag::suggest(name, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None if names.is_empty() => {
                    "add them under `people:` in content/lmc.yaml first, with their roles".to_string()
                }
                None => format!("lmc.yaml's `people:` lists {}", names.join(", ")),
            };
            Err(Problem::general(format!("{name} is not among the people in content/lmc.yaml")).hint(hint))
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
            let mut scope = who.scope()?;
            if let Access::Person(name) = &scope {
                scope = Access::Person(known_person(&root, name)?);
            }
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
                Access::Lmc | Access::Person(_) => "/".to_string(),
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
            let mut scope = who.scope()?;
            // A person's links end by the name lmc.yaml gives them, however it was typed.
            if let Access::Person(name) = &scope
                && let Ok(known) = known_person(&root, name)
            {
                scope = Access::Person(known);
            }
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
