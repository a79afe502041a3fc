//! Control endpoints under `/_sandbox/`: the clock, fault rules, the request log, webhook
//! deliveries, and Solaris' own deletion of a person. Never under `/v1`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::clock::format_utc_millis;
use super::error::{parse_object, ApiError, ApiResult};
use super::faults::FaultConfig;
use super::log::LogEntry;
use super::{delivery, engine, Sandbox};

pub fn router() -> Router<Sandbox> {
    Router::new()
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance))
        .route(
            "/_sandbox/faults",
            get(get_faults)
                .put(set_faults)
                .post(set_faults)
                .delete(clear_faults),
        )
        .route("/_sandbox/log", get(log).delete(clear_log))
        .route("/_sandbox/deliveries", get(deliveries))
        .route("/_sandbox/mail", get(super::mailbox::list))
        .route("/_sandbox/events", get(super::event_box::list))
        .route("/_sandbox/persons/{id}/delete", post(delete_person))
}

fn clock_json(sandbox: &Sandbox) -> Value {
    json!({
        "now": format_utc_millis(sandbox.clock.now_ms()),
        "offset_seconds": sandbox.clock.offset_ms() as f64 / 1000.0,
        "time_scale": sandbox.settings.time_scale,
    })
}

async fn clock(State(sandbox): State<Sandbox>) -> Json<Value> {
    Json(clock_json(&sandbox))
}

/// `POST /_sandbox/clock/advance` with `{"seconds": N}`: moves the clock, runs every step that
/// became due and makes every webhook attempt now due before answering, so a test can read the
/// new state right away.
async fn advance(State(sandbox): State<Sandbox>, body: Bytes) -> ApiResult<Json<Value>> {
    let body = parse_object(&body)?;
    let seconds = body
        .get("seconds")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s >= 0.0);
    let Some(seconds) = seconds else {
        return Err(ApiError::invalid_model(vec![(
            "seconds".into(),
            "must be a number of seconds, zero or more".into(),
        )]));
    };
    sandbox
        .clock
        .advance((seconds * 1000.0).round() as i64)
        .await?;
    engine::run_due(&sandbox).await?;
    super::delivery::send_due(&sandbox).await?;
    sandbox.wake_deliveries.notify_one();
    Ok(Json(clock_json(&sandbox)))
}

async fn get_faults(State(sandbox): State<Sandbox>) -> Json<FaultConfig> {
    Json(sandbox.faults.get())
}

async fn set_faults(State(sandbox): State<Sandbox>, body: Bytes) -> ApiResult<Json<FaultConfig>> {
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::invalid_json("not UTF-8"))?;
    let config = FaultConfig::parse(text).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_faults",
            "Invalid Fault Rules",
            e,
        )
    })?;
    tracing::info!(?config, "sandbox fault rules set");
    sandbox.faults.set(config);
    Ok(Json(sandbox.faults.get()))
}

async fn clear_faults(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.faults.set(FaultConfig::default());
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct LogQuery {
    #[serde(default)]
    after: u64,
}

async fn log(State(sandbox): State<Sandbox>, Query(q): Query<LogQuery>) -> Json<Vec<LogEntry>> {
    Json(sandbox.log.entries_after(q.after))
}

async fn clear_log(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.log.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct DeliveryQuery {
    event_type: Option<String>,
    entity_id: Option<String>,
}

type DeliveryRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    i64,
);

/// `GET /_sandbox/deliveries`: every webhook notification and how its delivery stands.
async fn deliveries(
    State(sandbox): State<Sandbox>,
    Query(q): Query<DeliveryQuery>,
) -> ApiResult<Json<Value>> {
    let rows: Vec<DeliveryRow> = sqlx::query_as(
        "select id, subscription_id, event_type, entity_id, state, attempts, last_status, created_at \
         from sandbox_delivery where ($1 = '' or event_type = $1) and ($2 = '' or entity_id = $2) \
         order by created_at, id",
    )
    .bind(q.event_type.unwrap_or_default())
    .bind(q.entity_id.unwrap_or_default())
    .fetch_all(&sandbox.db.pool)
    .await?;
    Ok(Json(Value::Array(
        rows.into_iter()
            .map(
                |(id, sub, event_type, entity_id, state, attempts, last_status, created_at)| {
                    json!({
                        "id": id, "subscription_id": sub, "event_type": event_type,
                        "entity_id": entity_id, "state": state, "attempts": attempts,
                        "last_status": last_status, "created_at": format_utc_millis(created_at),
                    })
                },
            )
            .collect(),
    )))
}

/// `POST /_sandbox/persons/{id}/delete`: what Solaris does to a person who did not become a
/// customer within 90 days: the personal data is gone and `PERSON_DELETED` fires.
async fn delete_person(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    super::persons::load(&sandbox, &id).await?;
    sqlx::query(
        "update sandbox_person set body = '{}', first_name = '', last_name = '', birth_city = '', \
         birth_date = '', deleted_at = $1, updated_at = $1 where id = $2",
    )
    .bind(sandbox.clock.now_ms())
    .bind(&id)
    .execute(&sandbox.db.writer)
    .await?;
    for table in [
        "sandbox_mobile_number",
        "sandbox_change_request",
        "sandbox_document",
    ] {
        sqlx::query(&format!("delete from {table} where person_id = $1"))
            .bind(&id)
            .execute(&sandbox.db.writer)
            .await?;
    }
    delivery::notify(&sandbox, "PERSON_DELETED", &id, json!({})).await?;
    Ok(StatusCode::NO_CONTENT)
}
