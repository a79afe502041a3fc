//! What the two data screens (about you: `person`; contact and address: `contact`) share:
//! each input described once, named as Solaris names the fields, and the one way to save a
//! screen. The screens parse what was typed into domain values, and a refused screen comes back
//! with every value as typed and the problems next to the fields.

use super::form::Input;
use super::page::{Journey, Page};
use crate::db::applications;
use crate::domain::application::Details;

/// The inputs of the two screens, named as Solaris names the fields.
pub(crate) mod input {
    use super::Input;

    pub(crate) const SALUTATION: Input = Input {
        name: "salutation",
        label: |t| t.salutation,
    };
    pub(crate) const TITLE: Input = Input {
        name: "title",
        label: |t| t.title,
    };
    pub(crate) const FIRST_NAME: Input = Input {
        name: "first_name",
        label: |t| t.first_name,
    };
    pub(crate) const LAST_NAME: Input = Input {
        name: "last_name",
        label: |t| t.last_name,
    };
    /// The box "I have no last name": the name goes to Solaris as `N/A`.
    pub(crate) const NO_LAST_NAME: Input = Input {
        name: "no_last_name",
        label: |t| t.no_last_name,
    };
    pub(crate) const BIRTH_DATE: Input = Input {
        name: "birth_date",
        label: |t| t.birth_date,
    };
    pub(crate) const BIRTH_CITY: Input = Input {
        name: "birth_city",
        label: |t| t.birth_city,
    };
    pub(crate) const BIRTH_COUNTRY: Input = Input {
        name: "birth_country",
        label: |t| t.birth_country,
    };
    pub(crate) const NATIONALITY: Input = Input {
        name: "nationality",
        label: |t| t.nationality,
    };
    pub(crate) const EMPLOYMENT_STATUS: Input = Input {
        name: "employment_status",
        label: |t| t.employment_status,
    };
    pub(crate) const MARITAL_STATUS: Input = Input {
        name: "marital_status",
        label: |t| t.marital_status,
    };

    pub(crate) const MOBILE_NUMBER: Input = Input {
        name: "mobile_number",
        label: |t| t.mobile_number,
    };
    pub(crate) const EMAIL: Input = Input {
        name: "email",
        label: |t| t.email,
    };
    pub(crate) const LINE_1: Input = Input {
        name: "address[line_1]",
        label: |t| t.address_line_1,
    };
    pub(crate) const LINE_2: Input = Input {
        name: "address[line_2]",
        label: |t| t.address_line_2,
    };
    pub(crate) const POSTAL_CODE: Input = Input {
        name: "address[postal_code]",
        label: |t| t.postal_code,
    };
    pub(crate) const CITY: Input = Input {
        name: "address[city]",
        label: |t| t.city,
    };
    pub(crate) const STATE: Input = Input {
        name: "address[state]",
        label: |t| t.state,
    };
    pub(crate) const COUNTRY: Input = Input {
        name: "address[country]",
        label: |t| t.country,
    };
    pub(crate) const TAX_COUNTRY: Input = Input {
        name: "tax_information[tax_assessment_country]",
        label: |t| t.tax_country,
    };
}

/// The value of the salutation select for "no salutation" (Solaris takes none: `null`).
pub(crate) const NO_SALUTATION: &str = "NONE";

/// Place of birth, street and city: Solaris takes 100 characters; a house number 20.
pub(crate) const LONG_TEXT: usize = 100;

pub(crate) const HOUSE_NUMBER: usize = 20;

/// Saves a change of the data screens.
pub(crate) async fn save<P: Page>(
    j: &Journey<P>,
    change: impl FnOnce(&mut Details),
) -> Result<(), crate::db::StoreError> {
    let mut details = j.app.details.clone();
    change(&mut details);
    applications::save_details(&j.state.db, &j.app, &details).await
}
