use std::path::PathBuf;

use lmcpress::access::{Access, AccessList, access_file};
use lmcpress::diag::Problem;
use lmcpress::history::audit::{self, Entry};
use lmcpress::load::config::{is_ods, public_url_ok};

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
        /// The address the server is reached at, as users will type it [default: `public_url`
        /// in content/lmc.yaml, else http://127.0.0.1:8080, serve's own default].
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// What the link is for, shown by `access list` (such as "Jo, practice manager").
        #[arg(long, value_name = "TEXT")]
        label: Option<String>,
        /// The project folder (holding content/).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// End every private link of a practice, or with --lmc the editor's, at once.
    Revoke {
        #[command(flatten)]
        who: Who,
        /// The project folder (holding content/).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Show each link: who it opens for, what it is for and when it was made (the links
    /// themselves are not kept).
    List {
        /// The project folder (holding content/).
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

/// Where links point: `--base-url`, else lmc.yaml's `public_url:`, else serve's default address
/// on this computer, with a note saying so, since such a link opens nowhere else.
fn base_url(root: &std::path::Path, given: Option<String>) -> Result<String, Problem> {
    if let Some(given) = given {
        return public_url_ok(&given)
            .map(|u| u.as_str().to_string())
            .map_err(|(message, hint)| Problem::general(format!("--base-url: {message}")).hint(hint));
    }
    let serving = lmcpress::load::config::serving(root).map_err(|problems| {
        super::print_problems(problems.iter());
        Problem::general("failed to read `public_url:` in content/lmc.yaml, so the link would point nowhere")
    })?;
    match serving.public_url {
        Some(url) => Ok(url.as_str().to_string()),
        None => {
            eprintln!(
                "note: this link points at this computer (http://127.0.0.1:8080, serve's default address)"
            );
            eprintln!(
                " = hint: set `public_url:` in content/lmc.yaml to the address practices reach `lmcpress serve` at, or pass --base-url"
            );
            Ok("http://127.0.0.1:8080".to_string())
        }
    }
}

/// One line of `access list`: who the link opens for, what it is for, and when it was made.
fn listed(grant: &lmcpress::access::Grant) -> String {
    let when = grant
        .granted
        .as_deref()
        .and_then(|t| t.get(..16))
        .map(|t| format!("granted {} UTC", t.replace('T', " ")))
        .unwrap_or_else(|| "granted before dates were kept".to_string());
    let label = grant.label.as_deref().unwrap_or("no label");
    format!("{}\t{label}\t{when}", grant.scope.describe())
}

pub fn run(args: Args) -> Result<bool, Problem> {
    match args.action {
        Action::Grant { who, base_url: given, label, root } => {
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
            if let Some(bad) = label.as_deref().filter(|l| l.chars().any(char::is_control)) {
                return Err(Problem::general(format!("--label {bad:?} holds a line break"))
                    .hint("give the label on one line"));
            }
            let base_url = base_url(&root, given)?;
            let label = label.as_deref().map(str::trim).filter(|l| !l.is_empty()).unwrap_or("access grant");
            let key = AccessList::update(&root, |list| list.grant_labelled(scope.clone(), Some(label)))?;
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
            let n = AccessList::update(&root, |list| Ok(list.revoke(&scope)))?;
            audit(&root, audit::Action::Revoke, &scope)?;
            eprintln!("revoked {} for {}", super::plural(n, "link"), scope.describe());
        }
        Action::List { root } => {
            let root = super::root_or_cwd(root);
            let list = AccessList::load(&root)?;
            if list.grants.is_empty() {
                eprintln!("no private links yet: make one with `lmcpress access grant <ODS>`");
            }
            for g in &list.grants {
                println!("{}", listed(g));
            }
        }
    }
    Ok(true)
}
