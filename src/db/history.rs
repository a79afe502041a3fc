//! Each application's history (`application_event`), written beside every change that makes
//! it and never updated, and the queue of what needs a person (`attention`). Both hold codes,
//! ids and statuses only, never personal data, so they outlive an erasure.

use sqlx::Any;

use super::{Db, StoreError};
pub(crate) use crate::domain::{AttentionState, Concern, Happened};

/// An id that sorts in the order this process wrote its entries (the time, then a counter),
/// with a random tail against other instances: entries of one transaction share their
/// millisecond, and the history must show them in the order they happened.
pub(super) fn ordered_id(now_ms: i64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:012x}{:010x}{}",
        now_ms,
        n & 0xff_ffff_ffff,
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    )
}

/// Appends to an application's history, on any connection or inside the caller's transaction.
pub async fn record<'e, E>(
    on: E,
    at: i64,
    application_id: &str,
    what: Happened,
    detail: &str,
    actor: Option<&str>,
) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    sqlx::query(
        "insert into application_event (id, application_id, at, kind, detail, actor) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ordered_id(at))
    .bind(application_id)
    .bind(at)
    .bind(what.as_str())
    .bind(detail)
    .bind(actor)
    .execute(on)
    .await?;
    Ok(())
}

/// A table of queued rows that each belong to an application and name their kind.
#[derive(Clone, Copy, Debug)]
pub(super) enum Queued {
    /// `solaris_work`.
    Work,
    /// `mail`.
    Mail,
}

/// Appends to the history of the application that owns the row `row_id` of `table`: the
/// row's kind followed by `detail`.
pub(super) async fn record_for<'e, E>(
    on: E,
    at: i64,
    table: Queued,
    row_id: &str,
    what: Happened,
    detail: &str,
) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let table = match table {
        Queued::Work => "solaris_work",
        Queued::Mail => "mail",
    };
    sqlx::query(&format!(
        "insert into application_event (id, application_id, at, kind, detail) \
         select $1, application_id, $2, $3, kind || $4 from {table} where id = $5"
    ))
    .bind(ordered_id(at))
    .bind(at)
    .bind(what.as_str())
    .bind(detail)
    .bind(row_id)
    .execute(on)
    .await?;
    Ok(())
}

/// One entry of an application's history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct Entry {
    pub at: i64,
    pub kind: String,
    pub detail: Option<String>,
    pub actor: Option<String>,
}

/// An application's history, oldest first (ties in the order they were written).
pub(crate) async fn of_application(
    db: &Db,
    application_id: &str,
) -> Result<Vec<Entry>, StoreError> {
    Ok(sqlx::query_as(
        "select at, kind, detail, actor from application_event where application_id = $1 \
         order by at, id",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Puts something in front of a person, once per `cause`; true when it is new. Inside the
/// caller's transaction, or on any connection.
pub(crate) async fn raise<'e, E>(
    on: E,
    now: i64,
    application_id: Option<&str>,
    concern: Concern,
    cause: &str,
    detail: &str,
) -> Result<bool, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let item = NewItem {
        application_id,
        concern,
        cause,
        detail,
    };
    let raised = insert_item(on, now, &item, "do nothing").await?;
    if raised == 1 {
        needs_attention(concern, application_id);
    }
    Ok(raised == 1)
}

/// Adds `note` to the detail of the application's open (or taken) items of `concern`.
pub(crate) async fn add_to_open<'e, E>(
    on: E,
    now: i64,
    application_id: &str,
    concern: Concern,
    note: &str,
) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    sqlx::query(
        "update attention set detail = coalesce(detail, '') || $1, updated_at = $2 \
         where application_id = $3 and kind = $4 and state <> 'closed'",
    )
    .bind(note)
    .bind(now)
    .bind(application_id)
    .bind(concern.as_str())
    .execute(on)
    .await?;
    Ok(())
}

/// What [`insert_item`] writes.
struct NewItem<'a> {
    application_id: Option<&'a str>,
    concern: Concern,
    cause: &'a str,
    detail: &'a str,
}

/// The insert of an item, with what happens when its cause has one already (`on_conflict`, a
/// constant of this module); returns the rows written.
async fn insert_item<'e, E>(
    on: E,
    now: i64,
    item: &NewItem<'_>,
    on_conflict: &'static str,
) -> Result<u64, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let done = sqlx::query(&format!(
        "insert into attention (id, application_id, cause, kind, detail, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6) on conflict (cause) {on_conflict}"
    ))
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(item.application_id)
    .bind(item.cause)
    .bind(item.concern.as_str())
    .bind(item.detail)
    .bind(now)
    .execute(on)
    .await?;
    Ok(done.rows_affected())
}

/// The log line of an item raised or updated.
fn needs_attention(concern: Concern, application_id: Option<&str>) {
    tracing::warn!(
        code = "needs_attention",
        concern = concern.as_str(),
        application_id,
        "something needs a person in the back office"
    );
}

/// Puts a standing problem in front of a person: one item per `cause` (an application and
/// what is wrong with it), whose detail each new occurrence updates. An item closed meanwhile
/// opens again, and OPS_EMAIL is told of it again; one still open is not announced twice.
pub(crate) async fn raise_standing<'e, E>(
    on: E,
    now: i64,
    application_id: Option<&str>,
    concern: Concern,
    cause: &str,
    detail: &str,
) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    // A closed item opens again, to be announced anew.
    let item = NewItem {
        application_id,
        concern,
        cause,
        detail,
    };
    insert_item(
        on,
        now,
        &item,
        "do update set detail = excluded.detail, updated_at = excluded.updated_at, \
         notified_at = case when attention.state = 'closed' then null else attention.notified_at end, \
         closed_by = case when attention.state = 'closed' then null else attention.closed_by end, \
         state = case when attention.state = 'closed' then 'open' else attention.state end",
    )
    .await?;
    needs_attention(concern, application_id);
    Ok(())
}

