//! The durable queue of Solaris work: what the customer submits is stored with the work items
//! that send it to Solaris, in one transaction; workers inside the app run the items through
//! the [`SolarisClient`](crate::solaris::SolarisClient), record the outcome on the application
//! and retry with backoff while Solaris is unavailable.
//!
//! Duplicates: Solaris has no idempotency key. A creation is sent once per attempt; when an
//! attempt failed ambiguously (no answer, 5xx), the next attempt first looks for what the
//! earlier one may have created (a person with exactly the submitted names, birth data, e-mail
//! and consent timestamps; an identification in `created` state of the person) and adopts it
//! instead of creating a second one.

mod worker;

use serde::Serialize;
use sqlx::Any;

use crate::db::{wall_clock_ms, Db};
use crate::solaris::types::{NewIdentification, NewPerson};
pub use worker::{Worker, WorkerOptions};

/// The kinds of Solaris work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkKind {
    CreatePerson,
    CreateIdentification,
    RequestIdentification,
    RefreshIdentification,
    SyncPerson,
}

impl WorkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkKind::CreatePerson => "create_person",
            WorkKind::CreateIdentification => "create_identification",
            WorkKind::RequestIdentification => "request_identification",
            WorkKind::RefreshIdentification => "refresh_identification",
            WorkKind::SyncPerson => "sync_person",
        }
    }

    pub fn parse(s: &str) -> Option<WorkKind> {
        Some(match s {
            "create_person" => WorkKind::CreatePerson,
            "create_identification" => WorkKind::CreateIdentification,
            "request_identification" => WorkKind::RequestIdentification,
            "refresh_identification" => WorkKind::RefreshIdentification,
            "sync_person" => WorkKind::SyncPerson,
            _ => return None,
        })
    }
}

/// Adds an item after the application's other items, inside the caller's transaction.
pub async fn enqueue(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    kind: WorkKind,
) -> Result<(), sqlx::Error> {
    let now = wall_clock_ms();
    let (seq,): (i64,) = sqlx::query_as(
        "select coalesce(max(seq), 0) + 1 from solaris_work where application_id = $1",
    )
    .bind(application_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "insert into solaris_work (id, application_id, seq, kind, next_attempt_at, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $5, $5)",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(application_id)
    .bind(seq)
    .bind(kind.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Queues a read (`kind`) for an application unless one is already waiting that has not
/// started: a read already running may have asked Solaris before the change that prompts this
/// one, so it does not count. One statement, inside the caller's transaction.
pub async fn enqueue_read(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    kind: WorkKind,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into solaris_work (id, application_id, seq, kind, next_attempt_at, created_at, updated_at) \
         select $1, $2, (select coalesce(max(seq), 0) + 1 from solaris_work where application_id = $2), \
         $3, $4, $4, $4 where not exists (select 1 from solaris_work where application_id = $2 \
         and kind = $3 and state = 'pending' and (lease_until is null or lease_until < $4))",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(application_id)
    .bind(kind.as_str())
    .bind(wall_clock_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores the customer's confirmed data and queues the person and identification creations,
/// all or nothing. A second submission of the same application changes nothing.
pub async fn submit(
    db: &Db,
    application_id: &str,
    person: &NewPerson,
    identification: &NewIdentification,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let language = identification
        .language
        .as_ref()
        .map(|l| l.as_str().to_string())
        .unwrap_or_else(|| "EN".into());
    let updated = sqlx::query(
        "update application set person_request = $1, identification_request = $2, language = $3, \
         updated_at = $4 where id = $5 and person_request is null",
    )
    .bind(serde_json::to_string(person).map_err(|e| sqlx::Error::Encode(Box::new(e)))?)
    .bind(serde_json::to_string(identification).map_err(|e| sqlx::Error::Encode(Box::new(e)))?)
    .bind(language)
    .bind(wall_clock_ms())
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    enqueue(&mut tx, application_id, WorkKind::CreatePerson).await?;
    enqueue(&mut tx, application_id, WorkKind::CreateIdentification).await?;
    tx.commit().await?;
    Ok(true)
}

/// Queues one more item for an application in a transaction of its own.
pub async fn enqueue_one(db: &Db, application_id: &str, kind: WorkKind) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    enqueue(&mut tx, application_id, kind).await?;
    tx.commit().await
}

/// How the Solaris work of an application stands, for the page the customer waits on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing queued or everything done.
    Idle,
    /// Items are waiting or running; `retrying` when an attempt already failed.
    Working {
        done: usize,
        total: usize,
        retrying: bool,
    },
    /// Solaris refused an item; the application cannot go on without a change.
    Failed { kind: String, error: String },
}

pub async fn progress(db: &Db, application_id: &str) -> Result<Progress, sqlx::Error> {
    let rows: Vec<(String, String, i64, Option<String>)> = sqlx::query_as(
        "select kind, state, attempts, last_error from solaris_work where application_id = $1 order by seq",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?;
    if let Some((kind, _, _, error)) = rows.iter().find(|r| r.1 == "failed") {
        return Ok(Progress::Failed {
            kind: kind.clone(),
            error: error.clone().unwrap_or_default(),
        });
    }
    let pending: Vec<_> = rows.iter().filter(|r| r.1 == "pending").collect();
    if pending.is_empty() {
        return Ok(Progress::Idle);
    }
    Ok(Progress::Working {
        done: rows.iter().filter(|r| r.1 == "done").count(),
        total: rows.len(),
        retrying: pending.iter().any(|r| r.2 > 0 && r.3.is_some()),
    })
}
