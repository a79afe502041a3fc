//! The retention job, on the app's clock moved through the periods: what never reached Solaris is erased after its
//! period (every table scanned), what is younger or reached Solaris is kept, old webhook
//! deliveries are pruned, and each erasure leaves a proof without personal data.

use crate::common;

use common::customer::{found_in, person_with, sign_up, spawn, Customer, TestApp, CONTACT};
use reqwest::StatusCode;
use solaris_onboarding::retention::Report;

const DAY: i64 = 24 * 3600 * 1000;

/// A customer who filled in both data screens and stopped at the review.
async fn stopped_at_review(c: &Customer, first_name: &str, contact: &[(&str, &str)]) {
    c.consent().await;
    c.submit("/details/person", &person_with(first_name))
        .await
        .redirected_to("/details/contact");
    let page = c.submit("/details/contact", contact).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

const DAY_S: u64 = 24 * 3600;

#[tokio::test]
async fn what_never_reached_solaris_is_erased_after_its_period_and_the_rest_is_kept() {
    // Each customer acts on the app's clock, which the test moves through the periods.
    let first = TestApp::manual().spawn("en").await;
    first.subscribed().await;
    // Reached Solaris long ago: kept (Solaris' own rules apply to it). Its webhook deliveries
    // were received then.
    sign_up(&first, "X-MANUALTEST-HAPPYPATH").await;
    first.advance(109 * DAY_S).await;
    let old = first.another("en");
    stopped_at_review(&old, "Vergessene", CONTACT).await;
    first.advance(2 * DAY_S).await;
    let young = first.another("en");
    stopped_at_review(&young, "Zoegernde", CONTACT).await;
    first.advance(58 * DAY_S).await;
    let abroad: Vec<(&str, &str)> = CONTACT
        .iter()
        .map(|&(k, v)| match k {
            "address[country]" => (k, "AT"),
            "address[postal_code]" => (k, "1010"),
            "address[city]" => (k, "Wien"),
            "address[state]" => (k, ""),
            "mobile_number" => (k, "+43 664 1234567"),
            _ => (k, v),
        })
        .collect();
    let away = first.another("en");
    stopped_at_review(&away, "Auswaertige", &abroad).await;
    assert!(away
        .get("/not-eligible")
        .await
        .body
        .contains("30 days after your last change"));
    // The old one 91 days untouched, the young one 89, the one abroad 31.
    first.advance(31 * DAY_S).await;
    // Deliveries older than 30 days, which carried IDnow's reference as one received today does.
    let (old_deliveries,): (i64,) =
        sqlx::query_as("select count(*) from webhook_inbox where received_at < $1")
            .bind(first.db.now_ms() - 30 * DAY)
            .fetch_one(&first.db.pool)
            .await
            .unwrap();
    assert!(
        old_deliveries > 0,
        "the first customer's webhooks were received"
    );

    let report = first.background.run_retention().await.unwrap();
    assert_eq!(
        report,
        Report {
            unsubmitted: 1,
            not_resident: 1,
            webhook_deliveries: old_deliveries as u64
        }
    );
    assert_eq!(
        found_in(
            &first.db,
            &["Vergessene", "Auswaertige", "Wien", "664 1234567"]
        )
        .await,
        Vec::<String>::new(),
        "every table scanned"
    );
    assert_eq!(
        found_in(&first.db, &["Zoegernde"]).await.len(),
        1,
        "the younger one stays"
    );
    assert!(
        !found_in(&first.db, &["X-MANUALTEST-HAPPYPATH"])
            .await
            .is_empty(),
        "the submitted one stays"
    );
    let (apps,): (i64,) =
        sqlx::query_as("select count(*) from application where erased_at is not null")
            .fetch_one(&first.db.pool)
            .await
            .unwrap();
    assert_eq!(apps, 2, "the rows stay as proof, without personal data");
    let proofs: Vec<(String, i64)> =
        sqlx::query_as("select reason, erased from erasure_log order by reason")
            .fetch_all(&first.db.pool)
            .await
            .unwrap();
    assert_eq!(
        proofs,
        [
            ("not_resident".to_string(), 1),
            ("unsubmitted".to_string(), 1),
            ("webhook_inbox".to_string(), old_deliveries)
        ]
    );
    old.get("/review").await.redirected_to("/");
    // A second run finds nothing more.
    assert_eq!(
        first.background.run_retention().await.unwrap(),
        Report::default()
    );
}

#[tokio::test]
async fn the_webhook_inbox_never_stores_the_idnow_reference() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let bodies: Vec<(String,)> =
        sqlx::query_as("select body from webhook_inbox where event_type = 'IDENTIFICATION'")
            .fetch_all(&c.db.pool)
            .await
            .unwrap();
    assert!(!bodies.is_empty(), "deliveries were received");
    for (body,) in bodies {
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(body.get("status").is_some(), "{body}");
        assert!(body.get("reference").is_none(), "{body}");
        assert!(!body.to_string().contains("TST-"), "{body}");
    }
}
