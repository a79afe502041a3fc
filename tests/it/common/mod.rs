//! Test helpers: a fresh database per test (SQLite file, or PostgreSQL when `TEST_POSTGRES`
//! names a server), the real servers on port 0, and a webhook receiver on loopback.
#![allow(dead_code)]

pub mod binary;
pub mod customer;
pub mod smtp;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use solaris_onboarding::config::Settings;
use solaris_onboarding::startup::Server;
use sqlx::Connection;

/// A database URL no other test uses, migrated: a copy of a template database that the first
/// test of a run migrates (PostgreSQL `CREATE DATABASE … TEMPLATE`, a copied file on SQLite),
/// so that no test runs the migrations again. The template's name holds a digest of the
/// migrations, so a changed migration makes a new one.
pub async fn fresh_database_url() -> String {
    let name = format!("t{}", uuid::Uuid::new_v4().simple());
    match std::env::var("TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(server) => {
            sqlx::any::install_default_drivers();
            let server = server.trim_end_matches('/');
            let mut admin = sqlx::AnyConnection::connect(&format!("{server}/postgres"))
                .await
                .expect("TEST_POSTGRES must reach a PostgreSQL server");
            let template = postgres_template(&mut admin, server).await;
            sqlx::query(&format!("create database {name} template {template}"))
                .execute(&mut admin)
                .await
                .expect("create a test database");
            format!("{server}/{name}")
        }
        None => {
            let dir = std::env::temp_dir().join("solaris-onboarding-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let template = sqlite_template(&dir).await;
            let path = dir.join(format!("{name}.db"));
            std::fs::copy(&template, &path).expect("copy the template database");
            format!("sqlite://{}", path.display())
        }
    }
}

/// A digest of the migrations' names and contents.
fn migrations_digest() -> String {
    use sha2::{Digest, Sha256};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the migrations folder")
        .map(|e| e.expect("a migration").path())
        .collect();
    files.sort();
    let mut digest = Sha256::new();
    for file in files {
        digest.update(file.file_name().unwrap().as_encoded_bytes());
        digest.update(std::fs::read(&file).expect("a migration's text"));
    }
    hex::encode(&digest.finalize()[..8])
}

/// The migrated template on PostgreSQL, made once per digest under an advisory lock, so that
/// tests starting together (each in its own process) wait for the first.
async fn postgres_template(admin: &mut sqlx::AnyConnection, server: &str) -> String {
    let template = format!("tmpl_{}", migrations_digest());
    sqlx::query("select pg_advisory_lock(7301)")
        .execute(&mut *admin)
        .await
        .expect("the template lock");
    let (ready,): (i64,) =
        sqlx::query_as("select count(*) from pg_database where datname = $1 and datistemplate")
            .bind(&template)
            .fetch_one(&mut *admin)
            .await
            .unwrap();
    if ready == 0 {
        let building = format!("{template}_building");
        for statement in [
            format!("drop database if exists {building}"),
            format!("create database {building}"),
        ] {
            sqlx::query(&statement).execute(&mut *admin).await.unwrap();
        }
        let db = solaris_onboarding::db::Db::connect(
            &format!("{server}/{building}"),
            solaris_onboarding::clock::Clock::system(),
        )
        .await
        .expect("migrate the template");
        db.pool.close().await;
        db.writer.close().await;
        drop(db);
        for statement in [
            format!("alter database {building} rename to {template}"),
            format!("alter database {template} is_template true"),
        ] {
            sqlx::query(&statement).execute(&mut *admin).await.unwrap();
        }
    }
    sqlx::query("select pg_advisory_unlock(7301)")
        .execute(&mut *admin)
        .await
        .unwrap();
    template
}

