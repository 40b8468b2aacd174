//! `notify`: one e-mail per practice when an edition changes, sent once and only once.
//!
//! [`recipients`] decides who can be written to, [`message`] renders each practice's message
//! from the `notify.*.tera` templates and the files `build` made, [`smtp`] carries it, and
//! [`log`] remembers what a server accepted. This module runs them in order: drafts to read
//! first, or a paced send that records each message as soon as it is accepted. Nothing here
//! prints; the command reports the [`Event`]s.

pub mod log;
pub mod message;
pub mod recipients;
pub mod smtp;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lettre::message::Mailbox;

use crate::access::{Access, AccessList, hash_key};
use crate::diag::Problem;
use crate::load::config::Lmc;
use crate::pipeline::Loaded;
use crate::write::write_atomic;
use log::{Sent, SentLog};
use message::{Settings, compose, new_message_id};
use recipients::Recipient;
use smtp::{Failure, Outbox};

/// Where drafts are written, inside the output folder.
pub const DRAFTS_DIR: &str = "notify";

/// The practices still to be told about `edition`: those with no message in the log for it,
/// and those named in `resend` whatever the log says. The second list is those skipped.
pub fn pending<'r, 'a>(
    ready: &'r [Recipient<'a>],
    log: &SentLog,
    edition: &str,
    resend: &[String],
) -> (Vec<&'r Recipient<'a>>, Vec<&'r Recipient<'a>>) {
    ready.iter().partition(|r| {
        let ods = &r.practice.ods_code;
        log.sent(ods, edition).is_none() || resend.iter().any(|c| c.eq_ignore_ascii_case(ods))
    })
}

/// Writes each practice's message as `DIR/<ODS>.eml` (owner-only: it names the practice's
/// contact address) and returns the files written, or the problem of each practice that
/// failed. The link in a draft carries a placeholder, never a key.
pub fn write_drafts(
    loaded: &Loaded,
    lmc: &Lmc,
    ready: &[Recipient],
    settings: &Settings,
    from: &Mailbox,
    dir: &Path,
) -> Vec<(String, Result<PathBuf, Problem>)> {
    ready
        .iter()
        .map(|r| {
            let ods = r.practice.ods_code.clone();
            let written = (|| {
                let draft = compose(loaded, lmc, r.practice, &r.to, settings, None)?;
                let message = draft.message(from, new_message_id(from)?)?;
                let path = dir.join(format!("{ods}.eml"));
                make_private_dir(dir)?;
                write_atomic(&path, &message.formatted(), true)?;
                Ok(path)
            })();
            (ods, written)
        })
        .collect()
}

#[cfg(unix)]
fn make_private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    use std::os::unix::fs::PermissionsExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

#[cfg(not(unix))]
fn make_private_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    Ok(())
}

/// What happens during a send, in order, for the command to show.
pub enum Event<'a> {
    Sending {
        n: usize,
        total: usize,
        ods: &'a str,
        to: &'a Mailbox,
    },
    Sent {
        ods: &'a str,
        message_id: &'a str,
    },
    /// The server refused this practice's message, or it could not be made; the next run
    /// tries it again.
    Failed {
        ods: &'a str,
        why: &'a str,
    },
}

#[derive(Default)]
pub struct SendReport {
    pub sent: usize,
    pub failed: Vec<String>,
    /// Why the run stopped early, and the practices it did not reach.
    pub stopped: Option<(String, Vec<String>)>,
}

impl SendReport {
    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.stopped.is_none()
    }
}

/// How a send is run.
pub struct Run<'a> {
    pub loaded: &'a Loaded,
    pub lmc: &'a Lmc,
    pub settings: &'a Settings,
    pub from: &'a Mailbox,
    /// The time between the starts of two messages, so a batch never looks like a flood to
    /// the server or to the recipients' filters.
    pub pace: Duration,
}

