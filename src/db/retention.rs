//! The retention job's storage: erasing the personal data of applications that never reached
//! Solaris, pruning the webhook inbox, and the proof rows of what was erased.

use super::applications::{log_in, ERASED};
use super::{work, Db, StoreError};
use crate::db::work::{WorkKind, WorkState};

pub use crate::domain::ErasureReason as Reason;

/// An application that never reached Solaris and has not changed since `before` (ms): its id
/// and its data screens (JSON), to tell where the customer lives.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct Unreached {
    pub id: String,
    pub details: Option<String>,
}

/// Applications without a Solaris person, not erased, unchanged since `before`, and with no
/// person creation under way (one attempted and not refused may have reached Solaris).
pub(crate) async fn unreached_since(db: &Db, before: i64) -> Result<Vec<Unreached>, StoreError> {
    Ok(sqlx::query_as(
        "select a.id, a.details from application a where a.person_id is null \
         and a.erased_at is null and a.updated_at < $1 and not exists (\
           select 1 from solaris_work w where w.application_id = a.id and w.kind = $2 \
           and w.attempts > 0 and w.state <> $3)",
    )
    .bind(before)
    .bind(WorkKind::CreatePerson.as_str())
    .bind(WorkState::Failed.as_str())
    .fetch_all(&db.pool)
    .await?)
}

/// Erases the personal data of an application that never reached Solaris, unless it changed
/// since `before` meanwhile; true when erased. The row stays, without personal data.
pub(crate) async fn erase_unreached(
    db: &Db,
    id: &str,
    before: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let erased = sqlx::query(&format!(
        "update application set {ERASED}, erased_at = $1, updated_at = $1 \
         where id = $2 and person_id is null and erased_at is null and updated_at < $3"
    ))
    .bind(now)
    .bind(id)
    .bind(before)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if erased {
        work::cancel_pending(&mut tx, id, now).await?;
        super::applications::erase_staff_text(&mut tx, id).await?;
        super::history::record(
            &mut *tx,
            db.now_ms(),
            id,
            super::history::Happened::Erased,
            "retention",
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(erased)
}

/// Deletes the webhook deliveries received before `before`; returns how many.
pub(crate) async fn prune_inbox(db: &Db, before: i64) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("delete from webhook_inbox where received_at < $1")
            .bind(before)
            .execute(&db.writer)
            .await?
            .rows_affected(),
    )
}

/// The proof of an erasure: when, why, how many.
pub async fn log(db: &Db, reason: Reason, erased: u64) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    log_in(&mut tx, reason, erased as i64, db.now_ms()).await?;
    Ok(tx.commit().await?)
}
