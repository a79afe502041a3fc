//! Each of the guide's eighteen test scenarios (both prefixes, nine cases) lived to its end at
//! the guide's real durations on the manual clock: what the customer's return page says, in
//! order, the mails, the events for the bank and the items for its staff. `X-AUTOTEST` runs by
//! itself; `X-MANUALTEST` is played through the sandbox's IDnow page as a customer would.

use crate::common;

use common::customer::{confirmed, Customer, TestApp};
use reqwest::StatusCode;

/// What a scenario showed and sent, each in order.
#[derive(Debug, Default)]
struct Lived {
    /// The return page's status sentence, each time it changed.
    words: Vec<String>,
    /// The mails' subjects, without the bank's name.
    mails: Vec<String>,
    /// The events for the bank: the type, and for a status change its status.
    events: Vec<String>,
    /// The kinds of the staff's needs-attention items.
    staff: Vec<String>,
}

/// The first sentence of the return page's status paragraph.
fn status_words(body: &str) -> String {
    first_sentence(body, "status")
}

/// The first sentence of the page's first paragraph with `role`.
fn first_sentence(body: &str, role: &str) -> String {
    let opening = format!("<p role=\"{role}\">");
    let Some(at) = body.find(&opening) else {
        return format!("(no {role}: {})", &body[..body.len().min(200)]);
    };
    let rest = &body[at + opening.len()..];
    let text = &rest[..rest.find("</p>").unwrap()];
    let text = text.replace("<span>", "").replace("</span>", "");
    text.split(". ")
        .next()
        .unwrap()
        .trim_end_matches('.')
        .to_string()
}

/// Follows the IDnow page the way a browser would: while an automated call runs the page
/// reloads itself, and at its end IDnow sends the browser back with the transaction number.
async fn browser_at_idnow(c: &Customer, url: &str, back: &mut bool) {
    if *back {
        return;
    }
    let res = c.http.get(format!("{url}?waiting=1")).send().await.unwrap();
    if res.status() == StatusCode::SEE_OTHER {
        let to = res.headers()["location"].to_str().unwrap().to_string();
        if to.contains("/identification/return") {
            c.get(&to).await;
            *back = true;
        }
    }
}

async fn live(prefix: &str, case: &str) -> Lived {
    let c = TestApp::manual().spawn("en").await;
    let name = format!("{prefix}-{case}");
    confirmed(&c, &name).await;
    c.german_id_card_to_redirect().await;
    let go = c.submit("/identification/start", &[]).await;
    let mut lived = Lived::default();
    let say = |words: String, lived: &mut Lived| {
        if lived.words.last() != Some(&words) {
            lived.words.push(words);
        }
    };
    if go.status == StatusCode::SEE_OTHER {
        let url = go.location.clone().unwrap();
        let mut back = false;
        if prefix == "X-MANUALTEST" {
            // The customer at IDnow: consent and number; the robot agent decides, or asks
            // for the ident code from the SMS.
            let to = c.start_at_idnow(&url).await;
            let to = if to.contains("/identification/return") {
                to
            } else {
                say(
                    status_words(&c.get("/identification/return").await.body),
                    &mut lived,
                );
                c.advance(60).await;
                c.ident_code(&url, None).await
            };
            say(status_words(&c.get(&to).await.body), &mut lived);
            back = true;
        } else {
            say(
                status_words(&c.get("/identification/return").await.body),
                &mut lived,
            );
        }
        // The call, the review and what follows, at the guide's durations; the return page
        // looked at after each step.
        for step in [
            30,
            30,
            30,
            30,
            30,
            30,
            60,
            120,
            600,
            3600,
            6 * 3600,
            6 * 3600,
            6 * 3600,
            6 * 3600,
        ] {
            c.advance(step).await;
            browser_at_idnow(&c, &url, &mut back).await;
            say(
                status_words(&c.get("/identification/return").await.body),
                &mut lived,
            );
        }
    } else {
        // Solaris refused the request: the answer to the button, then the page looked at
        // again.
        say(first_sentence(&go.body, "alert"), &mut lived);
        let page = c.get("/identification/start").await;
        say(first_sentence(&page.body, "alert"), &mut lived);
    }
    c.advance(600).await;
    let mut mails: Vec<String> = c
        .mailbox()
        .await
        .iter()
        .map(|m| {
            m["subject"]
                .as_str()
                .unwrap()
                .trim_start_matches("Demo Bank: ")
                .to_string()
        })
        .collect();
    mails.reverse();
    lived.mails = mails;
    let mut events: Vec<String> = c
        .event_box()
        .await
        .iter()
        .map(|e| {
            let kind = e["type"].as_str().unwrap();
            match e["payload"]["data"]["status"].as_str() {
                Some(status) if kind == "identification.status_changed" => {
                    format!("status {status}")
                }
                _ => kind.trim_start_matches("application.").to_string(),
            }
        })
        .collect();
    events.reverse();
    lived.events = events;
    lived.staff =
        sqlx::query_as::<_, (String,)>("select kind from attention order by created_at, id")
            .fetch_all(&c.db.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|(k,)| k)
            .collect();
    c.reference_never_seen();
    lived
}

