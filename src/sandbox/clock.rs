//! The sandbox clock: the app's [`crate::clock::Clock`] (the same one when the sandbox is
//! embedded), with the distance it was moved kept in the database, so that time moved forward
//! stays moved after a restart.

use std::time::Duration;

use crate::db::Db;

#[derive(Clone, Debug)]
pub struct Clock {
    clock: crate::clock::Clock,
    db: Db,
}

impl Clock {
    /// Takes the database's clock and restores the offset kept in the database.
    pub async fn load(db: Db) -> Result<Self, sqlx::Error> {
        let (offset,): (i64,) = sqlx::query_as("select offset_ms from sandbox_clock where id = 1")
            .fetch_one(&db.pool)
            .await?;
        // A clock that a test already moved further keeps its time.
        if offset > db.clock.offset_ms() {
            db.clock.set_offset_ms(offset);
        }
        Ok(Clock {
            clock: db.clock.clone(),
            db,
        })
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn offset_ms(&self) -> i64 {
        self.clock.offset_ms()
    }

    /// Moves the clock (the app's too) forward and keeps the new offset.
    pub async fn advance(&self, ms: i64) -> Result<(), sqlx::Error> {
        let new = self
            .clock
            .advance(Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
        sqlx::query("update sandbox_clock set offset_ms = $1, updated_at = $2 where id = 1")
            .bind(new)
            .bind(self.clock.now_ms())
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
