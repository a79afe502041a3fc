use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use solaris_onboarding::db::Db;
use solaris_onboarding::solaris::types::{IdentificationMethod, NewIdentification, NewPerson};
use solaris_onboarding::solaris::SolarisClient;
use solaris_onboarding::supervisor::Shutdown;
use solaris_onboarding::work::{self, Progress, WorkKind, Worker, WorkerOptions};

use super::{client_for, quick, served};
use crate::common::TestSandbox;

fn options() -> WorkerOptions {
    WorkerOptions {
        lease: Duration::from_secs(30),
        poll: Duration::from_millis(20),
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(400),
        ..WorkerOptions::default()
    }
}

async fn new_application(db: &Db, first_name: &str) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    sqlx::query("insert into application (id, created_at, updated_at) values ($1, 0, 0)")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    let (person, ident) = crate::common::submission(first_name, &format!("{id}@example.com"));
    assert!(work::submit(db, &id, &person, &ident).await.unwrap());
    id
}

type AppState = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

async fn application(db: &Db, id: &str) -> AppState {
    sqlx::query_as("select person_id, identification_id, identification_status, identification_url, solaris_error from application where id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// Waits until a worker holds the application's person creation (a call is in flight).
async fn wait_until_leased(db: &Db, app: &str) {
    crate::common::eventually("a worker takes the person creation", || async {
        let (owner,): (Option<String>,) = sqlx::query_as(
            "select lease_owner from solaris_work where application_id = $1 and kind = 'create_person'",
        )
        .bind(app)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        owner.ok_or("no owner yet")
    })
    .await;
}

/// Runs the worker until the application has no pending work; when nothing is due, moves the
/// clock past the longest backoff, as time would pass.
async fn settle(db: &Db, worker: &Worker, id: &str) -> Progress {
    for _ in 0..400 {
        let ran = worker.run_once().await.unwrap();
        let p = work::progress(db, id).await.unwrap();
        if !matches!(p, Progress::Working { .. }) {
            return p;
        }
        if ran == 0 {
            db.clock.advance(options().backoff_max);
        }
    }
    panic!("the work never settled: {:?}", work::progress(db, id).await);
}

async fn setup() -> (TestSandbox, Db, Arc<SolarisClient>) {
    let sandbox = TestSandbox::spawn().await;
    // The app's own tables live in a database of their own, as in a deployment with a
    // standalone sandbox.
    // On a manual clock, which the tests move past backoffs, leases and budgets.
    let db = Db::connect(
        &crate::common::fresh_database_url().await,
        solaris_onboarding::clock::Clock::manual_from_now(),
    )
    .await
    .unwrap();
    let client = client_for(&sandbox, quick());
    (sandbox, db, client)
}

#[tokio::test]
async fn a_happy_path_issues_exactly_the_calls_it_needs() {
    let (sandbox, db, client) = setup().await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "X-MANUALTEST-HAPPYPATH").await;
    work::enqueue_one(&db, &app, WorkKind::RequestIdentification)
        .await
        .unwrap();
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let (person, ident, status, url, error) = application(&db, &app).await;
    assert!(person.unwrap().ends_with("cper"));
    assert!(ident.clone().unwrap().ends_with("cidt"));
    assert_eq!(status.as_deref(), Some("pending"));
    assert!(url.unwrap().contains(&ident.unwrap()));
    assert_eq!(error, None);
    let calls: Vec<String> = sandbox
        .log()
        .await
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["method"].as_str().unwrap(),
                e["path"]
                    .as_str()
                    .unwrap()
                    .split('/')
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("/")
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            "POST /oauth2/token",
            "POST /v1/persons",
            "POST /v1/persons",
            // The supported documents, read once for the documents page.
            "GET /v1/persons",
            "PATCH /v1/persons"
        ]
    );
}

#[tokio::test]
async fn a_person_created_behind_a_dropped_connection_is_adopted_not_created_again() {
    let (sandbox, db, client) = setup().await;
    sandbox.set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons", "drop": "after", "times": 1}]})).await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "Erika").await;
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    assert_eq!(
        served(&sandbox, "POST", "/v1/persons")
            .await
            .iter()
            .filter(|(p, _)| p == "/v1/persons")
            .count(),
        1
    );
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(headers["total"], "1");
    let (person, ident, ..) = application(&db, &app).await;
    assert!(person.is_some() && ident.is_some());
}

