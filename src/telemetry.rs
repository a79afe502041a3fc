//! Logs with `tracing`: readable lines for development, JSON for production.
//!
//! Spans carry ids (request id, person id, identification id), never personal data: request
//! spans record the path without its query string, and no handler logs a form's values.

use axum::http::Request;
use tower_http::request_id::RequestId;
use tracing::Span;
use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

/// Installs the global subscriber; `RUST_LOG` filters (default `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// The longest path a log line carries; a longer one is cut (a 20 KB path is an attack, and a
/// log line per such request must stay small).
const LOGGED_PATH_CHARS: usize = 200;

/// `path` as logged: at most [`LOGGED_PATH_CHARS`] characters, marked when cut.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.char_indices().nth(LOGGED_PATH_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &path[..cut], path.len()).into(),
        None => path.into(),
    }
}

/// The span of one HTTP request: method, path (never the query nor a link's token, cut when
/// long) and the request id.
pub fn request_span<B>(req: &Request<B>) -> Span {
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %loggable_path(crate::mail::links::without_token(req.uri().path())),
        request_id = %request_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_are_cut_in_log_lines() {
        assert_eq!(loggable_path("/terms"), "/terms");
        let long = format!("/{}", "ä".repeat(10_000));
        let logged = loggable_path(&long);
        assert!(logged.chars().count() < LOGGED_PATH_CHARS + 20, "{logged}");
        assert!(logged.ends_with("(20001 bytes)"));
    }
}
