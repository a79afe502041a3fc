//! The Solaris client: the only way the app talks to Solaris (or to the sandbox standing in
//! for it). OAuth2 client credentials with a shared token, typed calls, a timeout on every
//! call, retries only where a retry is safe, and a span and a counter per call.
//!
//! Creating a person or an identification is never retried blindly: after an ambiguous
//! failure the caller (the work queue) looks for what the first attempt may have created
//! before creating again; see the work queue (`work`).

pub mod error;
mod identifications;
mod persons;
mod subscriptions;
mod token;
pub mod types;

use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::Rng;
use reqwest::Method;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;
use url::Url;

use crate::config::Credentials;
pub use error::SolarisError;

/// Timeouts and the retry budget of safe calls.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// One HTTP exchange, from sending to the last byte of the answer.
    pub timeout: Duration,
    /// Total time a safe call may spend on retries before giving up.
    pub retry_budget: Duration,
    /// First backoff delay; doubled per retry, jittered, capped at `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(10),
            retry_budget: Duration::from_secs(20),
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(3),
        }
    }
}

/// Whether a call may be sent again after a failure whose outcome is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Safety {
    /// Reads and `request` on an identification: repeating them changes nothing.
    Safe,
    /// Creations: a repeat could create a second person or identification.
    Unsafe,
    /// Reads the caller can do without (an aid to the customer): asked once, so nobody waits
    /// through the retries.
    Once,
}

/// A 2xx answer: its status, the `total` header of a paginated list, and the body.
#[derive(Debug)]
struct Answer {
    status: u16,
    total: Option<u64>,
    body: Bytes,
}

/// One page of a paginated list, with the `total` count Solaris gives in a header.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
}

/// The client; cheap to share behind an `Arc`.
pub struct SolarisClient {
    http: reqwest::Client,
    api_url: Url,
    token_url: Url,
    credentials: Credentials,
    tokens: token::TokenCache,
    options: ClientOptions,
}

impl std::fmt::Debug for SolarisClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials and tokens never reach a log.
        f.debug_struct("SolarisClient")
            .field("api_url", &self.api_url.as_str())
            .finish_non_exhaustive()
    }
}

/// `base` (which may have a path, like `/sandbox`) with `path_and_query` appended.
fn join(base: &Url, path_and_query: &str) -> Url {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let mut url = base.clone();
    url.set_path(&format!("{}{path}", base.path().trim_end_matches('/')));
    url.set_query(query);
    url
}

