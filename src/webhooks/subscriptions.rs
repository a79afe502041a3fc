//! Makes sure we are subscribed to the guide's five event types at our URL, once across all
//! app instances, and again when a subscription disappears.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::db::webhooks as store;
use crate::db::Db;
use crate::solaris::types::WebhookEventType;
use crate::solaris::SolarisClient;

pub const EVENT_TYPES: &[WebhookEventType] = &[
    WebhookEventType::Identification,
    WebhookEventType::PersonChanged,
    WebhookEventType::PersonDeleted,
    WebhookEventType::PersonMobileNumberCreated,
    WebhookEventType::PersonMobileNumberDeleted,
];

/// How long one instance holds the right to create a subscription.
const CLAIM_MS: i64 = 60_000;

/// Checks every subscription once; returns true when all five are in place.
pub async fn ensure_once(db: &Db, client: &SolarisClient, url: &str) -> anyhow::Result<bool> {
    let existing = client.list_webhooks().await?;
    let mut complete = true;
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
            complete = false;
            continue;
        }
        if let Some(orphan) = live {
            // At our URL but without a secret we know: replace it.
            client.delete_webhook(&orphan.id).await?;
        }
        let created = client.create_webhook(event, url).await?;
        let Some(secret) = created.secret.as_ref() else {
            anyhow::bail!("Solaris created the {event_name} subscription without a secret");
        };
        store::store_created(db, event, &created.id, url, secret.expose_secret()).await?;
        tracing::info!(event_type = event_name, subscription_id = %created.id, "subscribed to Solaris webhooks");
    }
    Ok(complete)
}

/// Keeps the subscriptions in place: soon after start (the server must answer Solaris'
/// verification ping), then every `every`.
pub async fn ensure_forever(db: Db, client: Arc<SolarisClient>, url: String, every: Duration) {
    let mut delay = Duration::from_millis(200);
    loop {
        tokio::time::sleep(delay).await;
        delay = match ensure_once(&db, &client, &url).await {
            Ok(true) => every,
            Ok(false) => Duration::from_secs(5),
            Err(e) => {
                tracing::warn!(error = %e, "webhook subscriptions not in place yet");
                Duration::from_secs(10)
            }
        };
    }
}
