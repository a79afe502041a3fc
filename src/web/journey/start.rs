//! `POST /start`: the welcome page's start action creates the customer's application and
//! ties it to a fresh session id.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use tower_sessions::Session;

use super::session::{resume, APPLICATION_KEY};
use super::state::JourneyState;
use crate::db::applications;
use crate::i18n::Lang;
use crate::web::render;

/// Starting creates nothing but an empty application, so a cross-site start could only hand a
/// visitor an application they did not ask for; the `Origin` check refuses that.
pub async fn start(
    State(state): State<JourneyState>,
    Extension(lang): Extension<Lang>,
    peer: axum::extract::ConnectInfo<std::net::SocketAddr>,
    session: Session,
    headers: axum::http::HeaderMap,
) -> Response {
    let limit = crate::web::rates::Limit::Start;
    if let Some(refused) = state
        .rates
        .check(limit, Some(&peer), &headers, lang, "/start")
        .await
    {
        return refused;
    }
    let unavailable = |what: &str, e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "{what}");
        render::unavailable(lang, "/")
    };
    if !crate::web::security::same_origin(&headers, &axum::http::Method::POST, &state.public_origin)
    {
        tracing::warn!("cross-site start refused");
        return StatusCode::FORBIDDEN.into_response();
    }
    // A second start (back button, double click) continues the same application.
    match resume(&state.db, &session).await {
        Ok(Some(step)) => return step,
        Ok(None) => {}
        Err(e) => return unavailable("reading the session's application", &e),
    }
    let id = match applications::create(&state.db).await {
        Ok(id) => id,
        Err(e) => return unavailable("creating an application", &e),
    };
    // A new id for a session that now holds an application, against session fixation.
    if let Err(e) = session.cycle_id().await {
        tracing::error!(error = %e, "cycling the session id");
    }
    if let Err(e) = session.insert(APPLICATION_KEY, &id).await {
        return unavailable("storing the application in the session", &e);
    }
    crate::monitoring::reached(crate::monitoring::Funnel::Started, lang.code());
    let _ = session
        .insert(crate::web::SEEN_KEY, state.db.clock.now_seconds())
        .await;
    tracing::info!(application_id = %id, "application started");
    Redirect::to("/terms").into_response()
}
