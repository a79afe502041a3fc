//! E-mails over a real SMTP server (aiosmtpd): each mail the journey causes arrives once, in
//! the customer's language, with the bank's name and no personal data beyond the first name;
//! two instances and a sender restart send nothing twice; an outage delays but loses nothing.

use crate::common;

use common::customer::{sign_up, Customer, TestApp};
use common::smtp::{free_port, link_in, Received, SmtpServer};
use common::{eventually, fresh_database_url, instance};

const FROM: &str = "Demo Bank <onboarding@bank.example>";

/// The app on a manual clock, its background work settled after each of the customer's
/// requests: a mail has been sent (or has failed) by the time the page answers.
async fn app_mailing_to(smtp_url: &str, lang: &'static str) -> Customer {
    TestApp::manual()
        .with(&[
            ("SMTP_URL", smtp_url),
            ("MAIL_FROM", FROM),
            ("BANK_NAME", "Demo Bank"),
        ])
        .spawn(lang)
        .await
}

/// What the test person typed besides the first name: never in a mail.
const NOT_IN_MAILS: &[&str] = &[
    "Beispiel",
    "Musterstadt",
    "1990",
    "Teststraße",
    "10115",
    "4915123456789",
    "TST-",
];

fn no_personal_data(m: &Received) {
    for datum in NOT_IN_MAILS {
        assert!(
            !m.text.contains(datum) && !m.html.contains(datum) && !m.subject.contains(datum),
            "{datum} in the mail {:?}",
            m.subject
        );
    }
}

/// The one mail with `subject`: the app's work is settled, so a duplicate would be here.
fn exactly_one(smtp: &SmtpServer, subject: &str) -> Received {
    let found = smtp.with_subject(subject);
    assert_eq!(
        found.len(),
        1,
        "{subject}: {:?}",
        smtp.messages()
            .iter()
            .map(|m| &m.subject)
            .collect::<Vec<_>>()
    );
    found.into_iter().next().unwrap()
}

/// Waits until `n` mails with `subject` arrived (a customer reads the first before going on).
async fn wait_count(smtp: &SmtpServer, subject: &str, n: usize) {
    eventually(&format!("{n} mails {subject:?}"), || async {
        let got = smtp.with_subject(subject).len();
        if got >= n {
            Ok(())
        } else {
            Err(got)
        }
    })
    .await
}

/// The first mail with `subject`, once the SMTP server has written it.
async fn wait_for_subject(smtp: &SmtpServer, subject: &str) -> Received {
    eventually(&format!("a mail {subject:?}"), || async {
        match smtp.with_subject(subject).into_iter().next() {
            Some(m) => Ok(m),
            None => Err(smtp
                .messages()
                .into_iter()
                .map(|m| m.subject)
                .collect::<Vec<_>>()),
        }
    })
    .await
}

