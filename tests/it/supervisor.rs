//! The owner of the background loops: a loop that dies is started again, and a drain stops
//! them all.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use solaris_onboarding::supervisor::Supervisor;

use crate::common::eventually;

/// The loops run on real time: waits until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    eventually(what, || async {
        if done() {
            Ok(())
        } else {
            Err("not yet")
        }
    })
    .await
}

#[tokio::test]
async fn a_background_loop_that_panics_or_ends_is_restarted_until_shutdown() {
    let mut supervisor = Supervisor::new();
    let loops = supervisor.loops();
    let runs = Arc::new(AtomicUsize::new(0));
    supervisor.spawn("flaky", {
        let runs = runs.clone();
        move |_| {
            let runs = runs.clone();
            async move {
                match runs.fetch_add(1, Ordering::SeqCst) {
                    0 => panic!("the first run panics"),
                    1 => {} // the second ends
                    _ => std::future::pending::<()>().await,
                }
            }
        }
    });
    until("a third run", || runs.load(Ordering::SeqCst) == 3).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    assert!(supervisor.drain(deadline).await, "a loop stops at shutdown");
    // The drain waited for the loop's task, restarts included: none is left to run.
    assert!(!loops.running("flaky"), "nothing runs after shutdown");
    assert_eq!(
        runs.load(Ordering::SeqCst),
        3,
        "nothing restarts after shutdown"
    );
}

#[tokio::test]
async fn a_draining_loop_finishes_its_work_before_the_drain_returns() {
    let mut supervisor = Supervisor::new();
    let finished = Arc::new(AtomicUsize::new(0));
    supervisor.spawn_draining("worker", {
        let finished = finished.clone();
        move |mut shutdown| {
            let finished = finished.clone();
            async move {
                shutdown.requested().await;
                // Work still in hand when the shutdown came.
                tokio::time::sleep(Duration::from_millis(200)).await;
                finished.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    assert!(supervisor.drain(deadline).await);
    assert_eq!(finished.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_loop_that_keeps_failing_makes_the_process_not_alive() {
    let mut supervisor = Supervisor::new();
    let loops = supervisor.loops();
    supervisor.spawn("steady", |_| std::future::pending::<()>());
    until("the steady loop runs", || loops.running("steady")).await;
    assert!(loops.alive());
    let runs = Arc::new(AtomicUsize::new(0));
    supervisor.spawn("broken", {
        let runs = runs.clone();
        move |_| {
            runs.fetch_add(1, Ordering::SeqCst);
            async { panic!("fails at once, every time") }
        }
    });
    until("two failures", || runs.load(Ordering::SeqCst) >= 2).await;
    until("three failures in a row", || !loops.alive()).await;
    assert!(loops.running("steady"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    supervisor.drain(deadline).await;
}
