//! The IDnow web session as the customer's browser sees it, at
//! `/idnow/{company}/identifications/{identification_id}`: consent and mobile number, the
//! simulated call with the agent's instructions, the ident code, and the redirect back to the
//! partner with the transaction number as the only data. Plain HTML forms, no script.

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
pub const IDENT_CODE: &str = "123456";
/// Wrong ident codes after which the session ends.
const MAX_CODE_ATTEMPTS: i64 = 3;

pub fn router() -> Router<Sandbox> {
    Router::new()
        .route("/idnow/{company}/identifications/{id}", get(show))
        .route("/idnow/{company}/identifications/{id}/start", post(start))
        .route("/idnow/{company}/identifications/{id}/code", post(code))
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The page's stylesheet, inline so the page stands alone; the CSP allows exactly this text by
/// its hash ([`style_hash`]).
pub(crate) const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2433;line-height:1.5}
header{border-bottom:3px solid #ff6a13;margin-bottom:1rem}label{display:block;margin:.5rem 0}
input[type=text],select{font:inherit;padding:.4rem;width:100%;max-width:24rem}button{font:inherit;padding:.5rem 1.2rem;background:#1d2433;color:#fff;border:0;border-radius:4px}
button:focus,input:focus,select:focus{outline:3px solid #ff6a13;outline-offset:2px}.error{color:#a4000f;font-weight:600}.note{background:#f3f4f7;padding:.75rem}
";

/// `'sha256-…'` of [`STYLE`], for the `style-src` of the Content-Security-Policy.
pub fn style_hash() -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(STYLE.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn page(status: StatusCode, title: &str, body: &str, refresh: bool) -> Response {
    let meta = if refresh {
        r#"<meta http-equiv="refresh" content="2">"#
    } else {
        ""
    };
    let html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{meta}<title>{title} – IDnow sandbox</title><style>{STYLE}</style></head><body><header><p><strong>IDnow</strong> · sandbox video identification</p></header><main><h1>{title}</h1>{body}</main></body></html>"#
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Identification not found",
        "<p>This link is not valid.</p>",
        false,
    )
}

fn internal(e: ApiError) -> Response {
    tracing::error!(errors = ?e.errors, "sandbox IDnow page");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<p>Please try again.</p>",
        false,
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
pub struct StartForm {
    #[serde(default)]
    terms: Option<String>,
    #[serde(default)]
    recording: Option<String>,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    mobile_number: String,
}

fn consent_page(action: &str, form: &StartForm, errors: &[&str]) -> Response {
    let checked = |v: &Option<String>| if v.is_some() { " checked" } else { "" };
    let error_list = if errors.is_empty() {
        String::new()
    } else {
        let items: String = errors.iter().map(|e| format!("<li>{e}</li>")).collect();
        format!(r#"<div role="alert" class="error"><ul>{items}</ul></div>"#)
    };
    let body = format!(
        r#"{error_list}<p>Before the video call starts, please confirm the following and enter the mobile number we send your ident code to.</p>
<form method="post" action="{action}/start">
<label><input type="checkbox" name="terms"{t}> I accept IDnow's terms and conditions and privacy policy.</label>
<label><input type="checkbox" name="recording"{r}> I agree that the video call is recorded.</label>
<label><input type="checkbox" name="document"{d}> I have a valid ID document at hand.</label>
<label for="mobile_number">Mobile number (sandbox: starts with 0, or +15550101)</label>
<input type="text" id="mobile_number" name="mobile_number" autocomplete="tel" value="{m}">
<p><button type="submit">Start identification</button></p></form>"#,
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
    page(status, "Video identification", &body, false)
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
        r#"<p class="note">You are connected with agent TROBOT (simulated).</p>
<ol><li>Show the front of your ID document to the camera.</li><li>Tilt the document slowly so the security features are visible.</li>
<li>Show the back of the document.</li><li>Hold the document next to your face.</li></ol>
<p>We sent an SMS with your ident code to {m}. In the sandbox the code is always {IDENT_CODE}.</p>
{error}<form method="post" action="{action}/code"><label for="code">Ident code</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" aria-describedby="code-error">
{choice}<p><button type="submit">Confirm</button></p></form>"#,
        m = escape(mobile),
    );
    page(status, "Video call", &body, false)
}

/// `GET`: the step the session is at, or back to the partner once it has ended.
async fn show(
    State(sandbox): State<Sandbox>,
    Path((company, id)): Path<(String, String)>,
) -> Response {
    let ident = match find(&sandbox, &company, &id).await {
        Ok(i) => i,
        Err(res) => return res,
    };
    let action = format!("/idnow/{company}/identifications/{id}");
    let action = sandbox.local_path(&action);
    match ident.session_state.as_str() {
        session::WAITING => consent_page(&action, &StartForm::default(), &[]),
        session::IN_CALL if ident.scenario.driver == Driver::Auto => page(
            StatusCode::OK,
            "Automated test identification",
            "<p>This identification runs by itself (X-AUTOTEST). This page refreshes until it has ended.</p>",
            true,
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
    let mut errors = Vec::new();
    if form.terms.is_none() || form.recording.is_none() || form.document.is_none() {
        errors.push("Please confirm all three statements.");
    }
    let number = form.mobile_number.trim();
    if !(number == "+15550101"
        || (number.starts_with('0')
            && number.len() >= 6
            && number.bytes().all(|b| b.is_ascii_digit())))
    {
        errors.push("Enter a mobile number that starts with 0, or +15550101.");
    }
    if !errors.is_empty() {
        return consent_page(&action, &form, &errors);
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
        Ok(()) if ident.session_state == session::IN_CALL => Redirect::to(&action).into_response(),
        Ok(()) => back_to_partner(&sandbox, &ident),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
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
        return call_page(
            &action,
            &ident,
            Some(&format!(
                "This code is not correct. {left} attempt(s) left."
            )),
        );
    }
    let outcome = match (ident.scenario.driver, ident.scenario.case) {
        (Driver::Choice, _) => match form.outcome.as_deref().and_then(chosen_outcome) {
            Some(o) => o,
            None => {
                return call_page(
                    &action,
                    &ident,
                    Some("Choose an outcome for this test identification."),
                )
            }
        },
        (_, case) => Outcome::of_case(case.unwrap_or(Case::Happypath), ident.retries > 0),
    };
    match engine::end_call(&sandbox, &mut ident, outcome, now).await {
        Ok(()) => back_to_partner(&sandbox, &ident),
        Err(e) => internal(e),
    }
}
