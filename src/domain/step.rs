//! The step of the journey a customer's application is at, derived from what it holds: the
//! one rule every page and link into the application follows.

use super::{Application, ConsentKind, IdentificationStatus};

/// The steps, in order. Pages before `Review` can be revisited to change data until the
/// application is confirmed; after that only the current step is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Terms,
    Privacy,
    Person,
    Contact,
    Ineligible,
    Review,
    Preparing,
    Documents,
    Checklist,
    Redirect,
    Status,
    Complete,
    /// The customer withdrew the application (it had reached Solaris: staff take it on).
    Withdrawn,
}

impl Step {
    /// Where the step stands in the progress indicator's five parts (consent, data, review,
    /// documents, identification); 5 once every part is done.
    pub fn progress(self) -> usize {
        match self {
            Step::Terms | Step::Privacy => 0,
            Step::Person | Step::Contact | Step::Ineligible => 1,
            Step::Review | Step::Preparing => 2,
            Step::Documents | Step::Checklist => 3,
            Step::Redirect | Step::Status | Step::Withdrawn => 4,
            Step::Complete => 5,
        }
    }
}

impl Application {
    /// The application has been confirmed but Solaris has not created its identification
    /// yet: its step depends on whether Solaris refused the person.
    pub(crate) fn is_preparing(&self) -> bool {
        !self.withdrawn && self.submitted() && self.identification_id.is_none()
    }

    /// The step the customer is at. `person_refused`: Solaris refused to create the person
    /// (asked only while [`Application::is_preparing`]); the customer then corrects the data
    /// on the review page.
    pub fn step(&self, person_refused: bool) -> Step {
        if self.withdrawn {
            return Step::Withdrawn;
        }
        if self.consent(ConsentKind::TermsConditions).is_none() {
            return Step::Terms;
        }
        if self.consent(ConsentKind::DataProcessing).is_none() {
            return Step::Privacy;
        }
        if self.details.person.is_none() {
            return Step::Person;
        }
        if self.details.contact.is_none() {
            return Step::Contact;
        }
        if self.resides_in_germany() == Some(false) {
            return Step::Ineligible;
        }
        if !self.submitted() {
            return Step::Review;
        }
        if self.identification_id.is_none() {
            return if person_refused && self.person_id.is_none() {
                Step::Review
            } else {
                Step::Preparing
            };
        }
        if self.document.is_none() {
            return Step::Documents;
        }
        if !self.checklist_done {
            return Step::Checklist;
        }
        match self.status() {
            IdentificationStatus::Created => Step::Redirect,
            IdentificationStatus::Successful => Step::Complete,
            _ => Step::Status,
        }
    }
}
