//! An application as the bank's systems and staff read it: its record (ids, states and times,
//! what was sent to and is held by Solaris), its consents, and the changed applications paged
//! by keyset.

use super::{Db, StoreError};

/// An application as the partner API shows it, erased ones included.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApplicationRecord {
    pub id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
    pub erased_at: Option<i64>,
    pub person_id: Option<String>,
    pub identification_id: Option<String>,
    pub identification_status: Option<String>,
    pub failure_reason: Option<String>,
    pub identification_requested_at: Option<i64>,
    pub identification_completed_at: Option<String>,
    pub person_request: Option<String>,
    pub solaris_person: Option<String>,
}

const RECORD_COLUMNS: &str = "id, created_at, updated_at, submitted_at, withdrawn_at, erased_at, \
     person_id, identification_id, identification_status, failure_reason, \
     identification_requested_at, identification_completed_at, person_request, solaris_person";

pub async fn application(db: &Db, id: &str) -> Result<Option<ApplicationRecord>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "select {RECORD_COLUMNS} from application where id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A consent's evidence.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConsentRecord {
    pub kind: String,
    pub version: String,
    pub text_sha256: String,
    pub language: String,
    pub signed_at: String,
}

pub async fn consents(db: &Db, application_id: &str) -> Result<Vec<ConsentRecord>, StoreError> {
    Ok(sqlx::query_as(
        "select kind, version, text_sha256, language, signed_at from consent \
         where application_id = $1 order by signed_at, kind",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A page of applications changed after `updated_after` (ms), with the identification status
/// `status` when given, after the keyset `(updated_at, id)` of the previous page.
pub async fn page(
    db: &Db,
    status: Option<&str>,
    updated_after: i64,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<ApplicationRecord>, StoreError> {
    let status_filter = if status.is_some() {
        "and identification_status = $5"
    } else {
        "and $5 = $5"
    };
    let (after_at, after_id) = after.unwrap_or((i64::MIN, ""));
    Ok(sqlx::query_as(&format!(
        "select {RECORD_COLUMNS} from application where updated_at > $1 \
         and (updated_at > $2 or (updated_at = $2 and id > $3)) {status_filter} \
         order by updated_at, id limit $4"
    ))
    .bind(updated_after)
    .bind(after_at)
    .bind(after_id)
    .bind(limit)
    .bind(status.unwrap_or(""))
    .fetch_all(&db.pool)
    .await?)
}
