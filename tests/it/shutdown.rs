//! The real binary stopped as an orchestrator stops it: SIGTERM while a customer waits on the
//! live status stream and a Solaris call is in flight.

use crate::common;
use common::binary::Binary;

use std::time::{Duration, Instant};

use solaris_onboarding::db::Db;
use solaris_onboarding::work;

/// The binary on `database_url` with the sandbox's `faults`.
async fn start(database_url: &str, faults: &str) -> Binary {
    Binary::start(&[
        ("DATABASE_URL", database_url),
        ("SANDBOX_FAULTS", faults),
        ("SHUTDOWN_GRACE_SECONDS", "20"),
    ])
    .await
}

async fn count(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&db.pool).await.unwrap();
    n
}

#[tokio::test]
async fn sigterm_ends_live_streams_finishes_the_solaris_call_in_flight_and_exits_0() {
    let database_url = common::fresh_database_url().await;
    // Creating the person takes 3 s, so the call is in flight when the signal comes.
    let slow = r#"{"routes": [{"method": "POST", "path": "/v1/persons", "latency_ms": 3000}]}"#;
    let mut app = start(&database_url, slow).await;
    let db = Db::connect(&database_url, solaris_onboarding::clock::Clock::system())
        .await
        .unwrap();

    // A customer with an application, waiting on the live status stream.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    browser.get(&app.base).send().await.unwrap();
    let started = browser
        .post(format!("{}/start", app.base))
        .header("origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 303);
    let mut stream = browser
        .get(format!("{}/identification/events", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let first = stream.chunk().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: status"));

    // Its data submitted: the worker takes the person creation and calls the slow sandbox.
    let (id,): (String,) = sqlx::query_as("select id from application")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (person, ident) = common::submission("X-AUTOTEST-HAPPYPATH", "erika@example.com");
    assert!(work::submit(&db, &id, &person, &ident).await.unwrap());
    let leased = "select count(*) from solaris_work where kind = 'create_person' and lease_owner is not null";
    common::wait_until(&db, "the worker takes the item", leased, 1).await;

    let signalled = Instant::now();
    app.terminate();

    // The stream says goodbye with a short retry and ends, so the browser reconnects.
    let mut rest = String::new();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
        .await
        .expect("the stream ends at shutdown")
        .unwrap()
    {
        rest.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(rest.contains("event: reconnect"), "{rest}");
    assert!(rest.contains("retry: 1000"), "{rest}");

    let status = app.exited().await;
    assert!(
        signalled.elapsed() < Duration::from_secs(20),
        "no exit within the grace period"
    );
    assert!(status.success(), "exit status {status:?}");

    // Started again on the same database, the application goes on and Solaris holds one person.
    let _again = start(&database_url, "{}").await;
    let created = "select count(*) from application where person_id is not null and identification_id is not null";
    common::wait_until(&db, "the application reaches Solaris", created, 1).await;
    assert_eq!(count(&db, "select count(*) from sandbox_person").await, 1);
    assert_eq!(
        count(
            &db,
            "select count(*) from solaris_work where kind = 'create_person' and state = 'done'"
        )
        .await,
        1
    );
}
