//! The back office as the bank's staff use it: accounts made with the `staff` command's
//! function, set up and signed in with a password and a TOTP code computed here, against the
//! real app with the embedded sandbox.

use crate::common;

use common::customer::{found_in, sign_up, spawn, spawn_with, Customer, Page, TestApp};
use reqwest::StatusCode;
use solaris_onboarding::db::staff::Role;
use solaris_onboarding::staff_cli;

const PASSWORD: &str = "a long staff passphrase";

/// The code an authenticator app shows for `secret` (base32), `steps` steps of 30 s from now.
fn code(secret: &str, steps: i64) -> String {
    let raw = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    let totp = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, raw).unwrap();
    let now = chrono::Utc::now().timestamp() + steps * 30;
    totp.generate(now as u64)
}

/// The TOTP key the setup page shows for typing into an app (beside its QR code).
fn totp_key(setup: &Page) -> String {
    const KEY: &str = "class=\"totp-key\">";
    let at = setup.body.find(KEY).expect("the key is shown") + KEY.len();
    let end = setup.body[at..].find('<').unwrap() + at;
    setup.body[at..end].trim().to_string()
}

/// A staff member's browser with the TOTP secret they enrolled.
struct Member {
    browser: Customer,
    email: String,
    secret: String,
}

impl Member {
    /// `staff add`, then the setup link in a fresh browser: password and first code.
    async fn set_up(c: &Customer, email: &str, role: Role) -> Member {
        let printed = staff_cli::add(&c.db, &c.base, email, role).await.unwrap();
        let link = printed.lines().nth(1).unwrap();
        let path = link.strip_prefix(&c.base).unwrap().to_string();
        assert!(path.starts_with("/backoffice/setup/"), "{printed}");
        let browser = c.another("en");
        let setup = browser.get(&path).await;
        assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
        assert!(setup.body.contains(email) && setup.body.contains("<svg"));
        let secret = totp_key(&setup);
        let done = browser
            .post(
                &path,
                "",
                &[
                    ("password", PASSWORD),
                    ("repeat", PASSWORD),
                    ("code", &code(&secret, 0)),
                    ("lang", "en"),
                ],
            )
            .await;
        done.redirected_to("/backoffice/login?done=setup&lang=en");
        // The link is used up.
        assert_eq!(browser.get(&path).await.status, StatusCode::NOT_FOUND);
        Member {
            browser,
            email: email.to_string(),
            secret,
        }
    }

    async fn sign_in_with(&self, password: &str, code: &str) -> Page {
        self.browser
            .post(
                "/backoffice/login",
                "",
                &[
                    ("email", &self.email),
                    ("password", password),
                    ("code", code),
                    ("lang", "en"),
                ],
            )
            .await
    }

    /// Signs in with the code of `steps` steps from now (each code counts once).
    async fn sign_in(&self, steps: i64) {
        self.sign_in_with(PASSWORD, &code(&self.secret, steps))
            .await
            .redirected_to("/backoffice/applications");
    }

    async fn get(&self, path: &str) -> Page {
        self.browser.get(path).await
    }

    /// The page at `path` once it has `needle` (what the background work brings), `what` naming
    /// it for the failure.
    async fn get_once(&self, path: &str, needle: &str, what: &str) -> Page {
        common::eventually(what, || async {
            let page = self.get(path).await;
            if page.body.contains(needle) {
                Ok(page)
            } else {
                Err(page.status)
            }
        })
        .await
    }

    /// Asks for the erasure of the application at `case` (its page `page`) with `reason`.
    async fn erase(&self, page: &Page, case: &str, reason: &str) -> Page {
        self.act(page, &format!("{case}/erase"), &[("reason", reason)])
            .await
    }

    /// Posts a form of `page` (its CSRF token) to `path`.
    async fn act(&self, page: &Page, path: &str, fields: &[(&str, &str)]) -> Page {
        self.browser.post(path, &page.csrf(), fields).await
    }
}

async fn application_of(c: &Customer, first_name: &str) -> String {
    let (id,): (String,) = sqlx::query_as("select id from application where details like $1")
        .bind(format!("%{first_name}%"))
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
    id
}

/// A customer whose successful identification was canceled (the guide's case 3, a
/// needs-attention item); the application's id.
async fn canceled_after_success(c: &Customer) -> String {
    sign_up(c, "X-AUTOTEST-CANCELED").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    c.advance(90).await;
    c.status_becomes("canceled").await;
    application_of(c, "X-AUTOTEST-CANCELED").await
}

/// The path of the first item the needs-attention queue lists.
fn first_item(queue: &Page) -> String {
    let at = queue.body.find("href=\"/backoffice/attention/").unwrap() + 6;
    let end = queue.body[at..].find('"').unwrap() + at;
    queue.body[at..end].to_string()
}

