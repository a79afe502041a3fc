//! The return page: it follows the identification's status until it ends, with the live
//! stream where JavaScript runs and a reload where it does not.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use leptos::prelude::*;
use serde::Deserialize;

use super::page::{Csrf, PageResult, Visit};
use super::paths::StepPath;
use crate::domain::outcome::{CHECKING_MS, SETTLE_MS};
use crate::domain::Step;
use crate::domain::{FailureReason, IdentificationStatus as Status};
use crate::i18n::Lang;
use crate::web::render::{self, AutoRefresh, ContactLine, Progress};

#[derive(Deserialize)]
pub(crate) struct ReturnQuery {
    transaction_number: Option<String>,
}

/// The failure reason as the guide's columns allow: what happened; "not caused by you" when
/// the customer did not cause it; what to do when they did and another attempt can solve it;
/// neutral when the guide does not say ("-").
fn reason_view(lang: Lang, reason: Option<&str>) -> impl IntoView {
    let j = lang.t();
    let info = reason.and_then(|r| FailureReason(r.to_string()).info());
    let explained = reason.map(|code| crate::i18n::reasons::explain(code, lang));
    let not_you = info.is_some_and(|i| i.caused_by_user == Some(false));
    explained.map(|e| {
        view! {
            <div class="reason">
                <h2>{j.reason_title}</h2>
                <p>{not_you.then(|| view! { <span>{j.reason_not_you}" "</span> })}{e.what}</p>
                {e.advice.map(|advice| view! { <p>{j.reason_you_can_fix}" "{advice}</p> })}
            </div>
        }
    })
}

