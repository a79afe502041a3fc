//! Errors in Solaris' shape: `{"errors":[{id, status, code, title, detail, source?}]}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ids;

#[derive(Debug, Clone, Serialize)]
pub struct ErrorSource {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorEntry {
    pub id: String,
    pub status: u16,
    pub code: String,
    pub title: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
}

/// One failed Solaris call: a status and at least one entry.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<ErrorEntry>,
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            errors: vec![ErrorEntry {
                id: ids::error_id(),
                status: status.as_u16(),
                code: code.into(),
                title: title.into(),
                detail: detail.into(),
                source: None,
            }],
        }
    }

    /// A 400 `invalid_model` for several fields at once, as Solaris reports validation.
    pub fn invalid_model(fields: Vec<(String, String)>) -> Self {
        let errors = fields
            .into_iter()
            .map(|(field, message)| ErrorEntry {
                id: ids::error_id(),
                status: 400,
                code: "invalid_model".into(),
                title: "Invalid Model".into(),
                detail: format!("{field} {message}"),
                source: Some(ErrorSource { field, message }),
            })
            .collect();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            errors,
        }
    }

    pub fn not_found(model: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "model_not_found",
            "Model Not Found",
            format!("Couldn't find 'Solaris::{model}' for id '{id}'."),
        )
    }

    pub fn invalid_json(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "Invalid JSON",
            detail,
        )
    }

    pub(crate) fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            "Internal Server Error",
            "The sandbox could not complete the request.",
        )
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "sandbox database error");
        ApiError::internal()
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        tracing::error!(error = %e, "sandbox stored JSON is unreadable");
        ApiError::internal()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(serde_json::json!({ "errors": self.errors })),
        )
            .into_response()
    }
}

/// Parses a JSON request body into a JSON object, with Solaris' errors for anything else.
pub(crate) fn parse_object(body: &[u8]) -> ApiResult<serde_json::Map<String, serde_json::Value>> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "type_error",
            "Type Error",
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::invalid_json(format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}
