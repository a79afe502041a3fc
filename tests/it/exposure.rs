//! A deployment never exposes the sandbox by accident: off loopback it runs only when asked
//! for, with a strong secret guarding its controls, and every page then says it is a test system.

use crate::common;

use std::process::Command;

use common::{fresh_database_url, settings};
use solaris_onboarding::startup::Server;

const STRONG: &str = "a-test-system-secret-of-forty-characters!";

#[test]
fn an_https_deployment_without_solaris_refuses_to_start_and_names_the_choice() {
    let out = Command::new(env!("CARGO_BIN_EXE_solaris-onboarding"))
        .env_clear()
        .env("PUBLIC_URL", "https://onboarding.example")
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("METRICS_LISTEN_ADDR", "127.0.0.1:0")
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("SOLARIS_API_URL") && said.contains("SANDBOX=on"),
        "{said}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_solaris-onboarding"))
        .env_clear()
        .env("PUBLIC_URL", "https://onboarding.example")
        .env("SANDBOX", "on")
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2), "the default secret is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("SANDBOX_CLIENT_SECRET"));
}

#[tokio::test]
async fn the_standalone_sandbox_serves_beyond_loopback_only_when_asked_for() {
    let db = fresh_database_url().await;
    let public = [
        ("DATABASE_URL", db.as_str()),
        ("SANDBOX_PUBLIC_URL", "https://sandbox.example"),
    ];
    let refused = Server::sandbox(settings(&public), "127.0.0.1:0".parse().unwrap()).await;
    assert!(refused.is_err());
    let mut asked = public.to_vec();
    asked.extend([("SANDBOX", "on"), ("SANDBOX_CLIENT_SECRET", STRONG)]);
    assert!(
        Server::sandbox(settings(&asked), "127.0.0.1:0".parse().unwrap())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_test_system_guards_the_sandbox_controls_and_says_so_on_every_page() {
    let db = fresh_database_url().await;
    let server = Server::app(settings(&[
        ("LISTEN_ADDR", "127.0.0.1:0"),
        ("DATABASE_URL", db.as_str()),
        ("PUBLIC_URL", "https://onboarding.example"),
        ("SANDBOX", "on"),
        ("SANDBOX_CLIENT_SECRET", STRONG),
        ("LINK_SECRET", "a-link-secret-of-at-least-32-characters"),
    ]))
    .await
    .expect("a test system starts");
    let base = format!("http://{}", server.addr);
    let task = tokio::spawn(server.run());
    let http = reqwest::Client::new();
    let home = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(
        home.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains",
        "an https deployment pins browsers to https"
    );
    for control in [
        "/sandbox/_sandbox/log",
        "/sandbox/_sandbox/clock",
        "/sandbox/_sandbox/mail",
    ] {
        let res = http.get(format!("{base}{control}")).send().await.unwrap();
        assert_eq!(res.status(), 401, "{control} without credentials");
        assert!(res.headers().contains_key("www-authenticate"));
        let res = http
            .get(format!("{base}{control}"))
            .basic_auth("sandbox-client", Some("sandbox-secret"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{control} with the default secret");
        let res = http
            .get(format!("{base}{control}"))
            .basic_auth("sandbox-client", Some(STRONG))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{control} with the credentials");
    }
    let erase = http
        .post(format!(
            "{base}/sandbox/_sandbox/persons/0123456789abcdef0123456789abcdefcper/delete"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(erase.status(), 401);
    // The development mailbox's page would show people's links: not on a test system.
    let mailbox = http
        .get(format!("{base}/sandbox/mail"))
        .send()
        .await
        .unwrap();
    assert_eq!(mailbox.status(), 404);
    for (path, lang, text) in [
        ("/", "en", "Test system: do not enter real personal data"),
        (
            "/no-such-page",
            "de",
            "Testsystem: Bitte geben Sie keine echten",
        ),
    ] {
        let page = http
            .get(format!("{base}{path}"))
            .header("accept-language", lang)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(text), "{path}");
    }
    task.abort();
}

#[tokio::test]
async fn the_loopback_demo_shows_no_test_system_banner_and_keeps_its_controls_open() {
    let db = fresh_database_url().await;
    let server = Server::app(settings(&[
        ("LISTEN_ADDR", "127.0.0.1:0"),
        ("DATABASE_URL", db.as_str()),
    ]))
    .await
    .unwrap();
    let base = format!("http://{}", server.addr);
    let task = tokio::spawn(server.run());
    let page = reqwest::get(format!("{base}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("test-system"));
    let log = reqwest::get(format!("{base}/sandbox/_sandbox/log"))
        .await
        .unwrap();
    assert_eq!(log.status(), 200);
    task.abort();
}
