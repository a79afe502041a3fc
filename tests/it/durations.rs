//! The journey at the guide's real durations, on the app's manual clock: the 90-second review
//! after the call, the 24-hour review, the reminders at 24 and 72 hours, the expiry notice on
//! day 12 and the expiry on day 14. Each state is asserted as the customer's page, the mails
//! and the bank's events show it, one step of the clock before and at each moment.

use crate::common;

use common::customer::{sign_up, Customer, TestApp};

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

/// How many mails have `needle` in their subject.
async fn mails(c: &Customer, needle: &str) -> usize {
    c.subjects()
        .await
        .iter()
        .filter(|s| s.contains(needle))
        .count()
}

/// The identification statuses the bank's systems were told, in no particular order (events
/// received in one millisecond of a clock that stands still have no order in the event box).
async fn statuses_told_to_the_bank(c: &Customer) -> Vec<String> {
    let events = c.event_box().await;
    let mut statuses: Vec<String> = events
        .iter()
        .filter(|e| e["type"] == "identification.status_changed")
        .filter_map(|e| e["payload"]["data"]["status"].as_str().map(String::from))
        .collect();
    statuses.sort();
    statuses
}

/// The status the return page shows.
async fn page_status(c: &Customer) -> String {
    let page = c.get("/identification/return").await;
    let Some(at) = page.body.find("data-status=\"") else {
        panic!("the return page shows no status: {}", page.body);
    };
    let rest = &page.body[at + "data-status=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Lets `seconds` pass while the customer keeps the return page open: its status reads keep
/// the session alive (it lapses after 8 hours without a visit).
async fn keep_the_page_open(c: &Customer, seconds: u64) {
    let mut left = seconds;
    while left > 0 {
        let step = left.min(6 * HOUR);
        c.advance(step).await;
        c.get("/identification/return").await;
        left -= step;
    }
}

#[tokio::test]
async fn after_the_call_the_customer_waits_the_ninety_second_review_and_is_then_identified() {
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    assert_eq!(page_status(&c).await, "pending", "in the call");

    // The call takes a minute; then the review, 90 s, in which Solaris still says pending
    // (what the page says to the customer meanwhile is issue 25's).
    c.advance(MINUTE).await;
    assert_eq!(page_status(&c).await, "pending", "in the review");
    c.advance(89).await;
    assert_eq!(page_status(&c).await, "pending", "still in the review");
    assert_eq!(mails(&c, "your identity is confirmed").await, 0);
    assert_eq!(statuses_told_to_the_bank(&c).await, ["created", "pending"]);

    c.advance(1).await;
    assert_eq!(page_status(&c).await, "successful");
    assert_eq!(mails(&c, "your identity is confirmed").await, 1);
    assert_eq!(
        statuses_told_to_the_bank(&c).await,
        ["created", "pending", "successful"]
    );
    c.reference_never_seen();
}

#[tokio::test]
async fn the_long_review_keeps_the_customer_waiting_a_whole_day_and_then_identifies_them() {
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-AUTOTEST-LONGREVIEW").await;
    c.advance(MINUTE).await;
    // The guide's appendix II: created → pending → successful, the review a day later.
    assert_eq!(page_status(&c).await, "pending");

    keep_the_page_open(&c, DAY - 1).await;
    assert_eq!(
        page_status(&c).await,
        "pending",
        "a second before the day is over"
    );
    assert_eq!(mails(&c, "your identity is confirmed").await, 0);
    let told = statuses_told_to_the_bank(&c).await;
    assert_eq!(
        told,
        ["created", "pending"],
        "no status the guide does not list"
    );

    c.advance(1).await;
    assert_eq!(page_status(&c).await, "successful");
    assert_eq!(mails(&c, "your identity is confirmed").await, 1);
    let told = statuses_told_to_the_bank(&c).await;
    assert!(told.contains(&"successful".to_string()), "{told:?}");
}

#[tokio::test]
async fn a_customer_who_never_makes_the_call_is_reminded_twice_told_on_day_twelve_and_the_link_expires_on_day_fourteen(
) {
    let c = TestApp::manual().spawn("en").await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    assert_eq!(c.subjects().await.len(), 1, "the saved mail only");
    let reminder = "your application is waiting for you";

    c.advance(DAY - 1).await;
    assert_eq!(mails(&c, reminder).await, 0, "not before 24 hours");
    c.advance(1).await;
    assert_eq!(
        mails(&c, reminder).await,
        1,
        "the first reminder at 24 hours"
    );

    c.advance(2 * DAY - 1).await;
    assert_eq!(mails(&c, reminder).await, 1, "not before 72 hours");
    c.advance(1).await;
    assert_eq!(
        mails(&c, reminder).await,
        2,
        "the second reminder at 72 hours"
    );

    let notice = "your identification link expires soon";
    c.advance(9 * DAY - 1).await;
    assert_eq!(mails(&c, notice).await, 0, "not before day 12");
    c.advance(1).await;
    assert_eq!(mails(&c, notice).await, 1, "the expiry notice on day 12");
    assert_eq!(mails(&c, reminder).await, 2, "no third reminder");

    c.advance(2 * DAY - 1).await;
    let (status,): (Option<String>,) =
        sqlx::query_as("select identification_status from application")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!(status.as_deref(), Some("pending"), "the link lives 14 days");
    c.advance(1).await;
    let (status,): (Option<String>,) =
        sqlx::query_as("select identification_status from application")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!(status.as_deref(), Some("expired"), "and then expires");
    let told = statuses_told_to_the_bank(&c).await;
    assert!(told.contains(&"expired".to_string()), "{told:?}");
    assert_eq!(
        c.subjects().await.len(),
        4,
        "nothing else was sent: {:?}",
        c.subjects().await
    );
}
