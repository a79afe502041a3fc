//! Reconciliation: an application waiting on a status that no webhook has moved for a while is
//! read from Solaris again, with backoff, so a lost webhook delays a customer but never strands
//! them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::{applications, Db, StoreError};

/// Queues a read for every application whose identification can still change and whose next
/// read is due (`after` after the last status learned, doubling up to `max_wait`, for 15 days
/// after the request); returns how many were queued.
pub async fn reconcile_once(
    db: &Db,
    after: Duration,
    max_wait: Duration,
) -> Result<usize, StoreError> {
    let queued = applications::queue_reconciliation_reads(
        db,
        after.as_millis() as i64,
        max_wait.as_millis() as i64,
    )
    .await?;
    if queued > 0 {
        tracing::info!(queued, "reconciliation queued status reads");
    }
    Ok(queued)
}

pub(crate) async fn reconcile_forever(
    db: Db,
    work: Arc<Notify>,
    after: Duration,
    max_wait: Duration,
) {
    let tick = (after / 4).clamp(Duration::from_millis(200), Duration::from_secs(30));
    loop {
        db.clock.pause(tick).await;
        match reconcile_once(&db, after, max_wait).await {
            Ok(n) if n > 0 => work.notify_one(),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "reconciliation"),
        }
    }
}
