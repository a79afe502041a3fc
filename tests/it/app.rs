//! The app as a browser sees it: the welcome page, languages, sessions, static files and the
//! embedded sandbox, on the real router.

use crate::common;

use common::{fresh_database_url, settings};
use solaris_onboarding::startup::Server;

struct TestApp {
    base: String,
    http: reqwest::Client,
    db: solaris_onboarding::db::Db,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn spawn_app() -> TestApp {
    spawn_app_on(&fresh_database_url().await).await
}

/// The app on a given database (a second instance, or a restart, on the same one).
async fn spawn_app_on(database_url: &str) -> TestApp {
    let server = Server::app(settings(&[
        ("LISTEN_ADDR", "127.0.0.1:0"),
        ("DATABASE_URL", database_url),
    ]))
    .await
    .expect("the app starts");
    let base = format!("http://{}", server.addr);
    let db = server.db.clone();
    let task = tokio::spawn(async move {
        let _ = server.run().await;
    });
    TestApp {
        base,
        http: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        task,
    }
}

impl TestApp {
    async fn get(
        &self,
        path: &str,
        accept_language: &str,
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("accept-language", accept_language)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, res.text().await.unwrap())
    }
}

#[tokio::test]
async fn the_welcome_page_says_what_the_customer_will_do_and_need_in_english() {
    let app = spawn_app().await;
    let (status, _, html) = app.get("/", "en-GB,en;q=0.9").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="en""#));
    for text in [
        "Open your account",
        "passport or ID card",
        "proof of address",
        "SMS",
        "webcam and microphone",
        "German or English",
        r#"<form method="post" action="/start""#,
    ] {
        assert!(html.contains(text), "missing {text:?}");
    }
    assert!(!html.contains("<script src"), "no script is needed");
}

