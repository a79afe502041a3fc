//! The `application` table with its consents: created at the start, filled by the data
//! screens, submitted to the work queue, kept current with what Solaris answers, followed by
//! the live status stream and reconciliation, and erased on `PERSON_DELETED`.

mod call;
mod consents;
mod erasure;
mod journey;
mod status;

pub use call::*;
pub use consents::*;
pub(crate) use erasure::*;
pub(in crate::db) use erasure::{erase_staff_text, log_in, ERASED};
pub use journey::*;
pub(in crate::db) use status::heard_from_solaris;
pub use status::*;

use super::history::{self, Happened};
use super::{from_json, Db, StoreError};
use crate::domain::application::{Consent, ConsentKind};
use crate::domain::step::Step;
use crate::domain::Application;
use crate::domain::IdentificationStatus;

/// A stored identification status: one of the guide's, or an error.
pub(super) fn status_from(
    column: &'static str,
    s: &str,
) -> Result<IdentificationStatus, StoreError> {
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
pub(super) fn status_text(status: &IdentificationStatus) -> Result<&str, StoreError> {
    match status {
        IdentificationStatus::Other(other) => Err(StoreError::Unstorable {
            what: "identification status",
            why: format!("{other:?} is not a status of the guide"),
        }),
        status => Ok(status.as_str()),
    }
}

/// Creates an empty application; returns its id.
pub async fn create(db: &Db) -> Result<String, StoreError> {
    let now = db.now_ms();
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut tx = db.begin_write().await?;
    sqlx::query("insert into application (id, created_at, updated_at) values ($1, $2, $2)")
        .bind(&id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    history::record(&mut *tx, now, &id, Happened::Started, "", None).await?;
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
    status_changed_at: Option<i64>,
    call_ended_at: Option<i64>,
    phone_joined_at: Option<i64>,
    succeeded_at: Option<i64>,
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
            status_changed_at: row.status_changed_at,
            call_ended_at: row.call_ended_at,
            phone_joined_at: row.phone_joined_at,
            succeeded: row.succeeded_at.is_some(),
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
         a.status_changed_at, a.call_ended_at, a.phone_joined_at, a.succeeded_at, \
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

/// What the work queue needs of an application to talk to Solaris.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SolarisRefs {
    pub person_request: Option<String>,
    pub identification_request: Option<String>,
    pub person_id: Option<String>,
    pub identification_id: Option<String>,
    /// The identification's status as last stored (the guide's word).
    pub identification_status: Option<String>,
    /// The customer's document choice (JSON), once made.
    pub document: Option<String>,
}

pub(crate) async fn solaris_refs(db: &Db, application_id: &str) -> Result<SolarisRefs, StoreError> {
    Ok(sqlx::query_as(
        "select person_request, identification_request, person_id, identification_id, \
         identification_status, document from application where id = $1",
    )
    .bind(application_id)
    .fetch_one(&db.pool)
    .await?)
}

/// The step the customer is at ([`Application::step`]); the work queue is asked whether Solaris
/// refused the person only while that decides it.
pub(crate) async fn current_step(db: &Db, app: &Application) -> Result<Step, StoreError> {
    let refused = app.is_preparing()
        && matches!(
            super::work::progress(db, &app.id).await?,
            super::work::Progress::Failed { .. }
        );
    Ok(app.step(refused))
}
