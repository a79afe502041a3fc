//! The minutes after the call, as the customer, the mails, the bank and its staff live them,
//! on the app's manual clock at the guide's real durations: back from IDnow during the review,
//! the call on the phone, a request Solaris refuses for good, the waiting list, a cancel that a
//! review turns into a success, a success after the guide's case 3, and a withdrawal after the
//! sign-up was complete.

use crate::common;

use common::customer::{confirmed, sign_up, Customer, TestApp};
use reqwest::StatusCode;

const MINUTE: u64 = 60;

/// The id of the customer's identification (a transaction number, as IDnow sends it back).
async fn identification_id(c: &Customer) -> String {
    let (id,): (Option<String>,) = sqlx::query_as("select identification_id from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    id.expect("an identification")
}

/// The types of the events the bank's systems got, oldest first, besides the status changes.
async fn bank_events(c: &Customer) -> Vec<String> {
    let mut events: Vec<String> = c
        .event_box()
        .await
        .iter()
        .filter(|e| e["type"] != "identification.status_changed")
        .map(|e| e["type"].as_str().unwrap_or_default().to_string())
        .collect();
    events.reverse();
    events
}

/// The staff's needs-attention items: (kind, detail).
async fn staff_items(c: &Customer) -> Vec<(String, String)> {
    sqlx::query_as("select kind, coalesce(detail, '') from attention order by created_at, id")
        .fetch_all(&c.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn back_from_the_call_the_customer_is_told_idnow_checks_it_and_not_to_continue_it() {
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    let in_call = c.get("/identification/return").await;
    assert!(
        in_call.body.contains("Continue your video call"),
        "{}",
        in_call.body
    );

    // The call ends after a minute; IDnow sends the browser back with the transaction number.
    c.advance(MINUTE).await;
    let id = identification_id(&c).await;
    let back = c
        .get(&format!("/identification/return?transaction_number={id}"))
        .await;
    assert!(
        back.body.contains("data-status=\"pending\""),
        "{}",
        back.body
    );
    assert!(
        back.body
            .contains("IDnow is now checking it; this usually takes 1–2 minutes"),
        "{}",
        back.body
    );
    assert!(!back.body.contains("Continue your video call"));
    assert!(!back.body.contains("not through the video call"));
    // The same words on every look during the 90-second review, with or without the number.
    c.advance(89).await;
    let later = c.get("/identification/return").await;
    assert!(
        later.body.contains("IDnow is now checking it"),
        "{}",
        later.body
    );
    assert!(!later.body.contains("Continue your video call"));
    c.advance(1).await;
    let done = c.get("/identification/return").await;
    assert!(
        done.body.contains("Your identity is confirmed"),
        "{}",
        done.body
    );
    c.reference_never_seen();
}

#[tokio::test]
async fn a_check_that_takes_long_offers_to_continue_an_interrupted_call_and_a_new_call_forgets_it()
{
    let c = TestApp::manual().spawn("en").await;
    // Nobody finishes this call at IDnow: the status stays pending.
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    // A transaction number of another identification is only a hint, and ignored.
    let forged = c
        .get("/identification/return?transaction_number=0000cidt")
        .await;
    assert!(
        forged.body.contains("not through the video call yet"),
        "{}",
        forged.body
    );
    let id = identification_id(&c).await;
    let back = c
        .get(&format!("/identification/return?transaction_number={id}"))
        .await;
    assert!(back.body.contains("IDnow is now checking it"));
    assert!(
        back.body.contains("data-recheck-in=\"601\""),
        "the page looks again when its words change: {}",
        back.body
    );
    c.advance(10 * MINUTE - 1).await;
    assert!(c
        .get("/identification/return")
        .await
        .body
        .contains("IDnow is now checking it"));
    c.advance(1).await;
    let long = c.get("/identification/return").await;
    assert!(
        long.body
            .contains("If your call was interrupted before its end"),
        "{}",
        long.body
    );
    assert!(
        long.body.contains(
            r#"<button type="submit" class="secondary">Continue your video call</button>"#
        ),
        "{}",
        long.body
    );
    let go = c.post("/identification/start", &long.csrf(), &[]).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    // Back at IDnow, the call runs again until IDnow sends the customer back.
    let again = c.get("/identification/return").await;
    assert!(
        again.body.contains("not through the video call yet"),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn while_the_call_runs_on_the_phone_the_desktop_follows_it_and_the_phone_is_not_sent_to_a_phone(
) {
    let desktop = TestApp::manual().spawn("en").await;
    confirmed(&desktop, "X-MANUALTEST-HAPPYPATH").await;
    desktop.german_id_card_to_redirect().await;
    let page = desktop.get("/identification/start").await;
    assert!(
        page.body.contains("Continue on your phone"),
        "{}",
        page.body
    );
    let at = page.body.find("<code>").unwrap() + "<code>".len();
    let link = page.body[at..at + page.body[at..].find("</code>").unwrap()].to_string();

    let phone = desktop.another("en");
    phone.get(&link).await.redirected_to("/resume");
    let form = phone.get("/resume").await;
    phone
        .post(
            "/resume",
            &form.csrf(),
            &[
                ("birth_date[day]", "01"),
                ("birth_date[month]", "01"),
                ("birth_date[year]", "1990"),
            ],
        )
        .await
        .redirected_to("/identification/start");
    let on_phone = phone.get("/identification/start").await;
    assert_eq!(on_phone.status, StatusCode::OK);
    assert!(on_phone.body.contains("Go to the video identification"));
    assert!(
        !on_phone.body.contains("Continue on your phone") && !on_phone.body.contains("<svg"),
        "the phone is not offered the phone: {}",
        on_phone.body
    );
    let go = phone.submit("/identification/start", &[]).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);

    // The desktop, which has no webcam, is not invited to start the call itself.
    let followed = desktop.get("/identification/return").await;
    assert!(
        followed
            .body
            .contains("Your video call runs on your other device"),
        "{}",
        followed.body
    );
    assert!(
        !followed.body.contains(r#"class="primary""#),
        "{}",
        followed.body
    );
    assert!(followed
        .body
        .contains("Continue the call on this computer instead"));
    // The phone itself shows the call as its own.
    let phone_status = phone.get("/identification/return").await;
    assert!(phone_status.body.contains("Continue your video call"));
}

#[tokio::test]
async fn a_request_solaris_refuses_for_good_is_not_offered_again_and_staff_get_one_item() {
    let c = TestApp::manual().spawn("en").await;
    // HOLDCERTIFICATE is eSigning only: Solaris refuses the request of a video identification.
    confirmed(&c, "X-AUTOTEST-HOLDCERTIFICATE").await;
    c.german_id_card_to_redirect().await;
    let csrf = c.get("/identification/start").await.csrf();
    for _ in 0..3 {
        let page = c.post("/identification/start", &csrf, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("trying again will not change that"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("try again in a minute"));
        assert!(!page.body.contains(r#"action="/identification/start""#));
    }
    let shown = c.get("/identification/start").await;
    assert!(shown.body.contains("trying again will not change that"));
    let requests = c
        .sandbox_log()
        .await
        .iter()
        .filter(|e| e["method"] == "PATCH" && e["path"].as_str().unwrap().ends_with("/request"))
        .count();
    assert_eq!(requests, 1, "one request, not one per click");
    let items = staff_items(&c).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].0, "work_failed");
    assert!(
        items[0].1.contains("after 1 attempts"),
        "the attempts as made: {items:?}"
    );
}

#[tokio::test]
async fn the_waiting_list_is_no_refusal_the_customer_is_told_idnow_calls_them() {
    let c = TestApp::manual().spawn("en").await;
    // No test prefix: the tester plays the agent's outcome on the sandbox's IDnow page.
    let url = sign_up(&c, "Erika").await;
    c.start_at_idnow(&url).await;
    c.ident_code(&url, Some("abort:ENROLLED_TO_WAITING_LIST"))
        .await;
    let page = c.get("/identification/return").await;
    assert!(
        page.body.contains("data-status=\"aborted\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("IDnow has put you on its waiting list"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("cannot be opened this way"));
    assert!(!page.body.contains("Try the video identification again"));
    let mails = c.subjects().await;
    assert!(
        mails
            .iter()
            .any(|s| s.contains("you are on IDnow's waiting list")),
        "{mails:?}"
    );
    assert!(!mails.iter().any(|s| s.contains("cannot open your account")));
    assert_eq!(bank_events(&c).await, ["application.submitted"]);
    // No reminder to do a call IDnow will make.
    c.advance(25 * 3600).await;
    assert!(!c
        .subjects()
        .await
        .iter()
        .any(|s| s.contains("waiting for you")));
}

#[tokio::test]
async fn fraudok_asks_nothing_of_the_customer_while_the_review_runs_and_mails_only_the_success() {
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-AUTOTEST-FRAUDOK").await;
    c.advance(MINUTE).await;
    let canceled = c.get("/identification/return").await;
    assert!(
        canceled.body.contains("data-status=\"canceled\""),
        "{}",
        canceled.body
    );
    assert!(
        canceled.body.contains("its review may still change this"),
        "{}",
        canceled.body
    );
    assert!(!canceled.body.contains("Try the video identification again"));
    // The review finds the call legit after 90 s: "another try" was never mailed.
    c.advance(90).await;
    let done = c.get("/identification/return").await;
    assert!(
        done.body.contains("Your identity is confirmed"),
        "{}",
        done.body
    );
    c.advance(10 * MINUTE).await;
    let mails = c.subjects().await;
    assert!(
        !mails.iter().any(|s| s.contains("needs another try")),
        "{mails:?}"
    );
    assert_eq!(
        mails
            .iter()
            .filter(|s| s.contains("identity is confirmed"))
            .count(),
        1,
        "{mails:?}"
    );
    let (dropped,): (i64,) =
        sqlx::query_as("select count(*) from mail where kind = 'action' and state = 'dropped'")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!(dropped, 1, "the settled mail was checked and dropped");
}

#[tokio::test]
async fn a_cancel_that_stays_is_mailed_after_the_settle_time_and_then_offers_the_retry() {
    let c = TestApp::manual().spawn("en").await;
    let url = sign_up(&c, "Erika").await;
    c.start_at_idnow(&url).await;
    c.ident_code(&url, Some("cancel:BAD_PHOTO_QUALITY")).await;
    // The review cancels the call after 90 s.
    c.advance(90).await;
    let settling = c.get("/identification/return").await;
    assert!(settling.body.contains("its review may still change this"));
    c.advance(3 * MINUTE - 1).await;
    assert!(!c
        .subjects()
        .await
        .iter()
        .any(|s| s.contains("needs another try")));
    c.advance(1).await;
    let retry = c.get("/identification/return").await;
    assert!(
        retry.body.contains("Try the video identification again"),
        "{}",
        retry.body
    );
    assert!(c
        .subjects()
        .await
        .iter()
        .any(|s| s.contains("needs another try")));
}

#[tokio::test]
async fn a_success_after_the_guides_case_three_reopens_the_account_for_the_bank_and_the_customer() {
    let c = TestApp::manual().spawn("en").await;
    let url = sign_up(&c, "X-AUTOTEST-CANCELED").await;
    c.advance(MINUTE).await;
    c.advance(90).await;
    c.status_becomes("successful").await;
    c.advance(90).await;
    let canceled = c.status_becomes("canceled").await;
    assert!(canceled
        .body
        .contains("identification that had been confirmed was not accepted"));
    let retry = c.post("/identification/start", &canceled.csrf(), &[]).await;
    retry.redirected_to(&url);
    // The automated session runs by itself again at the IDnow page.
    assert_eq!(
        c.http.get(&url).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    c.settle().await;
    c.advance(MINUTE).await;
    c.advance(90).await;
    c.status_becomes("successful").await;
    assert_eq!(
        bank_events(&c).await,
        [
            "application.submitted",
            "application.completed",
            "application.completion_revoked",
            "application.completed"
        ]
    );
    for e in c.event_box().await {
        if e["type"] == "application.completed" {
            assert!(e["payload"]["data"]["failure_reason"].is_null(), "{e}");
        }
    }
    let mails = c.subjects().await;
    assert_eq!(
        mails
            .iter()
            .filter(|s| s.contains("identity is confirmed"))
            .count(),
        2,
        "{mails:?}"
    );
    let items = staff_items(&c).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].0, "canceled_after_success");
    assert!(items[0].1.contains("successful again"), "{items:?}");
}

#[tokio::test]
async fn a_withdrawal_after_the_sign_up_was_complete_is_an_event_for_the_bank_and_says_so_to_staff()
{
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.advance(MINUTE).await;
    c.advance(90).await;
    c.status_becomes("successful").await;
    let confirm = c.get("/withdraw").await;
    c.post("/withdraw", &confirm.csrf(), &[]).await;
    c.settle().await;
    let events = bank_events(&c).await;
    assert_eq!(
        events,
        [
            "application.submitted",
            "application.completed",
            "application.withdrawn"
        ]
    );
    let withdrawn = c
        .event_box()
        .await
        .into_iter()
        .find(|e| e["type"] == "application.withdrawn")
        .unwrap();
    assert_eq!(withdrawn["payload"]["data"]["status"], "successful");
    let items = staff_items(&c).await;
    let deletion = items
        .iter()
        .find(|(kind, _)| kind == "deletion_requested")
        .expect("the deletion for staff");
    assert!(
        deletion.1.contains("the account may already be ordered"),
        "{items:?}"
    );
}

#[tokio::test]
async fn a_success_carries_no_failure_reason_even_when_solaris_leaves_one_in_the_field() {
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-AUTOTEST-ABORTIDENT").await;
    c.advance(MINUTE).await;
    c.status_becomes("aborted").await;
    // What Solaris may answer after the retry succeeded: the earlier abort's reason still set.
    solaris_answers_with(
        &c,
        "successful",
        Some("TECH_VIDEO"),
        Some("2026-12-07T10:00:00.000Z"),
    )
    .await;
    let completed = c
        .event_box()
        .await
        .into_iter()
        .find(|e| e["type"] == "application.completed")
        .expect("the completion");
    assert!(
        completed["payload"]["data"]["failure_reason"].is_null(),
        "{completed}"
    );
    let (stored,): (Option<String>,) = sqlx::query_as("select failure_reason from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, None);
}

/// Stores `status` for the customer's identification as if Solaris had answered it so, with
/// no `completed_at` and `reason`.
async fn solaris_answers(c: &Customer, status: &str, reason: Option<&str>) {
    solaris_answers_with(c, status, reason, None).await
}

/// Stores what Solaris may answer for the customer's identification, through the store the
/// work queue records its reads with.
async fn solaris_answers_with(
    c: &Customer,
    status: &str,
    reason: Option<&str>,
    completed_at: Option<&str>,
) {
    let (app_id,): (String,) = sqlx::query_as("select id from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    let answer: solaris_onboarding::domain::Identification =
        serde_json::from_value(serde_json::json!({
            "id": identification_id(c).await,
            "status": status,
            "completed_at": completed_at,
            "failure_reason": reason,
        }))
        .unwrap();
    solaris_onboarding::db::applications::record_identification(&c.db, &app_id, &answer, false)
        .await
        .unwrap();
    c.settle().await;
}

#[tokio::test]
async fn the_case_three_page_is_right_when_solaris_gives_no_completed_at() {
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    solaris_answers(&c, "successful", None).await;
    solaris_answers(&c, "canceled", Some("BAD_PHOTO_QUALITY")).await;
    let page = c.get("/identification/return").await;
    assert!(
        page.body
            .contains("identification that had been confirmed was not accepted"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("its review may still change this"));
    assert!(page.body.contains("Try the video identification again"));
    let mails = c.subjects().await;
    assert!(
        mails
            .iter()
            .any(|s| s.contains("please repeat your video identification")),
        "{mails:?}"
    );
}

#[tokio::test]
async fn an_application_whose_status_cannot_be_read_is_one_staff_item_and_one_mail_however_long() {
    let c = TestApp::manual()
        .with(&[("OPS_EMAIL", "Operations <ops@bank.example>")])
        .spawn("en")
        .await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    // Solaris answers every status read of this identification with a 404.
    c.set_faults(serde_json::json!({"routes": [{"method": "GET", "path": "/v1/persons/*/identifications/*", "status": 404}]}))
        .await;
    // Two days of reconciliation: a read every hour at the longest wait, each failing.
    for _ in 0..(2 * 24 * 4) {
        c.advance(15 * MINUTE).await;
        c.get("/identification/return").await;
    }
    let (failed,): (i64,) = sqlx::query_as(
        "select count(*) from solaris_work where kind = 'refresh_identification' and state = 'failed'",
    )
    .fetch_one(&c.db.pool)
    .await
    .unwrap();
    assert!(
        failed >= 10,
        "reconciliation kept asking: {failed} reads failed"
    );
    let items = staff_items(&c).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].0, "status_read_failing");
    let to_ops = c
        .mailbox()
        .await
        .iter()
        .filter(|m| m["to"] == "Operations <ops@bank.example>")
        .count();
    assert_eq!(to_ops, 1, "operations are told once");
}

#[tokio::test]
async fn a_successful_identification_is_read_again_a_few_times_not_for_fifteen_days() {
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.advance(MINUTE).await;
    c.advance(90).await;
    c.status_becomes("successful").await;
    let id = identification_id(&c).await;
    let reads = |log: Vec<serde_json::Value>| {
        log.iter()
            .filter(|e| {
                e["method"] == "GET"
                    && e["path"]
                        .as_str()
                        .is_some_and(|p| p.ends_with(&format!("/identifications/{id}")))
            })
            .count()
    };
    let before = reads(c.sandbox_log().await);
    // The first two days: the evidence, and a few reads with growing gaps.
    for _ in 0..8 {
        c.advance(6 * 3600).await;
        c.get("/identification/return").await;
    }
    let first = reads(c.sandbox_log().await) - before;
    assert!(
        (1..=10).contains(&first),
        "{first} reads of a successful identification in its first two days"
    );
    // The next thirteen days: webhooks would bring a late cancel; no more reads (the old
    // reconciliation read it every hour for fifteen days).
    for _ in 0..(13 * 4) {
        c.advance(6 * 3600).await;
        c.get("/identification/return").await;
    }
    let later = reads(c.sandbox_log().await) - before - first;
    assert_eq!(later, 0, "reads after the first two days");
}
