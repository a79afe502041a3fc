//! What the back office reads: applications found by search and filters, newest first and
//! paged by keyset (fast at millions of rows), their counts per status, and everything about
//! one application: its work, the webhook deliveries that reached it, the evidence Solaris
//! holds, and the audit log.

use super::work::{WorkKind, WorkState};
use super::{wall_clock_ms, Db, StoreError};
pub(crate) use crate::domain::Stage;

/// A stage as a SQL condition (the same rules as [`Stage::of`]).
trait Condition {
    fn condition(self) -> &'static str;
}

impl Condition for Stage {
    /// Constants only, never input.
    fn condition(self) -> &'static str {
        match self {
            Stage::Erased => "erased_at is not null",
            Stage::Withdrawn => "erased_at is null and withdrawn_at is not null",
            Stage::Completed => {
                "erased_at is null and withdrawn_at is null and identification_status = 'successful'"
            }
            Stage::Failed => {
                "erased_at is null and withdrawn_at is null and identification_status = 'failed'"
            }
            Stage::Identification => {
                "erased_at is null and withdrawn_at is null and identification_status is not null \
                 and identification_status not in ('successful', 'failed')"
            }
            Stage::Submitted => {
                "erased_at is null and withdrawn_at is null and identification_status is null \
                 and submitted_at is not null"
            }
            Stage::Started => {
                "erased_at is null and withdrawn_at is null and identification_status is null \
                 and submitted_at is null"
            }
        }
    }
}

/// What one search looks for: every field optional.
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// A name (prefix of the first or last name), an e-mail address, or an id (application,
    /// Solaris person or identification).
    pub text: Option<String>,
    pub status: Option<String>,
    pub stage: Option<Stage>,
    /// Started at or after (ms).
    pub from: Option<i64>,
    /// Started before (ms).
    pub until: Option<i64>,
    /// The keyset of the last row of the previous page: (created_at, id).
    pub after: Option<(i64, String)>,
}

/// One row of the list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Listed {
    pub id: String,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
    pub erased_at: Option<i64>,
    pub person_id: Option<String>,
    pub identification_status: Option<String>,
    pub search_name: Option<String>,
    pub search_email: Option<String>,
    /// The data screens (JSON), for the name as typed.
    pub details: Option<String>,
}

