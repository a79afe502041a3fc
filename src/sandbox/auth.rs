//! OAuth2 client credentials: `POST /oauth2/token` and the bearer check on `/v1`.
//!
//! Tokens are self-contained (expiry and a nonce, signed with a key derived from the client
//! secret), so they survive a restart of the sandbox like Solaris' tokens would. They expire on
//! the sandbox clock, so a test can advance past their lifetime.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::Sandbox;

type HmacSha256 = Hmac<Sha256>;

fn token_key(sandbox: &Sandbox) -> HmacSha256 {
    let creds = &sandbox.settings.credentials;
    let mut mac = HmacSha256::new_from_slice(creds.client_secret.expose_secret().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"sandbox-token:");
    mac.update(creds.client_id.as_bytes());
    mac
}

fn issue(sandbox: &Sandbox, expires_at_ms: i64) -> String {
    let nonce: u64 = rand::random();
    let payload = format!("{expires_at_ms}.{nonce:016x}");
    let mut mac = token_key(sandbox);
    mac.update(payload.as_bytes());
    let sig = hex::encode(mac.finalize().into_bytes());
    format!("{}.{sig}", URL_SAFE_NO_PAD.encode(payload))
}

/// The expiry of a token the sandbox issued, or `None` for anything else.
fn verify(sandbox: &Sandbox, token: &str) -> Option<i64> {
    let (payload_b64, sig) = token.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload_b64).ok()?;
    let mut mac = token_key(sandbox);
    mac.update(&payload);
    mac.verify_slice(&hex::decode(sig).ok()?).ok()?;
    let payload = String::from_utf8(payload).ok()?;
    payload.split_once('.')?.0.parse().ok()
}

fn unauthorized(code: &str, detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, "Unauthorized", detail)
}

fn credentials_match(sandbox: &Sandbox, id: &str, secret: &str) -> bool {
    let creds = &sandbox.settings.credentials;
    let id_ok = id.as_bytes().ct_eq(creds.client_id.as_bytes());
    let secret_ok = secret
        .as_bytes()
        .ct_eq(creds.client_secret.expose_secret().as_bytes());
    bool::from(id_ok & secret_ok)
}

/// The `user:password` of a Basic `Authorization` header.
fn basic_credentials(req: &Request) -> Option<(String, String)> {
    let decoded = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())?;
    decoded
        .split_once(':')
        .map(|(id, secret)| (id.to_string(), secret.to_string()))
}

/// The control endpoints (`/_sandbox/...`: clock, faults, log, person erasure) of a sandbox
/// that serves beyond loopback (`SANDBOX=on`) answer only the sandbox's client credentials as
/// Basic auth; refusals are logged.
pub(crate) async fn require_control_credentials(
    State(sandbox): State<Sandbox>,
    req: Request,
    next: Next,
) -> Response {
    let allowed = !sandbox.settings.exposed
        || basic_credentials(&req)
            .is_some_and(|(id, secret)| credentials_match(&sandbox, &id, &secret));
    if allowed {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "sandbox control endpoint without credentials refused");
    let mut res = unauthorized(
        "invalid_client",
        "The sandbox's control endpoints need its client credentials as Basic auth.",
    )
    .into_response();
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Basic realm=\"sandbox control\""),
    );
    res
}

/// The fields of the token request's form that the sandbox reads.
struct TokenForm {
    grant_type: Option<String>,
    scope: Option<String>,
}

/// `POST /oauth2/token` with Basic auth and `grant_type=client_credentials&scope=partners`.
pub async fn token(State(sandbox): State<Sandbox>, req: Request) -> Response {
    let basic = basic_credentials(&req);
    let form_encoded = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let Some((id, secret)) = basic else {
        return unauthorized(
            "invalid_client",
            "Client credentials are required as Basic auth.",
        )
        .into_response();
    };
    if !credentials_match(&sandbox, &id, &secret) {
        return unauthorized("invalid_client", "The client credentials are wrong.").into_response();
    }
    if !form_encoded {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Invalid Request",
            "The body must be application/x-www-form-urlencoded.",
        )
        .into_response();
    }
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), 16 * 1024).await else {
        return ApiError::invalid_json("The body could not be read.").into_response();
    };
    let form: TokenForm = parse_token_form(&bytes);
    if form.grant_type.as_deref() != Some("client_credentials") {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported Grant Type",
            "grant_type must be client_credentials.",
        )
        .into_response();
    }
    if form.scope.as_deref() != Some("partners") {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "Invalid Scope",
            "scope must be partners.",
        )
        .into_response();
    }
    let ttl = sandbox.settings.token_ttl_seconds;
    let token = issue(&sandbox, sandbox.clock.now_ms() + ttl * 1000);
    Json(serde_json::json!({
        "access_token": token,
        "expires_in": ttl,
        "scope": "partners",
        "token_type": "bearer",
    }))
    .into_response()
}

fn parse_token_form(bytes: &[u8]) -> TokenForm {
    let mut form = TokenForm {
        grant_type: None,
        scope: None,
    };
    for (k, v) in url::form_urlencoded::parse(bytes) {
        match k.as_ref() {
            "grant_type" => form.grant_type = Some(v.into_owned()),
            "scope" => form.scope = Some(v.into_owned()),
            _ => {}
        }
    }
    form
}

/// Middleware on `/v1`: a valid, unexpired bearer token or 401.
pub(crate) async fn require_bearer(
    State(sandbox): State<Sandbox>,
    req: Request,
    next: Next,
) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(header) = header else {
        return unauthorized("token_required", "An access token is required.").into_response();
    };
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "));
    match token.and_then(|t| verify(&sandbox, t.trim())) {
        Some(expires_at) if expires_at > sandbox.clock.now_ms() => next.run(req).await,
        Some(_) => unauthorized("invalid_token", "The access token has expired.").into_response(),
        None => unauthorized("invalid_token", "The access token is invalid.").into_response(),
    }
}
