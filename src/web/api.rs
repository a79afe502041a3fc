//! The read API for the bank's backend, under `/api/v1`, with `Authorization: Bearer <key>`
//! for one of `PARTNER_API_KEYS` (compared in constant time, never logged). Every read is
//! recorded in the audit log under the key's position (`key-1`, …), never the key.
//!
//! - `GET /api/v1/applications/{id}`: the state, the data as sent to and as held by Solaris,
//!   the consent evidence and the identification history;
//! - `GET /api/v1/applications?status=&updated_after=&cursor=&limit=`: changed applications,
//!   oldest change first, keyset paginated;
//! - `GET /api/v1/events?state=failed`, `POST /api/v1/events/{id}/redeliver`: events the bank's
//!   systems did not take, and sending one again.

use std::sync::Arc;

use axum::extract::{FromRef, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::audit;
use crate::db::partner_events::{self, body_json, rfc3339};
use crate::db::records::{self, ApplicationRecord};
use crate::db::{Db, StoreError};
use crate::domain::{EventState, EventType, IdentificationStatus, Stage};

/// `PARTNER_API_KEYS`: the keys the read API accepts.
#[derive(Clone)]
pub(crate) struct ApiKeys(Arc<Vec<SecretString>>);

impl ApiKeys {
    pub(crate) fn new(keys: &[SecretString]) -> ApiKeys {
        ApiKeys(Arc::new(keys.to_vec()))
    }
}

/// Which key a request came with: `key-<n>`, for the audit log.
#[derive(Clone, Debug)]
struct Actor(String);

/// The read API's routes, for any state the database comes from.
pub(crate) fn router<S>(keys: ApiKeys) -> Router<S>
where
    Db: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/api/v1/applications", get(list))
        .route("/api/v1/applications/{id}", get(one))
        .route("/api/v1/events", get(events))
        .route("/api/v1/events/{id}/redeliver", post(redeliver))
        .layer(axum::middleware::from_fn_with_state(keys, authenticate))
}

