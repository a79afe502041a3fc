//! Configuration from environment variables, parsed once at start.
//!
//! Every variable is documented in the README and in `.env.example`. A value that does not
//! parse stops the start with a message naming the variable, never a panic later.

use std::net::SocketAddr;

use secrecy::SecretString;
use url::Url;

/// Where the app sends its Solaris calls.
#[derive(Clone, Debug)]
pub enum SolarisMode {
    /// No Solaris URL is configured: the sandbox runs inside the app at `{PUBLIC_URL}/sandbox`.
    Embedded,
    /// A Solaris API (the real one, or a standalone sandbox) at these URLs.
    Remote { api_url: Url, auth_url: Url },
}

/// Client credentials, either for Solaris or for the sandbox.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: SecretString,
}

/// Settings of the built-in Solaris + IDnow sandbox.
#[derive(Clone, Debug)]
pub struct SandboxSettings {
    pub credentials: Credentials,
    /// Where the IDnow page sends the browser after a session; `{transaction_number}` is
    /// replaced. `None`: the app's own return page.
    pub return_url: Option<String>,
    /// Review and call delays of the test scenarios are multiplied by this factor.
    pub time_scale: f64,
    pub token_ttl_seconds: i64,
    pub company_id: String,
    /// How clients reach a standalone sandbox; `None`: `http://` and its listen address.
    pub public_url: Option<Url>,
    /// Fault rules applied from the start (JSON, the body of `PUT /_sandbox/faults`).
    pub faults: Option<String>,
    /// `SANDBOX=on`: the sandbox may serve beyond loopback. Its control endpoints then need the
    /// client credentials, and every customer page says that this is a test system.
    pub exposed: bool,
}

/// Per-client rates, and whom to believe about the client's address.
#[derive(Clone, Debug)]
pub struct RateSettings {
    /// Applications one client may start per hour.
    pub starts_per_hour: u32,
    /// Journey forms one client may post per minute.
    pub posts_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` names the client (addresses or ranges).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// What slow or idle clients are allowed before they are cut off.
#[derive(Clone, Copy, Debug)]
pub struct ClientLimits {
    /// A request's headers must arrive within this, and so must the next request on an idle
    /// keep-alive connection.
    pub header_timeout: std::time::Duration,
    /// A request's body must arrive within this.
    pub body_timeout: std::time::Duration,
    /// A response must begin within this (live status streams go on streaming after it).
    pub request_timeout: std::time::Duration,
    /// Connections open at once; more are closed as they arrive.
    pub max_connections: usize,
}

/// Where the app's e-mails go.
#[derive(Clone, Debug)]
pub enum MailDelivery {
    /// `SMTP_URL`, in lettre's form (`smtps://user:pass@host:465`,
    /// `smtp://host:587?tls=required`); it may hold a password.
    Smtp(SecretString),
    /// No SMTP server: the embedded sandbox keeps the mails in its development mailbox.
    Mailbox,
}

/// The bank as its customers see it on every page and in every mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bank {
    /// `BANK_NAME`.
    pub name: String,
    /// `BANK_LOGO`: a file under `public/`, shown in the header (its path as served).
    pub logo: Option<String>,
    /// `BANK_CONTACT_EMAIL`, `BANK_CONTACT_PHONE`, `BANK_CONTACT_HOURS`.
    pub contact_email: String,
    pub contact_phone: String,
    pub contact_hours: String,
    /// `BANK_IMPRINT_URL`, `BANK_PRIVACY_URL`.
    pub imprint_url: String,
    pub privacy_url: String,
    /// Nothing of the above was configured: pages say these are demo values.
    pub demo: bool,
}

impl Default for Bank {
    /// The neutral demo identity, marked as such on every page.
    fn default() -> Bank {
        Bank {
            name: "Demo Bank".into(),
            logo: None,
            contact_email: "service@bank.example".into(),
            contact_phone: "+49 30 00000000".into(),
            contact_hours: "Mon–Fri 9:00–18:00".into(),
            imprint_url: "https://bank.example/imprint".into(),
            privacy_url: "https://bank.example/privacy".into(),
            demo: true,
        }
    }
}

