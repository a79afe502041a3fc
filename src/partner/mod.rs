//! Handing over to the bank's own systems: events delivered to `PARTNER_EVENTS_URL`, signed as
//! Standard Webhooks sign them, from the `partner_event` outbox (`db::partner_events`); and,
//! in the web layer's `api`, the read API.
//!
//! Delivery is in order per application (an event waits until the one before it was delivered
//! or failed for good), retried with backoff for about three days on a non-2xx answer or a
//! timeout, and taken by one sender at a time with a lease, so two instances never send the
//! same event. Without `PARTNER_EVENTS_URL` the embedded sandbox keeps the events (its event
//! box); with real Solaris they are kept as the applications' history only.

use std::sync::Arc;
use std::time::Duration;

use crate::db::outbox::{self, Outbox};
use crate::db::partner_events::{self as store, DueEvent};
use crate::db::{Db, StoreError};
use crate::domain::EventState;

pub use crate::config::partner::{EventSettings, SigningKey, SANDBOX_EVENTS_SECRET};

/// An event box: where the events go when no `PARTNER_EVENTS_URL` is configured, signed as
/// they would have been sent, so that `cargo run` alone shows them. The embedded sandbox
/// implements it; startup plugs it in.
#[async_trait::async_trait]
pub(crate) trait EventSink: Send + Sync {
    /// Keeps an event with the headers it would have been sent with.
    async fn keep(&self, event: &SignedEvent<'_>) -> anyhow::Result<()>;
}

/// An event as it would go out: its id, type and body, and the Standard Webhooks headers.
#[derive(Clone, Copy, Debug)]
pub struct SignedEvent<'a> {
    pub id: &'a str,
    pub event_type: &'a str,
    pub body: &'a str,
    /// `webhook-timestamp`: seconds since the epoch.
    pub timestamp: i64,
    /// `webhook-signature`.
    pub signature: &'a str,
}

/// Where the events go.
#[derive(Clone)]
enum Transport {
    Http {
        client: reqwest::Client,
        url: String,
        key: SigningKey,
    },
    /// An event box, signed with the documented sandbox key.
    Sink {
        sink: Arc<dyn EventSink>,
        key: SigningKey,
    },
    /// No receiver: the events stay as the applications' history.
    Nowhere,
}

/// How long a sender holds an event it is delivering.
const LEASE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(500);
/// The first wait after a failed delivery; it doubles up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_secs(2);
const RETRY_MAX: Duration = Duration::from_secs(3600);
/// Attempts after which an event counts as failed (about three days with the backoff above).
pub(crate) const GIVE_UP_AFTER_ATTEMPTS: i64 = 84;
/// How long the receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(15);
const BATCH: i64 = 50;

/// The sender of the outbox's events.
pub(crate) struct EventSender {
    db: Db,
    transport: Transport,
    owner: String,
}

impl EventSender {
    /// `event_box`: the embedded sandbox's event box, which takes the events when no URL is
    /// configured.
    pub fn new(
        db: Db,
        settings: &EventSettings,
        event_box: Option<Arc<dyn EventSink>>,
    ) -> anyhow::Result<EventSender> {
        let transport = match (&settings.url, &settings.key) {
            (Some(url), Some(key)) => Transport::Http {
                client: reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()?,
                url: url.to_string(),
                key: key.clone(),
            },
            (Some(_), None) => anyhow::bail!("PARTNER_EVENTS_SECRET is needed"),
            (None, _) => match event_box {
                Some(sink) => Transport::Sink {
                    sink,
                    key: SigningKey::parse(SANDBOX_EVENTS_SECRET).map_err(anyhow::Error::msg)?,
                },
                None => Transport::Nowhere,
            },
        };
        Ok(EventSender {
            db,
            transport,
            owner: format!("events-{}", uuid::Uuid::new_v4().simple()),
        })
    }

