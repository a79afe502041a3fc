//! The span of each HTTP request, as the request log carries it: the method, the path (never
//! the query, nor a link's token, and cut when long) and the request id.

use axum::http::Request;
use tower_http::request_id::RequestId;
use tracing::Span;

/// The longest path a log line carries; a longer one is cut (a 20 KB path is an attack, and a
/// log line per such request must stay small).
const LOGGED_PATH_CHARS: usize = 200;

/// `path` as logged: at most [`LOGGED_PATH_CHARS`] characters, marked when cut.
pub(crate) fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.char_indices().nth(LOGGED_PATH_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &path[..cut], path.len()).into(),
        None => path.into(),
    }
}

/// The span of one HTTP request: method, path (never the query nor a link's token, cut when
/// long) and the request id.
pub(crate) fn request_span<B>(req: &Request<B>) -> Span {
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
