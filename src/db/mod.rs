//! Storage: one `sqlx` pool over SQLite (default) or PostgreSQL, the migrations, and one
//! store module per aggregate. All SQL of the app is here; the sandbox keeps its own tables
//! in the sandbox.
//!
//! - [`applications`]: applications with their consents, and the reads that follow them
//!   (live status, reconciliation, erasure);
//! - [`work`]: the durable queue of Solaris work;
//! - [`webhooks`]: our Solaris webhook subscriptions and the inbox of deliveries;
//! - [`events`]: the outbox of events for the bank's systems, and the partner API's reads;
//! - [`outbox`]: what the two outboxes share (leases, ends, retries);
//! - [`mail`]: the outbox of mails to customers and the links into applications;
//! - [`session_store`]: the customers' sessions;
//! - [`history`]: each application's append-only history, and what needs a person;
//! - [`staff`]: the bank's staff accounts and back-office sessions;
//! - [`backoffice`]: the back office's searches and reads.
//!
//! All queries go through `sqlx::Any` with `$1`-style placeholders, which both databases
//! accept, so one set of queries serves both. Times are stored as milliseconds since the Unix
//! epoch (`bigint`), which both databases compare and sort the same way. Rows are read by
//! column name into structs; closed sets are enums at this boundary, stored as text under a
//! `CHECK` constraint. A stored value that does not parse, or a value that cannot be stored,
//! is a [`StoreError`], never a silent default.

pub mod applications;
pub mod audit;
pub mod evidence;
pub mod history;
pub mod mail;
pub mod outbox;
pub mod partner_events;
pub(crate) mod rates;
pub mod records;
pub mod retention;
pub mod search;
pub mod session_store;
pub mod staff;
pub mod webhooks;
pub mod work;

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::clock::Clock;

/// Which database is behind the pool: a few statements differ (upserts with `returning`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by the app and the sandbox.
///
/// Reads go to `pool`, writes to `writer`. On SQLite `writer` is one connection: SQLite lets
/// one writer in at a time and makes the others sleep and retry (`busy_timeout`), which gave
/// writes under load latencies of tens of milliseconds; the pool's queue hands the write lock
/// on in order instead. On PostgreSQL both are the same pool.
///
/// On SQLite, the page's hot read (the application) goes to one of a few connections held
/// outside the pool ([`Db::reader`]): the pool sends every connection it gets back a ping
/// through the connection's thread, which doubled that read's cost. A SQLite connection cannot
/// drop away like a network one, so it needs no such check.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub writer: AnyPool,
    pub backend: Backend,
    /// The app's clock: every time a store writes or compares is read from it.
    pub clock: Clock,
    readers: Option<Arc<Readers>>,
}

/// Connections held for [`Db::reader`], taken in turn.
#[derive(Debug)]
struct Readers {
    connections: Vec<tokio::sync::Mutex<sqlx::AnyConnection>>,
    next: AtomicUsize,
}

