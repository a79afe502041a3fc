//! A staff account's setup from its one-time link: the password, and TOTP enrolled with a
//! QR code drawn on the server and confirmed with a first code.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use leptos::prelude::*;
use serde::Deserialize;

use super::password::{hash_password, new_secret, otpauth_uri, totp_step, unix_now};
use super::{hashed, page, Office, OfficeError, OfficeResult, PageLang, Visitor};
use crate::db::staff;

use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SetupForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    lang: String,
}

pub(crate) async fn setup_page(
    visitor: Visitor,
    State(office): State<Office>,
    Path(token): Path<String>,
) -> OfficeResult {
    let lang = visitor.lang;
    let account = staff::by_setup(&office.db, &hashed(&token), office.db.now_ms()).await?;
    let Some(account) = account else {
        return Ok(setup_invalid(lang));
    };
    let Some(secret) = staff::setup_secret(&office.db, &hashed(&token), &new_secret()).await?
    else {
        return Ok(setup_invalid(lang));
    };
    Ok(setup_view(
        lang,
        &token,
        &account.email,
        &secret,
        StatusCode::OK,
        &[],
    ))
}

pub(super) fn setup_invalid(lang: Lang) -> Response {
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
pub(super) enum SetupInput {
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

pub(super) fn setup_view(
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
    let Some(account) = staff::by_setup(&office.db, &setup_hash, office.db.now_ms()).await? else {
        return Ok(setup_invalid(lang));
    };
    // The secret is the server's, kept with the link; a form cannot bring its own.
    let Some(secret) = staff::setup_secret(&office.db, &setup_hash, &new_secret()).await? else {
        return Ok(setup_invalid(lang));
    };
    let mut problems = Vec::new();
    if let Some(weak) = super::password::weakness(&form.password, &account.email) {
        problems.push((SetupInput::Password, weak.text(t)));
    } else if form.password != form.repeat {
        problems.push((SetupInput::Repeat, t.password_mismatch));
    }
    if totp_step(&secret, &form.code, unix_now()).is_none() {
        problems.push((SetupInput::Code, t.code_wrong));
    }
    if !problems.is_empty() {
        return Ok(setup_view(
            lang,
            &token,
            &account.email,
            &secret,
            StatusCode::UNPROCESSABLE_ENTITY,
            &problems,
        ));
    }
    let password = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| OfficeError::Unavailable(Box::new(e)))?
        .map_err(|e| OfficeError::Unavailable(e.into()))?;
    if !staff::complete_setup(&office.db, &setup_hash, &hash).await? {
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
