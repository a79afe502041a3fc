//! A customer's browser without JavaScript: plain form posts with the session cookie and
//! redirects not followed, against the real app with the embedded sandbox.
#![allow(dead_code)]

use std::time::Duration;

use reqwest::StatusCode;
use solaris_onboarding::clock::Clock;
use solaris_onboarding::startup::{Background, Loops, Server};

use super::{browser, eventually, fresh_database_url, settings};

pub struct Customer {
    pub base: String,
    pub http: reqwest::Client,
    pub lang: &'static str,
    /// Every page body seen, to scan for the IDnow reference.
    seen: std::sync::Mutex<Vec<String>>,
    /// The app's database, for tests that look at what is stored.
    pub db: solaris_onboarding::db::Db,
    /// `http://ADDR` of the app's metrics listener.
    pub metrics: String,
    /// The app's `DATABASE_URL`.
    pub database_url: String,
    /// The app's clock (and the embedded sandbox's).
    pub clock: Clock,
    /// The app's background work; with [`Loops::Manual`] it runs only when the test settles it.
    pub background: Background,
    pub loops: Loops,
    /// The seed of the sandbox's faults (`SANDBOX_SEED`), told when the test fails.
    pub seed: u64,
    _task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Customer {
    fn drop(&mut self) {
        if self._task.is_some() && std::thread::panicking() {
            eprintln!(
                "SANDBOX_SEED={} replays this test's sandbox faults (SANDBOX_SEED=... cargo nextest run NAME)",
                self.seed
            );
        }
    }
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn csrf(&self) -> String {
        let start = self
            .body
            .find("name=\"_csrf\" value=\"")
            .expect("the page has a form")
            + 20;
        self.body[start..start + 64].to_string()
    }
    pub fn value_of(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker).unwrap() + marker.len();
        let end = self.body[start..].find('"').unwrap();
        self.body[start..start + end].to_string()
    }
    pub fn redirected_to(&self, path: &str) {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{}", self.body);
        assert_eq!(self.location.as_deref(), Some(path));
    }
}

/// One builder for the app under test: its database (a fresh one), settings, clock and loops.
/// `TestApp::new()` is the app as deployed, its loops running on the wall clock;
/// `TestApp::manual()` stands its clock still and runs its background work only when the
/// test settles it (every request of the [`Customer`] does), so that a test steps through the
/// guide's real durations with [`Customer::advance`] and races nothing.
pub struct TestApp {
    vars: Vec<(String, String)>,
    clock: Clock,
    loops: Loops,
}

impl TestApp {
    pub fn new() -> TestApp {
        TestApp {
            vars: Vec::new(),
            clock: Clock::system(),
            loops: Loops::Run,
        }
    }

    /// A manual clock, starting at the wall clock's time, and the loops left to the test.
    pub fn manual() -> TestApp {
        TestApp {
            clock: Clock::manual_from_now(),
            loops: Loops::Manual,
            ..TestApp::new()
        }
    }

    pub fn with(mut self, vars: &[(&str, &str)]) -> TestApp {
        self.vars
            .extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self
    }

    /// The app with the embedded sandbox at the guide's real delays, and its first customer.
    pub async fn spawn(self, lang: &'static str) -> Customer {
        if std::env::var_os("TEST_LOG").is_some() {
            // `TEST_LOG=1 RUST_LOG=debug cargo nextest run ...` shows the app's log lines.
            solaris_onboarding::telemetry::init(solaris_onboarding::config::LogFormat::Pretty);
        }
        let db = fresh_database_url().await;
        // The faults' chance: the seed given to replay a failure, or a new one.
        let seed = super::sandbox_seed();
        let seed_text = seed.to_string();
        let mut vars = vec![
            ("LISTEN_ADDR", "127.0.0.1:0"),
            ("DATABASE_URL", db.as_str()),
            ("SANDBOX_TIME_SCALE", "1"),
            ("SANDBOX_SEED", seed_text.as_str()),
        ];
        vars.extend(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let server = Server::app_with(settings(&vars), self.clock.clone(), self.loops)
            .await
            .unwrap();
        let mut customer = Customer::of(server, db, self.clock, self.loops, lang);
        customer.seed = seed;
        customer
    }
}

impl Default for TestApp {
    fn default() -> Self {
        TestApp::new()
    }
}

/// The app with the embedded sandbox at the guide's real delays, on the manual clock with its
/// background work settled by each request; `extra` adds settings.
pub async fn spawn_with(lang: &'static str, extra: &[(&str, &str)]) -> Customer {
    TestApp::manual().with(extra).spawn(lang).await
}

impl Customer {
    fn of(server: Server, db: String, clock: Clock, loops: Loops, lang: &'static str) -> Customer {
        let db_handle = server.db.clone();
        let background = server
            .background
            .clone()
            .expect("the app has background work");
        let metrics = format!(
            "http://{}",
            server.metrics_addr.expect("the app serves metrics")
        );
        let base = format!("http://{}", server.addr);
        let task = tokio::spawn(async move {
            let _ = server.run().await;
        });
        Customer {
            base,
            http: browser(),
            lang,
            seen: Default::default(),
            db: db_handle,
            metrics,
            database_url: db,
            clock,
            background,
            loops,
            seed: 0,
            _task: Some(task),
        }
    }

