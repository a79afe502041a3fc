//! Taking due work items with a lease, keeping the lease while an item runs, and ending an
//! item: done, tried again later with backoff, or failed for good (a creation's later items
//! canceled with it).

use sqlx::Any;

use crate::db::history::{self, Queued};
use crate::db::{to_json, Db, StoreError};
use crate::domain::{Concern, Happened, SolarisRefusal};
use crate::domain::{WorkKind, WorkState};

/// An item due now, before it is taken.
#[derive(Debug)]
pub struct Due {
    pub id: String,
    pub application_id: String,
    pub seq: i64,
    pub kind: WorkKind,
    /// Attempts before this one.
    pub attempts: i64,
    /// When the first attempt began (ms); `None` before it.
    pub first_attempt_at: Option<i64>,
    /// An earlier attempt may have reached Solaris without our seeing the answer.
    pub outcome_unknown: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct DueRow {
    id: String,
    application_id: String,
    seq: i64,
    kind: String,
    attempts: i64,
    first_attempt_at: Option<i64>,
    outcome_unknown: i64,
}

/// Per kind: the items waiting (pending, due or not) and the age in ms of the oldest at `now`.
pub(crate) async fn waiting_by_kind(
    db: &Db,
    now: i64,
) -> Result<Vec<(WorkKind, i64, i64)>, StoreError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "select kind, count(*), min(created_at) from solaris_work where state = $1 group by kind",
    )
    .bind(WorkState::Pending.as_str())
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(kind, n, oldest)| {
            Ok((
                crate::db::stored("solaris_work.kind", &kind, WorkKind::parse)?,
                n,
                now - oldest,
            ))
        })
        .collect()
}

/// Up to `limit` items due at `now`: the first pending item of each application only, so an
/// application's items run in order; items whose lease passed are due again.
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<Due>, StoreError> {
    let rows: Vec<DueRow> = sqlx::query_as(
        "select w.id, w.application_id, w.seq, w.kind, w.attempts, w.first_attempt_at, \
         w.outcome_unknown from solaris_work w \
         where w.state = $2 and w.next_attempt_at <= $1 \
         and (w.lease_until is null or w.lease_until < $1) \
         and not exists (select 1 from solaris_work e where e.application_id = w.application_id \
                         and e.state = $2 and e.seq < w.seq) \
         order by w.next_attempt_at, w.created_at limit $3",
    )
    .bind(now)
    .bind(WorkState::Pending.as_str())
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Due {
                kind: crate::db::stored("solaris_work.kind", &r.kind, WorkKind::parse)?,
                id: r.id,
                application_id: r.application_id,
                seq: r.seq,
                attempts: r.attempts,
                first_attempt_at: r.first_attempt_at,
                outcome_unknown: r.outcome_unknown != 0,
            })
        })
        .collect()
}

/// Person creations started since `since` (ms) across all instances: the finished ones and
/// those running now. The worker's budget of new Solaris persons counts these.
pub(crate) async fn person_creations_since(
    db: &Db,
    since: i64,
    now: i64,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "select count(*) from solaris_work where kind = $1 and \
         ((state = $2 and updated_at >= $3) or (state = $4 and lease_until >= $5))",
    )
    .bind(WorkKind::CreatePerson.as_str())
    .bind(WorkState::Done.as_str())
    .bind(since)
    .bind(WorkState::Pending.as_str())
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(n)
}

/// Takes an item for `owner` until `lease_until`, counting the attempt; false when another
/// worker was first. An item still leased to a worker that stopped answering may have reached
/// Solaris: its outcome is unknown.
pub(crate) async fn claim(
    db: &Db,
    id: &str,
    owner: &str,
    now: i64,
    lease_until: i64,
) -> Result<bool, StoreError> {
    let claimed = sqlx::query(
        "update solaris_work set lease_owner = $1, lease_until = $2, attempts = attempts + 1, \
         first_attempt_at = coalesce(first_attempt_at, $3), updated_at = $3, \
         outcome_unknown = case when lease_owner is null then outcome_unknown else 1 end \
         where id = $4 and state = $5 \
         and (lease_until is null or lease_until < $3)",
    )
    .bind(owner)
    .bind(lease_until)
    .bind(now)
    .bind(id)
    .bind(WorkState::Pending.as_str())
    .execute(&db.writer)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Moves the lease of an item its owner still holds; false when the owner no longer holds it.
pub(crate) async fn renew_lease(
    db: &Db,
    id: &str,
    owner: &str,
    until: i64,
) -> Result<bool, StoreError> {
    let renewed = sqlx::query(
        "update solaris_work set lease_until = $1 where id = $2 and lease_owner = $3 and state = $4",
    )
    .bind(until)
    .bind(id)
    .bind(owner)
    .bind(WorkState::Pending.as_str())
    .execute(&db.writer)
    .await?;
    Ok(renewed.rows_affected() == 1)
}

/// The item ran; only its lease holder may say so.
pub async fn finish(db: &Db, id: &str, owner: &str) -> Result<(), StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "update solaris_work set state = $1, lease_owner = null, lease_until = null, \
         last_error = null, updated_at = $2 where id = $3 and lease_owner = $4",
    )
    .bind(WorkState::Done.as_str())
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        history::record_for(&mut *tx, now, Queued::Work, id, Happened::WorkDone, "").await?;
    }
    Ok(tx.commit().await?)
}