const IN_CALL: &str = "You are not through the video call yet";
const CHECKING: &str = "Your video call has ended";
const CONFIRMED: &str = "Your identity is confirmed";
const SAVED: &str = "your application is saved";
const IDENTIFIED: &str = "your identity is confirmed";

fn assert_lived(lived: Lived, words: &[&str], mails: &[&str], events: &[&str], staff: &[&str]) {
    assert_eq!(lived.words, words, "the customer's words: {lived:#?}");
    assert_eq!(lived.mails, mails, "the mails: {lived:#?}");
    assert_eq!(lived.events, events, "the bank's events: {lived:#?}");
    assert_eq!(lived.staff, staff, "the staff's items: {lived:#?}");
}

/// The words, mails, events and items of a success; `before` is what the customer read before
/// the call ended.
fn succeeds(lived: Lived, before: &[&str]) {
    let words: Vec<&str> = before
        .iter()
        .copied()
        .chain([CHECKING, CONFIRMED])
        .collect();
    assert_lived(
        lived,
        &words,
        &[SAVED, IDENTIFIED],
        &[
            "submitted",
            "status created",
            "status pending",
            "status successful",
            "completed",
        ],
        &[],
    );
}

#[tokio::test]
async fn autotest_happypath() {
    succeeds(live("X-AUTOTEST", "HAPPYPATH").await, &[IN_CALL]);
}

#[tokio::test]
async fn manualtest_happypath() {
    succeeds(live("X-MANUALTEST", "HAPPYPATH").await, &[IN_CALL]);
}

#[tokio::test]
async fn autotest_changeall() {
    succeeds(live("X-AUTOTEST", "CHANGEALL").await, &[IN_CALL]);
}

#[tokio::test]
async fn manualtest_changeall() {
    succeeds(live("X-MANUALTEST", "CHANGEALL").await, &[IN_CALL]);
}

#[tokio::test]
async fn autotest_changeallreview() {
    succeeds(live("X-AUTOTEST", "CHANGEALLREVIEW").await, &[IN_CALL]);
}

#[tokio::test]
async fn manualtest_changeallreview() {
    succeeds(live("X-MANUALTEST", "CHANGEALLREVIEW").await, &[IN_CALL]);
}

/// The 24-hour review: "IDnow is checking", then, after ten minutes, "taking longer" with the
/// way back into a call that may have been interrupted; then the success.
fn long_review(lived: Lived) {
    assert_lived(
        lived,
        &[
            IN_CALL,
            CHECKING,
            "IDnow has not finished checking your video call yet",
            CONFIRMED,
        ],
        &[SAVED, IDENTIFIED],
        &[
            "submitted",
            "status created",
            "status pending",
            "status successful",
            "completed",
        ],
        &[],
    );
}

#[tokio::test]
async fn autotest_longreview() {
    long_review(live("X-AUTOTEST", "LONGREVIEW").await);
}

#[tokio::test]
async fn manualtest_longreview() {
    long_review(live("X-MANUALTEST", "LONGREVIEW").await);
}

