//! Per-client limits on what costs the bank something: starting applications (each may lead to
//! a Solaris person) and posting journey forms. A client is its address; `X-Forwarded-For` is
//! believed only from `TRUSTED_PROXIES`. The limits are rates, so a client's abandoned
//! applications stop counting as time passes. A refusal is a page in the customer's language
//! with `Retry-After`. On PostgreSQL every instance counts in the database (`db::rates`), so
//! N instances allow a client the limit once, not N times; SQLite (one instance) counts in
//! memory.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use governor::clock::Clock as _;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use leptos::prelude::*;

use secrecy::SecretString;

use super::render;
use crate::config::RateSettings;
use crate::db::rates::Rate;
use crate::db::{Backend, Db};
use crate::i18n::Lang;

/// The app's clock as governor reads it: a limit's window passes on the app's clock, so a
/// test (or the sandbox) that moves the clock moves the windows too.
#[derive(Clone, Debug)]
struct WindowClock(crate::clock::Clock);

impl governor::clock::Clock for WindowClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        Nanos::from(
            u64::try_from(self.0.now_ms())
                .unwrap_or(0)
                .saturating_mul(1_000_000),
        )
    }
}

type Limiter =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, WindowClock, NoOpMiddleware<Nanos>>;

/// The limiters, shared by every request of an instance (and on PostgreSQL by every instance).
#[derive(Clone)]
pub struct RateLimits {
    counters: Counters,
    starts: Rate,
    posts: Rate,
    clock: WindowClock,
    trusted: Arc<Vec<ipnet::IpNet>>,
}

/// Where the counts are kept.
#[derive(Clone)]
enum Counters {
    Memory {
        starts: Arc<Limiter>,
        posts: Arc<Limiter>,
    },
    /// In the database, each client as a keyed hash of its address (the key is `LINK_SECRET`,
    /// the same on every instance).
    Shared { db: Db, key: Arc<SecretString> },
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
    /// The limits of `settings` for the instances on `db`: counted in the database on
    /// PostgreSQL, in memory on SQLite.
    pub fn new(settings: &RateSettings, db: &Db, key: &SecretString) -> RateLimits {
        let mut limits = RateLimits::in_memory(settings, db.clock.clone());
        if db.backend == Backend::Postgres {
            limits.counters = Counters::Shared {
                db: db.clone(),
                key: Arc::new(key.clone()),
            };
        }
        limits
    }

    /// The limits of `settings`, counted in this process's memory on `clock`.
    pub fn in_memory(settings: &RateSettings, clock: crate::clock::Clock) -> RateLimits {
        let clock = WindowClock(clock);
        let limiter = |quota: Quota| {
            Arc::new(RateLimiter::new(
                quota,
                DefaultKeyedStateStore::default(),
                clock.clone(),
            ))
        };
        RateLimits {
            counters: Counters::Memory {
                starts: limiter(Quota::per_hour(at_least_one(settings.starts_per_hour))),
                posts: limiter(Quota::per_minute(at_least_one(settings.posts_per_minute))),
            },
            starts: Rate {
                per_period: settings.starts_per_hour.max(1),
                period_ms: 3_600_000,
            },
            posts: Rate {
                per_period: settings.posts_per_minute.max(1),
                period_ms: 60_000,
            },
            clock: clock.clone(),
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

    /// Forgets clients whose limits are full again, so the memory (or the table) stays bounded.
    pub(crate) async fn forget_idle(&self) {
        match &self.counters {
            Counters::Memory { starts, posts } => {
                for limiter in [starts, posts] {
                    limiter.retain_recent();
                    limiter.shrink_to_fit();
                }
            }
            Counters::Shared { db, .. } => {
                if let Err(e) = crate::db::rates::forget_full(db).await {
                    tracing::warn!(error = %e, "forgetting full rate limits");
                }
            }
        }
    }

    /// How long `client` must wait before its next request of `limit`, or `None` when this one
    /// is within it (and counted).
    async fn over(&self, limit: Limit, client: IpAddr) -> Option<Duration> {
        match &self.counters {
            Counters::Memory { starts, posts } => {
                let limiter = match limit {
                    Limit::Start => starts,
                    Limit::Post => posts,
                };
                let not_until = limiter.check_key(&client).err()?;
                Some(not_until.wait_time_from(self.clock.now()))
            }
            Counters::Shared { db, key } => {
                let (kind, rate) = match limit {
                    Limit::Start => ("start", self.starts),
                    Limit::Post => ("post", self.posts),
                };
                let hashed = keyed(key, client);
                match crate::db::rates::take(db, kind, &hashed, rate, db.now_ms()).await {
                    Ok(wait) => wait.map(|ms| Duration::from_millis(ms.unsigned_abs())),
                    Err(e) => {
                        // A limit is no reason to turn a customer away while the database
                        // hiccups; the request itself will say whether storage answers.
                        tracing::error!(error = %e, code = "rate_limit_unavailable", "counting a request against its limit");
                        None
                    }
                }
            }
        }
    }
}

/// A client as the shared table names it: a keyed hash of its address, so the table holds no
/// address (and a stolen copy reveals none without the key).
fn keyed(key: &SecretString, client: IpAddr) -> String {
    use hmac::{Hmac, Mac};
    use secrecy::ExposeSecret;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.expose_secret().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(client.to_string().as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Forgets idle clients every minute (runs under the supervisor).
pub(crate) async fn forget_idle_forever(limits: RateLimits) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        limits.forget_idle().await;
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
    pub async fn check(
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
        let wait = self.over(limit, client).await?;
        tracing::warn!(
            path,
            retry_after_s = wait.as_secs(),
            "client over its limit refused"
        );
        Some(too_many(lang, wait))
    }
}

/// The friendly 429 page: what happened, when to try again.
fn too_many(lang: Lang, wait: Duration) -> Response {
    let t = lang.t();
    // Whole seconds, rounded up, at least one.
    let seconds = (wait.as_millis().div_ceil(1000) as u64).max(1);
    let minutes = seconds.div_ceil(60);
    let minutes = match minutes {
        1 => t.one_minute.to_string(),
        n => t.n_minutes.replace("{n}", &n.to_string()),
    };
    let text = t.too_many_text.replace("{minutes}", &minutes);
    // The refused request was a form's POST: the language link leads to a page, not to it.
    let mut res = render::page(
        lang,
        "/",
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
        limits_on(trusted, crate::clock::Clock::system())
    }

    fn limits_on(trusted: &[&str], clock: crate::clock::Clock) -> RateLimits {
        RateLimits::in_memory(
            &RateSettings {
                starts_per_hour: 1,
                posts_per_minute: 1,
                trusted_proxies: trusted.iter().map(|t| t.parse().unwrap()).collect(),
            },
            clock,
        )
    }

    #[tokio::test]
    async fn a_limit_fills_again_as_the_apps_clock_passes_its_window() {
        let clock = crate::clock::Clock::manual(1_000_000);
        let l = limits_on(&[], clock.clone());
        let peer = ConnectInfo(SocketAddr::from(([203, 0, 113, 7], 40000)));
        let none = HeaderMap::new();
        let start = || l.check(Limit::Start, Some(&peer), &none, Lang::En, "/start");
        assert!(start().await.is_none(), "the first start of the hour");
        let refused = start()
            .await
            .expect("the second start in the hour is refused");
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "3600");
        clock.advance(Duration::from_secs(3599));
        assert!(start().await.is_some(), "a second before the hour is over");
        clock.advance(Duration::from_secs(1));
        assert!(start().await.is_none(), "an hour later");
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