/// The attempt failed in a way worth trying again at `next_attempt_at`; `outcome_unknown`
/// when it may have reached Solaris all the same (remembered for every later attempt). A read
/// steps aside while it waits: it moves behind the application's other items, so a read that
/// keeps failing never holds up the work queued after it (nothing depends on a read).
pub(crate) async fn retry_later(
    db: &Db,
    item: &Due,
    owner: &str,
    why: &str,
    next_attempt_at: i64,
    outcome_unknown: bool,
) -> Result<(), StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "update solaris_work set lease_owner = null, lease_until = null, last_error = $1, \
         next_attempt_at = $2, updated_at = $3, \
         outcome_unknown = case when $6 = 1 then 1 else outcome_unknown end, \
         seq = case when $7 = 1 then (select max(s.seq) + 1 from solaris_work s \
                                      where s.application_id = $8) else seq end \
         where id = $4 and lease_owner = $5",
    )
    .bind(why)
    .bind(next_attempt_at)
    .bind(now)
    .bind(&item.id)
    .bind(owner)
    .bind(i64::from(outcome_unknown))
    .bind(i64::from(item.kind.reads()))
    .bind(&item.application_id)
    .execute(&mut *tx)
    .await?;
    let detail = format!(" attempt {}: {why}", item.attempts + 1);
    history::record_for(
        &mut *tx,
        now,
        Queued::Work,
        &item.id,
        Happened::WorkRetry,
        &detail,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// Solaris refused the item: it fails; unless it was a read, the application records Solaris'
/// answer (`detail`), and when it was a creation, the application's later items are canceled
/// (they depend on it).
pub(crate) async fn fail(
    db: &Db,
    item: &Due,
    why: &str,
    refusal: Option<&SolarisRefusal>,
) -> Result<(), StoreError> {
    let detail = refusal
        .map(|r| to_json("application.solaris_error", r))
        .transpose()?;
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "update solaris_work set state = $1, lease_owner = null, lease_until = null, \
         last_error = $2, updated_at = $3 where id = $4",
    )
    .bind(WorkState::Failed.as_str())
    .bind(why)
    .bind(now)
    .bind(&item.id)
    .execute(&mut *tx)
    .await?;
    if item.kind.creates() {
        sqlx::query(
            "update solaris_work set state = $1, updated_at = $2 \
             where application_id = $3 and state = $4 and seq > $5",
        )
        .bind(WorkState::Canceled.as_str())
        .bind(now)
        .bind(&item.application_id)
        .bind(WorkState::Pending.as_str())
        .bind(item.seq)
        .execute(&mut *tx)
        .await?;
    }
    if !item.kind.reads() {
        sqlx::query("update application set solaris_error = $1, updated_at = $2 where id = $3")
            .bind(detail.as_deref())
            .bind(now)
            .bind(&item.application_id)
            .execute(&mut *tx)
            .await?;
    }
    // `attempts` counts the attempt that just failed.
    let detail = format!(" after {} attempts: {why}", item.attempts);
    history::record_for(
        &mut *tx,
        now,
        Queued::Work,
        &item.id,
        Happened::WorkFailed,
        &detail,
    )
    .await?;
    // A status read that keeps failing leaves the customer waiting on a status nobody learns.
    let concern = if item.kind == WorkKind::RefreshIdentification {
        Concern::StatusReadFailing
    } else {
        Concern::WorkFailed
    };
    // One item per application and kind of work, however often it fails again (each
    // reconciliation round queues a new read): its detail tells the latest failure.
    history::raise_standing(
        &mut *tx,
        now,
        Some(&item.application_id),
        concern,
        &format!(
            "{}:{}:{}",
            concern.as_str(),
            item.application_id,
            item.kind.as_str()
        ),
        &format!("{}{detail}", item.kind.as_str()),
    )
    .await?;
    Ok(tx.commit().await?)
}

/// Cancels every waiting item of an application (its data is gone), inside the caller's
/// transaction.
pub(in crate::db) async fn cancel_pending(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "update solaris_work set state = $1, last_error = null, updated_at = $2 \
         where application_id = $3 and state = $4",
    )
    .bind(WorkState::Canceled.as_str())
    .bind(now)
    .bind(application_id)
    .bind(WorkState::Pending.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Forgets the refused and canceled items of an application whose submission is withdrawn.
pub(in crate::db) async fn forget_refused(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("delete from solaris_work where application_id = $1 and state in ($2, $3)")
        .bind(application_id)
        .bind(WorkState::Failed.as_str())
        .bind(WorkState::Canceled.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
