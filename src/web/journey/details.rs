//! The data screens (about you; contact and address) and the eligibility answer. Each input
//! is described once below; the screens parse what was typed into domain values, and a
//! refused screen comes back with every value as typed and the problems next to the fields.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;

use super::choices::{
    country_name, country_options, employment_options, marital_options, owned, GERMAN_STATES,
    TITLES,
};
use super::fields::{DateField, ErrorSummary, SelectField, TextField};
use super::form::{one_of, Errors, Input, RawForm};
use super::page::{at, Csrf, Journey, Page, PageForm, PageResult};
use super::paths::StepPath;
use crate::db::applications;
use crate::domain::application::{ContactDetails, Details, PersonDetails};
use crate::domain::countries::EU;
use crate::domain::values::{
    BirthDate, CountryCode, EmailAddress, FreeText, MobileNumber, PersonName, PostalCode, Problem,
};
use crate::domain::Step;
use crate::domain::{EmploymentStatus, MaritalStatus, Salutation};
use crate::i18n::Lang;
use crate::web::render::{self, ContactLine, Progress};

/// The inputs of the two screens, named as Solaris names the fields.
mod input {
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
use input::*;

/// The value of the salutation select for "no salutation" (Solaris takes none: `null`).
const NO_SALUTATION: &str = "NONE";

/// Place of birth, street and city: Solaris takes 100 characters; a house number 20.
const LONG_TEXT: usize = 100;
const HOUSE_NUMBER: usize = 20;

fn person_form(d: &PersonDetails) -> RawForm {
    let mut form = RawForm::with([
        (
            SALUTATION,
            d.salutation.clone().unwrap_or_else(|| NO_SALUTATION.into()),
        ),
        (TITLE, d.title.clone().unwrap_or_default()),
        (FIRST_NAME, d.first_name.to_string()),
        (LAST_NAME, d.last_name.to_string()),
        (BIRTH_CITY, d.birth_city.to_string()),
        (BIRTH_COUNTRY, d.birth_country.to_string()),
        (NATIONALITY, d.nationality.to_string()),
        (EMPLOYMENT_STATUS, d.employment_status.as_str().to_string()),
        (
            MARITAL_STATUS,
            d.marital_status
                .as_ref()
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
        ),
    ]);
    form.set_date(BIRTH_DATE, &d.birth_date.iso());
    form
}

/// The first screen parsed, or every problem it has.
fn parse_person(form: &RawForm, minimum_age: u32) -> Result<PersonDetails, Errors> {
    let mut e = Errors::default();
    let salutation = e.check(SALUTATION, {
        let raw = form.get(SALUTATION);
        match Salutation::parse(raw) {
            _ if raw == NO_SALUTATION => Ok(None),
            Salutation::Other(_) => Err(Problem::Choose),
            known => Ok(Some(known.as_str().to_string())),
        }
    });
    let title = e.check(
        TITLE,
        match form.get(TITLE) {
            "" => Ok(None),
            raw => one_of(TITLES.iter().map(|(v, _)| *v), raw).map(Some),
        },
    );
    let first_name = e.check(FIRST_NAME, PersonName::parse(form.get(FIRST_NAME)));
    let last_name = e.check(LAST_NAME, PersonName::parse(form.get(LAST_NAME)));
    let today = chrono::Utc::now().date_naive();
    let birth_date = e.check(
        BIRTH_DATE,
        BirthDate::parse(&form.date(BIRTH_DATE), today, minimum_age),
    );
    let birth_city = e.check(BIRTH_CITY, FreeText::parse(form.get(BIRTH_CITY), LONG_TEXT));
    let birth_country = e.check(BIRTH_COUNTRY, CountryCode::parse(form.get(BIRTH_COUNTRY)));
    let nationality = e.check(NATIONALITY, CountryCode::parse(form.get(NATIONALITY)));
    let employment_status = e.check(EMPLOYMENT_STATUS, {
        match EmploymentStatus::parse(form.get(EMPLOYMENT_STATUS)) {
            EmploymentStatus::Other(_) => Err(Problem::Choose),
            known => Ok(known),
        }
    });
    let marital_status = e.check(MARITAL_STATUS, {
        match MaritalStatus::parse(form.get(MARITAL_STATUS)) {
            MaritalStatus::Other(_) => Err(Problem::Choose),
            known => Ok(known),
        }
    });
    let (
        Some(salutation),
        Some(title),
        Some(first_name),
        Some(last_name),
        Some(birth_date),
        Some(birth_city),
        Some(birth_country),
        Some(nationality),
        Some(employment_status),
        Some(marital_status),
    ) = (
        salutation,
        title,
        first_name,
        last_name,
        birth_date,
        birth_city,
        birth_country,
        nationality,
        employment_status,
        marital_status,
    )
    else {
        return Err(e);
    };
    Ok(PersonDetails {
        salutation,
        title,
        first_name,
        last_name,
        birth_date,
        birth_city,
        birth_country,
        nationality,
        employment_status,
        marital_status: Some(marital_status),
    })
}

fn person_view(lang: Lang, token: String, form: RawForm, errors: Errors) -> Response {
    let t = lang.t();
    let status = errors.status();
    let salutations: Vec<(String, String)> = Salutation::ALL
        .iter()
        .map(|s| {
            let label = match s {
                Salutation::Mr => t.salutation_mr,
                _ => t.salutation_ms,
            };
            (s.as_str().to_string(), label.to_string())
        })
        .chain([(NO_SALUTATION.to_string(), t.salutation_none.to_string())])
        .collect();
    let countries = country_options(lang);
    let path = Step::Person.path();
    render::page(
        lang,
        path,
        t.person_title,
        status,
        None,
        view! {
            <Progress lang=lang step=Step::Person/>
            <h1>{t.person_title}</h1>
            <p class="hint-box">{t.exact_hint}</p>
            <ErrorSummary lang=lang errors=errors.clone()/>
            <form method="post" action=path novalidate=true>
                <Csrf token=token/>
                <SelectField lang=lang input=SALUTATION options=salutations selected=form.get(SALUTATION) errors=errors.clone()/>
                <SelectField lang=lang input=TITLE options=owned(TITLES) selected=form.get(TITLE) errors=errors.clone() empty_label=t.title_none/>
                <TextField lang=lang input=FIRST_NAME value=form.get(FIRST_NAME) errors=errors.clone() autocomplete="given-name"/>
                <TextField lang=lang input=LAST_NAME value=form.get(LAST_NAME) errors=errors.clone() autocomplete="family-name"/>
                <DateField lang=lang input=BIRTH_DATE form=form.clone() errors=errors.clone()/>
                <TextField lang=lang input=BIRTH_CITY value=form.get(BIRTH_CITY) errors=errors.clone()/>
                <SelectField lang=lang input=BIRTH_COUNTRY options=countries.clone() selected=form.get(BIRTH_COUNTRY) errors=errors.clone()/>
                <SelectField lang=lang input=NATIONALITY options=countries selected=form.get(NATIONALITY) errors=errors.clone()/>
                <SelectField lang=lang input=EMPLOYMENT_STATUS options=employment_options(lang) selected=form.get(EMPLOYMENT_STATUS) errors=errors.clone()/>
                <SelectField lang=lang input=MARITAL_STATUS options=marital_options(lang) selected=form.get(MARITAL_STATUS) errors=errors.clone()/>
                <div class="actions">
                    <button type="submit" class="primary">{t.continue_}</button>
                    <a href=Step::Privacy.path() class="secondary">{t.back}</a>
                </div>
            </form>
        },
    )
}

pub(crate) async fn person_page(j: Journey<at::Person>) -> Response {
    let form = j
        .app
        .details
        .person
        .as_ref()
        .map(person_form)
        .unwrap_or_default();
    person_view(j.lang, j.csrf, form, Errors::default())
}

pub(crate) async fn save_person(
    j: Journey<at::Person>,
    PageForm(form): PageForm<RawForm>,
) -> PageResult {
    match parse_person(&form, j.state.minimum_age) {
        Err(errors) => Ok(person_view(j.lang, j.csrf, form, errors)),
        Ok(person) => {
            save(&j, |details| details.person = Some(person)).await?;
            Ok(Redirect::to(Step::Contact.path()).into_response())
        }
    }
}

/// Saves a change of the data screens.
async fn save<P: Page>(
    j: &Journey<P>,
    change: impl FnOnce(&mut Details),
) -> Result<(), crate::db::StoreError> {
    let mut details = j.app.details.clone();
    change(&mut details);
    applications::save_details(&j.state.db, &j.app, &details).await
}

fn contact_form(c: &ContactDetails) -> RawForm {
    RawForm::with([
        (MOBILE_NUMBER, c.mobile_number.to_string()),
        (EMAIL, c.email.to_string()),
        (LINE_1, c.line_1.to_string()),
        (LINE_2, c.line_2.to_string()),
        (POSTAL_CODE, c.postal_code.to_string()),
        (CITY, c.city.to_string()),
        (STATE, c.state.clone().unwrap_or_default()),
        (COUNTRY, c.country.to_string()),
        (TAX_COUNTRY, c.tax_country.to_string()),
    ])
}

/// The second screen parsed, or every problem it has.
fn parse_contact(form: &RawForm) -> Result<ContactDetails, Errors> {
    let mut e = Errors::default();
    let mobile_number = e.check(MOBILE_NUMBER, MobileNumber::parse(form.get(MOBILE_NUMBER)));
    let email = e.check(EMAIL, EmailAddress::parse(form.get(EMAIL)));
    let line_1 = e.check(LINE_1, FreeText::parse(form.get(LINE_1), LONG_TEXT));
    let line_2 = e.check(LINE_2, FreeText::parse(form.get(LINE_2), HOUSE_NUMBER));
    let country = e.check(COUNTRY, CountryCode::parse(form.get(COUNTRY)));
    let postal_code = match &country {
        Some(country) => e.check(
            POSTAL_CODE,
            PostalCode::parse(form.get(POSTAL_CODE), country),
        ),
        // Without a country the postal code cannot be judged; the country's problem is shown.
        None => None,
    };
    let city = e.check(CITY, FreeText::parse(form.get(CITY), LONG_TEXT));
    let in_germany = country.as_ref().is_some_and(|c| c.as_ref() == "DE");
    let state = e.check(
        STATE,
        match form.get(STATE) {
            "" => Ok(None),
            raw if in_germany => one_of(GERMAN_STATES.iter().map(|(c, _)| *c), raw).map(Some),
            _ => Err(Problem::Choose),
        },
    );
    let tax_country = e.check(TAX_COUNTRY, CountryCode::parse(form.get(TAX_COUNTRY)));
    let (
        Some(mobile_number),
        Some(email),
        Some(line_1),
        Some(line_2),
        Some(country),
        Some(postal_code),
        Some(city),
        Some(state),
        Some(tax_country),
    ) = (
        mobile_number,
        email,
        line_1,
        line_2,
        country,
        postal_code,
        city,
        state,
        tax_country,
    )
    else {
        return Err(e);
    };
    Ok(ContactDetails {
        mobile_number,
        email,
        line_1,
        line_2,
        postal_code,
        city,
        state,
        country,
        tax_country,
    })
}

fn contact_view(lang: Lang, token: String, form: RawForm, errors: Errors) -> Response {
    let t = lang.t();
    let status = errors.status();
    let countries = country_options(lang);
    let path = Step::Contact.path();
    render::page(
        lang,
        path,
        t.contact_title,
        status,
        None,
        view! {
            <Progress lang=lang step=Step::Contact/>
            <h1>{t.contact_title}</h1>
            <p class="hint-box">{t.exact_hint}</p>
            <ErrorSummary lang=lang errors=errors.clone()/>
            <form method="post" action=path novalidate=true>
                <Csrf token=token/>
                <TextField lang=lang input=MOBILE_NUMBER value=form.get(MOBILE_NUMBER) errors=errors.clone() kind="tel" autocomplete="tel" hint=t.mobile_hint/>
                <TextField lang=lang input=EMAIL value=form.get(EMAIL) errors=errors.clone() kind="email" autocomplete="email"/>
                <fieldset>
                    <legend>{t.contact_title}</legend>
                    <TextField lang=lang input=LINE_1 value=form.get(LINE_1) errors=errors.clone() autocomplete="address-line1"/>
                    <TextField lang=lang input=LINE_2 value=form.get(LINE_2) errors=errors.clone() autocomplete="address-line2"/>
                    <TextField lang=lang input=POSTAL_CODE value=form.get(POSTAL_CODE) errors=errors.clone() autocomplete="postal-code"/>
                    <TextField lang=lang input=CITY value=form.get(CITY) errors=errors.clone() autocomplete="address-level2"/>
                    <SelectField lang=lang input=STATE options=owned(GERMAN_STATES) selected=form.get(STATE) errors=errors.clone() empty_label="–"/>
                    <SelectField lang=lang input=COUNTRY options=countries.clone() selected=form.get(COUNTRY) errors=errors.clone()/>
                </fieldset>
                <SelectField lang=lang input=TAX_COUNTRY options=countries selected=form.get(TAX_COUNTRY) errors=errors.clone()/>
                <div class="actions">
                    <button type="submit" class="primary">{t.continue_}</button>
                    <a href=Step::Person.path() class="secondary">{t.back}</a>
                </div>
            </form>
        },
    )
}

pub(crate) async fn contact_page(j: Journey<at::Contact>) -> Response {
    let form = match &j.app.details.contact {
        Some(contact) => contact_form(contact),
        None => RawForm::with([(COUNTRY, "DE".to_string()), (TAX_COUNTRY, "DE".to_string())]),
    };
    contact_view(j.lang, j.csrf, form, Errors::default())
}

pub(crate) async fn save_contact(
    j: Journey<at::Contact>,
    PageForm(form): PageForm<RawForm>,
) -> PageResult {
    match parse_contact(&form) {
        Err(errors) => Ok(contact_view(j.lang, j.csrf, form, errors)),
        Ok(contact) => {
            let eligible = contact.country == "DE";
            let first = j.app.details.contact.is_none();
            save(&j, |details| details.contact = Some(contact)).await?;
            if first {
                use crate::monitoring::{reached, Funnel as Reached};
                let step = if eligible {
                    Reached::DataEntered
                } else {
                    Reached::NotEligible
                };
                reached(step, j.lang.code());
            }
            let next = if eligible {
                Step::Review
            } else {
                Step::Ineligible
            };
            Ok(Redirect::to(next.path()).into_response())
        }
    }
}

/// Video identification via IDnow is for customers residing in Germany; nobody else reaches
/// Solaris from here.
pub(crate) async fn ineligible_page(journey: Journey<at::Ineligible>) -> Response {
    let lang = journey.lang;
    let j = lang.t();
    let country = journey
        .app
        .details
        .contact
        .as_ref()
        .map(|c| c.country.to_string())
        .unwrap_or_default();
    let text = if EU.contains(&country.as_str()) {
        j.ineligible_eu
    } else {
        j.ineligible_other
    };
    let name = country_name(lang, &country);
    render::page(
        lang,
        Step::Ineligible.path(),
        j.ineligible_title,
        StatusCode::OK,
        None,
        view! {
            <Progress lang=lang step=Step::Ineligible/>
            <h1>{j.ineligible_title}</h1>
            <p>{text}</p>
            <p class="note">{j.country}": "{name}</p>
            <h2>{j.ineligible_way}</h2>
            <ul>
                <li>{j.ineligible_fix}" "<a href=Step::Contact.path()>{j.edit}</a></li>
                {journey.state.alternative_kyc_url.clone().map(|url| view! {
                    <li>{j.no_document_alternative}" "<a href=url>{j.no_document_alternative_link}</a></li>
                })}
                <li>{j.ineligible_contact}<ContactLine lang=lang/></li>
            </ul>
            <p>{j.ineligible_retention.replace("{days}", &journey.state.not_resident_days.to_string())}</p>
        },
    )
}