/// BANK_NAME, BANK_LOGO, BANK_CONTACT_EMAIL, BANK_CONTACT_PHONE, BANK_CONTACT_HOURS,
/// BANK_IMPRINT_URL and BANK_PRIVACY_URL; unset ones keep the demo values.
fn bank(get: &impl Fn(&str) -> Option<String>) -> Result<Bank, ConfigError> {
    let names = [
        "BANK_NAME",
        "BANK_LOGO",
        "BANK_CONTACT_EMAIL",
        "BANK_CONTACT_PHONE",
        "BANK_CONTACT_HOURS",
        "BANK_IMPRINT_URL",
        "BANK_PRIVACY_URL",
    ];
    let mut bank = Bank {
        demo: names.iter().all(|n| var(get, n).is_none()),
        ..Bank::default()
    };
    let text = |name: &str, max: usize| -> Result<Option<String>, ConfigError> {
        match var(get, name) {
            None => Ok(None),
            Some(v) if v.chars().count() > max || v.chars().any(char::is_control) => Err(invalid(
                name,
                format!("at most {max} characters, no control characters"),
            )),
            Some(v) => Ok(Some(v.trim().to_string())),
        }
    };
    if let Some(v) = text("BANK_NAME", 80)? {
        bank.name = v;
    }
    if let Some(v) = text("BANK_CONTACT_EMAIL", 120)? {
        if !v.contains('@') {
            return Err(invalid("BANK_CONTACT_EMAIL", "must be an e-mail address"));
        }
        bank.contact_email = v;
    }
    if let Some(v) = text("BANK_CONTACT_PHONE", 40)? {
        bank.contact_phone = v;
    }
    if let Some(v) = text("BANK_CONTACT_HOURS", 120)? {
        bank.contact_hours = v;
    }
    for (name, field) in [
        ("BANK_IMPRINT_URL", &mut bank.imprint_url),
        ("BANK_PRIVACY_URL", &mut bank.privacy_url),
    ] {
        if let Some(v) = var(get, name) {
            let url = parse_url(name, &v)?;
            if url.scheme() != "https" && !is_loopback(&url) {
                return Err(invalid(name, "must use https"));
            }
            *field = url.to_string();
        }
    }
    if let Some(v) = text("BANK_LOGO", 200)? {
        // A file the app serves itself: a name under `public/`, nothing that leaves it.
        let file = v.trim_start_matches("public/").trim_start_matches('/');
        let plain = file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        if file.is_empty() || !plain || file.contains("..") {
            return Err(invalid(
                "BANK_LOGO",
                "a file name under public/ (letters, digits, - _ . /)",
            ));
        }
        if !std::path::Path::new("public").join(file).is_file() {
            return Err(invalid(
                "BANK_LOGO",
                format!("public/{file} does not exist"),
            ));
        }
        bank.logo = Some(format!("/public/{file}"));
    }
    Ok(bank)
}

/// E-mails and the links they carry.
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub delivery: MailDelivery,
    /// `MAIL_FROM`: the sender, such as `Demo Bank <onboarding@bank.example>`.
    pub from: String,
    /// `BANK_NAME`: how the mails and pages name the bank.
    pub bank_name: String,
    /// `LINK_SECRET`: signs the links into an application (resume, opt-out).
    pub link_secret: SecretString,
    /// `OPS_EMAIL`: where new needs-attention items are announced (none: not mailed).
    pub ops_email: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

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
    pub retention: crate::retention::Policy,
    /// Where the Prometheus metrics are served; never the public listener.
    pub metrics_listen_addr: SocketAddr,
    /// E-mails to customers and the links into their applications.
    pub mail: MailSettings,
    /// Events for the bank's systems.
    pub partner_events: crate::partner::EventSettings,
    /// The bank's name, logo, contact, imprint and privacy notice.
    pub bank: Bank,
    /// `PARTNER_API_KEYS`: the keys of the read API (none: every call is refused).
    pub partner_api_keys: Vec<SecretString>,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

fn invalid(name: &str, why: impl std::fmt::Display) -> ConfigError {
    ConfigError(format!("{name} is invalid: {why}"))
}

/// The sandbox's documented default secret: fine on loopback, refused anywhere else.
const DEFAULT_SANDBOX_SECRET: &str = "sandbox-secret";

/// The documented link secret of a loopback demo; refused anywhere else.
const DEFAULT_LINK_SECRET: &str = "loopback-demo-link-secret";

/// Reads a variable; an empty value counts as unset.
fn var(get: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    get(name).filter(|v| !v.trim().is_empty())
}

