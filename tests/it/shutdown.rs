//! The real binary stopped as an orchestrator stops it: SIGTERM while a customer waits on the
//! live status stream and a Solaris call is in flight.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use solaris_onboarding::db::Db;
use solaris_onboarding::work;

struct App {
    child: Child,
    base: String,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The release or debug binary cargo built for this test, on `database_url`, on a port it
/// picks itself (read from its first log line), so no other test can take the port meanwhile.
async fn start(database_url: &str, faults: &str) -> App {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_solaris-onboarding"))
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("METRICS_LISTEN_ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", database_url)
        .env("SANDBOX_TIME_SCALE", "1")
        .env("SANDBOX_FAULTS", faults)
        .env("SHUTDOWN_GRACE_SECONDS", "20")
        .env("RUST_LOG", "warn,solaris_onboarding::startup=info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let serving = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        let base = lines.by_ref().map_while(Result::ok).find_map(|line| {
            let at = line.find("http://127.0.0.1:")?;
            let rest = &line[at..];
            let end = rest[17..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(rest.len(), |n| n + 17);
            Some(rest[..end].to_string())
        });
        // The rest of the log is read and left, so the process never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        base
    });
    let base = tokio::time::timeout(common::DEADLINE, serving)
        .await
        .expect("the app says where it serves")
        .unwrap()
        .expect("the app's log names its address");
    App { child, base }
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
    let killed = Command::new("kill")
        .args(["-TERM", &app.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

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

    let child = std::cell::RefCell::new(&mut app.child);
    let status = common::eventually("the process exits", || async {
        child
            .borrow_mut()
            .try_wait()
            .unwrap()
            .ok_or("still running")
    })
    .await;
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
