//! Webhook subscriptions and deliveries, as a partner's endpoint sees them.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::common::{wait_deliveries, Receiver, TestSandbox};

fn signed_with(secret: &str, body: &[u8], header: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    header == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn a_subscription_is_verified_by_a_ping_and_its_secret_shown_once() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    let (id, secret) = sandbox.subscribe("IDENTIFICATION", &receiver.url).await;
    assert_eq!(id.len(), 32);
    assert_eq!(secret.len(), 32);
    let ping = &receiver.received()[0];
    assert_eq!(
        ping.header("solaris-webhook-event-type"),
        "WEBHOOK-SUBSCRIPTION"
    );
    assert!(ping.body.is_empty());

    let (status, _, list) = sandbox.call("GET", "/v1/webhooks", None).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["id"], id.as_str());
    assert!(list[0].get("secret").is_none());
    let (_, _, one) = sandbox
        .call("GET", &format!("/v1/webhooks/{id}"), None)
        .await;
    assert_eq!(one["event_type"], "IDENTIFICATION");
    assert!(one.get("secret").is_none());

    let (status, _, _) = sandbox
        .call("DELETE", &format!("/v1/webhooks/{id}"), None)
        .await;
    assert_eq!(status, 204);
    let (status, _, _) = sandbox
        .call("GET", &format!("/v1/webhooks/{id}"), None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_url_that_fails_the_ping_or_is_not_https_is_refused() {
    let sandbox = TestSandbox::spawn().await;
    let (status, _, body) = sandbox
        .call(
            "POST",
            "/v1/webhooks",
            Some(json!({"event_type": "IDENTIFICATION", "url": "http://partner.example/hook"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "unsafe_webhook_url");

    let (status, _, body) = sandbox
        .call("POST", "/v1/webhooks", Some(json!({"event_type": "IDENTIFICATION", "url": "http://127.0.0.1:9/nothing-listens"})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "invalid_webhook_url");

    let (status, _, body) = sandbox
        .call(
            "POST",
            "/v1/webhooks",
            Some(json!({"event_type": "NO_SUCH_EVENT", "url": "https://partner.example/hook"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["source"]["field"], "event_type");
}

#[tokio::test]
async fn every_status_change_is_delivered_signed_with_the_solaris_headers() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    let (sub, secret) = sandbox.subscribe("IDENTIFICATION", &receiver.url).await;
    let (person, ident) = sandbox.create_identification("X-AUTOTEST-HAPPYPATH").await;
    sandbox.request(&person, &ident).await;
    sandbox.advance(150).await;
    let got = receiver
        .wait_for("three IDENTIFICATION deliveries", |r| {
            r.iter()
                .filter(|x| x.header("solaris-webhook-event-type") == "IDENTIFICATION")
                .count()
                >= 3
        })
        .await;
    let events: Vec<_> = got
        .iter()
        .filter(|r| r.header("solaris-webhook-event-type") == "IDENTIFICATION")
        .collect();
    let mut statuses: Vec<String> = events
        .iter()
        .map(|e| e.json()["status"].as_str().unwrap().to_string())
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["created", "pending", "successful"]);
    for e in events {
        assert!(signed_with(
            &secret,
            &e.body,
            e.header("solaris-webhook-signature")
        ));
        assert_eq!(e.header("solaris-entity-id"), ident);
        assert_eq!(e.header("solaris-webhook-subscription-id"), sub);
        assert_eq!(e.header("solaris-webhook-attempt"), "1");
        assert_eq!(e.header("solaris-webhook-id").len(), 32);
        assert_eq!(e.json()["id"], ident.as_str());
        assert_eq!(e.json()["method"], "idnow");
    }
}

#[tokio::test]
async fn changeall_fires_person_changed_before_the_final_identification() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    sandbox.subscribe("PERSON_CHANGED", &receiver.url).await;
    sandbox.subscribe("IDENTIFICATION", &receiver.url).await;
    let (person, ident) = sandbox.create_identification("X-AUTOTEST-CHANGEALL").await;
    sandbox.request(&person, &ident).await;
    sandbox.advance(60).await;
    let changed = receiver
        .wait_for("PERSON_CHANGED", |r| {
            r.iter()
                .any(|x| x.header("solaris-webhook-event-type") == "PERSON_CHANGED")
        })
        .await;
    assert!(!changed.iter().any(|x| x.json()["status"] == "successful"));
    let person_changed = changed
        .iter()
        .find(|x| x.header("solaris-webhook-event-type") == "PERSON_CHANGED")
        .unwrap();
    assert_eq!(person_changed.header("solaris-entity-id"), person);
    assert_eq!(person_changed.json(), json!({}));
    sandbox.advance(90).await;
    receiver
        .wait_for("the successful status", |r| {
            r.iter().any(|x| x.json()["status"] == "successful")
        })
        .await;
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_backoff_until_2xx() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    sandbox.subscribe("PERSON_CHANGED", &receiver.url).await;
    receiver.answer_with(&[500, 503]);
    sandbox.changed_person().await;
    wait_deliveries(&sandbox, "PERSON_CHANGED", |d| {
        d.first().is_some_and(|x| x["attempts"] == 1)
    })
    .await;
    sandbox.advance(2).await;
    wait_deliveries(&sandbox, "PERSON_CHANGED", |d| d[0]["attempts"] == 2).await;
    sandbox.advance(4).await;
    let d = wait_deliveries(&sandbox, "PERSON_CHANGED", |d| d[0]["state"] == "delivered").await;
    assert_eq!(d[0]["attempts"], 3);
    let attempts: Vec<String> = receiver
        .events("PERSON_CHANGED")
        .iter()
        .map(|r| r.header("solaris-webhook-attempt").to_string())
        .collect();
    assert_eq!(attempts, ["1", "2", "3"]);
    let ids: Vec<String> = receiver
        .events("PERSON_CHANGED")
        .iter()
        .map(|r| r.header("solaris-webhook-id").to_string())
        .collect();
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "a retry keeps the notification's id"
    );
}

#[tokio::test]
async fn a_410_answer_cancels_the_subscription() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    let (sub, _) = sandbox.subscribe("PERSON_CHANGED", &receiver.url).await;
    receiver.answer_with(&[410]);
    sandbox.changed_person().await;
    wait_deliveries(&sandbox, "PERSON_CHANGED", |d| {
        d.first().is_some_and(|x| x["state"] == "canceled")
    })
    .await;
    let (status, _, _) = sandbox
        .call("GET", &format!("/v1/webhooks/{sub}"), None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_422_answer_stops_the_retries() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    sandbox.subscribe("PERSON_CHANGED", &receiver.url).await;
    receiver.answer_with(&[422]);
    sandbox.changed_person().await;
    wait_deliveries(&sandbox, "PERSON_CHANGED", |d| {
        d.first().is_some_and(|x| x["state"] == "rejected")
    })
    .await;
    // An hour on, every attempt due has been made (the advance makes them): no retry.
    sandbox.advance(3600).await;
    assert_eq!(receiver.events("PERSON_CHANGED").len(), 1);
}

#[tokio::test]
async fn person_deleted_fires_when_solaris_erases_a_person() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    sandbox.subscribe("PERSON_DELETED", &receiver.url).await;
    let person = sandbox.create_person("Erika").await;
    let res = sandbox
        .http
        .post(sandbox.url(&format!("/_sandbox/persons/{person}/delete")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let got = receiver
        .wait_for("PERSON_DELETED", |r| {
            r.iter()
                .any(|x| x.header("solaris-webhook-event-type") == "PERSON_DELETED")
        })
        .await;
    assert_eq!(got.last().unwrap().header("solaris-entity-id"), person);
    let (status, _, _) = sandbox
        .call("GET", &format!("/v1/persons/{person}"), None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_mobile_number_event_fires_when_the_idnow_session_takes_the_number() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = Receiver::start().await;
    sandbox
        .subscribe("PERSON_MOBILE_NUMBER_CREATED", &receiver.url)
        .await;
    let (person, ident) = sandbox.create_identification("X-AUTOTEST-HAPPYPATH").await;
    sandbox.request(&person, &ident).await;
    let got = receiver
        .wait_for("PERSON_MOBILE_NUMBER_CREATED", |r| {
            r.iter()
                .any(|x| x.header("solaris-webhook-event-type") == "PERSON_MOBILE_NUMBER_CREATED")
        })
        .await;
    assert_eq!(got.last().unwrap().header("solaris-entity-id"), person);
}
