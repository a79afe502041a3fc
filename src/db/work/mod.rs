//! The work items of the durable Solaris queue (`solaris_work`): queued with the change that
//! causes them, taken with a lease, finished as done, retried or failed. The worker that runs
//! them is the work queue (`work`).

mod lease;
mod staff;

use sqlx::Any;

use super::history;
use super::{Db, StoreError};
use crate::domain::Happened;
pub use crate::domain::{WorkKind, WorkState};
pub use lease::*;
pub(crate) use staff::*;

/// Adds an item after the application's other items, inside the caller's transaction;
/// returns its id.
pub(crate) async fn enqueue(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    kind: WorkKind,
    now: i64,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().simple().to_string();
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
    .bind(&id)
    .bind(application_id)
    .bind(seq)
    .bind(kind.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    history::record(
        &mut **tx,
        now,
        application_id,
        Happened::WorkQueued,
        kind.as_str(),
        None,
    )
    .await?;
    Ok(id)
}

/// The customer pressed the button to IDnow: queues the request that starts the
/// identification, unless one is waiting or running already (a second click, or one on another
/// device); a click after a refusal queues a new one. Returns the id of the item to wait on.
pub async fn request_identification(db: &Db, application_id: &str) -> Result<String, StoreError> {
    let mut tx = db.begin_write().await?;
    // Under the application's lock on PostgreSQL: two clicks at once queue one request.
    sqlx::query(&format!(
        "select id from application where id = $1{}",
        db.for_update()
    ))
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    let waiting: Option<(String,)> = sqlx::query_as(
        "select id from solaris_work where application_id = $1 and kind = $2 and state = $3",
    )
    .bind(application_id)
    .bind(WorkKind::RequestIdentification.as_str())
    .bind(WorkState::Pending.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let id = match waiting {
        Some((id,)) => id,
        None => {
            enqueue(
                &mut tx,
                application_id,
                WorkKind::RequestIdentification,
                db.now_ms(),
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(id)
}

/// Where a work item stands; `None` when there is no such item.
pub(crate) async fn state_of(db: &Db, id: &str) -> Result<Option<WorkState>, StoreError> {
    let state: Option<(String,)> = sqlx::query_as("select state from solaris_work where id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    state
        .map(|(s,)| super::stored("solaris_work.state", &s, WorkState::parse))
        .transpose()
}

/// Queues a read (`kind`) for an application unless one is already waiting that has not
/// started: a read already running may have asked Solaris before the change that prompts this
/// one, so it does not count. One statement, inside the caller's transaction.
pub(crate) async fn enqueue_read(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    kind: WorkKind,
    now: i64,
) -> Result<(), StoreError> {
    let queued = sqlx::query(
        "insert into solaris_work (id, application_id, seq, kind, next_attempt_at, created_at, updated_at) \
         select $1, $2, (select coalesce(max(seq), 0) + 1 from solaris_work where application_id = $2), \
         $3, $4, $4, $4 where not exists (select 1 from solaris_work where application_id = $2 \
         and kind = $3 and state = $5 and (lease_until is null or lease_until < $4))",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(application_id)
    .bind(kind.as_str())
    .bind(now)
    .bind(WorkState::Pending.as_str())
    .execute(&mut **tx)
    .await?;
    if queued.rows_affected() == 1 {
        history::record(
            &mut **tx,
            now,
            application_id,
            Happened::WorkQueued,
            kind.as_str(),
            None,
        )
        .await?;
    }
    Ok(())
}

/// Queues one more item for an application in a transaction of its own.
pub async fn enqueue_one(db: &Db, application_id: &str, kind: WorkKind) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    enqueue(&mut tx, application_id, kind, db.now_ms()).await?;
    Ok(tx.commit().await?)
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
    Failed { kind: WorkKind, error: String },
}

#[derive(sqlx::FromRow)]
struct ProgressRow {
    kind: String,
    state: String,
    attempts: i64,
    last_error: Option<String>,
}

pub async fn progress(db: &Db, application_id: &str) -> Result<Progress, StoreError> {
    let rows: Vec<ProgressRow> = sqlx::query_as(
        "select kind, state, attempts, last_error from solaris_work where application_id = $1 order by seq",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push((
            super::stored("solaris_work.kind", &row.kind, WorkKind::parse)?,
            super::stored("solaris_work.state", &row.state, WorkState::parse)?,
            row.attempts,
            row.last_error,
        ));
    }
    // A read that failed refuses nothing: the customer waits on what it would have read.
    if let Some((kind, _, _, error)) = items
        .iter()
        .find(|i| i.1 == WorkState::Failed && !i.0.reads())
    {
        return Ok(Progress::Failed {
            kind: *kind,
            error: error.clone().unwrap_or_default(),
        });
    }
    let pending: Vec<_> = items.iter().filter(|i| i.1 == WorkState::Pending).collect();
    if pending.is_empty() {
        return Ok(Progress::Idle);
    }
    Ok(Progress::Working {
        done: items.iter().filter(|i| i.1 == WorkState::Done).count(),
        total: items.len(),
        retrying: pending.iter().any(|i| i.2 > 0 && i.3.is_some()),
    })
}
