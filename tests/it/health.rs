//! The health endpoints a load balancer or an orchestrator asks: live and ready, without data,
//! and not ready while the database is unreachable or the app is draining.

use crate::common;

use std::time::Duration;

use common::customer::spawn;
use reqwest::StatusCode;
use solaris_onboarding::startup::Server;

#[tokio::test]
async fn a_running_app_is_live_and_ready_and_says_nothing_more() {
    // With every loop running: readiness reports on them.
    let c = common::customer::TestApp::new().spawn("en").await;
    for (path, body) in [("/health/live", "live\n"), ("/health/ready", "ready\n")] {
        let res = c.http.get(c.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(
            res.headers().get("set-cookie").is_none(),
            "{path}: no session"
        );
        assert_eq!(res.text().await.unwrap(), body);
    }
}

#[tokio::test]
async fn the_app_is_not_ready_while_its_database_is_unreachable_or_behind_its_migrations() {
    let c = spawn("en").await;
    // Another instance rolled the schema back: this build's last migration is missing.
    sqlx::query(
        "delete from _sqlx_migrations where version = (select max(version) from _sqlx_migrations)",
    )
    .execute(&c.db.pool)
    .await
    .unwrap();
    let res = c.http.get(c.url("/health/ready")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.text().await.unwrap(), "not ready: migrations pending\n");
    c.db.pool.close().await;
    let res = c.http.get(c.url("/health/ready")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        res.text().await.unwrap(),
        "not ready: database unreachable\n"
    );
    let live = c.http.get(c.url("/health/live")).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK, "the process itself is fine");
}

#[tokio::test]
async fn on_shutdown_the_app_reports_not_ready_while_it_still_serves_then_stops() {
    let db = common::fresh_database_url().await;
    let settings = common::settings(&[
        ("LISTEN_ADDR", "127.0.0.1:0"),
        ("DATABASE_URL", db.as_str()),
        ("DRAIN_NOTICE_SECONDS", "2"),
    ]);
    let server = Server::app(settings).await.unwrap();
    let base = format!("http://{}", server.addr);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let ready = |http: reqwest::Client, base: String| async move {
        http.get(format!("{base}/health/ready"))
            .send()
            .await
            .map(|r| r.status())
    };
    assert_eq!(
        ready(http.clone(), base.clone()).await.unwrap(),
        StatusCode::OK
    );
    stop.send(()).unwrap();
    common::eventually("ready answers 503 once shutdown begins", || async {
        match ready(http.clone(), base.clone()).await.ok() {
            Some(StatusCode::SERVICE_UNAVAILABLE) => Ok(()),
            other => Err(other),
        }
    })
    .await;
    let page = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "customers are still served meanwhile"
    );
    tokio::time::timeout(Duration::from_secs(30), task)
        .await
        .expect("the app stops after the notice")
        .unwrap()
        .unwrap();
}
