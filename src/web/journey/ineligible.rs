//! For a customer who does not live in Germany: why the account cannot be opened here, and
//! that nothing reached Solaris.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::choices::country_name;
use super::page::{at, Journey};
use super::paths::StepPath;
use crate::domain::countries::EU;
use crate::domain::Step;
use crate::web::render::{self, ContactLine, Progress};

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
