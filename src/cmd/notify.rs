use std::io::Write;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::Mailbox;
use lmcpress::diag::{Problem, display_path};
use lmcpress::load::config::Lmc;
use lmcpress::notify::log::{SentLog, log_file};
use lmcpress::notify::message::{Settings, compose};
use lmcpress::notify::recipients::{Recipients, Unreachable, recipients};
use lmcpress::notify::smtp::{Mailer, SMTP_URL_VAR, SmtpUrl};
use lmcpress::notify::{self, DRAFTS_DIR, Event, Run};
use lmcpress::pipeline;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: super::ProjectArgs,
    /// Only this practice (by ODS code); repeat for several [default: every practice].
    #[arg(long = "practice", value_name = "ODS")]
    practices: Vec<String>,
    /// Send the messages through the server in LMCPRESS_SMTP_URL. Without it, write them to
    /// OUT/notify/ to read first.
    #[arg(long)]
    send: bool,
    /// Send to this practice again even though it was sent this edition; repeat for several.
    #[arg(long, value_name = "ODS", requires = "send")]
    resend: Vec<String>,
    /// Print one practice's message (its text and what is attached) and send nothing.
    #[arg(long, value_name = "ODS", conflicts_with_all = ["send", "practices"])]
    preview: Option<String>,
    /// The address `serve` is reached at: each message then carries a private link to the
    /// practice's page (made as `lmcpress access grant` makes them, when the message is sent)
    /// [default: `public_url` in content/lmc.yaml].
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The sender [default: `email` in content/lmc.yaml].
    #[arg(long, value_name = "ADDRESS")]
    from: Option<String>,
    /// Attach a practice's pack only up to this size; a larger one is left to the link.
    #[arg(long, value_name = "N", default_value_t = 5.0)]
    max_attach_mb: f64,
    /// How many messages to send a minute at most.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=6000))]
    per_minute: u32,
}

pub fn run(args: Args) -> Result<bool, Problem> {
    if !(args.max_attach_mb.is_finite() && args.max_attach_mb >= 0.0) {
        return Err(Problem::general("--max-attach-mb takes a size in MB, such as 5"));
    }
    if let Some(base) = &args.base_url
        && url::Url::parse(base).map_or(true, |u| !matches!(u.scheme(), "http" | "https"))
    {
        return Err(Problem::general(format!("--base-url `{base}` is not an http:// or https:// address"))
            .hint("give the address practices reach `serve` at, such as https://docs.example-lmc.org"));
    }
    let (root, out) = args.project.folders();
    let loaded = pipeline::load(&root)?;
    let project = &loaded.project;
    let Some(lmc) = &project.lmc else {
        super::print_problems(project.problems.iter().filter(|p| p.is_error()));
        return Err(Problem::general(
            "failed to load content/lmc.yaml, so there is no edition to tell practices about",
        ));
    };
    // lmc.yaml's `public_url:` was checked with the rest of it by the load above.
    let public_url = lmcpress::load::config::serving(&root).ok().and_then(|s| s.public_url);
    let base_url = args.base_url.clone().or_else(|| public_url.map(|u| u.as_str().to_string()));
    if base_url.is_none() {
        eprintln!(
            "note: the messages carry no link to the practices' pages: set `public_url:` in content/lmc.yaml (or pass --base-url) to the address practices reach `lmcpress serve` at"
        );
    }
    let settings =
        Settings { out: out.clone(), base_url, max_attach_bytes: (args.max_attach_mb * 1_000_000.0) as u64 };
    let from = sender(args.from.as_deref(), lmc)?;
    // Practices are told only of approved words: the messages and packs are made from the
    // approved version of each file, and whatever is not approved is left out.
    let view = &project.approval;
    if view.required {
        let never = view.drafts().count();
        if never > 0 || !view.drafted.is_empty() {
            say!(
                "note: left out of every message and pack: {} never approved and {} changed since approval (`lmcpress review` lists them)",
                super::plural(never, "file"),
                super::plural(view.drafted.len(), "file")
            );
        }
    }

    if let Some(ods) = &args.preview {
        let found = recipients(project, std::slice::from_ref(ods))?;
        let Some(r) = found.ready.first() else {
            list_unreachable(&found.unreachable);
            return Ok(false);
        };
        let draft = compose(&loaded, lmc, r.practice, &r.to, &settings, None)?;
        print!("{}", draft.preview(&from));
        return Ok(true);
    }

    let mut selected = args.practices.clone();
    if !selected.is_empty() {
        selected.extend(args.resend.iter().cloned());
    }
    for code in &args.resend {
        recipients(project, std::slice::from_ref(code))?;
    }
    let found = recipients(project, &selected)?;
    let mut ok = found.unreachable.is_empty();
    if args.send {
        refuse_starter_addresses(&from, &found)?;
        ok &= send(&loaded, lmc, &found, &settings, &from, &args.resend, args.per_minute)?;
    } else {
        ok &= drafts(&loaded, lmc, &found, &settings, &from, &out, &args.resend);
    }
    list_unreachable(&found.unreachable);
    Ok(ok)
}

