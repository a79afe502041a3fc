//! The bank's systems: events signed as Standard Webhooks, verified here independently and
//! checked for replays; each outcome's events in order; a receiver that is down for a while
//! loses and doubles nothing with two instances; the read API with its keys and its pages.

use crate::common;

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::customer::{sign_up, spawn_with, Customer};
use common::{eventually, fresh_database_url, instance, wait_until, Received, Receiver};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

const SECRET: &str = "whsec_dGVzdC1wYXJ0bmVyLWV2ZW50cy1rZXktb2YtMzItYnl0ZXM=";
const KEY: &str = "a-partner-api-key-of-at-least-32-characters";

/// A receiver's check of a delivery, as a Standard Webhooks library does it: the signature over
/// `{id}.{timestamp}.{body}`, and a timestamp within five minutes of `now`.
fn verify(r: &Received, secret: &str, now: i64) -> Result<Value, String> {
    let id = r.header("webhook-id");
    let timestamp = r.header("webhook-timestamp");
    let ts: i64 = timestamp.parse().map_err(|_| "no timestamp")?;
    if (now - ts).abs() > 300 {
        return Err("timestamp too old: a replay".into());
    }
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&r.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    if !r
        .header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
    {
        return Err("bad signature".into());
    }
    serde_json::from_slice(&r.body).map_err(|e| e.to_string())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn app_with_receiver(receiver: &Receiver) -> Customer {
    spawn_with(
        "en",
        &[
            ("PARTNER_EVENTS_URL", &receiver.url),
            ("PARTNER_EVENTS_SECRET", SECRET),
            ("PARTNER_API_KEYS", KEY),
        ],
    )
    .await
}

/// The verified events of one application, in the order they arrived: (type, status).
fn events_of(receiver: &Receiver, application_id: &str) -> Vec<(String, String)> {
    receiver
        .received()
        .iter()
        .map(|r| verify(r, SECRET, now()).expect("every delivery verifies"))
        .filter(|e| e["data"]["application_id"] == application_id)
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["data"]["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn application_id(c: &Customer, first_name: &str) -> String {
    let (id,): (String,) = sqlx::query_as("select id from application where details like $1")
        .bind(format!("%{first_name}%"))
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    id
}

/// Waits until the application's last event is `last`; returns its events.
async fn until_last(
    c: &Customer,
    receiver: &Receiver,
    id: &str,
    last: &str,
) -> Vec<(String, String)> {
    eventually(&format!("{last} for {id}"), || async {
        c.settle().await;
        let got = events_of(receiver, id);
        if got.last().is_some_and(|(t, _)| t == last) {
            Ok(got)
        } else {
            Err(got)
        }
    })
    .await
}

/// The events besides the status changes, in order.
fn outcomes(got: &[(String, String)]) -> Vec<&str> {
    got.iter()
        .map(|(t, _)| t.as_str())
        .filter(|t| *t != "identification.status_changed")
        .collect()
}

fn ends_with(got: &[(String, String)], tail: &[(&str, &str)]) {
    let tail: Vec<(String, String)> = tail
        .iter()
        .map(|(t, s)| (t.to_string(), s.to_string()))
        .collect();
    assert!(got.ends_with(&tail), "{got:?} does not end with {tail:?}");
    assert_eq!(
        got[0],
        ("application.submitted".into(), String::new()),
        "{got:?}"
    );
    assert_eq!(
        got[1],
        ("identification.status_changed".into(), "created".into()),
        "{got:?}"
    );
}

#[tokio::test]
async fn each_outcome_sends_its_signed_events_in_order_without_personal_data() {
    let receiver = Receiver::start().await;
    let c = app_with_receiver(&receiver).await;
    let status = |s: &'static str| ("identification.status_changed", s);

    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let happy = application_id(&c, "X-AUTOTEST-HAPPYPATH").await;
    let got = until_last(&c, &receiver, &happy, "application.completed").await;
    ends_with(
        &got,
        &[
            status("successful"),
            ("application.completed", "successful"),
        ],
    );
    assert_eq!(
        outcomes(&got),
        ["application.submitted", "application.completed"]
    );

    let fraud = c.another("en");
    sign_up(&fraud, "X-AUTOTEST-FRAUDIDENT").await;
    fraud.advance(150).await;
    fraud.status_becomes("failed").await;
    let failed = application_id(&c, "X-AUTOTEST-FRAUDIDENT").await;
    let got = until_last(&c, &receiver, &failed, "application.failed").await;
    ends_with(&got, &[status("failed"), ("application.failed", "failed")]);
    assert_eq!(
        outcomes(&got),
        ["application.submitted", "application.failed"]
    );

    let revoked = c.another("en");
    sign_up(&revoked, "X-AUTOTEST-CANCELED").await;
    revoked.advance(150).await;
    revoked.status_becomes("successful").await;
    revoked.advance(90).await;
    revoked.status_becomes("canceled").await;
    let case3 = application_id(&c, "X-AUTOTEST-CANCELED").await;
    let got = until_last(&c, &receiver, &case3, "application.completion_revoked").await;
    ends_with(
        &got,
        &[
            status("successful"),
            ("application.completed", "successful"),
            status("canceled"),
            ("application.completion_revoked", "canceled"),
        ],
    );
    assert_eq!(
        outcomes(&got),
        [
            "application.submitted",
            "application.completed",
            "application.completion_revoked"
        ]
    );

    // Solaris deletes the happy customer's person: the bank hears of the erasure last.
    let (person,): (String,) = sqlx::query_as("select person_id from application where id = $1")
        .bind(&happy)
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    let erase = c
        .http
        .post(c.url(&format!("/sandbox/_sandbox/persons/{person}/delete")))
        .send()
        .await
        .unwrap();
    assert!(erase.status().is_success());
    let got = until_last(&c, &receiver, &happy, "application.erased").await;
    assert_eq!(
        outcomes(&got),
        [
            "application.submitted",
            "application.completed",
            "application.erased"
        ]
    );

    // Each event once, none with personal data, and a replay of an old one is refused.
    let all = receiver.received();
    let mut ids: Vec<&str> = all.iter().map(|r| r.header("webhook-id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "no event twice");
    for r in &all {
        let body = String::from_utf8_lossy(&r.body);
        for datum in [
            "Beispiel",
            "Musterstadt",
            "erika@example.com",
            "X-AUTOTEST",
            "1990-01-01",
        ] {
            assert!(!body.contains(datum), "{datum} in {body}");
        }
        assert_eq!(r.header("content-type"), "application/json");
    }
    let mut replay = all[0].clone();
    let old = now() - 3600;
    replay
        .headers
        .insert("webhook-timestamp", old.to_string().parse().unwrap());
    assert!(
        verify(&replay, SECRET, now()).is_err(),
        "an old timestamp is refused"
    );
    assert!(
        verify(&all[0], SECRET, now() + 3600).is_err(),
        "a replay an hour later is refused"
    );
    let mut forged = all[0].clone();
    forged.body = br#"{"type":"application.completed"}"#.to_vec().into();
    assert!(verify(&forged, SECRET, now()).is_err());
}

/// Applications with three events each, waiting, as the state changes write them.
async fn waiting_events(db: &solaris_onboarding::db::Db, apps: usize) {
    let now = chrono::Utc::now().timestamp_millis();
    for a in 0..apps {
        let id = format!("{:032x}", a + 1);
        sqlx::query("insert into application (id, created_at, updated_at) values ($1, $2, $2)")
            .bind(&id)
            .bind(now)
            .execute(&db.pool)
            .await
            .unwrap();
        for (seq, event_type) in [
            "application.submitted",
            "identification.status_changed",
            "application.completed",
        ]
        .iter()
        .enumerate()
        {
            let body = serde_json::json!({"type": event_type, "timestamp": "2026-11-28T10:00:00.000Z",
                "data": {"application_id": id, "seq": seq + 1}});
            sqlx::query(
                "insert into partner_event (id, application_id, seq, cause, event_type, body, state, created_at, due_at) \
                 values ($1, $2, $3, $4, $5, $6, 'waiting', $7, $7)",
            )
            .bind(format!("evt_{a}_{seq}"))
            .bind(&id)
            .bind(seq as i64 + 1)
            .bind(format!("cause{seq}"))
            .bind(event_type)
            .bind(body.to_string())
            .bind(now)
            .execute(&db.pool)
            .await
            .unwrap();
        }
    }
}

#[tokio::test]
async fn a_receiver_down_for_a_while_loses_nothing_and_gets_nothing_twice_from_two_instances() {
    const APPS: usize = 20;
    const REFUSED: usize = 25;
    let receiver = Receiver::start().await;
    receiver.answer_with(&[503; REFUSED]);
    let db_url = fresh_database_url().await;
    let db =
        solaris_onboarding::db::Db::connect(&db_url, solaris_onboarding::clock::Clock::system())
            .await
            .unwrap();
    waiting_events(&db, APPS).await;
    let (stop_a, a) = instance(
        &db_url,
        &[
            ("PARTNER_EVENTS_URL", &receiver.url),
            ("PARTNER_EVENTS_SECRET", SECRET),
        ],
    )
    .await;
    let (stop_b, b) = instance(
        &db_url,
        &[
            ("PARTNER_EVENTS_URL", &receiver.url),
            ("PARTNER_EVENTS_SECRET", SECRET),
        ],
    )
    .await;
    wait_until(
        &db,
        "everything arrives once the receiver is up",
        "select count(*) from partner_event where state = 'delivered'",
        (APPS * 3) as i64,
    )
    .await;
    // Both senders stopped and drained: nothing more can arrive.
    for (stop, task) in [(stop_a, a), (stop_b, b)] {
        let _ = stop.send(());
        task.await.unwrap();
    }
    let all = receiver.received();
    // The first answers were refusals; what was taken afterwards is each event once, in order.
    let taken = &all[REFUSED..];
    assert_eq!(taken.len(), APPS * 3, "nothing twice");
    let mut seen: HashMap<String, Vec<u64>> = HashMap::new();
    for r in taken {
        let e = verify(r, SECRET, now()).unwrap();
        seen.entry(e["data"]["application_id"].as_str().unwrap().to_string())
            .or_default()
            .push(e["data"]["seq"].as_u64().unwrap());
    }
    assert_eq!(seen.len(), APPS);
    for (app, seqs) in &seen {
        assert_eq!(seqs, &[1, 2, 3], "{app}: in order");
    }
}

async fn api(c: &Customer, path: &str, key: Option<&str>) -> (u16, Value) {
    let mut req = c.http.get(c.url(path));
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_read_api_needs_a_key_shows_the_evidence_and_pages_through_ten_thousand_applications() {
    let receiver = Receiver::start().await;
    let c = app_with_receiver(&receiver).await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    c.wait_on_complete().await;
    let id = application_id(&c, "X-AUTOTEST-HAPPYPATH").await;

    for key in [None, Some("wrong"), Some(&KEY[..KEY.len() - 1])] {
        let (status, body) = api(&c, &format!("/api/v1/applications/{id}"), key).await;
        assert_eq!(status, 401, "{key:?}");
        assert_eq!(body["error"], "unauthorized");
    }
    let (status, app) = api(&c, &format!("/api/v1/applications/{id}"), Some(KEY)).await;
    assert_eq!(status, 200, "{app}");
    // A NUL is no id and no cursor: refused at the door, never a storage failure.
    for path in [
        "/api/v1/applications/%00",
        "/api/v1/applications?cursor=%00",
    ] {
        let (status, body) = api(&c, path, Some(KEY)).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"], "invalid_character", "{path}");
    }
    assert_eq!(app["state"], "completed");
    assert_eq!(app["identification"]["status"], "successful");
    assert_eq!(app["sent_to_solaris"]["first_name"], "X-AUTOTEST-HAPPYPATH");
    assert_eq!(app["held_by_solaris"]["first_name"], "X-AUTOTEST-HAPPYPATH");
    let consents = app["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 2);
    for c in consents {
        assert_eq!(c["sha256"].as_str().unwrap().len(), 64);
        assert!(c["signed_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(c["language"], "en");
    }
    let history: Vec<&str> = app["identification_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(history.first(), Some(&"created"));
    assert_eq!(history.last(), Some(&"successful"));
    let (status, _) = api(&c, "/api/v1/applications/nope", Some(KEY)).await;
    assert_eq!(status, 404);

    // Every read is in the audit log, under the key's position, never the key.
    let (reads,): (i64,) = sqlx::query_as(
        "select count(*) from audit_log where actor = 'key-1' and action = 'application.read'",
    )
    .fetch_one(&c.db.pool)
    .await
    .unwrap();
    assert_eq!(reads, 2, "the read and the miss");
    assert!(common::customer::found_in(&c.db, &[KEY]).await.is_empty());

    // 10,000 applications, paged by keyset: each exactly once.
    sqlx::query(
        "insert into application (id, created_at, updated_at) \
         with recursive n(i) as (select 1 union all select i + 1 from n where i < 10000) \
         select 'bulk' || i, 1000 + i / 3, 1000 + i / 3 from n",
    )
    .execute(&c.db.pool)
    .await
    .unwrap();
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            None => "/api/v1/applications?limit=1000".to_string(),
            Some(cur) => format!("/api/v1/applications?limit=1000&cursor={cur}"),
        };
        let (status, page) = api(&c, &path, Some(KEY)).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        for a in page["data"].as_array().unwrap() {
            assert!(
                seen.insert(a["id"].as_str().unwrap().to_string()),
                "{a} twice"
            );
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen.iter().filter(|id| id.starts_with("bulk")).count(),
        10_000
    );
    assert!(seen.contains(&id));
    assert!((11..=12).contains(&pages), "{pages} pages");
    let (_, only) = api(&c, "/api/v1/applications?status=successful", Some(KEY)).await;
    let only = only["data"].as_array().unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["id"], id.as_str());
    let (_, later) = api(
        &c,
        "/api/v1/applications?updated_after=2020-01-01T00:00:00Z",
        Some(KEY),
    )
    .await;
    assert_eq!(
        later["data"].as_array().unwrap().len(),
        1,
        "the bulk rows are from 1970"
    );
    let (status, _) = api(&c, "/api/v1/applications?status=nonsense", Some(KEY)).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_failed_event_is_listed_and_sent_again_by_an_operator() {
    let receiver = Receiver::start().await;
    let c = app_with_receiver(&receiver).await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    let id = application_id(&c, "X-MANUALTEST-HAPPYPATH").await;
    // The last event of a requested identification is its `pending`; a webhook's `created` may
    // come before it.
    let pending = (
        "identification.status_changed".to_string(),
        "pending".to_string(),
    );
    receiver
        .wait_for("the requested identification's status", |_| {
            events_of(&receiver, &id).last() == Some(&pending)
        })
        .await;
    // An event the receiver never took, for days.
    let (event,): (String,) = sqlx::query_as(
        "select id from partner_event where application_id = $1 and event_type = 'application.submitted'",
    )
    .bind(&id)
    .fetch_one(&c.db.pool)
    .await
    .unwrap();
    sqlx::query("update partner_event set state = 'failed', attempts = 84, last_error = 'the receiver answered 503' where id = $1")
        .bind(&event)
        .execute(&c.db.pool)
        .await
        .unwrap();
    let (status, failed) = api(&c, "/api/v1/events?state=failed", Some(KEY)).await;
    assert_eq!(status, 200);
    let failed = failed["data"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["id"], event.as_str());
    assert_eq!(failed[0]["last_error"], "the receiver answered 503");
    let before = receiver.received().len();
    let res = c
        .http
        .post(c.url(&format!("/api/v1/events/{event}/redeliver")))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    c.settle().await;
    let got = receiver
        .wait_for("the event again", |r| r.len() > before)
        .await;
    assert_eq!(
        got.last().unwrap().header("webhook-id"),
        event,
        "the same id: receivers deduplicate by it"
    );
    let res = c
        .http
        .post(c.url(&format!("/api/v1/events/{event}/redeliver")))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "only a failed event is sent again");
}

#[tokio::test]
async fn without_a_url_the_sandbox_keeps_the_events_signed_with_its_documented_key() {
    let c = common::customer::spawn("en").await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    let events: Vec<Value> = eventually("three events in the event box", || async {
        c.settle().await;
        let events = c.event_box().await;
        if events.len() >= 3 {
            Ok(events)
        } else {
            Err(events)
        }
    })
    .await;
    assert_eq!(
        events.last().unwrap()["type"],
        "application.submitted",
        "newest first"
    );
    for e in &events {
        let mut headers = axum::http::HeaderMap::new();
        for (name, field) in [
            ("webhook-id", "webhook_id"),
            ("webhook-timestamp", "webhook_timestamp"),
            ("webhook-signature", "webhook_signature"),
        ] {
            headers.insert(name, e[field].as_str().unwrap().parse().unwrap());
        }
        let received = Received {
            headers,
            body: e["body"].as_str().unwrap().as_bytes().to_vec().into(),
        };
        verify(
            &received,
            solaris_onboarding::partner::SANDBOX_EVENTS_SECRET,
            now(),
        )
        .unwrap();
    }
}
