//! The `application` table with its consents: created at the start, filled by the data
//! screens, submitted to the work queue, kept current with what Solaris answers, followed by
//! the live status stream and reconciliation, and erased on `PERSON_DELETED`.

use sqlx::Any;

use super::events::{self, EventData, EventType};
use super::history::{self, Concern, Happened};
use super::mail::{self, MailKind};
use super::work::{self, WorkKind};
use super::{from_json, to_json, wall_clock_ms, Db, StoreError};
use crate::domain::application::{Consent, ConsentKind, Details, DocumentChoice};
use crate::domain::outcome::{outcome, Effects, StatusChange};
use crate::domain::Application;
use crate::domain::{
    Identification, IdentificationStatus, NewIdentification, NewPerson, Person, SupportedDocument,
};

/// A stored identification status: one of the guide's, or an error.
fn status_from(column: &'static str, s: &str) -> Result<IdentificationStatus, StoreError> {
    match IdentificationStatus::parse(s) {
        IdentificationStatus::Other(other) => Err(StoreError::Corrupt {
            column,
            why: format!("unknown identification status {other:?}"),
        }),
        status => Ok(status),
    }
}

/// The text of a status to store; a status the guide does not list is refused, so that an odd
/// Solaris answer never lands on an application.
fn status_text(status: &IdentificationStatus) -> Result<&str, StoreError> {
    match status {
        IdentificationStatus::Other(other) => Err(StoreError::Unstorable {
            what: "identification status",
            why: format!("{other:?} is not a status of the guide"),
        }),
        status => Ok(status.as_str()),
    }
}

/// The assignments that erase every personal datum of an application (every erasure: Solaris
/// deleted the person, the customer withdrew, retention); ids, statuses and times stay.
pub(super) const ERASED: &str = "details = null, document = null, person_request = null, \
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

/// Creates an empty application; returns its id.
pub async fn create(db: &Db) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut tx = db.begin_write().await?;
    sqlx::query("insert into application (id, created_at, updated_at) values ($1, $2, $2)")
        .bind(&id)
        .bind(wall_clock_ms())
        .execute(&mut *tx)
        .await?;
    history::record(&mut *tx, &id, Happened::Started, "", None).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: String,
    details: Option<String>,
    document: Option<String>,
    person_request: Option<String>,
    identification_request: Option<String>,
    person_id: Option<String>,
    identification_id: Option<String>,
    identification_status: Option<String>,
    identification_url: Option<String>,
    failure_reason: Option<String>,
    solaris_person: Option<String>,
    solaris_error: Option<String>,
    supported_documents: Option<String>,
    checklist_done_at: Option<i64>,
    identification_completed_at: Option<String>,
    person_synced_at: Option<i64>,
    withdrawn_at: Option<i64>,
    terms_at: Option<String>,
    data_at: Option<String>,
}

impl TryFrom<ApplicationRow> for Application {
    type Error = StoreError;

    fn try_from(row: ApplicationRow) -> Result<Application, StoreError> {
        let consents = [
            (ConsentKind::TermsConditions, row.terms_at),
            (ConsentKind::DataProcessing, row.data_at),
        ]
        .into_iter()
        .filter_map(|(kind, at)| at.map(|signed_at| Consent { kind, signed_at }))
        .collect();
        Ok(Application {
            details: from_json("application.details", row.details.as_deref())?.unwrap_or_default(),
            document: from_json("application.document", row.document.as_deref())?,
            identification_request: from_json(
                "application.identification_request",
                row.identification_request.as_deref(),
            )?,
            identification_status: row
                .identification_status
                .as_deref()
                .map(|s| status_from("application.identification_status", s))
                .transpose()?,
            solaris_person: from_json("application.solaris_person", row.solaris_person.as_deref())?,
            solaris_error: from_json("application.solaris_error", row.solaris_error.as_deref())?,
            supported_documents: from_json(
                "application.supported_documents",
                row.supported_documents.as_deref(),
            )?,
            id: row.id,
            person_request: row.person_request,
            person_id: row.person_id,
            identification_id: row.identification_id,
            identification_url: row.identification_url,
            failure_reason: row.failure_reason,
            checklist_done: row.checklist_done_at.is_some(),
            withdrawn: row.withdrawn_at.is_some(),
            identification_completed_at: row.identification_completed_at,
            person_synced: row.person_synced_at.is_some(),
            consents,
        })
    }
}

