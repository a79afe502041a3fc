//! What every journey page is made of: the request at a step ([`Journey`]), the one error
//! type of the handlers ([`PageError`]), the form extractor that refuses in the customer's
//! language, and the path of each step.

use std::marker::PhantomData;

use axum::extract::{FromRef, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use tower_sessions::Session;

use super::paths::StepPath;
use super::state::JourneyState;
use crate::db::{applications, StoreError};
use crate::domain::{Application, Step};
use crate::i18n::Lang;
use crate::telemetry::{Cause, Chain};
use crate::web::security::csrf_token;

/// Why a journey page is not shown as asked: the one error type of the journey's handlers.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Storage (or Solaris, where a page must ask it) did not answer: a 503 page in the
    /// customer's language, with the cause in the log only.
    #[error("storage did not answer")]
    Unavailable(#[source] Cause),
    /// The customer belongs on another page (their step, or the welcome page).
    #[error("the customer belongs on {0}")]
    Elsewhere(&'static str),
    /// The posted form could not be read (a field sent twice, a value that is not text): the
    /// translated "please check" page, never the framework's message.
    #[error("an unreadable form: {0}")]
    BadForm(String),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Unavailable(Box::new(e))
    }
}

impl From<tower_sessions::session::Error> for PageError {
    fn from(e: tower_sessions::session::Error) -> Self {
        PageError::Unavailable(Box::new(e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Unavailable(cause) => unavailable(&*cause),
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
pub(crate) type PageResult = Result<Response, PageError>;

/// Which step a handler serves: [`Journey`] checks that the customer may be there.
pub trait Page: Send + Sync + 'static {
    /// `None`: any step (the handler decides).
    const STEP: Option<Step>;
}

/// The step markers of [`Journey`]: `Journey<at::Review>` is the review page's request.
pub mod at {
    use super::Page;
    use crate::domain::Step;

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
    pub(crate) struct AnyStep;
    impl Page for AnyStep {
        const STEP: Option<Step> = None;
    }
}

/// A visitor of a journey page: the session, the language, and their application if the
/// session has one. A storage failure is a 503, never "no application".
pub(crate) struct Visit {
    pub state: JourneyState,
    pub session: Session,
    pub lang: Lang,
    pub app: Option<Application>,
}

impl<S> FromRequestParts<S> for Visit
where
    JourneyState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let state = JourneyState::from_ref(state);
        let session = Session::from_request_parts(parts, &state)
            .await
            .map_err(|(_, why)| PageError::Unavailable(format!("no session: {why}").into()))?;
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        let app = match super::session::application_id(&session).await? {
            Some(id) => applications::load(&state.db, &id).await?,
            None => None,
        };
        Ok(Visit {
            state,
            session,
            lang,
            app,
        })
    }
}

/// A journey page's request at step `P`: the session, the language, the CSRF token and the
/// application, which is at a step where `P` may be shown. Otherwise the customer is sent to
/// the step they are at (or to the welcome page without an application).
pub(crate) struct Journey<P: Page> {
    pub state: JourneyState,
    pub session: Session,
    pub lang: Lang,
    pub csrf: String,
    pub app: Application,
    _page: PhantomData<P>,
}

impl<P: Page, S> FromRequestParts<S> for Journey<P>
where
    JourneyState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let visit = Visit::from_request_parts(parts, state).await?;
        let app = visit.app.ok_or(PageError::Elsewhere("/"))?;
        if let Some(page) = P::STEP {
            let current = crate::db::applications::current_step(&visit.state.db, &app).await?;
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
pub fn unavailable(e: &(dyn std::error::Error + 'static)) -> Response {
    tracing::error!(error = %Chain(e), "journey storage or Solaris unavailable");
    let mut res = StatusCode::SERVICE_UNAVAILABLE.into_response();
    res.extensions_mut().insert(Translate::Unavailable);
    res
}

/// Marks a response that [`protect`] turns into a page in the customer's language (a handler
/// or an extractor does not know the language everywhere it fails).
#[derive(Clone, Copy, Debug)]
pub(super) enum Translate {
    Unavailable,
    BadForm,
}

/// A journey form's values: axum's `Form`, whose refusal (a field sent twice, a value that is
/// not text) is the translated error page.
pub(crate) struct PageForm<T>(pub T);

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
pub(crate) fn Csrf(token: String) -> impl IntoView {
    view! { <input type="hidden" name="_csrf" value=token/> }
}