/// Sends each of `todo` in turn and records every message accepted in `log`, saved after each.
pub fn send(
    run: &Run,
    todo: &[&Recipient],
    outbox: &mut dyn Outbox,
    log: &mut SentLog,
    on_event: &mut dyn FnMut(Event),
) -> SendReport {
    let root = &run.loaded.project.root;
    let mut report = SendReport::default();
    let start = Instant::now();
    for (i, r) in todo.iter().enumerate() {
        let ods = r.practice.ods_code.as_str();
        if i > 0 {
            let due = start + run.pace * i as u32;
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
        }
        on_event(Event::Sending { n: i + 1, total: todo.len(), ods, to: &r.to });
        match send_one(run, r, outbox) {
            Ok(sent) => {
                if let Err(e) = log.record(root, sent.clone()) {
                    // The message went but is not on record: going on could send it twice.
                    on_event(Event::Sent { ods, message_id: &sent.message_id });
                    report.sent += 1;
                    let rest = todo[i + 1..].iter().map(|r| r.practice.ods_code.clone()).collect();
                    let why = format!("failed to record the message to {ods} in the sent-log: {e:#}");
                    report.stopped = Some((why, rest));
                    return report;
                }
                on_event(Event::Sent { ods, message_id: &sent.message_id });
                report.sent += 1;
            }
            Err(Failure::Rejected(why)) => {
                on_event(Event::Failed { ods, why: &why });
                report.failed.push(ods.to_string());
            }
            Err(Failure::Stop(why)) => {
                let rest = todo[i..].iter().map(|r| r.practice.ods_code.clone()).collect();
                report.stopped = Some((why, rest));
                return report;
            }
        }
    }
    report
}

/// Makes the practice's link (when there is a server to link to), renders and sends its
/// message. A link whose message did not go is revoked again, so it opens nothing.
fn send_one(run: &Run, r: &Recipient, outbox: &mut dyn Outbox) -> Result<Sent, Failure> {
    let root = &run.loaded.project.root;
    let ods = &r.practice.ods_code;
    let key = match &run.settings.base_url {
        Some(_) => {
            Some(grant(root, ods).map_err(|e| Failure::Stop(format!("failed to make {ods}'s link: {e:#}")))?)
        }
        None => None,
    };
    let link_hash = key.as_deref().map(hash_key);
    let result = (|| {
        let draft = compose(run.loaded, run.lmc, r.practice, &r.to, run.settings, key.as_deref())
            .map_err(|p| Failure::Rejected(one_line(&p)))?;
        let id = new_message_id(run.from).map_err(|e| Failure::Stop(format!("{e:#}")))?;
        let message = draft.message(run.from, id.clone()).map_err(|p| Failure::Rejected(one_line(&p)))?;
        outbox.send(&message)?;
        Ok(id)
    })();
    match result {
        Ok(message_id) => Ok(Sent {
            practice: ods.clone(),
            edition: run.lmc.edition.clone(),
            message_id,
            to: r.to.email.to_string(),
            time: now(),
            link_hash,
        }),
        Err(failure) => {
            // A refused message took its key nowhere, so the key goes. After a lost connection
            // nobody knows whether the message arrived: its link is kept working.
            if let (Some(hash), Failure::Rejected(_)) = (&link_hash, &failure) {
                // If this fails too the key is still unknown to anyone: it was never sent.
                let _ = revoke(root, hash);
            }
            Err(failure)
        }
    }
}

fn grant(root: &Path, ods: &str) -> anyhow::Result<String> {
    let key = AccessList::update(root, |list| {
        list.grant_labelled(Access::Practice(ods.to_string()), Some("notify e-mail"))
    })?;
    let entry =
        crate::history::audit::Entry::new("notify", crate::history::audit::Action::Grant).practice(ods);
    crate::history::audit::append(root, &entry)?;
    Ok(key)
}

fn revoke(root: &Path, hash: &str) -> anyhow::Result<()> {
    let gone: Vec<String> = AccessList::update(root, |list| {
        let gone = list
            .grants
            .iter()
            .filter(|g| g.hash == hash)
            .filter_map(|g| match &g.scope {
                Access::Practice(ods) => Some(ods.clone()),
                Access::Lmc | Access::Person(_) => None,
            })
            .collect();
        list.grants.retain(|g| g.hash != hash);
        Ok(gone)
    })?;
    for ods in gone {
        let entry =
            crate::history::audit::Entry::new("notify", crate::history::audit::Action::Revoke).practice(&ods);
        crate::history::audit::append(root, &entry)?;
    }
    Ok(())
}

fn one_line(p: &Problem) -> String {
    let mut text = p.message.clone();
    for h in &p.hints {
        text.push_str(&format!(" (hint: {h})"));
    }
    text
}

fn now() -> String {
    let format = time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_default()
}
