//! Signing in (password and code, the same answer for every failure, the lockout) and out.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use leptos::prelude::*;
use serde::Deserialize;

use super::password::{check_password, totp_step, unix_now};
use super::{
    hashed, page, random_token, Office, OfficeError, OfficeResult, PageLang, Staff, Visitor,
};
use crate::db::staff;

use crate::i18n::Lang;

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
pub(super) enum Note {
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

pub(super) fn login_view(
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
    let now = office.db.now_ms();
    let email = super::shown_again(form.email.trim());
    // An address with a control character (a NUL) is no staff member's: not looked up.
    let account = if email.len() == form.email.trim().len() {
        staff::by_email(&office.db, &email).await?
    } else {
        None
    };
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
            &email,
            Note::None,
            Some(text),
        ))
    };
    // Every failure is in the audit log too: an address with no account as `anonymous` (what
    // was typed may be anyone's), an account's by its id.
    let audit = |actor: String, action: &'static str, detail: Option<String>| {
        let db = office.db.clone();
        async move { crate::db::audit::record(&db, &actor, action, None, detail.as_deref()).await }
    };
    let Some(account) = usable else {
        tracing::warn!(code = "staff_login_refused", "back office: sign-in refused");
        audit("anonymous".into(), "sign_in_failed", None).await?;
        return refuse(t.login_failed.to_string());
    };
    let actor = format!("staff:{}", account.id);
    // Locked, the answer is the one every failure gets: a different one would tell whoever
    // tries which addresses have accounts.
    if account.locked_until.is_some_and(|until| until > now) {
        tracing::warn!(code = "staff_login_locked", staff_id = %account.id, "back office: sign-in to a locked account");
        audit(actor, "sign_in_while_locked", None).await?;
        return refuse(t.login_failed.to_string());
    }
    let step = account
        .totp_secret
        .as_deref()
        .and_then(|secret| totp_step(secret, &form.code, unix_now()));
    let fresh_step = step.filter(|s| account.last_totp_step.is_none_or(|last| *s > last));
    let Some(step) = fresh_step.filter(|_| password_ok) else {
        let locked = staff::failed_login(&office.db, &account.id, now).await?;
        tracing::warn!(code = "staff_login_refused", staff_id = %account.id, "back office: sign-in refused");
        // A right code used before is a replay: said as such.
        let replayed = (password_ok && step.is_some()).then(|| "code_replayed".to_string());
        audit(actor.clone(), "sign_in_failed", replayed).await?;
        if let Some(until) = locked {
            let until = crate::db::partner_events::rfc3339(until);
            audit(actor, "account_locked", Some(format!("until {until}"))).await?;
        }
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
