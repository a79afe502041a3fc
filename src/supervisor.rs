//! One owner for every background loop of a process (work queue, webhook writer, live status,
//! subscriptions, reconciliation, session purge, sandbox workers). A loop that ends or panics
//! while the process is serving is logged and started again with backoff, so it never dies
//! silently while pages keep serving. On shutdown, loops that hold work finish it
//! ([`Supervisor::spawn_draining`]); the others stop at once ([`Supervisor::spawn`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Told to every loop: whether the process is shutting down.
#[derive(Clone, Debug)]
pub struct Shutdown(Option<watch::Receiver<bool>>);

impl Shutdown {
    /// A signal that never fires, for a loop run outside a supervisor (tests, tools).
    pub fn never() -> Shutdown {
        Shutdown(None)
    }

    pub(crate) fn is_requested(&self) -> bool {
        self.0.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// Resolves once shutdown is requested.
    pub async fn requested(&mut self) {
        match &mut self.0 {
            // An error means the supervisor is gone, which is a shutdown too.
            Some(rx) => {
                let _ = rx.wait_for(|stop| *stop).await;
            }
            None => std::future::pending().await,
        }
    }

    /// Sleeps for `duration`; false when shutdown was requested meanwhile.
    pub async fn sleep(&mut self, duration: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(duration) => !self.is_requested(),
            _ = self.requested() => false,
        }
    }
}

/// Starts, watches and stops the background loops.
#[derive(Debug)]
pub struct Supervisor {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
    loops: Loops,
}

/// A loop's failures in a row after which it counts as not alive (it keeps being restarted).
const FAILURES_NOT_ALIVE: u32 = 3;

/// How the supervised loops are doing, for the health endpoints.
#[derive(Clone, Debug, Default)]
pub struct Loops(Arc<Mutex<HashMap<&'static str, LoopState>>>);

#[derive(Clone, Copy, Debug, Default)]
struct LoopState {
    running: bool,
    /// Ends and panics since the loop last ran for a while.
    failures_in_a_row: u32,
}

impl Loops {
    fn set(&self, name: &'static str, change: impl FnOnce(&mut LoopState)) {
        if let Ok(mut loops) = self.0.lock() {
            change(loops.entry(name).or_default());
        }
    }

    /// Every loop runs, or is being restarted after fewer than three failures in a row.
    pub fn alive(&self) -> bool {
        self.0.lock().is_ok_and(|loops| {
            loops
                .values()
                .all(|l| l.running || l.failures_in_a_row < FAILURES_NOT_ALIVE)
        })
    }

    /// The loop `name` runs now.
    pub fn running(&self, name: &str) -> bool {
        self.0
            .lock()
            .is_ok_and(|loops| loops.get(name).is_some_and(|l| l.running))
    }
}

/// The first wait before a restart; it doubles up to [`RESTART_MAX`].
const RESTART_FIRST: Duration = Duration::from_millis(100);
const RESTART_MAX: Duration = Duration::from_secs(30);
/// A loop that ran this long before it ended starts again after the first wait.
const RESTART_RESET_AFTER: Duration = Duration::from_secs(60);

impl Default for Supervisor {
    fn default() -> Self {
        Self::new()
    }
}

impl Supervisor {
    pub fn new() -> Supervisor {
        Supervisor {
            stop: watch::channel(false).0,
            tasks: JoinSet::new(),
            loops: Loops::default(),
        }
    }

    /// How the loops are doing.
    pub fn loops(&self) -> Loops {
        self.loops.clone()
    }

    /// The shutdown signal the loops and the live streams follow.
    pub fn shutdown(&self) -> Shutdown {
        Shutdown(Some(self.stop.subscribe()))
    }

    /// Starts a loop that may be stopped anywhere at shutdown (its work is in the database
    /// or can be done again).
    pub fn spawn<F, Fut>(&mut self, name: &'static str, make: F)
    where
        F: Fn(Shutdown) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.watch(name, make, false);
    }

    /// Starts a loop that ends by itself after shutdown is requested, once the work it holds
    /// is finished.
    pub fn spawn_draining<F, Fut>(&mut self, name: &'static str, make: F)
    where
        F: Fn(Shutdown) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.watch(name, make, true);
    }

    fn watch<F, Fut>(&mut self, name: &'static str, make: F, drains: bool)
    where
        F: Fn(Shutdown) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let mut shutdown = self.shutdown();
        let loops = self.loops.clone();
        loops.set(name, |l| l.running = true);
        self.tasks.spawn(async move {
            let mut wait = RESTART_FIRST;
            loop {
                let started = Instant::now();
                loops.set(name, |l| l.running = true);
                let run = std::panic::AssertUnwindSafe(make(shutdown.clone())).catch_unwind();
                let outcome = if drains {
                    Some(run.await)
                } else {
                    tokio::select! {
                        outcome = run => Some(outcome),
                        _ = shutdown.requested() => None,
                    }
                };
                loops.set(name, |l| {
                    l.running = false;
                    l.failures_in_a_row = if started.elapsed() >= RESTART_RESET_AFTER {
                        1
                    } else {
                        l.failures_in_a_row + 1
                    };
                });
                if shutdown.is_requested() {
                    tracing::debug!(task = name, "background task stopped");
                    return;
                }
                match outcome {
                    Some(Err(_)) => {
                        tracing::error!(task = name, "background task panicked; restarting it")
                    }
                    _ => tracing::error!(task = name, "background task ended; restarting it"),
                }
                if started.elapsed() >= RESTART_RESET_AFTER {
                    wait = RESTART_FIRST;
                }
                if !shutdown.sleep(wait).await {
                    return;
                }
                wait = (wait * 2).min(RESTART_MAX);
            }
        });
    }

    /// Tells every loop and live stream to stop.
    pub(crate) fn request_shutdown(&self) {
        self.stop.send_replace(true);
    }

    /// After [`Supervisor::request_shutdown`]: waits until every loop has stopped, at most
    /// until `deadline`; returns false when some had to be abandoned.
    pub async fn drain(mut self, deadline: tokio::time::Instant) -> bool {
        self.request_shutdown();
        let all = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout_at(deadline, all).await.is_ok() {
            return true;
        }
        tracing::warn!(
            left = self.tasks.len(),
            "background tasks still busy at the end of the grace period; stopping them"
        );
        self.tasks.abort_all();
        false
    }
}
