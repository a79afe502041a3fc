//! The first data screen: about the customer, as on their ID document.

use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;

use super::choices::{country_options, employment_options, marital_options, owned, TITLES};
use super::details::input::*;
use super::details::{save, LONG_TEXT, NO_SALUTATION};
use super::fields::{DateField, ErrorSummary, SelectField, TextField};
use super::form::{one_of, Errors, RawForm};
use super::page::{at, Csrf, Journey, PageForm, PageResult};
use super::paths::StepPath;
use crate::domain::application::PersonDetails;
use crate::domain::values::{BirthDate, CountryCode, FreeText, PersonName, Problem};
use crate::domain::Step;
use crate::domain::{EmploymentStatus, MaritalStatus, Salutation};
use crate::i18n::Lang;
use crate::web::render::{self, Progress};

pub(crate) fn person_form(d: &PersonDetails) -> RawForm {
    let mut form = RawForm::with([
        (
            SALUTATION,
            d.salutation.clone().unwrap_or_else(|| NO_SALUTATION.into()),
        ),
        (TITLE, d.title.clone().unwrap_or_default()),
        (FIRST_NAME, d.first_name.to_string()),
        (
            LAST_NAME,
            if d.last_name.is_none() {
                String::new()
            } else {
                d.last_name.to_string()
            },
        ),
        (
            NO_LAST_NAME,
            if d.last_name.is_none() { "yes" } else { "" }.to_string(),
        ),
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
/// `today` is the app clock's date, against which the age is checked.
pub(crate) fn parse_person(
    form: &RawForm,
    minimum_age: u32,
    today: chrono::NaiveDate,
) -> Result<PersonDetails, Errors> {
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
    let last_name = e.check(
        LAST_NAME,
        if form.get(NO_LAST_NAME) == "yes" {
            Ok(PersonName::none())
        } else {
            PersonName::parse(form.get(LAST_NAME))
        },
    );
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

pub(crate) fn person_view(lang: Lang, token: String, form: RawForm, errors: Errors) -> Response {
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
    let no_last_name = form.get(NO_LAST_NAME) == "yes";
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
                <div class="field checkbox">
                    <input type="checkbox" id="no_last_name" name="no_last_name" value="yes" checked=no_last_name/>
                    <label for="no_last_name">{t.no_last_name}</label>
                </div>
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
    match parse_person(&form, j.state.minimum_age, j.state.db.clock.today()) {
        Err(errors) => Ok(person_view(j.lang, j.csrf, form, errors)),
        Ok(person) => {
            save(&j, |details| details.person = Some(person)).await?;
            Ok(Redirect::to(Step::Contact.path()).into_response())
        }
    }
}