#[tokio::test]
async fn the_saved_and_the_success_mail_arrive_once_in_english_with_the_resume_link() {
    let smtp = SmtpServer::start().await;
    let c = app_mailing_to(&smtp.url(), "en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    let saved = wait_for_subject(&smtp, "your application is saved").await;
    assert_eq!(saved.to, "erika@example.com");
    assert_eq!(saved.from, "onboarding@bank.example");
    assert!(saved.subject.starts_with("Demo Bank: "));
    assert!(
        saved.text.starts_with("Hello X-AUTOTEST-HAPPYPATH,"),
        "{}",
        saved.text
    );
    assert!(
        saved.headers.contains("Auto-Submitted: auto-generated"),
        "{}",
        saved.headers
    );
    let link = link_in(&saved.text, &format!("{}/resume/", c.base)).expect("the resume link");
    assert!(
        saved.html.contains(&link),
        "the HTML part carries the same link"
    );
    assert!(!saved.html.contains("<img"), "no images, no tracking");
    no_personal_data(&saved);

    c.status_becomes("pending").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let success = wait_for_subject(&smtp, "your identity is confirmed").await;
    assert!(
        link_in(&success.text, "http").is_none(),
        "nothing left to continue"
    );
    no_personal_data(&success);
    exactly_one(&smtp, "your application is saved");
    exactly_one(&smtp, "your identity is confirmed");
}

#[tokio::test]
async fn a_customer_who_can_try_again_a_refused_one_and_a_canceled_success_each_get_their_mail_in_german(
) {
    let smtp = SmtpServer::start().await;
    let aborted = app_mailing_to(&smtp.url(), "de").await;
    sign_up(&aborted, "X-AUTOTEST-ABORTIDENT").await;
    wait_count(&smtp, "Ihr Antrag ist gespeichert", 1).await;
    aborted.advance(60).await;
    aborted.status_becomes("aborted").await;
    let retry = wait_for_subject(&smtp, "braucht einen neuen Versuch").await;
    assert!(retry.text.starts_with("Hallo X-AUTOTEST-ABORTIDENT,"));
    assert!(
        retry.text.contains("Das Video war nicht klar genug"),
        "the reason in plain words: {}",
        retry.text
    );
    assert!(link_in(&retry.text, &format!("{}/resume/", aborted.base)).is_some());
    no_personal_data(&retry);

    let refused = aborted.another("de");
    sign_up(&refused, "X-AUTOTEST-FRAUDIDENT").await;
    wait_count(&smtp, "Ihr Antrag ist gespeichert", 2).await;
    refused.advance(150).await;
    refused.status_becomes("failed").await;
    let no = wait_for_subject(&smtp, "Wir können Ihr Konto nicht online eröffnen").await;
    assert!(link_in(&no.text, "http").is_none());
    no_personal_data(&no);

    let canceled = aborted.another("de");
    sign_up(&canceled, "X-AUTOTEST-CANCELED").await;
    wait_count(&smtp, "Ihr Antrag ist gespeichert", 3).await;
    canceled.advance(150).await;
    canceled.status_becomes("successful").await;
    canceled.advance(90).await;
    canceled.status_becomes("canceled").await;
    let again = wait_for_subject(&smtp, "Bitte wiederholen Sie Ihre Videoidentifikation").await;
    assert!(link_in(&again.text, &format!("{}/resume/", canceled.base)).is_some());
    no_personal_data(&again);

    for subject in [
        "braucht einen neuen Versuch",
        "Wir können Ihr Konto nicht online eröffnen",
        "Bitte wiederholen Sie Ihre Videoidentifikation",
        "Ihre Identität ist bestätigt",
    ] {
        exactly_one(&smtp, subject);
    }
    assert_eq!(
        exactly_one(&smtp, "Ihre Identität ist bestätigt").to,
        "erika@example.com"
    );
    assert_eq!(smtp.with_subject("Ihr Antrag ist gespeichert").len(), 3);
}

const HOUR: u64 = 3600;

#[tokio::test]
async fn two_reminders_then_the_expiry_notice_and_the_opt_out_works_without_signing_in() {
    let smtp = SmtpServer::start().await;
    let c = app_mailing_to(&smtp.url(), "en").await;
    // The customer is sent to IDnow but never makes the call.
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    wait_for_subject(&smtp, "your application is saved").await;
    assert_eq!(
        c.advance(23 * HOUR).await.reminders_queued,
        0,
        "nothing is due yet"
    );
    assert_eq!(
        c.advance(2 * HOUR).await.reminders_queued,
        1,
        "after 24 hours"
    );
    assert_eq!(c.settle().await.reminders_queued, 0, "each reminder once");
    let first = wait_for_subject(&smtp, "your application is waiting for you").await;
    assert!(link_in(&first.text, &format!("{}/resume/", c.base)).is_some());
    let opt_out =
        link_in(&first.text, &format!("{}/reminders/stop/", c.base)).expect("opt-out link");
    no_personal_data(&first);
    assert_eq!(
        c.advance(48 * HOUR).await.reminders_queued,
        1,
        "the second reminder after 72 hours"
    );
    assert_eq!(
        c.advance(48 * HOUR).await.reminders_queued,
        0,
        "at most two reminders"
    );
    smtp.wait_for(3).await;
    assert_eq!(
        smtp.with_subject("your application is waiting for you")
            .len(),
        2
    );

    // Twelve days after the link was requested: the notice names the day it expires.
    assert_eq!(c.advance((7 * 24 + 12) * HOUR).await.reminders_queued, 1);
    let expiry = wait_for_subject(&smtp, "your identification link expires soon").await;
    assert!(expiry.text.contains("expires on "), "{}", expiry.text);
    assert!(link_in(&expiry.text, &format!("{}/reminders/stop/", c.base)).is_some());

    // The opt-out, in a browser that never signed in: a page that asks, then stops.
    let stranger = c.another("en");
    let page = stranger.get(&opt_out).await;
    assert_eq!(page.status, 303);
    let ask = stranger.get("/reminders/stop").await;
    assert!(ask.body.contains("Stop the reminders?"), "{}", ask.body);
    let done = stranger.post("/reminders/stop", &ask.csrf(), &[]).await;
    assert!(
        done.body.contains("You will get no more reminders"),
        "{}",
        done.body
    );
    let stopped: (Option<i64>,) = sqlx::query_as("select reminders_stopped_at from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    assert!(stopped.0.is_some());
    // A forged opt-out link stops nothing.
    let forged = c.another("en");
    forged.get(&format!("{}/reminders/stop/AAAA", c.base)).await;
    assert_eq!(forged.get("/reminders/stop").await.status, 404);
}

/// `n` applications, each with its saved mail waiting, in German.
async fn confirmed_applications(db: &solaris_onboarding::db::Db, n: usize) {
    for i in 0..n {
        waiting_mail(db, &format!("{:032x}", i + 1), i, "saved", "DE").await;
    }
}

/// An application written as the review's confirmation writes it (customer `Kunde{i}`), with
/// one waiting mail of `kind` in `language`.
async fn waiting_mail(
    db: &solaris_onboarding::db::Db,
    id: &str,
    i: usize,
    kind: &str,
    language: &str,
) {
    let details = serde_json::json!({
        "person": {"salutation": null, "title": null, "first_name": format!("Kunde{i}"), "last_name": "Beispiel",
                   "birth_date": "1990-01-01", "birth_city": "Musterstadt", "birth_country": "DE",
                   "nationality": "DE", "employment_status": "STUDENT"},
        "contact": {"mobile_number": "+4915123456789", "email": format!("kunde{i}@example.com"),
                    "line_1": "Teststraße", "line_2": "1", "postal_code": "10115", "city": "Berlin",
                    "state": null, "country": "DE", "tax_country": "DE"}
    });
    // A mail asking for another try is sent only while the identification still needs one.
    let status = (kind == "action").then_some("aborted");
    sqlx::query(
            "insert into application (id, created_at, updated_at, details, person_request, language, submitted_at, identification_status) \
             values ($1, $3, $3, $2, '{}', $4, $3, $5)",
        )
        .bind(id)
        .bind(details.to_string())
        .bind(db.now_ms())
        .bind(language)
        .bind(status)
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into mail (id, application_id, cause, kind, state, created_at, due_at) \
             values ($1, $2, $3, $3, 'waiting', 0, 0)",
    )
    .bind(format!("mail{i}"))
    .bind(id)
    .bind(kind)
    .execute(&db.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn every_kind_of_mail_arrives_once_in_english_and_in_german() {
    use solaris_onboarding::db::mail::MailKind;
    let smtp = SmtpServer::start().await;
    let db_url = fresh_database_url().await;
    let db =
        solaris_onboarding::db::Db::connect(&db_url, solaris_onboarding::clock::Clock::system())
            .await
            .unwrap();
    let mut n = 0;
    for kind in MailKind::ALL {
        for language in ["EN", "DE"] {
            waiting_mail(&db, &format!("{:032x}", n + 1), n, kind.as_str(), language).await;
            n += 1;
        }
    }
    let (stop, task) = instance(&db_url, &[("SMTP_URL", &smtp.url()), ("MAIL_FROM", FROM)]).await;
    smtp.wait_for(n).await;
    // Stopped and drained, the sender can send nothing more: what arrived is all there is.
    let _ = stop.send(());
    task.await.unwrap();
    let all = smtp.messages();
    assert_eq!(all.len(), n, "each once");
    let mut subjects: Vec<&str> = all.iter().map(|m| m.subject.as_str()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(
        subjects.len(),
        n,
        "every kind has its own subject in each language: {subjects:?}"
    );
    for m in &all {
        let i: usize =
            m.to.trim_start_matches("kunde")
                .trim_end_matches("@example.com")
                .parse()
                .unwrap();
        let greeting = if i % 2 == 1 {
            format!("Hallo Kunde{i},")
        } else {
            format!("Hello Kunde{i},")
        };
        assert!(m.text.starts_with(&greeting), "{}: {}", m.subject, m.text);
        // Whom to ask, in the mail's language, instead of "replies are not read".
        let hours = if i % 2 == 1 { "Mo–Fr" } else { "Mon–Fri" };
        assert!(
            m.text.contains("service@bank.example") && m.text.contains(hours),
            "{}: {}",
            m.subject,
            m.text
        );
        assert!(!m.text.contains("not read") && !m.text.contains("nicht gelesen"));
        no_personal_data(m);
    }
}

#[tokio::test]
async fn two_instances_and_a_sender_restart_mid_batch_send_every_mail_exactly_once() {
    const MAILS: usize = 120;
    let smtp = SmtpServer::start().await;
    let db_url = fresh_database_url().await;
    // Connecting migrates; the mails are waiting before any sender runs.
    let db =
        solaris_onboarding::db::Db::connect(&db_url, solaris_onboarding::clock::Clock::system())
            .await
            .unwrap();
    confirmed_applications(&db, MAILS).await;

    let (stop_a, a) = instance(&db_url, &[("SMTP_URL", &smtp.url()), ("MAIL_FROM", FROM)]).await;
    let (stop_b, b) = instance(&db_url, &[("SMTP_URL", &smtp.url()), ("MAIL_FROM", FROM)]).await;
    // One instance stops in the middle of the batch; another takes its place.
    smtp.wait_for(5).await;
    let _ = stop_a.send(());
    a.await.unwrap();
    let (stop_c, c) = instance(&db_url, &[("SMTP_URL", &smtp.url()), ("MAIL_FROM", FROM)]).await;
    smtp.wait_for(MAILS).await;
    // Every sender stopped and drained: nothing more can arrive.
    for (stop, task) in [(stop_b, b), (stop_c, c)] {
        let _ = stop.send(());
        task.await.unwrap();
    }
    let all = smtp.messages();
    assert_eq!(all.len(), MAILS, "no mail twice");
    let mut to: Vec<String> = all.iter().map(|m| m.to.clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), MAILS, "every customer once");
    assert!(all
        .iter()
        .all(|m| m.subject == "Demo Bank: Ihr Antrag ist gespeichert"));
    let (sent,): (i64,) = sqlx::query_as("select count(*) from mail where state = 'sent'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(sent, MAILS as i64);
}

#[tokio::test]
async fn an_smtp_outage_delays_the_mail_and_loses_nothing() {
    let port = free_port();
    let c = app_mailing_to(&format!("smtp://127.0.0.1:{port}"), "en").await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    // The server is down: the mail waits with its error, and is tried again later.
    let (state, attempts, error): (String, i64, Option<String>) =
        sqlx::query_as("select state, attempts, last_error from mail where cause = 'saved'")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!(state, "waiting", "the sender tried and kept the mail");
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    let smtp = SmtpServer::start_on(port).await;
    // Not before its backoff is over; then it goes out.
    assert_eq!(c.advance(1).await.mails_sent, 0);
    assert_eq!(c.advance(HOUR).await.mails_sent, 1);
    let saved = wait_for_subject(&smtp, "your application is saved").await;
    // The link of the failed attempt was never delivered: only the delivered one works.
    let (live,): (i64,) = sqlx::query_as(
        "select count(*) from resume_token where purpose = 'resume' and revoked_at is null",
    )
    .fetch_one(&c.db.pool)
    .await
    .unwrap();
    assert_eq!(live, 1);
    assert!(link_in(&saved.text, &format!("{}/resume/", c.base)).is_some());
    exactly_one(&smtp, "your application is saved");
}

/// A mail's `Message-ID` header.
fn message_id(m: &Received) -> String {
    m.headers
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("message-id")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no Message-ID in {}", m.headers))
}

#[tokio::test]
async fn a_mail_sent_again_after_a_crash_has_the_same_message_id() {
    let smtp = SmtpServer::start().await;
    let c = app_mailing_to(&smtp.url(), "en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    let first = wait_for_subject(&smtp, "your application is saved").await;
    let id = message_id(&first);
    assert!(
        id.starts_with('<') && id.ends_with("@bank.example>"),
        "{id}"
    );
    // The crash the README describes: the server accepted the mail, the mark was never written,
    // and the lease ran out.
    sqlx::query(
        "update mail set state = 'waiting', lease_owner = null, lease_until = null \
         where kind = 'saved'",
    )
    .execute(&c.db.pool)
    .await
    .unwrap();
    c.settle().await;
    wait_count(&smtp, "your application is saved", 2).await;
    let copies: Vec<String> = smtp
        .with_subject("your application is saved")
        .iter()
        .map(message_id)
        .collect();
    assert_eq!(copies, [id.clone(), id.clone()], "the same message twice");
    // Another mail is another message.
    c.status_becomes("pending").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let success = wait_for_subject(&smtp, "your identity is confirmed").await;
    assert_ne!(message_id(&success), id);
}