/// The starter project's example addresses reach nobody: sending from or to them is refused
/// before anything is sent (drafts are still written, to be read).
fn refuse_starter_addresses(from: &Mailbox, found: &Recipients) -> Result<(), Problem> {
    use lmcpress::load::leftovers::is_starter_address;
    let mut starter: Vec<String> = Vec::new();
    if is_starter_address(from.email.as_ref()) {
        starter.push(format!("the sender {}", from.email));
    }
    for r in &found.ready {
        if is_starter_address(r.to.email.as_ref()) {
            starter.push(format!("{} ({})", r.to.email, r.practice.ods_code));
        }
    }
    if starter.is_empty() {
        return Ok(());
    }
    Err(Problem::general(format!(
        "not sending: the starter project's example addresses are still in use: {}",
        starter.join(", ")
    ))
    .hint("put your own addresses in content/lmc.yaml (`email:`) and in each practice profile, then run `lmcpress check`"))
}

/// `--from`, or the LMC's own address.
fn sender(given: Option<&str>, lmc: &Lmc) -> Result<Mailbox, Problem> {
    let Some(address) = given.or(lmc.email.as_deref()) else {
        return Err(Problem::general("no sender address for the messages")
            .hint("add `email:` to content/lmc.yaml, or pass --from ADDRESS"));
    };
    let address = lettre::Address::from_str(address.trim())
        .map_err(|e| Problem::general(format!("`{address}` cannot be a sender address ({e})")))?;
    Ok(Mailbox::new(Some(lmc.name.clone()), address))
}

fn drafts(
    loaded: &pipeline::Loaded,
    lmc: &Lmc,
    found: &Recipients,
    settings: &Settings,
    from: &Mailbox,
    out: &std::path::Path,
    resend: &[String],
) -> bool {
    let dir = out.join(DRAFTS_DIR);
    let log = SentLog::load(&loaded.project.root).unwrap_or_default();
    let mut ok = true;
    let mut written = 0;
    for (ods, result) in notify::write_drafts(loaded, lmc, &found.ready, settings, from, &dir) {
        match result {
            Ok(_) => written += 1,
            Err(problem) => {
                ok = false;
                eprint!("{}", problem.render());
                eprintln!("  (no message for {ods})");
            }
        }
    }
    say!(
        "wrote {} for the {} edition to {}",
        super::plural(written, "message"),
        lmc.edition,
        super::shown(&dir)
    );
    let (_, done) = notify::pending(&found.ready, &log, &lmc.edition, resend);
    if !done.is_empty() {
        let codes: Vec<&str> = done.iter().map(|r| r.practice.ods_code.as_str()).collect();
        say!(
            "already sent this edition, so --send will skip: {} (--resend ODS sends again)",
            codes.join(", ")
        );
    }
    if written > 0 {
        say!("read them, then send with `lmcpress notify --send` and LMCPRESS_SMTP_URL set");
    }
    ok
}

