//! Configuration from environment variables, parsed once at start and kept parsed: each
//! section reads its own variables in its own file, where each variable is documented
//! (`docs/configuration.md` lists them all, and a test keeps that list true).
//!
//! A value that does not parse stops the start with a message naming the variable, never a
//! panic later.

pub mod bank;
pub mod journey;
pub mod mail;
pub mod partner;
pub mod retention;
pub mod sandbox;
pub mod server;
pub mod solaris;
mod vars;

use std::net::SocketAddr;

use secrecy::SecretString;
use url::Url;

pub use bank::Bank;
pub use journey::RateSettings;
pub use mail::{MailDelivery, MailSettings};
pub use sandbox::SandboxSettings;
pub use server::{ClientLimits, LogFormat};
pub use solaris::{Credentials, SolarisMode};
#[cfg(feature = "sandbox")]
pub(crate) use vars::is_loopback;

#[derive(Clone, Debug)]
pub struct Settings {
    pub listen_addr: SocketAddr,
    /// `None`: `http://` and the address the listener got (tests bind port 0).
    pub public_url: Option<Url>,
    pub database_url: String,
    pub solaris: SolarisMode,
    /// Credentials the app uses towards Solaris (or towards the embedded sandbox).
    pub solaris_credentials: Credentials,
    pub sandbox: SandboxSettings,
    pub log_format: LogFormat,
    /// The youngest age at which a customer may sign up.
    pub minimum_age: u32,
    /// A waiting application without a webhook for this long is read from Solaris again.
    pub reconcile_after_seconds: u64,
    /// The longest wait between two reconciliation reads of an identification.
    pub reconcile_max_wait: std::time::Duration,
    /// How long a stopping process may take to finish its requests and work items.
    pub shutdown_grace: std::time::Duration,
    /// After SIGTERM, how long the app serves on while it reports itself not ready.
    pub drain_notice: std::time::Duration,
    /// How long clients may take, and how many may be connected at once.
    pub limits: ClientLimits,
    /// How often one client may start applications and post journey forms.
    pub rates: RateSettings,
    /// New Solaris persons per minute across all instances; more confirmed applications wait
    /// in the queue.
    pub solaris_persons_per_minute: u32,
    /// The origins of IDnow's pages, where the redirect form may send the browser with real
    /// Solaris (the CSP's `form-action`).
    pub idnow_origins: Vec<String>,
    /// The bank's other way to identify (another provider, a branch): offered to a customer
    /// who has no document the video identification accepts.
    pub alternative_kyc_url: Option<Url>,
    /// How long data is kept that the bank may not keep for good.
    pub retention: retention::Policy,
    /// Where the Prometheus metrics are served; never the public listener.
    pub metrics_listen_addr: SocketAddr,
    /// E-mails to customers and the links into their applications.
    pub mail: MailSettings,
    /// Events for the bank's systems.
    pub partner_events: partner::EventSettings,
    /// The bank's name, logo, contact, imprint and privacy notice.
    pub bank: Bank,
    /// `PARTNER_API_KEYS`: the keys of the read API (none: every call is refused).
    pub partner_api_keys: Vec<SecretString>,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// Why a build without the cargo feature `sandbox` needs real Solaris.
pub(crate) const NO_SANDBOX: &str = "this build has no sandbox (built without the cargo feature \
`sandbox`): set SOLARIS_API_URL, SOLARIS_AUTH_URL, SOLARIS_CLIENT_ID and SOLARIS_CLIENT_SECRET";

impl Settings {
    /// Settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(|name| std::env::var(name).ok())
    }

    /// Settings from any source of variables (tests pass a map), section by section.
    pub fn from_source(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = vars::Vars::new(&get);
        let server = server::read(&vars)?;
        let sandbox_credentials = sandbox::credentials(&vars);
        let solaris = solaris::read(&vars, &sandbox_credentials)?;
        let on_loopback = server.reached_on_loopback();
        let sandbox = sandbox::read(&vars, sandbox_credentials, &solaris.mode, on_loopback)?;
        let journey = journey::read(&vars)?;
        let retention = retention::read(&vars)?;
        let bank = bank::read(&vars)?;
        let mail = mail::read(&vars, &solaris.mode, on_loopback, &bank)?;
        let partner = partner::read(&vars)?;
        Ok(Settings {
            listen_addr: server.listen_addr,
            public_url: server.public_url,
            database_url: server.database_url,
            log_format: server.log_format,
            shutdown_grace: server.shutdown_grace,
            drain_notice: server.drain_notice,
            limits: server.limits,
            metrics_listen_addr: server.metrics_listen_addr,
            solaris: solaris.mode,
            solaris_credentials: solaris.credentials,
            solaris_persons_per_minute: solaris.persons_per_minute,
            idnow_origins: solaris.idnow_origins,
            reconcile_after_seconds: solaris.reconcile_after_seconds,
            reconcile_max_wait: solaris.reconcile_max_wait,
            sandbox,
            minimum_age: journey.minimum_age,
            alternative_kyc_url: journey.alternative_kyc_url,
            rates: journey.rates,
            retention,
            bank,
            mail,
            partner_events: partner.events,
            partner_api_keys: partner.api_keys,
        })
    }