/// Why a call of the read API is refused: the one error type of its handlers, answered as
/// `{"error": code, "detail": …}`. Storage's cause goes to the log only.
#[derive(Debug, thiserror::Error)]
enum ApiError {
    #[error("no valid key")]
    Unauthorized,
    #[error("{detail}")]
    NotFound { detail: &'static str },
    #[error("{detail}")]
    BadRequest {
        code: &'static str,
        detail: &'static str,
    },
    #[error("storage did not answer")]
    Unavailable(#[from] StoreError),
}

impl ApiError {
    fn bad(code: &'static str, detail: &'static str) -> ApiError {
        ApiError::BadRequest { code, detail }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, detail) = match &self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send one of the configured PARTNER_API_KEYS as a bearer token.",
            ),
            ApiError::NotFound { detail } => (StatusCode::NOT_FOUND, "not_found", *detail),
            ApiError::BadRequest { code, detail } => (StatusCode::BAD_REQUEST, *code, *detail),
            ApiError::Unavailable(cause) => {
                tracing::error!(error = %crate::telemetry::Chain(cause), "partner API storage unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Storage did not answer; try again.",
                )
            }
        };
        let mut res = (status, Json(json!({ "error": code, "detail": detail }))).into_response();
        if matches!(self, ApiError::Unauthorized) {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// A read API handler's answer.
type ApiResult = Result<Response, ApiError>;

/// The bearer key, compared with every configured key in constant time.
async fn authenticate(State(keys): State<ApiKeys>, mut req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .as_bytes()
        .to_vec();
    let mut matched = None;
    for (i, key) in keys.0.iter().enumerate() {
        let key = key.expose_secret().as_bytes();
        let same = key.len() == presented.len()
            && bool::from(subtle::ConstantTimeEq::ct_eq(key, presented.as_slice()));
        if same {
            matched = Some(i + 1);
        }
    }
    let Some(n) = matched else {
        tracing::warn!(path = %req.uri().path(), code = "api_key_refused", "partner API call without a valid key refused");
        return ApiError::Unauthorized.into_response();
    };
    req.extensions_mut().insert(Actor(format!("key-{n}")));
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The application's state in one word.
fn state(a: &ApplicationRecord) -> &'static str {
    let status = a
        .identification_status
        .as_deref()
        .map(IdentificationStatus::parse);
    Stage::of(
        a.erased_at.is_some(),
        a.withdrawn_at.is_some(),
        status.as_ref(),
        a.submitted_at.is_some(),
    )
    .as_str()
}

fn time(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |ms| Value::String(rfc3339(ms)))
}

fn json_column(text: &Option<String>) -> Value {
    text.as_deref().map_or(Value::Null, body_json)
}

fn summary(a: &ApplicationRecord) -> Value {
    json!({
        "id": a.id,
        "state": state(a),
        "person_id": a.person_id,
        "identification_id": a.identification_id,
        "identification_status": a.identification_status,
        "created_at": rfc3339(a.created_at),
        "updated_at": rfc3339(a.updated_at),
    })
}

async fn one(
    State(db): State<Db>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> ApiResult {
    // Recorded before the answer: a look for an id that does not exist is a read too.
    audit::record(&db, &actor.0, "application.read", Some(&id), None).await?;
    let record = records::application(&db, &id)
        .await?
        .ok_or(ApiError::NotFound {
            detail: "No application with this id.",
        })?;
    let consents = records::consents(&db, &id).await?;
    let history = partner_events::of_application(&db, &id).await?;
    let history: Vec<Value> = history
        .iter()
        .filter(|e| e.event_type == EventType::StatusChanged.as_str())
        .map(|e| {
            let body = body_json(&e.body);
            json!({
                "identification_id": body["data"]["identification_id"],
                "status": body["data"]["status"],
                "failure_reason": body["data"]["failure_reason"],
                "at": rfc3339(e.created_at),
            })
        })
        .collect();
    let consents: Vec<Value> = consents
        .iter()
        .map(|c| {
            json!({
                "kind": c.kind,
                "version": c.version,
                "sha256": c.text_sha256,
                "language": c.language,
                "signed_at": c.signed_at,
            })
        })
        .collect();
    let mut body = summary(&record);
    let extra = json!({
        "submitted_at": time(record.submitted_at),
        "withdrawn_at": time(record.withdrawn_at),
        "erased_at": time(record.erased_at),
        "identification": record.identification_id.as_ref().map(|id| json!({
            "id": id,
            "status": record.identification_status,
            "failure_reason": record.failure_reason,
            "requested_at": time(record.identification_requested_at),
            "completed_at": record.identification_completed_at,
        })),
        "sent_to_solaris": json_column(&record.person_request),
        "held_by_solaris": json_column(&record.solaris_person),
        "consents": consents,
        "identification_history": history,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    Ok(Json(body).into_response())
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    updated_after: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// The keyset of a page's last row: `<updated_at ms>_<id>`.
fn parse_cursor(cursor: &str) -> Option<(i64, String)> {
    let (at, id) = cursor.split_once('_')?;
    Some((at.parse().ok()?, id.to_string()))
}

async fn list(
    State(db): State<Db>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad("invalid_limit", "limit is 1 to 1000."));
    }
    // One of the guide's statuses, not one Solaris may add later.
    let status = match q.status.as_deref().map(IdentificationStatus::parse) {
        Some(IdentificationStatus::Other(_)) => {
            return Err(ApiError::bad(
                "invalid_status",
                "status is an identification status of the guide.",
            ))
        }
        status => status,
    };
    let updated_after = match q.updated_after.as_deref() {
        None => i64::MIN,
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|_| {
                ApiError::bad(
                    "invalid_updated_after",
                    "updated_after is an RFC 3339 time, such as 2026-11-28T10:00:00Z.",
                )
            })?
            .timestamp_millis(),
    };
    let after = match q.cursor.as_deref().map(parse_cursor) {
        None => None,
        Some(Some(after)) => Some(after),
        Some(None) => {
            return Err(ApiError::bad(
                "invalid_cursor",
                "cursor is the next_cursor of a previous page.",
            ))
        }
    };
    let rows = records::page(
        &db,
        status.as_ref().map(IdentificationStatus::as_str),
        updated_after,
        after.as_ref().map(|(at, id)| (*at, id.as_str())),
        limit,
    )
    .await?;
    let detail = format!(
        "status={} updated_after={} rows={}",
        q.status.as_deref().unwrap_or("-"),
        q.updated_after.as_deref().unwrap_or("-"),
        rows.len()
    );
    audit::record(&db, &actor.0, "application.list", None, Some(&detail)).await?;
    let next_cursor = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| format!("{}_{}", r.updated_at, r.id)))
        .flatten();
    Ok(Json(json!({
        "data": rows.iter().map(summary).collect::<Vec<_>>(),
        "next_cursor": next_cursor,
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
struct EventsQuery {
    state: Option<String>,
}

async fn events(
    State(db): State<Db>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<EventsQuery>,
) -> ApiResult {
    let state = match q.state.as_deref() {
        None => EventState::Failed,
        Some(s) => EventState::parse(s).ok_or(ApiError::bad(
            "invalid_state",
            "state is waiting, delivered, failed or dropped.",
        ))?,
    };
    let rows = partner_events::in_state(&db, state.as_str()).await?;
    audit::record(&db, &actor.0, "event.list", None, Some(state.as_str())).await?;
    let data: Vec<Value> = rows
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "application_id": e.application_id,
                "seq": e.seq,
                "type": e.event_type,
                "state": e.state,
                "attempts": e.attempts,
                "last_error": e.last_error,
                "created_at": rfc3339(e.created_at),
                "delivered_at": time(e.delivered_at),
                "payload": body_json(&e.body),
            })
        })
        .collect();
    Ok(Json(json!({ "data": data })).into_response())
}

async fn redeliver(
    State(db): State<Db>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> ApiResult {
    if !partner_events::redeliver(&db, &id).await? {
        return Err(ApiError::NotFound {
            detail: "No failed event with this id.",
        });
    }
    tracing::info!(event_id = %id, actor = %actor.0, "partner event queued again by an operator");
    audit::record(&db, &actor.0, "event.redeliver", None, Some(&id)).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "id": id, "state": EventState::Waiting.as_str() })),
    )
        .into_response())
}