#[tokio::test]
async fn a_staff_member_sets_up_the_account_and_signs_in_with_password_and_code() {
    let c = spawn("en").await;
    let outsider = c.another("en");
    let away = outsider.get("/backoffice/applications").await;
    away.redirected_to("/backoffice/login");
    assert_eq!(
        outsider.get("/backoffice/audit").await.location.as_deref(),
        Some("/backoffice/login")
    );

    let admin = Member::set_up(&c, "admin@bank.example", Role::Admin).await;
    // One code (its 30-second step is read off the wall clock once): the replay below sends the
    // very same code, even if the step changes meanwhile.
    let next_code = code(&admin.secret, 1);
    let res = admin
        .browser
        .http
        .post(admin.browser.url("/backoffice/login"))
        .form(&[
            ("email", admin.email.as_str()),
            ("password", PASSWORD),
            ("code", &next_code),
            ("lang", "en"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("backoffice=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let list = admin.get("/backoffice/applications").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Signed in as admin@bank.example"));
    assert_eq!(admin.get("/backoffice/audit").await.status, StatusCode::OK);

    // The same code cannot sign in twice.
    let again = admin.browser.another("en");
    let replay = again
        .post(
            "/backoffice/login",
            "",
            &[
                ("email", "admin@bank.example"),
                ("password", PASSWORD),
                ("code", &next_code),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(replay.body.contains("<title>Error:"));

    // Signing out ends the session.
    let page = admin.get("/backoffice/applications").await;
    admin
        .act(&page, "/backoffice/logout", &[])
        .await
        .redirected_to("/backoffice/login?done=signed-out&lang=en");
    assert_eq!(
        admin.get("/backoffice/applications").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn five_wrong_sign_ins_lock_the_account_even_for_the_right_password() {
    let c = spawn("en").await;
    let member = Member::set_up(&c, "reviewer@bank.example", Role::Reviewer).await;
    let wrong_code = member.sign_in_with(PASSWORD, "000000").await;
    assert_eq!(wrong_code.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong_code.body.contains("reviewer@bank.example"),
        "the e-mail is kept"
    );
    for _ in 0..4 {
        let wrong = member
            .sign_in_with("not the password", &code(&member.secret, 0))
            .await;
        assert!(wrong.body.contains("is not right"));
    }
    let locked = member
        .sign_in_with(PASSWORD, &code(&member.secret, 1))
        .await;
    assert_eq!(locked.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Locked and unknown get the answer every failure gets: nothing tells which addresses have
    // accounts.
    let unknown = Member {
        browser: c.another("en"),
        email: "nobody@bank.example".into(),
        secret: member.secret.clone(),
    };
    let unknown = unknown
        .sign_in_with(PASSWORD, &code(&member.secret, 0))
        .await;
    let message = |page: &Page| {
        let at = page.body.find("role=\"alert\"").expect("a message");
        let end = page.body[at..].find("</div>").unwrap() + at;
        page.body[at..end].to_string()
    };
    assert!(message(&locked).contains("is not right"), "{}", locked.body);
    assert_eq!(message(&locked), message(&unknown));
    assert_eq!(locked.status, unknown.status);
    // Once the lock is over, the right password and code sign in.
    sqlx::query("update staff set locked_until = 1 where email = $1")
        .bind("reviewer@bank.example")
        .execute(&c.db.writer)
        .await
        .unwrap();
    member.sign_in(1).await;
    // The same code again, from elsewhere, is a replay.
    let again = Member {
        browser: c.another("en"),
        ..member
    };
    let replayed = again.sign_in_with(PASSWORD, &code(&again.secret, 1)).await;
    assert_eq!(replayed.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Each failure, the lock and the replay are in the audit log.
    let lines: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "select actor, action, detail from audit_log where action <> 'setup' order by at, id",
    )
    .fetch_all(&c.db.pool)
    .await
    .unwrap();
    let count = |actor: &str, action: &str, detail: Option<&str>| {
        lines
            .iter()
            .filter(|(a, act, d)| {
                (actor == "staff" && a.starts_with("staff:") || a == actor)
                    && act == action
                    && (detail.is_none() || d.as_deref() == detail)
            })
            .count()
    };
    assert_eq!(count("staff", "sign_in_failed", None), 6, "{lines:?}");
    assert_eq!(count("staff", "account_locked", None), 1, "{lines:?}");
    assert_eq!(count("staff", "sign_in_while_locked", None), 1, "{lines:?}");
    assert_eq!(count("anonymous", "sign_in_failed", None), 1, "{lines:?}");
    assert_eq!(
        count("staff", "sign_in_failed", Some("code_replayed")),
        1,
        "{lines:?}"
    );
    assert!(
        lines.iter().all(|(_, _, d)| d
            .as_deref()
            .is_none_or(|d| !d.contains("nobody@") && !d.contains("not the password"))),
        "neither the typed address nor the password: {lines:?}"
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_session_ends() {
    let c = spawn("en").await;
    let member = Member::set_up(&c, "viewer@bank.example", Role::Viewer).await;
    member.sign_in(0).await;
    assert_eq!(
        member.get("/backoffice/applications").await.status,
        StatusCode::OK
    );
    let settings = common::settings(&[("DATABASE_URL", &c.database_url)]);
    let said = staff_cli::run(&settings, &["disable".into(), "viewer@bank.example".into()])
        .await
        .unwrap();
    assert!(said.contains("disabled"));
    member
        .get("/backoffice/applications")
        .await
        .redirected_to("/backoffice/login?ended=1");
    let refused = member
        .sign_in_with(PASSWORD, &code(&member.secret, 1))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let listed = staff_cli::run(&settings, &["list".into()]).await.unwrap();
    assert!(
        listed.contains("viewer@bank.example\tviewer\tdisabled"),
        "{listed}"
    );
}

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes_and_after_8_hours() {
    let c = TestApp::manual().spawn("en").await;
    let member = Member::set_up(&c, "admin@bank.example", Role::Admin).await;
    member.sign_in(0).await;
    const MINUTE: u64 = 60;
    c.advance(29 * MINUTE).await;
    assert_eq!(
        member.get("/backoffice/applications").await.status,
        StatusCode::OK,
        "29 idle minutes are fine, and the visit moves the last page"
    );
    c.advance(29 * MINUTE).await;
    assert_eq!(
        member.get("/backoffice/applications").await.status,
        StatusCode::OK,
        "29 minutes after the last page"
    );
    c.advance(31 * MINUTE).await;
    member
        .get("/backoffice/applications")
        .await
        .redirected_to("/backoffice/login?ended=1");

    // Busy all day, a page every 20 minutes: the session still ends after 8 hours.
    member.sign_in(1).await;
    for _ in 0..23 {
        c.advance(20 * MINUTE).await;
        assert_eq!(
            member.get("/backoffice/applications").await.status,
            StatusCode::OK
        );
    }
    c.advance(21 * MINUTE).await;
    member
        .get("/backoffice/applications")
        .await
        .redirected_to("/backoffice/login?ended=1");
}

#[tokio::test]
async fn a_viewer_sees_an_application_but_cannot_act_or_read_the_audit_log() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    let id = application_of(&c, "X-AUTOTEST-HAPPYPATH").await;
    let viewer = Member::set_up(&c, "viewer@bank.example", Role::Viewer).await;
    viewer.sign_in(0).await;
    let page = viewer.get(&format!("/backoffice/applications/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("X-AUTOTEST-HAPPYPATH"));
    assert!(
        !page.body.contains("/read\""),
        "no action is offered to a viewer"
    );
    let refused = viewer
        .act(&page, &format!("/backoffice/applications/{id}/read"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let audit = viewer.get("/backoffice/audit").await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN);
    assert!(audit.body.contains("Not allowed"), "{}", audit.body);
    // The refusal speaks the language the staff member chose, kept with the session.
    viewer.get("/backoffice/applications?lang=de").await;
    let audit = viewer.get("/backoffice/audit").await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN);
    assert!(audit.body.contains("Nicht erlaubt"), "{}", audit.body);
    assert!(audit.body.contains("lang=\"de\""), "{}", audit.body);
    // A reviewer may act; a form without the session's token is refused even so.
    let reviewer = Member::set_up(&c, "reviewer@bank.example", Role::Reviewer).await;
    reviewer.sign_in(0).await;
    let forged = reviewer
        .browser
        .post(&format!("/backoffice/applications/{id}/read"), "0", &[])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let page = reviewer
        .get(&format!("/backoffice/applications/{id}"))
        .await;
    reviewer
        .act(&page, &format!("/backoffice/applications/{id}/read"), &[])
        .await
        .redirected_to(&format!("/backoffice/applications/{id}?done=read"));
    let erase = reviewer
        .erase(&page, &format!("/backoffice/applications/{id}"), "DSR-1")
        .await;
    assert_eq!(erase.status, StatusCode::FORBIDDEN, "erasing is for admins");
}

/// Stores `n` applications straight into the database, a thousand a statement: started one
/// second apart, every seventh one successful; names and addresses obviously fake.
async fn many_applications(c: &Customer, n: usize) {
    let start = 1_790_000_000_000_i64;
    let mut tx = c.db.begin_write().await.unwrap();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|i| {
                let at = start + (*i as i64) * 1000;
                let status = if i % 7 == 0 { "'successful'" } else { "null" };
                format!(
                    "('{:032x}', {at}, {at}, 'testperson{i} beispiel', 'person{i}@example.com', {status})",
                    i + 1
                )
            })
            .collect();
        sqlx::query(&format!(
            "insert into application (id, created_at, updated_at, search_name, search_email, \
             identification_status) values {}",
            values.join(", ")
        ))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// The application ids a list page links to, in order.
fn listed_ids(page: &Page) -> Vec<String> {
    page.body
        .match_indices("href=\"/backoffice/applications/")
        .map(|(at, m)| page.body[at + m.len()..at + m.len() + 32].to_string())
        .collect()
}

fn next_link(page: &Page) -> Option<String> {
    let at = page.body.find("rel=\"next\"")?;
    let start = page.body[..at].rfind("href=\"")? + 6;
    let end = page.body[start..].find('"')? + start;
    Some(page.body[start..end].replace("&amp;", "&"))
}

#[tokio::test]
async fn the_list_pages_through_100000_applications_newest_first_and_finds_one_by_name_email_and_id(
) {
    let c = spawn("en").await;
    many_applications(&c, 100_000).await;
    let member = Member::set_up(&c, "viewer@bank.example", Role::Viewer).await;
    member.sign_in(0).await;

    let first = member.get("/backoffice/applications").await;
    assert_eq!(first.status, StatusCode::OK);
    let ids = listed_ids(&first);
    assert_eq!(ids.len(), 50);
    assert_eq!(ids[0], format!("{:032x}", 100_000), "newest first");
    assert!(
        first.body.contains("<td>14286</td>") && first.body.contains("<td>85714</td>"),
        "the counts per status"
    );
    // Follow the keyset through a few pages: no gaps, no repeats.
    let mut page = first;
    let mut seen = ids;
    for _ in 0..3 {
        let next = next_link(&page).expect("a next page");
        page = member.get(&next).await;
        seen.extend(listed_ids(&page));
    }
    let expected: Vec<String> = (0..200).map(|i| format!("{:032x}", 100_000 - i)).collect();
    assert_eq!(seen, expected);

    // The filter keeps the order and pages too.
    let successful = member
        .get("/backoffice/applications?status=successful")
        .await;
    let ids = listed_ids(&successful);
    assert_eq!(ids.len(), 50);
    assert!(ids
        .iter()
        .all(|id| (u64::from_str_radix(id, 16).unwrap() - 1) % 7 == 0));

    let by_name = member
        .get("/backoffice/applications?q=TestPerson4242")
        .await;
    assert!(listed_ids(&by_name).contains(&format!("{:032x}", 4243)));
    let by_last_name = member
        .get("/backoffice/applications?q=beisp&step=completed")
        .await;
    assert_eq!(listed_ids(&by_last_name).len(), 50);
    let by_email = member
        .get("/backoffice/applications?q=PERSON77%40example.com")
        .await;
    assert_eq!(listed_ids(&by_email), vec![format!("{:032x}", 78)]);
    let by_id = member
        .get(&format!("/backoffice/applications?q={:032x}", 9))
        .await;
    assert_eq!(listed_ids(&by_id), vec![format!("{:032x}", 9)]);
    let bad = member.get("/backoffice/applications?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Please enter a date") && bad.body.contains("value=\"yesterday\""));
}

#[tokio::test]
async fn a_full_journey_has_its_timeline_in_order_its_evidence_and_its_kyc_report() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let id = application_of(&c, "X-AUTOTEST-HAPPYPATH").await;
    let admin = Member::set_up(&c, "admin@bank.example", Role::Admin).await;
    admin.sign_in(0).await;

    // The evidence is fetched by the work queue after the identification ended, and the
    // success mail goes out.
    let page = common::eventually("the evidence and both mails on the case", || async {
        let page = admin.get(&format!("/backoffice/applications/{id}")).await;
        if page.body.contains("/documents/")
            && page.body.matches("data-kind=\"mail_sent\"").count() >= 2
        {
            Ok(page)
        } else {
            Err(page.status)
        }
    })
    .await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "X-AUTOTEST-HAPPYPATH",
        "terms_conditions",
        "data_processing",
        "SUCCESS",
        "KYC_REPORT",
    ] {
        assert!(page.body.contains(shown), "{shown} missing: {}", page.body);
    }
    assert!(
        !page.body.contains("TST-"),
        "the IDnow reference is never kept"
    );
    let kinds: Vec<&str> = page
        .body
        .match_indices("data-kind=\"")
        .map(|(at, m)| {
            let rest = &page.body[at + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let in_order = [
        "started",
        "consent",
        "consent",
        "details_saved",
        "details_saved",
        "submitted",
        "work_queued",
        "work_done",
        "document_chosen",
        "checklist_done",
        "identification_requested",
        "status",
        "evidence_fetched",
    ];
    let mut at = 0;
    for kind in in_order {
        at = kinds[at..]
            .iter()
            .position(|k| *k == kind)
            .map(|p| at + p + 1)
            .unwrap_or_else(|| panic!("{kind} missing after position {at} in {kinds:?}"));
    }
    for kind in ["webhook", "mail_sent"] {
        assert!(kinds.contains(&kind), "{kind} missing in {kinds:?}");
    }

    // The consent evidence, with the exact text accepted.
    let export = admin
        .browser
        .http
        .get(
            admin
                .browser
                .url(&format!("/backoffice/applications/{id}/consents.json")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let export: serde_json::Value = export.json().await.unwrap();
    let consents = export["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 2);
    for consent in consents {
        use sha2::Digest;
        let text = consent["text"].as_str().unwrap();
        assert_eq!(
            hex::encode(sha2::Sha256::digest(text.as_bytes())),
            consent["sha256"].as_str().unwrap()
        );
    }
    let printable = admin
        .get(&format!("/backoffice/applications/{id}/consents"))
        .await;
    assert_eq!(printable.status, StatusCode::OK);

    // The KYC report, streamed from Solaris (the sandbox) on demand.
    let at = page.body.find("KYC_REPORT").unwrap();
    let href_at = page.body[at..].find("/documents/").unwrap() + at;
    let start = page.body[..href_at].rfind('"').unwrap() + 1;
    let end = page.body[href_at..].find('"').unwrap() + href_at;
    let download = admin
        .browser
        .http
        .get(admin.browser.url(&page.body[start..end]))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert!(!download.bytes().await.unwrap().is_empty());

    // Every view and the download are in the audit log.
    let audit = admin
        .get(&format!("/backoffice/audit?application={id}"))
        .await;
    for action in ["view_application", "export_consents", "download_document"] {
        assert!(audit.body.contains(action), "{action} not audited");
    }
}

#[tokio::test]
async fn a_canceled_success_needs_attention_is_mailed_to_operations_and_is_taken_commented_and_closed(
) {
    let c = spawn_with("en", &[("OPS_EMAIL", "Operations <ops@bank.example>")]).await;
    let id = canceled_after_success(&c).await;
    let reviewer = Member::set_up(&c, "reviewer@bank.example", Role::Reviewer).await;
    reviewer.sign_in(0).await;
    let queue = reviewer.get("/backoffice/attention").await;
    assert!(
        queue
            .body
            .contains("A successful identification was canceled")
            && queue.body.contains(&id),
        "{}",
        queue.body
    );
    let item_path = first_item(&queue);
    // Operations are told once, with the link and no personal data.
    let mail = c
        .mail_with_subject("back office: A successful identification was canceled")
        .await;
    assert_eq!(mail["to"], "Operations <ops@bank.example>");
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains(&format!("{}{item_path}", c.base)) && text.contains(&id));
    assert!(!text.contains("X-AUTOTEST") && !text.contains("erika@example.com"));
    let scraped = reqwest::get(format!("{}/metrics", c.metrics))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        scraped.lines().any(|l| l == "onboarding_attention_open 1"),
        "{scraped}"
    );
    let item = reviewer.get(&item_path).await;
    reviewer
        .act(&item, &item_path, &[("action", "take")])
        .await
        .redirected_to(&item_path);
    let empty = reviewer
        .act(&item, &item_path, &[("action", "comment"), ("body", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Please write a comment"));
    reviewer
        .act(
            &item,
            &item_path,
            &[
                ("action", "comment"),
                ("body", "Account stopped in the core system"),
            ],
        )
        .await;
    reviewer
        .act(&item, &item_path, &[("action", "close"), ("body", "")])
        .await;
    let closed = reviewer.get(&item_path).await;
    assert!(closed.body.contains("Account stopped in the core system"));
    assert!(closed.body.contains("closed"));
    assert!(
        closed
            .body
            .contains("<dt>Closed by</dt><dd>reviewer@bank.example</dd>"),
        "{}",
        closed.body
    );
    assert!(!reviewer
        .get("/backoffice/attention")
        .await
        .body
        .contains(&item_path));
    let ops_mails = c
        .mailbox()
        .await
        .into_iter()
        .filter(|m| m["to"] == "Operations <ops@bank.example>")
        .count();
    assert_eq!(ops_mails, 1, "one mail per item");
    let timeline = reviewer
        .get(&format!("/backoffice/applications/{id}"))
        .await;
    assert!(timeline
        .body
        .contains("attention_take canceled_after_success"));
}

#[tokio::test]
async fn an_admin_erases_an_application_on_request_and_only_the_proof_stays() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    let id = application_of(&c, "X-AUTOTEST-HAPPYPATH").await;
    let admin = Member::set_up(&c, "admin@bank.example", Role::Admin).await;
    admin.sign_in(0).await;
    let path = format!("/backoffice/applications/{id}");
    let page = admin.get(&path).await;
    let refused = admin.erase(&page, &path, "  ").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Please give a reason"));
    admin
        .erase(&page, &path, "DSR 2026-17")
        .await
        .redirected_to(&format!("{path}?done=erase"));
    assert_eq!(
        found_in(
            &c.db,
            &["X-AUTOTEST-HAPPYPATH", "erika@example.com", "Musterstadt"]
        )
        .await,
        Vec::<String>::new(),
        "personal data left after the erasure"
    );
    let (proofs,): (i64,) =
        sqlx::query_as("select count(*) from erasure_log where reason = 'data_subject_request'")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!(proofs, 1);
    let after = admin.get(&path).await;
    assert!(after.body.contains("data-subject request"));
    assert!(
        after.body.contains("Erased with the application")
            && !after.body.contains("Nothing yet: Solaris is asked"),
        "the evidence says it went with the erasure"
    );
}

#[tokio::test]
async fn a_reviewer_retries_work_solaris_refused_and_replays_a_stored_webhook() {
    use common::customer::{person_with, CONTACT};
    let c = spawn("en").await;
    c.subscribed().await;
    c.get("/").await;
    c.consent().await;
    c.submit("/details/person", &person_with("X-AUTOTEST-HAPPYPATH"))
        .await
        .redirected_to("/details/contact");
    c.submit("/details/contact", CONTACT)
        .await
        .redirected_to("/review");
    c.set_faults(serde_json::json!({"routes": [{"method": "POST", "path": "/v1/persons", "status": 400, "times": 1}]}))
        .await;
    c.submit("/review", &[]).await.redirected_to("/preparing");
    let id = application_of(&c, "X-AUTOTEST-HAPPYPATH").await;
    let reviewer = Member::set_up(&c, "reviewer@bank.example", Role::Reviewer).await;
    reviewer.sign_in(0).await;
    let path = format!("/backoffice/applications/{id}");
    let page = reviewer
        .get_once(&path, "/retry\"", "the retry button on the case")
        .await;
    assert!(
        page.body.contains("Work with Solaris failed for good"),
        "{}",
        page.body
    );
    let at = page.body.find("/retry\"").unwrap();
    let start = page.body[..at].rfind('"').unwrap() + 1;
    let retry = page.body[start..at + 6].to_string();
    reviewer
        .act(&page, &retry, &[])
        .await
        .redirected_to(&format!("{path}?done=retry"));
    c.wait_on("/preparing").await.redirected_to("/documents");
    // Retrying again changes nothing: the item is done.
    reviewer
        .act(&page, &retry, &[])
        .await
        .redirected_to(&format!("{path}?done=nothing"));

    // A stored delivery is handled again: the application is read from Solaris once more.
    c.german_id_card_to_redirect().await;
    c.submit("/identification/start", &[]).await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let page = reviewer
        .get_once(&path, "/replay\"", "the replay button on the case")
        .await;
    let reads = || async {
        let (n,): (i64,) = sqlx::query_as(
            "select count(*) from solaris_work where application_id = $1 and kind = 'refresh_identification'",
        )
        .bind(&id)
        .fetch_one(&c.db.pool)
        .await
        .unwrap();
        n
    };
    let before = reads().await;
    let at = page.body.find("/replay\"").unwrap();
    let start = page.body[..at].rfind('"').unwrap() + 1;
    let replay = page.body[start..at + 7].to_string();
    reviewer
        .act(&page, &replay, &[])
        .await
        .redirected_to(&format!("{path}?done=replay"));
    assert_eq!(reads().await, before + 1);
    let audit = staff_cli::run(
        &common::settings(&[("DATABASE_URL", &c.database_url)]),
        &["list".into()],
    )
    .await
    .unwrap();
    assert!(audit.contains("reviewer@bank.example\treviewer\tactive"));
}

#[tokio::test]
async fn the_back_office_names_the_bank_and_slows_a_client_that_guesses_passwords() {
    let c = spawn_with(
        "en",
        &[
            ("BANK_NAME", "Beispielbank"),
            ("POST_LIMIT_PER_MINUTE", "3"),
        ],
    )
    .await;
    let guesser = Member {
        browser: c.another("en"),
        email: "someone@bank.example".into(),
        secret: String::new(),
    };
    let login = guesser.get("/backoffice/login").await;
    assert!(login.body.contains("Beispielbank"), "{}", login.body);
    for _ in 0..3 {
        let refused = guesser.sign_in_with("a guess", "123456").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let slowed = guesser.sign_in_with("a guess", "123456").await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(slowed.body.contains("Beispielbank"));
}

#[tokio::test]
async fn missing_attempts_leave_the_documents_listed_and_a_document_solaris_lost_is_said_so() {
    let c = spawn("en").await;
    // Solaris keeps no IDnow attempts for this identification.
    c.set_faults(serde_json::json!({"routes": [{"method": "GET", "path": "/v1/persons/*/identifications/*/idnow_attempts", "status": 404}]}))
        .await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let id = application_of(&c, "X-AUTOTEST-HAPPYPATH").await;
    let admin = Member::set_up(&c, "admin@bank.example", Role::Admin).await;
    admin.sign_in(0).await;
    let page = admin
        .get_once(
            &format!("/backoffice/applications/{id}"),
            "/documents/",
            "the documents on the case",
        )
        .await;
    assert!(
        page.body
            .contains("Solaris has no list of IDnow attempts for this identification"),
        "{}",
        page.body
    );
    let (failed,): (i64,) =
        sqlx::query_as("select count(*) from solaris_work where state = 'failed'")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!(failed, 0, "the evidence was read, nothing failed");

    // The document is gone at Solaris by the time staff download it.
    c.set_faults(serde_json::json!({"routes": [{"method": "GET", "path": "/v1/persons/*/documents/*/file", "status": 404}]}))
        .await;
    let at = page.body.find("KYC_REPORT").unwrap();
    let href_at = page.body[at..].find("/documents/").unwrap() + at;
    let start = page.body[..href_at].rfind('"').unwrap() + 1;
    let end = page.body[href_at..].find('"').unwrap() + href_at;
    let gone = admin.get(&page.body[start..end]).await;
    assert_eq!(gone.status, StatusCode::GONE, "{}", gone.body);
    assert!(gone.body.contains("Solaris no longer holds this document"));
    assert!(!gone.body.contains("try again in a minute"));
}

#[tokio::test]
async fn a_nul_in_a_search_a_reason_or_a_sign_in_is_refused_at_the_boundary_never_a_503() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    let id = application_of(&c, "X-AUTOTEST-HAPPYPATH").await;
    let admin = Member::set_up(&c, "admin@bank.example", Role::Admin).await;
    // Signing in with a NUL in the address is a wrong address, not a storage failure.
    let refused = admin
        .browser
        .post(
            "/backoffice/login",
            "",
            &[
                ("email", "admin\0@bank.example"),
                ("password", PASSWORD),
                ("code", &code(&admin.secret, 0)),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!refused.body.contains('\0'));
    admin.sign_in(1).await;
    for path in [
        "/backoffice/applications?q=%00",
        "/backoffice/applications?q=Erika%00Beispiel",
        "/backoffice/applications/%00",
        "/backoffice/audit?who=%00",
    ] {
        let page = admin.get(path).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            page.body
        );
        assert!(page.body.contains("NUL"), "{path}: {}", page.body);
    }
    // A reason with a NUL is refused next to its field, with the rest of what was typed.
    let path = format!("/backoffice/applications/{id}");
    let page = admin.get(&path).await;
    let refused = admin.erase(&page, &path, "DSR\0 2026-17").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Please remove the control character"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("DSR 2026-17"), "what was typed stays");
    let (erased,): (i64,) =
        sqlx::query_as("select count(*) from application where erased_at is not null")
            .fetch_one(&c.db.pool)
            .await
            .unwrap();
    assert_eq!(erased, 0);
}

#[tokio::test]
async fn an_erasure_takes_staff_text_about_the_customer_with_it_and_keeps_who_erased_when() {
    let c = spawn("en").await;
    let id = canceled_after_success(&c).await;
    let admin = Member::set_up(&c, "admin@bank.example", Role::Admin).await;
    admin.sign_in(0).await;
    let queue = admin.get("/backoffice/attention").await;
    let item_path = first_item(&queue);
    let item = admin.get(&item_path).await;
    for (action, body) in [
        ("comment", "Called Erika Beispiel back"),
        ("close", "Erika Beispiel confirmed the cancellation"),
    ] {
        admin
            .act(&item, &item_path, &[("action", action), ("body", body)])
            .await
            .redirected_to(&item_path);
    }
    let path = format!("/backoffice/applications/{id}");
    let page = admin.get(&path).await;
    admin
        .erase(&page, &path, "DSR 2026-17 of Erika Beispiel")
        .await
        .redirected_to(&format!("{path}?done=erase"));
    assert_eq!(
        found_in(&c.db, &["Erika Beispiel"]).await,
        Vec::<String>::new(),
        "staff text naming the customer left after the erasure"
    );
    // The audit log keeps that it happened, by whom and when.
    let (actor, at): (String, i64) = sqlx::query_as(
        "select actor, at from audit_log where action = 'erase_personal_data' and application_id = $1",
    )
    .bind(&id)
    .fetch_one(&c.db.pool)
    .await
    .unwrap();
    assert!(actor.starts_with("staff:"), "{actor}");
    assert!(at > 0);
    let audit = admin.get("/backoffice/audit").await;
    assert!(
        audit.body.contains("erase_personal_data") && audit.body.contains("admin@bank.example")
    );
    // The item's comments keep their author and time.
    let item = admin.get(&item_path).await;
    assert!(
        item.body
            .contains("(erased with the application&#x27;s personal data)")
            || item
                .body
                .contains("(erased with the application's personal data)"),
        "{}",
        item.body
    );
}

#[tokio::test]
async fn a_viewer_cannot_take_the_consent_evidence_the_kyc_report_or_the_id_images_away() {
    let c = spawn("en").await;
    sign_up(&c, "X-AUTOTEST-HAPPYPATH").await;
    c.advance(150).await;
    c.status_becomes("successful").await;
    let id = application_of(&c, "X-AUTOTEST-HAPPYPATH").await;
    let reviewer = Member::set_up(&c, "reviewer@bank.example", Role::Reviewer).await;
    reviewer.sign_in(0).await;
    let case = format!("/backoffice/applications/{id}");
    let page = reviewer
        .get_once(&case, "/documents/", "the documents on the case")
        .await;
    let mut downloads: Vec<String> = page
        .body
        .match_indices(&format!("href=\"/backoffice/applications/{id}/documents/"))
        .map(|(at, _)| {
            let start = at + 6;
            let end = page.body[start..].find('"').unwrap() + start;
            page.body[start..end].to_string()
        })
        .collect();
    assert!(!downloads.is_empty());
    downloads.push(format!("{case}/consents.json"));
    downloads.push(format!("{case}/consents"));
    let status = |member: &Member, path: String| {
        let http = member.browser.http.clone();
        let url = member.browser.url(&path);
        async move { http.get(url).send().await.unwrap().status() }
    };
    for path in &downloads {
        assert_eq!(
            status(&reviewer, path.clone()).await,
            StatusCode::OK,
            "{path}"
        );
    }
    let viewer = Member::set_up(&c, "viewer@bank.example", Role::Viewer).await;
    viewer.sign_in(0).await;
    for path in &downloads {
        assert_eq!(
            status(&viewer, path.clone()).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let seen = viewer.get(&case).await;
    assert!(
        !seen.body.contains("/documents/") && !seen.body.contains("/consents"),
        "nothing to download is offered to a viewer"
    );
}

#[tokio::test]
async fn the_setup_enrols_the_servers_totp_secret_and_refuses_a_guessable_password() {
    let c = spawn("en").await;
    let printed = staff_cli::add(&c.db, &c.base, "reviewer@bank.example", Role::Reviewer)
        .await
        .unwrap();
    let path = printed
        .lines()
        .nth(1)
        .unwrap()
        .strip_prefix(&c.base)
        .unwrap()
        .to_string();
    let browser = c.another("en");
    let setup = browser.get(&path).await;
    let secret = totp_key(&setup);
    assert_eq!(
        totp_key(&browser.get(&path).await),
        secret,
        "the same key on reload"
    );
    // A form that brings its own secret (all zeros) enrols nothing: its code is not the server's.
    let zeros = "A".repeat(32);
    let chosen = browser
        .post(
            &path,
            "",
            &[
                ("password", PASSWORD),
                ("repeat", PASSWORD),
                ("secret", &zeros),
                ("code", &code(&zeros, 0)),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(totp_key(&chosen), secret, "the server's key is shown again");
    for weak in ["aaaaaaaaaaaa", "Password1234!", "reviewer2026!"] {
        let refused = browser
            .post(
                &path,
                "",
                &[
                    ("password", weak),
                    ("repeat", weak),
                    ("code", &code(&secret, 0)),
                    ("lang", "en"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        assert!(refused.body.contains("too easy to guess"), "{weak}");
    }
    browser
        .post(
            &path,
            "",
            &[
                ("password", PASSWORD),
                ("repeat", PASSWORD),
                ("code", &code(&secret, 0)),
                ("lang", "en"),
            ],
        )
        .await
        .redirected_to("/backoffice/login?done=setup&lang=en");
    let member = Member {
        browser: c.another("en"),
        email: "reviewer@bank.example".into(),
        secret,
    };
    member.sign_in(1).await;
}
