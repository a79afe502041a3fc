//! The data screens (about you; contact and address) and the eligibility answer.

use axum::extract::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use super::fields::{
    country_options, employment_statuses, owned, parse_birth_date, parse_country, parse_email,
    parse_mobile, parse_name, parse_postal_code, parse_text, ErrorSummary, Errors, Problem,
    SelectField, TextField, GERMAN_STATES, TITLES,
};
use super::{at, Csrf, Journey, Page, PageResult, Step};
use crate::db::applications;
use crate::domain::application::{ContactDetails, Details, PersonDetails};
use crate::domain::countries::{self, EU};
use crate::web::i18n::Lang;
use crate::web::render::{self, Progress};

/// The first screen as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    salutation: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    birth_city: String,
    #[serde(default)]
    birth_country: String,
    #[serde(default)]
    nationality: String,
    #[serde(default)]
    employment_status: String,
}

impl PersonForm {
    fn from_saved(d: &PersonDetails) -> Self {
        PersonForm {
            salutation: d.salutation.clone().unwrap_or_else(|| "NONE".into()),
            title: d.title.clone().unwrap_or_default(),
            first_name: d.first_name.clone(),
            last_name: d.last_name.clone(),
            birth_date: d.birth_date.clone(),
            birth_city: d.birth_city.clone(),
            birth_country: d.birth_country.clone(),
            nationality: d.nationality.clone(),
            employment_status: d.employment_status.clone(),
        }
    }

    fn parse(&self, minimum_age: u32) -> Result<PersonDetails, Errors> {
        let mut errors = Errors::default();
        let salutation = match self.salutation.as_str() {
            "MR" | "MS" => Some(self.salutation.clone()),
            "NONE" => None,
            _ => {
                errors.take("salutation", Err(Problem::Choose));
                None
            }
        };
        let title = match self.title.as_str() {
            "" => None,
            t if TITLES.iter().any(|(v, _)| *v == t) => Some(t.to_string()),
            _ => {
                errors.take("title", Err(Problem::Choose));
                None
            }
        };
        let first_name = errors.take("first_name", parse_name(&self.first_name));
        let last_name = errors.take("last_name", parse_name(&self.last_name));
        let today = chrono::Utc::now().date_naive();
        let birth_date = errors.take(
            "birth_date",
            parse_birth_date(&self.birth_date, today, minimum_age)
                .map(|d| d.format("%Y-%m-%d").to_string()),
        );
        let birth_city = errors.take("birth_city", parse_text(&self.birth_city, 100));
        let birth_country = errors.take("birth_country", parse_country(&self.birth_country));
        let nationality = errors.take("nationality", parse_country(&self.nationality));
        let employment_status = errors.take(
            "employment_status",
            if employment_statuses(Lang::En)
                .iter()
                .any(|(v, _)| *v == self.employment_status)
            {
                Ok(self.employment_status.clone())
            } else {
                Err(Problem::Choose)
            },
        );
        if !errors.is_empty() {
            return Err(errors);
        }
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
        })
    }
}

