//! Handing over to the bank's own systems: events delivered to `PARTNER_EVENTS_URL`, signed as
//! Standard Webhooks sign them, from the `partner_event` outbox ([`crate::db::events`]); and,
//! in [`crate::web::api`], the read API.
//!
//! Delivery is in order per application (an event waits until the one before it was delivered
//! or failed for good), retried with backoff for about three days on a non-2xx answer or a
//! timeout, and taken by one sender at a time with a lease, so two instances never send the
//! same event. Without `PARTNER_EVENTS_URL` the embedded sandbox keeps the events (its event
//! box); with real Solaris they are kept as the applications' history only.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::db::events::{self as store, DueEvent, EventType};
use crate::db::outbox::{self, Outbox};
use crate::db::{wall_clock_ms, Db, StoreError};
use crate::solaris::types::{FailureReason, IdentificationStatus};
use crate::supervisor::Shutdown;

/// The event an identification's new status means for the bank, besides the status change.
pub fn outcome_event(
    before: Option<&IdentificationStatus>,
    now: &IdentificationStatus,
    failure_reason: Option<&str>,
) -> Option<EventType> {
    let permanent = failure_reason
        .and_then(|r| FailureReason(r.to_string()).info())
        .is_some_and(|i| i.permanent);
    match now {
        IdentificationStatus::Successful => Some(EventType::Completed),
        IdentificationStatus::Canceled if before == Some(&IdentificationStatus::Successful) => {
            Some(EventType::CompletionRevoked)
        }
        IdentificationStatus::Failed => Some(EventType::Failed),
        IdentificationStatus::Aborted | IdentificationStatus::Canceled if permanent => {
            Some(EventType::Failed)
        }
        _ => None,
    }
}

/// A signing key in the Standard Webhooks form: `whsec_` and the key in base64.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// The key the sandbox's event box signs with when no URL is configured (documented in the
/// README, so partners can try their verification against it).
pub const SANDBOX_EVENTS_SECRET: &str = "whsec_bG9vcGJhY2stZGVtby1wYXJ0bmVyLWV2ZW50cy1rZXk=";

