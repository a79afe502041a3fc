//! Fault injection: latency, error answers and dropped connections per route, and the
//! misbehaviour of webhook deliveries. Set by `SANDBOX_FAULTS` or `PUT /_sandbox/faults`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;

use super::error::ApiError;

pub use crate::config::sandbox::{DropWhen, FaultConfig, RouteFault, WebhookFaults};

fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pattern = pattern.trim_end_matches('/').split('/');
    let mut path = path.trim_end_matches('/').split('/');
    loop {
        match (pattern.next(), path.next()) {
            (Some("**"), _) => return true,
            (Some(p), Some(s)) if p == "*" || p == s => continue,
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// What the route middleware must do with one request.
#[derive(Debug, Default, PartialEq)]
pub struct Decision {
    pub latency: Duration,
    pub status: Option<StatusCode>,
    pub drop: Option<DropWhen>,
}

/// The fault rules in force, shared by the middleware and the control endpoints.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    inner: Arc<Mutex<FaultConfig>>,
    chance: super::chance::Chance,
}

impl Faults {
    pub fn new(config: FaultConfig, chance: super::chance::Chance) -> Self {
        Faults {
            inner: Arc::new(Mutex::new(config)),
            chance,
        }
    }

    pub fn get(&self) -> FaultConfig {
        self.inner.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn set(&self, config: FaultConfig) {
        if let Ok(mut c) = self.inner.lock() {
            *c = config;
        }
    }

    pub fn webhooks(&self) -> WebhookFaults {
        self.get().webhooks
    }

    /// Picks the first rule that matches and hits, and spends one of its `times`.
    pub fn decide(&self, method: &str, path: &str) -> Decision {
        let Ok(mut config) = self.inner.lock() else {
            return Decision::default();
        };
        for rule in config.routes.iter_mut() {
            let method_ok = rule
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method));
            if !method_ok || !path_matches(&rule.path, path) || rule.times == Some(0) {
                continue;
            }
            if rule.rate < 1.0 && !self.chance.draw(|rng| rng.gen_bool(rule.rate)) {
                continue;
            }
            if let Some(t) = rule.times.as_mut() {
                *t -= 1;
            }
            return Decision {
                latency: Duration::from_millis(rule.latency_ms),
                status: rule.status.and_then(|s| StatusCode::from_u16(s).ok()),
                drop: rule.drop,
            };
        }
        Decision::default()
    }
}

/// A response whose body fails at once: hyper then closes the connection without a complete
/// answer, which a client sees as a dropped connection.
fn dropped_connection() -> Response {
    let stream = futures::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox fault: connection dropped",
        ))
    });
    let mut res = Response::new(Body::from_stream(stream));
    res.extensions_mut().insert(Dropped);
    res
}

/// Marks a response whose connection the fault layer dropped, for the request log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dropped;

/// Middleware on the Solaris routes applying the fault rules.
pub async fn layer(State(faults): State<Faults>, req: Request, next: Next) -> Response {
    let decision = faults.decide(req.method().as_str(), req.uri().path());
    if decision == Decision::default() {
        return next.run(req).await;
    }
    tracing::info!(path = %req.uri().path(), ?decision, "sandbox fault injected");
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    match (decision.drop, decision.status) {
        (Some(DropWhen::Before), _) => dropped_connection(),
        (Some(DropWhen::After), _) => {
            let _served = next.run(req).await;
            dropped_connection()
        }
        (None, Some(status)) => {
            let mut res = ApiError::new(
                status,
                if status == StatusCode::TOO_MANY_REQUESTS {
                    "too_many_requests"
                } else {
                    "service_unavailable"
                },
                status.canonical_reason().unwrap_or("Error"),
                "Injected by the sandbox's fault rules.",
            )
            .into_response();
            if status == StatusCode::TOO_MANY_REQUESTS {
                res.headers_mut()
                    .insert("retry-after", HeaderValue::from_static("1"));
            }
            res
        }
        (None, None) => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_matches_one_segment_and_a_double_star_the_rest() {
        assert!(path_matches("/v1/persons/*", "/v1/persons/abccper"));
        assert!(!path_matches("/v1/persons/*", "/v1/persons"));
        assert!(!path_matches(
            "/v1/persons/*",
            "/v1/persons/a/identifications"
        ));
        assert!(path_matches("/v1/**", "/v1/persons/a/identifications"));
        assert!(path_matches("/oauth2/token", "/oauth2/token"));
    }

    #[test]
    fn a_rule_with_times_is_spent_after_that_many_hits() {
        let faults = Faults::new(
            FaultConfig::parse(r#"{"routes":[{"path":"/v1/**","status":503,"times":2}]}"#).unwrap(),
            super::super::chance::Chance::new(Some(1)),
        );
        assert!(faults.decide("GET", "/v1/persons/x").status.is_some());
        assert!(faults.decide("POST", "/v1/persons").status.is_some());
        assert_eq!(faults.decide("GET", "/v1/persons/x"), Decision::default());
    }

    #[test]
    fn rates_outside_zero_to_one_are_refused() {
        assert!(FaultConfig::parse(r#"{"webhooks":{"drop_rate":2}}"#).is_err());
        assert!(FaultConfig::parse(r#"{"routes":[{"path":"v1","status":503}]}"#).is_err());
    }
}
