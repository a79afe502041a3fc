//! An application as the customer moves it along: the data screens, the confirmation that
//! queues the Solaris work, the document choice, the identification's request, and the
//! withdrawal; and what the work queue stores of Solaris' answers on the way.

use super::{status_text, ERASED};
use crate::db::history::{self, Concern, Happened};
use crate::db::mail::{self, MailKind};
use crate::db::partner_events::{self, EventData, EventType};
use crate::db::work::{self, WorkKind};
use crate::db::{to_json, Db, StoreError};
use crate::domain::application::{Details, DocumentChoice};
use crate::domain::Application;
use crate::domain::{
    IdentificationStatus, NewIdentification, NewPerson, Person, SupportedDocument,
};

/// Saves the data screens. After Solaris refused the person, a change of data withdraws the
/// refused submission in the same transaction, so the customer can confirm the corrected data.
pub(crate) async fn save_details(
    db: &Db,
    app: &Application,
    details: &Details,
) -> Result<(), StoreError> {
    // Lowercased copies for the back office's search (erased with the rest).
    let search_name = details
        .person
        .as_ref()
        .map(|p| format!("{} {}", p.first_name, p.last_name).to_lowercase());
    let search_email = details
        .contact
        .as_ref()
        .map(|c| c.email.as_str().to_lowercase());
    let screens = match (&details.person, &details.contact) {
        (Some(_), Some(_)) => "person contact",
        (Some(_), None) => "person",
        (None, _) => "contact",
    };
    let details = to_json("the application's details", details)?;
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    if app.submitted() && app.person_id.is_none() {
        sqlx::query(
            "update application set person_request = null, identification_request = null, \
             solaris_error = null, updated_at = $1 where id = $2 and person_id is null",
        )
        .bind(now)
        .bind(&app.id)
        .execute(&mut *tx)
        .await?;
        work::forget_refused(&mut tx, &app.id).await?;
    }
    sqlx::query(
        "update application set details = $1, search_name = $2, search_email = $3, \
         updated_at = $4 where id = $5",
    )
    .bind(details)
    .bind(search_name)
    .bind(search_email)
    .bind(now)
    .bind(&app.id)
    .execute(&mut *tx)
    .await?;
    history::record(
        &mut *tx,
        now,
        &app.id,
        Happened::DetailsSaved,
        screens,
        None,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// Stores the customer's confirmed data and queues the person and identification creations,
/// with the mail that says the application is saved, all or nothing. A second submission of
/// the same application changes nothing (false).
pub async fn submit(
    db: &Db,
    application_id: &str,
    person: &NewPerson,
    identification: &NewIdentification,
) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let person = to_json("the person creation", person)?;
    let language = identification
        .language
        .as_ref()
        .map(|l| l.as_str().to_string())
        .unwrap_or_else(|| "EN".into());
    let identification = to_json("the identification creation", identification)?;
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(
        "update application set person_request = $1, identification_request = $2, language = $3, \
         updated_at = $4, submitted_at = $4 where id = $5 and person_request is null",
    )
    .bind(person)
    .bind(identification)
    .bind(&language)
    .bind(now)
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    history::record(
        &mut *tx,
        now,
        application_id,
        Happened::Submitted,
        &language,
        None,
    )
    .await?;
    work::enqueue(&mut tx, application_id, WorkKind::CreatePerson, now).await?;
    work::enqueue(&mut tx, application_id, WorkKind::CreateIdentification, now).await?;
    mail::enqueue(&mut tx, application_id, MailKind::Saved, "saved", now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Saves the document choice. With a proof of address (`new_request`), the identification is
/// created anew with it: Solaris takes the proof of address only at creation.
pub(crate) async fn choose_document(
    db: &Db,
    application_id: &str,
    choice: &DocumentChoice,
    new_request: Option<&NewIdentification>,
) -> Result<(), StoreError> {
    let choice = to_json("the document choice", choice)?;
    let new_request = new_request
        .map(|r| to_json("the identification creation", r))
        .transpose()?;
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("update application set document = $1, updated_at = $2 where id = $3")
        .bind(choice)
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    let detail = if new_request.is_some() {
        "with proof of address"
    } else {
        ""
    };
    if let Some(request) = new_request {
        sqlx::query(
            "update application set identification_request = $1, identification_id = null, \
             identification_status = null, identification_url = null, failure_reason = null, \
             identification_requested_at = null, reconcile_due_at = null, reconcile_count = 0, \
             updated_at = $2 where id = $3",
        )
        .bind(request)
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
        work::enqueue(&mut tx, application_id, WorkKind::CreateIdentification, now).await?;
    }
    history::record(
        &mut *tx,
        now,
        application_id,
        Happened::DocumentChosen,
        detail,
        None,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// The customer has what the checklist names.
pub async fn checklist_done(db: &Db, application_id: &str) -> Result<(), StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("update application set checklist_done_at = $1, updated_at = $1 where id = $2")
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    history::record(
        &mut *tx,
        now,
        application_id,
        Happened::ChecklistDone,
        "",
        None,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// The identification was requested: its status and the IDnow link, and the bank's event when
/// the status changed with it. Returns the application's language (`EN` or `DE`), `None` when
/// there is no such application.
pub async fn record_request(
    db: &Db,
    application_id: &str,
    status: &IdentificationStatus,
    url: &str,
) -> Result<Option<String>, StoreError> {
    let now = db.now_ms();
    #[derive(sqlx::FromRow)]
    struct Before {
        identification_status: Option<String>,
        person_id: Option<String>,
        identification_id: Option<String>,
        language: String,
    }
    let mut tx = db.begin_write().await?;
    let before: Option<Before> = sqlx::query_as(&format!(
        "select identification_status, person_id, identification_id, language \
         from application where id = $1{}",
        db.for_update()
    ))
    .bind(application_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(Before {
        identification_status: before,
        person_id,
        identification_id,
        language,
    }) = before
    else {
        return Ok(None);
    };
    sqlx::query(
        "update application set identification_status = $1, identification_url = $2, \
         failure_reason = null, solaris_error = null, last_refresh_at = $3, reconcile_count = 0, \
         reconcile_due_at = null, status_changed_at = case when identification_status = $1 \
         then status_changed_at else $3 end, succeeded_at = null, \
         identification_requested_at = coalesce(identification_requested_at, $3), updated_at = $3 \
         where id = $4",
    )
    .bind(status_text(status)?)
    .bind(url)
    .bind(now)
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    let ident = identification_id.as_deref().unwrap_or_default();
    // The request is history even when a webhook's read stored its status first.
    history::record(
        &mut *tx,
        now,
        application_id,
        Happened::IdentificationRequested,
        &format!("{ident} {}", status.as_str()),
        None,
    )
    .await?;
    if before.as_deref() != Some(status.as_str()) {
        partner_events::enqueue(
            &mut tx,
            application_id,
            EventType::StatusChanged,
            &format!("status:{ident}:{}:requested", status.as_str()),
            EventData {
                person_id: person_id.as_deref(),
                identification_id: identification_id.as_deref(),
                status: Some(status.as_str()),
                failure_reason: None,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Some(language))
}

/// After expiry: forgets the expired identification and queues a new one with the same data;
/// false when the identification is no longer expired.
pub(crate) async fn renew_expired_identification(
    db: &Db,
    application_id: &str,
) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    let reset = sqlx::query(
        "update application set identification_id = null, identification_status = null, \
         identification_url = null, failure_reason = null, identification_requested_at = null, \
         reconcile_due_at = null, reconcile_count = 0, updated_at = $1 \
         where id = $2 and identification_status = $3",
    )
    .bind(now)
    .bind(application_id)
    .bind(IdentificationStatus::Expired.as_str())
    .execute(&mut *tx)
    .await?;
    let renewed = reset.rows_affected() == 1;
    if renewed {
        work::enqueue(&mut tx, application_id, WorkKind::CreateIdentification, now).await?;
    }
    tx.commit().await?;
    Ok(renewed)
}

/// The documents IDnow accepts for the identification `identification_id`, as Solaris listed
/// them.
pub(crate) async fn store_supported_documents(
    db: &Db,
    application_id: &str,
    identification_id: &str,
    documents: &[SupportedDocument],
) -> Result<(), StoreError> {
    sqlx::query(
        "update application set supported_documents = $1, supported_documents_for = $2, \
         updated_at = $3 where id = $4",
    )
    .bind(to_json("the supported documents", &documents)?)
    .bind(identification_id)
    .bind(db.now_ms())
    .bind(application_id)
    .execute(&db.writer)
    .await?;
    Ok(())
}

/// The Solaris person created (or adopted) for the application: it is submitted, and the
/// bank's systems hear of it.
pub(crate) async fn set_person_id(
    db: &Db,
    application_id: &str,
    person_id: &str,
) -> Result<(), StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("update application set person_id = $1, updated_at = $2 where id = $3")
        .bind(person_id)
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    let data = EventData {
        person_id: Some(person_id),
        ..EventData::default()
    };
    partner_events::enqueue(
        &mut tx,
        application_id,
        EventType::Submitted,
        "submitted",
        data,
        now,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// What a withdrawal did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withdrawal {
    /// The application had not reached Solaris: its personal data is erased.
    Erased,
    /// Solaris may hold the person: the request is recorded for the bank's staff and the
    /// application stops.
    Requested,
}

/// The customer withdraws the application; its waiting Solaris work is canceled either way.
/// It has reached Solaris when it has a person, or when a person creation was attempted and
/// not refused (its outcome may be unknown).
pub async fn withdraw(db: &Db, application_id: &str) -> Result<Withdrawal, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    // The application's row is locked first: a webhook or a read that queues work for it
    // changes the row in its own transaction, so it either commits before (and its work is
    // canceled below) or waits and then sees the withdrawal (PostgreSQL; SQLite has one writer).
    let (person_id, identification_id, status): (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as(
            "update application set updated_at = $1 where id = $2 \
             returning person_id, identification_id, identification_status",
        )
        .bind(now)
        .bind(application_id)
        .fetch_one(&mut *tx)
        .await?;
    let (attempted,): (i64,) = sqlx::query_as(
        "select count(*) from solaris_work where application_id = $1 and kind = $2 \
         and attempts > 0 and state <> $3",
    )
    .bind(application_id)
    .bind(WorkKind::CreatePerson.as_str())
    .bind(work::WorkState::Failed.as_str())
    .fetch_one(&mut *tx)
    .await?;
    work::cancel_pending(&mut tx, application_id, now).await?;
    let outcome = if person_id.is_some() || attempted > 0 {
        sqlx::query(
            "update application set withdrawn_at = $1, deletion_requested_at = $1, \
             updated_at = $1 where id = $2",
        )
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
        Withdrawal::Requested
    } else {
        sqlx::query(&format!(
            "update application set {ERASED}, withdrawn_at = $1, erased_at = $1, \
             updated_at = $1 where id = $2"
        ))
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
        super::erasure::erase_staff_text(&mut tx, application_id).await?;
        Withdrawal::Erased
    };
    let detail = match outcome {
        Withdrawal::Erased => "erased at once",
        Withdrawal::Requested => "deletion requested",
    };
    history::record(
        &mut *tx,
        now,
        application_id,
        Happened::Withdrawn,
        detail,
        None,
    )
    .await?;
    if outcome == Withdrawal::Requested {
        // The bank's systems hear of it as of anything else: after `application.completed`
        // the account may already be ordered.
        partner_events::enqueue(
            &mut tx,
            application_id,
            EventType::Withdrawn,
            &format!("withdrawn:{application_id}"),
            EventData {
                person_id: person_id.as_deref(),
                identification_id: identification_id.as_deref(),
                status: status.as_deref(),
                failure_reason: None,
            },
            now,
        )
        .await?;
        let mut detail = format!(
            "person {}",
            person_id.as_deref().unwrap_or("(creation attempted)")
        );
        if status.as_deref() == Some(IdentificationStatus::Successful.as_str()) {
            detail.push_str(
                "; the identification had succeeded and the bank was sent application.completed: \
                 the account may already be ordered",
            );
        }
        history::raise(
            &mut *tx,
            now,
            Some(application_id),
            Concern::DeletionRequested,
            &format!("deletion_requested:{application_id}"),
            &detail,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// The person as Solaris holds it, read after the identification succeeded.
pub(crate) async fn store_solaris_person(
    db: &Db,
    application_id: &str,
    person: &Person,
) -> Result<(), StoreError> {
    let person = to_json("the Solaris person", person)?;
    sqlx::query(
        "update application set solaris_person = $1, person_synced_at = $2, \
         updated_at = $2 where id = $3",
    )
    .bind(person)
    .bind(db.now_ms())
    .bind(application_id)
    .execute(&db.writer)
    .await?;
    Ok(())
}