/// A page of applications, newest first: `limit` rows at most, and whether more follow.
pub async fn search(
    db: &Db,
    search: &Search,
    limit: i64,
) -> Result<(Vec<Listed>, bool), StoreError> {
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    let next = |value: Bind, binds: &mut Vec<Bind>| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if let Some(text) = search
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let text = text.to_lowercase();
        if text.contains('@') {
            let p = next(Bind::Text(text), &mut binds);
            conditions.push(format!("search_email = {p}"));
        } else {
            let exact = next(Bind::Text(text.clone()), &mut binds);
            let prefix = next(Bind::Text(format!("{}%", like_escaped(&text))), &mut binds);
            let word = next(
                Bind::Text(format!("% {}%", like_escaped(&text))),
                &mut binds,
            );
            conditions.push(format!(
                "(id = {exact} or person_id = {exact} or identification_id = {exact} \
                 or search_name like {prefix} escape '\\' or search_name like {word} escape '\\')"
            ));
        }
    }
    if let Some(status) = &search.status {
        let p = next(Bind::Text(status.clone()), &mut binds);
        conditions.push(format!("identification_status = {p}"));
    }
    if let Some(stage) = search.stage {
        conditions.push(format!("({})", stage.condition()));
    }
    if let Some(from) = search.from {
        let p = next(Bind::Int(from), &mut binds);
        conditions.push(format!("created_at >= {p}"));
    }
    if let Some(until) = search.until {
        let p = next(Bind::Int(until), &mut binds);
        conditions.push(format!("created_at < {p}"));
    }
    if let Some((at, id)) = &search.after {
        let a = next(Bind::Int(*at), &mut binds);
        let i = next(Bind::Text(id.clone()), &mut binds);
        conditions.push(format!(
            "(created_at < {a} or (created_at = {a} and id < {i}))"
        ));
    }
    let limit_p = next(Bind::Int(limit + 1), &mut binds);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("where {}", conditions.join(" and "))
    };
    let sql = format!(
        "select id, created_at, submitted_at, withdrawn_at, erased_at, person_id, \
         identification_status, search_name, search_email, details from application {filter} order by created_at desc, id desc limit {limit_p}"
    );
    let mut query = sqlx::query_as::<_, Listed>(&sql);
    for bind in binds {
        query = match bind {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let mut rows = query.fetch_all(&db.pool).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

enum Bind {
    Text(String),
    Int(i64),
}

/// `%`, `_` and `\` taken literally in a `like … escape '\'` pattern.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Applications per identification status (`None`: no identification yet).
pub async fn counts(db: &Db) -> Result<Vec<(Option<String>, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "select identification_status, count(*) from application \
         group by identification_status order by identification_status",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// A work item of an application, with its attempts and last error.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct WorkItem {
    pub id: String,
    pub seq: i64,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub state: WorkState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub updated_at: i64,
}

pub(crate) async fn work_of(db: &Db, application_id: &str) -> Result<Vec<WorkItem>, StoreError> {
    Ok(sqlx::query_as(
        "select id, seq, kind, state, attempts, last_error, updated_at from solaris_work \
         where application_id = $1 order by seq",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A failed work item is given another run; false unless it had failed (and its application
/// is still going: neither withdrawn nor erased). A creation's later items, canceled when it
/// failed because they depend on it, run again after it; the refusal the customer was shown
/// is cleared.
pub(crate) async fn retry_failed_work(
    db: &Db,
    application_id: &str,
    work_id: &str,
) -> Result<bool, StoreError> {
    let now = wall_clock_ms();
    let mut tx = db.begin_write().await?;
    // Two staff retrying at once: the second finds the item no longer failed.
    let item: Option<(String, i64)> = sqlx::query_as(&format!(
        "select w.kind, w.seq from solaris_work w join application a on a.id = w.application_id \
         where w.id = $1 and w.application_id = $2 and w.state = 'failed' \
         and a.withdrawn_at is null and a.erased_at is null{}",
        db.for_update()
    ))
    .bind(work_id)
    .bind(application_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((kind, seq)) = item else {
        tx.rollback().await?;
        return Ok(false);
    };
    sqlx::query(
        "update solaris_work set state = 'pending', attempts = 0, next_attempt_at = $1, \
         last_error = null, lease_owner = null, lease_until = null, outcome_unknown = 0, \
         first_attempt_at = null, updated_at = $1 where id = $2",
    )
    .bind(now)
    .bind(work_id)
    .execute(&mut *tx)
    .await?;
    if WorkKind::parse(&kind).is_some_and(WorkKind::creates) {
        sqlx::query(
            "update solaris_work set state = 'pending', next_attempt_at = $1, updated_at = $1 \
             where application_id = $2 and state = 'canceled' and seq > $3",
        )
        .bind(now)
        .bind(application_id)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("update application set solaris_error = null, updated_at = $1 where id = $2")
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A stored webhook delivery.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredDelivery {
    pub webhook_id: String,
    pub event_type: String,
    pub received_at: i64,
}

/// The deliveries still kept that name the application's person or identification.
pub(crate) async fn deliveries_of(
    db: &Db,
    person_id: Option<&str>,
    identification_ids: &[String],
) -> Result<Vec<StoredDelivery>, StoreError> {
    let mut entities: Vec<&str> = identification_ids.iter().map(String::as_str).collect();
    entities.extend(person_id);
    let mut out = Vec::new();
    for entity in entities {
        let rows: Vec<StoredDelivery> = sqlx::query_as(
            "select webhook_id, event_type, received_at from webhook_inbox \
             where entity_id = $1 order by received_at",
        )
        .bind(entity)
        .fetch_all(&db.pool)
        .await?;
        out.extend(rows);
    }
    out.sort_by_key(|d| d.received_at);
    Ok(out)
}

pub async fn delivery(db: &Db, webhook_id: &str) -> Result<Option<StoredDelivery>, StoreError> {
    Ok(sqlx::query_as(
        "select webhook_id, event_type, received_at from webhook_inbox \
         where webhook_id = $1",
    )
    .bind(webhook_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// What Solaris holds of one identification of the application.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct Evidence {
    pub identification_id: String,
    pub attempts: Option<String>,
    pub documents: Option<String>,
    pub fetched_at: i64,
}

pub(crate) async fn evidence_of(
    db: &Db,
    application_id: &str,
) -> Result<Vec<Evidence>, StoreError> {
    Ok(sqlx::query_as(
        "select identification_id, attempts, documents, fetched_at from identification_evidence \
         where application_id = $1 order by fetched_at",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Keeps what Solaris answered of an identification that ended (the attempts as JSON, and the
/// documents' list after a success), in place of what was kept before.
pub(crate) async fn store_evidence(
    db: &Db,
    application_id: &str,
    identification_id: &str,
    attempts: &str,
    documents: Option<&str>,
) -> Result<(), StoreError> {
    let now = wall_clock_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("delete from identification_evidence where identification_id = $1")
        .bind(identification_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into identification_evidence (identification_id, application_id, attempts, \
         documents, fetched_at) select $1, $2, $3, $4, $5 from application \
         where id = $2 and erased_at is null",
    )
    .bind(identification_id)
    .bind(application_id)
    .bind(attempts)
    .bind(documents)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    super::history::record(
        &mut *tx,
        application_id,
        super::history::Happened::EvidenceFetched,
        identification_id,
        None,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// One line of the audit log, with the staff member's address when it was one.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditLine {
    pub at: i64,
    pub actor: String,
    pub email: Option<String>,
    pub action: String,
    pub application_id: Option<String>,
    pub detail: Option<String>,
    pub id: String,
}

/// What the audit log is filtered by.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub application_id: Option<String>,
    /// The keyset of the last line of the previous page: (at, id).
    pub before: Option<(i64, String)>,
}

/// Audit lines, newest first: `limit` at most, and whether more follow.
pub async fn audit(
    db: &Db,
    filter: &AuditFilter,
    limit: i64,
) -> Result<(Vec<AuditLine>, bool), StoreError> {
    let (at, id) = filter.before.clone().unwrap_or((i64::MAX, String::new()));
    let mut rows: Vec<AuditLine> = sqlx::query_as(
        "select l.at, l.actor, s.email, l.action, l.application_id, l.detail, l.id \
         from audit_log l left join staff s on l.actor = 'staff:' || s.id \
         where ($1 = '' or l.actor = $1 or s.email = $1) and ($2 = '' or l.action = $2) \
         and ($3 = '' or l.application_id = $3) \
         and (l.at < $4 or (l.at = $4 and ($5 = '' or l.id < $5))) \
         order by l.at desc, l.id desc limit $6",
    )
    .bind(filter.actor.clone().unwrap_or_default().to_lowercase())
    .bind(filter.action.clone().unwrap_or_default())
    .bind(filter.application_id.clone().unwrap_or_default())
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(&db.pool)
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}
