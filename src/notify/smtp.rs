//! The mail server, as `LMCPRESS_SMTP_URL` names it, and sending through it with lettre.
//!
//! The URL carries a password, so nothing here ever prints it: every message that leaves this
//! module has been through [`SmtpUrl::redact`], and the URL is shown only by [`SmtpUrl::describe`].

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use percent_encoding::percent_decode_str;

/// The environment variable that names the server; never a file in the project, which could
/// end up in version control with the password in it.
pub const SMTP_URL_VAR: &str = "LMCPRESS_SMTP_URL";

const SMTPS_PORT: u16 = 465;
const SUBMISSION_PORT: u16 = 587;
const PLAIN_PORT: u16 = 25;

/// Long enough for a slow server to take a message with a pack attached, short enough that a
/// dead one does not hold the run for minutes.
const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte.
    Tls,
    /// `smtp://`: STARTTLS, and nothing is sent if the server does not offer it.
    StartTls,
    /// `smtp://...?tls=none`: no encryption, for a server on this machine only.
    Plain,
}

#[derive(Clone)]
pub struct SmtpUrl {
    pub security: Security,
    pub host: String,
    pub port: u16,
    user: Option<String>,
    password: Option<String>,
}

/// Never shows the credentials, even in `{:?}` (a stray `dbg!` or a test assertion).
impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl SmtpUrl {
    /// Reads `smtps://user:pass@host[:port]` or `smtp://user:pass@host[:port][?tls=none]`. The
    /// error never quotes the text, which may hold a password.
    pub fn parse(text: &str) -> Result<SmtpUrl, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| format!("it is not a URL ({e})"))?;
        let mut security = match url.scheme() {
            "smtps" => Security::Tls,
            "smtp" => Security::StartTls,
            other => return Err(format!("its scheme is `{other}:`, not `smtps:` or `smtp:`")),
        };
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "none") if security == Security::StartTls => security = Security::Plain,
                ("tls", "none") => return Err("`tls=none` goes with `smtp://`, not `smtps://`".into()),
                ("tls", "starttls" | "required") if security == Security::StartTls => {}
                _ => return Err(format!("it has an unknown setting `{key}`; only `tls=none` is known")),
            }
        }
        if !(url.path().is_empty() || url.path() == "/") || url.fragment().is_some() {
            return Err("it has a path after the server name; give only the server".into());
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err("it names no server".into()),
        };
        if security == Security::Plain && !is_loopback(&host) {
            return Err(format!(
                "`tls=none` would send the password and the messages unencrypted to {host}; \
                 unencrypted SMTP is allowed only to a server on this machine (127.0.0.1, ::1, localhost)"
            ));
        }
        let decode = |s: &str| percent_decode_str(s).decode_utf8().map(|c| c.into_owned());
        let user = Some(url.username()).filter(|u| !u.is_empty()).map(decode).transpose();
        let password = url.password().map(decode).transpose();
        let (user, password) = match (user, password) {
            (Ok(u), Ok(p)) => (u, p),
            _ => return Err("its user name or password is not valid percent-encoded UTF-8".into()),
        };
        if password.is_some() && user.is_none() {
            return Err("it has a password but no user name".into());
        }
        let port = url.port().unwrap_or(match security {
            Security::Tls => SMTPS_PORT,
            Security::StartTls => SUBMISSION_PORT,
            Security::Plain => PLAIN_PORT,
        });
        Ok(SmtpUrl { security, host, port, user, password })
    }

    /// The server as it may be printed: scheme, host and port, never the user or password.
    pub fn describe(&self) -> String {
        let (scheme, tail) = match self.security {
            Security::Tls => ("smtps", ""),
            Security::StartTls => ("smtp", " (STARTTLS)"),
            Security::Plain => ("smtp", " (unencrypted, this machine only)"),
        };
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        format!("{scheme}://{host}:{port}{tail}", port = self.port)
    }

    /// `text` with the password and user name blotted out, in every form they may take on
    /// the wire (as typed, percent-encoded, or base64 inside an AUTH command).
    pub fn redact(&self, text: &str) -> String {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut secrets: Vec<String> = Vec::new();
        let user = self.user.clone().unwrap_or_default();
        if let Some(pass) = &self.password {
            secrets.push(b64.encode(format!("\0{user}\0{pass}")));
            secrets.push(b64.encode(pass));
            secrets.push(pass.clone());
            secrets.push(
                percent_encoding::utf8_percent_encode(pass, percent_encoding::NON_ALPHANUMERIC).to_string(),
            );
        }
        // A very short user name would blot out ordinary words; it is not the secret part.
        if user.chars().count() >= 3 {
            secrets.push(b64.encode(&user));
            secrets.push(user.clone());
        }
        secrets.retain(|s| !s.is_empty());
        // Longest first, so a secret that contains another is blotted out whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut out = text.to_string();
        for s in &secrets {
            out = out.replace(s.as_str(), "***");
        }
        out
    }

    fn transport(&self) -> Result<SmtpTransport, String> {
        let tls = |host: &str| TlsParameters::new(host.to_string()).map_err(|e| self.redact(&e.to_string()));
        let tls = match self.security {
            Security::Tls => Tls::Wrapper(tls(&self.host)?),
            Security::StartTls => Tls::Required(tls(&self.host)?),
            Security::Plain => Tls::None,
        };
        let mut builder =
            SmtpTransport::builder_dangerous(&self.host).port(self.port).tls(tls).timeout(Some(TIMEOUT));
        if let Some(user) = &self.user {
            builder = builder
                .credentials(Credentials::new(user.clone(), self.password.clone().unwrap_or_default()));
        }
        Ok(builder.build())
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why a message did not go.
#[derive(Debug)]
pub enum Failure {
    /// The server refused this message (a 4xx or 5xx reply to it): the others may still go.
    Rejected(String),
    /// The connection, TLS or login failed: nothing more can go in this run.
    Stop(String),
}

/// Where messages go. The run is written against this, not against SMTP, so that the order of
/// sending, logging and stopping is the same whatever carries the messages.
pub trait Outbox {
    fn send(&mut self, message: &Message) -> Result<(), Failure>;
}

pub struct Mailer {
    url: SmtpUrl,
    transport: SmtpTransport,
}

impl Mailer {
    /// Connects and logs in once, so that a wrong password or an unreachable server stops the
    /// run before the first message.
    pub fn connect(url: SmtpUrl) -> Result<Mailer, String> {
        let transport = url.transport()?;
        match transport.test_connection() {
            Ok(true) => Ok(Mailer { url, transport }),
            Ok(false) => Err(format!("{} closed the connection after the login", url.describe())),
            Err(e) => Err(url.redact(&format!(
                "{} refused the connection or the login: {}",
                url.describe(),
                chain(&e)
            ))),
        }
    }
}

impl Outbox for Mailer {
    fn send(&mut self, message: &Message) -> Result<(), Failure> {
        // Each message opens its own connection (lettre without its pool): a server that
        // drops the session after refusing one message cannot spoil the next.
        self.transport.send(message).map(drop).map_err(|e| {
            if e.is_permanent() || e.is_transient() {
                Failure::Rejected(self.url.redact(&chain(&e)))
            } else if timed_out(&e) {
                Failure::Stop(format!(
                    "{} gave no answer within {} seconds; it may have taken the message all the same, \
                     so the next run may send it a second time",
                    self.url.describe(),
                    TIMEOUT.as_secs()
                ))
            } else {
                Failure::Stop(self.url.redact(&chain(&e)))
            }
        })
    }
}

/// lettre's own `is_timeout` looks for `TimedOut`, but a socket read timeout on Linux
/// surfaces as `WouldBlock` ("Resource temporarily unavailable"), which tells a user nothing.
fn timed_out(e: &lettre::transport::smtp::Error) -> bool {
    let mut next = std::error::Error::source(e);
    while let Some(cause) = next {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return matches!(io.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock);
        }
        next = cause.source();
    }
    false
}