    async fn deliver(&self, event: &DueEvent) -> Result<(), StoreError> {
        // The wall clock, not the app's: the bank checks the signature's age against its own.
        let timestamp = chrono::Utc::now().timestamp();
        let outcome = match &self.transport {
            Transport::Nowhere => {
                return outbox::end(
                    &self.db,
                    Outbox::PartnerEvent,
                    &event.id,
                    &self.owner,
                    EventState::Dropped.as_str(),
                    Some("no PARTNER_EVENTS_URL"),
                )
                .await
            }
            Transport::Sink { sink, key } => {
                let signature = key.sign(&event.id, timestamp, &event.body);
                let signed = SignedEvent {
                    id: &event.id,
                    event_type: event.event_type.as_str(),
                    body: &event.body,
                    timestamp,
                    signature: &signature,
                };
                sink.keep(&signed).await.map_err(|e| format!("{e:#}"))
            }
            Transport::Http { client, url, key } => {
                let signature = key.sign(&event.id, timestamp, &event.body);
                let sent = client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("webhook-id", &event.id)
                    .header("webhook-timestamp", timestamp.to_string())
                    .header("webhook-signature", signature)
                    .body(event.body.clone())
                    .send()
                    .await;
                match sent {
                    Ok(res) if res.status().is_success() => Ok(()),
                    Ok(res) => Err(format!("the receiver answered {}", res.status().as_u16())),
                    Err(e) if e.is_timeout() => Err("the receiver did not answer in time".into()),
                    Err(_) => Err("the receiver could not be reached".into()),
                }
            }
        };
        let kind = event.event_type.as_str();
        match outcome {
            Ok(()) => {
                crate::monitoring::partner_event(kind, "delivered");
                outbox::end(
                    &self.db,
                    Outbox::PartnerEvent,
                    &event.id,
                    &self.owner,
                    EventState::Delivered.as_str(),
                    None,
                )
                .await
            }
            Err(why) if event.attempts >= GIVE_UP_AFTER_ATTEMPTS => {
                tracing::error!(event_id = %event.id, application_id = %event.application_id, event_type = kind, error = %why, code = "partner_event_failed", "a partner event could not be delivered for days; an operator may send it again");
                crate::monitoring::partner_event(kind, "failed");
                outbox::end(
                    &self.db,
                    Outbox::PartnerEvent,
                    &event.id,
                    &self.owner,
                    EventState::Failed.as_str(),
                    Some(&why),
                )
                .await
            }
            Err(why) => {
                let wait = RETRY_FIRST
                    .saturating_mul(1 << (event.attempts.clamp(1, 16) - 1) as u32)
                    .min(RETRY_MAX);
                tracing::warn!(event_id = %event.id, application_id = %event.application_id, event_type = kind, error = %why, retry_in_seconds = wait.as_secs(), code = "partner_event_delayed", "partner event not delivered; trying again later");
                let due = self.db.now_ms() + wait.as_millis() as i64;
                outbox::retry_later(
                    &self.db,
                    Outbox::PartnerEvent,
                    &event.id,
                    &self.owner,
                    &why,
                    due,
                )
                .await
            }
        }
    }
}

/// The partner-event outbox's rows, taken by the shared sender loop ([`crate::outbox`]).
#[async_trait::async_trait]
impl crate::outbox::Sender for EventSender {
    type Row = DueEvent;
    const OUTBOX: Outbox = Outbox::PartnerEvent;
    const LEASE: Duration = LEASE;
    const POLL: Duration = POLL;

    fn db(&self) -> &Db {
        &self.db
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    /// The first waiting event of each application.
    async fn due(&self, now: i64) -> Result<Vec<DueEvent>, StoreError> {
        store::due(&self.db, now, BATCH).await
    }

    fn id(row: &DueEvent) -> &str {
        &row.id
    }

    async fn send(&self, row: &DueEvent) -> Result<(), StoreError> {
        self.deliver(row).await
    }
}