/// An application that is not erased, with its consents, in one query.
pub async fn load(db: &Db, id: &str) -> Result<Option<Application>, StoreError> {
    let query = sqlx::query_as::<_, ApplicationRow>(
        "select a.id, a.details, a.document, a.person_request, a.identification_request, \
         a.person_id, a.identification_id, a.identification_status, a.identification_url, \
         a.failure_reason, a.solaris_person, a.solaris_error, a.checklist_done_at, \
         a.identification_completed_at, a.person_synced_at, a.withdrawn_at, \
         case when a.supported_documents_for = a.identification_id \
              then a.supported_documents end as supported_documents, \
         (select signed_at from consent c where c.application_id = a.id and c.kind = $2) as terms_at, \
         (select signed_at from consent c where c.application_id = a.id and c.kind = $3) as data_at \
         from application a where a.id = $1 and a.erased_at is null",
    )
    .bind(id)
    .bind(ConsentKind::TermsConditions.as_str())
    .bind(ConsentKind::DataProcessing.as_str());
    let row = match db.reader().await {
        Some(mut connection) => query.fetch_optional(&mut *connection).await?,
        None => query.fetch_optional(&db.pool).await?,
    };
    row.map(Application::try_from).transpose()
}

/// What a consent records: the text's version and hash, the language it was shown in, and
/// the UTC second of the acceptance.
#[derive(Debug)]
pub struct NewConsent<'a> {
    pub kind: ConsentKind,
    pub version: &'a str,
    pub text_sha256: &'a str,
    pub language: &'a str,
    pub signed_at: &'a str,
    /// The exact text accepted, kept by its SHA-256 with the consent.
    pub text: &'a str,
}

/// Records an acceptance with the text accepted; the first one of a kind stands.
pub async fn record_consent(
    db: &Db,
    application_id: &str,
    consent: &NewConsent<'_>,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "insert into consent_text (text_sha256, kind, language, version, text, created_at) \
         values ($1, $2, $3, $4, $5, $6) on conflict (text_sha256) do nothing",
    )
    .bind(consent.text_sha256)
    .bind(consent.kind.as_str())
    .bind(consent.language)
    .bind(consent.version)
    .bind(consent.text)
    .bind(wall_clock_ms())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into consent (id, application_id, kind, version, text_sha256, language, signed_at, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (application_id, kind) do nothing",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(application_id)
    .bind(consent.kind.as_str())
    .bind(consent.version)
    .bind(consent.text_sha256)
    .bind(consent.language)
    .bind(consent.signed_at)
    .bind(wall_clock_ms())
    .execute(&mut *tx)
    .await?;
    history::record(
        &mut *tx,
        application_id,
        Happened::Consent,
        &format!(
            "{} {} {}",
            consent.kind.as_str(),
            consent.language,
            consent.version
        ),
        None,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// A legal text as a customer accepted it, by its SHA-256 (lowercase hex).
pub async fn consent_text(db: &Db, sha256: &str) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> =
        sqlx::query_as("select text from consent_text where text_sha256 = $1")
            .bind(sha256)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(text,)| text))
}

