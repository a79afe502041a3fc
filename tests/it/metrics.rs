//! The Prometheus metrics on their own listener: a journey moves the funnel and the Solaris
//! call metrics, nothing personal is labelled, and the public listener has no `/metrics`.

use crate::common;

use common::customer::{sign_up, TestApp};
use reqwest::StatusCode;

/// The value of the sample `name{labels}` (labels in Prometheus' sorted order), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        l.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

#[tokio::test]
async fn a_journey_moves_the_funnel_and_the_solaris_metrics_on_the_metrics_listener_only() {
    // One journey in a process of its own (nextest): each count is exactly one.
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.mail_with_subject("your application is saved").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    c.mail_with_subject("your identity is confirmed").await;
    let res = c
        .http
        .get(format!("{}/metrics", c.metrics))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    for step in [
        "started",
        "consented",
        "data_entered",
        "submitted",
        "document_chosen",
        "sent_to_idnow",
        "identified",
    ] {
        let series = format!(r#"onboarding_funnel_total{{step="{step}",lang="en"}}"#);
        assert!(
            sample(&text, &series).is_some_and(|n| n == 1.0),
            "{series} in\n{text}"
        );
    }
    for kind in ["saved", "success"] {
        let series = format!(r#"onboarding_mails_total{{kind="{kind}",outcome="sent"}}"#);
        assert!(
            sample(&text, &series).is_some_and(|n| n == 1.0),
            "{series} in\n{text}"
        );
    }
    assert!(
        sample(&text, "onboarding_mails_waiting").is_some(),
        "{text}"
    );
    assert!(
        sample(&text, "onboarding_mail_oldest_due_seconds").is_some(),
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"onboarding_solaris_calls_total{endpoint="persons.create",outcome="ok"}"#
        )
        .is_some_and(|n| n == 1.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"onboarding_solaris_call_duration_seconds_count{endpoint="persons.create"}"#
        )
        .is_some_and(|n| n == 1.0),
        "{text}"
    );
    assert!(text.contains(r#"onboarding_solaris_call_duration_seconds_bucket{endpoint="persons.create",le="0.005"}"#), "a histogram");
    assert!(
        sample(
            &text,
            r#"onboarding_identification_outcomes_total{status="successful",reason="none"}"#
        )
        .is_some_and(|n| n == 1.0),
        "{text}"
    );
    assert!(
        sample(&text, "onboarding_start_to_success_journey_seconds_count")
            .is_some_and(|n| n == 1.0)
    );
    assert!(
        sample(&text, "onboarding_redirect_to_result_journey_seconds_count")
            .is_some_and(|n| n == 1.0)
    );
    assert!(sample(
        &text,
        r#"onboarding_work_items_waiting{kind="create_person"}"#
    )
    .is_some());
    assert!(
        text.contains(
            "onboarding_webhook_deliveries_total{event=\"IDENTIFICATION\",outcome=\"stored\"}"
        ),
        "{text}"
    );
    assert!(
        sample(&text, "onboarding_webhook_subscriptions_in_place") == Some(1.0),
        "{text}"
    );
    // Nothing personal and no ids among the labels.
    let (app, person): (String, String) = sqlx::query_as("select id, person_id from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    for datum in [
        "X-AUTOTEST",
        "Beispiel",
        "erika",
        app.as_str(),
        person.as_str(),
    ] {
        assert!(!text.contains(datum), "{datum} in the metrics");
    }
    // Never on the public listener.
    assert_eq!(c.get("/metrics").await.status, StatusCode::NOT_FOUND);
}

#[test]
fn the_metrics_never_share_the_public_listener() {
    let refused = solaris_onboarding::config::Settings::from_source(|k| match k {
        "LISTEN_ADDR" | "METRICS_LISTEN_ADDR" => Some("127.0.0.1:3000".to_string()),
        _ => None,
    });
    assert!(refused
        .unwrap_err()
        .to_string()
        .contains("METRICS_LISTEN_ADDR"));
}
