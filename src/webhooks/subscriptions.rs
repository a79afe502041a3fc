//! Makes sure we are subscribed to the guide's five event types at our URL, once across all
//! app instances, and again when a subscription disappears. When that keeps failing, the
//! upkeep backs off exponentially (capped) and tells the operator once per change of trouble.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::db::webhooks as store;
use crate::db::{Db, StoreError};
use crate::domain::WebhookEventType;
use crate::solaris::{SolarisClient, SolarisError};

/// The event types we subscribe to: every one the guide names.
pub const EVENT_TYPES: &[WebhookEventType] = WebhookEventType::ALL;

/// How long one instance holds the right to create a subscription.
const CLAIM_MS: i64 = 60_000;

/// Why the subscriptions are not (all) in place.
#[derive(Debug)]
pub enum Trouble {
    /// Another instance holds the right to create a subscription now.
    OtherInstance,
    /// Solaris could not be reached or answered 5xx/429.
    Unavailable(SolarisError),
    /// Solaris refused a call (for instance 400 on the creation: our URL does not answer its
    /// verification request).
    Refused(SolarisError),
    /// Solaris created a subscription without a secret: its deliveries cannot be verified and
    /// are all refused.
    NoSecret(WebhookEventType),
    /// Our own database failed.
    Store(StoreError),
}

impl Trouble {
    /// A stable code for logs and alerts.
    pub fn code(&self) -> &'static str {
        match self {
            Trouble::OtherInstance => "webhook_subscription_elsewhere",
            Trouble::Unavailable(_) => "webhook_subscription_unavailable",
            Trouble::Refused(_) => "webhook_subscription_refused",
            Trouble::NoSecret(_) => "webhook_subscription_without_secret",
            Trouble::Store(_) => "webhook_subscription_store",
        }
    }
}

impl fmt::Display for Trouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trouble::OtherInstance => f.write_str("another instance is creating a subscription"),
            Trouble::Unavailable(e) | Trouble::Refused(e) => write!(f, "{e}"),
            Trouble::NoSecret(event) => write!(
                f,
                "Solaris created the {} subscription without a secret; its deliveries cannot be verified",
                event.as_str()
            ),
            Trouble::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<SolarisError> for Trouble {
    fn from(e: SolarisError) -> Self {
        if e.is_retryable() {
            Trouble::Unavailable(e)
        } else {
            Trouble::Refused(e)
        }
    }
}

impl From<StoreError> for Trouble {
    fn from(e: StoreError) -> Self {
        Trouble::Store(e)
    }
}

/// Checks every subscription once and creates what is missing. Each event type is kept on its
/// own: one that Solaris refuses does not keep the others from being subscribed (the first
/// refusal is returned once all were tried); Solaris or our database unavailable ends the check.
pub async fn ensure_once(db: &Db, client: &SolarisClient, url: &str) -> Result<(), Trouble> {
    let existing = client.list_webhooks().await?;
    let mut elsewhere = false;
    let mut refused: Option<Trouble> = None;
    for event in EVENT_TYPES {
        let event_name = event.as_str();
        let stored = store::subscription(db, event, url).await?;
        let live = existing
            .iter()
            .find(|s| &s.event_type == event && s.url == url);
        let ours = live.is_some_and(|s| Some(&s.id) == stored.subscription_id.as_ref())
            && stored.secret.is_some()
            && stored.url == url;
        if ours {
            continue;
        }
        // Only the instance that claims the row creates the subscription.
        if !store::claim(db, event, CLAIM_MS).await? {
            elsewhere = true;
            continue;
        }
        if let Err(trouble) = subscribe(db, client, event, url, live.map(|s| s.id.as_str())).await {
            // The backoff, not the claim, decides when this instance tries again.
            if let Err(e) = store::release_claim(db, event).await {
                tracing::warn!(event_type = event_name, error = %e, "releasing a subscription claim");
            }
            match trouble {
                Trouble::Refused(_) | Trouble::NoSecret(_) => {
                    tracing::warn!(
                        event_type = event_name,
                        code = trouble.code(),
                        "this event type is not subscribed: {trouble}"
                    );
                    refused.get_or_insert(trouble);
                }
                other => return Err(other),
            }
        }
    }
    if let Some(trouble) = refused {
        return Err(trouble);
    }
    if elsewhere {
        return Err(Trouble::OtherInstance);
    }
    Ok(())
}

/// Creates our subscription to `event` (replacing `orphan`, one at our URL whose secret we do
/// not know) and stores its secret.
async fn subscribe(
    db: &Db,
    client: &SolarisClient,
    event: &WebhookEventType,
    url: &str,
    orphan: Option<&str>,
) -> Result<(), Trouble> {
    if let Some(orphan) = orphan {
        client.delete_webhook(orphan).await?;
    }
    let created = client.create_webhook(event, url).await?;
    let Some(secret) = created.secret.as_ref() else {
        return Err(Trouble::NoSecret(event.clone()));
    };
    store::store_created(db, event, &created.id, url, secret.expose_secret()).await?;
    tracing::info!(event_type = event.as_str(), subscription_id = %created.id, "subscribed to Solaris webhooks");
    Ok(())
}

/// When the upkeep looks again.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// The first check after start (the server must answer Solaris' verification ping).
    pub first: Duration,
    /// Between checks while everything is in place.
    pub every: Duration,
    /// After a failed check, doubled per failure in a row, capped at `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            first: Duration::from_millis(200),
            every: Duration::from_secs(600),
            backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(3600),
        }
    }
}

impl Schedule {
    /// The wait after `failures` failed checks in a row (at least one).
    pub(crate) fn after_failures(&self, failures: u32) -> Duration {
        self.backoff
            .saturating_mul(1u32 << failures.clamp(1, 20).saturating_sub(1))
            .min(self.max_backoff)
    }
}

/// Keeps the subscriptions in place until the task is stopped.
pub async fn ensure_forever(db: Db, client: Arc<SolarisClient>, url: String, schedule: Schedule) {
    let mut delay = schedule.first;
    let mut failures = 0u32;
    // The trouble last reported, so each change is told once at error level.
    let mut reported: Option<&'static str> = None;
    loop {
        tokio::time::sleep(delay).await;
        match ensure_once(&db, &client, &url).await {
            Ok(()) => {
                crate::monitoring::subscriptions_in_place(true);
                if reported.take().is_some() {
                    tracing::info!("webhook subscriptions are in place again");
                }
                failures = 0;
                delay = schedule.every;
            }
            Err(trouble) => {
                crate::monitoring::subscriptions_in_place(false);
                failures += 1;
                delay = schedule.after_failures(failures);
                let retry_in_s = delay.as_secs();
                let code = trouble.code();
                if matches!(trouble, Trouble::OtherInstance) {
                    tracing::info!(code, retry_in_s, "webhook subscriptions: {trouble}");
                } else if reported != Some(code) {
                    reported = Some(code);
                    tracing::error!(
                        code,
                        failures,
                        retry_in_s,
                        "webhook subscriptions not in place, deliveries cannot be received: {trouble}"
                    );
                } else {
                    tracing::warn!(
                        code,
                        failures,
                        retry_in_s,
                        "webhook subscriptions still not in place: {trouble}"
                    );
                }
            }
        }
    }
}
