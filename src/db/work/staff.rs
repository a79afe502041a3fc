//! What the bank's staff see of an application's work items, and their retry of one that
//! failed.

use crate::db::{Db, StoreError};
use crate::domain::{WorkKind, WorkState};

/// A work item of an application, with its attempts and last error.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct WorkItem {
    pub id: String,
    pub seq: i64,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub state: WorkState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub updated_at: i64,
}

pub(crate) async fn work_of(db: &Db, application_id: &str) -> Result<Vec<WorkItem>, StoreError> {
    Ok(sqlx::query_as(
        "select id, seq, kind, state, attempts, last_error, updated_at from solaris_work \
         where application_id = $1 order by seq",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A failed work item is given another run; false unless it had failed (and its application
/// is still going: neither withdrawn nor erased). A creation's later items, canceled when it
/// failed because they depend on it, run again after it; the refusal the customer was shown
/// is cleared.
pub(crate) async fn retry_failed_work(
    db: &Db,
    application_id: &str,
    work_id: &str,
) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    // Two staff retrying at once: the second finds the item no longer failed.
    let item: Option<(String, i64)> = sqlx::query_as(&format!(
        "select w.kind, w.seq from solaris_work w join application a on a.id = w.application_id \
         where w.id = $1 and w.application_id = $2 and w.state = 'failed' \
         and a.withdrawn_at is null and a.erased_at is null{}",
        db.for_update()
    ))
    .bind(work_id)
    .bind(application_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((kind, seq)) = item else {
        tx.rollback().await?;
        return Ok(false);
    };
    sqlx::query(
        "update solaris_work set state = 'pending', attempts = 0, next_attempt_at = $1, \
         last_error = null, lease_owner = null, lease_until = null, outcome_unknown = 0, \
         first_attempt_at = null, updated_at = $1 where id = $2",
    )
    .bind(now)
    .bind(work_id)
    .execute(&mut *tx)
    .await?;
    if WorkKind::parse(&kind).is_some_and(WorkKind::creates) {
        sqlx::query(
            "update solaris_work set state = 'pending', next_attempt_at = $1, updated_at = $1 \
             where application_id = $2 and state = 'canceled' and seq > $3",
        )
        .bind(now)
        .bind(application_id)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("update application set solaris_error = null, updated_at = $1 where id = $2")
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}