/// The migrated template on SQLite: a file made once per digest under a file lock.
async fn sqlite_template(dir: &std::path::Path) -> std::path::PathBuf {
    let template = dir.join(format!("template-{}.db", migrations_digest()));
    if template.exists() {
        return template;
    }
    let lock = std::fs::File::create(dir.join("template.lock")).expect("the template lock");
    lock.lock().expect("take the template lock");
    if !template.exists() {
        let building = dir.join(format!("building-{}.db", uuid::Uuid::new_v4().simple()));
        let db = solaris_onboarding::db::Db::connect(
            &format!("sqlite://{}", building.display()),
            solaris_onboarding::clock::Clock::system(),
        )
        .await
        .expect("migrate the template");
        // One file, without the write-ahead log beside it; renamed into place when whole.
        let whole = dir.join(format!("whole-{}.db", uuid::Uuid::new_v4().simple()));
        sqlx::query(&format!("vacuum into '{}'", whole.display()))
            .execute(&db.writer)
            .await
            .expect("write the template");
        db.pool.close().await;
        db.writer.close().await;
        drop(db);
        std::fs::rename(&whole, &template).expect("the template in place");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
        }
    }
    let _ = lock.unlock();
    template
}

/// Settings as a deployment would give them, from a map of variables.
/// The one deadline of the suite's few real waits (an answer over a socket, a process that
/// starts): generous, since a wait that ends early costs nothing.
pub const DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

/// Waits until `probe` answers `Ok`, asking again every 25 ms until [`DEADLINE`]; then fails
/// naming `what` and the last value the probe saw. Only for what real time decides (a server
/// answering, a process writing a file): time on the app's clock is moved, never waited for.
pub async fn eventually<T, Seen, F, Fut>(what: &str, mut probe: F) -> T
where
    Seen: std::fmt::Debug,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Seen>>,
{
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        match probe().await {
            Ok(value) => return value,
            Err(seen) if tokio::time::Instant::now() >= deadline => {
                panic!("never happened within {DEADLINE:?}: {what}; last seen: {seen:?}")
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(25)).await,
        }
    }
}

/// A browser of its own: a cookie jar, redirects not followed.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A browser that has started an application at the app at `base`.
pub async fn started_browser(base: &str) -> reqwest::Client {
    let browser = browser();
    let started = browser
        .post(format!("{base}/start"))
        .header("origin", base)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 303);
    browser
}

pub fn settings(vars: &[(&str, &str)]) -> Settings {
    // Many apps run in one test process: each takes a free port for its metrics.
    let mut map: HashMap<String, String> =
        HashMap::from([("METRICS_LISTEN_ADDR".to_string(), "127.0.0.1:0".to_string())]);
    map.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Settings::from_source(|k| map.get(k).cloned()).expect("valid test settings")
}

/// An app instance on `database_url` with `extra` settings, until its sender is used or
/// dropped; the task ends when the instance has drained.
pub async fn instance(
    database_url: &str,
    extra: &[(&str, &str)],
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let mut vars = vec![
        ("LISTEN_ADDR", "127.0.0.1:0"),
        ("DATABASE_URL", database_url),
    ];
    vars.extend_from_slice(extra);
    let server = Server::app(settings(&vars))
        .await
        .expect("an instance starts");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = server
            .run_until(async move {
                let _ = stopped.await;
            })
            .await;
    });
    (stop, task)
}

/// What a confirmed review hands to the work queue: the person (the guide's test name in
/// `first_name`, an obviously fake person otherwise) and an IDnow identification in English.
pub fn submission(
    first_name: &str,
    email: &str,
) -> (
    solaris_onboarding::solaris::types::NewPerson,
    solaris_onboarding::solaris::types::NewIdentification,
) {
    use solaris_onboarding::solaris::types::{
        IdentificationMethod, Language, NewIdentification, NewPerson,
    };
    let person = NewPerson {
        first_name: first_name.into(),
        last_name: "Beispiel".into(),
        birth_date: Some("1990-01-01".into()),
        birth_city: Some("Musterstadt".into()),
        email: Some(email.into()),
        terms_conditions_signed_at: "2026-11-25T10:00:00Z".into(),
        data_terms_signed_at: "2026-11-25T10:00:01Z".into(),
        ..NewPerson::default()
    };
    let identification = NewIdentification {
        method: IdentificationMethod::Idnow,
        language: Some(Language::En),
        proof_of_address_type: None,
        proof_of_address_issued_at: None,
    };
    (person, identification)
}

/// The sandbox's IDnow page's start form as a customer fills it in: IDnow's terms, the
/// recording, the document at hand, and a mobile number.
pub const IDNOW_START: &[(&str, &str)] = &[
    ("terms", "on"),
    ("recording", "on"),
    ("document", "on"),
    ("mobile_number", "+15550101"),
];

