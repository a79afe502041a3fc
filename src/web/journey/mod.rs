//! The customer journey after the welcome page: consent, data, eligibility, review, documents,
//! the IDnow redirect, the return page and the completion. Every page is a server-rendered
//! form or link; every step checks that the customer may be there and sends them to the step
//! they are at otherwise.

pub mod application;
mod consent;
mod details;
pub mod fields;
mod identification;
mod resume;
mod review;
mod withdraw;

pub use resume::qr_svg;

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use tokio::sync::Notify;
use tower_sessions::Session;

use crate::db::{applications, Db, StoreError};
use crate::domain::Application;

use super::render;
use super::security::csrf_token;
use crate::i18n::Lang;

/// What the journey's handlers share: cloned for every request (and every extractor that asks
/// for it), so it is one reference-counted pointer.
#[derive(Clone, Debug)]
pub struct JourneyState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    /// Wakes the local work-queue worker when work is queued (the queue, never a page, asks
    /// Solaris).
    pub work: Arc<Notify>,
    /// `scheme://host:port` of `PUBLIC_URL`, for the Origin check.
    pub public_origin: String,
    pub minimum_age: u32,
    /// The bank's other identification route, for customers without an accepted document.
    pub alternative_kyc_url: Option<String>,
    /// Days after which the data of a resident outside Germany is erased.
    pub not_resident_days: u32,
    /// Status changes of applications, for the live status stream.
    pub feed: crate::web::live::StatusFeed,
    /// Per-client limits on starts and forms.
    pub rates: crate::web::rates::RateLimits,
    /// Signs and checks the links into applications (mails, the QR code).
    pub links: crate::mail::Links,
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
    /// The customer withdrew the application (it had reached Solaris: staff take it on).
    Withdrawn,
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
            Step::Withdrawn => "/withdraw",
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

/// Why a journey page is not shown as asked: the one error type of the journey's handlers.
#[derive(Debug)]
pub enum PageError {
    /// Storage (or Solaris, where a page must ask it) did not answer: a 503 page in the
    /// customer's language, with the cause in the log only.
    Unavailable(String),
    /// The customer belongs on another page (their step, or the welcome page).
    Elsewhere(&'static str),
    /// The posted form could not be read (a field sent twice, a value that is not text): the
    /// translated "please check" page, never the framework's message.
    BadForm(String),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Unavailable(e.to_string())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Unavailable(cause) => unavailable(cause),
            PageError::Elsewhere(path) => Redirect::to(path).into_response(),
            PageError::BadForm(why) => {
                tracing::warn!(why, "unreadable form refused");
                let mut res = StatusCode::BAD_REQUEST.into_response();
                res.extensions_mut().insert(Translate::BadForm);
                res
            }
        }
    }
}

/// The answer of a journey handler.
pub type PageResult = Result<Response, PageError>;

/// Which step a handler serves: [`Journey`] checks that the customer may be there.
pub trait Page: Send + Sync + 'static {
    /// `None`: any step (the handler decides).
    const STEP: Option<Step>;
}

/// The step markers of [`Journey`]: `Journey<at::Review>` is the review page's request.
pub mod at {
    use super::{Page, Step};

    macro_rules! steps {
        ($($name:ident),+) => {$(
            #[derive(Debug)]
            pub struct $name;
            impl Page for $name {
                const STEP: Option<Step> = Some(Step::$name);
            }
        )+};
    }
    steps!(
        Terms, Privacy, Person, Contact, Ineligible, Review, Preparing, Documents, Checklist,
        Redirect, Complete
    );

    /// Any step: the handler looks at the application itself.
    #[derive(Debug)]
    pub struct AnyStep;
    impl Page for AnyStep {
        const STEP: Option<Step> = None;
    }
}

/// A visitor of a journey page: the session, the language, and their application if the
/// session has one. A storage failure is a 503, never "no application".
pub struct Visit {
    pub state: JourneyState,
    pub session: Session,
    pub lang: Lang,
    pub app: Option<Application>,
}

