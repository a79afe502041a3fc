//! The customer's application: what they typed, what they accepted, and what Solaris holds.
//! Storage reads and writes it; the pages derive the customer's step from it.

use serde::{Deserialize, Serialize};

use super::values::{
    BirthDate, CountryCode, EmailAddress, FreeText, MobileNumber, PersonName, PostalCode,
};
use super::{EmploymentStatus, MaritalStatus, SolarisRefusal};

use crate::domain::{IdentificationStatus, NewIdentification, Person, SupportedDocument};

/// The two acceptances the guide asks for before any data is collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsentKind {
    TermsConditions,
    DataProcessing,
}

impl ConsentKind {
    pub const ALL: [ConsentKind; 2] = [ConsentKind::TermsConditions, ConsentKind::DataProcessing];

    /// The stored (and logged) name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentKind::TermsConditions => "terms_conditions",
            ConsentKind::DataProcessing => "data_processing",
        }
    }

    pub fn parse(s: &str) -> Option<ConsentKind> {
        ConsentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The first data screen, parsed: once it exists, every value is valid, and nothing
/// downstream checks it again. Stored as JSON with the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    /// `MR` or `MS`, one of the form's choices.
    pub salutation: Option<String>,
    /// One of the form's titles.
    pub title: Option<String>,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub birth_date: BirthDate,
    pub birth_city: FreeText,
    pub birth_country: CountryCode,
    pub nationality: CountryCode,
    pub employment_status: EmploymentStatus,
    /// Required for German retail customers (`tax_information.marital_status`); absent in
    /// applications saved before it was asked.
    #[serde(default)]
    pub marital_status: Option<MaritalStatus>,
}

/// The second data screen, parsed, as [`PersonDetails`] is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetails {
    /// E.164.
    pub mobile_number: MobileNumber,
    pub email: EmailAddress,
    pub line_1: FreeText,
    pub line_2: FreeText,
    pub postal_code: PostalCode,
    pub city: FreeText,
    /// A German state, one of the form's choices.
    pub state: Option<String>,
    pub country: CountryCode,
    pub tax_country: CountryCode,
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
    /// The PRADO number of the document's version, when its kind and country have versions
    /// that show the address (the guide's appendix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub needs_proof_of_address: bool,
    pub proof_of_address_type: Option<String>,
    pub proof_of_address_issued_at: Option<String>,
}

/// One acceptance: when (the UTC second, as Solaris takes it).
#[derive(Clone, Debug)]
pub struct Consent {
    pub kind: ConsentKind,
    pub signed_at: String,
}

#[derive(Clone, Debug)]
pub struct Application {
    pub id: String,
    pub details: Details,
    pub document: Option<DocumentChoice>,
    pub consents: Vec<Consent>,
    /// The person creation's body, stored when the customer confirmed the review.
    pub person_request: Option<String>,
    pub identification_request: Option<NewIdentification>,
    pub person_id: Option<String>,
    pub identification_id: Option<String>,
    pub identification_status: Option<IdentificationStatus>,
    pub identification_url: Option<String>,
    pub failure_reason: Option<String>,
    pub solaris_person: Option<Person>,
    pub solaris_error: Option<SolarisRefusal>,
    /// The documents IDnow accepts for the current identification, as Solaris listed them;
    /// `None` when Solaris could not say.
    pub supported_documents: Option<Vec<SupportedDocument>>,
    pub checklist_done: bool,
    /// The customer withdrew it after it had reached Solaris; staff handle the deletion.
    pub withdrawn: bool,
    pub identification_completed_at: Option<String>,
    /// The person was read back from Solaris after the identification succeeded.
    pub person_synced: bool,
    /// When the stored status last changed (ms on the app's clock).
    pub status_changed_at: Option<i64>,
    /// When IDnow sent a browser back with this identification's transaction number: the
    /// session at IDnow ended (ms). Cleared when the customer goes to IDnow again.
    pub call_ended_at: Option<i64>,
    /// When the customer opened the application on another device with its link (ms).
    pub phone_joined_at: Option<i64>,
    /// The identification was `successful` since its last call (a later `canceled` is the
    /// guide's case 3).
    pub succeeded: bool,
}

impl Application {
    /// The application can still move: the links into it work. Not once the customer
    /// withdrew it, nor once the identification ended (succeeded, failed for good, expired).
    pub(crate) fn can_still_move(&self) -> bool {
        if self.withdrawn || self.details.person.is_none() {
            return false;
        }
        let permanent = super::failure_reason::is_permanent(self.failure_reason.as_deref());
        match self.identification_status.as_ref() {
            None => true,
            Some(IdentificationStatus::Successful)
            | Some(IdentificationStatus::Failed)
            | Some(IdentificationStatus::Expired) => false,
            Some(IdentificationStatus::Aborted) | Some(IdentificationStatus::Canceled) => {
                !permanent
            }
            Some(_) => true,
        }
    }

    /// Solaris refused to start the identification for good (a 4xx to the request, such as
    /// a test case it does not offer for this method): another request would be refused too.
    /// Staff clear it when they retry the request.
    pub(crate) fn request_refused(&self) -> bool {
        self.identification_url.is_none()
            && self
                .solaris_error
                .as_ref()
                .and_then(|e| e.status)
                .is_some_and(|s| (400..500).contains(&s))
    }

    /// The guide's case 3: a review canceled an identification that had been successful.
    pub(crate) fn success_revoked(&self) -> bool {
        self.status() == IdentificationStatus::Canceled && self.succeeded
    }

    /// The customer is on IDnow's waiting list: IDnow calls them; nothing to retry.
    pub(crate) fn on_waiting_list(&self) -> bool {
        super::failure_reason::is_waiting_list(self.failure_reason.as_deref())
    }

    /// The customer still has to do (or redo) the call: reminders are about this.
    pub(crate) fn waits_for_the_customer(&self) -> bool {
        if !self.can_still_move() {
            return false;
        }
        if self.on_waiting_list() {
            return false;
        }
        match self.identification_status.as_ref() {
            None => true,
            Some(IdentificationStatus::Canceled) => !self.success_revoked(),
            Some(s) => IdentificationStatus::WAITING_FOR_THE_CUSTOMER.contains(s),
        }
    }

    pub fn consent(&self, kind: ConsentKind) -> Option<&Consent> {
        self.consents.iter().find(|c| c.kind == kind)
    }

    /// The customer confirmed the review; the data went to the work queue.
    pub fn submitted(&self) -> bool {
        self.person_request.is_some()
    }

    pub(crate) fn resides_in_germany(&self) -> Option<bool> {
        self.details.contact.as_ref().map(|c| c.country == "DE")
    }

    /// The identification's status; `created` until Solaris says more.
    pub fn status(&self) -> IdentificationStatus {
        self.identification_status
            .clone()
            .unwrap_or(IdentificationStatus::Created)
    }
}
