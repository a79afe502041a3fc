//! The work items of the durable Solaris queue (`solaris_work`): queued with the change that
//! causes them, taken with a lease, finished as done, retried or failed. The worker that runs
//! them is the work queue (`work`).

use sqlx::Any;

use super::history::{self, Queued};
use super::{to_json, wall_clock_ms, Db, StoreError};
use crate::domain::{Concern, Happened, SolarisRefusal};
pub use crate::domain::{WorkKind, WorkState};

/// Adds an item after the application's other items, inside the caller's transaction;
/// returns its id.
pub(crate) async fn enqueue(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    kind: WorkKind,
) -> Result<String, StoreError> {
    let now = wall_clock_ms();
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
        None => enqueue(&mut tx, application_id, WorkKind::RequestIdentification).await?,
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
    .bind(wall_clock_ms())
    .bind(WorkState::Pending.as_str())
    .execute(&mut **tx)
    .await?;
    if queued.rows_affected() == 1 {
        history::record(
            &mut **tx,
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
    enqueue(&mut tx, application_id, kind).await?;
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
struct DueRow {
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
                super::stored("solaris_work.kind", &kind, WorkKind::parse)?,
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
                kind: super::stored("solaris_work.kind", &r.kind, WorkKind::parse)?,
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
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "update solaris_work set state = $1, lease_owner = null, lease_until = null, \
         last_error = null, updated_at = $2 where id = $3 and lease_owner = $4",
    )
    .bind(WorkState::Done.as_str())
    .bind(wall_clock_ms())
    .bind(id)
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        history::record_for(&mut *tx, Queued::Work, id, Happened::WorkDone, "").await?;
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
    .bind(wall_clock_ms())
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
    let now = wall_clock_ms();
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
    let detail = format!(" after {} attempts: {why}", item.attempts + 1);
    history::record_for(
        &mut *tx,
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
    history::raise(
        &mut *tx,
        Some(&item.application_id),
        concern,
        &format!("work_failed:{}:{}", item.id, item.attempts + 1),
        &format!("{}{detail}", item.kind.as_str()),
    )
    .await?;
    Ok(tx.commit().await?)
}

/// Cancels every waiting item of an application (its data is gone), inside the caller's
/// transaction.
pub(super) async fn cancel_pending(
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
pub(super) async fn forget_refused(
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
    let now = wall_clock_ms();
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