fn person_view(lang: Lang, token: String, form: PersonForm, errors: Errors) -> Response {
    let j = lang.t();
    let status = errors.status();
    let labels = vec![
        ("salutation", j.salutation),
        ("title", j.title),
        ("first_name", j.first_name),
        ("last_name", j.last_name),
        ("birth_date", j.birth_date),
        ("birth_city", j.birth_city),
        ("birth_country", j.birth_country),
        ("nationality", j.nationality),
        ("employment_status", j.employment_status),
    ];
    let salutations = vec![
        ("MR", j.salutation_mr),
        ("MS", j.salutation_ms),
        ("NONE", j.salutation_none),
    ];
    let countries = country_options(lang);
    let path = Step::Person.path();
    render::page(
        lang,
        path,
        j.person_title,
        status,
        None,
        view! {
            <Progress lang=lang current=1/>
            <h1>{j.person_title}</h1>
            <p class="hint-box">{j.exact_hint}</p>
            <ErrorSummary lang=lang errors=errors.clone() labels=labels/>
            <form method="post" action=path novalidate=true>
                <Csrf token=token/>
                <SelectField lang=lang name="salutation" label=j.salutation options=owned(&salutations) selected=form.salutation errors=errors.clone()/>
                <SelectField lang=lang name="title" label=j.title options=owned(TITLES) selected=form.title errors=errors.clone() empty_label=j.title_none/>
                <TextField lang=lang name="first_name" label=j.first_name value=form.first_name errors=errors.clone() autocomplete="given-name"/>
                <TextField lang=lang name="last_name" label=j.last_name value=form.last_name errors=errors.clone() autocomplete="family-name"/>
                <TextField lang=lang name="birth_date" label=j.birth_date value=form.birth_date errors=errors.clone() kind="date" autocomplete="bday"/>
                <TextField lang=lang name="birth_city" label=j.birth_city value=form.birth_city errors=errors.clone()/>
                <SelectField lang=lang name="birth_country" label=j.birth_country options=countries.clone() selected=form.birth_country errors=errors.clone()/>
                <SelectField lang=lang name="nationality" label=j.nationality options=countries selected=form.nationality errors=errors.clone()/>
                <SelectField lang=lang name="employment_status" label=j.employment_status options=owned(&employment_statuses(lang)) selected=form.employment_status errors=errors.clone()/>
                <div class="actions">
                    <button type="submit" class="primary">{j.continue_}</button>
                    <a href=Step::Privacy.path() class="secondary">{j.back}</a>
                </div>
            </form>
        },
    )
}

pub async fn person_page(j: Journey<at::Person>) -> Response {
    let form = j
        .app
        .details
        .person
        .as_ref()
        .map(PersonForm::from_saved)
        .unwrap_or_default();
    person_view(j.lang, j.csrf, form, Errors::default())
}

