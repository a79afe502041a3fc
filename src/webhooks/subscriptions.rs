//! Makes sure we are subscribed to the guide's five event types at our URL, once across all
//! app instances, and again when a subscription disappears.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::db::{wall_clock_ms, Db};
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
    let now = wall_clock_ms();
    let existing = client.list_webhooks().await?;
    let mut complete = true;
    for event in EVENT_TYPES {
        let event_name = event.as_str();
        sqlx::query(
            "insert into webhook_subscription (event_type, url, created_at, updated_at) \
             values ($1, $2, $3, $3) on conflict (event_type) do nothing",
        )
        .bind(event_name)
        .bind(url)
        .bind(now)
        .execute(&db.writer)
        .await?;
        let (stored_id, stored_url, secret): (Option<String>, String, Option<String>) = sqlx::query_as(
            "select subscription_id, url, secret from webhook_subscription where event_type = $1",
        )
        .bind(event_name)
        .fetch_one(&db.pool)
        .await?;
        let live = existing
            .iter()
            .find(|s| &s.event_type == event && s.url == url);
        let ours = live.is_some_and(|s| Some(&s.id) == stored_id.as_ref())
            && secret.is_some()
            && stored_url == url;
        if ours {
            continue;
        }
        // Only the instance that claims the row creates the subscription.
        let claimed = sqlx::query(
            "update webhook_subscription set claimed_until = $1, updated_at = $2 where event_type = $3 \
             and (claimed_until is null or claimed_until < $2)",
        )
        .bind(now + CLAIM_MS)
        .bind(now)
        .bind(event_name)
        .execute(&db.writer)
        .await?;
        if claimed.rows_affected() != 1 {
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
        sqlx::query(
            "update webhook_subscription set subscription_id = $1, url = $2, secret = $3, \
             claimed_until = null, updated_at = $4 where event_type = $5",
        )
        .bind(&created.id)
        .bind(url)
        .bind(secret.expose_secret())
        .bind(wall_clock_ms())
        .bind(event_name)
        .execute(&db.writer)
        .await?;
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
