//! What a connection may hold of the server: a slot among `MAX_CONNECTIONS`, at most
//! `MAX_CONNECTIONS_PER_CLIENT` of them for one address, and only while it is used. A
//! connection with no request in flight (nothing sent yet, a half-sent head, an idle
//! keep-alive, an HTTP/2 connection that only answers PINGs) is closed after
//! `HEADER_TIMEOUT_SECONDS`, so its slot comes back. Refusals are counted and logged once an
//! interval, not once each.
//!
//! These deadlines run on the wall's time (tokio's), not the app's clock: they are about
//! sockets, not about the customer's journey.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How often refused connections are reported, as one line with their count.
pub(super) const REFUSALS_REPORTED_EVERY: Duration = Duration::from_secs(10);

/// The slots: all connections, and each client address's share of them.
pub(super) struct Slots {
    open: Arc<Semaphore>,
    max: usize,
    per_client: usize,
    by_client: Arc<Mutex<HashMap<IpAddr, usize>>>,
    /// Addresses that carry many clients' connections (the reverse proxy): no per-client cap.
    shared: Vec<ipnet::IpNet>,
}

/// Why a connection was closed as it arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// All `MAX_CONNECTIONS` slots are taken.
    Full,
    /// Its address holds `MAX_CONNECTIONS_PER_CLIENT` already.
    ClientFull,
}

/// A connection's slot, given back when it is dropped.
pub(super) struct Slot {
    _open: OwnedSemaphorePermit,
    _client: Option<ClientShare>,
}

/// One connection counted against its client address.
struct ClientShare {
    ip: IpAddr,
    by_client: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for ClientShare {
    fn drop(&mut self) {
        let mut by_client = self.by_client.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = by_client.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                by_client.remove(&self.ip);
            }
        }
    }
}

impl Slots {
    pub(super) fn new(max: usize, per_client: usize, shared: Vec<ipnet::IpNet>) -> Slots {
        Slots {
            open: Arc::new(Semaphore::new(max)),
            max,
            per_client,
            by_client: Arc::default(),
            shared,
        }
    }

    /// A slot for a connection from `ip`, or why there is none.
    pub(super) fn take(&self, ip: IpAddr) -> Result<Slot, Refused> {
        let open = self
            .open
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refused::Full)?;
        let ip = canonical(ip);
        if self.shared.iter().any(|net| net.contains(&ip)) {
            return Ok(Slot {
                _open: open,
                _client: None,
            });
        }
        let mut by_client = self.by_client.lock().unwrap_or_else(|e| e.into_inner());
        let n = by_client.entry(ip).or_insert(0);
        if *n >= self.per_client {
            return Err(Refused::ClientFull);
        }
        *n += 1;
        Ok(Slot {
            _open: open,
            _client: Some(ClientShare {
                ip,
                by_client: self.by_client.clone(),
            }),
        })
    }

    pub(super) fn max(&self) -> usize {
        self.max
    }

    pub(super) fn per_client(&self) -> usize {
        self.per_client
    }

    /// Slots free now.
    #[cfg(test)]
    fn free(&self) -> usize {
        self.open.available_permits()
    }
}

/// An IPv4 client reached over an IPv6 socket (`::ffff:a.b.c.d`) is the IPv4 client.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// Refused connections since the last report.
#[derive(Default)]
pub(super) struct Refusals {
    full: u64,
    client_full: u64,
}

impl Refusals {
    pub(super) fn count(&mut self, why: Refused) {
        crate::monitoring::connection_refused(match why {
            Refused::Full => "full",
            Refused::ClientFull => "client_full",
        });
        match why {
            Refused::Full => self.full += 1,
            Refused::ClientFull => self.client_full += 1,
        }
    }

    /// One warning for the interval's refusals, if there were any.
    pub(super) fn report(&mut self, slots: &Slots) {
        if self.full + self.client_full == 0 {
            return;
        }
        tracing::warn!(
            code = "connections_refused",
            all_slots_taken = self.full,
            client_at_its_cap = self.client_full,
            max = slots.max(),
            max_per_client = slots.per_client(),
            interval_s = REFUSALS_REPORTED_EVERY.as_secs(),
            "connections closed as they arrived"
        );
        *self = Refusals::default();
    }
}

