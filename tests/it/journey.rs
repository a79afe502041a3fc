//! The customer journey as a browser without JavaScript walks it: plain form posts with the
//! session cookie, redirects not followed, against the real app with the embedded sandbox.

use crate::common;

use std::time::Duration;

use common::customer::{
    person_with, personal_data_in, sign_up, spawn, spawn_with, Customer, CONTACT,
};
use reqwest::StatusCode;

#[tokio::test]
async fn happypath_ends_on_the_completion_page() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.status_becomes("pending").await;
    c.advance(150).await;
    let page = c.status_becomes("successful").await;
    assert!(page.body.contains("Your identity is confirmed"));
    let done = c.wait_on_complete().await;
    assert!(done.body.contains("Your sign-up is complete"));
    assert!(done.body.contains("X-AUTOTEST-HAPPYPATH"));
    c.reference_never_seen();
}

#[tokio::test]
async fn changeall_shows_the_data_idnow_corrected_in_german() {
    let c = spawn("de").await;
    sign_up(&c, "X-AUTOTEST-CHANGEALL").await;
    c.advance(150).await;
    let page = c.status_becomes("successful").await;
    assert!(page.body.contains("Ihre Identität ist bestätigt"));
    let done = c.wait_on_complete().await;
    assert!(done.body.contains("Zoë Łucja"), "{}", done.body);
    assert!(done.body.contains("Ångström-Müller"));
    assert!(done.body.contains("Ihre Anmeldung ist abgeschlossen"));
    c.reference_never_seen();
}

#[tokio::test]
async fn fraudident_is_under_review_then_failed_without_a_reason() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-FRAUDIDENT").await;
    c.advance(60).await;
    let review = c.status_becomes("pending_failed").await;
    assert!(review.body.contains("cannot offer you banking services"));
    c.advance(90).await;
    let failed = c.status_becomes("failed").await;
    assert!(failed.body.contains("we cannot open an account for you"));
    assert!(!failed.body.contains("Reason"));
    c.reference_never_seen();
}

#[tokio::test]
async fn abortident_explains_the_reason_and_retries_with_the_same_url() {
    let c = spawn("en").await;
    let url = sign_up(&c, "X-AUTOTEST-ABORTIDENT").await;
    c.advance(60).await;
    let aborted = c.status_becomes("aborted").await;
    assert!(
        aborted.body.contains("video was not clear enough"),
        "{}",
        aborted.body
    );
    assert!(aborted.body.contains("You can fix this yourself"));
    let retry = c.post("/identification/start", &aborted.csrf(), &[]).await;
    retry.redirected_to(&url);
    // At the IDnow page again, the automated session runs by itself, as the first did: no
    // consent or mobile number is asked.
    let res = c.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("?waiting=1"));
    c.settle().await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    c.reference_never_seen();
}

#[tokio::test]
async fn canceled_after_success_is_shown_as_such() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-CANCELED").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    c.advance(90).await;
    let page = c.status_becomes("canceled").await;
    assert!(
        page.body
            .contains("identification that had been confirmed was not accepted"),
        "{}",
        page.body
    );
    c.reference_never_seen();
}

#[tokio::test]
async fn fraudok_is_canceled_then_successful() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-FRAUDOK").await;
    c.advance(60).await;
    let canceled = c.status_becomes("canceled").await;
    assert!(canceled.body.contains("its review may still change this"));
    c.advance(90).await;
    c.status_becomes("successful").await;
}

#[tokio::test]
async fn an_expired_identification_is_replaced_without_typing_anything() {
    let c = spawn("en").await;
    let first = sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    // The customer keeps the return page open, whose status reads keep the session alive,
    // for the fifteen days until the link has expired.
    for _ in 0..(15 * 4) {
        c.advance(6 * 3600).await;
        c.get("/identification/return").await;
    }
    let expired = c.status_becomes("expired").await;
    assert!(expired
        .body
        .contains("link to the video identification has expired"));
    c.post("/identification/new", &expired.csrf(), &[])
        .await
        .redirected_to("/preparing");
    c.wait_on("/preparing")
        .await
        .redirected_to("/identification/start");
    let go = c.submit("/identification/start", &[]).await;
    let second = go.location.unwrap();
    assert_ne!(first, second, "a new identification has a new link");
}

