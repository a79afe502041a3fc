//! Per-client rate limits shared by every instance (`rate_limit`, used on PostgreSQL): one row
//! per limit and client, counted with GCRA in one statement, so that instances counting the
//! same client at once take turns on its row.

use super::{Db, StoreError};

/// A limit of `per_period` requests in `period_ms`, as a rate: one comes back every
/// `period_ms / per_period`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rate {
    pub per_period: u32,
    pub period_ms: i64,
}

impl Rate {
    fn interval_ms(self) -> i64 {
        (self.period_ms / i64::from(self.per_period.max(1))).max(1)
    }
}

/// Counts one request of `client` against the limit `kind` at `now`: `None` when it is within
/// the limit, else how long (ms) until the next one would be.
pub(crate) async fn take(
    db: &Db,
    kind: &str,
    client: &str,
    rate: Rate,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let interval = rate.interval_ms();
    let counted: Option<(i64,)> = sqlx::query_as(
        "insert into rate_limit (kind, client, next_at) values ($1, $2, $3 + $4) \
         on conflict (kind, client) do update \
         set next_at = greatest(rate_limit.next_at, $3) + $4 \
         where greatest(rate_limit.next_at, $3) + $4 - $3 <= $5 \
         returning next_at",
    )
    .bind(kind)
    .bind(client)
    .bind(now)
    .bind(interval)
    .bind(rate.period_ms)
    .fetch_optional(&db.writer)
    .await?;
    if counted.is_some() {
        return Ok(None);
    }
    let (next_at,): (i64,) =
        sqlx::query_as("select next_at from rate_limit where kind = $1 and client = $2")
            .bind(kind)
            .bind(client)
            .fetch_one(&db.pool)
            .await?;
    Ok(Some((next_at + interval - rate.period_ms - now).max(1)))
}

/// Forgets the clients whose limits are full again.
pub(crate) async fn forget_full(db: &Db) -> Result<u64, StoreError> {
    Ok(sqlx::query("delete from rate_limit where next_at < $1")
        .bind(db.now_ms())
        .execute(&db.writer)
        .await?
        .rows_affected())
}
