//! The retention job, with the clock moved: what never reached Solaris is erased after its
//! period (every table scanned), what is younger or reached Solaris is kept, old webhook
//! deliveries are pruned, and each erasure leaves a proof without personal data.

mod common;

use common::customer::{found_in, person_with, sign_up, spawn, Customer, CONTACT};
use reqwest::StatusCode;
use solaris_onboarding::retention::{run_once, Policy, Report};

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

async fn age_by_days(c: &Customer, first_name: &str, days: i64) {
    // The data screens are JSON; the first name identifies the application here.
    sqlx::query("update application set updated_at = updated_at - $1 where details like $2")
        .bind(days * DAY)
        .bind(format!("%{first_name}%"))
        .execute(&c.db.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn what_never_reached_solaris_is_erased_after_its_period_and_the_rest_is_kept() {
    let first = spawn("en").await;
    // Reached Solaris long ago: kept (Solaris' own rules apply to it).
    sign_up(&first, "X-MANUALTEST-HAPPYPATH").await;
    sqlx::query("update application set updated_at = updated_at - $1")
        .bind(200 * DAY)
        .execute(&first.db.pool)
        .await
        .unwrap();
    let old = first.another("en");
    stopped_at_review(&old, "Vergessene", CONTACT).await;
    age_by_days(&old, "Vergessene", 91).await;
    let young = first.another("en");
    stopped_at_review(&young, "Zoegernde", CONTACT).await;
    age_by_days(&young, "Zoegernde", 89).await;
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
    age_by_days(&away, "Auswaertige", 31).await;
    assert!(away
        .get("/not-eligible")
        .await
        .body
        .contains("30 days after your last change"));

    // An old delivery that carried IDnow's reference, as one received today does.
    sqlx::query(
        "insert into webhook_inbox (webhook_id, event_type, entity_id, body, received_at) \
         values ('old-delivery', 'IDENTIFICATION', 'x', '{}', $1)",
    )
    .bind(chrono::Utc::now().timestamp_millis() - 31 * DAY)
    .execute(&first.db.pool)
    .await
    .unwrap();

    let now = chrono::Utc::now().timestamp_millis();
    let report = run_once(&first.db, now, Policy::default()).await.unwrap();
    assert_eq!(
        report,
        Report {
            unsubmitted: 1,
            not_resident: 1,
            webhook_deliveries: 1
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
            ("webhook_inbox".to_string(), 1)
        ]
    );
    old.get("/review").await.redirected_to("/");
    // A second run finds nothing more.
    assert_eq!(
        run_once(&first.db, now, Policy::default()).await.unwrap(),
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