/// Saves the data screens. After Solaris refused the person, a change of data withdraws the
/// refused submission in the same transaction, so the customer can confirm the corrected data.
pub async fn save_details(db: &Db, app: &Application, details: &Details) -> Result<(), StoreError> {
    // Lowercased copies for the back office's search (erased with the rest).
    let search_name = details
        .person
        .as_ref()
        .map(|p| format!("{} {}", p.first_name, p.last_name).to_lowercase());
    let search_email = details.contact.as_ref().map(|c| c.email.to_lowercase());
    let screens = match (&details.person, &details.contact) {
        (Some(_), Some(_)) => "person contact",
        (Some(_), None) => "person",
        (None, _) => "contact",
    };
    let details = to_json("the application's details", details)?;
    let now = wall_clock_ms();
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
    history::record(&mut *tx, &app.id, Happened::DetailsSaved, screens, None).await?;
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
    .bind(wall_clock_ms())
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    history::record(
        &mut *tx,
        application_id,
        Happened::Submitted,
        &language,
        None,
    )
    .await?;
    work::enqueue(&mut tx, application_id, WorkKind::CreatePerson).await?;
    work::enqueue(&mut tx, application_id, WorkKind::CreateIdentification).await?;
    mail::enqueue(
        &mut tx,
        application_id,
        MailKind::Saved,
        "saved",
        wall_clock_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Saves the document choice. With a proof of address (`new_request`), the identification is
/// created anew with it: Solaris takes the proof of address only at creation.
pub async fn choose_document(
    db: &Db,
    application_id: &str,
    choice: &DocumentChoice,
    new_request: Option<&NewIdentification>,
) -> Result<(), StoreError> {
    let choice = to_json("the document choice", choice)?;
    let new_request = new_request
        .map(|r| to_json("the identification creation", r))
        .transpose()?;
    let now = wall_clock_ms();
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
        work::enqueue(&mut tx, application_id, WorkKind::CreateIdentification).await?;
    }
    history::record(
        &mut *tx,
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
    let mut tx = db.begin_write().await?;
    sqlx::query("update application set checklist_done_at = $1, updated_at = $1 where id = $2")
        .bind(wall_clock_ms())
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    history::record(&mut *tx, application_id, Happened::ChecklistDone, "", None).await?;
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
         reconcile_due_at = null, \
         identification_requested_at = coalesce(identification_requested_at, $3), updated_at = $3 \
         where id = $4",
    )
    .bind(status_text(status)?)
    .bind(url)
    .bind(wall_clock_ms())
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    let ident = identification_id.as_deref().unwrap_or_default();
    // The request is history even when a webhook's read stored its status first.
    history::record(
        &mut *tx,
        application_id,
        Happened::IdentificationRequested,
        &format!("{ident} {}", status.as_str()),
        None,
    )
    .await?;
    if before.as_deref() != Some(status.as_str()) {
        events::enqueue(
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
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Some(language))
}

/// After expiry: forgets the expired identification and queues a new one with the same data;
/// false when the identification is no longer expired.
pub async fn renew_expired_identification(
    db: &Db,
    application_id: &str,
) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let reset = sqlx::query(
        "update application set identification_id = null, identification_status = null, \
         identification_url = null, failure_reason = null, identification_requested_at = null, \
         reconcile_due_at = null, reconcile_count = 0, updated_at = $1 \
         where id = $2 and identification_status = $3",
    )
    .bind(wall_clock_ms())
    .bind(application_id)
    .bind(IdentificationStatus::Expired.as_str())
    .execute(&mut *tx)
    .await?;
    let renewed = reset.rows_affected() == 1;
    if renewed {
        work::enqueue(&mut tx, application_id, WorkKind::CreateIdentification).await?;
    }
    tx.commit().await?;
    Ok(renewed)
}

/// What the work queue needs of an application to talk to Solaris.
#[derive(Debug, sqlx::FromRow)]
pub struct SolarisRefs {
    pub person_request: Option<String>,
    pub identification_request: Option<String>,
    pub person_id: Option<String>,
    pub identification_id: Option<String>,
    /// The identification's status as last stored (the guide's word).
    pub identification_status: Option<String>,
    /// The customer's document choice (JSON), once made.
    pub document: Option<String>,
}

pub async fn solaris_refs(db: &Db, application_id: &str) -> Result<SolarisRefs, StoreError> {
    Ok(sqlx::query_as(
        "select person_request, identification_request, person_id, identification_id, \
         identification_status, document from application where id = $1",
    )
    .bind(application_id)
    .fetch_one(&db.pool)
    .await?)
}

/// The documents IDnow accepts for the identification `identification_id`, as Solaris listed
/// them.
pub async fn store_supported_documents(
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
    .bind(wall_clock_ms())
    .bind(application_id)
    .execute(&db.writer)
    .await?;
    Ok(())
}

/// The Solaris person created (or adopted) for the application: it is submitted, and the
/// bank's systems hear of it.
pub async fn set_person_id(
    db: &Db,
    application_id: &str,
    person_id: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("update application set person_id = $1, updated_at = $2 where id = $3")
        .bind(person_id)
        .bind(wall_clock_ms())
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    let data = EventData {
        person_id: Some(person_id),
        ..EventData::default()
    };
    events::enqueue(
        &mut tx,
        application_id,
        EventType::Submitted,
        "submitted",
        data,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// Stores what Solaris holds now for the identification the application holds (or, when
/// `created`, the one just created for it); when it has just become successful, queues a read
/// of the person, whose data IDnow may have corrected. Of a withdrawn application only the
/// status is kept (the staff's deletion needs it): nothing more is read of the person.
pub async fn record_identification(
    db: &Db,
    application_id: &str,
    ident: &Identification,
    created: bool,
) -> Result<Option<Transition>, StoreError> {
    let status = status_text(&ident.status)?;
    let mut tx = db.begin_write().await?;
    let before: Option<Before> = sqlx::query_as(&format!(
        "select identification_status, language, created_at, identification_requested_at, \
         person_id, withdrawn_at from application where id = $1{}",
        db.for_update()
    ))
    .bind(application_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(before) = before else {
        return Ok(None);
    };
    let before_status = before
        .identification_status
        .as_deref()
        .map(|s| status_from("application.identification_status", s))
        .transpose()?;
    // `withdrawn_at` as the update leaves it: a withdrawal committed meanwhile counts.
    let stored: Option<(Option<i64>,)> = sqlx::query_as(
        "update application set identification_id = $1, identification_status = $2, \
         identification_url = coalesce($3, identification_url), failure_reason = $4, \
         identification_completed_at = coalesce($5, identification_completed_at), \
         solaris_error = null, last_refresh_at = $6, reconcile_count = case \
         when identification_status = $2 then reconcile_count else 0 end, \
         reconcile_due_at = case when identification_status = $2 then reconcile_due_at end, \
         identification_requested_at = case when $2 = $9 then identification_requested_at \
         else coalesce(identification_requested_at, $6) end, \
         updated_at = $6 where id = $7 \
         and (identification_id = $1 or (identification_id is null and $8 = 1)) \
         returning withdrawn_at",
    )
    .bind(&ident.id)
    .bind(status)
    .bind(ident.url.as_deref())
    .bind(ident.failure_reason.as_ref().map(|f| f.0.as_str()))
    .bind(ident.completed_at.as_deref())
    .bind(wall_clock_ms())
    .bind(application_id)
    .bind(i64::from(created))
    .bind(IdentificationStatus::Created.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let withdrawn = match &stored {
        Some((withdrawn_at,)) => withdrawn_at.is_some(),
        None => before.withdrawn_at.is_some(),
    };
    let changed = before_status.as_ref() != Some(&ident.status);
    let told = changed && stored.is_some();
    let events_so_far = if told {
        let (n,): (i64,) =
            sqlx::query_as("select count(*) from partner_event where application_id = $1")
                .bind(application_id)
                .fetch_one(&mut *tx)
                .await?;
        n
    } else {
        0
    };
    let effects = outcome(&StatusChange {
        identification_id: &ident.id,
        before: before_status.as_ref(),
        now: &ident.status,
        failure_reason: ident.failure_reason.as_ref().map(|f| f.0.as_str()),
        completed: ident.completed_at.is_some(),
        withdrawn,
        events_so_far,
    });
    if effects.read_person {
        work::enqueue(&mut tx, application_id, WorkKind::SyncPerson).await?;
    }
    if told {
        let data = EventData {
            person_id: before.person_id.as_deref(),
            identification_id: Some(&ident.id),
            status: Some(ident.status.as_str()),
            failure_reason: ident.failure_reason.as_ref().map(|f| f.0.as_str()),
        };
        store_effects(&mut tx, application_id, &effects, &data).await?;
    }
    tx.commit().await?;
    Ok(changed.then_some(Transition {
        language: before.language,
        started_at: before.created_at,
        requested_at: before.identification_requested_at,
    }))
}

/// What [`record_identification`] reads of the application before it stores.
#[derive(sqlx::FromRow)]
struct Before {
    identification_status: Option<String>,
    language: String,
    created_at: i64,
    identification_requested_at: Option<i64>,
    person_id: Option<String>,
    withdrawn_at: Option<i64>,
}

/// Writes what a stored change of an identification's status causes ([`outcome`]), in its
/// transaction: the customer's mail, the bank's events, the history entry, the staff's item
/// and the read of the evidence.
async fn store_effects(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    effects: &Effects,
    data: &EventData<'_>,
) -> Result<(), StoreError> {
    if let Some(mail) = &effects.mail {
        mail::enqueue(tx, application_id, mail.what, &mail.cause, wall_clock_ms()).await?;
    }
    for event in &effects.events {
        events::enqueue(tx, application_id, event.what, &event.cause, data.clone()).await?;
    }
    let detail = &effects.history_detail;
    history::record(&mut **tx, application_id, Happened::Status, detail, None).await?;
    if let Some(concern) = &effects.concern {
        history::raise(
            &mut **tx,
            Some(application_id),
            concern.what,
            &concern.cause,
            detail,
        )
        .await?;
    }
    if effects.fetch_evidence {
        work::enqueue(tx, application_id, WorkKind::FetchEvidence).await?;
    }
    Ok(())
}

/// An identification status that changed, with what the metrics need to know of the
/// application (no personal data).
#[derive(Clone, Debug)]
pub struct Transition {
    /// `EN` or `DE`.
    pub language: String,
    /// When the application started (ms).
    pub started_at: i64,
    /// When the identification was requested (ms), if it was.
    pub requested_at: Option<i64>,
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
    let now = wall_clock_ms();
    let mut tx = db.begin_write().await?;
    // The application's row is locked first: a webhook or a read that queues work for it
    // changes the row in its own transaction, so it either commits before (and its work is
    // canceled below) or waits and then sees the withdrawal (PostgreSQL; SQLite has one writer).
    let (person_id,): (Option<String>,) =
        sqlx::query_as("update application set updated_at = $1 where id = $2 returning person_id")
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
        Withdrawal::Erased
    };
    let detail = match outcome {
        Withdrawal::Erased => "erased at once",
        Withdrawal::Requested => "deletion requested",
    };
    history::record(&mut *tx, application_id, Happened::Withdrawn, detail, None).await?;
    if outcome == Withdrawal::Requested {
        let detail = format!(
            "person {}",
            person_id.as_deref().unwrap_or("(creation attempted)")
        );
        history::raise(
            &mut *tx,
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
pub async fn store_solaris_person(
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
    .bind(wall_clock_ms())
    .bind(application_id)
    .execute(&db.writer)
    .await?;
    Ok(())
}

/// The status the live stream starts from (`created` until Solaris says more); `None` when the
/// application is gone.
pub async fn live_status(
    db: &Db,
    application_id: &str,
) -> Result<Option<IdentificationStatus>, StoreError> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "select identification_status from application where id = $1 and erased_at is null",
    )
    .bind(application_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(status,)| {
        status
            .as_deref()
            .map(|s| status_from("application.identification_status", s))
            .transpose()
            .map(|s| s.unwrap_or(IdentificationStatus::Created))
    })
    .transpose()
}

/// `(id, status)` of the applications changed since `since` (ms), for the live stream.
pub async fn changed_since(
    db: &Db,
    since: i64,
) -> Result<Vec<(String, IdentificationStatus)>, StoreError> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("select id, identification_status from application where updated_at >= $1")
            .bind(since)
            .fetch_all(&db.pool)
            .await?;
    rows.into_iter()
        .map(|(id, status)| {
            let status = status
                .as_deref()
                .map(|s| status_from("application.identification_status", s))
                .transpose()?
                .unwrap_or(IdentificationStatus::Created);
            Ok((id, status))
        })
        .collect()
}

/// A webhook named the application's identification or person: remember when, and restart
/// reconciliation's count. Returns the applications it concerns (not erased), each with
/// whether the customer withdrew it.
pub(super) async fn heard_from_solaris(
    tx: &mut sqlx::Transaction<'_, Any>,
    by_identification: bool,
    entity_id: &str,
    now: i64,
) -> Result<Vec<(String, bool)>, StoreError> {
    let sql = if by_identification {
        "update application set last_webhook_at = $1, reconcile_count = 0 \
         where identification_id = $2 and erased_at is null returning id, withdrawn_at"
    } else {
        "update application set last_webhook_at = $1, reconcile_count = 0 \
         where person_id = $2 and erased_at is null returning id, withdrawn_at"
    };
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(sql)
        .bind(now)
        .bind(entity_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, withdrawn_at)| (id, withdrawn_at.is_some()))
        .collect())
}

/// Solaris answered that the application's person no longer exists (after `PERSON_DELETED`):
/// every personal datum of the application goes at once; ids, statuses, timestamps and the
/// consents' versions stay as the proof that the erasure happened.
pub async fn erase_deleted_person(db: &Db, application_id: &str) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    erase_reached(&mut tx, application_id, "Solaris deleted the person", None).await?;
    tx.commit().await?;
    tracing::info!(
        application_id,
        "personal data erased: Solaris no longer holds the person"
    );
    Ok(())
}

/// A staff member erases the application's local personal data on a data-subject request,
/// with a proof row (`erasure_log`) beside the history. False when it was erased already.
pub async fn erase_on_request(
    db: &Db,
    application_id: &str,
    actor: &str,
) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let erased =
        erase_reached(&mut tx, application_id, "data-subject request", Some(actor)).await?;
    if erased {
        let reason = super::retention::Reason::DataSubjectRequest;
        super::retention::log_in(&mut tx, reason, 1, wall_clock_ms()).await?;
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
) -> Result<bool, StoreError> {
    let now = wall_clock_ms();
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
    history::record(&mut **tx, application_id, Happened::Erased, why, actor).await?;
    let data = EventData {
        person_id: person_id.as_deref(),
        identification_id: identification_id.as_deref(),
        ..EventData::default()
    };
    events::enqueue(tx, application_id, EventType::Erased, "erased", data).await?;
    Ok(true)
}

/// How long reconciliation follows an identification after its request: its link lives 14
/// days, after which Solaris reports it `expired`; one more day covers a late answer.
pub const RECONCILE_FOR_MS: i64 = 15 * 24 * 3600 * 1000;

/// Queues a status read for every application whose identification can still change, whose
/// last webhook is older than `after_ms` and whose next read is due: `after_ms` after the last
/// status learned, then doubling per read without news up to `max_wait_ms`, until the status is
/// final or [`RECONCILE_FOR_MS`] after the request. Returns how many were queued.
pub async fn queue_reconciliation_reads(
    db: &Db,
    after_ms: i64,
    max_wait_ms: i64,
) -> Result<usize, StoreError> {
    let now = wall_clock_ms();
    // The open statuses are the enum's own constants, never input.
    let open = IdentificationStatus::OPEN
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let due = "coalesce(reconcile_due_at, coalesce(last_refresh_at, 0) + $2) <= $1 \
               and coalesce(last_webhook_at, 0) < $1 - $2";
    let candidates: Vec<(String, i64)> = sqlx::query_as(&format!(
        "select id, reconcile_count from application where identification_status in ({open}) \
         and identification_id is not null and erased_at is null and withdrawn_at is null \
         and coalesce(identification_requested_at, last_refresh_at, 0) > $1 - $3 and {due}"
    ))
    .bind(now)
    .bind(after_ms)
    .bind(RECONCILE_FOR_MS)
    .fetch_all(&db.pool)
    .await?;
    let mut queued = 0;
    for (id, count) in candidates {
        let next = now
            + after_ms
                .saturating_mul(1 << (count + 1).clamp(0, 30))
                .min(max_wait_ms);
        let mut tx = db.begin_write().await?;
        // The conditional update makes one instance win when several reconcile at once.
        let claimed = sqlx::query(&format!(
            "update application set last_refresh_at = $1, reconcile_count = reconcile_count + 1, \
             reconcile_due_at = $3 where id = $4 and {due}"
        ))
        .bind(now)
        .bind(after_ms)
        .bind(next)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 1 {
            work::enqueue_read(&mut tx, &id, WorkKind::RefreshIdentification).await?;
            queued += 1;
        }
        tx.commit().await?;
    }
    Ok(queued)
}
