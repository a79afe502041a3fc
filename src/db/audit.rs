//! The audit log (`audit_log`): what staff and the partner API's keys saw and did, never what
//! the data said.

use super::{Db, StoreError};

/// Records what a staff member or a partner API key saw or did.
pub async fn record(
    db: &Db,
    actor: &str,
    action: &str,
    application_id: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into audit_log (id, at, actor, action, application_id, detail) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(db.now_ms())
    .bind(actor)
    .bind(action)
    .bind(application_id)
    .bind(detail)
    .execute(&db.writer)
    .await?;
    Ok(())
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
pub async fn lines(
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