    /// Runs the app's background work until nothing is left (what its loops would do by now).
    pub async fn settle(&self) -> solaris_onboarding::startup::Settled {
        self.background
            .settle()
            .await
            .expect("the background work settles")
    }

    /// Sends a request; with manual loops, settles the background work while the request is
    /// open (a page may wait on the work queue) and once after it.
    async fn send(&self, request: reqwest::RequestBuilder) -> reqwest::Response {
        if self.loops == Loops::Run {
            return request.send().await.unwrap();
        }
        // Never cancelled halfway: an item taken and dropped would keep its lease on a clock
        // that stands still.
        let sent = tokio::spawn(request.send());
        while !sent.is_finished() {
            self.settle().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let res = sent.await.unwrap().unwrap();
        self.settle().await;
        res
    }
}

pub async fn spawn(lang: &'static str) -> Customer {
    spawn_with(lang, &[]).await
}

impl Customer {
    /// From the documents step: a German ID card that shows the address, then the checklist;
    /// ends on the page with the button to IDnow.
    pub async fn german_id_card_to_redirect(&self) {
        self.submit(
            "/documents",
            &[
                ("document_type", "National ID Card"),
                ("document_country", "DE"),
                ("document_version", "DEU-BO-02001"),
            ],
        )
        .await
        .redirected_to("/checklist");
        self.submit("/checklist", &[])
            .await
            .redirected_to("/identification/start");
    }

    /// Another customer, in a browser of their own, on the same app.
    pub fn another(&self, lang: &'static str) -> Customer {
        Customer {
            base: self.base.clone(),
            http: browser(),
            lang,
            seen: Default::default(),
            db: self.db.clone(),
            metrics: self.metrics.clone(),
            database_url: self.database_url.clone(),
            clock: self.clock.clone(),
            background: self.background.clone(),
            loops: self.loops,
            seed: self.seed,
            _task: None,
        }
    }

    /// Starts an application and accepts both consents, as the texts were shown.
    pub async fn consent(&self) {
        let res = self
            .http
            .post(self.url("/start"))
            .header("origin", &self.base)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        self.accept_consents().await;
    }

    /// Accepts both consents of a started application, as the texts were shown.
    pub async fn accept_consents(&self) {
        for (path, next) in [("/terms", "/privacy"), ("/privacy", "/details/person")] {
            let page = self.get(path).await;
            self.post(
                path,
                &page.csrf(),
                &[("accept", "yes"), ("version", &page.value_of("version"))],
            )
            .await
            .redirected_to(next);
        }
    }

    /// Waits (bounded) until the app has subscribed to Solaris' webhooks, which it does in the
    /// background once it serves, so that status changes reach it.
    pub async fn subscribed(&self) {
        eventually("the app subscribes to the five webhooks", || async {
            let (n,): (i64,) = sqlx::query_as(
                "select count(*) from webhook_subscription where secret is not null",
            )
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
            if n == 5 {
                Ok(())
            } else {
                Err(n)
            }
        })
        .await
    }
}

impl Customer {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn read(&self, res: reqwest::Response) -> Page {
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let headers = format!("{:?}", res.headers());
        let body = res.text().await.unwrap();
        self.seen.lock().unwrap().push(format!(
            "{headers}\n{}\n{body}",
            location.clone().unwrap_or_default()
        ));
        Page {
            status,
            location,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .send(
                self.http
                    .get(self.url(path))
                    .header("accept-language", self.lang),
            )
            .await;
        self.read(res).await
    }

    pub async fn post(&self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf)];
        form.extend_from_slice(fields);
        let res = self
            .send(
                self.http
                    .post(self.url(path))
                    .header("accept-language", self.lang)
                    .header("origin", &self.base)
                    .form(&form),
            )
            .await;
        self.read(res).await
    }

