//! The access token, shared by every call and refreshed by one request at a time.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::SolarisError;

struct Cached {
    token: String,
    /// When the client stops using it: shortly before Solaris' expiry.
    use_until: Instant,
}

#[derive(Default)]
pub(crate) struct TokenCache {
    inner: Mutex<Option<Cached>>,
}

/// Tokens are renewed this long before they expire (at most a tenth of their lifetime).
const MARGIN: Duration = Duration::from_secs(60);

impl TokenCache {
    /// The cached token if it is still good and not `stale`; otherwise the result of `fetch`,
    /// which runs once while other callers wait for it.
    pub(crate) async fn get_or_fetch<F, Fut>(
        &self,
        stale: Option<&str>,
        fetch: F,
    ) -> Result<String, SolarisError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(String, Duration), SolarisError>>,
    {
        let mut guard = self.inner.lock().await;
        if let Some(cached) = guard.as_ref() {
            let refused = stale == Some(cached.token.as_str());
            if !refused && Instant::now() < cached.use_until {
                return Ok(cached.token.clone());
            }
        }
        let (token, lifetime) = fetch().await?;
        let margin = MARGIN.min(lifetime / 10);
        *guard = Some(Cached {
            token: token.clone(),
            use_until: Instant::now() + lifetime - margin,
        });
        Ok(token)
    }
}