fn parse_url(name: &str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|e| invalid(name, e))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(name, "the scheme must be http or https"));
    }
    Ok(url)
}

/// True for `localhost` and loopback addresses, where plain http is acceptable.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// SMTP_URL, MAIL_FROM, BANK_NAME and LINK_SECRET.
fn mail_settings(
    get: &impl Fn(&str) -> Option<String>,
    solaris: &SolarisMode,
    reached_on_loopback: bool,
) -> Result<MailSettings, ConfigError> {
    // SMTP_URL: the mail server; unset, the embedded sandbox's development mailbox keeps the
    // mails (real Solaris needs a real mail server: customers are promised their results).
    let delivery = match var(get, "SMTP_URL") {
        Some(url) => {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(invalid("SMTP_URL", "must start with smtp:// or smtps://"));
            }
            crate::mail::smtp_transport(&url).map_err(|e| invalid("SMTP_URL", e))?;
            MailDelivery::Smtp(url.into())
        }
        None if matches!(solaris, SolarisMode::Embedded) => MailDelivery::Mailbox,
        None => {
            return Err(ConfigError(
                "SMTP_URL is needed with real Solaris: the app e-mails customers their \
                 results and the links back to their applications"
                    .into(),
            ))
        }
    };
    let bank_name = bank(get)?.name;
    // MAIL_FROM: needed with SMTP_URL; the development mailbox uses an example address.
    let from = match (var(get, "MAIL_FROM"), &delivery) {
        (Some(from), _) => from,
        (None, MailDelivery::Mailbox) => format!("{bank_name} <onboarding@bank.example>"),
        (None, MailDelivery::Smtp(_)) => {
            return Err(invalid("MAIL_FROM", "is needed with SMTP_URL"));
        }
    };
    crate::mail::parse_sender(&from).map_err(|e| invalid("MAIL_FROM", e))?;
    // LINK_SECRET: at least 32 characters; only a loopback demo may leave it unset.
    let link_secret = match var(get, "LINK_SECRET") {
        Some(secret) if secret.chars().count() >= 32 => secret,
        Some(_) => return Err(invalid("LINK_SECRET", "must be at least 32 characters")),
        None if reached_on_loopback => DEFAULT_LINK_SECRET.into(),
        None => {
            return Err(invalid(
                "LINK_SECRET",
                "must be set (at least 32 random characters) beyond loopback: it signs the \
                 links into customers' applications",
            ))
        }
    };
    // OPS_EMAIL: the bank's operations team, told of each new needs-attention item.
    let ops_email = var(get, "OPS_EMAIL");
    if let Some(ops) = &ops_email {
        ops.parse::<lettre::message::Mailbox>()
            .map_err(|e| invalid("OPS_EMAIL", e))?;
    }
    Ok(MailSettings {
        delivery,
        from,
        bank_name,
        link_secret: link_secret.into(),
        ops_email,
    })
}

