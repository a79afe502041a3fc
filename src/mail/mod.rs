//! E-mails to customers: a transactional outbox ([`crate::db::mail`]) emptied by a supervised
//! sender, over SMTP (`SMTP_URL`) or, without a mail server, into the embedded sandbox's
//! development mailbox. The sender renders each mail when it sends it, from the application
//! as it is then: an application erased or withdrawn meanwhile gets no mail, and a reminder
//! for a call already made is dropped.

pub mod links;
pub mod texts;

use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailDelivery, MailSettings};
use crate::db::mail::{self as store, DueMail, Ending, MailKind, Purpose};
use crate::db::outbox::{self, Outbox};
use crate::db::{applications, Db, StoreError};
use crate::domain::IdentificationStatus;
use crate::i18n::Lang;
pub use links::Links;
use texts::Letter;
pub use texts::Rendered;

/// A development mailbox: where mails go when no SMTP server is configured, so that
/// `cargo run` alone shows every mail. The embedded sandbox implements it; startup plugs it in.
#[async_trait::async_trait]
pub trait MailSink: Send + Sync {
    /// Keeps a mail the app would have sent to `to`.
    async fn keep(&self, to: &str, mail: &Rendered) -> anyhow::Result<()>;
}

/// Where mails go.
#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A development mailbox (`MAIL_DELIVERY` left to the sandbox).
    Sink(Arc<dyn MailSink>),
}

/// Why a delivery did not happen.
enum Undelivered {
    /// The server refused the mail for good (a 5xx answer: no such mailbox, say).
    Permanent(String),
    /// Try again later (no connection, a 4xx answer, a timeout).
    Transient(String),
}

impl Transport {
    /// Delivers `mail` with the `Message-ID` `<{message_id}@{the sender's domain}>`.
    async fn deliver(
        &self,
        from: &Mailbox,
        to: &str,
        mail: &Rendered,
        message_id: &str,
    ) -> Result<(), Undelivered> {
        match self {
            Transport::Smtp(smtp) => {
                let to: Mailbox = to
                    .parse()
                    .map_err(|e| Undelivered::Permanent(format!("recipient: {e}")))?;
                let message = Message::builder()
                    .message_id(Some(format!("<{message_id}@{}>", from.email.domain())))
                    .from(from.clone())
                    .to(to)
                    .subject(&mail.subject)
                    .header(AutoSubmitted)
                    .multipart(MultiPart::alternative_plain_html(
                        mail.text.clone(),
                        mail.html.clone(),
                    ))
                    .map_err(|e| Undelivered::Permanent(format!("message: {e}")))?;
                match smtp.send(message).await {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_permanent() => Err(Undelivered::Permanent(e.to_string())),
                    Err(e) => Err(Undelivered::Transient(e.to_string())),
                }
            }
            Transport::Sink(sink) => sink
                .keep(to, mail)
                .await
                .map_err(|e| Undelivered::Transient(format!("{e:#}"))),
        }
    }
}

