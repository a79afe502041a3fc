//! What a customer meets: the bank's identity on every page, the words of every outcome (each
//! of the guide's failure reasons against its two columns, in both languages), forms that say
//! what went wrong, a review that confirms only what it showed, compressed assets, and the sandbox's
//! IDnow page in German.

use crate::common;

use common::customer::{confirmed, sign_up, spawn, spawn_with, Customer, CONTACT};
use reqwest::StatusCode;
use solaris_onboarding::domain::failure_reason::FAILURE_REASONS;

/// Signs up to IDnow's page with every webhook dropped, then waits until the application is
/// quiet: pending, and no Solaris work left that could store another status over the one a
/// test sets (a late webhook would queue such a read after the queue looked empty).
async fn quiet(c: &Customer) {
    c.set_faults(serde_json::json!({"webhooks": {"drop_rate": 1}}))
        .await;
    sign_up(c, "X-MANUALTEST-HAPPYPATH").await;
    c.status_becomes("pending").await;
    common::wait_until(
        &c.db,
        "the work queue goes quiet",
        "select count(*) from solaris_work where state = 'pending'",
        0,
    )
    .await;
}

/// Puts the application into `status` with `reason`, as a status read would have stored it.
async fn set_status(c: &Customer, status: &str, reason: Option<&str>) {
    sqlx::query("update application set identification_status = $1, failure_reason = $2")
        .bind(status)
        .bind(reason)
        .execute(&c.db.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn every_page_names_the_bank_its_contact_imprint_privacy_and_the_legal_texts() {
    let c = spawn_with(
        "de",
        &[
            ("BANK_NAME", "Beispielbank"),
            ("BANK_CONTACT_EMAIL", "hilfe@beispielbank.example"),
            ("BANK_CONTACT_PHONE", "+49 30 1234567"),
            ("BANK_CONTACT_HOURS", "Mo–Fr 8–20 Uhr"),
            ("BANK_IMPRINT_URL", "https://beispielbank.example/impressum"),
            (
                "BANK_PRIVACY_URL",
                "https://beispielbank.example/datenschutz",
            ),
        ],
    )
    .await;
    for path in ["/", "/no-such-page"] {
        let page = c.get(path).await;
        for expected in [
            "<title>",
            "– Beispielbank</title>",
            "mailto:hilfe@beispielbank.example",
            "tel:+49301234567",
            "Mo–Fr 8–20 Uhr",
            "href=\"https://beispielbank.example/impressum\"",
            "href=\"https://beispielbank.example/datenschutz\"",
            "href=\"/legal/current/terms_conditions/de\"",
            "href=\"/legal/current/data_processing/de\"",
        ] {
            assert!(page.body.contains(expected), "{path}: {expected}");
        }
        assert!(
            !page.body.contains("Demo-Einstellungen"),
            "configured: no demo note"
        );
    }
    let demo = spawn("en").await;
    let home = demo.get("/").await;
    assert!(home.body.contains("Demo settings: this bank's name"));
    assert!(home.body.contains("Demo Bank"));
    // The legal texts, downloadable with their version in the file's name.
    let res = c
        .http
        .get(c.url("/legal/current/terms_conditions/de"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"terms_conditions-de-"),
        "{disposition}"
    );
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Allgemeine Geschäftsbedingungen"));
    assert_eq!(
        c.get("/legal/current/nonsense/de").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The return page at an aborted identification with `reason`, in `lang`.
async fn aborted_page(c: &Customer, reason: &str) -> String {
    set_status(c, "aborted", Some(reason)).await;
    c.get("/identification/return").await.body
}

#[tokio::test]
async fn each_failure_reason_is_worded_as_the_guides_two_columns_say_in_both_languages() {
    for lang in ["en", "de"] {
        let c = spawn(lang).await;
        quiet(&c).await;
        let (fixable, not_you, permanent, retry) = if lang == "en" {
            (
                "You can fix this yourself:",
                "This was not caused by you.",
                "another attempt cannot solve this",
                "Try the video identification again",
            )
        } else {
            (
                "Das können Sie selbst beheben:",
                "Das lag nicht an Ihnen.",
                "durch einen neuen Versuch nicht lösen",
                "Videoidentifikation erneut versuchen",
            )
        };
        // The waiting list is no failure: its own words, in the journey's tests.
        for r in FAILURE_REASONS
            .iter()
            .filter(|r| r.code != "ENROLLED_TO_WAITING_LIST")
        {
            let page = aborted_page(&c, r.code).await;
            let has = |text: &str| page.contains(text);
            assert_eq!(has(permanent), r.permanent, "{lang} {}: permanent", r.code);
            assert_eq!(
                has(retry),
                !r.permanent,
                "{lang} {}: a retry button",
                r.code
            );
            assert_eq!(
                has(not_you),
                r.caused_by_user == Some(false),
                "{lang} {}: not caused by the customer",
                r.code
            );
            // A fraud suspicion under review gets no coaching.
            assert_eq!(
                has(fixable),
                r.caused_by_user == Some(true) && !r.permanent && r.code != "NO_ESIGN_FRAUD",
                "{lang} {}: advice",
                r.code
            );
            if r.permanent {
                assert!(
                    has("mailto:service@bank.example"),
                    "{lang} {}: the contact",
                    r.code
                );
            }
        }
    }
}

#[tokio::test]
async fn the_return_page_says_one_situation_at_a_time_and_reloads_only_without_script() {
    let c = spawn("en").await;
    quiet(&c).await;
    // Back from IDnow before the call ended: continue it, with the same link.
    set_status(&c, "pending", None).await;
    let page = c.get("/identification/return").await;
    assert!(page.body.contains("You are not through the video call yet"));
    assert!(page.body.contains("Continue your video call"));
    assert!(
        page.body
            .contains("<noscript><meta http-equiv=\"refresh\" content=\"10\">"),
        "a timed reload only without script"
    );
    assert!(
        page.body.contains("/assets/status-"),
        "the live stream with script"
    );
    let res = c
        .http
        .get(c.url("/identification/return"))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers().get("refresh").is_none(),
        "no reload header a script could not stop"
    );
    // Under review: what happens, that they may leave, no retry button.
    for (status, text) in [
        ("pending_successful", "IDnow is now reviewing it"),
        (
            "pending_failed",
            "Until the review is finished we cannot offer you banking services",
        ),
    ] {
        set_status(&c, status, None).await;
        let page = c.get("/identification/return").await;
        assert!(page.body.contains(text), "{status}");
        assert!(page.body.contains("You may close this page"), "{status}");
        assert!(!page.body.contains("<button"), "{status}: nothing to retry");
    }
    // A success keeps following the stream (a review may still cancel it), without reloading.
    set_status(&c, "successful", None).await;
    let page = c.get("/identification/return").await;
    assert!(page.body.contains("/assets/status-"));
    assert!(!page.body.contains("http-equiv=\"refresh\""));
    // A final failure names the contact and follows nothing.
    set_status(&c, "failed", None).await;
    let page = c.get("/identification/return").await;
    assert!(page.body.contains("mailto:service@bank.example"));
    assert!(!page.body.contains("/assets/status-"));
}

#[tokio::test]
async fn a_refused_form_says_error_in_its_title_focuses_its_summary_and_keeps_what_was_typed() {
    for (lang, prefix) in [("en", "<title>Error: "), ("de", "<title>Fehler: ")] {
        let c = spawn(lang).await;
        c.consent().await;
        let mut fields = common::customer::person_with("  Erika  ");
        fields.retain(|(name, _)| *name != "birth_date[year]");
        fields.push(("birth_date[year]", "19x0"));
        let page = c.submit("/details/person", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains(prefix), "{lang}");
        let at = page
            .body
            .find("class=\"error-summary\"")
            .expect("a summary");
        let start = page.body[..at].rfind('<').unwrap();
        let summary = &page.body[start..at + page.body[at..].find('>').unwrap()];
        assert!(
            summary.contains("autofocus") && summary.contains("tabindex=\"-1\""),
            "{summary}"
        );
        assert!(page.body.contains("value=\"Erika\""), "trimmed, kept");
        assert!(
            page.body
                .contains("name=\"birth_date[year]\" value=\"19x0\""),
            "kept as typed"
        );
        assert!(
            page.body.contains("href=\"#birth_date\""),
            "the summary leads to the date"
        );
        // Surrounding spaces are no error.
        let ok = c
            .submit("/details/person", &common::customer::person_with(" Erika "))
            .await;
        ok.redirected_to("/details/contact");
    }
}

#[tokio::test]
async fn a_review_confirmed_from_a_stale_tab_sends_nothing_and_shows_the_current_data() {
    let c = spawn("en").await;
    c.subscribed().await;
    c.consent().await;
    c.submit("/details/person", &common::customer::person_with("Erika"))
        .await
        .redirected_to("/details/contact");
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    let first_tab = c.get("/review").await;
    // In a second tab the customer changes the e-mail address.
    let changed: Vec<(&str, &str)> = CONTACT
        .iter()
        .map(|&(k, v)| {
            if k == "email" {
                (k, "erika.neu@example.com")
            } else {
                (k, v)
            }
        })
        .collect();
    c.submit("/details/contact", &changed)
        .await
        .redirected_to("/review");
    let stale = c
        .post(
            "/review",
            &first_tab.csrf(),
            &[("data_version", &first_tab.value_of("data_version"))],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Your data has changed"));
    assert!(
        stale.body.contains("erika.neu@example.com"),
        "the current data"
    );
    let (queued,): (i64,) = sqlx::query_as("select count(*) from solaris_work")
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    assert_eq!(queued, 0, "nothing went to Solaris");
    c.post(
        "/review",
        &stale.csrf(),
        &[("data_version", &stale.value_of("data_version"))],
    )
    .await
    .redirected_to("/preparing");
}

#[tokio::test]
async fn german_pages_write_dates_the_german_way_and_consent_times_in_berlin_time() {
    let c = spawn("de").await;
    c.consent().await;
    c.submit("/details/person", &common::customer::person_with("Erika"))
        .await
        .redirected_to("/details/contact");
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    let review = c.get("/review").await;
    assert!(review.body.contains("1. Januar 1990"), "the date of birth");
    assert!(review.body.contains(" Uhr MEZ / CET") || review.body.contains(" Uhr MESZ / CEST"));
    assert!(
        review.body.contains(" UTC)"),
        "with the UTC second of the record"
    );
}

#[tokio::test]
async fn the_completion_page_marks_what_the_video_call_corrected_and_says_what_happens_now() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-CHANGEALL").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let done = c.wait_on_complete().await;
    for text in [
        "Street and house number",
        "Postal code and city",
        "corrected by IDnow: X-AUTOTEST-CHANGEALL →",
        "What happens now",
        "Demo Bank now opens your account",
        "print this page",
    ] {
        assert!(done.body.contains(text), "{text}: {}", done.body);
    }
}

#[tokio::test]
async fn the_assets_are_compressed_as_the_browser_accepts_and_pages_and_the_stream_are_not() {
    let c = spawn("en").await;
    let home = c.get("/").await;
    let css = home
        .body
        .split("href=\"")
        .find(|s| s.starts_with("/assets/main-"))
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .unwrap();
    let get = |path: String, accept: &'static str| {
        let req = c.http.get(c.url(&path));
        let req = if accept.is_empty() {
            req
        } else {
            req.header("accept-encoding", accept)
        };
        req.send()
    };
    let plain = get(css.clone(), "").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    for (accept, encoding) in [
        ("gzip, deflate, br, zstd", Some("br")),
        ("gzip, deflate", Some("gzip")),
        ("br;q=0, gzip", Some("gzip")),
        ("deflate", None),
    ] {
        let res = get(css.clone(), accept).await.unwrap();
        assert_eq!(res.headers()["vary"], "accept-encoding");
        assert_eq!(
            res.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        let body = res.bytes().await.unwrap();
        let unpacked = match encoding {
            Some("br") => {
                let mut out = Vec::new();
                brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
                out
            }
            Some(_) => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut out)
                    .unwrap();
                out
            }
            None => body.to_vec(),
        };
        assert_eq!(unpacked, plain, "{accept}: the stylesheet itself");
        if encoding.is_some() {
            assert!(
                body.len() * 3 < plain.len(),
                "{accept}: {} bytes",
                body.len()
            );
        }
    }
    // A page holds the CSRF token and echoes what was typed: compressed, its size could give
    // the token away (BREACH).
    let page = get("/".into(), "gzip, deflate, br, zstd").await.unwrap();
    assert!(page.headers().get("content-encoding").is_none());
    confirmed(&c, "X-MANUALTEST-HAPPYPATH").await;
    let stream = c
        .http
        .get(c.url("/identification/events"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(
        stream.headers().get("content-encoding").is_none(),
        "events must not wait in a buffer"
    );
}

#[tokio::test]
async fn the_sandbox_idnow_page_speaks_german_and_an_automated_abort_returns_to_the_bank() {
    let c = spawn("de").await;
    let url = sign_up(&c, "X-MANUALTEST-HAPPYPATH").await;
    let page = c.get(&url).await;
    assert!(page.body.contains("<html lang=\"de\""));
    assert!(page.body.contains("Identifikation starten"));
    assert!(page
        .body
        .contains("Ich habe ein gültiges Ausweisdokument zur Hand."));

    let auto = c.another("en");
    let url = sign_up(&auto, "X-AUTOTEST-ABORTIDENT").await;
    let waiting = auto.get(&url).await;
    assert!(
        waiting.body.contains("?waiting=1"),
        "the page reloads itself while the call runs"
    );
    auto.advance(60).await;
    auto.status_becomes("aborted").await;
    let back = auto.get(&format!("{url}?waiting=1")).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert!(
        back.location.unwrap().contains("/identification/return"),
        "back to the bank"
    );
    // A fresh visit of the link runs the automated session again (the retry), asking nothing.
    let again = auto.get(&url).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(again.location.unwrap().ends_with("?waiting=1"));
    assert!(!again.body.contains("Start identification"));
}

/// The text of the first element of `body` that starts with `opening`, up to `closing`.
fn between<'a>(body: &'a str, opening: &str, closing: &str) -> &'a str {
    let at = body
        .find(opening)
        .unwrap_or_else(|| panic!("no {opening} in {body}"));
    let rest = &body[at + opening.len()..];
    &rest[..rest.find(closing).unwrap()]
}

#[tokio::test]
async fn the_small_things_read_right_on_german_pages() {
    let c = spawn("de").await;
    c.subscribed().await;
    c.post("/start", "", &[]).await.redirected_to("/terms");
    // Refusing the terms puts the focus on the box to tick.
    let terms = c.get("/terms").await;
    // The header reads as two words apart: the bank, and the tagline.
    let brand = between(&terms.body, "class=\"brand\">", "</a>");
    let text: String = brand
        .split('<')
        .map(|part| part.split_once('>').map_or(part, |(_, text)| text))
        .collect();
    assert_eq!(text, "Demo Bank Konto eröffnen", "{brand}");
    let refused = c
        .post(
            "/terms",
            &terms.csrf(),
            &[("version", &terms.value_of("version"))],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let checkbox = between(&refused.body, "<input type=\"checkbox\"", ">");
    assert!(checkbox.contains("autofocus"), "{checkbox}");
    c.accept_consents().await;

    // Countries sorted as a reader sorts them: Österreich among the O's.
    let person = c.get("/details/person").await;
    let birth = between(&person.body, "name=\"birth_country\"", "</select>");
    let at = |name: &str| {
        birth
            .find(&format!(">{name}</option>"))
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert!(at("Oman") < at("Österreich") && at("Österreich") < at("Pakistan"));
    assert!(at("Ägypten") < at("Albanien"), "Ä with the A's");

    c.submit("/details/person", &common::customer::person_with("Erika"))
        .await
        .redirected_to("/details/contact");
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    let review = c.get("/review").await;
    assert!(
        review.body.contains("Straße und Hausnummer"),
        "the row holds both: {}",
        review.body
    );
    c.post(
        "/review",
        &review.csrf(),
        &[("data_version", &review.value_of("data_version"))],
    )
    .await
    .redirected_to("/preparing");
    c.wait_on("/preparing").await.redirected_to("/documents");

    // Document versions have a plain name; the lists of countries are sorted by name.
    let documents = c.get("/documents").await;
    let passports = between(&documents.body, "<strong>Reisepass</strong>: ", "</li>");
    let names: Vec<&str> = passports.split(", ").collect();
    let mut sorted = names.clone();
    let fold = |n: &&str| {
        n.chars()
            .map(|c| match c {
                'Ä' | 'ä' => 'a',
                'Ö' | 'ö' => 'o',
                'Ü' | 'ü' => 'u',
                c => c.to_ascii_lowercase(),
            })
            .collect::<String>()
    };
    sorted.sort_by_key(fold);
    assert!(names.contains(&"Österreich"), "{names:?}");
    assert_eq!(names, sorted);
    let asked = c
        .submit(
            "/documents",
            &[
                ("document_type", "National ID Card"),
                ("document_country", "DE"),
            ],
        )
        .await;
    assert!(
        asked
            .body
            .contains("Personalausweis aus Deutschland, Version DEU-BO-01003 (zeigt die Adresse)"),
        "{}",
        asked.body
    );

    // A form sent with a stale token: its own heading, and a language link that answers.
    let stale = c
        .post(
            "/documents",
            "not-the-token",
            &[("document_type", "Passport")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    assert!(stale.body.contains("<h1>Ihre Sitzung ist abgelaufen</h1>"));
    assert!(stale.body.contains("href=\"/?lang=en\""), "{}", stale.body);
}
