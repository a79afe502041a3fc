//! Headers every response carries (pages, static files, the sandbox, the webhook intake,
//! errors), and the checks on state-changing requests: the `Origin` must be our own, and the
//! form must carry the session's CSRF token.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use tower_sessions::Session;

const CSRF_KEY: &str = "csrf";

/// The browser features no page of ours uses: all denied, so nothing embedded or injected
/// can ask for the camera, the microphone or the location.
const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
     fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), \
     midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), \
     usb=(), xr-spatial-tracking=()";

/// The security headers of every response, built once from the configuration.
#[derive(Clone, Debug)]
pub(crate) struct SecurityHeaders {
    csp: HeaderValue,
    /// `Strict-Transport-Security`, when the app is reached over https.
    hsts: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// `form_targets`: the origins besides our own that a form post may be redirected to
    /// (Chrome applies `form-action` to the redirect too), such as IDnow's. `style_hashes`:
    /// inline stylesheets allowed by their `'sha256-…'` (the sandbox's IDnow page).
    pub fn new(
        public_url: &url::Url,
        form_targets: &[String],
        style_hashes: &[String],
    ) -> anyhow::Result<SecurityHeaders> {
        let form_action = std::iter::once("'self'".to_string())
            .chain(form_targets.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        let style_src = std::iter::once("'self'".to_string())
            .chain(style_hashes.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        let csp = format!(
            "default-src 'self'; script-src 'self'; style-src {style_src}; img-src 'self' data:; \
             connect-src 'self'; form-action {form_action}; frame-ancestors 'none'; \
             base-uri 'none'; object-src 'none'"
        );
        Ok(SecurityHeaders {
            csp: HeaderValue::from_str(&csp)?,
            hsts: (public_url.scheme() == "https")
                .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
        })
    }
}

/// The longest URI (path and query) served: far above any of our links, far below what would
/// make every log line and routing step expensive.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;

/// The edge of every server, in one layer (each layer costs every request a boxed future):
/// a URI over [`MAX_URI_BYTES`] is answered `414` before anything else looks at it; a
/// response that has not begun within `respond_within` becomes a `503`, so a stuck request
/// frees its connection (only the head counts: a live status stream goes on streaming after
/// it); and every response gets the [`SecurityHeaders`].
pub(crate) async fn edge(State(edge): State<Edge>, req: Request, next: Next) -> Response {
    let uri = req.uri().path_and_query().map_or("", |pq| pq.as_str());
    let mut res = if uri.len() > MAX_URI_BYTES {
        tracing::warn!(bytes = uri.len(), "URI too long refused");
        (axum::http::StatusCode::URI_TOO_LONG, "URI too long").into_response()
    } else if uri.contains("%00") {
        // A NUL can be no id, search or parameter: PostgreSQL cannot store or compare it.
        tracing::warn!(code = "nul_in_uri", "a URI with a NUL character refused");
        nul_in_uri(req.uri().path())
    } else {
        match tokio::time::timeout(edge.respond_within, next.run(req)).await {
            Ok(res) => res,
            Err(_) => {
                tracing::warn!(
                    limit_seconds = edge.respond_within.as_secs(),
                    "no response in time; answered 503"
                );
                axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        }
    };
    let set = &edge.headers;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, set.csp.clone());
    if let Some(hsts) = &set.hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    h.insert(
        "permissions-policy",
        HeaderValue::from_static(PERMISSIONS_POLICY),
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

/// The `400` for a URI with a NUL (`%00`) in its path or query: JSON for the read API, text in
/// both languages for a browser (no page of ours links to such an address).
fn nul_in_uri(path: &str) -> Response {
    let status = axum::http::StatusCode::BAD_REQUEST;
    if path.starts_with("/api/") {
        return (
            status,
            axum::Json(serde_json::json!({
                "error": "invalid_character",
                "detail": "The address contains a NUL character (%00), which no id or parameter has.",
            })),
        )
            .into_response();
    }
    (
        status,
        "This address contains a NUL character (%00), which no address here has.\n\
         Diese Adresse enthält ein NUL-Zeichen (%00), das keine Adresse hier enthält.\n",
    )
        .into_response()
}

/// What [`edge`] needs.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub headers: SecurityHeaders,
    pub respond_within: std::time::Duration,
}

/// The session's CSRF token, created on first use.
pub(crate) async fn csrf_token(session: &Session) -> String {
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
pub(crate) async fn csrf_ok(session: &Session, submitted: &str) -> bool {
    use subtle::ConstantTimeEq;
    match session.get::<String>(CSRF_KEY).await {
        Ok(Some(token)) => bool::from(token.as_bytes().ct_eq(submitted.as_bytes())),
        _ => false,
    }
}

/// Refuses a cross-site POST: an `Origin` (or, without it, a `Referer`) of another site.
pub(crate) fn same_origin(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_action_names_exactly_the_configured_targets() {
        let public = url::Url::parse("https://onboarding.example").unwrap();
        let idnow = ["https://go.idnow.de".to_string()];
        let set = SecurityHeaders::new(&public, &idnow, &[]).unwrap();
        let csp = set.csp.to_str().unwrap();
        assert!(
            csp.contains("form-action 'self' https://go.idnow.de;"),
            "{csp}"
        );
        assert!(!csp.contains('*') && !csp.contains("127.0.0.1"), "{csp}");
        assert!(set.hsts.is_some());
        let demo = url::Url::parse("http://127.0.0.1:3000").unwrap();
        let set = SecurityHeaders::new(&demo, &[], &["'sha256-abc'".into()]).unwrap();
        let csp = set.csp.to_str().unwrap();
        assert!(
            csp.contains("form-action 'self';") && csp.contains("style-src 'self' 'sha256-abc';")
        );
        assert!(set.hsts.is_none());
    }
}
