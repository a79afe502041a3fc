//! The upkeep of our webhook subscriptions when Solaris keeps refusing them, or answers them
//! without a secret: calls bounded by the backoff, one error line per change of trouble.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use solaris_onboarding::db::Db;
use solaris_onboarding::webhooks::{ensure_forever, ensure_once, Schedule, Trouble};

use super::{client_for, quick, served};
use crate::common::{Receiver, TestSandbox};

/// Log lines written while the guard lives, as JSON, on this test's thread.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Lines {
    fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let lines = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || lines.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// Error lines with `code`.
    fn errors(&self, code: &str) -> usize {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|l| l["level"] == "ERROR" && l["fields"]["code"] == code)
            .count()
    }
}

/// An hour of upkeep at a thousandth of the time: backoff from 5 s to an hour becomes 5 ms to
/// 3.6 s.
fn scaled_hour() -> (Schedule, Duration) {
    let schedule = Schedule {
        first: Duration::ZERO,
        every: Duration::from_secs(600),
        backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(3600),
    };
    (schedule, Duration::from_millis(3600))
}

async fn setup() -> (TestSandbox, Db) {
    let sandbox = TestSandbox::spawn().await;
    // A manual clock: an upkeep stopped while it held the subscriptions' lease leaves it
    // until the test moves the clock past it.
    let db = Db::connect(
        &crate::common::fresh_database_url().await,
        solaris_onboarding::clock::Clock::manual_from_now(),
    )
    .await
    .unwrap();
    (sandbox, db)
}

#[tokio::test]
async fn a_refused_subscription_is_tried_again_with_backoff_and_reported_once() {
    let lines = Lines::default();
    let _guard = lines.capture();
    let (sandbox, db) = setup().await;
    sandbox
        .set_faults(json!({"routes": [{"method": "POST", "path": "/v1/webhooks", "status": 400}]}))
        .await;
    let client = client_for(&sandbox, quick());
    let receiver = Receiver::start().await;
    let (schedule, hour) = scaled_hour();
    let upkeep = tokio::spawn(ensure_forever(db, client, receiver.url.clone(), schedule));
    tokio::time::sleep(hour).await;
    upkeep.abort();
    // Each attempt lists once, then tries the five event types, each on its own; the upkeep is
    // stopped at the hour, perhaps in the middle of one (after its list, before some of its five
    // creations).
    let creations = served(&sandbox, "POST", "/v1/webhooks").await.len();
    let lists = served(&sandbox, "GET", "/v1/webhooks").await.len();
    let attempts = lists;
    assert!(
        creations <= 5 * attempts && creations + 5 >= 5 * attempts,
        "{creations} creations in {attempts} attempts"
    );
    // 5, 10, 20, … ms: the ninth attempt starts after 2.56 s, the tenth only after 5.1 s. A
    // fixed 10 s pause (the old upkeep) would have made 360 attempts in the hour.
    assert!(
        (5..=10).contains(&attempts),
        "{attempts} attempts in an hour"
    );
    assert_eq!(lines.errors("webhook_subscription_refused"), 1);
}

#[tokio::test]
async fn a_subscription_answered_without_a_secret_is_an_error_for_the_operator() {
    let lines = Lines::default();
    let _guard = lines.capture();
    let (sandbox, db) = setup().await;
    sandbox
        .set_faults(json!({"webhooks": {"omit_secret": true}}))
        .await;
    let client = client_for(&sandbox, quick());
    let receiver = Receiver::start().await;
    let trouble = ensure_once(&db, &client, &receiver.url).await.unwrap_err();
    assert!(matches!(trouble, Trouble::NoSecret(_)), "{trouble}");
    let (stored,): (i64,) =
        sqlx::query_as("select count(*) from webhook_subscription where secret is not null")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);

    let (schedule, _) = scaled_hour();
    let upkeep = tokio::spawn(ensure_forever(
        db.clone(),
        client,
        receiver.url.clone(),
        schedule,
    ));
    // Each attempt tries the five event types.
    crate::common::eventually("three more attempts to subscribe", || async {
        let attempts = served(&sandbox, "POST", "/v1/webhooks").await.len() / 5;
        if attempts >= 4 {
            Ok(())
        } else {
            Err(attempts)
        }
    })
    .await;
    upkeep.abort();
    let _ = upkeep.await;
    db.clock.advance(Duration::from_secs(3600));
    assert_eq!(lines.errors("webhook_subscription_without_secret"), 1);

    // Once Solaris answers with secrets again, every subscription is in place.
    sandbox.set_faults(json!({})).await;
    ensure_once(&db, &client_for(&sandbox, quick()), &receiver.url)
        .await
        .unwrap();
    let (stored,): (i64,) =
        sqlx::query_as("select count(*) from webhook_subscription where secret is not null")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(stored, 5);
}

#[tokio::test]
async fn an_event_type_solaris_refuses_keeps_none_of_the_others_from_being_subscribed() {
    let (sandbox, db) = setup().await;
    // The first creation (IDENTIFICATION) is refused, the others are not.
    sandbox
        .set_faults(json!({"routes": [{"method": "POST", "path": "/v1/webhooks", "status": 400, "times": 1}]}))
        .await;
    let client = client_for(&sandbox, quick());
    let receiver = Receiver::start().await;
    let trouble = ensure_once(&db, &client, &receiver.url).await.unwrap_err();
    assert!(matches!(trouble, Trouble::Refused(_)), "{trouble}");
    let stored: Vec<(String,)> = sqlx::query_as(
        "select event_type from webhook_subscription where secret is not null order by event_type",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 4, "{stored:?}");
    assert!(
        stored.iter().any(|(e,)| e == "PERSON_DELETED"),
        "{stored:?}"
    );
    assert!(
        !stored.iter().any(|(e,)| e == "IDENTIFICATION"),
        "{stored:?}"
    );
    // The next check subscribes the one that was refused, and only it.
    ensure_once(&db, &client, &receiver.url).await.unwrap();
    assert_eq!(served(&sandbox, "POST", "/v1/webhooks").await.len(), 6);
}
