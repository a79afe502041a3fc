//! Who is on a back-office page: the office's shared parts, a signed-in staff member (their
//! account, the session's CSRF token, the page's language) or a visitor, read from the
//! session cookie.

use super::error::{OfficeError, PageLang};
use crate::db::staff::{self, Account, Role};
use crate::db::Db;
use crate::i18n::Lang;
use crate::solaris::SolarisClient;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use std::sync::Arc;
use tokio::sync::Notify;

/// A session ends this long after its last page…
pub(crate) const IDLE_MS: i64 = 30 * 60 * 1000;

/// …and this long after the sign-in in any case.
pub(crate) const ABSOLUTE_MS: i64 = 8 * 3600 * 1000;

/// A visit moves the session's last page at most this often (one write a minute, not a page).
pub(super) const TOUCH_MS: i64 = 60 * 1000;

/// What the back office's handlers share.
#[derive(Clone, Debug)]
pub struct Office(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    pub client: Arc<SolarisClient>,
    /// Wakes the work-queue worker after an action queued work.
    pub work: Arc<Notify>,
    /// `scheme://host:port` of `PUBLIC_URL`, for the Origin check.
    pub public_origin: String,
    /// Reached over https: the cookie is `Secure` and `__Host-` prefixed.
    pub https: bool,
    /// The bank's identity, for the header.
    pub bank: Arc<crate::config::Bank>,
    /// Per-client limits: sign-in and setup posts count like the journey's forms.
    pub rates: crate::web::rates::RateLimits,
}

impl std::ops::Deref for Office {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl Office {
    pub fn new(shared: Shared) -> Office {
        Office(Arc::new(shared))
    }

    pub(super) fn cookie_name(&self) -> &'static str {
        if self.https {
            "__Host-backoffice"
        } else {
            "backoffice"
        }
    }

    /// The `Set-Cookie` of a new session (`None`: the one that ends it).
    pub(super) fn cookie(&self, token: Option<&str>) -> String {
        let secure = if self.https { "; Secure" } else { "" };
        match token {
            Some(token) => format!(
                "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                self.cookie_name(),
                ABSOLUTE_MS / 1000
            ),
            None => format!(
                "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
                self.cookie_name()
            ),
        }
    }

    /// The session token the request carries.
    pub(super) fn token(&self, parts: &Parts) -> Option<String> {
        let name = self.cookie_name();
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// The SHA-256 of a token, as stored.
pub(super) fn hashed(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// 32 random bytes, hex.
pub(super) fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The language of a page: `?lang=`, then the session's, then `Accept-Language`.
pub(super) fn language(parts: &Parts, session: Option<&str>) -> Lang {
    let lang = language_of(&parts.uri, &parts.headers, session);
    PageLang::set(parts, lang);
    lang
}

pub(super) fn language_of(
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
    session: Option<&str>,
) -> Lang {
    let from_query = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    from_query
        .or_else(|| session.and_then(Lang::parse))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Anyone on a back-office page: the language, and the staff member if signed in.
pub(crate) struct Visitor {
    pub lang: Lang,
    pub staff: Option<Staff>,
}

impl<S> FromRequestParts<S> for Visitor
where
    Office: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = OfficeError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, OfficeError> {
        match Staff::from_request_parts(parts, state).await {
            Ok(staff) => Ok(Visitor {
                lang: staff.lang,
                staff: Some(staff),
            }),
            Err(OfficeError::SignIn { .. }) => Ok(Visitor {
                lang: language(parts, None),
                staff: None,
            }),
            Err(e) => Err(e),
        }
    }
}

/// A signed-in staff member: their account, the session's CSRF token, the page's language.
pub struct Staff {
    pub account: Account,
    pub csrf: String,
    pub lang: Lang,
    pub office: Office,
    pub(super) token_hash: String,
}

impl<S> FromRequestParts<S> for Staff
where
    Office: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = OfficeError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, OfficeError> {
        let office = &Office::from_ref(state);
        let Some(token) = office.token(parts) else {
            return Err(OfficeError::SignIn { ended: false });
        };
        let token_hash = hashed(&token);
        let now = office.db.now_ms();
        let session =
            staff::session(&office.db, &token_hash, now - IDLE_MS, now - ABSOLUTE_MS).await?;
        let Some(session) = session else {
            return Err(OfficeError::SignIn { ended: true });
        };
        let lang = language(parts, Some(&session.language));
        if now - session.seen_at > TOUCH_MS || lang.code() != session.language {
            staff::touch_session(&office.db, &token_hash, now, lang.code()).await?;
        }
        Ok(Staff {
            account: session.account,
            csrf: session.csrf,
            lang,
            office: office.clone(),
            token_hash,
        })
    }
}

impl Staff {
    /// Refuses a staff member whose role is below `role`.
    pub(crate) fn require(&self, role: Role) -> Result<(), OfficeError> {
        if self.account.role >= role {
            Ok(())
        } else {
            tracing::warn!(staff_id = %self.account.id, needed = role.as_str(), "back office: refused for the role");
            Err(OfficeError::Forbidden)
        }
    }

    /// Refuses a form without the session's token (compared in constant time).
    pub(crate) fn check_form(&self, submitted: &str) -> Result<(), OfficeError> {
        use subtle::ConstantTimeEq;
        if bool::from(self.csrf.as_bytes().ct_eq(submitted.as_bytes())) {
            Ok(())
        } else {
            Err(OfficeError::FormExpired)
        }
    }

    /// How the audit log and the history name this staff member.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.account.id)
    }

    /// Records what this staff member saw or did in the audit log.
    pub async fn audit(
        &self,
        action: &str,
        application_id: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), OfficeError> {
        crate::db::audit::record(
            &self.office.db,
            &self.actor(),
            action,
            application_id,
            detail,
        )
        .await
        .map_err(OfficeError::from)
    }
}