/// The `Message-ID` of an outbox row's mail (before the sender's domain): the same for every
/// delivery of the row, so that the one a crash between the server's acceptance and the mark
/// sends again is recognised as the same message by the recipient's mail system.
fn message_id(mail: &DueMail) -> String {
    format!("{}.{}", mail.kind.as_str(), mail.id)
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no out-of-office replies to our mails.
#[derive(Clone, Debug)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// How long a sender holds a mail it is sending.
const LEASE: Duration = Duration::from_secs(120);
/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(1);
/// The first wait after a failed delivery; it doubles up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_secs(15);
const RETRY_MAX: Duration = Duration::from_secs(3600);
/// Mails taken per look.
const BATCH: i64 = 20;

/// The sender: takes due mails one by one, renders and delivers them.
pub(crate) struct Mailer {
    db: Db,
    transport: Transport,
    from: Mailbox,
    /// The bank's name and contact, in every mail.
    bank: crate::config::bank::Bank,
    links: Links,
    /// This sender's name on the leases it takes.
    owner: String,
    /// `OPS_EMAIL`, told of new needs-attention items.
    ops_email: Option<String>,
    /// Where the back office is, for the links in those mails.
    public_url: String,
}

impl Mailer {
    /// `mailbox`: the development mailbox, for settings without an SMTP server.
    pub fn new(
        db: Db,
        settings: &MailSettings,
        links: Links,
        mailbox: Option<Arc<dyn MailSink>>,
    ) -> anyhow::Result<Mailer> {
        let transport = match &settings.delivery {
            MailDelivery::Smtp(url) => {
                use secrecy::ExposeSecret;
                Transport::Smtp(
                    crate::config::mail::smtp_transport(url.expose_secret())
                        .map_err(anyhow::Error::msg)?,
                )
            }
            MailDelivery::Mailbox => match mailbox {
                Some(sink) => Transport::Sink(sink),
                None => anyhow::bail!("{}", crate::config::NO_SANDBOX),
            },
        };
        Ok(Mailer {
            db,
            transport,
            from: settings.from.clone(),
            bank: settings.bank.clone(),
            public_url: links.base().to_string(),
            links,
            owner: format!("mailer-{}", uuid::Uuid::new_v4().simple()),
            ops_email: settings.ops_email.clone(),
        })
    }

    /// Tells `OPS_EMAIL` of each new needs-attention item: what it is, and the link to it in
    /// the back office (ids only, no personal data). A mail server that does not answer gets
    /// the item again at the next look; one that refuses it for good is logged.
    async fn announce_attention(&self) -> Result<usize, StoreError> {
        let Some(to) = &self.ops_email else {
            return Ok(0);
        };
        let mut sent = 0;
        for item in crate::db::history::unannounced(&self.db, BATCH).await? {
            if !crate::db::history::announce(&self.db, &item.id, false).await? {
                continue;
            }
            let link = format!(
                "{}/backoffice/attention/{}",
                self.public_url.trim_end_matches('/'),
                item.id
            );
            let rendered = texts::attention(&self.bank.name, &item, &link);
            // Each announcement is a mail of its own (an item reopened is announced again).
            let message_id = format!("attention.{}.{}", item.id, uuid::Uuid::new_v4().simple());
            match self
                .transport
                .deliver(&self.from, to, &rendered, &message_id)
                .await
            {
                Ok(()) => {
                    sent += 1;
                    tracing::info!(attention_id = %item.id, "needs-attention item mailed to OPS_EMAIL");
                }
                Err(Undelivered::Transient(why)) => {
                    tracing::warn!(attention_id = %item.id, error = %why, code = "ops_mail_delayed", "OPS_EMAIL not reached; trying again later");
                    crate::db::history::announce(&self.db, &item.id, true).await?;
                }
                Err(Undelivered::Permanent(why)) => {
                    tracing::error!(attention_id = %item.id, error = %why, code = "ops_mail_refused", "the mail server refused the mail to OPS_EMAIL");
                }
            }
        }
        Ok(sent)
    }

    async fn send(&self, mail: &DueMail) -> Result<(), StoreError> {
        let kind = mail.kind.as_str();
        let prepared = match self.prepare(mail).await? {
            Prepared::Drop(why) => {
                tracing::info!(mail_id = %mail.id, application_id = %mail.application_id, kind, why, "mail dropped");
                crate::monitoring::mail_ended(kind, "dropped");
                return outbox::end(
                    &self.db,
                    Outbox::Mail,
                    &mail.id,
                    &self.owner,
                    Ending::Dropped.state(),
                    Some(why),
                )
                .await;
            }
            Prepared::Mail(p) => p,
        };
        match self
            .transport
            .deliver(
                &self.from,
                &prepared.to,
                &prepared.rendered,
                &message_id(mail),
            )
            .await
        {
            Ok(()) => {
                tracing::info!(mail_id = %mail.id, application_id = %mail.application_id, kind, "mail sent");
                crate::monitoring::mail_ended(kind, "sent");
                outbox::end(
                    &self.db,
                    Outbox::Mail,
                    &mail.id,
                    &self.owner,
                    Ending::Sent.state(),
                    None,
                )
                .await
            }
            Err(failure) => {
                // The links in a mail that did not go out lead nowhere.
                for hash in &prepared.links {
                    store::revoke_link(&self.db, hash).await?;
                }
                match failure {
                    Undelivered::Permanent(why) => {
                        tracing::error!(mail_id = %mail.id, application_id = %mail.application_id, kind, error = %why, code = "mail_refused", "the mail server refused a mail for good");
                        crate::monitoring::mail_ended(kind, "failed");
                        outbox::end(
                            &self.db,
                            Outbox::Mail,
                            &mail.id,
                            &self.owner,
                            Ending::Failed.state(),
                            Some(&why),
                        )
                        .await
                    }
                    Undelivered::Transient(why) => {
                        let wait = RETRY_FIRST
                            .saturating_mul(1 << mail.attempts.clamp(0, 16) as u32)
                            .min(RETRY_MAX);
                        tracing::warn!(mail_id = %mail.id, application_id = %mail.application_id, kind, error = %why, retry_in_seconds = wait.as_secs(), code = "mail_delayed", "mail not delivered; trying again later");
                        let due = self.db.now_ms() + wait.as_millis() as i64;
                        outbox::retry_later(
                            &self.db,
                            Outbox::Mail,
                            &mail.id,
                            &self.owner,
                            &why,
                            due,
                        )
                        .await
                    }
                }
            }
        }
    }

    /// The mail in words with its recipient, or why there is nothing to send.
    async fn prepare(&self, mail: &DueMail) -> Result<Prepared, StoreError> {
        let Some(app) = applications::load(&self.db, &mail.application_id).await? else {
            return Ok(Prepared::Drop("the application is erased"));
        };
        let Some(facts) = store::facts(&self.db, &app.id).await? else {
            return Ok(Prepared::Drop("the application is erased"));
        };
        if app.withdrawn {
            return Ok(Prepared::Drop("the application was withdrawn"));
        }
        let (Some(person), Some(contact)) = (&app.details.person, &app.details.contact) else {
            return Ok(Prepared::Drop("the application holds no address"));
        };
        let kind = mail.kind;
        let nudge = kind.nudges();
        if nudge && (facts.reminders_stopped || !app.waits_for_the_customer()) {
            return Ok(Prepared::Drop("the customer no longer needs reminding"));
        }
        // A mail that waited for a review to settle tells only what still holds.
        let retry_still_needed = matches!(
            app.status(),
            IdentificationStatus::Aborted | IdentificationStatus::Canceled
        );
        if kind == MailKind::Action && !retry_still_needed {
            return Ok(Prepared::Drop("the status changed before the mail was due"));
        }
        let needs_link = texts::has_link(kind);
        if needs_link && !app.can_still_move() {
            return Ok(Prepared::Drop("the application can no longer move"));
        }
        let mut issued = Vec::new();
        let link = if needs_link {
            let l = self.links.issue(Purpose::Resume);
            store::store_link(&self.db, &app.id, Purpose::Resume, &l.hash).await?;
            issued.push(l.hash);
            Some(self.links.resume_url(&l.token))
        } else {
            None
        };
        let opt_out = if nudge {
            let l = self.links.issue(Purpose::OptOut);
            store::store_link(&self.db, &app.id, Purpose::OptOut, &l.hash).await?;
            issued.push(l.hash);
            Some(self.links.opt_out_url(&l.token))
        } else {
            None
        };
        let lang = if facts.language.eq_ignore_ascii_case("DE") {
            Lang::De
        } else {
            Lang::En
        };
        let reason = match kind {
            MailKind::Action | MailKind::Refused | MailKind::CanceledAfterSuccess => {
                app.failure_reason.as_deref().map(|code| {
                    let e = crate::i18n::reasons::explain(code, lang);
                    match e.advice {
                        Some(advice) => format!("{} {advice}", e.what),
                        None => e.what.to_string(),
                    }
                })
            }
            _ => None,
        };
        let expires_on = facts
            .identification_requested_at
            .and_then(|at| chrono::DateTime::from_timestamp_millis(at + store::LINK_VALID_MS))
            .map(|t| t.date_naive());
        let rendered = texts::render(&Letter {
            kind,
            lang,
            first_name: person.first_name.as_str(),
            bank: &self.bank.name,
            contact: &self.bank.contact_line(lang == Lang::De),
            link,
            opt_out,
            reason,
            expires_on,
        });
        Ok(Prepared::Mail(Ready {
            to: contact.email.to_string(),
            rendered,
            links: issued,
        }))
    }
}

/// The mail outbox's rows, taken by the shared sender loop ([`crate::outbox`]).
#[async_trait::async_trait]
impl crate::outbox::Sender for Mailer {
    type Row = DueMail;
    const OUTBOX: Outbox = Outbox::Mail;
    const LEASE: Duration = LEASE;
    const POLL: Duration = POLL;

    fn db(&self) -> &Db {
        &self.db
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    async fn due(&self, now: i64) -> Result<Vec<DueMail>, StoreError> {
        store::due(&self.db, now, BATCH).await
    }

    fn id(row: &DueMail) -> &str {
        &row.id
    }

    async fn send(&self, row: &DueMail) -> Result<(), StoreError> {
        Mailer::send(self, row).await
    }

    /// The needs-attention items for `OPS_EMAIL`.
    async fn after_pass(&self) -> Result<usize, StoreError> {
        self.announce_attention().await
    }
}

enum Prepared {
    Drop(&'static str),
    Mail(Ready),
}

struct Ready {
    to: String,
    rendered: Rendered,
    /// Hashes of the links the mail carries.
    links: Vec<String>,
}

/// How often reminders and expiry notices are looked for.
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);

/// Queues reminders and expiry notices as they fall due (runs forever).
pub(crate) async fn schedule_forever(db: Db) {
    loop {
        match store::schedule(&db, db.now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(queued = n, "reminders queued"),
            Err(e) => tracing::error!(error = %e, "queuing reminders"),
        }
        // A moved clock (a test's, the sandbox's) is looked at at once.
        db.clock.pause(SCHEDULE_EVERY).await;
    }
}
