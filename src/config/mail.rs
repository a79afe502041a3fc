//! E-mails: where they go, who sends them, the secret of the links they carry, and who hears
//! of new needs-attention items.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::Tokio1Executor;
use secrecy::SecretString;

use super::solaris::SolarisMode;
use super::vars::{invalid, Vars};
use super::ConfigError;

/// Where the app's e-mails go.
#[derive(Clone, Debug)]
pub enum MailDelivery {
    /// `SMTP_URL`, in lettre's form (`smtps://user:pass@host:465`,
    /// `smtp://host:587?tls=required`); it may hold a password.
    Smtp(SecretString),
    /// No SMTP server: the embedded sandbox keeps the mails in its development mailbox.
    Mailbox,
}

/// E-mails and the links they carry.
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub delivery: MailDelivery,
    /// `MAIL_FROM`: the sender, such as `Demo Bank <onboarding@bank.example>`.
    pub from: Mailbox,
    /// The bank as its mails name it (`BANK_NAME`) and give its contact (`BANK_CONTACT_*`).
    pub bank: super::bank::Bank,
    /// `LINK_SECRET`: signs the links into an application (resume, opt-out).
    pub link_secret: SecretString,
    /// `OPS_EMAIL`: where new needs-attention items are announced (none: not mailed).
    pub ops_email: Option<String>,
}

/// The documented link secret of a loopback demo; refused anywhere else.
const DEFAULT_LINK_SECRET: &str = "loopback-demo-link-secret";

/// The SMTP transport `SMTP_URL` describes: checked here at start, built by the sender.
pub(crate) fn smtp_transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|b| b.timeout(Some(Duration::from_secs(30))).build())
        .map_err(|e| e.to_string())
}

/// SMTP_URL, MAIL_FROM, LINK_SECRET and OPS_EMAIL; `bank` is the bank as its section read it.
pub(super) fn read(
    vars: &Vars,
    solaris: &SolarisMode,
    reached_on_loopback: bool,
    bank: &super::bank::Bank,
) -> Result<MailSettings, ConfigError> {
    let bank_name = bank.name.as_str();
    // SMTP_URL: the mail server; unset, the embedded sandbox's development mailbox keeps the
    // mails (real Solaris needs a real mail server: customers are promised their results).
    let delivery = match vars.get("SMTP_URL") {
        Some(url) => {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(invalid("SMTP_URL", "must start with smtp:// or smtps://"));
            }
            smtp_transport(&url).map_err(|e| invalid("SMTP_URL", e))?;
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
    // MAIL_FROM: needed with SMTP_URL; the development mailbox uses an example address.
    let from = match (vars.get("MAIL_FROM"), &delivery) {
        (Some(from), _) => from,
        (None, MailDelivery::Mailbox) => format!("{bank_name} <onboarding@bank.example>"),
        (None, MailDelivery::Smtp(_)) => {
            return Err(invalid("MAIL_FROM", "is needed with SMTP_URL"));
        }
    };
    let from = from
        .parse::<Mailbox>()
        .map_err(|e| invalid("MAIL_FROM", e))?;
    // LINK_SECRET: at least 32 characters; only a loopback demo may leave it unset.
    let link_secret = match vars.get("LINK_SECRET") {
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
    let ops_email = vars.get("OPS_EMAIL");
    if let Some(ops) = &ops_email {
        ops.parse::<Mailbox>()
            .map_err(|e| invalid("OPS_EMAIL", e))?;
    }
    Ok(MailSettings {
        delivery,
        from,
        bank: bank.clone(),
        link_secret: link_secret.into(),
        ops_email,
    })
}
