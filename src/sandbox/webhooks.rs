//! `/v1/webhooks`: subscriptions, with the verification ping before creation.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::error::{parse_object, ApiError, ApiResult};
use super::pagination::{paginate, PageQuery};
use super::{ids, Sandbox};

pub const EVENT_TYPES: &[&str] = &[
    "IDENTIFICATION",
    "PERSON_CHANGED",
    "PERSON_DELETED",
    "PERSON_MOBILE_NUMBER_CREATED",
    "PERSON_MOBILE_NUMBER_DELETED",
    "IDENTIFICATION_ORIGINATION",
    "IDENTIFICATION_REFERENCE_TRANSFER_ATTEMPT",
    "PERSON_TAX_IDENTIFICATION_CHANGED",
];

fn render(id: &str, event_type: &str, url: &str) -> Value {
    json!({ "id": id, "event_type": event_type, "url": url })
}

/// `POST /v1/webhooks` with `{event_type, url}`: pings the URL, then answers 201 with the
/// secret, which is never shown again.
pub async fn create(State(sandbox): State<Sandbox>, body: Bytes) -> ApiResult<Response> {
    let body = parse_object(&body)?;
    let event_type = body
        .get("event_type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let url = body.get("url").and_then(Value::as_str).unwrap_or_default();
    let mut errors = Vec::new();
    if !EVENT_TYPES.contains(&event_type) {
        errors.push((
            "event_type".to_string(),
            format!("is not included in the list {EVENT_TYPES:?}"),
        ));
    }
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    if parsed.is_none() {
        errors.push(("url".to_string(), "is not a valid URL".to_string()));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_model(errors));
    }
    let parsed = parsed.expect("checked above");
    // Solaris requires https; plain http stays possible for loopback, where tests run.
    if parsed.scheme() != "https" && !crate::config::is_loopback(&parsed) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsafe_webhook_url",
            "Unsafe Webhook URL",
            "The webhook URL must use HTTPS.",
        ));
    }
    let (existing,): (i64,) = sqlx::query_as(
        "select count(*) from sandbox_webhook where event_type = $1 and url = $2 and deleted_at is null",
    )
    .bind(event_type)
    .bind(url)
    .fetch_one(&sandbox.db.pool)
    .await?;
    if existing > 0 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "webhook_already_exists",
            "Webhook Already Exists",
            format!("A subscription to {event_type} at this URL exists already."),
        ));
    }
    let ping = sandbox
        .http
        .post(url)
        .header("solaris-webhook-event-type", "WEBHOOK-SUBSCRIPTION")
        .timeout(std::time::Duration::from_secs(10))
        .send()
        .await;
    match ping {
        Ok(res) if res.status().is_success() => {}
        other => {
            let seen = match other {
                Ok(res) => format!("answered {}", res.status().as_u16()),
                Err(_) => "could not be reached".to_string(),
            };
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_webhook_url",
                "Invalid Webhook URL",
                format!("The webhook URL {seen} to the verification request."),
            ));
        }
    }
    let id = ids::plain();
    let secret = ids::secret();
    sqlx::query(
        "insert into sandbox_webhook (id, event_type, url, secret, created_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(event_type)
    .bind(url)
    .bind(&secret)
    .bind(sandbox.clock.now_ms())
    .execute(&sandbox.db.writer)
    .await?;
    let mut out = render(&id, event_type, url);
    if !sandbox.faults.webhooks().omit_secret {
        out["secret"] = json!(secret);
    }
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// `GET /v1/webhooks`
pub async fn list(
    State(sandbox): State<Sandbox>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Response> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select id, event_type, url from sandbox_webhook where deleted_at is null order by created_at, id",
    )
    .fetch_all(&sandbox.db.pool)
    .await?;
    let items = rows.iter().map(|(i, e, u)| render(i, e, u)).collect();
    paginate(&sandbox, "/v1/webhooks", &page, items)
}

async fn find(sandbox: &Sandbox, id: &str) -> ApiResult<(String, String, String)> {
    sqlx::query_as(
        "select id, event_type, url from sandbox_webhook where id = $1 and deleted_at is null",
    )
    .bind(id)
    .fetch_optional(&sandbox.db.pool)
    .await?
    .ok_or_else(|| ApiError::not_found("Webhook", id))
}

/// `GET /v1/webhooks/{id}`
pub(crate) async fn get_one(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (id, event_type, url) = find(&sandbox, &id).await?;
    Ok(Json(render(&id, &event_type, &url)))
}

/// `DELETE /v1/webhooks/{id}`: no more notifications, pending ones included.
pub async fn delete(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    find(&sandbox, &id).await?;
    let now = sandbox.clock.now_ms();
    sqlx::query("update sandbox_webhook set deleted_at = $1 where id = $2")
        .bind(now)
        .bind(&id)
        .execute(&sandbox.db.writer)
        .await?;
    sqlx::query("update sandbox_delivery set state = 'canceled', updated_at = $1 where subscription_id = $2 and state = 'pending'")
        .bind(now)
        .bind(&id)
        .execute(&sandbox.db.writer)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
