//! The sandbox clock: the wall clock plus an offset that tests move forward instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use crate::db::{wall_clock_ms, Db};

#[derive(Clone, Debug)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    db: Db,
}

impl Clock {
    /// Loads the offset kept in the database, so time moved forward stays moved after a restart.
    pub async fn load(db: Db) -> Result<Self, sqlx::Error> {
        let (offset,): (i64,) = sqlx::query_as("select offset_ms from sandbox_clock where id = 1")
            .fetch_one(&db.pool)
            .await?;
        Ok(Clock {
            offset_ms: Arc::new(AtomicI64::new(offset)),
            db,
        })
    }

    pub(crate) fn now_ms(&self) -> i64 {
        wall_clock_ms() + self.offset_ms.load(Ordering::SeqCst)
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.now_ms()).unwrap_or_default()
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Moves the clock forward and keeps the new offset.
    pub async fn advance(&self, ms: i64) -> Result<(), sqlx::Error> {
        let new = self.offset_ms.fetch_add(ms, Ordering::SeqCst) + ms;
        sqlx::query("update sandbox_clock set offset_ms = $1, updated_at = $2 where id = 1")
            .bind(new)
            .bind(wall_clock_ms())
            .execute(&self.db.writer)
            .await?;
        Ok(())
    }
}

/// `2019-01-01T00:00:00Z`: UTC at second precision, the form Solaris uses for timestamps.
pub(crate) fn format_utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `2021-09-14T18:18:28.000Z`: the millisecond form of `completed_at`.
pub(crate) fn format_utc_millis(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}
