//! Withdrawing the application, as the data-processing text promises: confirmed by the
//! customer on its own page, reachable from every journey page. Before the application reached
//! Solaris its personal data is erased at once; after, the request is recorded for the bank's
//! staff and the application stops.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;

use super::page::{at, Csrf, Journey, PageResult};
use super::paths::StepPath;
use crate::db::applications::{self, Withdrawal};
use crate::domain::Step;
use crate::i18n::Lang;
use crate::web::journey::session::APPLICATION_KEY;
use crate::web::render::{self, ContactLine};

/// After the withdrawal: what became of the application, and what happens next.
fn withdrawn_view(lang: Lang, body: impl IntoView + 'static) -> Response {
    let t = lang.t();
    render::page(
        lang,
        Step::Withdrawn.path(),
        t.withdrawn_title,
        StatusCode::OK,
        None,
        view! {
            <h1>{t.withdrawn_title}</h1>
            {body}
        },
    )
}

fn requested_view(lang: Lang) -> Response {
    let t = lang.t();
    withdrawn_view(
        lang,
        view! {
            <p role="status">{t.withdrawn_requested}</p>
            <p>{t.withdrawn_next}</p>
            <ContactLine lang=lang/>
            <p><a href="/">{t.start_new_application}</a></p>
        },
    )
}

/// `GET /withdraw`: the confirmation, or what happens after a recorded request.
pub(crate) async fn withdraw_page(j: Journey<at::AnyStep>) -> PageResult {
    if j.app.withdrawn {
        return Ok(requested_view(j.lang));
    }
    let back = crate::db::applications::current_step(&j.state.db, &j.app)
        .await?
        .path();
    let t = j.lang.t();
    Ok(render::page(
        j.lang,
        Step::Withdrawn.path(),
        t.withdraw_title,
        StatusCode::OK,
        None,
        view! {
            <h1>{t.withdraw_title}</h1>
            <p>{t.withdraw_text}</p>
            <form method="post" action=Step::Withdrawn.path()>
                <Csrf token=j.csrf/>
                <div class="actions">
                    <button type="submit" class="primary">{t.withdraw_button}</button>
                    <a href=back class="secondary">{t.withdraw_keep}</a>
                </div>
            </form>
        },
    ))
}

/// `POST /withdraw`: the customer confirmed.
pub async fn withdraw(j: Journey<at::AnyStep>) -> PageResult {
    if j.app.withdrawn {
        return Ok(Redirect::to(Step::Withdrawn.path()).into_response());
    }
    match applications::withdraw(&j.state.db, &j.app.id).await? {
        Withdrawal::Requested => {
            tracing::warn!(
                application_id = %j.app.id,
                code = "deletion_requested",
                "the customer withdrew an application Solaris holds: staff must handle the deletion"
            );
            Ok(Redirect::to(Step::Withdrawn.path()).into_response())
        }
        Withdrawal::Erased => {
            tracing::info!(application_id = %j.app.id, "application withdrawn; personal data erased");
            if let Err(e) = j.session.remove_value(APPLICATION_KEY).await {
                tracing::warn!(error = %e, "forgetting a withdrawn application in the session");
            }
            let t = j.lang.t();
            Ok(withdrawn_view(
                j.lang,
                view! {
                    <p role="status">{t.withdrawn_erased}</p>
                    <p><a href="/">{t.start_again}</a></p>
                },
            ))
        }
    }
}
