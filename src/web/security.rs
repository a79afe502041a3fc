//! Headers every response of the app carries, and the checks on state-changing requests:
//! the `Origin` must be our own, and the form must carry the session's CSRF token.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use tower_sessions::Session;

const CSRF_KEY: &str = "csrf";

/// Content-Security-Policy and friends. No inline script is allowed; forms may post to us and
/// be redirected to IDnow (Chrome applies `form-action` to the redirect too).
pub async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self' https://*.idnow.de http://127.0.0.1:*; \
             frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// The session's CSRF token, created on first use.
pub async fn csrf_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(CSRF_KEY).await {
        return token;
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let _ = session.insert(CSRF_KEY, &token).await;
    token
}

/// True when the submitted token is the session's (compared in constant time).
pub async fn csrf_ok(session: &Session, submitted: &str) -> bool {
    use subtle::ConstantTimeEq;
    match session.get::<String>(CSRF_KEY).await {
        Ok(Some(token)) => bool::from(token.as_bytes().ct_eq(submitted.as_bytes())),
        _ => false,
    }
}

/// Refuses a cross-site POST: an `Origin` (or, without it, a `Referer`) of another site.
pub fn same_origin(
    req_headers: &axum::http::HeaderMap,
    method: &Method,
    public_origin: &str,
) -> bool {
    if method == Method::GET || method == Method::HEAD {
        return true;
    }
    let origin = req_headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            req_headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(|r| url::Url::parse(r).ok())
                .map(|u| u.origin().ascii_serialization())
        });
    match origin {
        Some(o) => o == public_origin,
        // Neither header: a non-browser client; the CSRF token still has to match.
        None => true,
    }
}
