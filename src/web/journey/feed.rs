//! The status feed behind the live stream: one poll per app instance reads what changed in
//! our own database since the last one, however many customers wait, and tells every open
//! stream. Solaris is never asked.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::broadcast;

use crate::db::{applications, Db};
use crate::domain::IdentificationStatus;
use crate::supervisor::Shutdown;

/// `(application id, identification status)` of every change seen, and the process's
/// shutdown, which ends every stream.
#[derive(Clone, Debug)]
pub struct StatusFeed {
    tx: broadcast::Sender<(String, IdentificationStatus)>,
    shutdown: Shutdown,
}

impl StatusFeed {
    pub fn new(shutdown: Shutdown) -> Self {
        StatusFeed {
            tx: broadcast::channel(4096).0,
            shutdown,
        }
    }
}

/// How often the instance looks for changes; the page sees a change within about this long.
const POLL: Duration = Duration::from_millis(250);
/// Changes are read again for this long, so a commit that lands late is not missed.
const OVERLAP_MS: i64 = 2_000;

/// Reads the status changes of the last moments and tells the streams (runs forever).
pub(crate) async fn watch_forever(db: Db, feed: StatusFeed) {
    let mut last: HashMap<String, IdentificationStatus> = HashMap::new();
    // Each poll reads from shortly before the previous one started, so a slow poll (a busy
    // machine) leaves no gap.
    let mut since = db.now_ms() - OVERLAP_MS;
    loop {
        tokio::time::sleep(POLL).await;
        let started = db.now_ms();
        if feed.tx.receiver_count() == 0 {
            // Nobody waits; a new stream starts from the status stored at that moment.
            since = started - OVERLAP_MS;
            continue;
        }
        match applications::changed_since(&db, since).await {
            Ok(rows) => {
                since = started - OVERLAP_MS;
                for (id, status) in rows {
                    if last.get(&id) != Some(&status) {
                        last.insert(id.clone(), status.clone());
                        let _ = feed.tx.send((id, status));
                    }
                }
                if last.len() > 100_000 {
                    last.clear();
                }
            }
            Err(e) => tracing::warn!(error = %e, "live status poll"),
        }
    }
}

impl StatusFeed {
    /// A receiver of every change from now on.
    pub(super) fn subscribe(&self) -> broadcast::Receiver<(String, IdentificationStatus)> {
        self.tx.subscribe()
    }

    /// The process's shutdown, which ends every stream.
    pub(super) fn shutdown(&self) -> &Shutdown {
        &self.shutdown
    }
}
