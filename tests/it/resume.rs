//! The way back into an application from another browser or device, with the development
//! mailbox of `cargo run` standing in for SMTP: the link from the mail and the QR code, the
//! date-of-birth check, the lock after five wrong answers, and links that end with the
//! application.

use crate::common;

use common::customer::{confirmed, sign_up, spawn, Customer};
use common::smtp::link_in;
use reqwest::StatusCode;

/// The resume link of the newest mail whose subject has `subject`.
async fn link_from_mail(c: &Customer, subject: &str) -> String {
    let mail = c.mail_with_subject(subject).await;
    link_in(
        mail["text"].as_str().unwrap(),
        &format!("{}/resume/", c.base),
    )
    .unwrap_or_else(|| panic!("no resume link in {mail}"))
}

/// Opens `link` in `browser` and answers the date of birth.
async fn answer(
    browser: &Customer,
    link: &str,
    day: &str,
    month: &str,
    year: &str,
) -> common::customer::Page {
    let arrived = browser.get(link).await;
    arrived.redirected_to("/resume");
    let form = browser.get("/resume").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    browser
        .post(
            "/resume",
            &form.csrf(),
            &[
                ("birth_date[day]", day),
                ("birth_date[month]", month),
                ("birth_date[year]", year),
            ],
        )
        .await
}

#[tokio::test]
async fn the_mailed_link_resumes_in_a_fresh_browser_at_the_customers_step_after_the_date_of_birth()
{
    let c = spawn("en").await;
    confirmed(&c, "X-MANUALTEST-HAPPYPATH").await;
    c.german_id_card_to_redirect().await;
    let link = link_from_mail(&c, "your application is saved").await;
    let mail = c.mail_with_subject("your application is saved").await;
    assert_eq!(mail["to"], "erika@example.com");
    assert!(mail["html"].as_str().unwrap().contains(&link));
    assert!(mail["sent_at"].as_str().unwrap().ends_with('Z'));

    let phone = c.another("en");
    // The link leaves the address bar at once; the form asks three inputs.
    phone.get(&link).await.redirected_to("/resume");
    let form = phone.get("/resume").await;
    for input in [
        "name=\"birth_date[day]\"",
        "name=\"birth_date[month]\"",
        "name=\"birth_date[year]\"",
        "autocomplete=\"bday-year\"",
    ] {
        assert!(form.body.contains(input), "{input}");
    }
    // Not a date: said next to the field, nothing counted, what was typed kept.
    let typo = phone
        .post(
            "/resume",
            &form.csrf(),
            &[
                ("birth_date[day]", "31"),
                ("birth_date[month]", "02"),
                ("birth_date[year]", "19x0"),
            ],
        )
        .await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        typo.body.contains("Please enter a day (1–31)"),
        "{}",
        typo.body
    );
    assert!(typo.body.contains("value=\"19x0\""));
    // A wrong date: refused with the tries left.
    let wrong = phone
        .post(
            "/resume",
            &typo.csrf(),
            &[
                ("birth_date[day]", "2"),
                ("birth_date[month]", "1"),
                ("birth_date[year]", "1990"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Tries left: 4"), "{}", wrong.body);
    assert!(
        !wrong.body.contains("Beispiel"),
        "no data before the right answer"
    );
    // The right one: the customer's step, with their data.
    let right = phone
        .post(
            "/resume",
            &wrong.csrf(),
            &[
                ("birth_date[day]", "01"),
                ("birth_date[month]", "01"),
                ("birth_date[year]", "1990"),
            ],
        )
        .await;
    right.redirected_to("/identification/start");
    let step = phone.get("/identification/start").await;
    assert_eq!(step.status, StatusCode::OK);
    let withdraw = phone.get("/withdraw").await;
    assert_eq!(
        withdraw.status,
        StatusCode::OK,
        "the phone holds the application"
    );
    // The same link works for every return while the application can move.
    let laptop = c.another("de");
    answer(&laptop, &link, "1", "1", "1990")
        .await
        .redirected_to("/identification/start");
    c.reference_never_seen();
}

#[tokio::test]
async fn five_wrong_dates_lock_every_link_and_a_fresh_one_goes_to_the_address_on_file() {
    let c = spawn("de").await;
    confirmed(&c, "X-MANUALTEST-HAPPYPATH").await;
    let link = link_from_mail(&c, "Ihr Antrag ist gespeichert").await;
    let guesser = c.another("de");
    for left in (1..=4).rev() {
        let wrong = answer(&guesser, &link, "2", "2", "1990").await;
        assert!(
            wrong
                .body
                .contains(&format!("Verbleibende Versuche: {left}")),
            "{}",
            wrong.body
        );
    }
    let locked = answer(&guesser, &link, "3", "3", "1990").await;
    assert_eq!(locked.status, StatusCode::FORBIDDEN);
    assert!(
        locked.body.contains("Dieser Link ist gesperrt"),
        "{}",
        locked.body
    );
    // The locked link, even with the right answer, leads nowhere now.
    guesser.get(&link).await.redirected_to("/resume");
    let gone = guesser.get("/resume").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.body.contains("Dieser Link funktioniert nicht mehr"));
    // The fresh link, in German, works with the right date.
    let fresh = link_from_mail(&c, "Ein neuer Link zu Ihrem Antrag").await;
    assert_ne!(fresh, link);
    let owner = c.another("de");
    answer(&owner, &fresh, "1", "1", "1990")
        .await
        .redirected_to("/documents");
}

#[tokio::test]
async fn the_link_is_refused_once_the_application_ended_or_was_withdrawn() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    let link = link_from_mail(&c, "your application is saved").await;
    c.status_becomes("pending").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let later = c.another("en");
    later.get(&link).await.redirected_to("/resume");
    let refused = later.get("/resume").await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.body.contains("This link no longer works"));

    let other = c.another("en");
    confirmed(&other, "X-MANUALTEST-HAPPYPATH").await;
    let link = link_from_mail(&other, "your application is saved").await;
    let page = other.get("/withdraw").await;
    other.post("/withdraw", &page.csrf(), &[]).await;
    let after = c.another("en");
    after.get(&link).await.redirected_to("/resume");
    assert_eq!(after.get("/resume").await.status, StatusCode::NOT_FOUND);
    // A forged link is refused before any lookup.
    let forger = c.another("en");
    forger
        .get(&format!("{}/resume/{}", c.base, "A".repeat(64)))
        .await;
    assert_eq!(forger.get("/resume").await.status, StatusCode::NOT_FOUND);
}

