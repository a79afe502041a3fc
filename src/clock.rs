//! The app's clock. Everything that waits reads it: leases, backoff, reconciliation, reminders,
//! expiry notices, retention, sessions' expiry, the webhook retry schedule and the sandbox's
//! scenarios. In production it is the wall clock; a test takes a manual clock, which stands
//! still until the test moves it, so that it can step through the guide's real durations (a
//! 90 s review, a 24 h review, a 14-day link) without sleeping.
//!
//! One clock is shared by the app and its embedded sandbox: moving the sandbox's clock
//! (`/_sandbox/clock/advance`) moves the app's, and the reverse.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A clock, cheap to clone; every clone reads and moves the same time.
#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

struct Inner {
    base: Base,
    /// Milliseconds added to the base: moved forward by [`Clock::advance`].
    offset_ms: AtomicI64,
    /// Woken whenever the clock is moved, so that a loop waiting for a due time looks again.
    moved: tokio::sync::Notify,
}

enum Base {
    Wall,
    /// A manual clock's starting time: it moves only when advanced.
    Fixed(i64),
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("manual", &matches!(self.inner.base, Base::Fixed(_)))
            .field("now_ms", &self.now_ms())
            .finish()
    }
}

impl Clock {
    /// The wall clock (plus what it was advanced by, which only the sandbox does).
    pub fn system() -> Clock {
        Clock::with(Base::Wall)
    }

    /// A clock that shows `start_ms` (milliseconds since the Unix epoch) until it is advanced.
    pub fn manual(start_ms: i64) -> Clock {
        Clock::with(Base::Fixed(start_ms))
    }

    /// A manual clock starting at the wall clock's time now.
    pub fn manual_from_now() -> Clock {
        Clock::manual(chrono::Utc::now().timestamp_millis())
    }

    fn with(base: Base) -> Clock {
        Clock {
            inner: Arc::new(Inner {
                base,
                offset_ms: AtomicI64::new(0),
                moved: tokio::sync::Notify::new(),
            }),
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        let base = match self.inner.base {
            Base::Wall => chrono::Utc::now().timestamp_millis(),
            Base::Fixed(start) => start,
        };
        base + self.inner.offset_ms.load(Ordering::SeqCst)
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.now_ms()).unwrap_or_default()
    }

    /// How far this clock is ahead of the wall's (negative when behind), in milliseconds.
    pub fn skew_ms(&self) -> i64 {
        self.now_ms() - chrono::Utc::now().timestamp_millis()
    }

    /// Seconds since the Unix epoch.
    pub fn now_seconds(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Today's date in UTC.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }

    /// How far the clock was moved from its base.
    pub fn offset_ms(&self) -> i64 {
        self.inner.offset_ms.load(Ordering::SeqCst)
    }

    /// Sets how far the clock is moved from its base (the sandbox restores its kept offset).
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.inner.offset_ms.store(offset_ms, Ordering::SeqCst);
        self.inner.moved.notify_waiters();
    }

    /// Moves the clock forward; returns the new offset.
    pub fn advance(&self, by: Duration) -> i64 {
        self.advance_ms(i64::try_from(by.as_millis()).unwrap_or(i64::MAX))
    }

    /// Moves the clock forward by `ms` milliseconds; returns the new offset.
    pub fn advance_ms(&self, ms: i64) -> i64 {
        let new = self.inner.offset_ms.fetch_add(ms, Ordering::SeqCst) + ms;
        self.inner.moved.notify_waiters();
        new
    }

    /// Waits until the clock is moved (never, on a system clock nobody advances).
    pub async fn moved(&self) {
        self.inner.moved.notified().await;
    }

    /// Waits up to `wait` of real time, or until the clock is moved: what a loop does between
    /// its rounds, so that a moved clock is seen at once.
    pub async fn pause(&self, wait: Duration) {
        let _ = tokio::time::timeout(wait, self.moved()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_it_is_advanced() {
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now_ms(), 91_000);
        assert_eq!(clock.offset_ms(), 90_000);
    }

    #[test]
    fn every_clone_reads_and_moves_the_same_time() {
        let clock = Clock::manual(0);
        let other = clock.clone();
        other.advance_ms(5);
        assert_eq!(clock.now_ms(), 5);
    }

    #[test]
    fn the_system_clock_is_the_wall_clock_plus_what_it_was_advanced_by() {
        let clock = Clock::system();
        let wall = chrono::Utc::now().timestamp_millis();
        clock.advance(Duration::from_secs(3600));
        let shown = clock.now_ms();
        assert!(shown >= wall + 3_600_000, "{shown} vs {wall}");
        assert!(shown < wall + 3_660_000, "{shown} vs {wall}");
    }

    #[tokio::test]
    async fn a_waiting_loop_wakes_when_the_clock_moves() {
        let clock = Clock::manual(0);
        let waiter = tokio::spawn({
            let clock = clock.clone();
            async move { clock.moved().await }
        });
        tokio::task::yield_now().await;
        // The waiter is registered once it has run; advance until it is seen.
        for _ in 0..100 {
            clock.advance_ms(1);
            if waiter.is_finished() {
                break;
            }
            tokio::task::yield_now().await;
        }
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("the waiter woke")
            .unwrap();
    }
}
