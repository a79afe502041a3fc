//! Typed requests and answers of the Solaris calls the guide uses that only the client
//! speaks: request bodies and answers the application does not keep. The vocabulary and the
//! records it keeps are the domain's ([`crate::domain`]), re-exported here for the client's
//! callers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::domain::guide::*;
pub use crate::domain::records::*;

/// The body of `PATCH /v1/persons/{id}`: only fields the guide lets a partner update.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PersonUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salutation: Option<Salutation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_status: Option<EmploymentStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_information: Option<TaxInformation>,
}

/// A change Solaris holds until the customer confirms it with a one-time code on their
/// verified mobile number: the 202 answer to a PATCH of a field that already has a value, or
/// to the deletion of a verified mobile number.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ChangeRequest {
    pub id: String,
    pub status: ChangeRequestStatus,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Where to go on: the `authorize` or `confirm` endpoint.
    #[serde(default)]
    pub url: Option<String>,
}

/// What a person update did: applied at once (200), or waiting for the customer's
/// confirmation (202).
#[derive(Clone, Debug, PartialEq)]
pub enum PersonUpdated {
    Applied(Box<Person>),
    ChangeRequest(ChangeRequest),
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct IdnowAttempt {
    pub id: String,
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub payload: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PersonDocument {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    pub document_type: DocumentType,
    #[serde(default)]
    pub size: Option<i64>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// A webhook subscription; `secret` is present only in the answer to its creation.
#[derive(Clone, Debug, Deserialize)]
pub struct WebhookSubscription {
    pub id: String,
    pub event_type: WebhookEventType,
    pub url: String,
    #[serde(default)]
    pub secret: Option<secrecy::SecretString>,
}
