//! The back office for the bank's staff under `/backoffice`: sign-in with password and TOTP,
//! the applications with their evidence and history, the needs-attention queue, actions, and
//! the audit log. Server-rendered like the journey, in English and German, every form a real
//! `<form>`. Only a signed-in staff member gets past the login page; each page says what
//! role it needs, and every view of personal data and every action is in the audit log.
mod actions;
mod attention;
mod audit;
mod case;
mod case_data;
mod case_views;
mod consents;
mod download;
mod error;
mod list;
mod login;
mod password;
mod session;
mod setup;
mod shell;

use crate::db::staff::{self};
use crate::db::Db;
use crate::i18n::Lang;
use crate::mail::links::SETUP_PREFIX;
use crate::web::render;
use axum::extract::{FromRef, Request};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
pub(crate) use error::*;
use leptos::prelude::*;
pub(crate) use session::*;
pub(crate) use shell::*;

/// The back office's one layer: every POST must come from our own origin (the session's
/// token is checked by each handler, which knows its form), and the posts that need no
/// session (sign-in, setup) count against the client's limit, so that guessing passwords
/// across accounts is slowed as the lockout slows it on one; the pages name the bank.
async fn guard(
    axum::extract::State(office): axum::extract::State<Office>,
    req: Request,
    next: Next,
) -> Response {
    let bank = office.bank.clone();
    render::BANK
        .scope(bank, async move {
            let fallback = language_of(req.uri(), req.headers(), None);
            let chosen = PageLang::default();
            let mut req = req;
            req.extensions_mut().insert(chosen.clone());
            let mut res = match refused_post(
                &office,
                req.method(),
                req.uri(),
                req.headers(),
                req.extensions(),
            )
            .await
            {
                Some(refused) => refused,
                None => next.run(req).await,
            };
            if let Some(kind) = res.extensions().get::<Untranslated>().copied() {
                let lang = chosen.get().unwrap_or(fallback);
                res = error_page(kind, res.status(), lang);
            }
            // Nothing of the back office may be kept by a browser or a proxy.
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            res
        })
        .await
}

/// The answer to a POST that [`guard`] refuses.
/// Staff's free text (a comment, a reason) holds a control character other than a line break
/// or a tab, such as the NUL PostgreSQL cannot store: it is refused next to its field.
pub(super) fn unusable_text(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// What a refused text shows again: the text without its control characters.
pub(super) fn shown_again(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

/// A POST refused before its handler (its parts, not the request, whose body is not `Sync`).
async fn refused_post(
    office: &Office,
    method: &Method,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
) -> Option<Response> {
    if method != Method::POST {
        return None;
    }
    if !crate::web::security::same_origin(headers, method, &office.public_origin) {
        tracing::warn!("back office: a cross-site form was refused");
        return Some(OfficeError::FormExpired.into_response());
    }
    let path = uri.path();
    if path != "/backoffice/login" && !path.starts_with(SETUP_PREFIX) {
        return None;
    }
    let peer = extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
    let logged = crate::mail::links::without_token(path);
    office
        .rates
        .check(
            crate::web::rates::Limit::Post,
            peer,
            headers,
            Lang::default(),
            logged,
        )
        .await
}

/// The back office's routes.
/// The back office's routes, for any state the [`Office`] comes from.
pub(crate) fn router<S>(office: Office) -> Router<S>
where
    Office: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(
            "/backoffice",
            get(|| async { Redirect::to("/backoffice/applications") }),
        )
        .route(
            "/backoffice/login",
            get(login::login_page).post(login::login),
        )
        .route("/backoffice/logout", post(login::logout))
        .route(
            "/backoffice/setup/{token}",
            get(setup::setup_page).post(setup::setup),
        )
        .route("/backoffice/applications", get(list::list))
        .route("/backoffice/applications/{id}", get(case::one))
        .route(
            "/backoffice/applications/{id}/consents",
            get(consents::consents_page),
        )
        .route(
            "/backoffice/applications/{id}/consents.json",
            get(consents::consents_json),
        )
        .route(
            "/backoffice/applications/{id}/documents/{document}",
            get(download::download),
        )
        .route(
            "/backoffice/applications/{id}/work/{work}/retry",
            post(actions::retry_work),
        )
        .route(
            "/backoffice/applications/{id}/webhooks/{webhook}/replay",
            post(actions::replay_webhook),
        )
        .route(
            "/backoffice/applications/{id}/read",
            post(actions::read_now),
        )
        .route("/backoffice/applications/{id}/erase", post(actions::erase))
        .route("/backoffice/attention", get(attention::list))
        .route(
            "/backoffice/attention/{id}",
            get(attention::one).post(attention::handle),
        )
        .route("/backoffice/audit", get(audit::log))
        .layer(axum::middleware::from_fn_with_state(office, guard))
}

/// Forgets ended staff sessions every hour (a session past its time is refused anyway).
pub(crate) async fn purge_sessions_forever(db: Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        let now = db.now_ms();
        if let Err(e) = staff::purge_sessions(&db, now - IDLE_MS, now - ABSOLUTE_MS).await {
            tracing::warn!(error = %e, "purging ended staff sessions");
        }
    }
}

/// The page of an [`OfficeError`] in `lang`.
fn error_page(kind: Untranslated, status: StatusCode, lang: Lang) -> Response {
    let t = lang.staff();
    let (title, text) = match kind {
        Untranslated::Forbidden => (t.forbidden_title, t.forbidden),
        Untranslated::NotFound => (t.not_found_title, t.not_found),
        Untranslated::GoneAtSolaris => (t.gone_at_solaris_title, t.gone_at_solaris),
        Untranslated::FormExpired => (t.form_expired, t.form_expired),
        Untranslated::Unavailable => (t.unavailable_title, t.unavailable),
    };
    page(
        None,
        lang,
        "/backoffice",
        title,
        status,
        view! {
            <h1>{title}</h1>
            <p role="alert">{text}</p>
            <p><a href="/backoffice/applications">{t.back_to_list}</a></p>
        },
    )
}
