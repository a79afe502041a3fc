//! A `tower-sessions` store on our own pool, so sessions work on SQLite and PostgreSQL alike.
//!
//! On SQLite, which serves one app instance, the store also keeps the sessions it has read or
//! written in memory: a page then reads its session without a query. Sessions hold ids, the
//! language and the CSRF token, never personal data. On PostgreSQL, where several instances
//! share the sessions, every read goes to the database.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use super::{Backend, Db};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    cache: Option<Arc<Cache>>,
}

/// Sessions kept in memory at most; beyond, the cache starts again from empty.
const CACHE_MAX: usize = 20_000;

#[derive(Debug, Default)]
struct Cache {
    records: RwLock<HashMap<Id, Record>>,
    /// Held while the database and the cache change together, and while a miss fills the
    /// cache, so that the cache never holds what the database no longer does.
    gate: tokio::sync::Mutex<()>,
}

impl Cache {
    fn get(&self, id: &Id, now: OffsetDateTime) -> Option<Record> {
        let records = self.records.read().unwrap_or_else(|e| e.into_inner());
        records.get(id).filter(|r| r.expiry_date > now).cloned()
    }

    fn put(&self, record: &Record, now: OffsetDateTime) {
        let mut records = self.records.write().unwrap_or_else(|e| e.into_inner());
        if records.len() >= CACHE_MAX && !records.contains_key(&record.id) {
            records.retain(|_, r| r.expiry_date > now);
            if records.len() >= CACHE_MAX {
                records.clear();
            }
        }
        records.insert(record.id, record.clone());
    }

    fn forget(&self, id: &Id) {
        let mut records = self.records.write().unwrap_or_else(|e| e.into_inner());
        records.remove(id);
    }

    fn forget_expired(&self, now: OffsetDateTime) {
        let mut records = self.records.write().unwrap_or_else(|e| e.into_inner());
        records.retain(|_, r| r.expiry_date > now);
    }
}

impl DbSessionStore {
    /// The app clock's time, against which a session's expiry is read.
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.db.now_ms()) * 1_000_000)
            .unwrap_or_else(|_| OffsetDateTime::now_utc())
    }

    pub fn new(db: Db) -> Self {
        let cache = (db.backend == Backend::Sqlite).then(Arc::default);
        Self { db, cache }
    }

    async fn gate(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.cache {
            Some(cache) => Some(cache.gate.lock().await),
            None => None,
        }
    }

    fn cached(&self, record: &Record) {
        if let Some(cache) = &self.cache {
            cache.put(record, self.now());
        }
    }

    /// A session as stored: its expiry on the app's clock.
    async fn load_on_app_clock(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(cache) = &self.cache else {
            return self.load_stored(id).await;
        };
        if let Some(record) = cache.get(id, self.now()) {
            return Ok(Some(record));
        }
        let _gate = cache.gate.lock().await;
        if let Some(record) = cache.get(id, self.now()) {
            return Ok(Some(record));
        }
        let record = self.load_stored(id).await?;
        if let Some(record) = &record {
            cache.put(record, self.now());
        }
        Ok(record)
    }

    async fn load_stored(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "select data, expires_at from session where id = $1 and expires_at > $2",
        )
        .bind(id.to_string())
        .bind(self.db.now_ms())
        .fetch_optional(&self.db.pool)
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data).map_err(backend)?;
        let expiry_date =
            OffsetDateTime::from_unix_timestamp(expires_at / 1000).map_err(backend)?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn expiry_ms(record: &Record) -> i64 {
    record.expiry_date.unix_timestamp() * 1000
}

/// `record` with its expiry moved by `ms`. tower-sessions sets and reads expiries on the wall
/// clock; the store keeps them on the app's clock (moved by `Clock::skew_ms`), so a session
/// lapses when the app's clock, which a test or the sandbox may move, passes its expiry.
fn shifted(mut record: Record, ms: i64) -> Record {
    record.expiry_date += time::Duration::milliseconds(ms);
    record
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let _gate = self.gate().await;
        let skew = self.db.clock.skew_ms();
        // Ids are random 128-bit values; on the rare collision, draw again.
        loop {
            let data = serde_json::to_string(&record.data).map_err(backend)?;
            let inserted = sqlx::query(
                "insert into session (id, data, expires_at) values ($1, $2, $3) \
                 on conflict (id) do nothing",
            )
            .bind(record.id.to_string())
            .bind(data)
            .bind(expiry_ms(record) + skew)
            .execute(&self.db.writer)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                self.cached(&shifted(record.clone(), skew));
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let _gate = self.gate().await;
        let record = &shifted(record.clone(), self.db.clock.skew_ms());
        let data = serde_json::to_string(&record.data).map_err(backend)?;
        sqlx::query(
            "insert into session (id, data, expires_at) values ($1, $2, $3) \
             on conflict (id) do update set data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(record.id.to_string())
        .bind(data)
        .bind(expiry_ms(record))
        .execute(&self.db.writer)
        .await
        .map_err(backend)?;
        self.cached(record);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let on_app_clock = self.load_on_app_clock(id).await?;
        // tower-sessions reads the expiry on the wall clock.
        let skew = self.db.clock.skew_ms();
        Ok(on_app_clock.map(|r| shifted(r, -skew)))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let _gate = self.gate().await;
        sqlx::query("delete from session where id = $1")
            .bind(id.to_string())
            .execute(&self.db.writer)
            .await
            .map_err(backend)?;
        if let Some(cache) = &self.cache {
            cache.forget(id);
        }
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let _gate = self.gate().await;
        sqlx::query("delete from session where expires_at <= $1")
            .bind(self.db.now_ms())
            .execute(&self.db.writer)
            .await
            .map_err(backend)?;
        if let Some(cache) = &self.cache {
            cache.forget_expired(self.now());
        }
        Ok(())
    }
}
