//! The back office for the bank's staff under `/backoffice`: sign-in with password and TOTP,
//! the applications with their evidence and history, the needs-attention queue, actions, and
//! the audit log. Server-rendered like the journey, in English and German, every form a real
//! `<form>`. Only a signed-in staff member gets past the login page; each page says what
//! role it needs, and every view of personal data and every action is in the audit log.

mod actions;
mod attention;
mod audit;
mod auth;
mod case;
mod case_data;
mod case_views;
mod consents;
mod download;
mod list;

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use tokio::sync::Notify;

use crate::db::staff::{self, Account, Role};
use crate::db::{wall_clock_ms, Db, StoreError};
use crate::i18n::Lang;
use crate::solaris::SolarisClient;
use crate::web::render;
use crate::web::state::AppState;

use crate::mail::links::SETUP_PREFIX;
/// A session ends this long after its last page…
pub(crate) const IDLE_MS: i64 = 30 * 60 * 1000;
/// …and this long after the sign-in in any case.
pub(crate) const ABSOLUTE_MS: i64 = 8 * 3600 * 1000;
/// A visit moves the session's last page at most this often (one write a minute, not a page).
const TOUCH_MS: i64 = 60 * 1000;

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

    fn cookie_name(&self) -> &'static str {
        if self.https {
            "__Host-backoffice"
        } else {
            "backoffice"
        }
    }

    /// The `Set-Cookie` of a new session (`None`: the one that ends it).
    fn cookie(&self, token: Option<&str>) -> String {
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
    fn token(&self, parts: &Parts) -> Option<String> {
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
fn hashed(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// 32 random bytes, hex.
fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

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
enum Untranslated {
    Forbidden,
    NotFound,
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

/// The page of an [`OfficeError`] in `lang`.
fn error_page(kind: Untranslated, status: StatusCode, lang: Lang) -> Response {
    let t = lang.staff();
    let (title, text) = match kind {
        Untranslated::Forbidden => (t.forbidden_title, t.forbidden),
        Untranslated::NotFound => (t.not_found_title, t.not_found),
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

/// The language a back-office request's page is in, as its extractor chose it (the session's,
/// `?lang=`, the browser's), kept for [`guard`], which words the errors.
#[derive(Clone, Debug, Default)]
pub(crate) struct PageLang(Arc<std::sync::Mutex<Option<Lang>>>);

impl PageLang {
    fn set(parts: &Parts, lang: Lang) {
        if let Some(cell) = parts.extensions.get::<PageLang>() {
            cell.choose(lang);
        }
    }

    fn get(&self) -> Option<Lang> {
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

/// The language of a page: `?lang=`, then the session's, then `Accept-Language`.
fn language(parts: &Parts, session: Option<&str>) -> Lang {
    let lang = language_of(&parts.uri, &parts.headers, session);
    PageLang::set(parts, lang);
    lang
}

fn language_of(
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

    async fn from_request_parts(parts: &mut Parts, office: &S) -> Result<Self, OfficeError> {
        match Staff::from_request_parts(parts, office).await {
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
    token_hash: String,
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
        let now = wall_clock_ms();
        language(parts, None);
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

/// The hidden CSRF input of every signed-in form.
#[component]
pub(crate) fn Csrf(token: String) -> impl IntoView {
    view! { <input type="hidden" name="_csrf" value=token/> }
}

/// The back office's header: the bank, the navigation for a signed-in staff member, the
/// language switch and the sign-out button.
#[component]
fn OfficeHeader(lang: Lang, switch_href: String, staff: Option<(String, String)>) -> impl IntoView {
    let t = lang.staff();
    let bank = render::bank();
    let nav = staff.map(|(csrf, role)| {
        let audit = (role == Role::Admin.as_str())
            .then(|| view! { <li><a href="/backoffice/audit">{t.nav_audit}</a></li> });
        view! {
            <nav class="office-nav" aria-label=t.nav_label>
                <ul>
                    <li><a href="/backoffice/applications">{t.nav_applications}</a></li>
                    <li><a href="/backoffice/attention">{t.nav_attention}</a></li>
                    {audit}
                    <li>
                        <form method="post" action="/backoffice/logout">
                            <Csrf token=csrf/>
                            <button type="submit" class="link-button">{t.sign_out}</button>
                        </form>
                    </li>
                </ul>
            </nav>
        }
    });
    view! {
        <header class="site-header office-header">
            <a class="brand" href="/backoffice/applications"><span>{bank.name.clone()}</span><span class="tagline">{t.back_office}</span></a>
            {nav}
            <a class="lang-switch" href=switch_href hreflang=lang.other().code() lang=lang.other().code()>
                {lang.t().switch_language}
            </a>
        </header>
    }
}

/// A whole back-office page.
pub fn page(
    staff: Option<&Staff>,
    lang: Lang,
    path: &str,
    title: &str,
    status: StatusCode,
    body: impl IntoView + 'static,
) -> Response {
    let switch = format!(
        "{path}{}lang={}",
        if path.contains('?') { "&" } else { "?" },
        lang.other().code()
    );
    let t = lang.staff();
    let full_title = if status == StatusCode::UNPROCESSABLE_ENTITY {
        format!("{} {title} – {}", lang.t().error_prefix, t.back_office)
    } else {
        format!("{title} – {}", t.back_office)
    };
    let who = staff.map(|s| {
        let role = match s.account.role {
            Role::Admin => t.role_admin,
            Role::Reviewer => t.role_reviewer,
            Role::Viewer => t.role_viewer,
        };
        format!("{} {} ({role})", t.signed_in_as, s.account.email)
    });
    let header_staff = staff.map(|s| (s.csrf.clone(), s.account.role.as_str().to_string()));
    render::document(
        lang,
        full_title,
        status,
        (),
        view! { <OfficeHeader lang=lang switch_href=switch staff=header_staff/> },
        body,
        view! { <footer class="site-footer">{who.map(|w| view! { <p>{w}</p> })}</footer> },
    )
}

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
            let mut res = match refused_post(&office, &req) {
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
fn refused_post(office: &Office, req: &Request) -> Option<Response> {
    if req.method() != Method::POST {
        return None;
    }
    if !crate::web::security::same_origin(req.headers(), req.method(), &office.public_origin) {
        tracing::warn!("back office: a cross-site form was refused");
        return Some(OfficeError::FormExpired.into_response());
    }
    let path = req.uri().path();
    if path != "/backoffice/login" && !path.starts_with(SETUP_PREFIX) {
        return None;
    }
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
    let logged = crate::mail::links::without_token(path);
    office.rates.check(
        crate::web::rates::Limit::Post,
        peer,
        req.headers(),
        Lang::default(),
        logged,
    )
}

/// The back office's routes.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/backoffice",
            get(|| async { Redirect::to("/backoffice/applications") }),
        )
        .route("/backoffice/login", get(auth::login_page).post(auth::login))
        .route("/backoffice/logout", post(auth::logout))
        .route(
            "/backoffice/setup/{token}",
            get(auth::setup_page).post(auth::setup),
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
        .layer(axum::middleware::from_fn_with_state(
            state.office.clone(),
            guard,
        ))
}

/// A moment for a staff member: Berlin time in the page's language, with the UTC second.
pub fn moment(lang: Lang, ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| crate::i18n::dates::moment(lang, t))
        .unwrap_or_default()
}

/// Forgets ended staff sessions every hour (a session past its time is refused anyway).
pub(crate) async fn purge_sessions_forever(db: Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        let now = wall_clock_ms();
        if let Err(e) = staff::purge_sessions(&db, now - IDLE_MS, now - ABSOLUTE_MS).await {
            tracing::warn!(error = %e, "purging ended staff sessions");
        }
    }
}