impl SigningKey {
    /// `whsec_<base64>`, with a key of 24 to 64 bytes.
    pub fn parse(secret: &str) -> Result<SigningKey, String> {
        let encoded = secret
            .strip_prefix("whsec_")
            .ok_or("must start with whsec_")?;
        let key = STANDARD
            .decode(encoded)
            .map_err(|e| format!("the part after whsec_ is not base64: {e}"))?;
        if !(24..=64).contains(&key.len()) {
            return Err(format!("the key must be 24 to 64 bytes, not {}", key.len()));
        }
        Ok(SigningKey(key))
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// Where the events go.
#[derive(Clone)]
enum Transport {
    Http {
        client: reqwest::Client,
        url: String,
        key: SigningKey,
    },
    /// The sandbox's event box in the app's database.
    #[cfg(feature = "sandbox")]
    Sandbox { db: Db, key: SigningKey },
    /// No receiver: the events stay as the applications' history.
    Nowhere,
}

/// The events' settings.
#[derive(Clone, Debug)]
pub struct EventSettings {
    pub url: Option<url::Url>,
    pub secret: Option<SecretString>,
}

/// How long a sender holds an event it is delivering.
const LEASE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(500);
/// The first wait after a failed delivery; it doubles up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_secs(2);
const RETRY_MAX: Duration = Duration::from_secs(3600);
/// Attempts after which an event counts as failed (about three days with the backoff above).
pub const GIVE_UP_AFTER_ATTEMPTS: i64 = 84;
/// How long the receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(15);
const BATCH: i64 = 50;

/// The sender of the outbox's events.
pub struct EventSender {
    db: Db,
    transport: Transport,
    owner: String,
}

impl EventSender {
    /// `sandbox`: the embedded sandbox runs, whose event box takes the events when no URL is
    /// configured.
    pub fn new(db: Db, settings: &EventSettings, sandbox: bool) -> anyhow::Result<EventSender> {
        let transport = match (&settings.url, &settings.secret) {
            (Some(url), Some(secret)) => Transport::Http {
                client: reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()?,
                url: url.to_string(),
                key: SigningKey::parse(secret.expose_secret()).map_err(anyhow::Error::msg)?,
            },
            (Some(_), None) => anyhow::bail!("PARTNER_EVENTS_SECRET is needed"),
            #[cfg(feature = "sandbox")]
            (None, _) if sandbox => Transport::Sandbox {
                db: db.clone(),
                key: SigningKey::parse(SANDBOX_EVENTS_SECRET).map_err(anyhow::Error::msg)?,
            },
            _ => {
                let _ = sandbox;
                Transport::Nowhere
            }
        };
        Ok(EventSender {
            db,
            transport,
            owner: format!("events-{}", uuid::Uuid::new_v4().simple()),
        })
    }

    /// Delivers until shutdown; an event being delivered is finished first.
    pub async fn run(self: Arc<Self>, mut shutdown: Shutdown) {
        loop {
            let taken = match self.deliver_due(&shutdown).await {
                Ok(taken) => taken,
                Err(e) => {
                    tracing::error!(error = %e, "partner event outbox unavailable");
                    0
                }
            };
            if shutdown.is_requested() {
                return;
            }
            // After a pass that delivered something the next events of those applications are
            // due at once; otherwise wait a moment.
            if taken == 0 && !shutdown.sleep(POLL).await {
                return;
            }
        }
    }

    /// One pass: the first waiting event of each application; returns how many were taken.
    async fn deliver_due(&self, shutdown: &Shutdown) -> Result<usize, StoreError> {
        let now = wall_clock_ms();
        let mut taken = 0;
        for event in store::due(&self.db, now, BATCH).await? {
            if shutdown.is_requested() {
                break;
            }
            let lease_until = wall_clock_ms() + LEASE.as_millis() as i64;
            if !outbox::claim(
                &self.db,
                Outbox::PartnerEvent,
                &event.id,
                &self.owner,
                now,
                lease_until,
            )
            .await?
            {
                continue;
            }
            taken += 1;
            self.deliver(&event).await?;
        }
        Ok(taken)
    }

    async fn deliver(&self, event: &DueEvent) -> Result<(), StoreError> {
        let timestamp = chrono::Utc::now().timestamp();
        let outcome = match &self.transport {
            Transport::Nowhere => {
                return outbox::end(
                    &self.db,
                    Outbox::PartnerEvent,
                    &event.id,
                    &self.owner,
                    "dropped",
                    Some("no PARTNER_EVENTS_URL"),
                )
                .await
            }
            #[cfg(feature = "sandbox")]
            Transport::Sandbox { db, key } => {
                let signature = key.sign(&event.id, timestamp, &event.body);
                crate::sandbox::events::keep(db, event, timestamp, &signature)
                    .await
                    .map_err(|e| e.to_string())
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
                    "delivered",
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
                    "failed",
                    Some(&why),
                )
                .await
            }
            Err(why) => {
                let wait = RETRY_FIRST
                    .saturating_mul(1 << (event.attempts.clamp(1, 16) - 1) as u32)
                    .min(RETRY_MAX);
                tracing::warn!(event_id = %event.id, application_id = %event.application_id, event_type = kind, error = %why, retry_in_seconds = wait.as_secs(), code = "partner_event_delayed", "partner event not delivered; trying again later");
                let due = wall_clock_ms() + wait.as_millis() as i64;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let key = SigningKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            key.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(SigningKey::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(SigningKey::parse("whsec_c2hvcnQ=").is_err(), "too short");
        assert!(SigningKey::parse(SANDBOX_EVENTS_SECRET).is_ok());
    }

    #[test]
    fn the_bank_hears_of_completion_its_revocation_and_failure() {
        use IdentificationStatus as S;
        assert_eq!(
            outcome_event(None, &S::Successful, None),
            Some(EventType::Completed)
        );
        assert_eq!(
            outcome_event(
                Some(&S::Successful),
                &S::Canceled,
                Some("BAD_PHOTO_QUALITY")
            ),
            Some(EventType::CompletionRevoked)
        );
        assert_eq!(outcome_event(Some(&S::Pending), &S::Canceled, None), None);
        assert_eq!(
            outcome_event(None, &S::Failed, None),
            Some(EventType::Failed)
        );
        assert_eq!(
            outcome_event(None, &S::Aborted, Some("OTHER_MISCELLANEOUS_PERMANENT")),
            Some(EventType::Failed)
        );
        assert_eq!(outcome_event(None, &S::Pending, None), None);
    }
}
