//! The IDnow web session as the customer's browser sees it, at
//! `/idnow/{company}/identifications/{identification_id}`: consent and mobile number, the
//! simulated call with the agent's instructions, the ident code, and the redirect back to the
//! partner with the transaction number as the only data. Plain HTML forms, no script.

use crate::html::escape;
use axum::extract::{Form, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::engine::{self, session, Ident};
use super::error::ApiError;
use super::failure_reasons;
use super::scenario::{Case, ChangeAt, Driver, Outcome};
use super::Sandbox;

/// The static ident code of the sandbox, as in the guide's tutorial.
pub(crate) const IDENT_CODE: &str = "123456";
/// Wrong ident codes after which the session ends.
const MAX_CODE_ATTEMPTS: i64 = 3;

pub fn router() -> Router<Sandbox> {
    Router::new()
        .route("/idnow/{company}/identifications/{id}", get(show))
        .route("/idnow/{company}/identifications/{id}/start", post(start))
        .route("/idnow/{company}/identifications/{id}/code", post(code))
}

/// The page's stylesheet, inline so the page stands alone; the CSP allows exactly this text by
/// its hash ([`style_hash`]).
pub(crate) const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2433;line-height:1.5}
header{border-bottom:3px solid #ff6a13;margin-bottom:1rem}label{display:block;margin:.5rem 0}
input[type=text],select{font:inherit;padding:.4rem;width:100%;max-width:24rem}button{font:inherit;padding:.5rem 1.2rem;background:#1d2433;color:#fff;border:0;border-radius:4px}
button:focus,input:focus,select:focus{outline:3px solid #ff6a13;outline-offset:2px}.error{color:#a4000f;font-weight:600}.note{background:#f3f4f7;padding:.75rem}
";

/// `'sha256-…'` of [`STYLE`], for the `style-src` of the Content-Security-Policy.
pub(crate) fn style_hash() -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(STYLE.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The words of the page, in the identification's language (`EN` or `DE`), as IDnow shows its
/// page in the language the partner requested.
struct Words {
    lang: &'static str,
    header: &'static str,
    title_identification: &'static str,
    consent_intro: &'static str,
    accept_terms: &'static str,
    accept_recording: &'static str,
    document_at_hand: &'static str,
    mobile_label: &'static str,
    start_button: &'static str,
    confirm_all: &'static str,
    mobile_error: &'static str,
    title_call: &'static str,
    connected: &'static str,
    call_steps: [&'static str; 4],
    sms_sent: &'static str,
    code_label: &'static str,
    confirm_button: &'static str,
    code_wrong: &'static str,
    choose_outcome: &'static str,
    title_auto: &'static str,
    auto_text: &'static str,
    title_not_found: &'static str,
    not_found_text: &'static str,
    title_error: &'static str,
    error_text: &'static str,
}

const EN: Words = Words {
    lang: "en",
    header: "sandbox video identification",
    title_identification: "Video identification",
    consent_intro: "Before the video call starts, please confirm the following and enter the mobile number we send your ident code to.",
    accept_terms: "I accept IDnow's terms and conditions and privacy policy.",
    accept_recording: "I agree that the video call is recorded.",
    document_at_hand: "I have a valid ID document at hand.",
    mobile_label: "Mobile number (sandbox: starts with 0, or +15550101)",
    start_button: "Start identification",
    confirm_all: "Please confirm all three statements.",
    mobile_error: "Enter a mobile number that starts with 0, or +15550101.",
    title_call: "Video call",
    connected: "You are connected with agent TROBOT (simulated).",
    call_steps: [
        "Show the front of your ID document to the camera.",
        "Tilt the document slowly so the security features are visible.",
        "Show the back of the document.",
        "Hold the document next to your face.",
    ],
    sms_sent: "We sent an SMS with your ident code to {m}. In the sandbox the code is always {code}.",
    code_label: "Ident code",
    confirm_button: "Confirm",
    code_wrong: "This code is not correct. {left} attempt(s) left.",
    choose_outcome: "Choose an outcome for this test identification.",
    title_auto: "Automated test identification",
    auto_text: "This identification runs by itself (X-AUTOTEST). This page refreshes until it has ended, then takes you back.",
    title_not_found: "Identification not found",
    not_found_text: "This link is not valid.",
    title_error: "Something went wrong",
    error_text: "Please try again.",
};

const DE: Words = Words {
    lang: "de",
    header: "Sandbox-Videoidentifikation",
    title_identification: "Videoidentifikation",
    consent_intro: "Bevor der Videoanruf beginnt, bestätigen Sie bitte Folgendes und geben Sie die Mobilnummer ein, an die wir Ihren Ident-Code senden.",
    accept_terms: "Ich akzeptiere die Allgemeinen Geschäftsbedingungen und die Datenschutzerklärung von IDnow.",
    accept_recording: "Ich bin einverstanden, dass der Videoanruf aufgezeichnet wird.",
    document_at_hand: "Ich habe ein gültiges Ausweisdokument zur Hand.",
    mobile_label: "Mobilnummer (Sandbox: beginnt mit 0, oder +15550101)",
    start_button: "Identifikation starten",
    confirm_all: "Bitte bestätigen Sie alle drei Aussagen.",
    mobile_error: "Geben Sie eine Mobilnummer ein, die mit 0 beginnt, oder +15550101.",
    title_call: "Videoanruf",
    connected: "Sie sind mit dem Agenten TROBOT verbunden (simuliert).",
    call_steps: [
        "Zeigen Sie die Vorderseite Ihres Ausweisdokuments in die Kamera.",
        "Kippen Sie das Dokument langsam, damit die Sicherheitsmerkmale sichtbar werden.",
        "Zeigen Sie die Rückseite des Dokuments.",
        "Halten Sie das Dokument neben Ihr Gesicht.",
    ],
    sms_sent: "Wir haben eine SMS mit Ihrem Ident-Code an {m} gesendet. In der Sandbox lautet der Code immer {code}.",
    code_label: "Ident-Code",
    confirm_button: "Bestätigen",
    code_wrong: "Dieser Code ist nicht korrekt. Noch {left} Versuch(e).",
    choose_outcome: "Wählen Sie ein Ergebnis für diese Testidentifikation.",
    title_auto: "Automatische Testidentifikation",
    auto_text: "Diese Identifikation läuft von selbst (X-AUTOTEST). Die Seite lädt sich neu, bis sie beendet ist, und bringt Sie dann zurück.",
    title_not_found: "Identifikation nicht gefunden",
    not_found_text: "Dieser Link ist ungültig.",
    title_error: "Etwas ist schiefgelaufen",
    error_text: "Bitte versuchen Sie es erneut.",
};

/// The words in the identification's language.
fn words(ident: &Ident) -> &'static Words {
    match ident.body.get("language").and_then(|v| v.as_str()) {
        Some(l) if l.eq_ignore_ascii_case("DE") => &DE,
        _ => &EN,
    }
}

/// A page; `refresh` reloads it at that URL after two seconds.
fn page(w: &Words, status: StatusCode, title: &str, body: &str, refresh: Option<&str>) -> Response {
    let meta = match refresh {
        Some(url) => format!(
            r#"<meta http-equiv="refresh" content="2; url={}">"#,
            escape(url)
        ),
        None => String::new(),
    };
    let lang = w.lang;
    let banner = w.header;
    let html = format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{meta}<title>{title} – IDnow sandbox</title><style>{STYLE}</style></head><body><header><p><strong>IDnow</strong> · {banner}</p></header><main><h1>{title}</h1>{body}</main></body></html>"#
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// An unknown link: the identification, and so its language, is unknown; both languages.
fn not_found() -> Response {
    let body = format!(
        "<p>{}</p><p lang=\"de\">{}</p>",
        EN.not_found_text, DE.not_found_text
    );
    page(&EN, StatusCode::NOT_FOUND, EN.title_not_found, &body, None)
}

fn internal(e: ApiError) -> Response {
    tracing::error!(errors = ?e.errors, "sandbox IDnow page");
    let body = format!(
        "<p>{}</p><p lang=\"de\">{}</p>",
        EN.error_text, DE.error_text
    );
    page(
        &EN,
        StatusCode::INTERNAL_SERVER_ERROR,
        EN.title_error,
        &body,
        None,
    )
}

fn back_to_partner(sandbox: &Sandbox, ident: &Ident) -> Response {
    Redirect::to(&sandbox.return_url(&ident.id)).into_response()
}

async fn find(sandbox: &Sandbox, company: &str, id: &str) -> Result<Ident, Response> {
    if company != sandbox.settings.company_id {
        return Err(not_found());
    }
    match engine::load(sandbox, id).await {
        Ok(ident) if ident.status() != "created" => Ok(ident),
        Ok(_) => Err(not_found()),
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(not_found()),
        Err(e) => Err(internal(e)),
    }
}

#[derive(Default, Deserialize)]
pub(crate) struct StartForm {
    #[serde(default)]
    terms: Option<String>,
    #[serde(default)]
    recording: Option<String>,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    mobile_number: String,
}

fn consent_page(w: &Words, action: &str, form: &StartForm, errors: &[&str]) -> Response {
    let checked = |v: &Option<String>| if v.is_some() { " checked" } else { "" };
    let error_list = if errors.is_empty() {
        String::new()
    } else {
        let items: String = errors.iter().map(|e| format!("<li>{e}</li>")).collect();
        format!(r#"<div role="alert" class="error"><ul>{items}</ul></div>"#)
    };
    let body = format!(
        r#"{error_list}<p>{intro}</p>
<form method="post" action="{action}/start">
<label><input type="checkbox" name="terms"{t}> {terms}</label>
<label><input type="checkbox" name="recording"{r}> {recording}</label>
<label><input type="checkbox" name="document"{d}> {document}</label>
<label for="mobile_number">{mobile}</label>
<input type="text" id="mobile_number" name="mobile_number" autocomplete="tel" value="{m}">
<p><button type="submit">{start}</button></p></form>"#,
        intro = w.consent_intro,
        terms = w.accept_terms,
        recording = w.accept_recording,
        document = w.document_at_hand,
        mobile = w.mobile_label,
        start = w.start_button,
        t = checked(&form.terms),
        r = checked(&form.recording),
        d = checked(&form.document),
        m = escape(&form.mobile_number),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(w, status, w.title_identification, &body, None)
}

/// The guide's two columns of a reason, for the tester choosing it.
fn flags(r: &failure_reasons::Reason) -> &'static str {
    match (r.permanent, r.caused_by_user) {
        (true, Some(true)) => "permanent, caused by the user",
        (true, Some(false)) => "permanent, not caused by the user",
        (true, None) => "permanent",
        (false, Some(true)) => "temporary, caused by the user",
        (false, Some(false)) => "temporary, not caused by the user",
        (false, None) => "temporary",
    }
}

fn outcome_choices() -> String {
    let mut html = String::from(
        r#"<label for="outcome">Outcome of this test identification</label><select id="outcome" name="outcome">
<option value="success">Successful</option><option value="changeall">Successful, the agent corrects the data</option>
<option value="fraud">Fraud suspicion, confirmed in review (failed)</option><option value="fraudok">Fraud suspicion, cleared in review (canceled, then successful)</option><optgroup label="Aborted by the agent">"#,
    );
    for r in failure_reasons::all() {
        html.push_str(&format!(
            r#"<option value="abort:{0}">Aborted: {0} ({1})</option>"#,
            r.code,
            flags(&r)
        ));
    }
    html.push_str(r#"</optgroup><optgroup label="Canceled in review">"#);
    for r in failure_reasons::all() {
        html.push_str(&format!(
            r#"<option value="cancel:{0}">Canceled: {0} ({1})</option>"#,
            r.code,
            flags(&r)
        ));
    }
    html.push_str("</optgroup></select>");
    html
}

fn call_page(action: &str, ident: &Ident, error: Option<&str>) -> Response {
    let w = words(ident);
    let mobile = ident
        .body
        .get("_mobile_number")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let error = error
        .map(|e| format!(r#"<p role="alert" class="error" id="code-error">{e}</p>"#))
        .unwrap_or_default();
    let choice = if ident.scenario.driver == Driver::Choice {
        outcome_choices()
    } else {
        String::new()
    };
    let body = format!(
        r#"<p class="note">{connected}</p>
<ol><li>{s1}</li><li>{s2}</li><li>{s3}</li><li>{s4}</li></ol>
<p>{sms}</p>
{error}<form method="post" action="{action}/code"><label for="code">{code_label}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" aria-describedby="code-error">
{choice}<p><button type="submit">{confirm}</button></p></form>"#,
        connected = w.connected,
        s1 = w.call_steps[0],
        s2 = w.call_steps[1],
        s3 = w.call_steps[2],
        s4 = w.call_steps[3],
        sms = w
            .sms_sent
            .replace("{m}", &escape(mobile))
            .replace("{code}", IDENT_CODE),
        code_label = w.code_label,
        confirm = w.confirm_button,
    );
    page(w, status, w.title_call, &body, None)
}

/// `?waiting=1`: the automated session's page reloading itself while the call runs.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    waiting: Option<String>,
}

/// `GET`: the step the session is at, or back to the partner once it has ended. The page of an
/// automated session that ended while it waited goes back too, an abort included (the session
/// then waits for a retry, which the customer starts from the partner's page, as with IDnow).
async fn show(
    State(sandbox): State<Sandbox>,
    Path((company, id)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Response {
    let ident = match find(&sandbox, &company, &id).await {
        Ok(i) => i,
        Err(res) => return res,
    };
    let action = format!("/idnow/{company}/identifications/{id}");
    let action = sandbox.local_path(&action);
    let w = words(&ident);
    let waited = query.waiting.is_some();
    match ident.session_state.as_str() {
        session::WAITING if waited => back_to_partner(&sandbox, &ident),
        // An automated session that waits was aborted or canceled: the retry on the same link
        // runs by itself again, as the first call did.
        session::WAITING if ident.scenario.driver == Driver::Auto => {
            let mut ident = ident;
            match engine::start_automated_call(&sandbox, &mut ident).await {
                Ok(()) => Redirect::to(&format!("{action}?waiting=1")).into_response(),
                Err(e) => internal(e),
            }
        }
        session::WAITING => consent_page(w, &action, &StartForm::default(), &[]),
        session::IN_CALL if ident.scenario.driver == Driver::Auto => page(
            w,
            StatusCode::OK,
            w.title_auto,
            &format!("<p>{}</p>", w.auto_text),
            Some(&format!("{action}?waiting=1")),
        ),
        session::IN_CALL => call_page(&action, &ident, None),
        _ => back_to_partner(&sandbox, &ident),
    }
}

/// `POST .../start`: consent and mobile number; the call begins.
async fn start(
    State(sandbox): State<Sandbox>,
    Path((company, id)): Path<(String, String)>,
    Form(form): Form<StartForm>,
) -> Response {
    let mut ident = match find(&sandbox, &company, &id).await {
        Ok(i) => i,
        Err(res) => return res,
    };
    let action = sandbox.local_path(&format!("/idnow/{company}/identifications/{id}"));
    if ident.session_state != session::WAITING {
        return Redirect::to(&action).into_response();
    }
    let w = words(&ident);
    let mut errors = Vec::new();
    if form.terms.is_none() || form.recording.is_none() || form.document.is_none() {
        errors.push(w.confirm_all);
    }
    let number = form.mobile_number.trim();
    if !(number == "+15550101"
        || (number.starts_with('0')
            && number.len() >= 6
            && number.bytes().all(|b| b.is_ascii_digit())))
    {
        errors.push(w.mobile_error);
    }
    if !errors.is_empty() {
        return consent_page(w, &action, &form, &errors);
    }
    let result = async {
        if ident.scenario.driver == Driver::Auto {
            return engine::start_automated_call(&sandbox, &mut ident).await;
        }
        engine::start_call(&sandbox, &mut ident, number).await?;
        let retry = ident.retries > 0;
        if ident.scenario.case == Some(Case::Abortident) && !retry {
            // The agent aborts: the video quality is not good enough.
            let now = sandbox.clock.now_ms();
            engine::end_call(
                &sandbox,
                &mut ident,
                Outcome::of_case(Case::Abortident, false),
                now,
            )
            .await?;
        }
        Ok(())
    }
    .await;
    match result {
        Err(e) => internal(e),
        Ok(()) if ident.session_state == session::IN_CALL => {
            let waiting = if ident.scenario.driver == Driver::Auto {
                "?waiting=1"
            } else {
                ""
            };
            Redirect::to(&format!("{action}{waiting}")).into_response()
        }
        Ok(()) => back_to_partner(&sandbox, &ident),
    }
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    outcome: Option<String>,
}

fn chosen_outcome(choice: &str) -> Option<Outcome> {
    let success = |change| Outcome::Success {
        change,
        long_review: false,
        later_cancel: false,
    };
    let known = |code: &str| failure_reasons::lookup(code).is_some();
    Some(match choice.split_once(':') {
        None if choice == "success" => success(None),
        None if choice == "changeall" => success(Some(ChangeAt::Call)),
        None if choice == "fraud" => Outcome::Fraud,
        None if choice == "fraudok" => Outcome::FraudOk,
        Some(("abort", code)) if known(code) => Outcome::Abort {
            reason: code.into(),
        },
        Some(("cancel", code)) if known(code) => Outcome::CancelInReview {
            reason: code.into(),
        },
        _ => return None,
    })
}

/// `POST .../code`: the ident code ends the call; three wrong codes end the session.
async fn code(
    State(sandbox): State<Sandbox>,
    Path((company, id)): Path<(String, String)>,
    Form(form): Form<CodeForm>,
) -> Response {
    let mut ident = match find(&sandbox, &company, &id).await {
        Ok(i) => i,
        Err(res) => return res,
    };
    let action = sandbox.local_path(&format!("/idnow/{company}/identifications/{id}"));
    if ident.session_state != session::IN_CALL || ident.scenario.driver == Driver::Auto {
        return Redirect::to(&action).into_response();
    }
    let now = sandbox.clock.now_ms();
    if form.code.trim() != IDENT_CODE {
        ident.code_attempts += 1;
        if ident.code_attempts >= MAX_CODE_ATTEMPTS {
            let outcome = Outcome::Abort {
                reason: "IDENT_CODE_REPEATEDLY_INCORRECT".into(),
            };
            return match engine::end_call(&sandbox, &mut ident, outcome, now).await {
                Ok(()) => back_to_partner(&sandbox, &ident),
                Err(e) => internal(e),
            };
        }
        if let Err(e) = engine::save(&sandbox, &ident).await {
            return internal(e);
        }
        let left = MAX_CODE_ATTEMPTS - ident.code_attempts;
        let wrong = words(&ident)
            .code_wrong
            .replace("{left}", &left.to_string());
        return call_page(&action, &ident, Some(&wrong));
    }
    let outcome = match (ident.scenario.driver, ident.scenario.case) {
        (Driver::Choice, _) => match form.outcome.as_deref().and_then(chosen_outcome) {
            Some(o) => o,
            None => {
                let choose = words(&ident).choose_outcome;
                return call_page(&action, &ident, Some(choose));
            }
        },
        (_, case) => Outcome::of_case(case.unwrap_or(Case::Happypath), ident.retries > 0),
    };
    match engine::end_call(&sandbox, &mut ident, outcome, now).await {
        Ok(()) => back_to_partner(&sandbox, &ident),
        Err(e) => internal(e),
    }
}
