//! The guide's vocabulary: the closed sets Solaris and IDnow speak in (statuses, methods,
//! document and proof-of-address types, failure reasons with their two flags, the webhook
//! event types, the change-request statuses). Each keeps a value Solaris adds later
//! (`Other`) instead of failing.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::failure_reason::{self, FailureReasonInfo};

/// An enum over the guide's strings, with `Other` for values not known yet.
macro_rules! guide_enum {
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

guide_enum!(
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
    pub(crate) fn is_settled(&self) -> bool {
        matches!(
            self,
            IdentificationStatus::Failed
                | IdentificationStatus::Expired
                | IdentificationStatus::Successful
        )
    }

    /// Statuses from which the customer may go to the same IDnow link again.
    pub(crate) fn allows_retry(&self) -> bool {
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
    pub(crate) const OPEN: &'static [IdentificationStatus] = &[
        IdentificationStatus::Pending,
        IdentificationStatus::PendingSuccessful,
        IdentificationStatus::PendingFailed,
        IdentificationStatus::Canceled,
        IdentificationStatus::Aborted,
        IdentificationStatus::Successful,
    ];

    /// Statuses in which the customer still has to do (or redo) the video call: reminders and
    /// the expiry notice are about these.
    pub(crate) const WAITING_FOR_THE_CUSTOMER: [IdentificationStatus; 4] = [
        IdentificationStatus::Created,
        IdentificationStatus::Pending,
        IdentificationStatus::Aborted,
        IdentificationStatus::Canceled,
    ];

    /// Statuses that can carry IDnow's failure reason: the guide gives one for `aborted` and
    /// `canceled`; a failed or expired one may keep it. A success or a running call has none.
    pub(crate) fn has_failure_reason(&self) -> bool {
        !matches!(
            self,
            IdentificationStatus::Created
                | IdentificationStatus::Pending
                | IdentificationStatus::PendingSuccessful
                | IdentificationStatus::Successful
        )
    }

    /// Statuses in which an identification has ended: what Solaris holds of it is worth
    /// reading for the bank's staff.
    pub(crate) fn has_ended(&self) -> bool {
        matches!(
            self,
            IdentificationStatus::Successful
                | IdentificationStatus::Failed
                | IdentificationStatus::Aborted
                | IdentificationStatus::Canceled
                | IdentificationStatus::Expired
        )
    }
}

guide_enum!(IdentificationMethod {
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

guide_enum!(Language { En => "EN", De => "DE" });

guide_enum!(Salutation { Mr => "MR", Ms => "MS" });

guide_enum!(ProofOfAddressType {
    BankAccountStatement => "BANK_ACCOUNT_STATEMENT",
    CertificateOfRegistration => "CERTIFICATE_OF_REGISTRATION",
    ElectricityBill => "ELECTRICITY_BILL",
    GasBill => "GAS_BILL",
    HeatingBill => "HEATING_BILL",
    InternetBill => "INTERNET_BILL",
    TelephoneBill => "TELEPHONE_BILL",
    WaterBill => "WATER_BILL",
});

guide_enum!(EmploymentStatus {
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

guide_enum!(
    /// `tax_information.marital_status`: the values the docs we hold list; a value Solaris
    /// adds later is kept as `Other`.
    MaritalStatus {
        Single => "SINGLE",
        Married => "MARRIED",
        Divorced => "DIVORCED",
        Unknown => "UNKNOWN",
    }
);

guide_enum!(DocumentType {
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

guide_enum!(WebhookEventType {
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

impl EmploymentStatus {
    /// Freelancers and the self-employed: Solaris wants a NACE code or the industry set to null.
    pub(crate) fn runs_a_business(&self) -> bool {
        matches!(
            self,
            EmploymentStatus::Freelancer | EmploymentStatus::SelfEmployed
        )
    }
}

guide_enum!(
    /// Where a change request stands (Solaris' documented statuses).
    ChangeRequestStatus {
        Accepted => "ACCEPTED",
        AuthorizationRequired => "AUTHORIZATION_REQUIRED",
        ConfirmationRequired => "CONFIRMATION_REQUIRED",
        Completed => "COMPLETED",
        Failed => "FAILED",
    }
);

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
}
