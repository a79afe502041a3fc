//! The way to IDnow: the page with the button, the button that waits for the work queue to
//! get the link, and a new identification after expiry or a retry.

use std::time::Duration;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;

use super::elsewhere;
use super::page::{at, Csrf, Journey, PageResult};
use super::paths::StepPath;
use crate::db::applications;
use crate::db::work::{self};
use crate::domain::IdentificationStatus as Status;
use crate::domain::Step;
use crate::i18n::Lang;
use crate::web::render::{self, ContactLine, Progress};

/// What the page says above its button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Notice {
    None,
    /// Solaris did not answer the request in time, or not at all: another click may work.
    Unavailable,
    /// Solaris refused the request for good: no click changes it, so there is no button.
    Refused,
}

fn redirect_view(
    lang: Lang,
    token: String,
    notice: Notice,
    elsewhere: Option<(String, elsewhere::DeviceMail, String)>,
) -> Response {
    let j = lang.t();
    let status = if notice == Notice::Unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let action = if notice == Notice::Refused {
        view! { <p role="alert">{j.redirect_refused}</p><ContactLine lang=lang/> }.into_any()
    } else {
        view! {
            {(notice == Notice::Unavailable).then(|| view! { <p class="error" role="alert">{j.redirect_unavailable}</p> })}
            <p>{j.redirect_text}</p>
            <form method="post" action=Step::Redirect.path()>
                <Csrf token=token.clone()/>
                <div class="actions"><button type="submit" class="primary">{j.redirect_button}</button></div>
            </form>
        }
        .into_any()
    };
    let elsewhere = elsewhere.filter(|_| notice != Notice::Refused);
    render::page(
        lang,
        Step::Redirect.path(),
        j.redirect_title,
        status,
        None,
        view! {
            <Progress lang=lang step=Step::Redirect/>
            <h1>{j.redirect_title}</h1>
            {action}
            {elsewhere.map(|(link, mailed, status)| elsewhere::elsewhere_view(lang, link, token, mailed, &status))}
        },
    )
}

pub(crate) async fn redirect_page(
    j: Journey<at::Redirect>,
    Query(mailed): elsewhere::MailedQuery,
) -> PageResult {
    if j.app.request_refused() {
        return Ok(redirect_view(j.lang, j.csrf, Notice::Refused, None));
    }
    let elsewhere = if super::session::on_other_device(&j.session).await {
        None
    } else {
        let link = elsewhere::device_link(&j.state, &j.app).await?;
        Some((link, mailed.state(), j.app.status().as_str().to_string()))
    };
    Ok(redirect_view(j.lang, j.csrf, Notice::None, elsewhere))
}

/// How long the button's answer waits for the queue to get the IDnow link from Solaris; after
/// that the page asks the customer to try again (the request goes on, and the next click finds
/// its link).
const REQUEST_WAIT: Duration = Duration::from_secs(10);
/// How often the button's answer looks whether the request is done.
const REQUEST_POLL: Duration = Duration::from_millis(25);

/// The button to IDnow: the first time, queues the request that starts the identification
/// (the queue asks Solaris, never the page), waits for its link and sends the browser there
/// with a 303. A retry after an abort or a cancel goes to the same link.
pub(crate) async fn go_to_idnow(journey: Journey<at::AnyStep>) -> PageResult {
    let Journey {
        app,
        lang,
        csrf,
        state,
        ..
    } = journey;
    let current = crate::db::applications::current_step(&state.db, &app).await?;
    match (current, &app.identification_url) {
        (Step::Status, Some(url)) if app.status().allows_retry() => {
            applications::going_to_idnow(&state.db, &app.id).await?;
            return Ok(Redirect::to(url).into_response());
        }
        (Step::Redirect, _) => {}
        _ => return Ok(Redirect::to(current.path()).into_response()),
    }
    if app.person_id.is_none() || app.identification_id.is_none() {
        return Ok(Redirect::to(Step::Preparing.path()).into_response());
    }
    // Solaris refused the request for good: another request would be refused the same way,
    // and staff have the one item that says so.
    if app.request_refused() {
        return Ok(redirect_view(lang, csrf, Notice::Refused, None));
    }
    let item = work::request_identification(&state.db, &app.id).await?;
    state.work.notify_one();
    let deadline = tokio::time::Instant::now() + REQUEST_WAIT;
    loop {
        tokio::time::sleep(REQUEST_POLL).await;
        match work::state_of(&state.db, &item).await? {
            Some(work::WorkState::Done) => break,
            Some(work::WorkState::Pending) if tokio::time::Instant::now() < deadline => {}
            Some(work::WorkState::Pending) => {
                tracing::warn!(application_id = %app.id, code = "identification_request_slow", "Solaris has not answered the identification request yet; the customer is asked to try again");
                return Ok(redirect_view(lang, csrf, Notice::Unavailable, None));
            }
            _ => {
                let refused = applications::load(&state.db, &app.id)
                    .await?
                    .is_some_and(|a| a.request_refused());
                if refused {
                    tracing::warn!(application_id = %app.id, code = "identification_request_refused", "Solaris refused the identification request; the customer is told a retry will not help");
                    return Ok(redirect_view(lang, csrf, Notice::Refused, None));
                }
                tracing::warn!(application_id = %app.id, code = "identification_request_failed", "the identification request failed; the customer is asked to try again");
                return Ok(redirect_view(lang, csrf, Notice::Unavailable, None));
            }
        }
    }
    let Some(app) = applications::load(&state.db, &app.id).await? else {
        return Ok(Redirect::to("/").into_response());
    };
    match (&app.identification_url, app.status().allows_retry()) {
        (Some(url), true) => {
            applications::going_to_idnow(&state.db, &app.id).await?;
            Ok(Redirect::to(url).into_response())
        }
        _ => Ok(Redirect::to(
            crate::db::applications::current_step(&state.db, &app)
                .await?
                .path(),
        )
        .into_response()),
    }
}

/// After expiry: a new identification with the same data, nothing to type again.
pub(crate) async fn new_identification(j: Journey<at::AnyStep>) -> PageResult {
    if j.app.withdrawn {
        return Ok(Redirect::to(Step::Withdrawn.path()).into_response());
    }
    if j.app.status() != Status::Expired {
        return Ok(Redirect::to(Step::Status.path()).into_response());
    }
    if applications::renew_expired_identification(&j.state.db, &j.app.id).await? {
        j.state.work.notify_one();
    }
    Ok(Redirect::to(Step::Preparing.path()).into_response())
}
