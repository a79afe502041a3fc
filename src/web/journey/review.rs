//! The review: everything entered, each part editable, then the confirmation that hands the
//! application to the work queue (person and identification creation).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;

use super::choices::{country_name, employment_label, marital_label, GERMAN_STATES, TITLES};
use super::form::RawForm;
use super::page::{at, Csrf, Journey, PageForm, PageResult};
use super::paths::StepPath;
use crate::db::applications;
use crate::domain::Step;
use crate::domain::*;
use crate::domain::{Application, ConsentKind};
use crate::i18n::Lang;
use crate::web::render::{self, ContactLine, Progress};

/// The body of the person creation, from what the customer entered and accepted.
pub(crate) fn new_person(app: &Application) -> Option<NewPerson> {
    let p = app.details.person.as_ref()?;
    let c = app.details.contact.as_ref()?;
    let employment = p.employment_status.clone();
    Some(NewPerson {
        salutation: p.salutation.as_deref().map(Salutation::parse),
        title: p.title.clone(),
        first_name: p.first_name.to_string(),
        last_name: p.last_name.to_string(),
        birth_date: Some(p.birth_date.iso()),
        birth_city: Some(p.birth_city.to_string()),
        birth_country: Some(p.birth_country.to_string()),
        nationality: Some(p.nationality.to_string()),
        mobile_number: Some(c.mobile_number.to_string()),
        email: Some(c.email.to_string()),
        address: Some(Address {
            line_1: Some(c.line_1.to_string()),
            line_2: Some(c.line_2.to_string()),
            postal_code: Some(c.postal_code.to_string()),
            city: Some(c.city.to_string()),
            state: c.state.clone(),
            country: Some(c.country.to_string()),
        }),
        tax_information: Some(TaxInformation {
            tax_assessment_country: Some(c.tax_country.to_string()),
            marital_status: p.marital_status.as_ref().map(|m| m.as_str().to_string()),
        }),
        employment_status: Some(employment.clone()),
        nace_code: None,
        // The journey asks no NACE code: the guide's alternative is the industry set to null.
        industry: employment.runs_a_business().then_some(None),
        industry_key: employment.runs_a_business().then_some(None),
        terms_conditions_signed_at: app.consent(ConsentKind::TermsConditions)?.signed_at.clone(),
        data_terms_signed_at: app.consent(ConsentKind::DataProcessing)?.signed_at.clone(),
    })
}

fn label_of(list: &[(&'static str, &'static str)], value: &str) -> String {
    list.iter()
        .find(|(v, _)| *v == value)
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| value.to_string())
}

/// Solaris' complaints by our input names (`address[city]`, `first_name`, ...).
fn solaris_problems(app: &Application) -> Vec<String> {
    app.solaris_error
        .iter()
        .flat_map(|e| e.fields.iter().map(|f| f.field.clone()))
        .collect()
}

/// A version of the data the review shows: the person creation's body as it would be sent. The
/// form carries it, so a confirmation from a page that showed other data (a second tab, say)
/// confirms nothing.
fn data_version(app: &Application) -> String {
    use sha2::{Digest, Sha256};
    let body = new_person(app)
        .and_then(|p| serde_json::to_string(&p).ok())
        .unwrap_or_default();
    hex::encode(&Sha256::digest(body.as_bytes())[..12])
}

pub(crate) async fn review_page(journey: Journey<at::Review>) -> Response {
    let Journey {
        app, lang, csrf, ..
    } = journey;
    review_view(app, lang, csrf, false)
}

