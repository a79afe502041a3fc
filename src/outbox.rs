//! The one sender loop both outboxes share (`mail` for customers, `partner_event` for the
//! bank's systems): each pass takes the rows that are due, one at a time with a lease so that
//! two instances never send one twice, and hands each to the outbox's own [`Sender`]; between
//! passes that found nothing it waits a moment. A row being sent is finished before shutdown.

use std::sync::Arc;
use std::time::Duration;

use crate::db::outbox::{self, Outbox};
use crate::db::{Db, StoreError};
use crate::supervisor::Shutdown;

/// What one outbox's sender knows: which rows are due and how to send one.
#[async_trait::async_trait]
pub trait Sender: Send + Sync + 'static {
    /// A row as the sender takes it.
    type Row: Send + Sync;

    /// The table.
    const OUTBOX: Outbox;
    /// How long a sender holds a row it is sending.
    const LEASE: Duration;
    /// How long to wait after a pass that found nothing.
    const POLL: Duration;

    fn db(&self) -> &Db;

    /// This sender's name on the leases it takes.
    fn owner(&self) -> &str;

    /// The rows due at `now`, oldest first.
    async fn due(&self, now: i64) -> Result<Vec<Self::Row>, StoreError>;

    fn id(row: &Self::Row) -> &str;

    /// Sends a row this sender holds, and ends it or hands it back.
    async fn send(&self, row: &Self::Row) -> Result<(), StoreError>;

    /// Work of the sender's own after each pass; how many things it sent.
    async fn after_pass(&self) -> Result<usize, StoreError> {
        Ok(0)
    }
}

/// Sends until shutdown.
pub async fn run<S: Sender>(sender: Arc<S>, mut shutdown: Shutdown) {
    loop {
        let taken = match pass(&*sender, &shutdown).await {
            Ok(taken) => taken,
            Err(e) => {
                tracing::error!(error = %e, outbox = ?S::OUTBOX, "outbox unavailable");
                0
            }
        };
        if shutdown.is_requested() {
            return;
        }
        // After a pass that sent something the next rows may be due at once (the next event of
        // an application waits for the one before it); otherwise wait a moment.
        if taken == 0 {
            // Retries are due on the clock: a moved one is looked at at once.
            tokio::select! {
                awake = shutdown.sleep(S::POLL) => if !awake { return },
                () = sender.db().clock.moved() => {}
            }
        }
    }
}

/// One pass: every row due now, then the sender's own work; returns how many were taken.
pub(crate) async fn pass<S: Sender>(sender: &S, shutdown: &Shutdown) -> Result<usize, StoreError> {
    let now = sender.db().now_ms();
    let mut taken = 0;
    for row in sender.due(now).await? {
        if shutdown.is_requested() {
            break;
        }
        let lease_until = sender.db().now_ms() + S::LEASE.as_millis() as i64;
        let id = S::id(&row);
        if !outbox::claim(sender.db(), S::OUTBOX, id, sender.owner(), now, lease_until).await? {
            continue;
        }
        taken += 1;
        sender.send(&row).await?;
    }
    if !shutdown.is_requested() {
        taken += sender.after_pass().await?;
    }
    Ok(taken)
}
