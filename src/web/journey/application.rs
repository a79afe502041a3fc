//! The step a customer's application is at, derived from what it holds.

use super::Step;
use crate::db::work::{self, Progress};
use crate::db::{Db, StoreError};
use crate::domain::IdentificationStatus;
use crate::domain::{Application, ConsentKind};

impl Application {
    /// The step the customer is at, from what the application holds.
    pub async fn current_step(&self, db: &Db) -> Result<Step, StoreError> {
        if self.withdrawn {
            return Ok(Step::Withdrawn);
        }
        if self.consent(ConsentKind::TermsConditions).is_none() {
            return Ok(Step::Terms);
        }
        if self.consent(ConsentKind::DataProcessing).is_none() {
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
            return Ok(match work::progress(db, &self.id).await? {
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
        Ok(match self.status() {
            IdentificationStatus::Created => Step::Redirect,
            IdentificationStatus::Successful => Step::Complete,
            _ => Step::Status,
        })
    }
}