impl SolarisClient {
    /// `api_url` is the root of `/v1`, `auth_url` the root of `/oauth2/token`.
    pub fn new(
        api_url: Url,
        auth_url: Url,
        credentials: Credentials,
        options: ClientOptions,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(Duration::from_secs(5).min(options.timeout))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(SolarisClient {
            http,
            token_url: join(&auth_url, "/oauth2/token"),
            api_url,
            credentials,
            tokens: token::TokenCache::default(),
            options,
        })
    }

    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .options
            .base_delay
            .saturating_mul(1u32 << retry.min(10));
        let capped = exp.min(self.options.max_delay);
        // Full jitter between half and all of the delay keeps many clients from moving in step.
        let millis = capped.as_millis() as u64;
        Duration::from_millis(rand::thread_rng().gen_range(millis / 2..=millis.max(1)))
    }

    /// A valid access token: the cached one, or one fetched by a single request however many
    /// calls wait for it. `stale` is a token Solaris refused; it is never handed out again.
    async fn token(&self, stale: Option<&str>) -> Result<String, SolarisError> {
        self.tokens.get_or_fetch(stale, || self.fetch_token()).await
    }

    async fn fetch_token(&self) -> Result<(String, Duration), SolarisError> {
        #[derive(serde::Deserialize)]
        struct TokenAnswer {
            access_token: String,
            expires_in: u64,
        }
        let started = Instant::now();
        let mut retry = 0;
        loop {
            let span = tracing::info_span!(
                "solaris_call",
                endpoint = "oauth2.token",
                status = tracing::field::Empty
            );
            let request = self
                .http
                .post(self.token_url.clone())
                .basic_auth(
                    &self.credentials.client_id,
                    Some(self.credentials.client_secret.expose_secret()),
                )
                .form(&[("grant_type", "client_credentials"), ("scope", "partners")]);
            let outcome = self
                .exchange("oauth2.token", request, started)
                .instrument(span)
                .await;
            match outcome {
                Ok(Answer { body, .. }) => {
                    let answer: TokenAnswer =
                        serde_json::from_slice(&body).map_err(|e| SolarisError::Decode {
                            message: format!("token answer: {e}"),
                        })?;
                    return Ok((answer.access_token, Duration::from_secs(answer.expires_in)));
                }
                Err(e) if e.is_retryable() && started.elapsed() < self.options.retry_budget => {
                    tokio::time::sleep(self.backoff(retry)).await;
                    retry += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends, reads and records one HTTP exchange.
    async fn exchange(
        &self,
        endpoint: &'static str,
        request: reqwest::RequestBuilder,
        started: Instant,
    ) -> Result<Answer, SolarisError> {
        let outcome = self.read(request.send().await).await;
        self.record(endpoint, &outcome, started);
        outcome
    }

    /// Reads an answer: 2xx gives the body, anything else a [`SolarisError`].
    async fn read(
        &self,
        result: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<Answer, SolarisError> {
        let res = result.map_err(|e| SolarisError::Transport {
            sent: !e.is_connect(),
            message: e.to_string(),
        })?;
        let status = res.status().as_u16();
        let total = res
            .headers()
            .get("total")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let body = res.bytes().await.map_err(|e| SolarisError::Transport {
            sent: true,
            message: e.to_string(),
        })?;
        if (200..300).contains(&status) {
            Ok(Answer {
                status,
                total,
                body,
            })
        } else {
            Err(SolarisError::Api {
                status,
                errors: error::ApiErrorEntry::parse_body(&body),
            })
        }
    }

    fn record(
        &self,
        endpoint: &'static str,
        outcome: &Result<Answer, SolarisError>,
        started: Instant,
    ) {
        let (label, status) = match outcome {
            Ok(answer) => ("ok", answer.status),
            Err(SolarisError::Api { status, .. }) if *status >= 500 || *status == 429 => {
                ("unavailable", *status)
            }
            Err(SolarisError::Api { status, .. }) => ("refused", *status),
            Err(SolarisError::Transport { .. }) => ("no_answer", 0),
            Err(SolarisError::Decode { .. }) => ("unreadable", 0),
        };
        crate::monitoring::solaris_call(endpoint, label, started.elapsed().as_secs_f64());
        tracing::Span::current().record("status", status);
        tracing::info!(
            endpoint,
            status,
            outcome = label,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "solaris call"
        );
    }

    /// One API call with the token, its refresh on `invalid_token`, and retries if safe.
    async fn call(
        &self,
        endpoint: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        safety: Safety,
    ) -> Result<Answer, SolarisError> {
        let url = join(&self.api_url, path);
        let started = Instant::now();
        let mut retry = 0;
        let mut refreshed = false;
        let mut stale: Option<String> = None;
        loop {
            let token = self.token(stale.as_deref()).await?;
            let span =
                tracing::info_span!("solaris_call", endpoint, status = tracing::field::Empty);
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(&token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let outcome = self.exchange(endpoint, req, started).instrument(span).await;
            match outcome {
                Ok(answer) => return Ok(answer),
                // An expired or revoked token: fetch a new one, once, and send again. The
                // request was refused, so even a creation is safe to repeat.
                Err(e) if e.status() == Some(401) && !refreshed => {
                    refreshed = true;
                    stale = Some(token);
                }
                Err(e)
                    if safety == Safety::Safe
                        && e.is_retryable()
                        && started.elapsed() + self.backoff(retry) < self.options.retry_budget =>
                {
                    tokio::time::sleep(self.backoff(retry)).await;
                    retry += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn json<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        method: Method,
        path: &str,
        body: Option<Value>,
        safety: Safety,
    ) -> Result<T, SolarisError> {
        let answer = self
            .call(endpoint, method, path, body.as_ref(), safety)
            .await?;
        Self::decode(endpoint, &answer.body)
    }

    fn decode<T: DeserializeOwned>(endpoint: &'static str, body: &[u8]) -> Result<T, SolarisError> {
        serde_json::from_slice(body).map_err(|e| {
            tracing::warn!(endpoint, error = %e, "an answer of Solaris does not match its documented shape");
            SolarisError::Decode {
                message: format!("{endpoint}: {e}"),
            }
        })
    }

    fn body<T: Serialize>(value: &T) -> Option<Value> {
        serde_json::to_value(value).ok()
    }
}
