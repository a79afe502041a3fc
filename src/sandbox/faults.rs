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
use serde::{Deserialize, Serialize};

use super::error::ApiError;

/// When a dropped connection happens relative to the sandbox doing the work.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DropWhen {
    /// The request is never served.
    Before,
    /// The request is served (the person exists), then the answer is lost.
    After,
}

/// One rule for the Solaris routes. `path` is relative to the sandbox root (`/v1/persons/*`):
/// `*` matches one path segment and a final `**` matches the rest.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RouteFault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    /// Added before the request is served.
    #[serde(default)]
    pub latency_ms: u64,
    /// Answer with this status (for instance 503 or 429) instead of serving the request.
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub drop: Option<DropWhen>,
    /// Share of matching requests the rule hits, from 0 to 1.
    #[serde(default = "one")]
    pub rate: f64,
    /// Hit at most this many requests, then the rule is spent.
    #[serde(default)]
    pub times: Option<u32>,
}

fn one() -> f64 {
    1.0
}

/// Misbehaviour of webhook deliveries; each rate is a share from 0 to 1.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFaults {
    /// Each attempt is sent twice.
    #[serde(default)]
    pub duplicate_rate: f64,
    /// The notification is lost: never sent, never retried.
    #[serde(default)]
    pub drop_rate: f64,
    /// The attempt is signed with a wrong secret.
    #[serde(default)]
    pub bad_signature_rate: f64,
    /// Every notification waits this long (sandbox clock) before its first attempt.
    #[serde(default)]
    pub delay_ms: u64,
    /// Every notification waits a random time up to this long, so they arrive out of order.
    #[serde(default)]
    pub reorder_window_ms: u64,
    /// A new subscription is answered without its `secret`, as one implementation of the API
    /// did: its deliveries cannot be verified.
    #[serde(default)]
    pub omit_secret: bool,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    #[serde(default)]
    pub routes: Vec<RouteFault>,
    #[serde(default)]
    pub webhooks: WebhookFaults,
}

impl FaultConfig {
    pub fn parse(json: &str) -> Result<Self, String> {
        let config: FaultConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    pub fn check(&self) -> Result<(), String> {
        let rates = [
            self.webhooks.duplicate_rate,
            self.webhooks.drop_rate,
            self.webhooks.bad_signature_rate,
        ];
        if rates
            .iter()
            .chain(self.routes.iter().map(|r| &r.rate))
            .any(|r| !(0.0..=1.0).contains(r))
        {
            return Err("rates must be between 0 and 1".into());
        }
        for route in &self.routes {
            if !route.path.starts_with('/') {
                return Err(format!("path {:?} must start with /", route.path));
            }
            if let Some(status) = route.status {
                if StatusCode::from_u16(status).is_err() || status < 400 {
                    return Err(format!("status {status} is not an error status"));
                }
            }
        }
        Ok(())
    }
}

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
}

impl Faults {
    pub fn new(config: FaultConfig) -> Self {
        Faults {
            inner: Arc::new(Mutex::new(config)),
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
        let mut rng = rand::thread_rng();
        for rule in config.routes.iter_mut() {
            let method_ok = rule
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method));
            if !method_ok || !path_matches(&rule.path, path) || rule.times == Some(0) {
                continue;
            }
            if rule.rate < 1.0 && !rng.gen_bool(rule.rate) {
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
pub struct Dropped;

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
