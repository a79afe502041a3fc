//! Signing in and out of the back office, and the setup link's page that sets a password
//! (Argon2id) and enrols the TOTP second factor (RFC 6238, with a QR code drawn on the server).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use leptos::prelude::*;
use serde::Deserialize;

use super::{
    hashed, page, random_token, Office, OfficeError, OfficeResult, PageLang, Staff, Visitor,
};
use crate::db::staff;
use crate::db::wall_clock_ms;
use crate::i18n::Lang;

/// The shortest password accepted.
const MIN_PASSWORD_CHARS: usize = 12;
/// TOTP: six digits, a new code every 30 seconds, one step of clock drift either way.
const TOTP_STEP: u64 = 30;

fn totp(secret_b32: &str) -> Option<totp_rs::TOTP> {
    let raw = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .ok()?;
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, TOTP_STEP, raw).ok()
}

/// The time step whose code `code` is, within one step of now; `None` when it is none of them.
fn totp_step(secret_b32: &str, code: &str, now: u64) -> Option<i64> {
    use subtle::ConstantTimeEq;
    let totp = totp(secret_b32)?;
    let code = code.trim().replace(' ', "");
    let current = now / TOTP_STEP;
    (current.saturating_sub(1)..=current + 1).find_map(|step| {
        let expected = totp.generate(step * TOTP_STEP);
        bool::from(expected.as_bytes().ct_eq(code.as_bytes())).then_some(step as i64)
    })
}

fn unix_now() -> u64 {
    u64::try_from(wall_clock_ms() / 1000).unwrap_or(0)
}

