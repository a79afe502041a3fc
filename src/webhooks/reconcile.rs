//! Reconciliation: an application waiting on a status that no webhook has moved for a while is
//! read from Solaris again, with backoff, so a lost webhook delays a customer but never strands
//! them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::{wall_clock_ms, Db};
use crate::queue::{self, WorkKind};

/// Statuses that can still change: the waiting ones, a cancel that a review may turn into a
/// success (guide appendix II, case 2), a success that a review may cancel (case 3), and an
/// abort the customer may retry.
const OPEN: &str =
    "('pending', 'pending_successful', 'pending_failed', 'canceled', 'aborted', 'successful')";
/// Reads without any webhook in between after which an application is left alone (with the
/// doubling wait, about 15 hours at the default 120 s).
pub const MAX_READS: i64 = 12;

/// Queues a read for every open application whose last webhook and last read are older than
/// `after` × 2^(reads so far, at most 6); returns how many were queued.
pub async fn reconcile_once(db: &Db, after: Duration) -> Result<usize, sqlx::Error> {
    let now = wall_clock_ms();
    let base = after.as_millis() as i64;
    let candidates: Vec<(String, i64)> = sqlx::query_as(&format!(
        "select id, reconcile_count from application where identification_status in {OPEN} \
         and identification_id is not null and erased_at is null and reconcile_count < $2 \
         and coalesce(last_webhook_at, 0) < $1 and coalesce(last_refresh_at, 0) < $1"
    ))
    .bind(now - base)
    .bind(MAX_READS)
    .fetch_all(&db.pool)
    .await?;
    let mut queued = 0;
    for (id, count) in candidates {
        let wait = base.saturating_mul(1 << count.clamp(0, 6));
        let mut tx = db.begin_write().await?;
        // The conditional update makes one instance win when several reconcile at once.
        let claimed = sqlx::query(
            "update application set last_refresh_at = $1, reconcile_count = reconcile_count + 1 \
             where id = $2 and coalesce(last_refresh_at, 0) < $3 and coalesce(last_webhook_at, 0) < $3",
        )
        .bind(now)
        .bind(&id)
        .bind(now - wait)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 1 {
            queue::enqueue_read(&mut tx, &id, WorkKind::RefreshIdentification).await?;
            queued += 1;
        }
        tx.commit().await?;
    }
    if queued > 0 {
        tracing::info!(queued, "reconciliation queued status reads");
    }
    Ok(queued)
}

pub async fn reconcile_forever(db: Db, work: Arc<Notify>, after: Duration) {
    let tick = (after / 4).clamp(Duration::from_millis(200), Duration::from_secs(30));
    loop {
        tokio::time::sleep(tick).await;
        match reconcile_once(&db, after).await {
            Ok(n) if n > 0 => work.notify_one(),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "reconciliation"),
        }
    }
}
