//! The link in a reminder that stops the reminders, without signing in.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use leptos::prelude::*;
use tower_sessions::Session;

use super::page::{Csrf, PageResult, Visit};
use super::resume::{arrive_with, linked};
use super::state::JourneyState;
use crate::db::mail::{self as store, Purpose};
use crate::web::render;
use crate::web::security::csrf_token;

/// The session key of the opt-out link the visitor arrived with (its hash).
pub(crate) const OPT_OUT_KEY: &str = "opt_out_link";

pub(crate) const REMINDERS_PATH: &str = "/reminders/stop";

/// `GET /reminders/stop/{token}`: the same for the reminders' opt-out.
pub(crate) async fn arrive_opt_out(
    State(state): State<JourneyState>,
    session: Session,
    Path(token): Path<String>,
) -> PageResult {
    arrive_with(&state, &session, &token, OPT_OUT_KEY, &[Purpose::OptOut]).await?;
    Ok(Redirect::to(REMINDERS_PATH).into_response())
}

/// `GET /reminders/stop`: asks before it stops (a mail scanner following the link stops
/// nothing).
pub(crate) async fn reminders_page(visit: Visit) -> PageResult {
    let t = visit.lang.t();
    if linked(
        &visit.state,
        &visit.session,
        OPT_OUT_KEY,
        &[Purpose::OptOut],
    )
    .await?
    .is_none()
    {
        return Ok(render::page(
            visit.lang,
            REMINDERS_PATH,
            t.reminders_title,
            StatusCode::NOT_FOUND,
            None,
            view! { <h1>{t.reminders_title}</h1><p>{t.reminders_invalid}</p> },
        ));
    }
    let csrf = csrf_token(&visit.session).await;
    Ok(render::page(
        visit.lang,
        REMINDERS_PATH,
        t.reminders_title,
        StatusCode::OK,
        None,
        view! {
            <h1>{t.reminders_title}</h1>
            <p>{t.reminders_text}</p>
            <form method="post" action=REMINDERS_PATH>
                <Csrf token=csrf/>
                <div class="actions"><button type="submit" class="primary">{t.reminders_button}</button></div>
            </form>
        },
    ))
}

/// `POST /reminders/stop`.
pub(crate) async fn stop_reminders(visit: Visit) -> PageResult {
    let t = visit.lang.t();
    let Some(app) = linked(
        &visit.state,
        &visit.session,
        OPT_OUT_KEY,
        &[Purpose::OptOut],
    )
    .await?
    else {
        return Ok(Redirect::to(REMINDERS_PATH).into_response());
    };
    store::stop_reminders(&visit.state.db, &app.id).await?;
    tracing::info!(application_id = %app.id, "reminders stopped by the customer");
    Ok(render::page(
        visit.lang,
        REMINDERS_PATH,
        t.reminders_stopped_title,
        StatusCode::OK,
        None,
        view! { <h1>{t.reminders_stopped_title}</h1><p role="status">{t.reminders_stopped_text}</p> },
    ))
}
