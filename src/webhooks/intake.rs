//! `POST /webhooks/solaris`: the signature is checked over the raw body with the
//! subscription's secret before anything else; a verified delivery is stored once per
//! `Solaris-Webhook-Id` together with the work it causes, and answered 200 at once. Never 410:
//! that would cancel the subscription.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot, Notify};

use crate::db::webhooks::{self as store, Delivery as Stored};
use crate::db::Db;
use crate::domain::WebhookEventType;

#[derive(Clone, Debug)]
struct Intake {
    db: Db,
    store: mpsc::Sender<Delivery>,
}

/// A verified delivery on its way into the inbox; `stored` answers true when it was new.
#[derive(Debug)]
struct Delivery {
    delivery: Stored,
    stored: oneshot::Sender<Result<bool, ()>>,
}

/// Deliveries stored together in one transaction at most.
const MAX_BATCH: usize = 128;

/// Deliveries are small JSON objects; anything larger is refused before it is read.
const MAX_BODY: usize = 64 * 1024;

/// The intake's route and the writer that stores what it verifies; the writer is run by the
/// process's supervisor.
pub fn intake(db: Db, work: Arc<Notify>) -> (Router, Writer) {
    let (store, deliveries) = mpsc::channel(4 * MAX_BATCH);
    let router = Router::new()
        .route(super::PATH, post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(Intake {
            db: db.clone(),
            store,
        });
    let writer = Writer {
        db,
        work,
        deliveries: Arc::new(tokio::sync::Mutex::new(deliveries)),
    };
    (router, writer)
}

/// Stores the verified deliveries. Restartable: a new run takes the same queue.
#[derive(Clone, Debug)]
pub struct Writer {
    db: Db,
    work: Arc<Notify>,
    deliveries: Arc<tokio::sync::Mutex<mpsc::Receiver<Delivery>>>,
}

impl Writer {
    /// Stores the deliveries that arrive while the previous ones are being stored in one
    /// transaction: one commit (and, on PostgreSQL, one flush to disk) for all of them, so a
    /// burst of webhooks neither queues behind one commit each nor waits long for its answer.
    /// Ends when the intake's route is gone (the server stopped), after storing what came.
    pub async fn run(self) {
        let mut deliveries = self.deliveries.lock().await;
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while deliveries.recv_many(&mut batch, MAX_BATCH).await > 0 {
            store_or_refuse(&self.db, &self.work, &mut batch).await;
        }
    }
}

async fn store_or_refuse(db: &Db, work: &Notify, batch: &mut Vec<Delivery>) {
    let verified: Vec<&Stored> = batch.iter().map(|d| &d.delivery).collect();
    match store::store_batch(db, &verified).await {
        Ok(stored) => {
            if stored.iter().any(|&new| new) {
                work.notify_one();
            }
            for (delivery, new) in batch.drain(..).zip(stored) {
                let _ = delivery.stored.send(Ok(new));
            }
        }
        Err(e) => {
            // One delivery may be what failed: each is tried again on its own, so the
            // others are not refused with it. A refused one gets 500 and comes again.
            tracing::error!(deliveries = batch.len(), error = %e, "storing a batch of webhooks");
            for delivery in batch.drain(..) {
                let outcome = match store::store_batch(db, &[&delivery.delivery]).await {
                    Ok(stored) => Ok(stored.first().copied().unwrap_or(false)),
                    Err(e) => {
                        let d = &delivery.delivery;
                        tracing::error!(webhook_id = %d.webhook_id, event_type = %d.event_type.as_str(), error = %e, "storing a webhook");
                        Err(())
                    }
                };
                if outcome == Ok(true) {
                    work.notify_one();
                }
                let _ = delivery.stored.send(outcome);
            }
        }
    }
}

fn refuse(status: StatusCode, code: &'static str, event_type: &str) -> Response {
    crate::monitoring::webhook_delivery(event_type, code);
    tracing::warn!(
        code,
        event_type,
        status = status.as_u16(),
        "webhook delivery refused"
    );
    (status, Json(json!({ "error": code }))).into_response()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Whether the delivery says its body is JSON: `application/json`, parameters allowed.
fn is_json(headers: &HeaderMap) -> bool {
    header(headers, "content-type")
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// A delivery's body without IDnow's `reference` (the ident id the customer must never see).
fn without_reference(
    mut payload: serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    payload.remove("reference");
    payload
}

/// Constant-time check of `sha256=<hex>` against the raw body.
fn signed(secret: &str, body: &[u8], signature: Option<&str>) -> bool {
    let Some((algorithm, hex_digest)) = signature.and_then(|s| s.split_once('=')) else {
        return false;
    };
    if !algorithm.eq_ignore_ascii_case("sha256") {
        return false;
    }
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

async fn receive(State(intake): State<Intake>, headers: HeaderMap, body: Bytes) -> Response {
    let arrived = std::time::Instant::now();
    let event_type = header(&headers, "solaris-webhook-event-type")
        .unwrap_or_default()
        .to_string();
    if event_type.eq_ignore_ascii_case("WEBHOOK-SUBSCRIPTION") {
        // Solaris' verification ping before it creates a subscription: empty and unsigned.
        return StatusCode::OK.into_response();
    }
    let subscription = header(&headers, "solaris-webhook-subscription-id");
    let subscription = match store::signer(&intake.db, subscription, &event_type).await {
        Ok(subscription) => subscription,
        Err(e) => {
            // 500 makes Solaris deliver it again later, when the database answers.
            tracing::error!(error = %e, "reading webhook secrets");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(subscription) = subscription else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "unknown_subscription",
            &event_type,
        );
    };
    if !signed(
        &subscription.secret,
        &body,
        header(&headers, "solaris-webhook-signature"),
    ) {
        return refuse(StatusCode::UNAUTHORIZED, "bad_signature", &event_type);
    }
    // Solaris signs the body only: the event type header is believed only when it is the
    // type of the subscription whose secret signed the body.
    if !subscription.event_type.eq_ignore_ascii_case(&event_type) {
        return refuse(StatusCode::BAD_REQUEST, "event_type_mismatch", &event_type);
    }
    if !is_json(&headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            &event_type,
        );
    }
    let payload: serde_json::Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(Value::Object(map)) => map,
        _ => return refuse(StatusCode::BAD_REQUEST, "malformed_body", &event_type),
    };
    let entity_id = header(&headers, "solaris-entity-id")
        .map(str::to_string)
        .or_else(|| {
            payload
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
    // A NUL names nothing and cannot be stored (PostgreSQL).
    if entity_id.as_deref().is_some_and(|id| id.contains('\0')) {
        return refuse(StatusCode::BAD_REQUEST, "malformed_body", &event_type);
    }
    // Without an id, the delivery's own content names it, so a retry is still recognised.
    let webhook_id = header(&headers, "solaris-webhook-id")
        .map(str::to_string)
        .unwrap_or_else(|| {
            hex::encode(Sha256::digest(
                [event_type.as_bytes(), b"\n", &body].concat(),
            ))
        });
    let (stored, outcome) = oneshot::channel();
    let delivery = Delivery {
        delivery: Stored {
            webhook_id: webhook_id.clone(),
            event_type: WebhookEventType::parse(&event_type),
            entity_id,
            // Kept for the record without IDnow's `reference`, which is never stored.
            body: Value::Object(without_reference(payload)).to_string(),
        },
        stored,
    };
    let outcome = match intake.store.send(delivery).await {
        Ok(()) => outcome.await.unwrap_or(Err(())),
        Err(_) => Err(()),
    };
    crate::monitoring::webhook_lag(arrived.elapsed().as_secs_f64());
    crate::monitoring::webhook_delivery(
        &event_type,
        match outcome {
            Ok(true) => "stored",
            Ok(false) => "repeated",
            Err(()) => "not_stored",
        },
    );
    match outcome {
        Ok(true) => {
            tracing::info!(webhook_id, event_type, "webhook stored");
            StatusCode::OK.into_response()
        }
        Ok(false) => {
            tracing::info!(
                webhook_id,
                event_type,
                "webhook delivered again; already handled"
            );
            StatusCode::OK.into_response()
        }
        Err(()) => {
            // 500 makes Solaris deliver it again later; the cause is logged with the batch.
            tracing::warn!(webhook_id, event_type, "webhook not stored; answered 500");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    use super::signed;

    #[test]
    fn only_the_right_secret_over_the_raw_body_verifies() {
        let body = br#"{"id":"x"}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(body);
        let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert!(signed("s3cret", body, Some(&good)));
        assert!(!signed("other", body, Some(&good)));
        assert!(!signed("s3cret", br#"{"id": "x"}"#, Some(&good)));
        assert!(!signed("s3cret", body, None));
        assert!(!signed("s3cret", body, Some("sha256=zz")));
        assert!(!signed(
            "s3cret",
            body,
            Some(&good.replace("sha256", "md5"))
        ));
    }
}