/// The error and its causes on one line: lettre keeps the useful part (a TLS or socket error)
/// in `source()`.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_choose_tls_and_default_ports() {
        let u = SmtpUrl::parse("smtps://lmc:pw@mail.example.org").unwrap();
        assert_eq!((u.security, u.host.as_str(), u.port), (Security::Tls, "mail.example.org", 465));
        let u = SmtpUrl::parse("smtp://lmc:pw@mail.example.org").unwrap();
        assert_eq!((u.security, u.port), (Security::StartTls, 587));
        let u = SmtpUrl::parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!((u.security, u.port), (Security::Plain, 2525));
        assert!(SmtpUrl::parse("smtp://[::1]?tls=none").is_ok());
        assert!(SmtpUrl::parse("smtp://localhost?tls=none").is_ok());
    }

    #[test]
    fn unencrypted_is_refused_beyond_this_machine() {
        let e = SmtpUrl::parse("smtp://lmc:pw@mail.example.org?tls=none").unwrap_err();
        assert!(e.contains("only to a server on this machine"), "{e}");
        assert!(SmtpUrl::parse("smtp://10.0.0.1?tls=none").is_err());
        assert!(SmtpUrl::parse("smtps://127.0.0.1?tls=none").is_err());
    }

    #[test]
    fn other_urls_are_refused_without_quoting_them() {
        for bad in [
            "http://lmc:hunter22@mail.example.org",
            "smtps://lmc:hunter22@mail.example.org/inbox",
            "smtps://lmc:hunter22@mail.example.org?auth=plain",
            "smtps://:hunter22@mail.example.org",
            "not a url hunter22",
        ] {
            let e = SmtpUrl::parse(bad).unwrap_err();
            assert!(!e.contains("hunter22"), "{bad}: {e}");
        }
    }

    #[test]
    fn credentials_are_decoded_and_never_described() {
        let u = SmtpUrl::parse("smtps://notify%40lmc.org:p%40ss%3Aw0rd@mail.example.org:2465").unwrap();
        assert_eq!(u.user.as_deref(), Some("notify@lmc.org"));
        assert_eq!(u.password.as_deref(), Some("p@ss:w0rd"));
        assert_eq!(u.describe(), "smtps://mail.example.org:2465");
        assert_eq!(format!("{u:?}"), u.describe());
    }

    #[test]
    fn redaction_covers_every_form_of_the_secret() {
        use base64::Engine;
        let u = SmtpUrl::parse("smtps://notify-user:p%40ss%3Aw0rd@mail.example.org").unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        let plain = b64.encode("\0notify-user\0p@ss:w0rd");
        let text = format!(
            "auth failed for notify-user with p@ss:w0rd (p%40ss%3Aw0rd) AUTH PLAIN {plain} LOGIN {}",
            b64.encode("p@ss:w0rd")
        );
        let shown = u.redact(&text);
        for secret in ["notify-user", "p@ss:w0rd", "p%40ss%3Aw0rd", plain.as_str()] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.starts_with("auth failed for *** with ***"), "{shown}");
    }

    #[test]
    fn a_short_user_name_is_not_blotted_out_of_ordinary_text() {
        let u = SmtpUrl::parse("smtps://me:longsecret@mail.example.org").unwrap();
        assert_eq!(u.redact("welcome me longsecret"), "welcome me ***");
    }
}