fn send(
    loaded: &pipeline::Loaded,
    lmc: &Lmc,
    found: &Recipients,
    settings: &Settings,
    from: &Mailbox,
    resend: &[String],
    per_minute: u32,
) -> Result<bool, Problem> {
    let root = &loaded.project.root;
    let mut log = SentLog::load(root)?;
    let (todo, done) = notify::pending(&found.ready, &log, &lmc.edition, resend);
    if !done.is_empty() {
        say!(
            "{} already sent the {} edition; not sending again (--resend ODS to send anyway)",
            super::plural(done.len(), "practice"),
            lmc.edition
        );
    }
    if todo.is_empty() {
        say!("nothing to send");
        return Ok(true);
    }
    let url = std::env::var(SMTP_URL_VAR).map_err(|_| {
        Problem::general(format!("{SMTP_URL_VAR} is not set, so there is no mail server to send through"))
            .hint(format!("set it in the environment: {SMTP_URL_VAR}=smtps://USER:PASSWORD@mail.example.org"))
    })?;
    let url = SmtpUrl::parse(&url).map_err(|why| {
        Problem::general(format!("{SMTP_URL_VAR} cannot be used: {why}"))
            .hint("smtps://USER:PASSWORD@HOST[:PORT], or smtp://... for STARTTLS")
    })?;
    // Everything a message needs is checked before the server hears from us, so a missing
    // build stops here rather than halfway through.
    let mut failed = Vec::new();
    for r in &todo {
        if let Err(p) = compose(loaded, lmc, r.practice, &r.to, settings, None) {
            eprint!("{}", p.render());
            failed.push(r.practice.ods_code.clone());
        }
    }
    let todo: Vec<_> = todo.into_iter().filter(|r| !failed.contains(&r.practice.ods_code)).collect();
    if todo.is_empty() {
        eprintln!("no message could be made; nothing was sent");
        return Ok(false);
    }
    say!("connecting to {}", url.describe());
    let mut mailer = Mailer::connect(url).map_err(|why| {
        Problem::general(format!("failed to log in to the mail server: {why}"))
            .hint("nothing was sent; check the server, port, user name and password in LMCPRESS_SMTP_URL")
    })?;
    let run = Run { loaded, lmc, settings, from, pace: Duration::from_secs(60) / per_minute };
    let quiet = super::quiet();
    let mut on_event = |event: Event| {
        match event {
            Event::Sending { .. } if quiet => {}
            Event::Sending { n, total, ods, to } => eprint!("[{n}/{total}] {ods} <{}> ... ", to.email),
            Event::Sent { .. } => say!("sent"),
            Event::Failed { ods, why } => {
                if !quiet {
                    eprintln!("failed");
                }
                eprintln!("error: the message to {ods} was not sent: {why}")
            }
        }
        std::io::stderr().flush().ok();
    };
    let report = notify::send(&run, &todo, &mut mailer, &mut log, &mut on_event);
    if let Some((why, rest)) = &report.stopped {
        if !quiet {
            eprintln!("stopped");
        }
        eprintln!("error: {why}");
        eprintln!("not sent: {} (the next run sends them)", rest.join(", "));
    }
    let all_failed: Vec<&String> = failed.iter().chain(&report.failed).collect();
    say!(
        "sent {} for the {} edition; recorded in {}",
        super::plural(report.sent, "message"),
        lmc.edition,
        super::shown(&display_path(root, &log_file(root)))
    );
    if !all_failed.is_empty() {
        let codes: Vec<&str> = all_failed.iter().map(|s| s.as_str()).collect();
        eprintln!("failed: {} (the next run tries them again)", codes.join(", "));
    }
    Ok(report.ok() && failed.is_empty())
}

fn list_unreachable(unreachable: &[Unreachable]) {
    if unreachable.is_empty() {
        return;
    }
    eprintln!("no message for {}:", super::plural(unreachable.len(), "practice profile"));
    for u in unreachable {
        let who = u.ods.as_deref().unwrap_or("(no ODS code)");
        eprintln!("  {who} `{}`: {}", u.profile.display(), u.why);
    }
    eprintln!("hint: give each profile an `email:` that mail can be sent to; nothing is guessed");
}
