//! Where each step of the journey is served.

use crate::domain::Step;

/// Where each step's page is.
pub(crate) trait StepPath {
    fn path(self) -> &'static str;
}

impl StepPath for Step {
    fn path(self) -> &'static str {
        match self {
            Step::Terms => "/terms",
            Step::Privacy => "/privacy",
            Step::Person => "/details/person",
            Step::Contact => "/details/contact",
            Step::Ineligible => "/not-eligible",
            Step::Review => "/review",
            Step::Preparing => "/preparing",
            Step::Documents => "/documents",
            Step::Checklist => "/checklist",
            Step::Redirect => "/identification/start",
            Step::Status => "/identification/return",
            Step::Complete => "/complete",
            Step::Withdrawn => "/withdraw",
        }
    }
}