/// The QR code's modules, read back from the SVG's squares, as a picture `rqrr` decodes.
fn decode_qr(svg: &str) -> String {
    let view = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
    let size: usize = view.split(' ').next().unwrap().parse().unwrap();
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let scale = 4;
    let mut dark = vec![false; size * size];
    for square in path.split('M').filter(|s| !s.is_empty()) {
        let coords: Vec<usize> = square
            .trim_end_matches("h1v1h-1z")
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        dark[coords[1] * size + coords[0]] = true;
    }
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(size * scale, size * scale, |x, y| {
            if dark[(y / scale) * size + x / scale] {
                0
            } else {
                255
            }
        });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn the_checklist_shows_a_qr_code_of_a_working_link_and_mails_it_on_request() {
    let c = spawn("en").await;
    confirmed(&c, "X-MANUALTEST-HAPPYPATH").await;
    c.submit(
        "/documents",
        &[
            ("document_type", "National ID Card"),
            ("document_country", "DE"),
            ("document_version", "DEU-BO-02001"),
        ],
    )
    .await
    .redirected_to("/checklist");
    let page = c.get("/checklist").await;
    assert!(page.body.contains("No webcam here? Continue on your phone"));
    let svg_start = page
        .body
        .find("<svg")
        .expect("a QR code drawn on the server");
    let svg = &page.body[svg_start..page.body[svg_start..].find("</svg>").unwrap() + svg_start];
    let link = decode_qr(svg);
    assert!(link.starts_with(&format!("{}/resume/", c.base)), "{link}");
    assert!(
        page.body.contains(&format!("<code>{link}</code>")),
        "the same link as text"
    );
    // The desktop page follows the status while the phone goes on.
    assert!(page.body.contains("data-status=\"created\""));
    assert!(
        page.body.contains("/assets/status-"),
        "the live status script"
    );

    // Each view shows a new code; a code works for an hour.
    let newer = c.get("/checklist").await;
    let newer_link = decode_qr(&newer.body[newer.body.find("<svg").unwrap()..]);
    assert_ne!(newer_link, link);
    c.advance(3601).await;
    let stale = c.another("en");
    stale.get(&link).await;
    assert_eq!(
        stale.get("/resume").await.status,
        StatusCode::NOT_FOUND,
        "past its hour"
    );
    let newer = c.get("/checklist").await;
    let newer_link = decode_qr(&newer.body[newer.body.find("<svg").unwrap()..]);

    // The same link by mail, at most three times.
    for _ in 0..3 {
        let sent = c.post("/continue-elsewhere", &newer.csrf(), &[]).await;
        assert_eq!(
            sent.location.as_deref(),
            Some("/checklist?mailed=1#elsewhere")
        );
    }
    let limit = c.post("/continue-elsewhere", &newer.csrf(), &[]).await;
    assert_eq!(
        limit.location.as_deref(),
        Some("/checklist?mailed=limit#elsewhere")
    );
    let told = c.get("/checklist?mailed=1").await;
    assert!(told
        .body
        .contains("We have sent the link to the e-mail address"));
    let mailed = link_from_mail(&c, "continue on your phone").await;

    // The phone goes on to IDnow; the desktop follows to the return page.
    let phone = c.another("en");
    answer(&phone, &newer_link, "1", "1", "1990")
        .await
        .redirected_to("/checklist");
    phone
        .submit("/checklist", &[])
        .await
        .redirected_to("/identification/start");
    let go = phone.submit("/identification/start", &[]).await;
    assert!(
        go.location.unwrap().contains("/sandbox/idnow/"),
        "the phone goes to IDnow"
    );
    c.get("/checklist")
        .await
        .redirected_to("/identification/return");
    let tablet = c.another("en");
    answer(&tablet, &mailed, "1", "1", "1990")
        .await
        .redirected_to("/identification/return");
}

#[tokio::test]
async fn the_development_mailbox_lists_the_newest_mail_first_and_shows_it_to_a_person() {
    let c = spawn("en").await;
    confirmed(&c, "X-MANUALTEST-HAPPYPATH").await;
    c.mail_with_subject("your application is saved").await;
    let second = c.another("de");
    confirmed(&second, "X-MANUALTEST-HAPPYPATH").await;
    second.mail_with_subject("Ihr Antrag ist gespeichert").await;
    let list = c.mailbox().await;
    assert_eq!(list.len(), 2);
    assert!(list[0]["subject"]
        .as_str()
        .unwrap()
        .contains("Ihr Antrag ist gespeichert"));
    for field in ["to", "subject", "text", "html", "sent_at"] {
        assert!(list[0].get(field).is_some(), "{field}");
    }
    let page = c.get("/sandbox/mail").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Demo Bank: your application is saved"));
    assert!(
        page.body.contains("<a href=\"http://"),
        "links can be followed"
    );
}

#[tokio::test]
async fn forty_wrong_dates_at_once_are_five_guesses_and_one_new_link() {
    let c = spawn("en").await;
    confirmed(&c, "X-MANUALTEST-HAPPYPATH").await;
    let link = link_from_mail(&c, "your application is saved").await;
    let guesser = c.another("en");
    guesser.get(&link).await.redirected_to("/resume");
    let form = guesser.get("/resume").await;
    let csrf = form.csrf();
    let guesses = (0..40).map(|n| {
        let day = (2 + n % 27).to_string();
        let (guesser, csrf) = (&guesser, csrf.clone());
        async move {
            guesser
                .post(
                    "/resume",
                    &csrf,
                    &[
                        ("birth_date[day]", day.as_str()),
                        ("birth_date[month]", "2"),
                        ("birth_date[year]", "1990"),
                    ],
                )
                .await
        }
    });
    let answers = futures::future::join_all(guesses).await;
    let count = |status: StatusCode| answers.iter().filter(|a| a.status == status).count();
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(
        count(StatusCode::UNPROCESSABLE_ENTITY),
        4,
        "four wrong ones with tries left: {statuses:?}"
    );
    assert_eq!(count(StatusCode::FORBIDDEN), 1, "the fifth locks the links");
    assert_eq!(
        count(StatusCode::NOT_FOUND),
        35,
        "the rest find the link locked"
    );
    let mut left: Vec<&str> = answers
        .iter()
        .filter_map(|a| {
            ["4", "3", "2", "1"]
                .into_iter()
                .find(|n| a.body.contains(&format!("Tries left: {n}")))
        })
        .collect();
    left.sort();
    assert_eq!(left, ["1", "2", "3", "4"], "each count once");
    c.settle().await;
    let relinks = c.mails_with_subject("a new link to your application").await;
    assert_eq!(relinks, 1);
}
