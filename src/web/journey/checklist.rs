//! What the customer needs at hand for the call.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use leptos::prelude::*;

use super::choices::country_name;
use super::documents::{document_label, poa_options};
use super::elsewhere;
use super::page::{at, Csrf, Journey, PageResult};
use super::paths::StepPath;
use crate::db::applications;
use crate::domain::Step;
use crate::web::render::{self, Progress};

pub(crate) async fn checklist_page(
    journey: Journey<at::Checklist>,
    Query(mailed): elsewhere::MailedQuery,
) -> PageResult {
    let lang = journey.lang;
    // On the device the link led to, the box would offer that very device again.
    let elsewhere = if super::session::on_other_device(&journey.session).await {
        None
    } else {
        Some(elsewhere::device_link(&journey.state, &journey.app).await?)
    };
    let status = journey.app.status();
    let j = lang.t();
    let doc = journey.app.document.clone().unwrap_or_default();
    let country = country_name(lang, &doc.country);
    let poa = doc.proof_of_address_type.as_deref().map(|t| {
        let label = poa_options(lang)
            .into_iter()
            .find(|(v, _)| *v == t)
            .map(|(_, l)| l)
            .unwrap_or(t);
        view! { <li>{j.check_poa}" "{label.to_string()}</li> }
    });
    let token = journey.csrf;
    Ok(render::page(
        lang,
        Step::Checklist.path(),
        j.checklist_title,
        StatusCode::OK,
        None,
        view! {
            <Progress lang=lang step=Step::Checklist/>
            <h1>{j.checklist_title}</h1>
            <p>{j.checklist_intro}</p>
            <ul class="checklist">
                <li>{j.check_document}" "{document_label(lang, &doc.kind)}" ("{country}")"</li>
                {poa}
                <li>{j.check_phone}</li>
                <li>{j.check_camera}</li>
                <li>{j.check_place}</li>
                <li>{j.check_language}</li>
            </ul>
            <form method="post" action=Step::Checklist.path()>
                <Csrf token=token.clone()/>
                <div class="actions">
                    <button type="submit" class="primary">{j.checklist_ready}</button>
                    <a href=Step::Documents.path() class="secondary">{j.back}</a>
                </div>
            </form>
            {elsewhere.map(|link| elsewhere::elsewhere_view(lang, link, token.clone(), mailed.state(), status.as_str()))}
        },
    ))
}

pub async fn checklist_done(j: Journey<at::Checklist>) -> PageResult {
    applications::checklist_done(&j.state.db, &j.app.id).await?;
    Ok(Redirect::to(Step::Redirect.path()).into_response())
}
