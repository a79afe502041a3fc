//! The customer's application as the journey sees it, and the step it is at.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Step;
use crate::db::{wall_clock_ms, Db};
use crate::queue::{self, Progress};
use crate::solaris::types::{NewIdentification, Person};

/// The first data screen, validated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    pub salutation: Option<String>,
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: String,
    pub birth_city: String,
    pub birth_country: String,
    pub nationality: String,
    pub employment_status: String,
}

/// The second data screen, validated. `mobile_number` is E.164.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetails {
    pub mobile_number: String,
    pub email: String,
    pub line_1: String,
    pub line_2: String,
    pub postal_code: String,
    pub city: String,
    pub state: Option<String>,
    pub country: String,
    pub tax_country: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub person: Option<PersonDetails>,
    pub contact: Option<ContactDetails>,
}

/// The ID document the customer will show, and the proof of address when it has no address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentChoice {
    pub kind: String,
    pub country: String,
    pub needs_proof_of_address: bool,
    pub proof_of_address_type: Option<String>,
    pub proof_of_address_issued_at: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Consent {
    pub kind: String,
    pub signed_at: String,
}

#[derive(Clone, Debug)]
pub struct Application {
    pub id: String,
    pub details: Details,
    pub document: Option<DocumentChoice>,
    pub consents: Vec<Consent>,
    pub person_request: Option<String>,
    pub identification_request: Option<NewIdentification>,
    pub person_id: Option<String>,
    pub identification_id: Option<String>,
    pub identification_status: Option<String>,
    pub identification_url: Option<String>,
    pub failure_reason: Option<String>,
    pub solaris_person: Option<Person>,
    pub solaris_error: Option<Value>,
    pub checklist_done: bool,
    pub last_refresh_at: Option<i64>,
    pub identification_completed_at: Option<String>,
    /// The person was read back from Solaris after the identification succeeded.
    pub person_synced: bool,
}

type Row = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

impl Application {
    pub async fn load(db: &Db, id: &str) -> Result<Option<Application>, sqlx::Error> {
        let row: Option<Row> = sqlx::query_as(
            "select id, details, document, person_request, identification_request, person_id, \
             identification_id, identification_status, identification_url, failure_reason, \
             solaris_person, solaris_error, checklist_done_at, last_refresh_at, \
             identification_completed_at, person_synced_at \
             from application where id = $1 and erased_at is null",
        )
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let consents: Vec<(String, String)> = sqlx::query_as(
            "select kind, signed_at from consent where application_id = $1 order by kind",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
        fn json<T: serde::de::DeserializeOwned>(s: &Option<String>) -> Option<T> {
            s.as_deref().and_then(|s| serde_json::from_str(s).ok())
        }
        Ok(Some(Application {
            id: r.0,
            details: json(&r.1).unwrap_or_default(),
            document: json(&r.2),
            person_request: r.3.clone(),
            identification_request: json(&r.4),
            person_id: r.5,
            identification_id: r.6,
            identification_status: r.7,
            identification_url: r.8,
            failure_reason: r.9,
            solaris_person: json(&r.10),
            solaris_error: json(&r.11),
            checklist_done: r.12.is_some(),
            last_refresh_at: r.13,
            identification_completed_at: r.14,
            person_synced: r.15.is_some(),
            consents: consents
                .into_iter()
                .map(|(kind, signed_at)| Consent { kind, signed_at })
                .collect(),
        }))
    }

    pub fn consent(&self, kind: &str) -> Option<&Consent> {
        self.consents.iter().find(|c| c.kind == kind)
    }

    /// The customer confirmed the review; the data went to the work queue.
    pub fn submitted(&self) -> bool {
        self.person_request.is_some()
    }

    pub fn resides_in_germany(&self) -> Option<bool> {
        self.details.contact.as_ref().map(|c| c.country == "DE")
    }

    /// The step the customer is at, from what the application holds.
    pub async fn current_step(&self, db: &Db) -> Result<Step, sqlx::Error> {
        if self.consent("terms_conditions").is_none() {
            return Ok(Step::Terms);
        }
        if self.consent("data_processing").is_none() {
            return Ok(Step::Privacy);
        }
        if self.details.person.is_none() {
            return Ok(Step::Person);
        }
        if self.details.contact.is_none() {
            return Ok(Step::Contact);
        }
        if self.resides_in_germany() == Some(false) {
            return Ok(Step::Ineligible);
        }
        if !self.submitted() {
            return Ok(Step::Review);
        }
        if self.identification_id.is_none() {
            return Ok(match queue::progress(db, &self.id).await? {
                // Solaris refused the person: the customer corrects the data on the review page.
                Progress::Failed { .. } if self.person_id.is_none() => Step::Review,
                _ => Step::Preparing,
            });
        }
        if self.document.is_none() {
            return Ok(Step::Documents);
        }
        if !self.checklist_done {
            return Ok(Step::Checklist);
        }
        Ok(match self.identification_status.as_deref() {
            None | Some("created") => Step::Redirect,
            Some("successful") => Step::Complete,
            Some(_) => Step::Status,
        })
    }

    /// Saves the data screens.
    pub async fn save_details(&self, db: &Db, details: &Details) -> Result<(), sqlx::Error> {
        sqlx::query("update application set details = $1, updated_at = $2 where id = $3")
            .bind(serde_json::to_string(details).unwrap_or_default())
            .bind(wall_clock_ms())
            .bind(&self.id)
            .execute(&db.pool)
            .await?;
        Ok(())
    }

    /// After Solaris refused the person, a change of data withdraws the refused submission so
    /// the customer can confirm the corrected data.
    pub async fn withdraw_refused_submission(&self, db: &Db) -> Result<(), sqlx::Error> {
        if !self.submitted() || self.person_id.is_some() {
            return Ok(());
        }
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "update application set person_request = null, identification_request = null, \
             solaris_error = null, updated_at = $1 where id = $2 and person_id is null",
        )
        .bind(wall_clock_ms())
        .bind(&self.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("delete from solaris_work where application_id = $1 and state in ('failed', 'canceled')")
            .bind(&self.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }
}