/// An abort by the agent (the video was not good enough): another try, the same link.
fn aborted(lived: Lived, before: &[&str]) {
    let words: Vec<&str> = before
        .iter()
        .copied()
        .chain(["The video identification was ended before it was complete"])
        .collect();
    assert_lived(
        lived,
        &words,
        &[
            SAVED,
            "your video identification needs another try",
            // A day later, as the call is still to be done.
            "your application is waiting for you",
        ],
        &[
            "submitted",
            "status created",
            "status pending",
            "status aborted",
        ],
        &[],
    );
}

#[tokio::test]
async fn autotest_abortident() {
    aborted(live("X-AUTOTEST", "ABORTIDENT").await, &[IN_CALL]);
}

#[tokio::test]
async fn manualtest_abortident() {
    // The robot agent aborts as soon as the call starts.
    aborted(live("X-MANUALTEST", "ABORTIDENT").await, &[]);
}

/// The guide's case 2: fraud suspected in the call, the review finds it legit. Nothing asks
/// the customer to try again, and nothing but the success is mailed.
fn fraud_not_confirmed(lived: Lived) {
    assert_lived(
        lived,
        &[
            IN_CALL,
            "IDnow did not accept the video call as it was, and its review may still change this",
            CONFIRMED,
        ],
        &[SAVED, IDENTIFIED],
        &[
            "submitted",
            "status created",
            "status pending",
            "status canceled",
            "status successful",
            "completed",
        ],
        &[],
    );
}

#[tokio::test]
async fn autotest_fraudok() {
    fraud_not_confirmed(live("X-AUTOTEST", "FRAUDOK").await);
}

#[tokio::test]
async fn manualtest_fraudok() {
    fraud_not_confirmed(live("X-MANUALTEST", "FRAUDOK").await);
}

/// The guide's case 3: a success the review cancels. The bank is told to stop the account,
/// the customer to repeat the identification, and staff look at it.
fn success_revoked(lived: Lived) {
    assert_lived(
        lived,
        &[
            IN_CALL,
            CHECKING,
            CONFIRMED,
            "After a review, the identification that had been confirmed was not accepted",
        ],
        &[SAVED, IDENTIFIED, "please repeat your video identification"],
        &[
            "submitted",
            "status created",
            "status pending",
            "status successful",
            "completed",
            "status canceled",
            "completion_revoked",
        ],
        &["canceled_after_success"],
    );
}

#[tokio::test]
async fn autotest_canceled() {
    success_revoked(live("X-AUTOTEST", "CANCELED").await);
}

#[tokio::test]
async fn manualtest_canceled() {
    success_revoked(live("X-MANUALTEST", "CANCELED").await);
}

/// HOLDCERTIFICATE is eSigning only: Solaris refuses the request of a video identification.
/// The customer is told a retry would not help; staff get the one refusal.
fn refused_for_good(lived: Lived) {
    assert_lived(
        lived,
        &["Our bank partner cannot start a video identification for you this way, and trying again will not change that"],
        &[SAVED],
        &["submitted", "status created"],
        &["work_failed"],
    );
}

#[tokio::test]
async fn autotest_holdcertificate() {
    refused_for_good(live("X-AUTOTEST", "HOLDCERTIFICATE").await);
}

#[tokio::test]
async fn manualtest_holdcertificate() {
    refused_for_good(live("X-MANUALTEST", "HOLDCERTIFICATE").await);
}

/// Fraud suspected in the call and confirmed in the review: no account, no reason given.
fn fraud_confirmed(lived: Lived) {
    assert_lived(
        lived,
        &[
            IN_CALL,
            "Your identification is being reviewed",
            "We are sorry: we cannot open an account for you",
        ],
        &[SAVED, "we cannot open your account online"],
        &[
            "submitted",
            "status created",
            "status pending",
            "status pending_failed",
            "status failed",
            "failed",
        ],
        &["pending_failed"],
    );
}

#[tokio::test]
async fn autotest_fraudident() {
    fraud_confirmed(live("X-AUTOTEST", "FRAUDIDENT").await);
}

#[tokio::test]
async fn manualtest_fraudident() {
    fraud_confirmed(live("X-MANUALTEST", "FRAUDIDENT").await);
}
