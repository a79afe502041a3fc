//! The second data screen: how to reach the customer, and where they live.

use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;

use super::choices::{country_options, owned, GERMAN_STATES};
use super::details::input::*;
use super::details::{save, HOUSE_NUMBER, LONG_TEXT};
use super::fields::{ErrorSummary, SelectField, TextField};
use super::form::{one_of, Errors, RawForm};
use super::page::{at, Csrf, Journey, PageForm, PageResult};
use super::paths::StepPath;
use crate::domain::application::ContactDetails;
use crate::domain::values::{
    CountryCode, EmailAddress, FreeText, MobileNumber, PostalCode, Problem,
};
use crate::domain::Step;
use crate::i18n::Lang;
use crate::web::render::{self, Progress};

pub(crate) fn contact_form(c: &ContactDetails) -> RawForm {
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
pub(crate) fn parse_contact(form: &RawForm) -> Result<ContactDetails, Errors> {
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

pub(crate) fn contact_view(lang: Lang, token: String, form: RawForm, errors: Errors) -> Response {
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