/// How many connections [`Db::reader`] holds on SQLite.
const READERS: usize = 4;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Whether every migration of this build is applied (false while another version's
    /// migrations are missing); an error when the database does not answer.
    pub(crate) async fn applied_migrations(&self) -> Result<bool, StoreError> {
        let (applied,): (i64,) = sqlx::query_as("select count(*) from _sqlx_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(applied >= MIGRATOR.iter().count() as i64)
    }

    /// Connects, creating the SQLite file (and its folder) on first start, and migrates; the
    /// stores read the time from `clock`.
    pub async fn connect(url: &str, clock: Clock) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or_default();
            if path != ":memory:" && !path.is_empty() {
                if let Some(dir) = std::path::Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir)?;
                    }
                }
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = |size: u32| {
            AnyPoolOptions::new()
                .max_connections(size)
                .acquire_timeout(Duration::from_secs(10))
                // A SQLite connection is a file handle that cannot drop away: pinging it
                // before each use would double the round trips to its thread. A PostgreSQL
                // connection can die with its server, so it is still checked.
                .test_before_acquire(backend == Backend::Postgres)
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            // WAL lets readers work while one connection writes; NORMAL is safe
                            // with WAL and avoids an fsync per commit.
                            conn.execute("pragma journal_mode = wal").await?;
                            conn.execute("pragma synchronous = normal").await?;
                            conn.execute("pragma busy_timeout = 10000").await?;
                            conn.execute("pragma foreign_keys = on").await?;
                        }
                        Ok(())
                    })
                })
        };
        let (pool, writer) = match backend {
            Backend::Sqlite => {
                // The writer first: it creates the file and turns WAL on before readers open it.
                let writer = pool(1).connect_with(options.clone()).await?;
                (pool(8).connect_with(options).await?, writer)
            }
            Backend::Postgres => {
                let pool = pool(16).connect_with(options).await?;
                (pool.clone(), pool)
            }
        };
        MIGRATOR.run(&writer).await?;
        let readers = match backend {
            Backend::Sqlite => {
                let mut connections = Vec::with_capacity(READERS);
                for _ in 0..READERS {
                    // Taken from the pool, so they are set up as its connections are.
                    let connection = pool.acquire().await?.detach();
                    connections.push(tokio::sync::Mutex::new(connection));
                }
                Some(Arc::new(Readers {
                    connections,
                    next: AtomicUsize::new(0),
                }))
            }
            Backend::Postgres => None,
        };
        Ok(Db {
            pool,
            writer,
            backend,
            clock,
            readers,
        })
    }
}

impl Db {
    /// Milliseconds since the Unix epoch, on the app's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// On SQLite, a connection for a read that runs on every page, without the pool's ping on
    /// release; `None` on PostgreSQL, where such reads go to the pool.
    pub(crate) async fn reader(&self) -> Option<tokio::sync::MutexGuard<'_, sqlx::AnyConnection>> {
        let readers = self.readers.as_ref()?;
        let n = readers.connections.len();
        let first = readers.next.fetch_add(1, Ordering::Relaxed) % n;
        // A free one if there is one, else wait for the one whose turn it is.
        for i in 0..n {
            if let Ok(guard) = readers.connections[(first + i) % n].try_lock() {
                return Some(guard);
            }
        }
        Some(readers.connections[first].lock().await)
    }

    /// A transaction that will write. On SQLite it takes the write lock at its start
    /// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later would otherwise fail
    /// with `SQLITE_BUSY_SNAPSHOT` when another connection wrote in between.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// Ends a `select`, in a [`Db::begin_write`] transaction, of rows it reads to decide what to
    /// write: PostgreSQL locks them until the commit, so that two writers of one application
    /// (a webhook's read and the request's answer) take turns instead of both deciding on what
    /// neither has written yet. SQLite's `BEGIN IMMEDIATE` already makes every writer wait.
    pub(crate) fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " for update",
        }
    }
}

/// Why a store could not answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored value that this version cannot read (a column's closed set, a JSON document).
    #[error("stored {column} does not parse: {why}")]
    Corrupt { column: &'static str, why: String },
    /// The session store did not answer.
    #[error("session store: {0}")]
    Session(String),
    /// A value this store refuses to write (a status outside its closed set, JSON that does
    /// not serialise).
    #[error("{what} cannot be stored: {why}")]
    Unstorable { what: &'static str, why: String },
}

/// A JSON document for a text column; a failure is an error, never an empty string.
pub(crate) fn to_json<T: serde::Serialize>(
    what: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Unstorable {
        what,
        why: e.to_string(),
    })
}

/// A JSON column read back; `None` when the column is empty.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    column: &'static str,
    value: Option<&str>,
) -> Result<Option<T>, StoreError> {
    value
        .map(|v| {
            serde_json::from_str(v).map_err(|e| StoreError::Corrupt {
                column,
                why: e.to_string(),
            })
        })
        .transpose()
}

/// A stored value of one of the domain's closed sets; anything else is a corrupt row.
pub(crate) fn stored<T>(
    column: &'static str,
    s: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(s).ok_or_else(|| StoreError::Corrupt {
        column,
        why: format!("unknown value {s:?}"),
    })
}
