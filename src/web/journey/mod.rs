//! The customer journey after the welcome page: consent, data, eligibility, review, documents,
//! the IDnow redirect, the return page and the completion. Every page is a server-rendered
//! form or link; every step checks that the customer may be there and sends them to the step
//! they are at otherwise.

pub mod application;
mod consent;
mod details;
pub mod fields;
mod identification;
mod review;

use std::sync::Arc;

use axum::extract::{FromRef, Request};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use tokio::sync::Notify;
use tower_sessions::Session;

use crate::db::Db;
use crate::solaris::SolarisClient;
use application::Application;

use super::i18n::Lang;
use super::render;

/// What the journey's handlers share: cloned for every request (and every extractor that asks
/// for it), so it is one reference-counted pointer.
#[derive(Clone, Debug)]
pub struct JourneyState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    pub client: Arc<SolarisClient>,
    /// Wakes the local work-queue worker when work is queued.
    pub work: Arc<Notify>,
    /// `scheme://host:port` of `PUBLIC_URL`, for the Origin check.
    pub public_origin: String,
    pub minimum_age: u32,
    /// Status changes of applications, for the live status stream.
    pub feed: crate::web::live::StatusFeed,
}

impl JourneyState {
    pub fn new(shared: Shared) -> Self {
        JourneyState(Arc::new(shared))
    }
}

impl std::ops::Deref for JourneyState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<JourneyState> for Db {
    fn from_ref(s: &JourneyState) -> Db {
        s.db.clone()
    }
}

/// The steps, in order. Pages before `Review` can be revisited to change data until the
/// application is confirmed; after that only the current step is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Terms,
    Privacy,
    Person,
    Contact,
    Ineligible,
    Review,
    Preparing,
    Documents,
    Checklist,
    Redirect,
    Status,
    Complete,
}

impl Step {
    pub fn path(self) -> &'static str {
        match self {
            Step::Terms => "/terms",
            Step::Privacy => "/privacy",
            Step::Person => "/details/person",
            Step::Contact => "/details/contact",
            Step::Ineligible => "/not-eligible",
            Step::Review => "/review",
            Step::Preparing => "/preparing",
            Step::Documents => "/documents",
            Step::Checklist => "/checklist",
            Step::Redirect => "/identification/start",
            Step::Status => "/identification/return",
            Step::Complete => "/complete",
        }
    }

    /// Index in the progress indicator (consent, data, review, documents, identification).
    pub fn progress(self) -> usize {
        match self {
            Step::Terms | Step::Privacy => 0,
            Step::Person | Step::Contact | Step::Ineligible => 1,
            Step::Review | Step::Preparing => 2,
            Step::Documents | Step::Checklist => 3,
            _ => 4,
        }
    }
}

/// The application of this session, or a redirect to the welcome page.
pub async fn load(state: &JourneyState, session: &Session) -> Result<Application, Response> {
    let Some(id) = super::start::application_id(session).await else {
        return Err(Redirect::to("/").into_response());
    };
    match Application::load(&state.db, &id).await {
        Ok(Some(app)) => Ok(app),
        Ok(None) => Err(Redirect::to("/").into_response()),
        Err(e) => Err(unavailable(e)),
    }
}

/// Loads the application and checks that `page` may be shown now.
pub async fn guard(
    state: &JourneyState,
    session: &Session,
    page: Step,
) -> Result<Application, Response> {
    let app = load(state, session).await?;
    let current = app.current_step(&state.db).await.map_err(unavailable)?;
    let editable = !app.submitted() && page < Step::Ineligible && page <= current;
    let consent_view = matches!(page, Step::Terms | Step::Privacy) && page <= current;
    let status_after_success = page == Step::Status && current == Step::Complete;
    if page == current || editable || consent_view || status_after_success {
        Ok(app)
    } else {
        Err(Redirect::to(current.path()).into_response())
    }
}

