//! The `partner_event` outbox: events for the bank's systems, written in the transaction of the
//! change they report, numbered per application and delivered in that order, each taken by one
//! sender at a time with a lease; and their reads for the partner API.

use super::{Db, StoreError};
pub(crate) use crate::domain::EventType;
use serde_json::{json, Value};
use sqlx::Any;

/// The ids and statuses an event carries (never personal data).
#[derive(Clone, Debug, Default)]
pub(crate) struct EventData<'a> {
    pub person_id: Option<&'a str>,
    pub identification_id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub failure_reason: Option<&'a str>,
}

/// RFC 3339 in UTC, to the millisecond, for a time in ms.
pub(crate) fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Queues an event after the application's others, inside the caller's transaction; nothing
/// when the application has one for `cause` already.
pub(crate) async fn enqueue(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    event: EventType,
    cause: &str,
    data: EventData<'_>,
    now: i64,
) -> Result<(), StoreError> {
    let body = json!({
        "type": event.as_str(),
        "timestamp": rfc3339(now),
        "data": {
            "application_id": application_id,
            "person_id": data.person_id,
            "identification_id": data.identification_id,
            "status": data.status,
            "failure_reason": data.failure_reason,
        }
    });
    sqlx::query(
        "insert into partner_event (id, application_id, seq, cause, event_type, body, state, \
         created_at, due_at) \
         select $1, $2, coalesce((select max(seq) from partner_event where application_id = $2), 0) + 1, \
         $3, $4, $5, 'waiting', $6, $6 where true on conflict do nothing",
    )
    .bind(format!("evt_{}", uuid::Uuid::new_v4().simple()))
    .bind(application_id)
    .bind(cause)
    .bind(event.as_str())
    .bind(body.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An event due for delivery.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueEvent {
    pub id: String,
    pub application_id: String,
    pub event_type: String,
    pub body: String,
    pub attempts: i64,
}

/// Due events that are the first waiting one of their application, that no sender holds.
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<DueEvent>, StoreError> {
    Ok(sqlx::query_as(
        "select e.id, e.application_id, e.event_type, e.body, e.attempts from partner_event e \
         where e.state = 'waiting' and e.due_at <= $1 \
         and (e.lease_until is null or e.lease_until < $1) \
         and not exists (select 1 from partner_event p where p.application_id = e.application_id \
                         and p.state = 'waiting' and p.seq < e.seq) \
         order by e.due_at, e.created_at limit $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// An operator sends a failed event again; false when there is no such failed event.
pub async fn redeliver(db: &Db, id: &str) -> Result<bool, StoreError> {
    let changed = sqlx::query(
        "update partner_event set state = 'waiting', attempts = 0, due_at = $1, \
         last_error = null where id = $2 and state = 'failed'",
    )
    .bind(db.now_ms())
    .bind(id)
    .execute(&db.writer)
    .await?;
    Ok(changed.rows_affected() == 1)
}

/// Events waiting, and failed for good, for the metrics.
pub async fn counts(db: &Db) -> Result<(i64, i64), StoreError> {
    Ok(sqlx::query_as(
        "select coalesce(sum(case when state = 'waiting' then 1 else 0 end), 0), \
         coalesce(sum(case when state = 'failed' then 1 else 0 end), 0) from partner_event",
    )
    .fetch_one(&db.pool)
    .await?)
}

/// One event as the API lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct StoredEvent {
    pub id: String,
    pub application_id: String,
    pub seq: i64,
    pub event_type: String,
    pub body: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

const EVENT_COLUMNS: &str = "id, application_id, seq, event_type, body, state, attempts, \
     last_error, created_at, delivered_at";

/// The events of one application, in order: its history.
pub(crate) async fn of_application(
    db: &Db,
    application_id: &str,
) -> Result<Vec<StoredEvent>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "select {EVENT_COLUMNS} from partner_event where application_id = $1 order by seq"
    ))
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Events in `state`, oldest first (at most 500).
pub(crate) async fn in_state(db: &Db, state: &str) -> Result<Vec<StoredEvent>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "select {EVENT_COLUMNS} from partner_event where state = $1 order by created_at, id limit 500"
    ))
    .bind(state)
    .fetch_all(&db.pool)
    .await?)
}

/// The body's JSON, for the API (a stored body always parses; a broken one shows as null).
pub(crate) fn body_json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or(Value::Null)
}