/// Whether a connection has a request in flight, and since when it has had none.
pub(super) struct Activity {
    in_flight: AtomicUsize,
    idle_since: Mutex<Instant>,
    changed: Notify,
}

impl Activity {
    pub(super) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
            changed: Notify::new(),
        })
    }

    /// Marks a request in flight until the returned guard (kept by its response's body) drops.
    pub(super) fn begin(self: &Arc<Activity>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_one();
        InFlight(self.clone())
    }

    /// Resolves once the connection has had no request in flight for `limit`.
    pub(super) async fn idle_for(&self, limit: Duration) {
        loop {
            let changed = self.changed.notified();
            if self.in_flight.load(Ordering::SeqCst) > 0 {
                changed.await;
                continue;
            }
            let since = *self.idle_since.lock().unwrap_or_else(|e| e.into_inner());
            tokio::select! {
                () = tokio::time::sleep_until(since + limit) => {
                    let still = *self.idle_since.lock().unwrap_or_else(|e| e.into_inner());
                    if self.in_flight.load(Ordering::SeqCst) == 0 && still == since {
                        return;
                    }
                }
                () = changed => {}
            }
        }
    }
}

/// A request in flight on its connection.
pub(super) struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        *self.0.idle_since.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.changed.notify_one();
    }
}

/// A response's body that keeps its request in flight until it is sent (or dropped): a live
/// status stream is a request in flight for as long as it streams.
pub(super) struct Tracked {
    inner: Body,
    _in_flight: InFlight,
}

impl Tracked {
    pub(super) fn new(inner: Body, in_flight: InFlight) -> Tracked {
        Tracked {
            inner,
            _in_flight: in_flight,
        }
    }
}

impl HttpBody for Tracked {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_client_holds_at_most_its_share_and_gets_it_back() {
        let slots = Slots::new(10, 2, vec!["10.0.0.0/8".parse().unwrap()]);
        let a = slots.take(ip("203.0.113.1")).unwrap();
        let _b = slots.take(ip("::ffff:203.0.113.1")).unwrap();
        assert_eq!(
            slots.take(ip("203.0.113.1")).err(),
            Some(Refused::ClientFull)
        );
        assert!(slots.take(ip("203.0.113.2")).is_ok(), "another client");
        drop(a);
        assert!(slots.take(ip("203.0.113.1")).is_ok(), "its slot came back");
        // The proxy carries many clients: only the overall cap applies to it.
        let proxied: Vec<_> = (0..5)
            .map(|_| slots.take(ip("10.0.0.5")).unwrap())
            .collect();
        assert_eq!(slots.free(), 10 - 1 - 5);
        drop(proxied);
        assert_eq!(slots.free(), 9);
    }

    #[test]
    fn a_refusal_keeps_neither_a_slot_nor_a_count() {
        let slots = Slots::new(2, 1, Vec::new());
        let held = slots.take(ip("203.0.113.1")).unwrap();
        assert_eq!(
            slots.take(ip("203.0.113.1")).err(),
            Some(Refused::ClientFull)
        );
        let other = slots.take(ip("203.0.113.2")).unwrap();
        assert_eq!(slots.take(ip("203.0.113.3")).err(), Some(Refused::Full));
        drop((held, other));
        assert_eq!(slots.free(), 2, "the refusals kept no slot");
        assert!(slots.take(ip("203.0.113.3")).is_ok(), "nor a count");
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_is_idle_only_with_no_request_in_flight() {
        let activity = Activity::new();
        let request = activity.begin();
        let idle = activity.idle_for(Duration::from_secs(10));
        tokio::pin!(idle);
        // A request that takes long is not idleness.
        assert!(tokio::time::timeout(Duration::from_secs(60), &mut idle)
            .await
            .is_err());
        drop(request);
        let ended = Instant::now();
        idle.await;
        assert_eq!(Instant::now() - ended, Duration::from_secs(10));
    }
}