impl FromRequestParts<JourneyState> for Visit {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &JourneyState,
    ) -> Result<Self, PageError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, why)| PageError::Unavailable(format!("no session: {why}")))?;
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        let app = match super::start::application_id(&session).await? {
            Some(id) => applications::load(&state.db, &id).await?,
            None => None,
        };
        Ok(Visit {
            state: state.clone(),
            session,
            lang,
            app,
        })
    }
}

/// A journey page's request at step `P`: the session, the language, the CSRF token and the
/// application, which is at a step where `P` may be shown. Otherwise the customer is sent to
/// the step they are at (or to the welcome page without an application).
pub struct Journey<P: Page> {
    pub state: JourneyState,
    pub session: Session,
    pub lang: Lang,
    pub csrf: String,
    pub app: Application,
    _page: PhantomData<P>,
}

impl<P: Page> FromRequestParts<JourneyState> for Journey<P> {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &JourneyState,
    ) -> Result<Self, PageError> {
        let visit = Visit::from_request_parts(parts, state).await?;
        let app = visit.app.ok_or(PageError::Elsewhere("/"))?;
        if let Some(page) = P::STEP {
            let current = app.current_step(&state.db).await?;
            if !may_show(page, current, app.submitted()) {
                return Err(PageError::Elsewhere(current.path()));
            }
        }
        Ok(Journey {
            csrf: csrf_token(&visit.session).await,
            state: visit.state,
            session: visit.session,
            lang: visit.lang,
            app,
            _page: PhantomData,
        })
    }
}

/// Whether `page` may be shown to a customer at `current`: their own step; the data pages
/// before the review until they confirm it; the consents they gave; the return page after
/// success.
fn may_show(page: Step, current: Step, submitted: bool) -> bool {
    let editable = !submitted && page < Step::Ineligible && page <= current;
    let consent_view = matches!(page, Step::Terms | Step::Privacy) && page <= current;
    let status_after_success = page == Step::Status && current == Step::Complete;
    page == current || editable || consent_view || status_after_success
}

/// A database failure: logged with its cause, shown as a calm, translated page.
pub fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "journey storage or Solaris unavailable");
    let mut res = StatusCode::SERVICE_UNAVAILABLE.into_response();
    res.extensions_mut().insert(Translate::Unavailable);
    res
}

/// Marks a response that [`protect`] turns into a page in the customer's language (a handler
/// or an extractor does not know the language everywhere it fails).
#[derive(Clone, Copy, Debug)]
enum Translate {
    Unavailable,
    BadForm,
}

/// A journey form's values: axum's `Form`, whose refusal (a field sent twice, a value that is
/// not text) is the translated error page.
pub struct PageForm<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for PageForm<T>
where
    axum::extract::Form<T>:
        axum::extract::FromRequest<S, Rejection = axum::extract::rejection::FormRejection>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        match axum::extract::Form::<T>::from_request(req, state).await {
            Ok(axum::extract::Form(form)) => Ok(PageForm(form)),
            Err(refused) => Err(PageError::BadForm(refused.body_text())),
        }
    }
}

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
        let peer = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        let limit = crate::web::rates::Limit::Post;
        if let Some(refused) = state
            .rates
            .check(limit, peer, req.headers(), lang, uri.path())
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
    let j = lang.t();
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
        .route("/documents/none", get(identification::no_document_page))
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
        .route(
            "/withdraw",
            get(withdraw::withdraw_page).post(withdraw::withdraw),
        )
        .route("/resume/{token}", get(resume::arrive))
        .route(
            resume::RESUME_PATH,
            get(resume::resume_page).post(resume::check_birth_date),
        )
        .route("/reminders/stop/{token}", get(resume::arrive_opt_out))
        .route(
            resume::REMINDERS_PATH,
            get(resume::reminders_page).post(resume::stop_reminders),
        )
        .route("/continue-elsewhere", post(resume::mail_device_link))
        .layer(axum::middleware::from_fn_with_state(state.clone(), protect))
        // The start carries no token yet (the welcome page has no session); it checks the
        // `Origin` itself.
        .route("/start", post(super::start::start))
        .with_state(state)
}