    /// The app's return page for IDnow, the default of `SANDBOX_RETURN_URL`.
    #[cfg(feature = "sandbox")]
    pub(crate) fn default_return_url(public_url: &Url) -> String {
        let mut url = public_url.clone();
        url.set_path("/identification/return");
        url.set_query(None);
        format!("{url}?transaction_number={{transaction_number}}")
    }

    /// True when the app runs the sandbox inside itself.
    pub(crate) fn sandbox_embedded(&self) -> bool {
        matches!(self.solaris, SolarisMode::Embedded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        Settings::from_source(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn no_configuration_means_the_embedded_sandbox_on_sqlite() {
        let s = from(&[]).unwrap();
        assert!(s.sandbox_embedded());
        assert_eq!(s.listen_addr.to_string(), "127.0.0.1:3000");
        assert!(s.database_url.starts_with("sqlite:"));
        assert_eq!(
            s.solaris_credentials.client_id,
            s.sandbox.credentials.client_id
        );
    }

    #[test]
    fn the_sandbox_is_embedded_only_on_loopback_unless_explicitly_on_with_a_strong_secret() {
        // An https deployment without Solaris: refused, with the choice named.
        let https = [("PUBLIC_URL", "https://onboarding.example")];
        let refused = from(&https).unwrap_err().to_string();
        assert!(
            refused.contains("SOLARIS_API_URL") && refused.contains("SANDBOX=on"),
            "{refused}"
        );
        // Listening on every interface is beyond loopback too.
        assert!(from(&[("LISTEN_ADDR", "0.0.0.0:3000")]).is_err());
        // SANDBOX=on needs a secret that is not the default and long enough.
        let strong = "a-test-system-secret-of-forty-characters!";
        for secret in ["", "sandbox-secret", "short-secret"] {
            let vars = [
                https[0],
                ("SANDBOX", "on"),
                ("SANDBOX_CLIENT_SECRET", secret),
            ];
            let refused = from(&vars).unwrap_err().to_string();
            assert!(refused.contains("SANDBOX_CLIENT_SECRET"), "{refused}");
        }
        let link = ("LINK_SECRET", "a-link-secret-of-at-least-32-characters");
        let on = from(&[
            https[0],
            ("SANDBOX", "on"),
            ("SANDBOX_CLIENT_SECRET", strong),
            link,
        ])
        .unwrap();
        assert!(on.sandbox_embedded() && on.sandbox.exposed);
        // On loopback nothing is needed, and nothing is exposed.
        let demo = from(&[]).unwrap();
        assert!(demo.sandbox_embedded() && !demo.sandbox.exposed);
        assert!(from(&[("SANDBOX", "off")]).is_err());
        assert!(from(&[("SANDBOX", "maybe")]).is_err());
    }

    #[test]
    fn invalid_values_are_refused_with_the_variables_name() {
        for (name, value) in [
            ("LISTEN_ADDR", "localhost"),
            ("PUBLIC_URL", "http://bank.example"),
            ("DATABASE_URL", "mysql://x"),
            ("SANDBOX_TIME_SCALE", "-1"),
            ("SANDBOX_TOKEN_TTL_SECONDS", "0"),
            ("LOG_FORMAT", "xml"),
            ("SANDBOX_FAULTS", "{\"routes\":7}"),
        ] {
            let err = from(&[(name, value)]).unwrap_err().to_string();
            assert!(err.contains(name), "{name}: {err}");
        }
    }

    #[test]
    fn real_solaris_needs_all_four_values_and_https() {
        let err = from(&[("SOLARIS_CLIENT_ID", "id")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("together"), "{err}");
        let real = [
            ("SOLARIS_API_URL", "https://api.solaris-sandbox.de"),
            ("SOLARIS_AUTH_URL", "https://auth.solaris-sandbox.de"),
            ("SOLARIS_CLIENT_ID", "id"),
            ("SOLARIS_CLIENT_SECRET", "secret"),
            ("SMTP_URL", "smtps://user:pass@mail.bank.example:465"),
            ("MAIL_FROM", "Demo Bank <onboarding@bank.example>"),
        ];
        assert!(!from(&real).unwrap().sandbox_embedded());
        let mut plain = real;
        plain[0] = ("SOLARIS_API_URL", "http://api.solaris-sandbox.de");
        assert!(from(&plain)
            .unwrap_err()
            .to_string()
            .contains("SOLARIS_API_URL"));
    }

    #[test]
    fn mail_needs_a_server_with_real_solaris_and_links_need_a_secret_beyond_loopback() {
        let real = [
            ("SOLARIS_API_URL", "https://api.solaris-sandbox.de"),
            ("SOLARIS_AUTH_URL", "https://auth.solaris-sandbox.de"),
            ("SOLARIS_CLIENT_ID", "id"),
            ("SOLARIS_CLIENT_SECRET", "secret"),
        ];
        let refused = from(&real).unwrap_err().to_string();
        assert!(refused.contains("SMTP_URL"), "{refused}");
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut vars = real.to_vec();
            vars.extend_from_slice(extra);
            from(&vars)
        };
        let smtp = ("SMTP_URL", "smtp://mail.bank.example:587?tls=required");
        let sender = ("MAIL_FROM", "Demo Bank <onboarding@bank.example>");
        assert!(with(&[smtp]).unwrap_err().to_string().contains("MAIL_FROM"));
        assert!(with(&[("SMTP_URL", "http://mail.bank.example"), sender])
            .unwrap_err()
            .to_string()
            .contains("SMTP_URL"));
        assert!(with(&[smtp, ("MAIL_FROM", "not an address")])
            .unwrap_err()
            .to_string()
            .contains("MAIL_FROM"));
        let ok = with(&[smtp, sender]).unwrap();
        assert!(matches!(ok.mail.delivery, MailDelivery::Smtp(_)));
        assert!(
            !format!("{ok:?}").contains("mail.bank.example:587"),
            "the URL may hold a password"
        );
        // Beyond loopback the links need a secret of their own, and a long one.
        let public = ("PUBLIC_URL", "https://onboarding.example");
        assert!(with(&[smtp, sender, public])
            .unwrap_err()
            .to_string()
            .contains("LINK_SECRET"));
        assert!(with(&[smtp, sender, public, ("LINK_SECRET", "short")])
            .unwrap_err()
            .to_string()
            .contains("LINK_SECRET"));
        assert!(with(&[
            smtp,
            sender,
            public,
            ("LINK_SECRET", "a-link-secret-of-at-least-32-characters")
        ])
        .is_ok());
        // The loopback demo keeps its mails in the sandbox's mailbox.
        assert!(matches!(
            from(&[]).unwrap().mail.delivery,
            MailDelivery::Mailbox
        ));
    }

    #[test]
    fn the_banks_identity_is_configured_checked_or_marked_as_the_demo() {
        let demo = from(&[]).unwrap().bank;
        assert!(demo.demo && demo.name == "Demo Bank" && demo.logo.is_none());
        let bank = from(&[
            ("BANK_NAME", "Beispielbank"),
            ("BANK_LOGO", "favicon.svg"),
            ("BANK_IMPRINT_URL", "https://beispielbank.example/impressum"),
        ])
        .unwrap()
        .bank;
        assert!(!bank.demo);
        assert_eq!(bank.logo.as_deref(), Some("/public/favicon.svg"));
        assert_eq!(bank.imprint_url, "https://beispielbank.example/impressum");
        for (name, value) in [
            ("BANK_LOGO", "missing.png"),
            ("BANK_LOGO", "../Cargo.toml"),
            ("BANK_IMPRINT_URL", "http://beispielbank.example/impressum"),
            ("BANK_CONTACT_EMAIL", "no address"),
            ("BANK_NAME", "Bank\nName"),
        ] {
            let refused = from(&[(name, value)]).unwrap_err().to_string();
            assert!(refused.contains(name), "{name}={value:?}: {refused}");
        }
    }

    #[test]
    fn secrets_are_not_printed_by_debug() {
        let s = from(&[("SANDBOX_CLIENT_SECRET", "very-secret-value")]).unwrap();
        assert!(!format!("{s:?}").contains("very-secret-value"));
    }

    /// Every variable a section reads, as it reads it: a string literal that is a whole
    /// upper-case name.
    fn variables_read() -> std::collections::BTreeSet<String> {
        let sources = [
            include_str!("bank.rs"),
            include_str!("journey.rs"),
            include_str!("mail.rs"),
            include_str!("partner.rs"),
            include_str!("retention.rs"),
            include_str!("sandbox.rs"),
            include_str!("server.rs"),
            include_str!("solaris.rs"),
        ];
        sources
            .iter()
            .flat_map(|text| text.split('"').skip(1).step_by(2))
            .filter(|s| {
                s.len() >= 4
                    && s.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                    && s.starts_with(|c: char| c.is_ascii_uppercase())
            })
            .map(String::from)
            .collect()
    }

    /// The variables `docs/configuration.md` documents: the names in its table's first column.
    fn variables_documented() -> std::collections::BTreeSet<String> {
        include_str!("../../docs/configuration.md")
            .lines()
            .filter(|l| l.starts_with("| `"))
            .flat_map(|l| {
                let first = l.split('|').nth(1).unwrap_or_default();
                first
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn the_configuration_page_documents_exactly_the_variables_the_sections_read() {
        let read = variables_read();
        let documented = variables_documented();
        assert!(read.len() > 40, "the reader found too few: {read:?}");
        let undocumented: Vec<_> = read.difference(&documented).collect();
        let unread: Vec<_> = documented.difference(&read).collect();
        assert!(
            undocumented.is_empty(),
            "read but not in docs/configuration.md: {undocumented:?}"
        );
        assert!(unread.is_empty(), "documented but read nowhere: {unread:?}");
    }
}