pub const CLIENT_ID: &str = "test-client";
pub const CLIENT_SECRET: &str = "test-secret";

/// A standalone sandbox on port 0, with a real clock scale of 1 so that tests move time by
/// advancing the sandbox clock, never by sleeping.
pub struct TestSandbox {
    pub base: String,
    pub http: reqwest::Client,
    pub database_url: String,
    /// The seed of its faults' chance (`SANDBOX_SEED`), told when the test fails.
    pub seed: u64,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestSandbox {
    fn drop(&mut self) {
        self.task.abort();
        if std::thread::panicking() {
            eprintln!(
                "SANDBOX_SEED={} replays this test's sandbox faults",
                self.seed
            );
        }
    }
}

/// The seed given to replay a failure (`SANDBOX_SEED`), or a new one.
pub fn sandbox_seed() -> u64 {
    std::env::var("SANDBOX_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random)
}

impl TestSandbox {
    pub async fn spawn() -> TestSandbox {
        Self::spawn_on(&fresh_database_url().await, &[]).await
    }

    pub async fn spawn_on(database_url: &str, extra: &[(&str, &str)]) -> TestSandbox {
        let seed = sandbox_seed();
        let seed_text = seed.to_string();
        let mut vars = vec![
            ("SANDBOX_SEED", seed_text.as_str()),
            ("DATABASE_URL", database_url),
            ("SANDBOX_CLIENT_ID", CLIENT_ID),
            ("SANDBOX_CLIENT_SECRET", CLIENT_SECRET),
            ("SANDBOX_TIME_SCALE", "1"),
            (
                "SANDBOX_RETURN_URL",
                "http://127.0.0.1:9/identification/return?transaction_number={transaction_number}",
            ),
        ];
        vars.extend_from_slice(extra);
        let server = Server::sandbox(settings(&vars), "127.0.0.1:0".parse().unwrap())
            .await
            .expect("sandbox starts");
        let base = format!("http://{}", server.addr);
        let task = tokio::spawn(async move {
            let _ = server.run().await;
        });
        TestSandbox {
            base,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            database_url: database_url.to_string(),
            seed,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn token(&self) -> String {
        let res = self
            .http
            .post(self.url("/oauth2/token"))
            .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
            .form(&[("grant_type", "client_credentials"), ("scope", "partners")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A Solaris call with a fresh token: (status, headers, JSON body or Null).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, HeaderMap, Value) {
        let token = self.token().await;
        self.call_with(&token, method, path, body).await
    }

    pub async fn call_with(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, HeaderMap, Value) {
        let mut req = self
            .http
            .request(method.parse().unwrap(), self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("the sandbox answers");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    pub async fn create_person(&self, first_name: &str) -> String {
        let (status, _, body) = self
            .call(
                "POST",
                "/v1/persons",
                Some(json!({
                    "salutation": "MS",
                    "first_name": first_name,
                    "last_name": "Beispiel",
                    "birth_date": "1990-01-01",
                    "birth_city": "Musterstadt",
                    "nationality": "DE",
                    "mobile_number": "+15550101",
                    "address": {"line_1": "Teststraße", "line_2": "1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
                    "terms_conditions_signed_at": "2026-11-25T10:00:00Z",
                    "data_terms_signed_at": "2026-11-25T10:00:01Z"
                })),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    /// A person whose job title was then changed, which fires `PERSON_CHANGED`.
    pub async fn changed_person(&self) -> String {
        let person = self.create_person("Erika").await;
        let (status, _, body) = self
            .call(
                "PATCH",
                &format!("/v1/persons/{person}"),
                Some(json!({"job_title": "Testerin"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        person
    }

    /// A person with a created identification: (person id, identification id).
    pub async fn create_identification(&self, first_name: &str) -> (String, String) {
        let person = self.create_person(first_name).await;
        let (status, _, body) = self
            .call(
                "POST",
                &format!("/v1/persons/{person}/identifications"),
                Some(json!({"method": "idnow", "language": "EN"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        (person, body["id"].as_str().unwrap().to_string())
    }

    pub async fn request(&self, person: &str, ident: &str) -> (u16, Value) {
        let (s, _, b) = self
            .call(
                "PATCH",
                &format!("/v1/persons/{person}/identifications/{ident}/request"),
                None,
            )
            .await;
        (s, b)
    }

    pub async fn identification(&self, person: &str, ident: &str) -> Value {
        let (s, _, b) = self
            .call(
                "GET",
                &format!("/v1/persons/{person}/identifications/{ident}"),
                None,
            )
            .await;
        assert_eq!(s, 200, "{b}");
        b
    }

    pub async fn person(&self, person: &str) -> Value {
        let (s, _, b) = self
            .call("GET", &format!("/v1/persons/{person}"), None)
            .await;
        assert_eq!(s, 200, "{b}");
        b
    }

    pub async fn advance(&self, seconds: u64) {
        let res = self
            .http
            .post(self.url("/_sandbox/clock/advance"))
            .json(&json!({ "seconds": seconds }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }

    pub async fn set_faults(&self, faults: Value) {
        let res = self
            .http
            .put(self.url("/_sandbox/faults"))
            .json(&faults)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }

    /// A control endpoint's answer (`/_sandbox/...`), as JSON.
    pub async fn control<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn log(&self) -> Vec<Value> {
        self.control("/_sandbox/log").await
    }

    pub async fn deliveries(&self, event_type: &str) -> Vec<Value> {
        self.control(&format!("/_sandbox/deliveries?event_type={event_type}"))
            .await
    }

    /// Subscribes the receiver to an event type; returns (subscription id, secret).
    pub async fn subscribe(&self, event_type: &str, url: &str) -> (String, String) {
        let (s, _, b) = self
            .call(
                "POST",
                "/v1/webhooks",
                Some(json!({"event_type": event_type, "url": url})),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        (
            b["id"].as_str().unwrap().to_string(),
            b["secret"].as_str().unwrap().to_string(),
        )
    }
}

/// One request the webhook receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Clone, Default)]
struct ReceiverState {
    received: Arc<Mutex<Vec<Received>>>,
    /// Statuses to answer, in turn; 200 when used up.
    answers: Arc<Mutex<Vec<u16>>>,
}

/// A partner's webhook endpoint on loopback that records what it gets.
pub struct Receiver {
    pub url: String,
    state: ReceiverState,
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let ping = headers
        .get("solaris-webhook-event-type")
        .is_some_and(|v| v == "WEBHOOK-SUBSCRIPTION");
    state
        .received
        .lock()
        .unwrap()
        .push(Received { headers, body });
    if ping {
        return StatusCode::OK;
    }
    let mut answers = state.answers.lock().unwrap();
    let status = if answers.is_empty() {
        200
    } else {
        answers.remove(0)
    };
    StatusCode::from_u16(status).unwrap()
}

impl Receiver {
    pub async fn start() -> Receiver {
        let state = ReceiverState::default();
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            state,
        }
    }

    pub fn answer_with(&self, statuses: &[u16]) {
        *self.state.answers.lock().unwrap() = statuses.to_vec();
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// Deliveries of one event type (the verification ping left out).
    pub fn events(&self, event_type: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.header("solaris-webhook-event-type") == event_type)
            .collect()
    }

    /// Waits until `pred` holds over what was received.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        eventually(&format!("the receiver gets {what}"), || async {
            let got = self.received();
            if pred(&got) {
                Ok(got)
            } else {
                Err(got)
            }
        })
        .await
    }
}

/// Waits until the sandbox's delivery list satisfies `pred`.
pub async fn wait_deliveries(
    sandbox: &TestSandbox,
    event_type: &str,
    pred: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    eventually("the deliveries reach the expected state", || async {
        let d = sandbox.deliveries(event_type).await;
        if pred(&d) {
            Ok(d)
        } else {
            Err(d)
        }
    })
    .await
}

/// Waits until `count_query` (one `count(*)`) gives `wanted`.
pub async fn wait_until(
    db: &solaris_onboarding::db::Db,
    what: &str,
    count_query: &str,
    wanted: i64,
) {
    eventually(what, || async {
        let (n,): (i64,) = sqlx::query_as(count_query)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if n == wanted {
            Ok(())
        } else {
            Err(n)
        }
    })
    .await
}
