//! Fault injection, as a Solaris client and a webhook endpoint observe it.

use std::time::Duration;

use serde_json::json;

use crate::common::{wait_deliveries, Receiver, TestSandbox};

async fn person_count(sandbox: &TestSandbox) -> String {
    let (_, headers, _) = sandbox.call("GET", "/v1/persons", None).await;
    headers["total"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn an_injected_503_answers_in_the_errors_shape_and_is_spent_after_its_times() {
    let sandbox = TestSandbox::spawn().await;
    sandbox.set_faults(json!({"routes": [{"method": "GET", "path": "/v1/persons/*", "status": 503, "times": 1}]})).await;
    let person = sandbox.create_person("Erika").await;
    let (status, _, body) = sandbox
        .call("GET", &format!("/v1/persons/{person}"), None)
        .await;
    assert_eq!(status, 503);
    assert_eq!(body["errors"][0]["status"], 503);
    let (status, _, _) = sandbox
        .call("GET", &format!("/v1/persons/{person}"), None)
        .await;
    assert_eq!(status, 200);
    let log = sandbox.log().await;
    let gets: Vec<u64> = log
        .iter()
        .filter(|e| e["method"] == "GET" && e["path"] == format!("/v1/persons/{person}"))
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(gets, [503, 200]);
}

#[tokio::test]
async fn a_429_carries_retry_after() {
    let sandbox = TestSandbox::spawn().await;
    sandbox
        .set_faults(json!({"routes": [{"path": "/oauth2/token", "status": 429, "times": 1}]}))
        .await;
    let res = sandbox
        .http
        .post(sandbox.url("/oauth2/token"))
        .basic_auth(crate::common::CLIENT_ID, Some(crate::common::CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "1");
}

#[tokio::test]
async fn a_share_of_requests_fails_at_the_configured_rate() {
    let sandbox = TestSandbox::spawn().await;
    let token = sandbox.token().await;
    sandbox.set_faults(json!({"routes": [{"path": "/v1/persons", "method": "GET", "status": 503, "rate": 0.3}]})).await;
    let mut failed = 0;
    for _ in 0..300 {
        let (status, _, _) = sandbox.call_with(&token, "GET", "/v1/persons", None).await;
        if status == 503 {
            failed += 1;
        }
    }
    // 30 % of 300 is 90; the bounds are over seven standard deviations wide.
    assert!((30..=150).contains(&failed), "{failed} of 300 failed");
}

#[tokio::test]
async fn added_latency_makes_an_impatient_client_time_out() {
    let sandbox = TestSandbox::spawn().await;
    let token = sandbox.token().await;
    sandbox
        .set_faults(json!({"routes": [{"path": "/v1/persons", "latency_ms": 2000, "times": 1}]}))
        .await;
    let res = sandbox
        .http
        .get(sandbox.url("/v1/persons"))
        .bearer_auth(&token)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(res.unwrap_err().is_timeout());
}

/// Creates a person through a connection the sandbox drops; true when the client saw it broken.
async fn create_person_through_dropped_connection(sandbox: &TestSandbox, when: &str) -> bool {
    let token = sandbox.token().await;
    sandbox
        .set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons", "drop": when, "times": 1}]}))
        .await;
    let res = sandbox
        .http
        .post(sandbox.url("/v1/persons"))
        .bearer_auth(&token)
        .json(&json!({"first_name": "Erika", "last_name": "Beispiel"}))
        .send()
        .await;
    match res {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    }
}

#[tokio::test]
async fn a_connection_dropped_before_the_work_creates_nothing() {
    let sandbox = TestSandbox::spawn().await;
    assert!(create_person_through_dropped_connection(&sandbox, "before").await);
    assert_eq!(person_count(&sandbox).await, "0");
    assert_eq!(sandbox.log().await[1]["status"], 0);
}

#[tokio::test]
async fn a_connection_dropped_after_the_work_leaves_the_person_created() {
    let sandbox = TestSandbox::spawn().await;
    assert!(create_person_through_dropped_connection(&sandbox, "after").await);
    assert_eq!(person_count(&sandbox).await, "1");
}

#[tokio::test]
async fn fault_rules_can_be_read_and_cleared_and_bad_ones_are_refused() {
    let sandbox = TestSandbox::spawn().await;
    sandbox
        .set_faults(json!({"webhooks": {"drop_rate": 0.5}}))
        .await;
    let got: serde_json::Value = sandbox.control("/_sandbox/faults").await;
    assert_eq!(got["webhooks"]["drop_rate"], 0.5);
    let res = sandbox
        .http
        .put(sandbox.url("/_sandbox/faults"))
        .json(&json!({"webhooks": {"drop_rate": 7}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = sandbox
        .http
        .delete(sandbox.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let got: serde_json::Value = sandbox.control("/_sandbox/faults").await;
    assert_eq!(got["webhooks"]["drop_rate"], 0.0);
}

#[tokio::test]
async fn faults_can_be_set_from_the_start_by_configuration() {
    let db = crate::common::fresh_database_url().await;
    let sandbox = TestSandbox::spawn_on(
        &db,
        &[(
            "SANDBOX_FAULTS",
            r#"{"routes":[{"path":"/v1/**","status":500}]}"#,
        )],
    )
    .await;
    let (status, _, _) = sandbox.call("GET", "/v1/persons", None).await;
    assert_eq!(status, 500);
}

async fn changed_person_with(faults: serde_json::Value) -> (TestSandbox, Receiver, String) {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    let (_, secret) = sandbox.subscribe("PERSON_CHANGED", &receiver.url).await;
    sandbox.set_faults(json!({ "webhooks": faults })).await;
    sandbox.changed_person().await;
    (sandbox, receiver, secret)
}

#[tokio::test]
async fn a_duplicate_fault_delivers_the_same_notification_twice() {
    let (_sandbox, receiver, _) = changed_person_with(json!({"duplicate_rate": 1})).await;
    let got = receiver
        .wait_for("two copies", |r| {
            r.iter()
                .filter(|x| x.header("solaris-webhook-event-type") == "PERSON_CHANGED")
                .count()
                == 2
        })
        .await;
    let ids: Vec<&str> = got
        .iter()
        .skip(1)
        .map(|r| r.header("solaris-webhook-id"))
        .collect();
    assert_eq!(ids[0], ids[1]);
}

#[tokio::test]
async fn a_drop_fault_loses_the_notification() {
    let (sandbox, receiver, _) = changed_person_with(json!({"drop_rate": 1})).await;
    let d = wait_deliveries(&sandbox, "PERSON_CHANGED", |d| !d.is_empty()).await;
    assert_eq!(d[0]["state"], "dropped");
    // An hour on, every attempt due has been made (the advance makes them): none for it.
    sandbox.advance(3600).await;
    let d = sandbox.deliveries("PERSON_CHANGED").await;
    assert_eq!(
        (d.len(), &d[0]["state"], &d[0]["attempts"]),
        (1, &json!("dropped"), &json!(0))
    );
    assert!(receiver.events("PERSON_CHANGED").is_empty());
}

#[tokio::test]
async fn a_bad_signature_fault_signs_with_the_wrong_secret() {
    let (_sandbox, receiver, secret) = changed_person_with(json!({"bad_signature_rate": 1})).await;
    let got = receiver
        .wait_for("a delivery", |r| {
            r.iter()
                .any(|x| x.header("solaris-webhook-event-type") == "PERSON_CHANGED")
        })
        .await;
    let delivery = got.last().unwrap();
    let correct = solaris_onboarding::sandbox::delivery::signature(&secret, &delivery.body);
    assert_ne!(delivery.header("solaris-webhook-signature"), correct);
    assert!(delivery
        .header("solaris-webhook-signature")
        .starts_with("sha256="));
}

#[tokio::test]
async fn a_delay_fault_holds_notifications_until_the_clock_passes_it() {
    let (sandbox, receiver, _) = changed_person_with(json!({"delay_ms": 600_000})).await;
    // Nearly ten minutes on, every attempt due has been made: not this one.
    sandbox.advance(599).await;
    let d = sandbox.deliveries("PERSON_CHANGED").await;
    assert_eq!(
        (&d[0]["state"], &d[0]["attempts"]),
        (&json!("pending"), &json!(0))
    );
    assert!(receiver.events("PERSON_CHANGED").is_empty());
    sandbox.advance(1).await;
    receiver
        .wait_for("the delayed delivery", |r| {
            r.iter()
                .any(|x| x.header("solaris-webhook-event-type") == "PERSON_CHANGED")
        })
        .await;
}

#[tokio::test]
async fn a_reorder_fault_can_deliver_later_events_first() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    sandbox.subscribe("PERSON_CHANGED", &receiver.url).await;
    sandbox
        .set_faults(json!({"webhooks": {"reorder_window_ms": 3_600_000}}))
        .await;
    let mut persons = Vec::new();
    for _ in 0..20 {
        let p = sandbox.changed_person().await;
        persons.push(p);
    }
    sandbox.advance(3600).await;
    let got = receiver
        .wait_for("20 deliveries", |r| {
            r.iter()
                .filter(|x| x.header("solaris-webhook-event-type") == "PERSON_CHANGED")
                .count()
                == 20
        })
        .await;
    let order: Vec<&str> = got
        .iter()
        .filter(|x| x.header("solaris-webhook-event-type") == "PERSON_CHANGED")
        .map(|x| x.header("solaris-entity-id"))
        .collect();
    assert_ne!(
        order,
        persons.iter().map(String::as_str).collect::<Vec<_>>(),
        "20 notifications spread over an hour arrive out of order"
    );
}