pub async fn save_person(j: Journey<at::Person>, Form(form): Form<PersonForm>) -> PageResult {
    match form.parse(j.state.minimum_age) {
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

/// The second screen as typed; input names follow Solaris' field names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    mobile_number: String,
    #[serde(default)]
    email: String,
    #[serde(default, rename = "address[line_1]")]
    line_1: String,
    #[serde(default, rename = "address[line_2]")]
    line_2: String,
    #[serde(default, rename = "address[postal_code]")]
    postal_code: String,
    #[serde(default, rename = "address[city]")]
    city: String,
    #[serde(default, rename = "address[state]")]
    state: String,
    #[serde(default, rename = "address[country]")]
    country: String,
    #[serde(default, rename = "tax_information[tax_assessment_country]")]
    tax_country: String,
}

impl ContactForm {
    fn from_saved(c: &ContactDetails) -> Self {
        ContactForm {
            mobile_number: c.mobile_number.clone(),
            email: c.email.clone(),
            line_1: c.line_1.clone(),
            line_2: c.line_2.clone(),
            postal_code: c.postal_code.clone(),
            city: c.city.clone(),
            state: c.state.clone().unwrap_or_default(),
            country: c.country.clone(),
            tax_country: c.tax_country.clone(),
        }
    }

    fn parse(&self) -> Result<ContactDetails, Errors> {
        let mut errors = Errors::default();
        let mobile_number = errors.take("mobile_number", parse_mobile(&self.mobile_number));
        let email = errors.take("email", parse_email(&self.email));
        let line_1 = errors.take("address[line_1]", parse_text(&self.line_1, 100));
        let line_2 = errors.take("address[line_2]", parse_text(&self.line_2, 20));
        let country = errors.take("address[country]", parse_country(&self.country));
        let postal_code = errors.take(
            "address[postal_code]",
            parse_postal_code(&self.postal_code, &self.country),
        );
        let city = errors.take("address[city]", parse_text(&self.city, 100));
        let state = match self.state.as_str() {
            "" => None,
            s if country == "DE" && GERMAN_STATES.iter().any(|(c, _)| *c == s) => {
                Some(s.to_string())
            }
            _ => {
                errors.take("address[state]", Err(Problem::Choose));
                None
            }
        };
        let tax_country = errors.take(
            "tax_information[tax_assessment_country]",
            parse_country(&self.tax_country),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
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
}

fn contact_view(lang: Lang, token: String, form: ContactForm, errors: Errors) -> Response {
    let j = lang.t();
    let status = errors.status();
    let labels = vec![
        ("mobile_number", j.mobile_number),
        ("email", j.email),
        ("address[line_1]", j.address_line_1),
        ("address[line_2]", j.address_line_2),
        ("address[postal_code]", j.postal_code),
        ("address[city]", j.city),
        ("address[state]", j.state),
        ("address[country]", j.country),
        ("tax_information[tax_assessment_country]", j.tax_country),
    ];
    let countries = country_options(lang);
    let path = Step::Contact.path();
    render::page(
        lang,
        path,
        j.contact_title,
        status,
        None,
        view! {
            <Progress lang=lang current=1/>
            <h1>{j.contact_title}</h1>
            <p class="hint-box">{j.exact_hint}</p>
            <ErrorSummary lang=lang errors=errors.clone() labels=labels/>
            <form method="post" action=path novalidate=true>
                <Csrf token=token/>
                <TextField lang=lang name="mobile_number" label=j.mobile_number value=form.mobile_number errors=errors.clone() kind="tel" autocomplete="tel" hint=j.mobile_hint/>
                <TextField lang=lang name="email" label=j.email value=form.email errors=errors.clone() kind="email" autocomplete="email"/>
                <fieldset>
                    <legend>{j.contact_title}</legend>
                    <TextField lang=lang name="address[line_1]" label=j.address_line_1 value=form.line_1 errors=errors.clone() autocomplete="address-line1"/>
                    <TextField lang=lang name="address[line_2]" label=j.address_line_2 value=form.line_2 errors=errors.clone() autocomplete="address-line2"/>
                    <TextField lang=lang name="address[postal_code]" label=j.postal_code value=form.postal_code errors=errors.clone() autocomplete="postal-code"/>
                    <TextField lang=lang name="address[city]" label=j.city value=form.city errors=errors.clone() autocomplete="address-level2"/>
                    <SelectField lang=lang name="address[state]" label=j.state options=owned(GERMAN_STATES) selected=form.state errors=errors.clone() empty_label="–"/>
                    <SelectField lang=lang name="address[country]" label=j.country options=countries.clone() selected=form.country errors=errors.clone()/>
                </fieldset>
                <SelectField lang=lang name="tax_information[tax_assessment_country]" label=j.tax_country options=countries selected=form.tax_country errors=errors.clone()/>
                <div class="actions">
                    <button type="submit" class="primary">{j.continue_}</button>
                    <a href=Step::Person.path() class="secondary">{j.back}</a>
                </div>
            </form>
        },
    )
}

pub async fn contact_page(j: Journey<at::Contact>) -> Response {
    let form = j
        .app
        .details
        .contact
        .as_ref()
        .map(ContactForm::from_saved)
        .unwrap_or_else(|| ContactForm {
            country: "DE".into(),
            tax_country: "DE".into(),
            ..ContactForm::default()
        });
    contact_view(j.lang, j.csrf, form, Errors::default())
}

pub async fn save_contact(j: Journey<at::Contact>, Form(form): Form<ContactForm>) -> PageResult {
    match form.parse() {
        Err(errors) => Ok(contact_view(j.lang, j.csrf, form, errors)),
        Ok(contact) => {
            let eligible = contact.country == "DE";
            save(&j, |details| details.contact = Some(contact)).await?;
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
pub async fn ineligible_page(journey: Journey<at::Ineligible>) -> Response {
    let lang = journey.lang;
    let j = lang.t();
    let country = journey
        .app
        .details
        .contact
        .as_ref()
        .map(|c| c.country.clone())
        .unwrap_or_default();
    let text = if EU.contains(&country.as_str()) {
        j.ineligible_eu
    } else {
        j.ineligible_other
    };
    let name = countries::name(&country, lang == Lang::De).unwrap_or_default();
    render::page(
        lang,
        Step::Ineligible.path(),
        j.ineligible_title,
        StatusCode::OK,
        None,
        view! {
            <Progress lang=lang current=1/>
            <h1>{j.ineligible_title}</h1>
            <p>{text}</p>
            <p class="note">{j.country}": "{name}</p>
            <p>{j.ineligible_fix}" "<a href=Step::Contact.path()>{j.edit}</a></p>
        },
    )
}