impl Settings {
    /// Settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(|name| std::env::var(name).ok())
    }

    /// Settings from any source of variables (tests pass a map).
    pub fn from_source(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        // LISTEN_ADDR: the socket the app binds, default 127.0.0.1:3000.
        let listen_addr: SocketAddr = var(&get, "LISTEN_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| invalid("LISTEN_ADDR", e))?;
        // PUBLIC_URL: how browsers and Solaris reach the app, default http://LISTEN_ADDR.
        let public_url = match var(&get, "PUBLIC_URL") {
            Some(v) => Some(parse_url("PUBLIC_URL", &v)?),
            None => None,
        };
        if let Some(url) = &public_url {
            if url.scheme() == "http" && !is_loopback(url) {
                return Err(invalid(
                    "PUBLIC_URL",
                    "must be https unless it is a loopback address",
                ));
            }
        }
        // DATABASE_URL: sqlite://PATH (default sqlite://data/onboarding.db) or postgres://...
        let database_url =
            var(&get, "DATABASE_URL").unwrap_or_else(|| "sqlite://data/onboarding.db".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(invalid(
                "DATABASE_URL",
                "must start with sqlite: or postgres://",
            ));
        }

        // SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET: what the sandbox's token endpoint accepts.
        let sandbox_credentials = Credentials {
            client_id: var(&get, "SANDBOX_CLIENT_ID").unwrap_or_else(|| "sandbox-client".into()),
            client_secret: var(&get, "SANDBOX_CLIENT_SECRET")
                .unwrap_or_else(|| DEFAULT_SANDBOX_SECRET.into())
                .into(),
        };

        // SOLARIS_API_URL / SOLARIS_AUTH_URL / SOLARIS_CLIENT_ID / SOLARIS_CLIENT_SECRET:
        // all four for a remote Solaris, none for the embedded sandbox.
        let api = var(&get, "SOLARIS_API_URL");
        let auth = var(&get, "SOLARIS_AUTH_URL");
        let id = var(&get, "SOLARIS_CLIENT_ID");
        let secret = var(&get, "SOLARIS_CLIENT_SECRET");
        let (solaris, solaris_credentials) = match (api, auth, id, secret) {
            (None, None, None, None) => (SolarisMode::Embedded, sandbox_credentials.clone()),
            (Some(api), Some(auth), Some(id), Some(secret)) => {
                let api_url = parse_url("SOLARIS_API_URL", &api)?;
                let auth_url = parse_url("SOLARIS_AUTH_URL", &auth)?;
                for (name, url) in [("SOLARIS_API_URL", &api_url), ("SOLARIS_AUTH_URL", &auth_url)]
                {
                    if url.scheme() == "http" && !is_loopback(url) {
                        return Err(invalid(name, "must be https unless it is a loopback address"));
                    }
                }
                (
                    SolarisMode::Remote { api_url, auth_url },
                    Credentials {
                        client_id: id,
                        client_secret: secret.into(),
                    },
                )
            }
            _ => {
                return Err(ConfigError(
                    "SOLARIS_API_URL, SOLARIS_AUTH_URL, SOLARIS_CLIENT_ID and SOLARIS_CLIENT_SECRET \
                     must be set together (for real Solaris) or not at all (for the embedded sandbox)"
                        .into(),
                ))
            }
        };

        // SANDBOX_RETURN_URL: where the sandbox's IDnow page sends the browser back to.
        let return_url = var(&get, "SANDBOX_RETURN_URL");
        if let Some(url) = &return_url {
            parse_url(
                "SANDBOX_RETURN_URL",
                &url.replace("{transaction_number}", "x"),
            )?;
        }
        // SANDBOX_TIME_SCALE: factor on scenario delays; 1 is real time, default 0.02.
        let time_scale: f64 = match var(&get, "SANDBOX_TIME_SCALE") {
            Some(v) => v.parse().map_err(|e| invalid("SANDBOX_TIME_SCALE", e))?,
            None => 0.02,
        };
        if !(time_scale.is_finite() && time_scale > 0.0) {
            return Err(invalid("SANDBOX_TIME_SCALE", "must be a positive number"));
        }
        // SANDBOX_TOKEN_TTL_SECONDS: lifetime of the sandbox's access tokens, default 3599.
        let token_ttl_seconds: i64 = match var(&get, "SANDBOX_TOKEN_TTL_SECONDS") {
            Some(v) => v
                .parse()
                .map_err(|e| invalid("SANDBOX_TOKEN_TTL_SECONDS", e))?,
            None => 3599,
        };
        if token_ttl_seconds <= 0 {
            return Err(invalid("SANDBOX_TOKEN_TTL_SECONDS", "must be positive"));
        }
        // SANDBOX_COMPANY_ID: the IDnow company id in the sandbox's identification URLs.
        let company_id = var(&get, "SANDBOX_COMPANY_ID")
            .unwrap_or_else(|| "solarisbankvideoidentsandbox".into());
        if !company_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(invalid(
                "SANDBOX_COMPANY_ID",
                "only letters, digits, - and _",
            ));
        }
        // SANDBOX_PUBLIC_URL: how clients reach the standalone sandbox (`sandbox` command).
        let sandbox_public_url = match var(&get, "SANDBOX_PUBLIC_URL") {
            Some(v) => Some(parse_url("SANDBOX_PUBLIC_URL", &v)?),
            None => None,
        };
        // SANDBOX_FAULTS: fault rules in force from the start (JSON).
        let faults = var(&get, "SANDBOX_FAULTS");
        #[cfg(feature = "sandbox")]
        if let Some(f) = &faults {
            crate::sandbox::faults::FaultConfig::parse(f)
                .map_err(|e| invalid("SANDBOX_FAULTS", e))?;
        }
        // LOG_FORMAT: pretty (default) or json.
        let log_format = match var(&get, "LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "LOG_FORMAT",
                    format!("{other:?} is not pretty or json"),
                ))
            }
        };

        // MINIMUM_AGE: the youngest age allowed to sign up, default 18.
        let minimum_age: u32 = match var(&get, "MINIMUM_AGE") {
            Some(v) => v.parse().map_err(|e| invalid("MINIMUM_AGE", e))?,
            None => 18,
        };
        if !(14..=120).contains(&minimum_age) {
            return Err(invalid("MINIMUM_AGE", "must be between 14 and 120"));
        }

        // RECONCILE_AFTER_SECONDS: a waiting application that heard no webhook for this long is
        // read from Solaris again (then after twice as long, and so on), default 120.
        let reconcile_after_seconds: u64 = match var(&get, "RECONCILE_AFTER_SECONDS") {
            Some(v) => v
                .parse()
                .map_err(|e| invalid("RECONCILE_AFTER_SECONDS", e))?,
            None => 120,
        };
        if reconcile_after_seconds == 0 {
            return Err(invalid("RECONCILE_AFTER_SECONDS", "must be positive"));
        }

        // SHUTDOWN_GRACE_SECONDS: after SIGTERM or SIGINT, how long open requests and work
        // items may take to finish before the process exits anyway, default 20.
        let shutdown_grace = match var(&get, "SHUTDOWN_GRACE_SECONDS") {
            Some(v) => std::time::Duration::from_secs(
                v.parse()
                    .map_err(|e| invalid("SHUTDOWN_GRACE_SECONDS", e))?,
            ),
            None => std::time::Duration::from_secs(20),
        };

        // RECONCILE_MAX_WAIT_SECONDS: the longest wait between two reconciliation reads of an
        // identification that can still change, default an hour.
        let reconcile_max_wait = match var(&get, "RECONCILE_MAX_WAIT_SECONDS") {
            Some(v) => match v.parse::<u64>() {
                Ok(0) => return Err(invalid("RECONCILE_MAX_WAIT_SECONDS", "must be positive")),
                Ok(n) => std::time::Duration::from_secs(n),
                Err(e) => return Err(invalid("RECONCILE_MAX_WAIT_SECONDS", e)),
            },
            None => std::time::Duration::from_secs(3600),
        };

        // RETENTION_*_DAYS: personal data of applications that never reached Solaris (90), of
        // those of residents outside Germany (30), and webhook deliveries (30).
        let days = |name: &str, default: u32| -> Result<u32, ConfigError> {
            match var(&get, name) {
                None => Ok(default),
                Some(v) => match v.parse::<u32>() {
                    Ok(0) => Err(invalid(name, "must be at least one day")),
                    Ok(n) => Ok(n),
                    Err(e) => Err(invalid(name, e)),
                },
            }
        };
        let retention = crate::retention::Policy {
            unsubmitted_days: days("RETENTION_UNSUBMITTED_DAYS", 90)?,
            not_resident_days: days("RETENTION_NOT_RESIDENT_DAYS", 30)?,
            webhook_days: days("RETENTION_WEBHOOK_DAYS", 30)?,
        };

        // DRAIN_NOTICE_SECONDS: after SIGTERM, how long the app keeps serving while
        // `/health/ready` already answers 503, so a load balancer stops sending new customers
        // before connections are refused; default 0 (stop accepting at once).
        let drain_notice = match var(&get, "DRAIN_NOTICE_SECONDS") {
            Some(v) => std::time::Duration::from_secs(
                v.parse().map_err(|e| invalid("DRAIN_NOTICE_SECONDS", e))?,
            ),
            None => std::time::Duration::ZERO,
        };

        // SANDBOX: `on` lets the sandbox serve where it is not on loopback (a shared test
        // system); `off` never embeds it. Unset: embedded only when the app is reached on
        // loopback, so a deployment never exposes the sandbox by accident.
        let exposed = match var(&get, "SANDBOX").as_deref() {
            None => false,
            Some("on") => true,
            Some("off") => {
                if matches!(solaris, SolarisMode::Embedded) {
                    return Err(ConfigError(
                        "SANDBOX=off needs real Solaris: set SOLARIS_API_URL, SOLARIS_AUTH_URL, \
                         SOLARIS_CLIENT_ID and SOLARIS_CLIENT_SECRET"
                            .into(),
                    ));
                }
                false
            }
            Some(other) => return Err(invalid("SANDBOX", format!("{other:?} is not on or off"))),
        };
        if exposed {
            let secret = var(&get, "SANDBOX_CLIENT_SECRET").unwrap_or_default();
            if secret == DEFAULT_SANDBOX_SECRET || secret.chars().count() < 32 {
                return Err(invalid(
                    "SANDBOX_CLIENT_SECRET",
                    "with SANDBOX=on it must be set, not the default, and at least 32 characters \
                     (it guards the sandbox's token and control endpoints)",
                ));
            }
        }
        if matches!(solaris, SolarisMode::Embedded) && !exposed {
            let reached_on_loopback =
                listen_addr.ip().is_loopback() && public_url.as_ref().is_none_or(is_loopback);
            if !reached_on_loopback {
                return Err(ConfigError(
                    "without Solaris configured the app would serve the sandbox beyond loopback \
                     (PUBLIC_URL or LISTEN_ADDR is not a loopback address): configure real \
                     Solaris (SOLARIS_API_URL, SOLARIS_AUTH_URL, SOLARIS_CLIENT_ID, \
                     SOLARIS_CLIENT_SECRET), or set SANDBOX=on with a SANDBOX_CLIENT_SECRET of at \
                     least 32 characters for a test system"
                        .into(),
                ));
            }
        }

        // HEADER_TIMEOUT_SECONDS (10), BODY_TIMEOUT_SECONDS (20), REQUEST_TIMEOUT_SECONDS (30),
        // MAX_CONNECTIONS (4096): what slow, idle or too many clients are allowed.
        let seconds = |name: &str, default: u64| -> Result<std::time::Duration, ConfigError> {
            let n: u64 = match var(&get, name) {
                Some(v) => v.parse().map_err(|e| invalid(name, e))?,
                None => default,
            };
            if n == 0 {
                return Err(invalid(name, "must be positive"));
            }
            Ok(std::time::Duration::from_secs(n))
        };
        let max_connections: usize = match var(&get, "MAX_CONNECTIONS") {
            Some(v) => v.parse().map_err(|e| invalid("MAX_CONNECTIONS", e))?,
            None => 4096,
        };
        if max_connections == 0 {
            return Err(invalid("MAX_CONNECTIONS", "must be positive"));
        }
        let limits = ClientLimits {
            header_timeout: seconds("HEADER_TIMEOUT_SECONDS", 10)?,
            body_timeout: seconds("BODY_TIMEOUT_SECONDS", 20)?,
            request_timeout: seconds("REQUEST_TIMEOUT_SECONDS", 30)?,
            max_connections,
        };
        // START_LIMIT_PER_HOUR (20), POST_LIMIT_PER_MINUTE (60): per client address.
        // TRUSTED_PROXIES: addresses or ranges (space- or comma-separated) whose
        // X-Forwarded-For names the client; without them the connection's address counts.
        // SOLARIS_PERSONS_PER_MINUTE (60): new Solaris persons per minute, all instances.
        let count = |name: &str, default: u32| -> Result<u32, ConfigError> {
            let n: u32 = match var(&get, name) {
                Some(v) => v.parse().map_err(|e| invalid(name, e))?,
                None => default,
            };
            if n == 0 {
                return Err(invalid(name, "must be positive"));
            }
            Ok(n)
        };
        let trusted_proxies = var(&get, "TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|e| invalid("TRUSTED_PROXIES", format!("{p:?}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let rates = RateSettings {
            starts_per_hour: count("START_LIMIT_PER_HOUR", 20)?,
            posts_per_minute: count("POST_LIMIT_PER_MINUTE", 60)?,
            trusted_proxies,
        };
        let solaris_persons_per_minute = count("SOLARIS_PERSONS_PER_MINUTE", 60)?;
        // IDNOW_ORIGINS: where identification links of real Solaris lead (space-separated),
        // default IDnow's live and test hosts. With a standalone sandbox as "Solaris", its origin.
        let idnow_origins = var(&get, "IDNOW_ORIGINS")
            .unwrap_or_else(|| "https://go.idnow.de https://go.test.idnow.de".into())
            .split_whitespace()
            .map(|o| {
                let url = parse_url("IDNOW_ORIGINS", o)?;
                Ok(url.origin().ascii_serialization())
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;

        // ALTERNATIVE_KYC_URL: the bank's other identification route, https (http on loopback).
        let alternative_kyc_url = match var(&get, "ALTERNATIVE_KYC_URL") {
            None => None,
            Some(raw) => {
                let url = parse_url("ALTERNATIVE_KYC_URL", &raw)?;
                if url.scheme() != "https" && !is_loopback(&url) {
                    return Err(invalid("ALTERNATIVE_KYC_URL", "must use https"));
                }
                Some(url)
            }
        };

        // METRICS_LISTEN_ADDR: the metrics' own listener, default 127.0.0.1:9464.
        let metrics_listen_addr: SocketAddr = match var(&get, "METRICS_LISTEN_ADDR") {
            Some(v) => v.parse().map_err(|e| invalid("METRICS_LISTEN_ADDR", e))?,
            None => SocketAddr::from(([127, 0, 0, 1], 9464)),
        };
        if metrics_listen_addr == listen_addr && metrics_listen_addr.port() != 0 {
            return Err(invalid(
                "METRICS_LISTEN_ADDR",
                "must differ from LISTEN_ADDR: metrics are never served on the public listener",
            ));
        }

        let reached_on_loopback =
            listen_addr.ip().is_loopback() && public_url.as_ref().is_none_or(is_loopback);
        let mail = mail_settings(&get, &solaris, reached_on_loopback)?;

        // PARTNER_EVENTS_URL / PARTNER_EVENTS_SECRET: where the bank's systems take events
        // (https unless loopback), and the Standard Webhooks key they are signed with.
        let events_url = match var(&get, "PARTNER_EVENTS_URL") {
            Some(v) => {
                let url = parse_url("PARTNER_EVENTS_URL", &v)?;
                if url.scheme() != "https" && !is_loopback(&url) {
                    return Err(invalid("PARTNER_EVENTS_URL", "must use https"));
                }
                Some(url)
            }
            None => None,
        };
        let events_secret = var(&get, "PARTNER_EVENTS_SECRET");
        match (&events_url, &events_secret) {
            (Some(_), None) => {
                return Err(invalid(
                    "PARTNER_EVENTS_SECRET",
                    "is needed with PARTNER_EVENTS_URL",
                ))
            }
            (_, Some(secret)) => {
                crate::partner::SigningKey::parse(secret)
                    .map_err(|e| invalid("PARTNER_EVENTS_SECRET", e))?;
            }
            _ => {}
        }
        // PARTNER_API_KEYS: the read API's keys (space- or comma-separated, 32 characters or more).
        let partner_api_keys = var(&get, "PARTNER_API_KEYS")
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|k| !k.is_empty())
            .map(|k| {
                if k.chars().count() < 32 {
                    Err(invalid(
                        "PARTNER_API_KEYS",
                        "each key must be at least 32 characters",
                    ))
                } else {
                    Ok(SecretString::from(k.to_string()))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;

        Ok(Settings {
            bank: bank(&get)?,
            partner_events: crate::partner::EventSettings {
                url: events_url,
                secret: events_secret.map(SecretString::from),
            },
            partner_api_keys,
            mail,
            metrics_listen_addr,
            retention,
            alternative_kyc_url,
            reconcile_after_seconds,
            reconcile_max_wait,
            idnow_origins,
            limits,
            rates,
            solaris_persons_per_minute,
            shutdown_grace,
            drain_notice,
            minimum_age,
            listen_addr,
            public_url,
            database_url,
            solaris,
            solaris_credentials,
            sandbox: SandboxSettings {
                credentials: sandbox_credentials,
                return_url,
                time_scale,
                token_ttl_seconds,
                company_id,
                public_url: sandbox_public_url,
                faults,
                exposed,
            },
            log_format,
        })
    }

    /// The app's return page for IDnow, the default of `SANDBOX_RETURN_URL`.
    pub fn default_return_url(public_url: &Url) -> String {
        let mut url = public_url.clone();
        url.set_path("/identification/return");
        url.set_query(None);
        format!("{url}?transaction_number={{transaction_number}}")
    }

    /// True when the app runs the sandbox inside itself.
    pub fn sandbox_embedded(&self) -> bool {
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
}
