//! Webhook notifications: one per subscription of the event type, signed with the
//! subscription's secret, retried with exponential backoff until a 2xx (410 cancels the
//! subscription, 422 stops the retries), for up to five days on the sandbox clock.

use std::time::Duration;

use hmac::{Hmac, Mac};
use rand::Rng;
use serde_json::Value;
use sha2::Sha256;

use super::error::ApiResult;
use super::{ids, Sandbox};

/// How long Solaris keeps retrying a notification.
const RETRY_WINDOW_MS: i64 = 5 * 24 * 3600 * 1000;
/// An attempt being sent holds its row this long; a sandbox that dies mid-send retries after.
const LEASE_MS: i64 = 60_000;

/// `sha256=<hex HMAC-SHA256(secret, body)>`, the `Solaris-Webhook-Signature` header.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Queues the notification of an event for every active subscription to its type.
pub(crate) async fn notify(
    sandbox: &Sandbox,
    event_type: &str,
    entity_id: &str,
    body: Value,
) -> ApiResult<()> {
    let subscriptions: Vec<(String,)> = sqlx::query_as(
        "select id from sandbox_webhook where event_type = $1 and deleted_at is null",
    )
    .bind(event_type)
    .fetch_all(&sandbox.db.pool)
    .await?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let faults = sandbox.faults.webhooks();
    let now = sandbox.clock.now_ms();
    let body = body.to_string();
    for (subscription_id,) in subscriptions {
        let (dropped, extra) = sandbox.chance.draw(|rng| {
            let dropped = faults.drop_rate > 0.0 && rng.gen_bool(faults.drop_rate);
            let window = faults.reorder_window_ms as i64;
            let jitter = if window > 0 {
                rng.gen_range(0..=window)
            } else {
                0
            };
            (dropped, faults.delay_ms as i64 + jitter)
        });
        sqlx::query(
            "insert into sandbox_delivery (id, subscription_id, event_type, entity_id, body, state, \
             next_attempt_at, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(ids::plain())
        .bind(&subscription_id)
        .bind(event_type)
        .bind(entity_id)
        .bind(&body)
        .bind(if dropped { "dropped" } else { "pending" })
        .bind(now + extra)
        .bind(now)
        .execute(&sandbox.db.writer)
        .await?;
    }
    sandbox.wake_deliveries.notify_one();
    Ok(())
}

type DueRow = (String, String, String, String, String, i64, i64, i64);

/// Sends every notification whose attempt is due; returns how many attempts were made.
pub(crate) async fn send_due(sandbox: &Sandbox) -> ApiResult<usize> {
    let now = sandbox.clock.now_ms();
    let due: Vec<DueRow> = sqlx::query_as(
        "select d.id, d.subscription_id, d.event_type, d.entity_id, d.body, d.attempts, \
         d.next_attempt_at, d.created_at from sandbox_delivery d \
         where d.state = 'pending' and d.next_attempt_at <= $1 \
         order by d.next_attempt_at, d.created_at limit 50",
    )
    .bind(now)
    .fetch_all(&sandbox.db.pool)
    .await?;
    let mut claimed = Vec::new();
    for row in due {
        // Taking the row by moving its next attempt past a lease: one sender per attempt.
        let taken = sqlx::query(
            "update sandbox_delivery set next_attempt_at = $1 where id = $2 and state = 'pending' \
             and next_attempt_at = $3",
        )
        .bind(now + LEASE_MS)
        .bind(&row.0)
        .bind(row.6)
        .execute(&sandbox.db.writer)
        .await?;
        if taken.rows_affected() == 1 {
            claimed.push(row);
        }
    }
    let count = claimed.len();
    let results =
        futures::future::join_all(claimed.into_iter().map(|row| attempt(sandbox, row))).await;
    for r in results {
        r?;
    }
    Ok(count)
}

async fn attempt(sandbox: &Sandbox, row: DueRow) -> ApiResult<()> {
    let (id, subscription_id, event_type, entity_id, body, attempts, _, created_at) = row;
    let sub: Option<(String, String)> = sqlx::query_as(
        "select url, secret from sandbox_webhook where id = $1 and deleted_at is null",
    )
    .bind(&subscription_id)
    .fetch_optional(&sandbox.db.pool)
    .await?;
    let Some((url, secret)) = sub else {
        return finish(sandbox, &id, "canceled", None, attempts).await;
    };
    let faults = sandbox.faults.webhooks();
    let (bad_signature, duplicate) = sandbox.chance.draw(|rng| {
        (
            faults.bad_signature_rate > 0.0 && rng.gen_bool(faults.bad_signature_rate),
            faults.duplicate_rate > 0.0 && rng.gen_bool(faults.duplicate_rate),
        )
    });
    let signing_secret = if bad_signature { ids::secret() } else { secret };
    let attempt_no = attempts + 1;
    let send = || {
        sandbox
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("solaris-webhook-id", &id)
            .header("solaris-webhook-subscription-id", &subscription_id)
            .header("solaris-webhook-event-type", &event_type)
            .header("solaris-entity-id", &entity_id)
            .header("solaris-webhook-attempt", attempt_no.to_string())
            .header(
                "solaris-webhook-signature",
                signature(&signing_secret, body.as_bytes()),
            )
            .body(body.clone())
            .send()
    };
    let status = match send().await {
        Ok(res) => Some(res.status().as_u16()),
        Err(e) => {
            tracing::info!(delivery_id = %id, error = %e, "sandbox webhook attempt failed");
            None
        }
    };
    if duplicate {
        // The copy counts for nothing; only the first answer decides.
        let _ = send().await;
    }
    let now = sandbox.clock.now_ms();
    match status {
        Some(s) if (200..300).contains(&s) => {
            finish(sandbox, &id, "delivered", status, attempt_no).await
        }
        Some(410) => {
            sqlx::query("update sandbox_webhook set deleted_at = $1 where id = $2")
                .bind(now)
                .bind(&subscription_id)
                .execute(&sandbox.db.writer)
                .await?;
            tracing::info!(
                subscription_id,
                "sandbox subscription canceled by a 410 answer"
            );
            finish(sandbox, &id, "canceled", status, attempt_no).await
        }
        Some(422) => finish(sandbox, &id, "rejected", status, attempt_no).await,
        _ if now - created_at > RETRY_WINDOW_MS => {
            finish(sandbox, &id, "abandoned", status, attempt_no).await
        }
        _ => {
            let backoff = 1000i64 << attempts.clamp(0, 12);
            let jitter = sandbox.chance.draw(|rng| rng.gen_range(0..=backoff / 4));
            sqlx::query(
                "update sandbox_delivery set attempts = $1, last_status = $2, next_attempt_at = $3, \
                 updated_at = $4 where id = $5",
            )
            .bind(attempt_no)
            .bind(status.map(i64::from))
            .bind(now + backoff.min(3_600_000) + jitter)
            .bind(now)
            .bind(&id)
            .execute(&sandbox.db.writer)
            .await?;
            Ok(())
        }
    }
}

async fn finish(
    sandbox: &Sandbox,
    id: &str,
    state: &str,
    status: Option<u16>,
    attempts: i64,
) -> ApiResult<()> {
    sqlx::query(
        "update sandbox_delivery set state = $1, last_status = $2, attempts = $3, updated_at = $4 \
         where id = $5",
    )
    .bind(state)
    .bind(status.map(i64::from))
    .bind(attempts)
    .bind(sandbox.clock.now_ms())
    .bind(id)
    .execute(&sandbox.db.writer)
    .await?;
    Ok(())
}

/// Keeps sending due notifications until the process ends.
pub(crate) async fn run_forever(sandbox: Sandbox) {
    loop {
        match send_due(&sandbox).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(errors = ?e.errors, "sandbox webhook sender"),
        }
        let _ = tokio::time::timeout(
            Duration::from_millis(100),
            sandbox.wake_deliveries.notified(),
        )
        .await;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_the_hex_hmac_of_the_raw_body() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), RFC 4231 style vector.
        assert_eq!(
            super::signature("key", b"The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
