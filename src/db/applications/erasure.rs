//! Erasing an application's personal data (Solaris deleted the person, the customer withdrew,
//! a data-subject request, retention) and the proof rows of what was erased.

use sqlx::Any;

use crate::db::history::{self, Happened};
use crate::db::partner_events::{self, EventData, EventType};
use crate::db::work;
use crate::db::{Db, StoreError};
use crate::domain::ErasureReason;

/// The assignments that erase every personal datum of an application (every erasure: Solaris
/// deleted the person, the customer withdrew, retention); ids, statuses and times stay.
pub(in crate::db) const ERASED: &str = "details = null, document = null, person_request = null, \
    identification_request = null, solaris_person = null, solaris_error = null, \
    identification_url = null, supported_documents = null, search_name = null, \
    search_email = null";

/// The evidence Solaris held of the application's identifications goes with every erasure of
/// an application that reached Solaris, inside the caller's transaction.
async fn erase_evidence(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("delete from identification_evidence where application_id = $1")
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Audit actions whose detail is text a staff member typed (an erasure's reason): it may name
/// the customer, so it goes with the application's personal data; the line stays (who, what,
/// when).
const TYPED_AUDIT_DETAILS: &[&str] = &["erase_personal_data"];

/// Staff's free text about an application goes with every erasure of its personal data, inside
/// the caller's transaction: the typed details of its audit lines and the comments (and closing
/// notes) on its needs-attention items, which keep their author and time with an empty body.
pub(in crate::db) async fn erase_staff_text(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
) -> Result<(), StoreError> {
    for action in TYPED_AUDIT_DETAILS {
        sqlx::query("update audit_log set detail = null where application_id = $1 and action = $2")
            .bind(application_id)
            .bind(action)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(
        "update attention_comment set body = '' where attention_id in \
         (select id from attention where application_id = $1)",
    )
    .bind(application_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Solaris answered that the application's person no longer exists (after `PERSON_DELETED`):
/// every personal datum of the application goes at once; ids, statuses, timestamps and the
/// consents' versions stay as the proof that the erasure happened.
pub(crate) async fn erase_deleted_person(db: &Db, application_id: &str) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    erase_reached(
        &mut tx,
        application_id,
        "Solaris deleted the person",
        None,
        db.now_ms(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        application_id,
        "personal data erased: Solaris no longer holds the person"
    );
    Ok(())
}

/// A staff member erases the application's local personal data on a data-subject request,
/// with a proof row (`erasure_log`) beside the history. False when it was erased already.
pub(crate) async fn erase_on_request(
    db: &Db,
    application_id: &str,
    actor: &str,
) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    let erased = erase_reached(
        &mut tx,
        application_id,
        "data-subject request",
        Some(actor),
        now,
    )
    .await?;
    if erased {
        let reason = ErasureReason::DataSubjectRequest;
        log_in(&mut tx, reason, 1, now).await?;
    }
    tx.commit().await?;
    Ok(erased)
}

/// Erases an application that reached Solaris, inside the caller's transaction: its personal
/// data and the evidence Solaris held, its waiting work canceled, the history told `why` (by
/// `actor`), and the bank's systems `application.erased`. False when it was erased already.
async fn erase_reached(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    why: &str,
    actor: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let ids: Option<(Option<String>, Option<String>)> = sqlx::query_as(&format!(
        "update application set {ERASED}, erased_at = $1, updated_at = $1 \
         where id = $2 and erased_at is null returning person_id, identification_id"
    ))
    .bind(now)
    .bind(application_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((person_id, identification_id)) = ids else {
        return Ok(false);
    };
    work::cancel_pending(tx, application_id, now).await?;
    erase_evidence(tx, application_id).await?;
    erase_staff_text(tx, application_id).await?;
    history::record(&mut **tx, now, application_id, Happened::Erased, why, actor).await?;
    let data = EventData {
        person_id: person_id.as_deref(),
        identification_id: identification_id.as_deref(),
        ..EventData::default()
    };
    partner_events::enqueue(tx, application_id, EventType::Erased, "erased", data, now).await?;
    Ok(true)
}

/// The proof of an erasure (`erasure_log`): when, why, how many; inside the caller's
/// transaction.
pub(in crate::db) async fn log_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    reason: ErasureReason,
    erased: i64,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query("insert into erasure_log (id, reason, erased, ran_at) values ($1, $2, $3, $4)")
        .bind(uuid::Uuid::new_v4().simple().to_string())
        .bind(reason.as_str())
        .bind(erased)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
