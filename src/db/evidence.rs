//! What Solaris held of an application's identifications when they ended
//! (`identification_evidence`): IDnow's attempts, and the documents' list after a success.

use super::{Db, StoreError};

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
    let now = db.now_ms();
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
        now,
        application_id,
        super::history::Happened::EvidenceFetched,
        identification_id,
        None,
    )
    .await?;
    Ok(tx.commit().await?)
}