/// The return page: finds the application from the session (the transaction number in the URL
/// is only a hint), shows the status in plain words, and keeps it current.
pub(crate) async fn status_page(
    visit: Visit,
    Query(query): Query<ReturnQuery>,
    Query(auto): Query<AutoRefresh>,
) -> PageResult {
    let Visit {
        state,
        session,
        lang,
        app,
    } = visit;
    let j = lang.t();
    let path = Step::Status.path();
    let app = match app {
        Some(app) => app,
        None => {
            return Ok(render::page(
                lang,
                path,
                j.no_application_title,
                StatusCode::OK,
                None,
                view! {
                    <h1>{j.no_application_title}</h1>
                    <p>{j.no_application_text}</p>
                    <p><a href="/">{j.start_again}</a></p>
                },
            ))
        }
    };
    let mut call_ended_at = app.call_ended_at;
    if let (Some(hint), Some(id)) = (&query.transaction_number, &app.identification_id) {
        if hint != id {
            tracing::warn!(application_id = %app.id, "return with a transaction number of another identification; ignored");
        } else if call_ended_at.is_none() && app.status() == Status::Pending {
            // IDnow sends the browser back when its session ended. This changes only the
            // page's words (the status comes from Solaris alone).
            crate::db::applications::call_ended(&state.db, &app.id, id).await?;
            call_ended_at = Some(state.db.now_ms());
        }
    }
    let current = crate::db::applications::current_step(&state.db, &app).await?;
    if current < Step::Redirect || current == Step::Withdrawn {
        return Ok(Redirect::to(current.path()).into_response());
    }
    let status = app.status();
    // The status is kept current by webhooks and reconciliation, never by this page: serving a
    // waiting customer costs no Solaris call and no write.
    let settled = status.is_settled();
    let reason = app.failure_reason.as_deref();
    let permanent = crate::domain::failure_reason::is_permanent(reason);
    // Guide appendix II, case 3: a review canceled an identification that had been successful.
    let was_successful = app.success_revoked();
    let now = state.db.now_ms();
    // The call runs on the device the link for another device led to, not in this browser.
    let call_elsewhere =
        app.phone_joined_at.is_some() && !super::session::on_other_device(&session).await;
    // A fresh cancel that the review may still turn into a success (case 2).
    let settling_until = (status == Status::Canceled && !permanent && !was_successful)
        .then(|| app.status_changed_at.unwrap_or(now) + SETTLE_MS)
        .filter(|until| *until > now);
    let checking_until = (status == Status::Pending)
        .then_some(call_ended_at)
        .flatten()
        .map(|ended| ended + CHECKING_MS);
    // When the page's words change with time alone, the page looks again then.
    let recheck_at = settling_until.or(checking_until.filter(|until| *until > now));
    let token = crate::web::security::csrf_token(&session).await;
    let form = |label: &'static str, action: &'static str, class: &'static str| {
        let token = token.clone();
        view! {
            <form method="post" action=action>
                <Csrf token=token/>
                <div class="actions"><button type="submit" class=class>{label}</button></div>
            </form>
        }
    };
    let retry_form = |label, action| form(label, action, "primary");
    let continue_call = Step::Redirect.path();
    let body = match status {
        Status::Created => view! { <p role="status">{j.st_created}</p>{retry_form(j.redirect_button, Step::Redirect.path())} }.into_any(),
        Status::Pending => match checking_until {
            Some(until) if until > now => view! { <p role="status">{j.st_checking}</p> }.into_any(),
            Some(_) => view! { <p role="status">{j.st_checking_long}</p>{form(j.st_continue_call, continue_call, "secondary")} }.into_any(),
            None if call_elsewhere => view! { <p role="status">{j.st_on_phone}</p>{form(j.st_here_instead, continue_call, "secondary")} }.into_any(),
            None => view! { <p role="status">{j.st_pending}</p>{retry_form(j.st_continue_call, continue_call)} }.into_any(),
        },
        Status::PendingSuccessful => view! { <p role="status">{j.st_review}</p> }.into_any(),
        Status::PendingFailed => view! { <p role="status">{j.st_pending_failed}</p> }.into_any(),
        Status::Successful => view! {
            <p role="status">{j.st_successful}</p>
            <p><a class="button primary" href=Step::Complete.path()>{j.st_continue}</a></p>
        }
        .into_any(),
        Status::Aborted | Status::Canceled if app.on_waiting_list() => {
            view! { <p role="status">{j.st_waiting_list}</p> }.into_any()
        }
        Status::Canceled if settling_until.is_some() => {
            view! { <p role="status">{j.st_canceled_settling}</p> }.into_any()
        }
        Status::Aborted | Status::Canceled => {
            let headline = match (&status, was_successful) {
                (Status::Canceled, true) => j.st_canceled_after_success,
                (Status::Canceled, false) => j.st_canceled,
                _ => j.st_aborted,
            };
            view! {
                <p role="status">{headline}</p>
                {reason_view(lang, reason)}
                {if permanent {
                    view! { <p>{j.st_permanent}</p><ContactLine lang=lang/> }.into_any()
                } else {
                    view! { <p>{j.st_retry}</p>{retry_form(j.st_retry_button, Step::Redirect.path())} }.into_any()
                }}
            }
            .into_any()
        }
        Status::Expired => view! { <p role="status">{j.st_expired}</p>{retry_form(j.st_expired_button, "/identification/new")} }.into_any(),
        Status::Failed => view! { <p role="status">{j.st_failed}</p><ContactLine lang=lang/> }.into_any(),
        Status::Other(_) => view! { <p role="status">{j.st_other}</p> }.into_any(),
    };
    let refresh_secs = if settled { None } else { auto.every(10) };
    let recheck_in = recheck_at.map(|at| ((at - now) / 1000 + 1).to_string());
    // With script the page follows the live stream, a success included (a review may still
    // cancel it, the guide's case 3); without, it reloads only while the status is open.
    let follow = !settled || status == Status::Successful;
    Ok(render::page_following_status(
        lang,
        path,
        j.status_title,
        StatusCode::OK,
        refresh_secs,
        view! {
            <Progress lang=lang step=Step::Status/>
            <h1>{j.status_title}</h1>
            <div class="status" data-status=status.as_str().to_string() data-recheck-in=recheck_in>{body}</div>
        {follow.then(|| view! { <script src=crate::web::assets::status_script_src() defer=true></script> })}
        },
    ))
}
