//! The pages the customer sees, rendered on the server by Leptos through one shell
//! ([`render::page`]), with sessions, the language choice, the stylesheet and the files of
//! `public/`.

pub mod api;
pub mod assets;
pub mod backoffice;
pub mod health;
pub mod journey;
pub mod legal;
pub(crate) mod legal_text;
pub mod metrics;
pub mod pages;
pub(crate) mod rates;
pub(crate) mod render;
pub(crate) mod request_log;
pub mod security;
pub mod state;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use url::Url;

use crate::db::session_store::DbSessionStore;
use crate::i18n::Lang;
use state::CustomerContext;
pub use state::{AppState, Parts};

/// The stylesheet under its old, unfingerprinted name, for pages cached before.
async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        assets::STYLE,
    )
        .into_response()
}

/// How long a session lasts after the customer's last visit.
const SESSION_LIFETIME: time::Duration = time::Duration::hours(8);
/// A session's expiry moves only when it is saved; a visit saves it at most this often, so a
/// customer waiting on the return page keeps their session without a write per page view.
const SESSION_RENEWAL_SECONDS: i64 = 3600;
/// When the session was last saved by a visit (Unix seconds).
pub(crate) const SEEN_KEY: &str = "seen";

/// Sets the request's [`Lang`]: `?lang=` (remembered in the session), the session, then
/// `Accept-Language`. A customer who comes back to the welcome page with an application in
/// their session lands on the step they left, and the session of a customer with an
/// application is renewed (see [`SESSION_RENEWAL_SECONDS`]). (One layer for all three: each
/// layer costs every request a boxed service and future.)
async fn customer_context(
    axum::extract::State(context): axum::extract::State<CustomerContext>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let from_query = req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    let from_session = session.get::<Lang>("lang").await.ok().flatten();
    let lang = match (from_query, from_session) {
        (Some(q), s) => {
            if s != Some(q) {
                // Only a change writes the session.
                let _ = session.insert("lang", q).await;
            }
            q
        }
        (None, Some(s)) => s,
        (None, None) => req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or_default(),
    };
    req.extensions_mut().insert(lang);
    renew(&session, &context.db.clock).await;
    let welcome = req.method() == axum::http::Method::GET && req.uri().path() == "/";
    let page = async move {
        let redirect = if welcome {
            journey::session::resume(&context.db, &session).await
        } else {
            Ok(None)
        };
        match redirect {
            Ok(Some(redirect)) => redirect,
            Ok(None) => next.run(req).await,
            // Never the welcome page (whose start would open a second application).
            Err(e) => {
                tracing::error!(error = %e, "reading the session's application");
                render::unavailable(lang, "/")
            }
        }
    };
    let page = render::BANK.scope(context.bank.clone(), page);
    let mut res = render::TEST_SYSTEM.scope(context.test_system, page).await;
    res.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("accept-language, cookie"),
    );
    res
}

/// Saves the session of a customer with an application when its last save by a visit is
/// older than [`SESSION_RENEWAL_SECONDS`], which moves its expiry (and the cookie's).
async fn renew(session: &Session, clock: &crate::clock::Clock) {
    let now = clock.now_seconds();
    let seen = session.get::<i64>(SEEN_KEY).await.ok().flatten();
    if seen.is_some_and(|seen| now - seen < SESSION_RENEWAL_SECONDS) {
        return;
    }
    if let Ok(Some(_)) = journey::session::application_id(session).await {
        let _ = session.insert(SEEN_KEY, now).await;
    }
}

/// Purges expired sessions every hour (loading one already treats it as absent).
pub(crate) async fn purge_sessions_forever(store: DbSessionStore) {
    use tower_sessions::session_store::ExpiredDeletion;
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        if let Err(e) = store.delete_expired().await {
            tracing::warn!(error = %e, "purging expired sessions");
        }
    }
}

/// Every route of the web layer: the customer's pages with their sessions, the back office,
/// the read API and the health endpoints; static files stay outside the session layer.
/// Starts nothing: the loops the pages need are the caller's to run.
pub fn router(state: AppState, sessions: DbSessionStore, public_url: &Url) -> Router {
    let sessions = SessionManagerLayer::new(sessions)
        .with_name("onboarding_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(public_url.scheme() == "https")
        .with_expiry(Expiry::OnInactivity(SESSION_LIFETIME));
    let pages = Router::new()
        .route("/", get(pages::welcome::welcome_page))
        .route("/legal/{sha256}", get(legal::accepted_text))
        .route("/legal/current/{kind}/{lang}", get(legal::current_text))
        .merge(journey::router(state.journey.clone()))
        .fallback(pages::not_found::not_found)
        .with_state(state.clone());
    // Around the pages as one service rather than `Router::layer`, which wraps (and boxes)
    // every route in each layer: a request would clone and drop each box.
    let pages = tower::ServiceBuilder::new()
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state.customer.clone(),
            customer_context,
        ))
        .service(pages);

    Router::new()
        .merge(api::router(state.api_keys.clone()))
        .merge(backoffice::router(state.office.clone()))
        .merge(health::router())
        .with_state(state)
        .route("/style/main.css", get(stylesheet))
        .route("/assets/{name}", get(assets::asset))
        .nest_service("/public", ServeDir::new("public"))
        .route_service(
            "/favicon.svg",
            tower_http::services::ServeFile::new("public/favicon.svg"),
        )
        .fallback_service(pages)
}