#[tokio::test]
async fn an_identification_created_behind_a_dropped_connection_is_adopted() {
    let (sandbox, db, client) = setup().await;
    sandbox.set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons/*/identifications", "drop": "after", "times": 1}]})).await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "Erika").await;
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let (person, ident, ..) = application(&db, &app).await;
    let (_, _, list) = sandbox
        .call(
            "GET",
            &format!("/v1/persons/{}/identifications", person.unwrap()),
            None,
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"].as_str(), ident.as_deref());
}

#[tokio::test]
async fn work_waits_while_solaris_is_down_and_completes_when_it_is_back() {
    let (sandbox, db, client) = setup().await;
    sandbox
        .set_faults(json!({"routes": [{"path": "/v1/**", "status": 503, "times": 40}]}))
        .await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "Erika").await;
    worker.run_once().await.unwrap();
    match work::progress(&db, &app).await.unwrap() {
        Progress::Working {
            done: 0,
            total: 2,
            retrying: true,
        } => {}
        other => panic!("expected honest progress while retrying, got {other:?}"),
    }
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let (person, ident, ..) = application(&db, &app).await;
    assert!(person.is_some() && ident.is_some());
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(headers["total"], "1");
}

#[tokio::test]
async fn a_refused_person_fails_its_item_cancels_the_rest_and_keeps_the_field_errors() {
    let (sandbox, db, client) = setup().await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "R2D2").await;
    match settle(&db, &worker, &app).await {
        Progress::Failed { kind, .. } => assert_eq!(kind, WorkKind::CreatePerson),
        other => panic!("{other:?}"),
    }
    let (person, _, _, _, error) = application(&db, &app).await;
    assert_eq!(person, None);
    let error: serde_json::Value = serde_json::from_str(&error.unwrap()).unwrap();
    assert_eq!(error["fields"][0]["field"], "first_name");
    let (states,): (String,) = sqlx::query_as("select state from solaris_work where application_id = $1 and kind = 'create_identification'")
        .bind(&app)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(states, "canceled");
    assert!(served(&sandbox, "POST", "/v1/persons/").await.is_empty());
}

#[tokio::test]
async fn a_submission_is_stored_once() {
    let (_sandbox, db, _) = setup().await;
    let app = new_application(&db, "Erika").await;
    let again = work::submit(
        &db,
        &app,
        &NewPerson::default(),
        &NewIdentification {
            method: IdentificationMethod::Idnow,
            language: None,
            proof_of_address_type: None,
            proof_of_address_issued_at: None,
        },
    )
    .await
    .unwrap();
    assert!(!again);
    let (items,): (i64,) =
        sqlx::query_as("select count(*) from solaris_work where application_id = $1")
            .bind(&app)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(items, 2);
}

#[tokio::test]
async fn an_item_whose_worker_died_is_taken_again_after_its_lease_and_completes_once() {
    let (sandbox, db, client) = setup().await;
    sandbox.set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons", "latency_ms": 3000, "times": 1}]})).await;
    let mut short = options();
    short.lease = Duration::from_millis(500);
    let first = Worker::new(db.clone(), client.clone(), short.clone());
    let app = new_application(&db, "Erika").await;
    let running = tokio::spawn(async move { first.run_once().await });
    // Once the first worker holds the item, kill it in the middle of the call.
    wait_until_leased(&db, &app).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    running.abort();
    db.clock.advance(short.lease);

    let second = Worker::new(db.clone(), client, short);
    assert_eq!(settle(&db, &second, &app).await, Progress::Idle);
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(headers["total"], "1");
    let (attempts, unknown): (i64, i64) = sqlx::query_as(
        "select attempts, outcome_unknown from solaris_work where application_id = $1 and kind = 'create_person'",
    )
    .bind(&app)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(attempts, 2);
    assert_eq!(
        unknown, 1,
        "the dead worker's call may have reached Solaris"
    );
}

#[tokio::test]
async fn a_live_worker_keeps_its_item_through_a_call_longer_than_the_lease() {
    let (sandbox, db, client) = setup().await;
    sandbox.set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons", "latency_ms": 2000, "times": 1}]})).await;
    let mut short = options();
    short.lease = Duration::from_millis(500);
    let first = Worker::new(db.clone(), client.clone(), short.clone());
    let second = Worker::new(db.clone(), client, short);
    let app = new_application(&db, "Erika").await;
    let running = tokio::spawn(async move { first.run_once().await });
    wait_until_leased(&db, &app).await;
    // The second worker looks for due work all through the first one's slow call: the renewed
    // lease keeps the item with the worker that runs it.
    // The clock moves past a third of the lease again and again, past the lease many times
    // over, and each time the live worker renews it before the second one looks.
    let lease_until = "select lease_until from solaris_work where application_id = $1 \
                       and kind = 'create_person'";
    let mut taken_by_second = 0;
    while !running.is_finished() {
        db.clock.advance(Duration::from_millis(200));
        let wanted = db.now_ms() + 500;
        crate::common::eventually("the live worker renews its lease", || async {
            let (until,): (Option<i64>,) = sqlx::query_as(lease_until)
                .bind(&app)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            if running.is_finished() || until.is_some_and(|u| u >= wanted) {
                Ok(())
            } else {
                Err(until)
            }
        })
        .await;
        // Once the person exists, the application's next item is due for any worker: what
        // counts is whether the second one ever ran the person creation (a second attempt).
        let ran = second.run_once().await.unwrap();
        let (attempts,): (i64,) = sqlx::query_as(
            "select attempts from solaris_work where application_id = $1 and kind = 'create_person'",
        )
        .bind(&app)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if attempts > 1 {
            taken_by_second += ran;
        }
    }
    assert_eq!(running.await.unwrap().unwrap(), 1);
    assert_eq!(
        taken_by_second, 0,
        "the person creation was taken from a live worker"
    );
    let (attempts,): (i64,) = sqlx::query_as(
        "select attempts from solaris_work where application_id = $1 and kind = 'create_person'",
    )
    .bind(&app)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(headers["total"], "1");
}

#[tokio::test]
async fn person_creations_beyond_the_budget_wait_in_the_queue_and_are_never_refused() {
    let (sandbox, db, client) = setup().await;
    let budget = WorkerOptions {
        persons_per_window: 1,
        person_window: Duration::from_secs(60),
        ..options()
    };
    let worker = Worker::new(db.clone(), client, budget);
    let first = new_application(&db, "Erika").await;
    let second = new_application(&db, "Anna").await;
    // The first person is created; the second waits, untouched, while the budget is spent.
    for _ in 0..10 {
        worker.run_once().await.unwrap();
    }
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(headers["total"], "1");
    let waiting = "select state, attempts from solaris_work where kind = 'create_person' \
                   and application_id = $1";
    let (state, attempts): (String, i64) = sqlx::query_as(waiting)
        .bind(&second)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!((state.as_str(), attempts), ("pending", 0));
    assert!(matches!(
        work::progress(&db, &second).await.unwrap(),
        Progress::Working {
            retrying: false,
            ..
        }
    ));
    // Once the window has passed, it goes on by itself.
    db.clock.advance(Duration::from_secs(60));
    assert_eq!(settle(&db, &worker, &second).await, Progress::Idle);
    assert_eq!(settle(&db, &worker, &first).await, Progress::Idle);
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(headers["total"], "2");
}

#[tokio::test]
async fn two_workers_on_one_database_run_each_item_once() {
    let (sandbox, db, client) = setup().await;
    let mut apps = Vec::new();
    for _ in 0..20 {
        apps.push(new_application(&db, "Erika").await);
    }
    let a = tokio::spawn(Worker::new(db.clone(), client.clone(), options()).run(Shutdown::never()));
    let b = tokio::spawn(
        Worker::new(db.clone(), client_for(&sandbox, quick()), options()).run(Shutdown::never()),
    );
    crate::common::wait_until(
        &db,
        "every item done",
        "select count(*) from solaris_work where state <> 'done'",
        0,
    )
    .await;
    a.abort();
    b.abort();
    let (left,): (i64,) = sqlx::query_as("select count(*) from solaris_work where state <> 'done'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(
        served(&sandbox, "POST", "/v1/persons")
            .await
            .iter()
            .filter(|(p, _)| p == "/v1/persons")
            .count(),
        20
    );
    assert_eq!(
        served(&sandbox, "POST", "/v1/persons/").await.len(),
        20,
        "one identification each"
    );
    for app in apps {
        assert!(application(&db, &app).await.1.is_some());
    }
}

/// An application with its identification created, and a status read of it queued while
/// Solaris answers such reads 404 (`times` times, or always).
async fn refreshing_with_404s(times: Option<u32>) -> (TestSandbox, Db, Worker, String) {
    let (sandbox, db, client) = setup().await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "X-MANUALTEST-HAPPYPATH").await;
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let mut rule =
        json!({"method": "GET", "path": "/v1/persons/*/identifications/*", "status": 404});
    if let Some(times) = times {
        rule["times"] = json!(times);
    }
    sandbox.set_faults(json!({ "routes": [rule] })).await;
    work::enqueue_one(&db, &app, WorkKind::RefreshIdentification)
        .await
        .unwrap();
    (sandbox, db, worker, app)
}

/// The statuses of the identification reads the sandbox served, in order.
async fn identification_reads(sandbox: &TestSandbox) -> Vec<u64> {
    served(sandbox, "GET", "/v1/persons/")
        .await
        .into_iter()
        .filter(|(p, _)| p.ends_with("cidt"))
        .map(|(_, status)| status)
        .collect()
}

#[tokio::test]
async fn a_refused_status_read_is_asked_again_and_a_good_read_clears_the_stored_error() {
    let (sandbox, db, worker, app) = refreshing_with_404s(Some(2)).await;
    // An error an earlier item left on the application.
    sqlx::query("update application set solaris_error = '{\"status\":404}' where id = $1")
        .bind(&app)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let reads = identification_reads(&sandbox).await;
    assert_eq!(reads, [404, 404, 200], "asked again after each refusal");
    let (_, _, status, _, error) = application(&db, &app).await;
    assert_eq!(status.as_deref(), Some("created"));
    assert_eq!(error, None, "the good read cleared the stored error");
}

#[tokio::test]
async fn a_read_refused_every_time_fails_alone_and_refuses_nothing_of_the_application() {
    let (sandbox, db, worker, app) = refreshing_with_404s(None).await;
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let reads = identification_reads(&sandbox).await.len();
    assert_eq!(reads as i64, work::READ_ATTEMPTS);
    let (state,): (String,) = sqlx::query_as(
        "select state from solaris_work where application_id = $1 and kind = 'refresh_identification'",
    )
    .bind(&app)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(state, "failed");
    let (_, ident, status, _, error) = application(&db, &app).await;
    assert!(ident.is_some());
    assert_eq!(status.as_deref(), Some("created"));
    assert_eq!(
        error, None,
        "a failed read is no refusal of the application"
    );
}

/// Persons another system of the bank created at the sandbox, `offset_ms` from now each.
async fn other_persons(sandbox: &TestSandbox, count: usize, offset_ms: impl Fn(usize) -> i64) {
    let db = Db::connect(
        &sandbox.database_url,
        solaris_onboarding::clock::Clock::system(),
    )
    .await
    .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let mut tx = db.begin_write().await.unwrap();
    for i in 0..count {
        let at = now + offset_ms(i);
        let created = chrono::DateTime::from_timestamp_millis(at)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let body = json!({"first_name": "Anna", "last_name": format!("Beispiel-{i}"),
            "birth_date": "1980-01-01", "birth_city": "Köln", "created_at": created});
        sqlx::query(
            "insert into sandbox_person (id, first_name, last_name, birth_city, birth_date, body, \
             created_at, updated_at) values ($1, 'Anna', $2, 'Köln', '1980-01-01', $3, $4, $4)",
        )
        .bind(format!("{:032x}cper", i + 1))
        .bind(format!("Beispiel-{i}"))
        .bind(body.to_string())
        .bind(at)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

fn person_lists(log: &[(String, u64)]) -> usize {
    log.iter().filter(|(p, _)| p == "/v1/persons").count()
}

#[tokio::test]
async fn a_dropped_creation_among_many_persons_finds_its_copy_with_few_calls() {
    let (sandbox, db, client) = setup().await;
    other_persons(&sandbox, 1500, |_| -3_600_000).await;
    sandbox.set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons", "drop": "after", "times": 1}]})).await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "Erika").await;
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let lists = person_lists(&served(&sandbox, "GET", "/v1/persons").await);
    assert_eq!(lists, 2, "the count, then the newest page");
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(headers["total"], "1501", "adopted, not created again");
    let (person, ident, ..) = application(&db, &app).await;
    assert!(person.is_some() && ident.is_some());
}

/// A dropped creation, then `newer` persons created by other systems after it and 600 before:
/// the search, against a Solaris that lists newest first, finds the copy; returns the lists it
/// read.
async fn found_when_listed_newest_first(newer: usize) -> usize {
    let (sandbox, db, client) = setup().await;
    sandbox.set_faults(json!({"list_order": "newest_first", "routes": [{"method": "POST", "path": "/v1/persons", "drop": "after", "times": 1}]})).await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "Erika").await;
    worker.run_once().await.unwrap();
    // Seconds apart, as Solaris' creation times are.
    other_persons(&sandbox, 600 + newer, |i| {
        if i < 600 {
            -60_000 - 500 * i as i64
        } else {
            1000 * (i - 599) as i64
        }
    })
    .await;
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let lists = person_lists(&served(&sandbox, "GET", "/v1/persons").await);
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(
        headers["total"],
        (600 + newer + 1).to_string(),
        "adopted, not created again"
    );
    let (person, ident, ..) = application(&db, &app).await;
    assert!(person.is_some() && ident.is_some());
    lists
}

#[tokio::test]
async fn a_solaris_that_lists_newest_first_gets_its_copy_found_on_the_first_page() {
    assert_eq!(found_when_listed_newest_first(0).await, 1);
}

#[tokio::test]
async fn a_solaris_that_lists_newest_first_gets_its_copy_found_behind_newer_persons() {
    assert_eq!(
        found_when_listed_newest_first(250).await,
        3,
        "pages 1, 2, 3"
    );
}

#[tokio::test]
async fn a_creation_that_did_not_reach_solaris_looks_for_no_copy() {
    let (sandbox, db, client) = setup().await;
    sandbox
        .set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons", "status": 429, "times": 1}]}))
        .await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "Erika").await;
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let log = served(&sandbox, "GET", "/v1/persons").await;
    assert_eq!(person_lists(&log), 0);
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(headers["total"], "1");
}

#[tokio::test]
async fn the_search_for_a_copy_stops_at_its_cap_and_the_person_is_created() {
    let (sandbox, db, client) = setup().await;
    sandbox.set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons", "drop": "after", "times": 1}]})).await;
    let worker = Worker::new(db.clone(), client, options());
    let app = new_application(&db, "Erika").await;
    worker.run_once().await.unwrap();
    let (person, ..) = application(&db, &app).await;
    assert_eq!(person, None, "the first answer was lost");
    // Meanwhile other systems created more persons than the search reads, and some just
    // before it (seconds apart), so the copy is neither on the first page nor among the newest.
    let pages = work::PERSON_SEARCH_PAGES as usize;
    let others = 350 + 100 * pages + 50;
    other_persons(&sandbox, others, |i| {
        if i < 350 {
            -60_000 - 500 * i as i64
        } else {
            1000 * (i - 349) as i64
        }
    })
    .await;
    assert_eq!(settle(&db, &worker, &app).await, Progress::Idle);
    let lists = person_lists(&served(&sandbox, "GET", "/v1/persons").await);
    assert_eq!(lists, 1 + pages, "the first page, then the capped pages");
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(
        headers["total"],
        (others + 2).to_string(),
        "created anew at the cap"
    );
    let (person, ident, ..) = application(&db, &app).await;
    assert!(person.is_some() && ident.is_some());
}

#[tokio::test]
async fn a_read_waiting_for_its_retry_does_not_hold_up_the_work_queued_after_it() {
    let (_sandbox, db, worker, app) = refreshing_with_404s(None).await;
    work::enqueue_one(&db, &app, WorkKind::SyncPerson)
        .await
        .unwrap();
    let state = |kind: &'static str| {
        let db = db.clone();
        let app = app.clone();
        async move {
            let (state,): (String,) = sqlx::query_as(
                "select state from solaris_work where application_id = $1 and kind = $2",
            )
            .bind(&app)
            .bind(kind)
            .fetch_one(&db.pool)
            .await
            .unwrap();
            state
        }
    };
    for _ in 0..100 {
        worker.run_once().await.unwrap();
        if state("sync_person").await == "done" {
            assert_eq!(
                state("refresh_identification").await,
                "pending",
                "the read still waits for its retry"
            );
            return;
        }
    }
    panic!("the person read waited behind the failing status read");
}
