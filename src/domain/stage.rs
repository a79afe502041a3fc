//! An application's stage in one word, as the back office filters by it and the partner API
//! names it.

use super::closed_set::closed_set;
use super::IdentificationStatus;

closed_set!(
    /// The application's state in one word (as the partner API names it).
    Stage {
        Started => "started",
        Submitted => "submitted",
        Identification => "identification",
        Completed => "completed",
        Failed => "failed",
        Withdrawn => "withdrawn",
        Erased => "erased",
    }
);

impl Stage {
    /// The stage of an application (storage filters by the same rules).
    pub fn of(
        erased: bool,
        withdrawn: bool,
        identification_status: Option<&IdentificationStatus>,
        submitted: bool,
    ) -> Stage {
        if erased {
            Stage::Erased
        } else if withdrawn {
            Stage::Withdrawn
        } else {
            match identification_status {
                Some(IdentificationStatus::Successful) => Stage::Completed,
                Some(IdentificationStatus::Failed) => Stage::Failed,
                Some(_) => Stage::Identification,
                None if submitted => Stage::Submitted,
                None => Stage::Started,
            }
        }
    }
}
