//! Typed requests and answers of the Solaris calls the guide uses. Closed sets are enums that
//! keep a value Solaris adds later (`Other`) instead of failing.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::domain::failure_reason::{self, FailureReasonInfo};

/// An enum over Solaris' wire strings, with `Other` for values not known yet.
macro_rules! solaris_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            Other(String),
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(s) => s,
                }
            }

            pub fn parse(s: &str) -> $name {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name::parse(&String::deserialize(d)?))
            }
        }
    };
}

solaris_enum!(
    /// The status of an identification (guide appendix I, plus Solaris' other values).
    IdentificationStatus {
        Created => "created",
        Pending => "pending",
        PendingSuccessful => "pending_successful",
        PendingFailed => "pending_failed",
        Successful => "successful",
        Failed => "failed",
        Aborted => "aborted",
        Canceled => "canceled",
        Expired => "expired",
    }
);

impl IdentificationStatus {
    /// Statuses that no longer change on their own (guide appendix II): the return page stops
    /// following them.
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            IdentificationStatus::Failed
                | IdentificationStatus::Expired
                | IdentificationStatus::Successful
        )
    }

    /// Statuses from which the customer may go to the same IDnow link again.
    pub fn allows_retry(&self) -> bool {
        matches!(
            self,
            IdentificationStatus::Pending
                | IdentificationStatus::Aborted
                | IdentificationStatus::Canceled
        )
    }

    /// Statuses that can still change: the waiting ones, a cancel that a review may turn into
    /// a success (guide appendix II, case 2), a success that a review may cancel (case 3), and
    /// an abort the customer may retry. Reconciliation reads these again.
    pub const OPEN: &'static [IdentificationStatus] = &[
        IdentificationStatus::Pending,
        IdentificationStatus::PendingSuccessful,
        IdentificationStatus::PendingFailed,
        IdentificationStatus::Canceled,
        IdentificationStatus::Aborted,
        IdentificationStatus::Successful,
    ];
}

solaris_enum!(IdentificationMethod {
    Idnow => "idnow",
    IdnowAutoident => "idnow_autoident",
    IdnowCustom => "idnow_custom",
    Bank => "bank",
    BankId => "bank_id",
    BankPlus => "bank_plus",
    Fourthline => "fourthline",
    Manual => "manual",
    Postident => "postident",
});

solaris_enum!(Language { En => "EN", De => "DE" });

solaris_enum!(Salutation { Mr => "MR", Ms => "MS" });

solaris_enum!(ProofOfAddressType {
    BankAccountStatement => "BANK_ACCOUNT_STATEMENT",
    CertificateOfRegistration => "CERTIFICATE_OF_REGISTRATION",
    ElectricityBill => "ELECTRICITY_BILL",
    GasBill => "GAS_BILL",
    HeatingBill => "HEATING_BILL",
    InternetBill => "INTERNET_BILL",
    TelephoneBill => "TELEPHONE_BILL",
    WaterBill => "WATER_BILL",
});

solaris_enum!(EmploymentStatus {
    Employed => "EMPLOYED",
    Unemployed => "UNEMPLOYED",
    PublicSectorEmployee => "PUBLIC_SECTOR_EMPLOYEE",
    ProfessionalSoldier => "PROFESSIONAL_SOLDIER",
    Freelancer => "FREELANCER",
    Housework => "HOUSEWORK",
    Apprentice => "APPRENTICE",
    Management => "MANAGEMENT",
    Retired => "RETIRED",
    Student => "STUDENT",
    SelfEmployed => "SELF_EMPLOYED",
    MilitaryOrCommunityService => "MILITARY_OR_COMMUNITY_SERVICE",
});

solaris_enum!(
    /// `tax_information.marital_status`: the values the docs we hold list; a value Solaris
    /// adds later is kept as `Other`.
    MaritalStatus {
        Single => "SINGLE",
        Married => "MARRIED",
        Divorced => "DIVORCED",
        Unknown => "UNKNOWN",
    }
);

solaris_enum!(DocumentType {
    KycReport => "KYC_REPORT",
    IdDocument => "ID_DOCUMENT",
    Signature => "SIGNATURE",
    Picture => "PICTURE",
    QesDocument => "QES_DOCUMENT",
    SignedContract => "SIGNED_CONTRACT",
    SignedQesDocument => "SIGNED_QES_DOCUMENT",
    Video => "VIDEO",
    OtherDocument => "OTHER",
});

solaris_enum!(WebhookEventType {
    Identification => "IDENTIFICATION",
    PersonChanged => "PERSON_CHANGED",
    PersonDeleted => "PERSON_DELETED",
    PersonMobileNumberCreated => "PERSON_MOBILE_NUMBER_CREATED",
    PersonMobileNumberDeleted => "PERSON_MOBILE_NUMBER_DELETED",
});

/// An IDnow failure reason; a code the guide does not list is kept as it came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FailureReason(pub String);

impl FailureReason {
    /// Whether it is permanent and whether the customer caused it, from the guide's table.
    pub fn info(&self) -> Option<&'static FailureReasonInfo> {
        failure_reason::lookup(&self.0)
    }
}

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

/// The body of `POST /v1/persons`.
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

impl EmploymentStatus {
    /// Freelancers and the self-employed: Solaris wants a NACE code or the industry set to null.
    pub fn runs_a_business(&self) -> bool {
        matches!(
            self,
            EmploymentStatus::Freelancer | EmploymentStatus::SelfEmployed
        )
    }
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

solaris_enum!(
    /// Where a change request stands (Solaris' documented statuses).
    ChangeRequestStatus {
        Accepted => "ACCEPTED",
        AuthorizationRequired => "AUTHORIZATION_REQUIRED",
        ConfirmationRequired => "CONFIRMATION_REQUIRED",
        Completed => "COMPLETED",
        Failed => "FAILED",
    }
);

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportedDocument {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub issuing_countries: Vec<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_solaris_adds_later_is_kept() {
        let s: IdentificationStatus = serde_json::from_str("\"pending_ref_transfer\"").unwrap();
        assert_eq!(
            s,
            IdentificationStatus::Other("pending_ref_transfer".into())
        );
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            "\"pending_ref_transfer\""
        );
        let known: IdentificationStatus = serde_json::from_str("\"pending_failed\"").unwrap();
        assert_eq!(known, IdentificationStatus::PendingFailed);
    }

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