    /// GETs the page and submits its form with these fields (and the version of the data the
    /// review shows, as a browser would).
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        let mut fields = fields.to_vec();
        let version = page
            .body
            .contains("name=\"data_version\"")
            .then(|| page.value_of("data_version"));
        if let Some(v) = &version {
            fields.push(("data_version", v));
        }
        self.post(path, &page.csrf(), &fields).await
    }

    /// Moves the clock of the app and its sandbox (through the sandbox's control, as a tester
    /// would), which runs the sandbox's steps now due; with manual loops, then settles.
    pub async fn advance(&self, seconds: u64) -> solaris_onboarding::startup::Settled {
        let res = self
            .http
            .post(self.url("/sandbox/_sandbox/clock/advance"))
            .json(&serde_json::json!({"seconds": seconds}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        if self.loops == Loops::Manual {
            self.settle().await
        } else {
            Default::default()
        }
    }

    /// A control endpoint of the embedded sandbox (`/sandbox/_sandbox/...`), as JSON.
    async fn sandbox_control(&self, what: &str) -> Vec<serde_json::Value> {
        self.http
            .get(self.url(&format!("/sandbox/_sandbox/{what}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The requests the embedded sandbox served, oldest first.
    pub async fn sandbox_log(&self) -> Vec<serde_json::Value> {
        self.sandbox_control("log").await
    }

    /// The events the embedded sandbox's event box received for the bank, newest first.
    pub async fn event_box(&self) -> Vec<serde_json::Value> {
        self.sandbox_control("events").await
    }

    /// Sets the embedded sandbox's faults (`{"routes": [...], "webhooks": {...}}`).
    pub async fn set_faults(&self, faults: serde_json::Value) {
        let res = self
            .http
            .put(self.url("/sandbox/_sandbox/faults"))
            .json(&faults)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }

    /// Follows the waiting page until the work is done.
    pub async fn wait_on(&self, path: &str) -> Page {
        eventually(&format!("{path} moves on"), || async {
            let page = self.get(path).await;
            if page.status != StatusCode::OK {
                Ok(page)
            } else {
                Err(page.status)
            }
        })
        .await
    }

    /// Reads the return page until it shows `status`.
    pub async fn status_becomes(&self, status: &str) -> Page {
        eventually(&format!("the return page shows {status}"), || async {
            let page = self.get("/identification/return").await;
            if page.body.contains(&format!("data-status=\"{status}\"")) {
                Ok(page)
            } else {
                Err(page.body)
            }
        })
        .await
    }

    pub fn reference_never_seen(&self) {
        for page in self.seen.lock().unwrap().iter() {
            assert!(
                !page.contains("TST-"),
                "an IDnow reference reached the customer: {page}"
            );
        }
    }
}

/// A valid contact screen: a German address.
pub const CONTACT: &[(&str, &str)] = &[
    ("mobile_number", "0151 23456789"),
    ("email", "erika@example.com"),
    ("address[line_1]", "Teststraße"),
    ("address[line_2]", "1"),
    ("address[postal_code]", "10115"),
    ("address[city]", "Berlin"),
    ("address[state]", "BE"),
    ("address[country]", "DE"),
    ("tax_information[tax_assessment_country]", "DE"),
];

/// The person screen filled in validly, with `first_name` as typed.
pub fn person_with(first_name: &str) -> Vec<(&str, &str)> {
    vec![
        ("salutation", "NONE"),
        ("first_name", first_name),
        ("last_name", "Beispiel"),
        ("birth_date[day]", "01"),
        ("birth_date[month]", "01"),
        ("birth_date[year]", "1990"),
        ("birth_city", "Musterstadt"),
        ("birth_country", "DE"),
        ("nationality", "DE"),
        ("employment_status", "STUDENT"),
        ("marital_status", "SINGLE"),
    ]
}

/// From the welcome page to the redirect to IDnow; returns the IDnow URL.
pub async fn sign_up(c: &Customer, first_name: &str) -> String {
    confirmed(c, first_name).await;
    c.german_id_card_to_redirect().await;
    let go = c.submit("/identification/start", &[]).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    let url = go.location.unwrap();
    assert!(url.contains("/sandbox/idnow/"), "{url}");
    url
}

/// From the welcome page through the confirmed review to the documents step.
pub async fn confirmed(c: &Customer, first_name: &str) {
    c.subscribed().await;
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    c.consent().await;
    c.submit("/details/person", &person_with(first_name))
        .await
        .redirected_to("/details/contact");
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    let review = c.get("/review").await;
    assert!(review.body.contains(first_name) && review.body.contains("+4915123456789"));
    c.post(
        "/review",
        &review.csrf(),
        &[("data_version", &review.value_of("data_version"))],
    )
    .await
    .redirected_to("/preparing");
    c.wait_on("/preparing").await.redirected_to("/documents");
}

impl Customer {
    /// The customer at the sandbox's IDnow page `url`: consent and the mobile number. Returns
    /// where IDnow sends the browser next.
    pub async fn start_at_idnow(&self, url: &str) -> String {
        self.idnow_form(&format!("{url}/start"), super::IDNOW_START)
            .await
    }

    /// Posts a form of the sandbox's IDnow page to `action`; returns where IDnow sends the
    /// browser next, once the app's background work has settled.
    async fn idnow_form(&self, action: &str, form: &[(&str, &str)]) -> String {
        let res = self.http.post(action).form(form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        self.settle().await;
        res.headers()["location"].to_str().unwrap().to_string()
    }

    /// The ident code from the SMS ends the call at the IDnow page `url`, with the tester's
    /// `outcome` where no test case decides it. Returns where IDnow sends the browser next.
    pub async fn ident_code(&self, url: &str, outcome: Option<&str>) -> String {
        let mut form = vec![("code", "123456")];
        form.extend(outcome.map(|o| ("outcome", o)));
        self.idnow_form(&format!("{url}/code"), &form).await
    }

    /// The subjects of the development mailbox's mails, oldest first.
    pub async fn subjects(&self) -> Vec<String> {
        let mut subjects: Vec<String> = self
            .mailbox()
            .await
            .iter()
            .map(|m| m["subject"].as_str().unwrap_or_default().to_string())
            .collect();
        subjects.reverse();
        subjects
    }

    /// A GET of the embedded sandbox's Solaris API, with a token of its own.
    pub async fn sandbox_json(&self, path: &str) -> serde_json::Value {
        let token: serde_json::Value = self
            .http
            .post(self.url("/sandbox/oauth2/token"))
            .basic_auth("sandbox-client", Some("sandbox-secret"))
            .form(&[("grant_type", "client_credentials"), ("scope", "partners")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        self.http
            .get(self.url(&format!("/sandbox{path}")))
            .bearer_auth(token["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The development mailbox (`GET /sandbox/_sandbox/mail`), newest first.
    pub async fn mailbox(&self) -> Vec<serde_json::Value> {
        self.sandbox_control("mail").await
    }

    /// How many mails in the development mailbox have `needle` in their subject.
    pub async fn mails_with_subject(&self, needle: &str) -> usize {
        self.mailbox()
            .await
            .iter()
            .filter(|m| m["subject"].as_str().unwrap_or_default().contains(needle))
            .count()
    }

    /// The newest mail in the development mailbox whose subject contains `needle`, once it is
    /// there.
    pub async fn mail_with_subject(&self, needle: &str) -> serde_json::Value {
        eventually(
            &format!("a mail with {needle:?} in its subject"),
            || async {
                let mailbox = self.mailbox().await;
                match mailbox
                    .iter()
                    .find(|m| m["subject"].as_str().unwrap_or_default().contains(needle))
                {
                    Some(m) => Ok(m.clone()),
                    None => Err(mailbox),
                }
            },
        )
        .await
    }

    pub async fn wait_on_complete(&self) -> Page {
        eventually("the completion page shows the data", || async {
            let page = self.get("/complete").await;
            if page.body.contains("person-data") {
                Ok(page)
            } else {
                Err(page.body)
            }
        })
        .await
    }
}

/// Every text of every table the app owns that holds one of the test person's data.
pub async fn personal_data_in(db: &solaris_onboarding::db::Db) -> Vec<String> {
    found_in(
        db,
        &[
            "X-MANUALTEST-HAPPYPATH",
            "Beispiel",
            "Musterstadt",
            "erika@example.com",
            "4915123456789",
            "Teststraße",
        ],
    )
    .await
}

/// Every text of every table the app owns that holds one of `data`, as `table: datum`.
pub async fn found_in(db: &solaris_onboarding::db::Db, data: &[&str]) -> Vec<String> {
    use sqlx::Row;
    let mut found = Vec::new();
    for table in [
        "application",
        "consent",
        "consent_text",
        "solaris_work",
        "webhook_inbox",
        "webhook_subscription",
        "erasure_log",
        "session",
        "application_event",
        "attention",
        "identification_evidence",
        "audit_log",
        "attention_comment",
    ] {
        let rows = sqlx::query(&format!("select * from {table}"))
            .fetch_all(&db.pool)
            .await
            .unwrap();
        for row in rows {
            for i in 0..row.len() {
                // Text columns only; numbers do not decode as text.
                let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) else {
                    continue;
                };
                for datum in data {
                    if text.contains(datum) {
                        found.push(format!("{table}: {datum}"));
                    }
                }
            }
        }
    }
    found
}
