//! The sandbox's event box: with no `PARTNER_EVENTS_URL` configured, the events meant for the
//! bank's systems are kept here, signed with the documented sandbox key, so that `cargo run`
//! alone shows them. `GET /_sandbox/events` lists them as JSON, newest first.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::Sandbox;
use crate::db::{Db, StoreError};
use crate::partner::{EventSink, SignedEvent};

/// The event box as the app's event sender sees it: an [`EventSink`] over the sandbox's own
/// table.
pub(crate) struct EventBox(pub(super) Db);

#[async_trait::async_trait]
impl EventSink for EventBox {
    async fn keep(&self, event: &SignedEvent<'_>) -> anyhow::Result<()> {
        Ok(keep(&self.0, event).await?)
    }
}

/// Keeps an event with the headers it would have been sent with.
async fn keep(db: &Db, event: &SignedEvent<'_>) -> Result<(), StoreError> {
    let now = db.now_ms();
    sqlx::query(
        "insert into sandbox_partner_event (id, webhook_id, webhook_timestamp, webhook_signature, \
         event_type, body, received_at) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(super::ids::ordered(now))
    .bind(event.id)
    .bind(event.timestamp.to_string())
    .bind(event.signature)
    .bind(event.event_type)
    .bind(event.body)
    .bind(now)
    .execute(&db.writer)
    .await?;
    Ok(())
}

async fn newest(db: &Db) -> Result<Vec<Value>, StoreError> {
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "select webhook_id, webhook_timestamp, webhook_signature, event_type, body, received_at \
         from sandbox_partner_event order by received_at desc, id desc limit 500",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, timestamp, signature, event_type, body, at)| {
            json!({
                "webhook_id": id,
                "webhook_timestamp": timestamp,
                "webhook_signature": signature,
                "type": event_type,
                "body": body,
                "payload": serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
                "received_at": chrono::DateTime::from_timestamp_millis(at)
                    .unwrap_or_default()
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            })
        })
        .collect())
}

pub async fn list(State(sandbox): State<Sandbox>) -> Response {
    match newest(&sandbox.db).await {
        Ok(events) => Json(events).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the sandbox's event box");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