#[tokio::test]
async fn german_is_chosen_from_accept_language_and_the_switch_is_remembered() {
    let app = spawn_app().await;
    let (_, _, html) = app.get("/", "de-DE,de;q=0.9").await;
    assert!(html.contains(r#"<html lang="de""#));
    assert!(html.contains("Eröffnen Sie Ihr Konto"));
    assert!(html.contains("Deutsch oder Englisch"));
    assert!(
        !html.contains("Open your account"),
        "no mixed-language page"
    );

    let (_, headers, html) = app.get("/?lang=en", "de-DE").await;
    assert!(html.contains("Open your account"));
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    // The session remembers the choice over the browser's language.
    let (_, _, html) = app.get("/", "de-DE").await;
    assert!(html.contains("Open your account"));
}

#[tokio::test]
async fn a_plain_visit_writes_no_session_and_static_files_carry_no_cookie() {
    let app = spawn_app().await;
    let (_, headers, _) = app.get("/", "en").await;
    assert!(headers.get("set-cookie").is_none());
    let (status, headers, css) = app.get("/style/main.css", "en").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(css.contains(".site-header"));
    assert!(headers.get("set-cookie").is_none());
    let (status, _, svg) = app.get("/favicon.svg", "en").await;
    assert_eq!(status, 200);
    assert!(svg.contains("<svg"));
}

#[tokio::test]
async fn an_unknown_page_is_a_translated_404() {
    let app = spawn_app().await;
    let (status, _, html) = app.get("/no-such-page", "de").await;
    assert_eq!(status, 404);
    assert!(html.contains("Seite nicht gefunden"));
}

#[tokio::test]
async fn the_start_action_creates_an_application_in_a_fresh_session() {
    let app = spawn_app().await;
    app.get("/?lang=de", "de").await;
    let res = app
        .http
        .post(format!("{}/start", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/terms");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("onboarding_session="));
    // Back on the welcome page, the customer lands on the step they are at, and the language
    // chosen before the start survived the new session id.
    let (status, headers, _) = app.get("/", "en").await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/terms");
    let (_, _, html) = app.get("/terms", "en").await;
    assert!(html.contains("Allgemeine Geschäftsbedingungen der Solaris"));
}

#[tokio::test]
async fn a_start_from_another_site_is_refused() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(format!("{}/start", app.base))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let (_, headers, _) = app.get("/", "en").await;
    assert_eq!(headers["x-request-id"].to_str().unwrap().len(), 36);
}

#[tokio::test]
async fn the_sandbox_is_embedded_at_sandbox_without_the_session_layer() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(format!("{}/sandbox/oauth2/token", app.base))
        .basic_auth("sandbox-client", Some("sandbox-secret"))
        .form(&[("grant_type", "client_credentials"), ("scope", "partners")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("set-cookie").is_none());
    let token = res.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .http
        .post(format!("{}/sandbox/v1/persons", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"first_name": "X-MANUALTEST-HAPPYPATH", "last_name": "Beispiel"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let person = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ident: serde_json::Value = app
        .http
        .post(format!(
            "{}/sandbox/v1/persons/{person}/identifications",
            app.base
        ))
        .bearer_auth(&token)
        .json(&serde_json::json!({"method": "idnow"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = ident["id"].as_str().unwrap();
    let requested: serde_json::Value = app
        .http
        .patch(format!(
            "{}/sandbox/v1/persons/{person}/identifications/{id}/request",
            app.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The IDnow link points at the embedded sandbox, and its return goes to the app.
    let url = requested["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/sandbox/idnow/", app.base)),
        "{url}"
    );
}

#[tokio::test]
async fn the_standalone_sandbox_refuses_to_start_when_real_solaris_is_configured() {
    let db = fresh_database_url().await;
    let real = settings(&[
        ("DATABASE_URL", &db),
        ("SOLARIS_API_URL", "https://api.solaris-sandbox.de"),
        ("SOLARIS_AUTH_URL", "https://auth.solaris-sandbox.de"),
        ("SOLARIS_CLIENT_ID", "id"),
        ("SOLARIS_CLIENT_SECRET", "secret"),
        ("SMTP_URL", "smtp://127.0.0.1:2525"),
        ("MAIL_FROM", "onboarding@bank.example"),
    ]);
    let err = Server::sandbox(real, "127.0.0.1:0".parse().unwrap())
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("does not start"));
}

/// The session store answers what the database holds: on SQLite from its memory after the
/// first read, on PostgreSQL from the database each time.
#[tokio::test]
async fn the_session_store_never_answers_a_deleted_or_expired_session() {
    use solaris_onboarding::db::session_store::DbSessionStore;
    use solaris_onboarding::db::Db;
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

    let db = Db::connect(
        &fresh_database_url().await,
        solaris_onboarding::clock::Clock::manual_from_now(),
    )
    .await
    .unwrap();
    let store = DbSessionStore::new(db.clone());
    let in_an_hour = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let mut record = Record {
        id: Id::default(),
        data: [("lang".to_string(), serde_json::json!("de"))].into(),
        expiry_date: in_an_hour,
    };
    store.create(&mut record).await.unwrap();
    let loaded = store.load(&record.id).await.unwrap().expect("just created");
    assert_eq!(loaded.data, record.data);

    record
        .data
        .insert("lang".to_string(), serde_json::json!("en"));
    store.save(&record).await.unwrap();
    let loaded = store.load(&record.id).await.unwrap().unwrap();
    assert_eq!(loaded.data["lang"], "en", "a save is read back");

    store.delete(&record.id).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());

    // A session that expires while it is held in memory is no longer answered, and the purge
    // removes it from the database.
    let mut short = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::milliseconds(1500),
    };
    store.create(&mut short).await.unwrap();
    assert!(store.load(&short.id).await.unwrap().is_some());
    db.clock.advance(std::time::Duration::from_millis(1600));
    assert!(store.load(&short.id).await.unwrap().is_none());
    store.delete_expired().await.unwrap();
    let (left,): (i64,) = sqlx::query_as("select count(*) from session")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);

    // A second store on the same database (a restart) reads what the first one wrote.
    let mut kept = Record {
        id: Id::default(),
        data: [("lang".to_string(), serde_json::json!("de"))].into(),
        expiry_date: in_an_hour,
    };
    store.create(&mut kept).await.unwrap();
    let restarted = DbSessionStore::new(db);
    assert_eq!(
        restarted.load(&kept.id).await.unwrap().unwrap().data,
        kept.data
    );
}

/// A customer with an application keeps their session while they come back (the expiry moves
/// with a visit), at the cost of at most one session write an hour, not one per page view.
#[tokio::test]
async fn a_returning_customer_keeps_their_session_with_at_most_one_write_an_hour() {
    let database_url = fresh_database_url().await;
    // One browser (one cookie jar) for both instances.
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let writes_cookie = |res: &reqwest::Response| res.headers().get("set-cookie").is_some();

    let first = spawn_app_on(&database_url).await;
    let (base, db) = (&first.base, &first.db);
    let res = http.post(format!("{base}/start")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    http.get(format!("{base}/terms")).send().await.unwrap();
    let again = http.get(format!("{base}/terms")).send().await.unwrap();
    assert!(
        !writes_cookie(&again),
        "a page view within the hour writes nothing"
    );

    // Two hours later (as far as the session knows), with a few seconds left before it expires.
    let (id, data): (String, String) = sqlx::query_as("select id, data from session")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let mut data: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&data).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    data.insert("seen".into(), (now - 7200).into());
    sqlx::query("update session set data = $1, expires_at = $2 where id = $3")
        .bind(serde_json::to_string(&data).unwrap())
        .bind((now + 60) * 1000)
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    drop(first);

    // The app again (a restart: nothing of the session in memory), on the same database.
    let second = spawn_app_on(&database_url).await;
    let (base, db) = (&second.base, &second.db);
    let res = http
        .get(format!("{base}/identification/return"))
        .send()
        .await
        .unwrap();
    assert!(
        writes_cookie(&res),
        "the visit renewed the session and its cookie"
    );
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Max-Age=28800"), "{cookie}");
    let (expires_at,): (i64,) = sqlx::query_as("select expires_at from session where id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(
        expires_at > (now + 7 * 3600) * 1000,
        "the expiry moved by eight hours"
    );
    let again = http.get(format!("{base}/terms")).send().await.unwrap();
    assert!(!writes_cookie(&again));
}

#[tokio::test]
async fn the_welcome_page_the_404_and_a_journey_page_share_one_shell_without_framework_leftovers() {
    let app = spawn_app().await;
    let (_, _, welcome) = app.get("/", "en").await;
    let (_, _, missing) = app.get("/no-such-page", "en").await;
    let started = app
        .http
        .post(format!("{}/start", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 303);
    let (_, _, terms) = app.get("/terms", "en").await;
    for (name, html) in [("welcome", &welcome), ("404", &missing), ("terms", &terms)] {
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
            "{name}"
        );
        assert_eq!(
            html.matches("<header class=\"site-header\">").count(),
            1,
            "{name}"
        );
        assert_eq!(
            html.matches("<footer class=\"site-footer\">").count(),
            1,
            "{name}"
        );
        assert!(html.contains("provided by Solaris SE"), "{name}");
        assert!(html.ends_with("</html>"), "{name}: nothing after </html>");
        for leftover in ["<!>", "<!--", "<script>", "__RESOLVED_RESOURCES"] {
            assert!(!html.contains(leftover), "{name} carries {leftover}");
        }
    }
}

#[tokio::test]
async fn every_kind_of_route_carries_the_security_headers() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", app.base)).send();
    let responses = vec![
        ("page", get("/").await.unwrap()),
        ("404", get("/no-such-page").await.unwrap()),
        ("stylesheet", get("/style/main.css").await.unwrap()),
        ("static file", get("/public/status.js").await.unwrap()),
        ("favicon", get("/favicon.svg").await.unwrap()),
        ("sandbox API", get("/sandbox/v1/persons").await.unwrap()),
        (
            "sandbox IDnow page",
            get("/sandbox/idnow/x/identifications/y").await.unwrap(),
        ),
        (
            "webhook intake",
            http.post(format!("{}/webhooks/solaris", app.base))
                .body("{}")
                .send()
                .await
                .unwrap(),
        ),
    ];
    for (what, res) in responses {
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        // The embedded sandbox's IDnow page is our own origin: forms go nowhere else.
        assert!(csp.contains("form-action 'self';"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}");
        assert!(!csp.contains("127.0.0.1"), "{what}: {csp}");
        let permissions = h["permissions-policy"].to_str().unwrap();
        for feature in ["camera=()", "microphone=()", "geolocation=()"] {
            assert!(permissions.contains(feature), "{what}: {permissions}");
        }
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["x-frame-options"], "DENY", "{what}");
        assert_eq!(h["referrer-policy"], "same-origin", "{what}");
        // Plain http on loopback: no HSTS (it would pin the demo's browser to https).
        assert!(!h.contains_key("strict-transport-security"), "{what}");
    }
}

#[tokio::test]
async fn pages_link_fingerprinted_assets_that_may_be_cached_for_a_year() {
    let app = spawn_app().await;
    let (_, _, html) = app.get("/", "en").await;
    let href = html
        .split(r#"rel="stylesheet" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    assert!(
        href.starts_with("/assets/main-") && href.ends_with(".css"),
        "{href}"
    );
    let (status, headers, css) = app.get(&href, "en").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(headers.get("set-cookie").is_none());
    // The name is the content's fingerprint.
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(css.as_bytes()))
    };
    assert_eq!(&href["/assets/main-".len()..href.len() - 4], &digest[..16]);
    let (_, _, old) = app.get("/style/main.css", "en").await;
    assert_eq!(old, css, "the old name still serves the same file");
    let (status, _, _) = app.get("/assets/main-0000000000000000.css", "en").await;
    assert_eq!(status, 404);
}
