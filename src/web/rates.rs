//! Per-client limits on what costs the bank something: starting applications (each may lead to
//! a Solaris person) and posting journey forms. A client is its address; `X-Forwarded-For` is
//! believed only from `TRUSTED_PROXIES`. The limits are rates, so a client's abandoned
//! applications stop counting as time passes. A refusal is a page in the customer's language
//! with `Retry-After`.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use leptos::prelude::*;

use super::render;
use crate::config::RateSettings;
use crate::i18n::Lang;

/// The limiters, shared by every request of an instance.
#[derive(Clone)]
pub struct RateLimits {
    starts: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    posts: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    trusted: Arc<Vec<ipnet::IpNet>>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("trusted", &self.trusted)
            .finish_non_exhaustive()
    }
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl RateLimits {
    pub fn new(settings: &RateSettings) -> RateLimits {
        RateLimits {
            starts: Arc::new(RateLimiter::keyed(Quota::per_hour(at_least_one(
                settings.starts_per_hour,
            )))),
            posts: Arc::new(RateLimiter::keyed(Quota::per_minute(at_least_one(
                settings.posts_per_minute,
            )))),
            trusted: Arc::new(settings.trusted_proxies.clone()),
        }
    }

    /// The client's address: the connection's, or, when that is a trusted proxy, the last
    /// address in `X-Forwarded-For` that is not a trusted proxy itself.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let trusted = |ip: &IpAddr| self.trusted.iter().any(|net| net.contains(ip));
        if !trusted(&peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        forwarded
            .iter()
            .rev()
            .find(|ip| !trusted(ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer)
    }

    /// Forgets clients whose limits are full again, so the memory stays bounded.
    pub(crate) fn forget_idle(&self) {
        for limiter in [&self.starts, &self.posts] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Forgets idle clients every minute (runs under the supervisor).
pub(crate) async fn forget_idle_forever(limits: RateLimits) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        limits.forget_idle();
    }
}

/// Which limit a POST counts against.
#[derive(Clone, Copy, Debug)]
pub enum Limit {
    /// Starting an application (each may lead to a Solaris person).
    Start,
    /// Any other journey form.
    Post,
}

impl RateLimits {
    /// Counts a POST of the client at `peer` (with the request's `headers`) against `limit`;
    /// over it, the 429 page to answer instead.
    pub fn check(
        &self,
        limit: Limit,
        peer: Option<&ConnectInfo<SocketAddr>>,
        headers: &HeaderMap,
        lang: Lang,
        path: &str,
    ) -> Option<Response> {
        let peer = peer
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let client = self.client(peer, headers);
        let limiter = match limit {
            Limit::Start => &self.starts,
            Limit::Post => &self.posts,
        };
        let not_until = limiter.check_key(&client).err()?;
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        tracing::warn!(
            path,
            retry_after_s = wait.as_secs(),
            "client over its limit refused"
        );
        Some(too_many(lang, path, wait))
    }
}

/// The friendly 429 page: what happened, when to try again.
fn too_many(lang: Lang, path: &str, wait: Duration) -> Response {
    let t = lang.t();
    // Whole seconds, rounded up, at least one.
    let seconds = (wait.as_millis().div_ceil(1000) as u64).max(1);
    let minutes = seconds.div_ceil(60);
    let text = t.too_many_text.replace("{minutes}", &minutes.to_string());
    let mut res = render::page(
        lang,
        path,
        t.too_many_title,
        StatusCode::TOO_MANY_REQUESTS,
        None,
        view! {
            <h1>{t.too_many_title}</h1>
            <p role="alert">{text}</p>
            <p><a href="/">{t.back_home}</a></p>
        },
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(trusted: &[&str]) -> RateLimits {
        RateLimits::new(&RateSettings {
            starts_per_hour: 1,
            posts_per_minute: 1,
            trusted_proxies: trusted.iter().map(|t| t.parse().unwrap()).collect(),
        })
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", value.parse().unwrap());
        h
    }

    #[test]
    fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        // Untrusted: the header is whatever the sender wants it to be.
        assert_eq!(limits(&[]).client(proxy, &forwarded("198.51.100.1")), proxy);
        // Trusted: the last hop that is not one of ours, not a forged first entry.
        let l = limits(&["10.0.0.0/8"]);
        assert_eq!(
            l.client(proxy, &forwarded("198.51.100.1, 203.0.113.7, 10.0.0.9")),
            client
        );
        assert_eq!(l.client(proxy, &HeaderMap::new()), proxy);
    }
}