fn review_view(app: Application, lang: Lang, csrf: String, changed: bool) -> Response {
    let (Some(p), Some(c)) = (app.details.person.clone(), app.details.contact.clone()) else {
        return Redirect::to(Step::Person.path()).into_response();
    };
    let j = lang.t();
    let country = |code: &str| country_name(lang, code);
    let problems = solaris_problems(&app);
    let refused = app.solaris_error.is_some();
    let flag = |fields: &[&str]| {
        fields.iter().any(|f| {
            problems
                .iter()
                .any(|p| p == f || p.starts_with(&format!("{f}[")))
        })
    };
    let salutation = match p.salutation.as_deref() {
        Some("MR") => j.salutation_mr,
        Some("MS") => j.salutation_ms,
        _ => j.salutation_none,
    };
    let person_rows: Vec<(&'static str, String, &'static [&'static str])> = vec![
        (j.salutation, salutation.to_string(), &["salutation"]),
        (
            j.title,
            p.title
                .as_deref()
                .map(|t| label_of(TITLES, t))
                .unwrap_or_else(|| j.title_none.into()),
            &["title"],
        ),
        (j.first_name, p.first_name.to_string(), &["first_name"]),
        (
            j.last_name,
            if p.last_name.is_none() {
                j.no_last_name_shown.to_string()
            } else {
                p.last_name.to_string()
            },
            &["last_name"],
        ),
        (
            j.birth_date,
            crate::i18n::dates::long_date(lang, p.birth_date.date()),
            &["birth_date"],
        ),
        (j.birth_city, p.birth_city.to_string(), &["birth_city"]),
        (
            j.birth_country,
            country(p.birth_country.as_str()),
            &["birth_country"],
        ),
        (
            j.nationality,
            country(p.nationality.as_str()),
            &["nationality"],
        ),
        (
            j.employment_status,
            lang.pick(employment_label(&p.employment_status))
                .to_string(),
            &["employment_status"],
        ),
        (
            j.marital_status,
            p.marital_status
                .as_ref()
                .map(|m| lang.pick(marital_label(m)).to_string())
                .unwrap_or_default(),
            &["tax_information[marital_status]", "tax_information"],
        ),
    ];
    let contact_rows: Vec<(&'static str, String, &'static [&'static str])> = vec![
        (
            j.mobile_number,
            c.mobile_number.to_string(),
            &["mobile_number"],
        ),
        (j.email, c.email.to_string(), &["email"]),
        (
            j.street_and_number,
            format!("{} {}", c.line_1, c.line_2),
            &["address"],
        ),
        (
            j.postal_code_and_city,
            format!("{} {}", c.postal_code, c.city),
            &["address"],
        ),
        (
            j.state,
            c.state
                .as_deref()
                .map(|s| label_of(GERMAN_STATES, s))
                .unwrap_or_else(|| "–".into()),
            &["address"],
        ),
        (j.country, country(c.country.as_str()), &["address"]),
        (
            j.tax_country,
            country(c.tax_country.as_str()),
            &["tax_information"],
        ),
    ];
    let rows = move |rows: Vec<(&'static str, String, &'static [&'static str])>| {
        rows.into_iter()
            .map(|(label, value, fields)| {
                let bad = flag(fields);
                view! {
                    <div class="summary-row" class:invalid=bad>
                        <dt>{label}</dt>
                        <dd>{value}{bad.then(|| view! { <span class="error">" – "{j.err_solaris}</span> })}</dd>
                    </div>
                }
            })
            .collect_view()
    };
    let consents = app
        .consents
        .iter()
        .map(|c| {
            let label = match c.kind {
                ConsentKind::TermsConditions => j.terms_title,
                ConsentKind::DataProcessing => j.privacy_title,
            };
            view! { <div class="summary-row"><dt>{label}</dt><dd>{format!("{} {}", j.accepted_at, crate::i18n::dates::moment_text(lang, &c.signed_at))}</dd></div> }
        })
        .collect_view();
    let version = data_version(&app);
    let changed_banner = changed.then(|| {
        view! { <div class="error-summary" role="alert" tabindex="-1" autofocus=true><h2>{j.review_changed_title}</h2><p>{j.review_changed_text}</p></div> }
    });
    let banner = refused.then(|| {
        let text = if problems.is_empty() { j.failed_generic } else { j.submit_failed_text };
        let contact = problems.is_empty().then(|| view! { <ContactLine lang=lang/> });
        view! { <div class="error-summary" role="alert"><h2>{j.submit_failed_title}</h2><p>{text}</p>{contact}</div> }
    });
    render::page(
        lang,
        Step::Review.path(),
        j.review_title,
        StatusCode::OK,
        None,
        view! {
            <Progress lang=lang step=Step::Review/>
            <h1>{j.review_title}</h1>
            {changed_banner}
            {banner}
            <p>{j.review_intro}</p>
            <section aria-labelledby="review-person">
                <h2 id="review-person">{j.person_title}" "<a href=Step::Person.path() class="edit">{j.edit}<span class="visually-hidden">": "{j.person_title}</span></a></h2>
                <dl class="summary">{rows(person_rows)}</dl>
            </section>
            <section aria-labelledby="review-contact">
                <h2 id="review-contact">{j.contact_title}" "<a href=Step::Contact.path() class="edit">{j.edit}<span class="visually-hidden">": "{j.contact_title}</span></a></h2>
                <dl class="summary">{rows(contact_rows)}</dl>
            </section>
            <section aria-labelledby="review-consents">
                <h2 id="review-consents">{j.review_consents}</h2>
                <dl class="summary">{consents}</dl>
            </section>
            {(!refused).then(|| view! {
                <form method="post" action=Step::Review.path()>
                    <Csrf token=csrf/>
                    <input type="hidden" name="data_version" value=version/>
                    <div class="actions"><button type="submit" class="primary">{j.review_confirm}</button></div>
                </form>
            })}
        },
    )
}

/// Confirms: stores the creation bodies with their work items in one transaction. A second
/// confirmation finds the application submitted and creates nothing more.
pub async fn confirm(j: Journey<at::Review>, PageForm(form): PageForm<RawForm>) -> PageResult {
    let Journey {
        app,
        lang,
        state,
        csrf,
        ..
    } = j;
    let shown = form.get(super::form::Input {
        name: "data_version",
        label: |t| t.review_title,
    });
    if shown != data_version(&app) {
        tracing::info!(application_id = %app.id, "review confirmed from a page that showed other data; shown again");
        let mut page = review_view(app, lang, csrf, true);
        *page.status_mut() = StatusCode::CONFLICT;
        return Ok(page);
    }
    let Some(person) = new_person(&app) else {
        return Ok(Redirect::to(Step::Person.path()).into_response());
    };
    let identification = NewIdentification {
        method: IdentificationMethod::Idnow,
        language: Some(if lang == Lang::De {
            Language::De
        } else {
            Language::En
        }),
        proof_of_address_type: None,
        proof_of_address_issued_at: None,
    };
    if applications::submit(&state.db, &app.id, &person, &identification).await? {
        crate::monitoring::reached(crate::monitoring::Funnel::Submitted, lang.code());
    }
    state.work.notify_one();
    tracing::info!(application_id = %app.id, "application confirmed and queued");
    Ok(Redirect::to(Step::Preparing.path()).into_response())
}
