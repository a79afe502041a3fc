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
    pub identification_completed_at: Option<String>,
    /// The person was read back from Solaris after the identification succeeded.
    pub person_synced: bool,
}

impl Application {
    pub async fn load(db: &Db, id: &str) -> Result<Option<Application>, sqlx::Error> {
        use sqlx::Row;
        // One query: the consents come along as two columns.
        let query = sqlx::query(
            "select a.id, a.details, a.document, a.person_request, a.identification_request, \
             a.person_id, a.identification_id, a.identification_status, a.identification_url, \
             a.failure_reason, a.solaris_person, a.solaris_error, a.checklist_done_at, \
             a.identification_completed_at, a.person_synced_at, \
             (select signed_at from consent c where c.application_id = a.id and c.kind = 'terms_conditions') as terms_at, \
             (select signed_at from consent c where c.application_id = a.id and c.kind = 'data_processing') as data_at \
             from application a where a.id = $1 and a.erased_at is null",
        )
        .bind(id);
        let row = match db.reader().await {
            Some(mut connection) => query.fetch_optional(&mut *connection).await?,
            None => query.fetch_optional(&db.pool).await?,
        };
        let Some(row) = row else { return Ok(None) };
        let text = |i: usize| row.try_get::<Option<String>, _>(i);
        let number = |i: usize| row.try_get::<Option<i64>, _>(i);
        let consents: Vec<Consent> = [
            ("terms_conditions", text(15)?),
            ("data_processing", text(16)?),
        ]
        .into_iter()
        .filter_map(|(kind, at)| {
            at.map(|signed_at| Consent {
                kind: kind.to_string(),
                signed_at,
            })
        })
        .collect();
        fn json<T: serde::de::DeserializeOwned>(s: &Option<String>) -> Option<T> {
            s.as_deref().and_then(|s| serde_json::from_str(s).ok())
        }
        Ok(Some(Application {
            id: row.try_get(0)?,
            details: json(&text(1)?).unwrap_or_default(),
            document: json(&text(2)?),
            person_request: text(3)?,
            identification_request: json(&text(4)?),
            person_id: text(5)?,
            identification_id: text(6)?,
            identification_status: text(7)?,
            identification_url: text(8)?,
            failure_reason: text(9)?,
            solaris_person: json(&text(10)?),
            solaris_error: json(&text(11)?),
            checklist_done: number(12)?.is_some(),
            identification_completed_at: text(13)?,
            person_synced: number(14)?.is_some(),
            consents,
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
            .execute(&db.writer)
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