/// The Argon2id hash of a password (with its salt and parameters, PHC string format).
pub(crate) fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash no password matches, checked for an unknown address so that a sign-in takes as
/// long whether or not the account exists.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// Argon2 takes tens of milliseconds of CPU on purpose: off the async threads.
async fn check_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => password_matches(&password, &stored),
        None => {
            password_matches(&password, decoy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    lang: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginQuery {
    #[serde(default)]
    ended: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// A note shown above the sign-in form.
enum Note {
    None,
    Ended,
    SignedOut,
    SetupDone,
}

pub(crate) async fn login_page(
    visitor: Visitor,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Response {
    if visitor.staff.is_some() {
        return Redirect::to("/backoffice/applications").into_response();
    }
    let note = match (q.ended.is_some(), q.done.as_deref()) {
        (true, _) => Note::Ended,
        (_, Some("signed-out")) => Note::SignedOut,
        (_, Some("setup")) => Note::SetupDone,
        _ => Note::None,
    };
    login_view(visitor.lang, StatusCode::OK, "", note, None)
}

fn login_view(
    lang: Lang,
    status: StatusCode,
    email: &str,
    note: Note,
    problem: Option<String>,
) -> Response {
    let t = lang.staff();
    let note = match note {
        Note::None => None,
        Note::Ended => Some(t.session_ended),
        Note::SignedOut => Some(t.signed_out),
        Note::SetupDone => Some(t.setup_done),
    };
    let summary = problem.map(|p| {
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus=true>
                <h2>{t.errors_title}</h2>
                <p>{p}</p>
            </div>
        }
    });
    let email = email.to_string();
    page(
        None,
        lang,
        "/backoffice/login",
        t.login_title,
        status,
        view! {
            <h1>{t.login_title}</h1>
            {note.map(|n| view! { <p class="note" role="status">{n}</p> })}
            {summary}
            <form method="post" action="/backoffice/login" class="office-form">
                <input type="hidden" name="lang" value=lang.code()/>
                <div class="field">
                    <label for="email">{t.email}</label>
                    <input id="email" name="email" type="email" autocomplete="username" required=true value=email/>
                </div>
                <div class="field">
                    <label for="password">{t.password}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required=true/>
                </div>
                <div class="field">
                    <label for="code">{t.code}</label>
                    <p class="hint" id="code-hint">{t.code_hint}</p>
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required=true aria-describedby="code-hint"/>
                </div>
                <button type="submit">{t.sign_in}</button>
            </form>
        },
    )
}

pub async fn login(
    State(office): State<Office>,
    Extension(page_lang): Extension<PageLang>,
    Form(form): Form<LoginForm>,
) -> OfficeResult {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let t = lang.staff();
    page_lang.choose(lang);
    let now = wall_clock_ms();
    let account = staff::by_email(&office.db, form.email.trim()).await?;
    let usable = account
        .as_ref()
        .filter(|a| a.disabled_at.is_none() && a.password_hash.is_some());
    let password_ok = check_password(
        form.password.clone(),
        usable.and_then(|a| a.password_hash.clone()),
    )
    .await;
    let refuse = |text: String| {
        Ok(login_view(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.email.trim(),
            Note::None,
            Some(text),
        ))
    };
    let Some(account) = usable else {
        tracing::warn!(code = "staff_login_refused", "back office: sign-in refused");
        return refuse(t.login_failed.to_string());
    };
    if let Some(until) = account.locked_until.filter(|until| *until > now) {
        tracing::warn!(code = "staff_login_locked", staff_id = %account.id, "back office: sign-in to a locked account");
        return refuse(
            t.login_locked
                .replace("{time}", &super::moment(lang, until)),
        );
    }
    let step = account
        .totp_secret
        .as_deref()
        .and_then(|secret| totp_step(secret, &form.code, unix_now()));
    let fresh_step = step.filter(|s| account.last_totp_step.is_none_or(|last| *s > last));
    let Some(step) = fresh_step.filter(|_| password_ok) else {
        staff::failed_login(&office.db, &account.id, now).await?;
        tracing::warn!(code = "staff_login_refused", staff_id = %account.id, "back office: sign-in refused");
        return refuse(t.login_failed.to_string());
    };
    if !staff::good_login(&office.db, &account.id, step, now).await? {
        return refuse(t.login_failed.to_string());
    }
    let token = random_token();
    staff::open_session(
        &office.db,
        &hashed(&token),
        &account.id,
        &random_token(),
        lang.code(),
    )
    .await?;
    crate::db::audit::record(
        &office.db,
        &format!("staff:{}", account.id),
        "sign_in",
        None,
        None,
    )
    .await?;
    tracing::info!(staff_id = %account.id, "back office: signed in");
    let mut res = Redirect::to("/backoffice/applications").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        office.cookie(Some(&token)).parse().map_err(
            |e: axum::http::header::InvalidHeaderValue| OfficeError::Unavailable(Box::new(e)),
        )?,
    );
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn logout(staff: Staff, Form(form): Form<CsrfForm>) -> OfficeResult {
    staff.check_form(&form.csrf)?;
    staff::close_session(&staff.office.db, &staff.token_hash).await?;
    staff.audit("sign_out", None, None).await?;
    let mut res = Redirect::to(&format!(
        "/backoffice/login?done=signed-out&lang={}",
        staff.lang.code()
    ))
    .into_response();
    if let Ok(cookie) = staff.office.cookie(None).parse() {
        res.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SetupForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    lang: String,
}

/// A new TOTP secret: 20 random bytes (160 bits, as RFC 4226 recommends), base32.
fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    match totp_rs::Secret::Raw(bytes).to_encoded() {
        totp_rs::Secret::Encoded(s) => s,
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// The `otpauth://` URI authenticator apps read from the QR code.
fn otpauth_uri(issuer: &str, email: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={TOTP_STEP}",
        enc(issuer),
        enc(email),
        enc(issuer)
    )
    .replace('+', "%20")
}

pub(crate) async fn setup_page(
    visitor: Visitor,
    State(office): State<Office>,
    Path(token): Path<String>,
) -> OfficeResult {
    let lang = visitor.lang;
    let account = staff::by_setup(&office.db, &hashed(&token), wall_clock_ms()).await?;
    let Some(account) = account else {
        return Ok(setup_invalid(lang));
    };
    Ok(setup_view(
        lang,
        &token,
        &account.email,
        &new_secret(),
        StatusCode::OK,
        &[],
    ))
}

fn setup_invalid(lang: Lang) -> Response {
    let t = lang.staff();
    page(
        None,
        lang,
        "/backoffice/login",
        t.setup_invalid_title,
        StatusCode::NOT_FOUND,
        view! {
            <h1>{t.setup_invalid_title}</h1>
            <p role="alert">{t.setup_invalid}</p>
        },
    )
}

/// Which input a problem of the setup form belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetupInput {
    Password,
    Repeat,
    Code,
}

impl SetupInput {
    fn id(self) -> &'static str {
        match self {
            SetupInput::Password => "password",
            SetupInput::Repeat => "repeat",
            SetupInput::Code => "code",
        }
    }
}

fn setup_view(
    lang: Lang,
    token: &str,
    email: &str,
    secret: &str,
    status: StatusCode,
    problems: &[(SetupInput, &'static str)],
) -> Response {
    let t = lang.staff();
    let bank = crate::web::render::bank();
    let qr = crate::web::journey::qr_svg(&otpauth_uri(
        &format!("{} {}", bank.name, t.back_office),
        email,
        secret,
    ));
    let problem = |input: SetupInput| {
        problems.iter().find(|(i, _)| *i == input).map(|(i, text)| {
            let id = format!("{}-error", i.id());
            view! { <p class="field-error" id=id>{*text}</p> }
        })
    };
    let described = |input: SetupInput| {
        problems
            .iter()
            .any(|(i, _)| *i == input)
            .then(|| format!("{}-error", input.id()))
    };
    let summary = (!problems.is_empty()).then(|| {
        let items = problems
            .iter()
            .map(|(input, text)| {
                let href = format!("#{}", input.id());
                view! { <li><a href=href>{*text}</a></li> }
            })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus=true>
                <h2>{t.errors_title}</h2>
                <ul>{items}</ul>
            </div>
        }
    });
    let action = format!("{}{token}", crate::mail::links::SETUP_PREFIX);
    let path = action.clone();
    let secret = secret.to_string();
    let shown_secret = secret.clone();
    page(
        None,
        lang,
        &path,
        t.setup_title,
        status,
        view! {
            <h1>{t.setup_title}</h1>
            <p>{t.setup_intro}</p>
            <p>{email.to_string()}</p>
            {summary}
            <form method="post" action=action class="office-form">
                <input type="hidden" name="lang" value=lang.code()/>
                <input type="hidden" name="secret" value=secret/>
                <div class="field">
                    <label for="password">{t.new_password}</label>
                    {problem(SetupInput::Password)}
                    <input id="password" name="password" type="password" autocomplete="new-password" required=true minlength="12" aria-describedby=described(SetupInput::Password)/>
                </div>
                <div class="field">
                    <label for="repeat">{t.repeat_password}</label>
                    {problem(SetupInput::Repeat)}
                    <input id="repeat" name="repeat" type="password" autocomplete="new-password" required=true minlength="12" aria-describedby=described(SetupInput::Repeat)/>
                </div>
                <p>{t.scan_code}</p>
                <div class="qr" role="img" aria-label=t.scan_code inner_html=qr></div>
                <p>{t.totp_key}": "<code class="totp-key">{shown_secret}</code></p>
                <div class="field">
                    <label for="code">{t.first_code}</label>
                    {problem(SetupInput::Code)}
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required=true aria-describedby=described(SetupInput::Code)/>
                </div>
                <button type="submit">{t.save_setup}</button>
            </form>
        },
    )
}

pub async fn setup(
    State(office): State<Office>,
    Extension(page_lang): Extension<PageLang>,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> OfficeResult {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let t = lang.staff();
    page_lang.choose(lang);
    let setup_hash = hashed(&token);
    let Some(account) = staff::by_setup(&office.db, &setup_hash, wall_clock_ms()).await? else {
        return Ok(setup_invalid(lang));
    };
    // The secret came back from our own page; one that is not base32 of 160 bits is refused
    // as a wrong code would be, and a new one is shown.
    let secret_ok = totp(&form.secret).is_some() && form.secret.len() == 32;
    let mut problems = Vec::new();
    if form.password.chars().count() < MIN_PASSWORD_CHARS {
        problems.push((SetupInput::Password, t.password_short));
    } else if form.password != form.repeat {
        problems.push((SetupInput::Repeat, t.password_mismatch));
    }
    let step = secret_ok
        .then(|| totp_step(&form.secret, &form.code, unix_now()))
        .flatten();
    if step.is_none() {
        problems.push((SetupInput::Code, t.code_wrong));
    }
    let (Some(_), true) = (step, problems.is_empty()) else {
        let secret = if secret_ok {
            form.secret.clone()
        } else {
            new_secret()
        };
        return Ok(setup_view(
            lang,
            &token,
            &account.email,
            &secret,
            StatusCode::UNPROCESSABLE_ENTITY,
            &problems,
        ));
    };
    let password = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| OfficeError::Unavailable(Box::new(e)))?
        .map_err(|e| OfficeError::Unavailable(e.into()))?;
    if !staff::complete_setup(&office.db, &setup_hash, &hash, &form.secret).await? {
        return Ok(setup_invalid(lang));
    }
    crate::db::audit::record(
        &office.db,
        &format!("staff:{}", account.id),
        "setup",
        None,
        None,
    )
    .await?;
    tracing::info!(staff_id = %account.id, "back office: account set up");
    Ok(Redirect::to(&format!(
        "/backoffice/login?done=setup&lang={}",
        lang.code()
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code an authenticator app shows for `secret_b32` (base32) at `unix` seconds.
    fn totp_code(secret_b32: &str, unix: u64) -> Option<String> {
        totp(secret_b32).map(|t| t.generate(unix))
    }

    #[test]
    fn a_code_counts_for_its_step_and_the_ones_beside_it_only() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let now = 1_795_852_800;
        let code = totp_code(&secret, now).unwrap();
        assert_eq!(totp_step(&secret, &code, now), Some((now / 30) as i64));
        assert_eq!(totp_step(&secret, &code, now + 30), Some((now / 30) as i64));
        assert_eq!(totp_step(&secret, &code, now + 90), None);
        assert_eq!(totp_step(&secret, "000000x", now), None);
    }

    #[test]
    fn the_rfc_6238_test_vector_gives_its_code() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (its last six digits).
        let secret = match totp_rs::Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            totp_rs::Secret::Encoded(s) => s,
            totp_rs::Secret::Raw(_) => unreachable!(),
        };
        assert_eq!(totp_code(&secret, 59).as_deref(), Some("287082"));
    }

    #[test]
    fn a_password_matches_its_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &hash));
        assert!(!password_matches("correct horse batterz", &hash));
    }
}
