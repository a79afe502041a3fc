//! What Solaris holds of a person and an identification, as the application keeps it: read
//! from Solaris' answers and stored with the application.

use serde::{Deserialize, Serialize};

use super::guide::{
    DocumentType, EmploymentStatus, FailureReason, IdentificationMethod, IdentificationStatus,
    Language, ProofOfAddressType, Salutation,
};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxInformation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_assessment_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marital_status: Option<String>,
}

/// The person the application asks Solaris to create: the body of `POST /v1/persons`, kept
/// with the application when its data is confirmed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPerson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salutation: Option<Salutation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_information: Option<TaxInformation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_status: Option<EmploymentStatus>,
    /// The NACE code of a freelancer's or self-employed person's business.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nace_code: Option<String>,
    /// `Some(None)` sends `null`: the guide's alternative to a NACE code for a `FREELANCER` or
    /// `SELF_EMPLOYED` person is `industry` and `industry_key` set to null.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub industry: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub industry_key: Option<Option<String>>,
    pub terms_conditions_signed_at: String,
    pub data_terms_signed_at: String,
}

/// A field that is present, even as `null`, is `Some` (an absent one stays `None` by default).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A person as Solaris holds it (after IDnow's corrections too).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    #[serde(default)]
    pub salutation: Option<Salutation>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub birth_name: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub birth_city: Option<String>,
    #[serde(default)]
    pub birth_country: Option<String>,
    #[serde(default)]
    pub nationality: Option<String>,
    #[serde(default)]
    pub mobile_number: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<Address>,
    #[serde(default)]
    pub tax_information: Option<TaxInformation>,
    #[serde(default)]
    pub employment_status: Option<EmploymentStatus>,
    #[serde(default)]
    pub terms_conditions_signed_at: Option<String>,
    #[serde(default)]
    pub data_terms_signed_at: Option<String>,
    /// When Solaris created the person, where it says (not in the official field list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// The body of `POST /v1/persons/{id}/identifications`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIdentification {
    pub method: IdentificationMethod,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_of_address_type: Option<ProofOfAddressType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_of_address_issued_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct IdentificationDocument {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    pub document_type: DocumentType,
    #[serde(default)]
    pub size: Option<i64>,
}

/// An identification. Its `reference` is for mobile SDKs and must never reach the customer,
/// so it is not kept here at all.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Identification {
    pub id: String,
    pub status: IdentificationStatus,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub method: Option<IdentificationMethod>,
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub failure_reason: Option<FailureReason>,
    #[serde(default)]
    pub proof_of_address_type: Option<ProofOfAddressType>,
    #[serde(default)]
    pub proof_of_address_issued_at: Option<String>,
    #[serde(default)]
    pub person_id: Option<String>,
    #[serde(default)]
    pub documents: Option<Vec<IdentificationDocument>>,
    #[serde(default)]
    pub estimated_waiting_time: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportedDocument {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub issuing_countries: Vec<String>,
}

/// Solaris' refusal of what the application sent it for good (a person it would not create,
/// say), kept with the application so the review page can show each complaint next to its
/// field: the answer's status and first code, and the fields Solaris named.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SolarisRefusal {
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldProblem>,
}

/// One field Solaris complained about, by Solaris' name for it (`first_name`,
/// `address[city]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    #[serde(default)]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identification_does_not_keep_the_reference() {
        let i: Identification = serde_json::from_str(
            r#"{"id":"xcidt","reference":"TST-ABCDE","status":"aborted","failure_reason":"TECH_VIDEO"}"#,
        )
        .unwrap();
        assert!(!format!("{i:?}").contains("TST-ABCDE"));
        assert!(!i.failure_reason.unwrap().info().unwrap().permanent);
    }
}