/// One item of the needs-attention queue, with who holds it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Item {
    pub id: String,
    pub application_id: Option<String>,
    pub kind: String,
    pub detail: Option<String>,
    #[sqlx(try_from = "String")]
    pub state: AttentionState,
    pub taken_by_email: Option<String>,
    pub closed_by_email: Option<String>,
    pub created_at: i64,
}

const ITEM_COLUMNS: &str = "a.id, a.application_id, a.kind, a.detail, a.state, \
     t.email as taken_by_email, c.email as closed_by_email, a.created_at \
     from attention a left join staff t on t.id = a.taken_by left join staff c on c.id = a.closed_by";

/// Items open or taken (`closed` false), or closed, newest first (at most 200).
pub async fn items(db: &Db, closed: bool) -> Result<Vec<Item>, StoreError> {
    let states = if closed {
        "a.state = 'closed'"
    } else {
        "a.state in ('open', 'taken')"
    };
    Ok(sqlx::query_as(&format!(
        "select {ITEM_COLUMNS} where {states} order by a.created_at desc, a.id desc limit 200"
    ))
    .fetch_all(&db.pool)
    .await?)
}

/// The items of one application, newest first.
pub(crate) async fn items_of(db: &Db, application_id: &str) -> Result<Vec<Item>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "select {ITEM_COLUMNS} where a.application_id = $1 order by a.created_at desc, a.id desc"
    ))
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn item(db: &Db, id: &str) -> Result<Option<Item>, StoreError> {
    Ok(
        sqlx::query_as(&format!("select {ITEM_COLUMNS} where a.id = $1"))
            .bind(id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Items that OPS_EMAIL has not been told of yet, oldest first.
pub(crate) async fn unannounced(db: &Db, limit: i64) -> Result<Vec<Item>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "select {ITEM_COLUMNS} where a.notified_at is null and a.state <> 'closed' \
         order by a.created_at, a.id limit $1"
    ))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// Marks an item as announced before its mail goes out, so that one instance sends it; false
/// when another was first. `undo` hands it back after a delivery that may be tried again.
pub(crate) async fn announce(db: &Db, id: &str, undo: bool) -> Result<bool, StoreError> {
    let done = if undo {
        sqlx::query("update attention set notified_at = null where id = $1")
            .bind(id)
            .execute(&db.writer)
            .await?
    } else {
        sqlx::query("update attention set notified_at = $1 where id = $2 and notified_at is null")
            .bind(db.now_ms())
            .bind(id)
            .execute(&db.writer)
            .await?
    };
    Ok(done.rows_affected() == 1)
}

/// How many items are open or taken, for the navigation and the metrics.
pub(crate) async fn open_count(db: &Db) -> Result<i64, StoreError> {
    let (n,): (i64,) =
        sqlx::query_as("select count(*) from attention where state in ('open', 'taken')")
            .fetch_one(&db.pool)
            .await?;
    Ok(n)
}

/// A comment on an item.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Comment {
    pub email: String,
    pub body: String,
    pub created_at: i64,
}

pub async fn comments(db: &Db, attention_id: &str) -> Result<Vec<Comment>, StoreError> {
    Ok(sqlx::query_as(
        "select s.email, c.body, c.created_at from attention_comment c \
         join staff s on s.id = c.staff_id where c.attention_id = $1 order by c.created_at, c.id",
    )
    .bind(attention_id)
    .fetch_all(&db.pool)
    .await?)
}

/// What a staff member does with an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Handling {
    Take,
    Comment(String),
    Close(Option<String>),
}

/// Takes, comments on or closes an item; false when there is no such item (or it is closed
/// already, for take and close). A comment given with a close is kept like any other.
pub(crate) async fn handle(
    db: &Db,
    attention_id: &str,
    staff_id: &str,
    handling: &Handling,
) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    let changed = match handling {
        Handling::Comment(_) => sqlx::query("update attention set updated_at = $1 where id = $2")
            .bind(now)
            .bind(attention_id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        // Taking and closing set the state and who did it, unless the item is closed already.
        Handling::Take | Handling::Close(_) => {
            let (state, by) = match handling {
                Handling::Take => (AttentionState::Taken.as_str(), "taken_by"),
                _ => (AttentionState::Closed.as_str(), "closed_by"),
            };
            sqlx::query(&format!(
                "update attention set state = $1, {by} = $2, updated_at = $3 \
                 where id = $4 and state <> 'closed'"
            ))
            .bind(state)
            .bind(staff_id)
            .bind(now)
            .bind(attention_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }
    };
    let comment = match handling {
        Handling::Comment(body) => Some(body.as_str()),
        Handling::Close(body) => body.as_deref(),
        Handling::Take => None,
    };
    if changed == 1 {
        if let Some(body) = comment {
            sqlx::query(
                "insert into attention_comment (id, attention_id, staff_id, body, created_at) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(uuid::Uuid::new_v4().simple().to_string())
            .bind(attention_id)
            .bind(staff_id)
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(changed == 1)
}