/// A database failure: logged with its cause, shown as a calm, translated page.
pub fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "journey storage or Solaris unavailable");
    let mut res = StatusCode::SERVICE_UNAVAILABLE.into_response();
    res.extensions_mut().insert(Unavailable);
    res
}

/// Marks a response that [`translate_unavailable`] turns into a page in the customer's language.
#[derive(Clone, Copy, Debug)]
struct Unavailable;

/// The hidden CSRF input of every form.
#[component]
pub fn Csrf(token: String) -> impl IntoView {
    view! { <input type="hidden" name="_csrf" value=token/> }
}

/// The journey's one layer: cross-site and token checks on every POST (a foreign `Origin` or a
/// missing or wrong token gets a 403 page that says what to do), and the translated page for a
/// handler's [`unavailable`] answer (handlers do not know the language everywhere they fail).
async fn protect(
    axum::extract::State(state): axum::extract::State<JourneyState>,
    req: Request,
    next: Next,
) -> Response {
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    let uri = req.uri().clone();
    let res = if req.method() == Method::POST {
        match checked_post(&state, lang, req).await {
            Ok(req) => next.run(req).await,
            Err(refused) => return refused,
        }
    } else {
        next.run(req).await
    };
    if res.extensions().get::<Unavailable>().is_none() {
        return res;
    }
    let j = lang.j();
    let path = uri.path().to_string();
    render::page(
        lang,
        &path,
        j.unavailable_title,
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        view! {
            <h1>{j.unavailable_title}</h1>
            <p role="alert">{j.unavailable_text}</p>
            <p><a href=path.clone()>{j.refresh_now}</a></p>
        },
    )
}

/// The POST with its body read, when it comes from our site with the session's token.
async fn checked_post(state: &JourneyState, lang: Lang, req: Request) -> Result<Request, Response> {
    let path = req.uri().path().to_string();
    if !super::security::same_origin(req.headers(), req.method(), &state.public_origin) {
        tracing::warn!(path, "cross-site POST refused");
        return Err(forbidden(lang, &path));
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        tracing::error!(path, "POST outside the session layer refused");
        return Err(forbidden(lang, &path));
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !super::security::csrf_ok(&session, &token).await {
        tracing::warn!(path, "POST without the session's CSRF token refused");
        return Err(forbidden(lang, &path));
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

fn forbidden(lang: Lang, path: &str) -> Response {
    let j = lang.j();
    render::page(
        lang,
        path,
        j.errors_title,
        StatusCode::FORBIDDEN,
        None,
        view! {
            <h1>{j.errors_title}</h1>
            <p role="alert">{j.session_expired}</p>
            <p><a href="/">{j.back}</a></p>
        },
    )
}

pub fn router(state: JourneyState) -> Router {
    Router::new()
        .route(
            "/terms",
            get(consent::terms_page).post(consent::accept_terms),
        )
        .route(
            "/privacy",
            get(consent::privacy_page).post(consent::accept_privacy),
        )
        .route(
            "/details/person",
            get(details::person_page).post(details::save_person),
        )
        .route(
            "/details/contact",
            get(details::contact_page).post(details::save_contact),
        )
        .route("/not-eligible", get(details::ineligible_page))
        .route("/review", get(review::review_page).post(review::confirm))
        .route("/preparing", get(identification::preparing_page))
        .route(
            "/documents",
            get(identification::documents_page).post(identification::save_documents),
        )
        .route(
            "/checklist",
            get(identification::checklist_page).post(identification::checklist_done),
        )
        .route(
            "/identification/start",
            get(identification::redirect_page).post(identification::go_to_idnow),
        )
        .route("/identification/return", get(identification::status_page))
        .route("/identification/events", get(crate::web::live::events))
        .route(
            "/identification/new",
            post(identification::new_identification),
        )
        .route("/complete", get(identification::complete_page))
        .layer(axum::middleware::from_fn_with_state(state.clone(), protect))
        .with_state(state)
}
