//! The back office's one error type, and the page that words it in the language the staff
//! member's session (or the browser) chose.

use crate::db::StoreError;
use crate::i18n::Lang;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;

/// Why a back-office page is not shown as asked: the one error type of the back office's
/// handlers. It carries no language: [`guard`] words it in the language the request's
/// extractor chose (or the browser's), so handlers use `?` on any storage or Solaris error.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// Not signed in (`ended`: a session was there and has ended): to the login page.
    #[error("not signed in")]
    SignIn { ended: bool },
    #[error("the staff member's role does not allow this")]
    Forbidden,
    #[error("no such page")]
    NotFound,
    /// Solaris no longer holds what staff asked for (a document it listed once).
    #[error("Solaris no longer holds it")]
    GoneAtSolaris,
    /// A form without the session's token (an old tab, a forged post).
    #[error("a form without the session's token")]
    FormExpired,
    /// The database or Solaris did not answer; the cause goes to the log only.
    #[error("the database or Solaris did not answer")]
    Unavailable(#[source] Cause),
}

/// The cause of a page that could not be served: kept for the log, never shown.
pub(crate) use crate::telemetry::Cause;

impl From<StoreError> for OfficeError {
    fn from(e: StoreError) -> Self {
        OfficeError::Unavailable(Box::new(e))
    }
}

impl From<crate::solaris::SolarisError> for OfficeError {
    fn from(e: crate::solaris::SolarisError) -> Self {
        OfficeError::Unavailable(Box::new(e))
    }
}

/// What [`guard`] words in the request's language: an [`OfficeError`] that is a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Untranslated {
    Forbidden,
    NotFound,
    GoneAtSolaris,
    FormExpired,
    Unavailable,
}

impl IntoResponse for OfficeError {
    fn into_response(self) -> Response {
        let (status, kind) = match self {
            OfficeError::SignIn { ended } => {
                let to = if ended {
                    "/backoffice/login?ended=1"
                } else {
                    "/backoffice/login"
                };
                return Redirect::to(to).into_response();
            }
            OfficeError::Forbidden => (StatusCode::FORBIDDEN, Untranslated::Forbidden),
            OfficeError::NotFound => (StatusCode::NOT_FOUND, Untranslated::NotFound),
            OfficeError::GoneAtSolaris => (StatusCode::GONE, Untranslated::GoneAtSolaris),
            OfficeError::FormExpired => (StatusCode::FORBIDDEN, Untranslated::FormExpired),
            OfficeError::Unavailable(cause) => {
                tracing::error!(error = %crate::telemetry::Chain(&*cause), "back office: a page could not be served");
                (StatusCode::SERVICE_UNAVAILABLE, Untranslated::Unavailable)
            }
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(kind);
        res
    }
}

/// The language a back-office request's page is in, as its extractor chose it (the session's,
/// `?lang=`, the browser's), kept for [`guard`], which words the errors.
#[derive(Clone, Debug, Default)]
pub(crate) struct PageLang(Arc<std::sync::Mutex<Option<Lang>>>);

impl PageLang {
    pub(super) fn set(parts: &Parts, lang: Lang) {
        if let Some(cell) = parts.extensions.get::<PageLang>() {
            cell.choose(lang);
        }
    }

    pub(super) fn get(&self) -> Option<Lang> {
        self.0.lock().ok().and_then(|l| *l)
    }

    /// A handler that reads the language from its form chooses it here.
    pub(crate) fn choose(&self, lang: Lang) {
        if let Ok(mut chosen) = self.0.lock() {
            *chosen = Some(lang);
        }
    }
}

/// A back-office handler's answer.
pub(crate) type OfficeResult = Result<Response, OfficeError>;
