//! The journey's one layer: cross-site and token checks on every POST, the per-client post
//! limit, and the translated page for an answer a handler could not word.

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use tower_sessions::Session;

use super::page::Translate;
use super::state::JourneyState;
use crate::i18n::Lang;
use crate::web::render;

/// The journey's one layer: cross-site and token checks on every POST (a foreign `Origin` or a
/// missing or wrong token gets a 403 page that says what to do), and the translated page for a
/// handler's [`unavailable`] answer (handlers do not know the language everywhere they fail).
pub(super) async fn protect(
    axum::extract::State(state): axum::extract::State<JourneyState>,
    req: Request,
    next: Next,
) -> Response {
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    let uri = req.uri().clone();
    let res = if req.method() == Method::POST {
        let peer = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        let limit = crate::web::rates::Limit::Post;
        if let Some(refused) = state
            .rates
            .check(limit, peer, req.headers(), lang, uri.path())
            .await
        {
            return refused;
        }
        match checked_post(&state, lang, req).await {
            Ok(req) => render::JOURNEY_PAGE.scope(true, next.run(req)).await,
            Err(refused) => return refused,
        }
    } else {
        render::JOURNEY_PAGE.scope(true, next.run(req)).await
    };
    match res.extensions().get::<Translate>() {
        None => res,
        Some(Translate::Unavailable) => render::unavailable(lang, uri.path()),
        Some(Translate::BadForm) => unreadable_form(lang, uri.path()),
    }
}

/// A form that could not be read: what happened and the way back to it.
fn unreadable_form(lang: Lang, path: &str) -> Response {
    let t = lang.t();
    let path = path.to_string();
    render::page(
        lang,
        &path,
        t.errors_title,
        StatusCode::BAD_REQUEST,
        None,
        view! {
            <h1>{t.errors_title}</h1>
            <p role="alert">{t.form_unreadable}</p>
            <p><a href=path.clone()>{t.back}</a></p>
        },
    )
}

/// The POST with its body read, when it comes from our site with the session's token.
async fn checked_post(state: &JourneyState, lang: Lang, req: Request) -> Result<Request, Response> {
    let path = req.uri().path().to_string();
    if !crate::web::security::same_origin(req.headers(), req.method(), &state.public_origin) {
        tracing::warn!(path, "cross-site POST refused");
        return Err(forbidden(lang));
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        tracing::error!(path, "POST outside the session layer refused");
        return Err(forbidden(lang));
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !crate::web::security::csrf_ok(&session, &token).await {
        tracing::warn!(path, "POST without the session's CSRF token refused");
        return Err(forbidden(lang));
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// The refused form's page. Its language link leads to the welcome page (which resumes the
/// application), not to the address the form was posted to.
fn forbidden(lang: Lang) -> Response {
    let j = lang.t();
    render::page(
        lang,
        "/",
        j.session_expired_title,
        StatusCode::FORBIDDEN,
        None,
        view! {
            <h1>{j.session_expired_title}</h1>
            <p role="alert">{j.session_expired}</p>
            <p><a href="/">{j.back}</a></p>
        },
    )
}
