//! The one error of the Solaris client: what Solaris said, or why it could not say anything.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// `status` arrives as a number in most answers and as a string in some schemas.
fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        N(u16),
        S(String),
    }
    Ok(match Option::<Either>::deserialize(d)? {
        Some(Either::N(n)) => Some(n),
        Some(Either::S(s)) => s.trim().parse().ok(),
        None => None,
    })
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct ErrorSource {
    pub field: Option<String>,
    pub message: Option<String>,
}

/// One entry of Solaris' `errors` array.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct ApiErrorEntry {
    pub id: Option<String>,
    #[serde(default, deserialize_with = "number_or_string")]
    pub status: Option<u16>,
    pub code: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
    pub source: Option<ErrorSource>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ApiErrorEntry>,
}

impl ApiErrorEntry {
    /// Parses an error body; an answer that is not Solaris' shape keeps no entries.
    pub(crate) fn parse_body(body: &[u8]) -> Vec<ApiErrorEntry> {
        serde_json::from_slice::<ErrorBody>(body)
            .map(|b| b.errors)
            .unwrap_or_default()
    }
}

#[derive(Debug)]
pub enum SolarisError {
    /// Solaris answered with an error status.
    Api {
        status: u16,
        errors: Vec<ApiErrorEntry>,
    },
    /// No answer: the connection failed, was dropped or timed out. `sent` tells whether the
    /// request may have reached Solaris, which makes the outcome of a create ambiguous.
    Transport { sent: bool, message: String },
    /// An answer that is not what the API documents.
    Decode { message: String },
}

impl SolarisError {
    /// Worth trying again later: no answer, 429 or a 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            SolarisError::Api { status, .. } => *status == 429 || *status >= 500,
            SolarisError::Transport { .. } => true,
            SolarisError::Decode { .. } => false,
        }
    }

    /// Solaris may have done the work although we saw a failure.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            SolarisError::Transport { sent, .. } => *sent,
            SolarisError::Api { status, .. } => *status >= 500,
            SolarisError::Decode { .. } => true,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            SolarisError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The first error code, such as `invalid_token` or `model_not_found`.
    pub fn code(&self) -> Option<&str> {
        match self {
            SolarisError::Api { errors, .. } => errors.iter().find_map(|e| e.code.as_deref()),
            _ => None,
        }
    }

    /// Validation errors by field (`source.field`), for showing next to the right input.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        match self {
            SolarisError::Api { errors, .. } => errors
                .iter()
                .filter_map(|e| {
                    let field = e.source.as_ref()?.field.clone()?;
                    let message = e
                        .source
                        .as_ref()
                        .and_then(|s| s.message.clone())
                        .or_else(|| e.detail.clone())
                        .unwrap_or_default();
                    Some((field, message))
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for SolarisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolarisError::Api { status, errors } => {
                write!(f, "Solaris answered {status}")?;
                // Codes only: details may repeat what the customer typed.
                let codes: Vec<&str> = errors.iter().filter_map(|e| e.code.as_deref()).collect();
                if !codes.is_empty() {
                    write!(f, " ({})", codes.join(", "))?;
                }
                Ok(())
            }
            SolarisError::Transport { sent, message } => {
                write!(
                    f,
                    "no answer from Solaris (request sent: {sent}): {message}"
                )
            }
            SolarisError::Decode { message } => {
                write!(f, "unexpected answer from Solaris: {message}")
            }
        }
    }
}

impl std::error::Error for SolarisError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_may_be_a_number_or_a_string() {
        let body = br#"{"errors":[{"id":"1ex","status":"400","code":"invalid_model","title":"Invalid Model","detail":"last_name is too long","source":{"field":"last_name","message":"is too long"}},{"status":403,"code":"unauthorized_action"}]}"#;
        let errors = ApiErrorEntry::parse_body(body);
        assert_eq!(errors[0].status, Some(400));
        assert_eq!(errors[1].status, Some(403));
        let e = SolarisError::Api {
            status: 400,
            errors,
        };
        assert_eq!(
            e.field_errors(),
            [("last_name".to_string(), "is too long".to_string())]
        );
        assert_eq!(e.code(), Some("invalid_model"));
        assert!(!e.is_retryable());
    }

    #[test]
    fn an_answer_that_is_not_solaris_shape_keeps_no_entries() {
        assert!(ApiErrorEntry::parse_body(b"Unauthorized").is_empty());
    }
}