#[tokio::test]
async fn typed_values_survive_a_validation_error_with_messages_next_to_the_fields() {
    let c = spawn("de").await;
    c.consent().await;
    let page = c
        .submit(
            "/details/person",
            &[
                ("salutation", "MR"),
                ("first_name", " Łukasz2"),
                ("last_name", "O'Polo😀"),
                ("birth_date[day]", "30"),
                ("birth_date[month]", "2"),
                ("birth_date[year]", "2015"),
                ("birth_city", "Musterstadt"),
                ("birth_country", "XX"),
                ("nationality", "DE"),
                ("employment_status", "EMPLOYED"),
                ("marital_status", "SINGLE"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("value=\"Łukasz2\""),
        "kept, without the space around it"
    );
    assert!(
        page.body.contains("value=\"O&#x27;Polo😀\"") || page.body.contains("value=\"O'Polo😀\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("Bitte verwenden Sie nur Buchstaben"));
    assert!(page.body.contains("aria-describedby=\"first_name-error\""));
    assert!(page.body.contains("role=\"alert\""));
    assert!(page.body.contains("Bitte geben Sie ein gültiges Datum ein"));
    assert!(page
        .body
        .contains("Bitte wählen Sie ein Land aus der Liste"));
}

#[tokio::test]
async fn a_customer_residing_outside_germany_is_told_and_never_reaches_solaris() {
    let c = spawn("en").await;
    c.consent().await;
    c.submit(
        "/details/person",
        &[
            ("salutation", "MS"),
            ("first_name", "Erika"),
            ("last_name", "Beispiel"),
            ("birth_date[day]", "1"),
            ("birth_date[month]", "1"),
            ("birth_date[year]", "1990"),
            ("birth_city", "Musterstadt"),
            ("birth_country", "AT"),
            ("nationality", "AT"),
            ("employment_status", "STUDENT"),
            ("marital_status", "SINGLE"),
        ],
    )
    .await
    .redirected_to("/details/contact");
    c.submit(
        "/details/contact",
        &[
            ("mobile_number", "+43 664 1234567"),
            ("email", "erika@example.com"),
            ("address[line_1]", "Testgasse"),
            ("address[line_2]", "2"),
            ("address[postal_code]", "1010"),
            ("address[city]", "Wien"),
            ("address[country]", "AT"),
            ("tax_information[tax_assessment_country]", "AT"),
        ],
    )
    .await
    .redirected_to("/not-eligible");
    let page = c.get("/not-eligible").await;
    assert!(!page.body.contains("Fourthline"), "no vendor's name");
    assert!(page.body.contains("How you can go on:"));
    assert!(
        page.body.contains("mailto:service@bank.example"),
        "the way forward names the contact"
    );
    c.get("/review").await.redirected_to("/not-eligible");
    let log: Vec<serde_json::Value> = c.sandbox_log().await;
    assert!(
        log.iter()
            .all(|e| !e["path"].as_str().unwrap().starts_with("/v1/persons")),
        "{log:?}"
    );
}

#[tokio::test]
async fn steps_cannot_be_skipped_and_forms_need_the_token_and_our_origin() {
    let c = spawn("en").await;
    c.http
        .post(c.url("/start"))
        .header("origin", &c.base)
        .send()
        .await
        .unwrap();
    c.get("/review").await.redirected_to("/terms");
    c.get("/identification/start").await.redirected_to("/terms");
    let terms = c.get("/terms").await;
    let forged = c
        .post(
            "/terms",
            "0".repeat(64).as_str(),
            &[("accept", "yes"), ("version", &terms.value_of("version"))],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let res = c
        .http
        .post(c.url("/terms"))
        .header("origin", "https://evil.example")
        .form(&[
            ("_csrf", terms.csrf().as_str()),
            ("accept", "yes"),
            ("version", &terms.value_of("version")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let missing = c
        .post(
            "/terms",
            &terms.csrf(),
            &[("version", &terms.value_of("version"))],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Please confirm that you accept"));
}

#[tokio::test]
async fn a_repeated_confirmation_creates_one_person() {
    let c = spawn("en").await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    let review = c.get("/review").await;
    assert_eq!(
        review.status,
        StatusCode::SEE_OTHER,
        "the review is behind the customer now"
    );
    let log: Vec<serde_json::Value> = c.sandbox_log().await;
    let creations = log
        .iter()
        .filter(|e| e["method"] == "POST" && e["path"] == "/v1/persons")
        .count();
    assert_eq!(creations, 1);
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let c = spawn("en").await;
    let res = c
        .http
        .post(c.url("/start"))
        .header("origin", &c.base)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = c.http.get(c.url("/terms")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().get("referrer-policy").is_some());
}

/// Accepts both consents and saves a valid first screen.
async fn through_person(c: &Customer) {
    c.consent().await;
    let mut person = person_with("Zoë");
    person.retain(|(name, _)| *name != "last_name");
    person.push(("last_name", "Müller-Lüdenscheidt"));
    c.submit("/details/person", &person)
        .await
        .redirected_to("/details/contact");
}

#[tokio::test]
async fn the_contact_form_checks_each_rule_and_keeps_what_was_typed() {
    let c = spawn("en").await;
    through_person(&c).await;
    let page = c
        .submit(
            "/details/contact",
            &[
                ("mobile_number", "030 1234567"),
                ("email", "erika@"),
                ("address[line_1]", " Teststra\u{200B}ße"),
                ("address[line_2]", "1"),
                ("address[postal_code]", "1011"),
                ("address[city]", "Berlin"),
                ("address[state]", "XX"),
                ("address[country]", "DE"),
                ("tax_information[tax_assessment_country]", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for typed in [
        "value=\"030 1234567\"",
        "value=\"erika@\"",
        "value=\"Teststra\u{200B}ße\"",
        "value=\"1011\"",
    ] {
        assert!(page.body.contains(typed), "{typed} was lost");
    }
    for message in [
        "Please enter a mobile number",
        "Please enter a valid e-mail address",
        "Please check this entry",
        "in Germany: five digits",
        "Please choose an option",
    ] {
        assert!(page.body.contains(message), "missing {message:?}");
    }
    for id in [
        "mobile_number-error",
        "email-error",
        "address_line_1-error",
        "address_postal_code-error",
        "tax_information_tax_assessment_country-error",
    ] {
        assert!(
            page.body.contains(&format!("aria-describedby=\"{id}\""))
                || page.body.contains(&format!("-hint {id}\"")),
            "{id} not tied to its input"
        );
    }
    // Fixed, the same form goes through, and the number is stored in E.164.
    c.submit(
        "/details/contact",
        &[
            ("mobile_number", "0049 151 23456789"),
            ("email", "erika@example.com"),
            ("address[line_1]", "Teststraße"),
            ("address[line_2]", "1"),
            ("address[postal_code]", "10115"),
            ("address[city]", "Berlin"),
            ("address[state]", ""),
            ("address[country]", "DE"),
            ("tax_information[tax_assessment_country]", "DE"),
        ],
    )
    .await
    .redirected_to("/review");
    let review = c.get("/review").await;
    assert!(review.body.contains("+4915123456789"));
    assert!(review.body.contains("Zoë") && review.body.contains("Müller-Lüdenscheidt"));
}

#[tokio::test]
async fn the_minimum_age_is_enforced() {
    let c = spawn("en").await;
    c.consent().await;
    let young = (chrono::Utc::now() - chrono::Duration::days(17 * 365))
        .format("%Y-%m-%d")
        .to_string();
    let (year, month, day) = (&young[..4], &young[5..7], &young[8..]);
    let page = c
        .submit(
            "/details/person",
            &[
                ("salutation", "MS"),
                ("first_name", "Erika"),
                ("last_name", "Beispiel"),
                ("birth_date[day]", day),
                ("birth_date[month]", month),
                ("birth_date[year]", year),
                ("birth_city", "Musterstadt"),
                ("birth_country", "DE"),
                ("nationality", "DE"),
                ("employment_status", "STUDENT"),
                ("marital_status", "SINGLE"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("at least 18 years old"));
}

#[tokio::test]
async fn consents_record_the_utc_second_and_the_text_version_shown() {
    let c = spawn("de").await;
    c.http
        .post(c.url("/start"))
        .header("origin", &c.base)
        .send()
        .await
        .unwrap();
    let terms = c.get("/terms").await;
    let version = terms.value_of("version");
    assert!(version.starts_with("terms_conditions/de/"), "{version}");
    c.post(
        "/terms",
        &terms.csrf(),
        &[("accept", "yes"), ("version", &version)],
    )
    .await
    .redirected_to("/privacy");
    // A second acceptance (back button) keeps the first timestamp.
    c.post(
        "/terms",
        &terms.csrf(),
        &[("accept", "yes"), ("version", &version)],
    )
    .await
    .redirected_to("/privacy");
    let page = c.get("/terms").await;
    // Shown in Berlin time, in German, with the UTC second the record holds.
    let shown = &page.body[page.body.find("akzeptiert am ").unwrap()..];
    let shown = &shown[..shown.find("</p>").unwrap()];
    assert!(shown.contains(" Uhr "), "{shown}");
    let utc = &shown[shown.find('(').unwrap() + 1..shown.find(" UTC)").unwrap()];
    assert!(
        chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{shown}"
    );
    // The data forms stay closed until the second consent.
    c.get("/details/person").await.redirected_to("/privacy");
}

#[tokio::test]
async fn happypath_in_german_says_every_step_in_german() {
    let c = spawn("de").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    let pending = c.status_becomes("pending").await;
    assert!(pending
        .body
        .contains("Sie sind mit dem Videoanruf noch nicht fertig"));
    assert!(pending.body.contains("Videoanruf fortsetzen"));
    assert!(!pending.body.contains("You are not through"));
    c.advance(150).await;
    c.status_becomes("successful").await;
    let done = c.wait_on_complete().await;
    assert!(done.body.contains("Vielen Dank"));
    c.reference_never_seen();
}

#[tokio::test]
async fn the_return_page_stream_tells_each_status_change_without_asking_solaris() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-FRAUDIDENT").await;
    c.status_becomes("pending").await;
    let mut stream = c
        .http
        .get(c.url("/identification/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let log_before: Vec<serde_json::Value> = c.sandbox_log().await;
    let mut seen = String::new();
    let mut advanced = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !seen.contains("data: failed") {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("the stream went quiet")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if !advanced && seen.contains("data: pending") {
            advanced = true;
            c.advance(60).await;
            c.advance(90).await;
        }
    }
    let statuses: Vec<&str> = seen
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .collect();
    assert_eq!(statuses.first(), Some(&"pending"));
    assert_eq!(statuses.last(), Some(&"failed"));
    // The stream itself sent nothing to Solaris: every read of the identification came from a
    // webhook (what is fetched after the ending, IDnow's attempts, is read at its own path).
    let log: Vec<serde_json::Value> = c.sandbox_log().await;
    let (identification,): (String,) = sqlx::query_as("select identification_id from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    let itself = format!("/identifications/{identification}");
    let reads = |log: &[serde_json::Value]| {
        log.iter()
            .filter(|e| e["method"] == "GET" && e["path"].as_str().unwrap().ends_with(&itself))
            .count()
    };
    let (webhooks,): (i64,) =
        sqlx::query_as("select count(*) from webhook_inbox where event_type = 'IDENTIFICATION'")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert!(reads(&log) - reads(&log_before) <= webhooks as usize);
}

#[tokio::test]
async fn the_return_page_status_read_answers_the_sessions_status_as_json() {
    // Arrange: a customer back from IDnow whose identification is pending.
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-FRAUDIDENT").await;
    c.status_becomes("pending").await;

    // Act: the status script's fallback read, a Leptos server function.
    let read = c.http.get(c.url("/api/status")).send().await.unwrap();

    // Assert: the stored status as JSON, never cached (it reads our database, as the stream
    // does: the layers test keeps the Solaris client out of the pages).
    assert_eq!(read.status(), 200);
    assert_eq!(read.headers()["cache-control"], "no-store");
    assert!(read.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(read.json::<String>().await.unwrap(), "pending");
    // A visitor without an application learns nothing.
    let stranger = reqwest::Client::new()
        .get(c.url("/api/status"))
        .send()
        .await
        .unwrap();
    assert!(stranger.status().is_server_error() || stranger.status().is_client_error());
    assert!(!stranger.text().await.unwrap().contains("pending"));
}

/// The supported documents GETs the sandbox served.
async fn document_list_reads(c: &Customer) -> usize {
    let log: Vec<serde_json::Value> = c.sandbox_log().await;
    log.iter()
        .filter(|e| {
            e["path"]
                .as_str()
                .unwrap()
                .ends_with("/supported_documents")
        })
        .count()
}

#[tokio::test]
async fn the_list_of_documents_is_read_once_per_identification() {
    let c = spawn("en").await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    assert_eq!(document_list_reads(&c).await, 1);
}

#[tokio::test]
async fn when_solaris_cannot_list_the_documents_the_customer_chooses_from_the_guide_and_goes_on() {
    let c = spawn("de").await;
    // An odd answer (404 for an identification Solaris just created), every time.
    c.set_faults(serde_json::json!({"routes": [{"path": "/v1/persons/*/identifications/*/supported_documents", "status": 404}]}))
        .await;
    let c = documents_step(c).await;
    let page = c.get("/documents").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("Die Liste der akzeptierten Dokumente ist gerade nicht abrufbar"));
    assert!(page
        .body
        .contains("https://go.idnow.de/bafin2017/documents"));
    assert!(!page.body.contains("404") && !page.body.contains("model_not_found"));
    // The guide's types only; the proof-of-address rule still applies.
    let refused = c
        .submit(
            "/documents",
            &[
                ("document_type", "Residence Permit"),
                ("document_country", "DE"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("Dieses Dokument wird aus diesem Land nicht akzeptiert"));
    let poa = c
        .submit(
            "/documents",
            &[("document_type", "Passport"), ("document_country", "US")],
        )
        .await;
    assert_eq!(poa.status, StatusCode::OK);
    assert!(poa.body.contains("proof_of_address_type"));
    c.german_id_card_to_redirect().await;
    let go = c.submit("/identification/start", &[]).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    assert!(go.location.unwrap().contains("/sandbox/idnow/"));
    assert_eq!(document_list_reads(&c).await, 1, "asked once, not per view");
}

#[tokio::test]
async fn a_refused_request_tells_the_customer_in_german_that_a_retry_would_not_help() {
    let c = at_documents("de").await;
    c.german_id_card_to_redirect().await;
    c.set_faults(serde_json::json!({"routes": [{"method": "PATCH", "path": "/v1/persons/*/identifications/*/request", "status": 400, "times": 1}]}))
        .await;
    let page = c.submit("/identification/start", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ein neuer Versuch ändert daran nichts"));
    assert!(!page.body.contains(TRY_AGAIN_DE));
}

#[tokio::test]
async fn the_button_to_idnow_waits_while_the_queue_asks_solaris_again_and_the_page_never_asks() {
    let c = at_documents("en").await;
    c.german_id_card_to_redirect().await;
    c.set_faults(serde_json::json!({"routes": [{"method": "PATCH", "path": "/v1/persons/*/identifications/*/request", "status": 503, "times": 2}]}))
        .await;
    let go = c.submit("/identification/start", &[]).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.body);
    assert!(go.location.unwrap().contains("/sandbox/idnow/"));
    let requests: Vec<u64> = c
        .sandbox_log()
        .await
        .iter()
        .filter(|e| e["method"] == "PATCH" && e["path"].as_str().unwrap().ends_with("/request"))
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(
        requests.len(),
        3,
        "{requests:?}: twice unavailable, then answered"
    );
    assert!(
        requests[..2].iter().all(|s| *s == 503) && requests[2] < 300,
        "{requests:?}"
    );
    // One item of the queue asked each time; the page only waited for it.
    let items: Vec<(String, i64)> = sqlx::query_as(
        "select state, attempts from solaris_work where kind = 'request_identification'",
    )
    .fetch_all(&c.db.pool)
    .await
    .unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].0, "done");
    // Back from IDnow, the button opens the same link and asks Solaris nothing.
    let back = c.get("/identification/return").await;
    let again = c.post("/identification/start", &back.csrf(), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(again.location.unwrap().contains("/sandbox/idnow/"));
    let requests = c
        .sandbox_log()
        .await
        .iter()
        .filter(|e| e["method"] == "PATCH")
        .count();
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn while_solaris_stays_down_the_button_says_to_try_again_and_the_queue_gets_the_link_later() {
    let c = at_documents("de").await;
    c.german_id_card_to_redirect().await;
    c.set_faults(serde_json::json!({"routes": [{"method": "PATCH", "path": "/v1/persons/*/identifications/*/request", "status": 503, "times": 1000}]}))
        .await;
    let page = c.submit("/identification/start", &[]).await;
    assert_try_again(&page, TRY_AGAIN_DE);
    assert!(page.body.contains("<form"), "the button is there again");
    c.set_faults(serde_json::json!({"routes": []})).await;
    // A minute on, the queue's next try gets the link.
    c.advance(60).await;
    let (done,): (i64,) = sqlx::query_as(
        "select count(*) from solaris_work where kind = 'request_identification' and state = 'done'",
    )
    .fetch_one(&c.db.pool)
    .await
    .unwrap();
    assert_eq!(done, 1, "the queue gets the link once Solaris is back");
    // The link the queue got is the one the next click opens: no second request.
    let back = c.get("/identification/return").await;
    let go = c.post("/identification/start", &back.csrf(), &[]).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.body);
    assert!(go.location.unwrap().contains("/sandbox/idnow/"));
    let (items,): (i64,) =
        sqlx::query_as("select count(*) from solaris_work where kind = 'request_identification'")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!(items, 1);
}

#[tokio::test]
async fn while_solaris_is_down_the_preparing_page_says_so_and_the_application_goes_on_by_itself() {
    let c = spawn("en").await;
    c.subscribed().await;
    through_person(&c).await;
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    c.set_faults(serde_json::json!({"routes": [{"method": "POST", "path": "/v1/persons", "status": 503, "times": 3}]}))
        .await;
    c.submit("/review", &[]).await.redirected_to("/preparing");
    // The customer waits on the page, which reloads itself every few seconds, while the
    // queue tries again with backoff.
    let told = std::cell::Cell::new(false);
    let page = common::eventually("the application goes on", || async {
        c.advance(5).await;
        let page = c.get("/preparing").await;
        if page.status == StatusCode::SEE_OTHER {
            return Ok(page);
        }
        told.set(
            told.get()
                || page
                    .body
                    .contains("Our bank partner is not reachable at the moment"),
        );
        Err(page.status)
    })
    .await;
    page.redirected_to("/documents");
    assert!(told.get(), "the customer was told while Solaris was down");
}

const TRY_AGAIN_DE: &str = "Bitte versuchen Sie es in einer Minute erneut";

/// The calm 503 page, in the customer's language.
fn assert_try_again(page: &common::customer::Page, text: &str) {
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(page.body.contains(text), "{}", page.body);
}

/// Breaks the stored application so that reading it fails, as a storage fault would.
async fn corrupt_stored_application(c: &Customer) {
    sqlx::query("update application set details = 'not a JSON document'")
        .execute(&c.db.writer)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_storage_failure_on_a_journey_page_is_a_translated_503_that_keeps_the_application() {
    let c = spawn("de").await;
    c.subscribed().await;
    c.get("/").await;
    c.consent().await;
    corrupt_stored_application(&c).await;
    assert_try_again(&c.get("/details/person").await, TRY_AGAIN_DE);
    // The welcome page neither shows a start nor starts a second application; nor does the
    // start button (a second click, another tab).
    assert_try_again(&c.get("/").await, TRY_AGAIN_DE);
    assert_try_again(&c.post("/start", "", &[]).await, TRY_AGAIN_DE);
    let (applications,): (i64,) = sqlx::query_as("select count(*) from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    assert_eq!(applications, 1);
}

#[tokio::test]
async fn a_storage_failure_on_the_return_page_is_a_503_not_a_lost_application() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.status_becomes("pending").await;
    corrupt_stored_application(&c).await;
    let page = c.get("/identification/return").await;
    assert_try_again(&page, "Please try again in a minute");
    assert!(!page.body.contains("We could not find your application"));
}

/// The message next to input `id` of a refused page.
fn message_at(page: &common::customer::Page, id: &str) -> String {
    let marker = format!("id=\"{id}-error\"");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no message next to {id} (status {})", page.status));
    let start = at + page.body[at..].find('>').unwrap() + 1;
    let end = page.body[start..].find('<').unwrap();
    page.body[start..start + end].to_string()
}

#[tokio::test]
async fn names_mobile_numbers_and_e_mail_addresses_follow_their_rules_in_english_and_german() {
    let names = "letters only (also with accents)|nur Buchstaben (auch mit Akzenten)";
    let mobile = "Please enter a mobile number|Bitte geben Sie eine Mobilnummer ein";
    let mixed = "in one alphabet|in einem Alphabet";
    let email =
        "Please enter a valid e-mail address|Bitte geben Sie eine gültige E-Mail-Adresse ein";
    // (input, typed, the message it gets in English|German, or None when accepted)
    let person_cases: &[(&str, &str, Option<&str>)] = &[
        ("first_name", "An\u{200B}na", Some(names)), // a zero-width space
        ("first_name", "Ann\u{00AD}a", Some(names)), // a soft hyphen
        ("first_name", "\u{3164}", Some(names)),     // a Hangul filler, printed blank
        ("first_name", "𝐀𝐧𝐧𝐚", Some(names)),         // mathematical letters
        ("first_name", "Anna3", Some(names)),
        ("first_name", "Anna 😀", Some(names)),
        ("first_name", "\u{0410}nna", Some(mixed)), // a Cyrillic А before Latin letters
        ("first_name", " Zoe\u{0308} ", None),      // trimmed, and composed to "Zoë"
    ];
    let contact_cases: &[(&str, &str, Option<&str>)] = &[
        ("mobile_number", "+999999999999999", Some(mobile)),
        ("mobile_number", "030 1234567", Some(mobile)), // a landline
        ("mobile_number", "12345", Some(mobile)),
        ("mobile_number", "+49 (0)151 2345678", None),
        ("mobile_number", "0049 151 23456789", None),
        ("email", "a@b", Some(email)),
        ("email", "erika@example", Some(email)),
        ("email", " erika@example.com ", None),
    ];
    for (lang, index) in [("en", 0), ("de", 1)] {
        let c = spawn(lang).await;
        c.consent().await;
        let person = person_with("Zoë");
        let screens = [
            (
                "/details/person",
                person.as_slice(),
                person_cases,
                "/details/contact",
            ),
            ("/details/contact", CONTACT, contact_cases, "/review"),
        ];
        for (path, valid, cases, next) in screens {
            for (input, typed, message) in cases {
                let mut fields = valid.to_vec();
                fields.retain(|(name, _)| name != input);
                fields.push((input, typed));
                let page = c.submit(path, &fields).await;
                match message {
                    Some(message) => {
                        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed:?}");
                        let expected = message.split('|').nth(index).unwrap();
                        assert!(
                            message_at(&page, input).contains(expected),
                            "{lang} {typed:?}"
                        );
                    }
                    None => page.redirected_to(next),
                }
            }
        }
        // What was accepted last is stored as parsed: composed, trimmed, E.164.
        let review = c.get("/review").await;
        assert!(review.body.contains("<dd>Zoë</dd>"), "{}", review.body);
        assert!(review.body.contains("<dd>erika@example.com</dd>"));
        assert!(review.body.contains("+4915123456789"));
    }
}

#[tokio::test]
async fn the_too_young_message_states_the_configured_minimum_age() {
    let c = common::customer::spawn_with("de", &[("MINIMUM_AGE", "21")]).await;
    c.consent().await;
    let twenty = (chrono::Utc::now() - chrono::Duration::days(20 * 365 + 30))
        .format("%Y-%m-%d")
        .to_string();
    let mut fields = person_with("Erika");
    fields.retain(|(name, _)| !name.starts_with("birth_date["));
    fields.extend([
        ("birth_date[day]", &twenty[8..]),
        ("birth_date[month]", &twenty[5..7]),
        ("birth_date[year]", &twenty[..4]),
    ]);
    let page = c.submit("/details/person", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_at(&page, "birth_date").contains("mindestens 21 Jahre alt"));
}

#[tokio::test]
async fn a_form_with_a_field_sent_twice_gets_the_translated_error_page() {
    let c = spawn("de").await;
    let started = c
        .http
        .post(c.url("/start"))
        .header("origin", &c.base)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    // A consent form (a fixed form) with `accept` twice.
    let terms = c.get("/terms").await;
    let version = terms.value_of("version");
    let page = c
        .post(
            "/terms",
            &terms.csrf(),
            &[("accept", "yes"), ("accept", "yes"), ("version", &version)],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("konnte nicht gelesen werden"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Failed to deserialize"));
    // A data screen (read as typed) with the first name twice.
    c.consent().await;
    let person = c.get("/details/person").await;
    let mut fields = person_with("Erika");
    fields.push(("first_name", "Mallory"));
    let page = c.post("/details/person", &person.csrf(), &fields).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("konnte nicht gelesen werden"));
    // Nothing was saved from it.
    assert_eq!(
        c.get("/details/contact").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_over_long_url_is_refused_with_414() {
    let c = spawn("en").await;
    let page = c.get(&format!("/{}", "a".repeat(20 * 1024))).await;
    assert_eq!(page.status, StatusCode::URI_TOO_LONG);
    assert_eq!(c.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_freelancer_is_registered_with_the_industry_set_to_null_as_the_guide_asks() {
    let c = spawn("en").await;
    c.subscribed().await;
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    c.consent().await;
    let mut person = person_with("Erika");
    for field in person.iter_mut() {
        if field.0 == "employment_status" {
            field.1 = "FREELANCER";
        }
    }
    c.submit("/details/person", &person)
        .await
        .redirected_to("/details/contact");
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    c.submit("/review", &[]).await.redirected_to("/preparing");
    // The sandbox refuses a freelancer without a NACE code or a null industry, as Solaris does.
    c.wait_on("/preparing").await.redirected_to("/documents");
    let (request,): (String,) = sqlx::query_as("select person_request from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    let request: serde_json::Value = serde_json::from_str(&request).unwrap();
    assert_eq!(request["employment_status"], "FREELANCER");
    assert_eq!(request["tax_information"]["marital_status"], "SINGLE");
    assert_eq!(request["industry"], serde_json::Value::Null);
    assert!(request.as_object().unwrap().contains_key("industry_key"));
}

#[tokio::test]
async fn the_marital_status_german_retail_customers_need_is_asked_and_shown_for_review() {
    let c = spawn("de").await;
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    c.consent().await;
    let without: Vec<(&str, &str)> = person_with("Erika")
        .into_iter()
        .filter(|(k, _)| *k != "marital_status")
        .collect();
    let page = c.submit("/details/person", &without).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Familienstand"));
    assert!(
        page.body.contains(r#"id="marital_status-error""#),
        "{}",
        page.body
    );
    assert_eq!(
        page.value_of("first_name"),
        "Erika",
        "nothing typed is lost"
    );
    let mut person = person_with("Erika");
    for field in person.iter_mut() {
        if field.0 == "marital_status" {
            field.1 = "MARRIED";
        }
    }
    c.submit("/details/person", &person)
        .await
        .redirected_to("/details/contact");
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    let review = c.get("/review").await;
    assert!(review
        .body
        .contains("Verheiratet oder eingetragene Lebenspartnerschaft"));
}

#[tokio::test]
async fn the_exact_text_of_a_consent_stays_provable_after_the_text_changes() {
    let c = spawn("en").await;
    c.consent().await;
    let (sha, version): (String, String) =
        sqlx::query_as("select text_sha256, version from consent where kind = 'terms_conditions'")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    let res = c
        .http
        .get(c.url(&format!("/legal/{sha}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    let current = include_str!("../../legal/terms_conditions.en.txt");
    assert_eq!(res.text().await.unwrap(), current);
    assert!(version.starts_with("terms_conditions/en/"));

    // A consent given to an earlier wording, which the binary no longer holds.
    let old =
        "Terms and Conditions of Solaris SE\n\nAn earlier wording, accepted before the update.\n";
    let old_sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(old.as_bytes()))
    };
    assert_ne!(old_sha, sha);
    sqlx::query(
        "insert into consent_text (text_sha256, kind, language, version, text, created_at) \
         values ($1, 'terms_conditions', 'en', $2, $3, 0)",
    )
    .bind(&old_sha)
    .bind(format!("terms_conditions/en/{}", &old_sha[..12]))
    .bind(old)
    .execute(&c.db.pool)
    .await
    .unwrap();
    let res = c
        .http
        .get(c.url(&format!("/legal/{old_sha}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), old, "byte for byte");

    // Nobody accepted this one, and a hash must be one.
    for path in [
        format!("/legal/{}", "0".repeat(64)),
        "/legal/terms".to_string(),
    ] {
        assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// A customer at the documents step.
async fn at_documents(lang: &'static str) -> Customer {
    documents_step(spawn(lang).await).await
}

async fn documents_step(c: Customer) -> Customer {
    c.subscribed().await;
    through_person(&c).await;
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    c.submit("/review", &[]).await.redirected_to("/preparing");
    c.wait_on("/preparing").await.redirected_to("/documents");
    c
}

#[tokio::test]
async fn the_proof_of_address_is_asked_exactly_for_the_document_versions_the_guide_does_not_list() {
    use solaris_onboarding::domain::address_documents::{register_url, WITH_ADDRESS};
    let c = at_documents("en").await;
    let supported: Vec<serde_json::Value> = {
        let (list,): (String,) = sqlx::query_as("select supported_documents from application")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
        serde_json::from_str(&list).unwrap()
    };
    let listed = |kind: &str, country: &str| {
        supported.iter().any(|d| {
            d["type"] == kind
                && d["issuing_countries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == country)
        })
    };
    // Each kind and country of the guide's table: the customer is asked which version theirs
    // is, with exactly the table's versions (and "another version"), each linked to the register.
    let mut pairs: Vec<(&str, &str)> = WITH_ADDRESS.iter().map(|d| (d.kind, d.country)).collect();
    pairs.dedup();
    let mut asked = 0;
    for (kind, country) in pairs {
        if !listed(kind, country) {
            continue; // IDnow does not take it at all (the sandbox's list)
        }
        let page = c
            .submit(
                "/documents",
                &[("document_type", kind), ("document_country", country)],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{kind} {country}");
        let options: Vec<&str> = page
            .body
            .split(r#"<option value=""#)
            .skip(1)
            .filter_map(|o| o.split('"').next())
            .filter(|v| v.contains("-BO-") || v.contains("-AO-") || *v == "other")
            .collect();
        let mut expected: Vec<&str> = WITH_ADDRESS
            .iter()
            .filter(|d| d.kind == kind && d.country == country)
            .map(|d| d.code)
            .collect();
        for code in &expected {
            assert!(page.body.contains(&register_url(code)), "{code}");
        }
        expected.push("other");
        assert_eq!(options, expected, "{kind} {country}");
        assert!(
            !page.body.contains("proof_of_address_type"),
            "not yet: {kind} {country}"
        );
        asked += 1;
    }
    assert!(asked >= 15, "{asked} kinds and countries asked");
    // A kind and country without listed versions: the proof of address at once.
    let page = c
        .submit(
            "/documents",
            &[("document_type", "Passport"), ("document_country", "DE")],
        )
        .await;
    assert!(page.body.contains("proof_of_address_type"));
    assert!(!page.body.contains("document_version"));
    // Another version: the proof of address; a version that is not one of the kind's: an error.
    let page = c
        .submit(
            "/documents",
            &[
                ("document_type", "National ID Card"),
                ("document_country", "FR"),
                ("document_version", "other"),
            ],
        )
        .await;
    assert!(page.body.contains("proof_of_address_type"));
    assert!(
        page.body.contains(r#"<option value="other" selected"#),
        "nothing chosen is lost: {}",
        page.body
    );
    let page = c
        .submit(
            "/documents",
            &[
                ("document_type", "National ID Card"),
                ("document_country", "FR"),
                ("document_version", "DEU-BO-02001"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(r#"id="document_version-error""#));
    // A listed version: no proof of address, and the version is kept with the choice.
    c.submit(
        "/documents",
        &[
            ("document_type", "National ID Card"),
            ("document_country", "FR"),
            ("document_version", "FRA-BO-02002"),
        ],
    )
    .await
    .redirected_to("/checklist");
    let (document,): (String,) = sqlx::query_as("select document from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    assert_eq!(document["version"], "FRA-BO-02002");
    assert_eq!(document["needs_proof_of_address"], false);
}

#[tokio::test]
async fn a_withdrawal_before_solaris_erases_the_data_at_once_and_keeps_a_proof() {
    let c = spawn("en").await;
    c.subscribed().await;
    through_person(&c).await;
    let contact = c.submit("/details/contact", CONTACT).await;
    contact.redirected_to("/review");
    let review = c.get("/review").await;
    assert!(
        review.body.contains(r#"href="/withdraw""#),
        "every journey page offers it"
    );
    assert!(!personal_data_in(&c.db).await.is_empty());
    let confirm = c.get("/withdraw").await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Withdraw your application?"));
    assert!(
        confirm.body.contains(r#"href="/review""#),
        "a way back to the step"
    );
    let done = c.post("/withdraw", &confirm.csrf(), &[]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("We have deleted your data"));
    assert_eq!(personal_data_in(&c.db).await, Vec::<String>::new());
    let (withdrawn, erased, consents): (Option<i64>, Option<i64>, i64) = sqlx::query_as(
        "select withdrawn_at, erased_at, (select count(*) from consent) from application",
    )
    .fetch_one(&c.db.pool)
    .await
    .unwrap();
    assert!(
        withdrawn.is_some() && erased.is_some(),
        "the proof row stays"
    );
    assert_eq!(
        consents, 2,
        "the consents (no personal data) stay as evidence"
    );
    c.get("/review").await.redirected_to("/");
    let log: Vec<serde_json::Value> = c.sandbox_log().await;
    assert!(log
        .iter()
        .all(|e| !e["path"].as_str().unwrap().starts_with("/v1/persons")));
}

#[tokio::test]
async fn a_withdrawal_after_solaris_stops_the_application_and_records_the_request_for_staff() {
    let c = spawn("de").await;
    sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    let status = c.get("/identification/return").await;
    assert!(
        status.body.contains(r#"href="/withdraw""#),
        "the return page offers it too"
    );
    let confirm = c.get("/withdraw").await;
    assert!(confirm.body.contains("Antrag zurückziehen?"));
    c.post("/withdraw", &confirm.csrf(), &[])
        .await
        .redirected_to("/withdraw");
    let page = c.get("/withdraw").await;
    assert!(page.body.contains("Wir haben Ihren Antrag gestoppt"));
    assert!(page.body.contains("Solaris SE"));
    let (requested, erased, waiting): (Option<i64>, Option<i64>, i64) = sqlx::query_as(
        "select deletion_requested_at, erased_at, \
         (select count(*) from solaris_work where state = 'pending') from application",
    )
    .fetch_one(&c.db.pool)
    .await
    .unwrap();
    assert!(requested.is_some());
    assert_eq!(
        erased, None,
        "staff decide with Solaris what may be deleted"
    );
    assert_eq!(waiting, 0, "no more Solaris work");
    let (queued,): (String,) = sqlx::query_as("select kind from attention")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    assert_eq!(
        queued, "deletion_requested",
        "the request is in the staff's queue"
    );
    for path in [
        "/identification/return",
        "/documents",
        "/identification/start",
    ] {
        c.get(path).await.redirected_to("/withdraw");
    }
    assert!(page.body.contains("Einen neuen Antrag beginnen"));
    assert!(page.body.contains("mailto:service@bank.example"));
    assert!(page.body.contains("Mo–Fr"), "the German hours");
    // The browser is not stuck on the withdrawn application: it may start a new one.
    let welcome = c.get("/").await;
    assert_eq!(welcome.status, StatusCode::OK, "{:?}", welcome.location);
    c.post("/start", "", &[]).await.redirected_to("/terms");
    let (applications, withdrawn): (i64, i64) =
        sqlx::query_as("select count(*), count(withdrawn_at) from application")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!((applications, withdrawn), (2, 1));
}

#[tokio::test]
async fn a_customer_without_an_accepted_document_is_shown_the_other_way() {
    let c = at_documents("en").await;
    let documents = c.get("/documents").await;
    assert!(documents.body.contains(r#"href="/documents/none""#));
    let page = c.get("/documents/none").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Our customer service tells you"));
    assert!(page.body.contains("mailto:service@bank.example"));
    assert!(page.body.contains(r#"href="/documents""#));

    let alternative = "https://bank.example/identify-in-branch";
    let c = documents_step(spawn_with("de", &[("ALTERNATIVE_KYC_URL", alternative)]).await).await;
    let page = c.get("/documents/none").await;
    assert!(
        page.body.contains(&format!(r#"href="{alternative}""#)),
        "{}",
        page.body
    );
    assert!(page.body.contains("Andere Wege der Identifizierung"));
}

#[test]
fn the_alternative_route_must_use_https() {
    let refused = solaris_onboarding::config::Settings::from_source(|k| match k {
        "ALTERNATIVE_KYC_URL" => Some("http://bank.example/identify".to_string()),
        _ => None,
    });
    assert!(refused
        .unwrap_err()
        .to_string()
        .contains("ALTERNATIVE_KYC_URL"));
}

#[tokio::test]
async fn a_customer_without_a_last_name_signs_up_and_solaris_gets_what_it_asks_for() {
    let c = spawn("en").await;
    c.subscribed().await;
    c.consent().await;
    let mut fields = common::customer::person_with("X-AUTOTEST-HAPPYPATH");
    fields.retain(|(name, _)| *name != "last_name");
    // Without the box, the empty last name is an error; with it, none is needed.
    let refused = c.submit("/details/person", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("I have no last name"));
    fields.push(("last_name", ""));
    fields.push(("no_last_name", "yes"));
    c.submit("/details/person", &fields)
        .await
        .redirected_to("/details/contact");
    let again = c.get("/details/person").await;
    assert!(
        again
            .body
            .contains("name=\"no_last_name\" value=\"yes\" checked"),
        "kept: {}",
        again.body
    );
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    let review = c.get("/review").await;
    assert!(!review.body.contains("N/A"), "{}", review.body);
    // The creation's answer is lost once: the search for the copy knows Solaris answers the
    // N/A as empty, and adopts it.
    c.set_faults(serde_json::json!({"routes": [{"method": "POST", "path": "/v1/persons", "drop": "after", "times": 1}]}))
        .await;
    c.post(
        "/review",
        &review.csrf(),
        &[("data_version", &review.value_of("data_version"))],
    )
    .await
    .redirected_to("/preparing");
    // Past the backoff of the attempt whose answer was lost.
    c.advance(10).await;
    c.wait_on("/preparing").await.redirected_to("/documents");
    let created: Vec<serde_json::Value> = c
        .sandbox_log()
        .await
        .into_iter()
        .filter(|e| e["method"] == "POST" && e["path"] == "/v1/persons")
        .collect();
    assert_eq!(
        created.len(),
        1,
        "one person, adopted after the lost answer"
    );
    let (person_id,): (String,) = sqlx::query_as("select person_id from application")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    let person = c.sandbox_json(&format!("/v1/persons/{person_id}")).await;
    assert_eq!(person["last_name"], "", "N/A, answered as empty");
    c.german_id_card_to_redirect().await;
    c.submit("/identification/start", &[]).await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let done = c.wait_on_complete().await;
    assert!(
        !done.body.contains("corrected by IDnow"),
        "nothing was changed: {}",
        done.body
    );
}

#[tokio::test]
async fn a_nul_typed_into_a_form_is_refused_next_to_its_field_on_either_database() {
    let c = spawn("en").await;
    c.get("/").await;
    c.consent().await;
    let mut person = person_with("Erika\0");
    for field in person.iter_mut() {
        if field.0 == "birth_city" {
            field.1 = "Muster\0stadt";
        }
    }
    let refused = c.submit("/details/person", &person).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(!refused.body.contains('\0'), "no NUL in the page");
    for input in ["first_name", "birth_city"] {
        assert!(
            refused.body.contains(&format!("id=\"{input}-error\"")),
            "an error next to {input}"
        );
    }
    assert!(
        refused.body.contains("value=\"Erika\""),
        "what was typed stays"
    );
    c.submit("/details/person", &person_with("X-AUTOTEST-HAPPYPATH"))
        .await
        .redirected_to("/details/contact");
    let mut contact = CONTACT.to_vec();
    contact[1].1 = "erika\0@example.com";
    let refused = c.submit("/details/contact", &contact).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn a_letter_under_many_accents_and_an_address_a_bank_cannot_rely_on_are_refused_next_to_their_field(
) {
    for (lang, marks, literal, look_alike) in [
        (
            "en",
            "Please use at most three accents on one letter.",
            "not an IP address",
            "mixes letters of different alphabets",
        ),
        (
            "de",
            "Bitte verwenden Sie höchstens drei Akzente auf einem Buchstaben.",
            "keine IP-Adresse",
            "mischt Buchstaben verschiedener Alphabete",
        ),
    ] {
        let c = spawn(lang).await;
        c.get("/").await;
        c.consent().await;
        let buried = format!("a{}", "\u{0301}".repeat(44));
        let refused = c.submit("/details/person", &person_with(&buried)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains(marks), "{lang}: the accents");
        assert!(refused.body.contains("id=\"first_name-error\""));
        c.submit("/details/person", &person_with("X-AUTOTEST-HAPPYPATH"))
            .await
            .redirected_to("/details/contact");
        for (address, message) in [
            ("erika@[127.0.0.1]", literal),
            ("erika@b\u{0430}nk.example", look_alike),
        ] {
            let mut contact = CONTACT.to_vec();
            contact[1].1 = address;
            let refused = c.submit("/details/contact", &contact).await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{address}"
            );
            assert!(refused.body.contains(message), "{lang}: {address}");
            assert!(refused.body.contains("id=\"email-error\""), "{address}");
            assert!(
                refused.body.contains(&format!("value=\"{address}\"")),
                "what was typed stays: {address}"
            );
        }
    }
}
