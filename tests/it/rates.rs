//! One client cannot start applications or post forms without limit; others are unaffected,
//! and a forged `X-Forwarded-For` changes nothing.

use crate::common;

use common::{fresh_database_url, settings};
use solaris_onboarding::startup::Server;

async fn app(extra: &[(&str, &str)]) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let db = fresh_database_url().await;
    let mut vars = vec![
        ("LISTEN_ADDR", "127.0.0.1:0"),
        ("DATABASE_URL", db.as_str()),
    ];
    vars.extend_from_slice(extra);
    let server = Server::app(settings(&vars)).await.expect("the app starts");
    let base = format!("http://{}", server.addr);
    (base, tokio::spawn(server.run()))
}

/// A start by a new browser (no cookie) behind the proxy as `client`.
async fn start(base: &str, client: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}/start"))
        .header("origin", base)
        .header("x-forwarded-for", client)
        .header("accept-language", "de")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_burst_of_starts_gets_429_while_a_second_client_is_unaffected() {
    let (base, task) = app(&[
        ("START_LIMIT_PER_HOUR", "3"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    for _ in 0..3 {
        assert_eq!(start(&base, "203.0.113.7").await.status(), 303);
    }
    let refused = start(&base, "203.0.113.7").await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    let page = refused.text().await.unwrap();
    assert!(page.contains("Bitte warten Sie einen Moment"), "{page}");
    // The wait in words a person writes, never "Minute(n)".
    let minutes = retry_after.div_ceil(60);
    let wait = if minutes == 1 {
        "in einer Minute erneut".to_string()
    } else {
        format!("in {minutes} Minuten erneut")
    };
    assert!(
        page.contains(&wait) && !page.contains("Minute(n)"),
        "{page}"
    );
    // Its language link leads to a page that answers, not to the refused form's address.
    let at = page.find("class=\"lang-switch\"").expect("a language link");
    let href_at = page[..at].rfind("href=\"").unwrap() + "href=\"".len();
    let href = &page[href_at..href_at + page[href_at..].find('"').unwrap()];
    let switched = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}{}", href.replace("&amp;", "&")))
        .send()
        .await
        .unwrap();
    assert_ne!(switched.status(), 405, "{href}");
    assert!(
        switched.status().as_u16() < 400,
        "{href}: {}",
        switched.status()
    );
    assert_eq!(
        start(&base, "198.51.100.23").await.status(),
        303,
        "another client"
    );
    task.abort();
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_is_ignored() {
    let (base, task) = app(&[("START_LIMIT_PER_HOUR", "2")]).await;
    assert_eq!(start(&base, "203.0.113.7").await.status(), 303);
    assert_eq!(start(&base, "203.0.113.8").await.status(), 303);
    // A third "client" is the same connection address with another header: refused.
    assert_eq!(start(&base, "203.0.113.9").await.status(), 429);
    task.abort();
}

#[tokio::test]
async fn journey_forms_are_limited_per_client_too() {
    let (base, task) = app(&[("POST_LIMIT_PER_MINUTE", "2")]).await;
    let browser = common::started_browser(&base).await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        // The answer to an empty acceptance (422, or 403 without a token) does not matter:
        // each POST counts.
        let res = browser
            .post(format!("{base}/terms"))
            .header("origin", &base)
            .form(&[("accept", "")])
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_ne!(statuses[0], 429);
    assert_ne!(statuses[1], 429);
    assert_eq!(statuses[2], 429, "{statuses:?}");
    task.abort();
}

#[tokio::test]
async fn two_instances_share_a_clients_limit_on_postgresql() {
    let db = fresh_database_url().await;
    let vars = [
        ("LISTEN_ADDR", "127.0.0.1:0"),
        ("DATABASE_URL", db.as_str()),
        ("START_LIMIT_PER_HOUR", "3"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ];
    let mut bases = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let server = Server::app(settings(&vars))
            .await
            .expect("an instance starts");
        bases.push(format!("http://{}", server.addr));
        tasks.push(tokio::spawn(server.run()));
    }
    // The client's starts alternate between the two instances, as a load balancer sends them.
    let mut allowed = 0;
    for n in 0..8 {
        match start(&bases[n % 2], "203.0.113.7").await.status().as_u16() {
            303 => allowed += 1,
            429 => {}
            other => panic!("start {n}: {other}"),
        }
    }
    if db.starts_with("postgres") {
        assert_eq!(allowed, 3, "the limit once, across both instances");
        // The table names the client by a keyed hash, never by its address.
        let pool = sqlx::PgPool::connect(&db).await.unwrap();
        let clients: Vec<(String,)> = sqlx::query_as("select client from rate_limit")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert!(!clients.is_empty());
        assert!(
            clients.iter().all(|(c,)| !c.contains("203.0.113")),
            "{clients:?}"
        );
    } else {
        // SQLite is one instance's database: each instance counts in its memory.
        assert_eq!(allowed, 6, "the limit once per instance");
    }
    // Another client is unaffected.
    assert_eq!(start(&bases[0], "198.51.100.9").await.status(), 303);
    for task in tasks {
        task.abort();
    }
}

#[tokio::test]
async fn a_clients_starts_come_back_one_by_one_as_the_apps_clock_passes_the_hour() {
    let c = common::customer::TestApp::manual()
        .with(&[
            ("START_LIMIT_PER_HOUR", "2"),
            ("TRUSTED_PROXIES", "127.0.0.1"),
        ])
        .spawn("en")
        .await;
    for _ in 0..2 {
        assert_eq!(start(&c.base, "203.0.113.7").await.status(), 303);
    }
    let refused = start(&c.base, "203.0.113.7").await;
    assert_eq!(refused.status(), 429);
    assert_eq!(
        refused.headers()["retry-after"],
        "1800",
        "one start every half hour"
    );
    c.advance(1799).await;
    assert_eq!(start(&c.base, "203.0.113.7").await.status(), 429);
    c.advance(1).await;
    assert_eq!(start(&c.base, "203.0.113.7").await.status(), 303);
    assert_eq!(
        start(&c.base, "203.0.113.7").await.status(),
        429,
        "one came back, not two"
    );
}
