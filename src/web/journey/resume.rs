//! The way back into an application from any browser: the signed link from a mail or the QR
//! code, then the date of birth, then the customer's current step. Five wrong dates lock the
//! application's links and send a fresh one to the address on file. The link's token stays in
//! the URL for one redirect only: it moves into the session, so it is neither in the address
//! bar nor in the request log.
//!
//! Also here: the reminders' opt-out (no sign-in), and the link for another device (the QR code
//! on the checklist and redirect pages, and the same link by mail).

use super::paths::StepPath;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use tower_sessions::Session;

use super::fields::DateField;
use super::form::{Errors, Input, RawForm};
use super::page::{Csrf, PageForm, PageResult, Visit};
use super::state::JourneyState;
use crate::db::applications;
use crate::db::mail::{self as store, Guess, Purpose};
use crate::domain::Application;
use crate::i18n::Lang;
use crate::web::journey::session::APPLICATION_KEY;
use crate::web::render;
use crate::web::security::csrf_token;

/// The session key of the resume link the visitor arrived with (its hash).
pub(crate) const LINK_KEY: &str = "resume_link";

pub(crate) const RESUME_PATH: &str = "/resume";

/// `GET /resume/{token}`: keeps the link in the session and leaves its URL at once.
pub async fn arrive(
    State(state): State<JourneyState>,
    session: Session,
    Path(token): Path<String>,
) -> PageResult {
    let purposes = [Purpose::Resume, Purpose::Device];
    if let Some(hash) = arrive_with(&state, &session, &token, LINK_KEY, &purposes).await? {
        // The page asks in the language the customer confirmed the application in.
        if let Some(id) = store::link_application(&state.db, &hash, &purposes).await? {
            if let Some(facts) = store::facts(&state.db, &id).await? {
                let lang = if facts.language.eq_ignore_ascii_case("DE") {
                    Lang::De
                } else {
                    Lang::En
                };
                let _ = session.insert("lang", lang).await;
            }
        }
    }
    Ok(Redirect::to(RESUME_PATH).into_response())
}

/// Keeps the link's hash in the session under `key` when the link is signed for one of
/// `purposes`; returns the hash.
pub(crate) async fn arrive_with(
    state: &JourneyState,
    session: &Session,
    token: &str,
    key: &str,
    purposes: &[Purpose],
) -> Result<Option<String>, super::page::PageError> {
    match state.links.verify(token, purposes) {
        Some(hash) => {
            session.insert(key, &hash).await?;
            Ok(Some(hash))
        }
        None => {
            tracing::warn!(
                code = "link_forged",
                "a link without a valid signature was refused"
            );
            session.remove::<String>(key).await?;
            Ok(None)
        }
    }
}

/// The application the session's link (under `key`) leads to; the callers check that it can
/// still move.
pub(crate) async fn linked(
    state: &JourneyState,
    session: &Session,
    key: &str,
    purposes: &[Purpose],
) -> Result<Option<Application>, super::page::PageError> {
    let hash = session.get::<String>(key).await?;
    let Some(hash) = hash else { return Ok(None) };
    let Some(id) = store::link_application(&state.db, &hash, purposes).await? else {
        return Ok(None);
    };
    Ok(applications::load(&state.db, &id).await?)
}

pub(crate) fn invalid_link(lang: Lang) -> Response {
    let t = lang.t();
    render::page(
        lang,
        RESUME_PATH,
        t.resume_invalid_title,
        StatusCode::NOT_FOUND,
        None,
        view! {
            <h1>{t.resume_invalid_title}</h1>
            <p>{t.resume_invalid_text}</p>
            <p><a href="/">{t.start_again}</a></p>
        },
    )
}

/// The date of birth, in three inputs as on the data screen.
pub(crate) const BIRTH_DATE: Input = Input {
    name: "birth_date",
    label: |t| t.birth_date,
};

/// What went wrong with the last answer.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Refusal {
    /// Not a date: nothing was counted.
    NotADate,
    Wrong {
        tries_left: i64,
    },
}

pub(crate) fn resume_form(
    lang: Lang,
    csrf: String,
    typed: RawForm,
    refusal: Option<Refusal>,
) -> Response {
    let t = lang.t();
    let message = refusal.map(|r| match r {
        Refusal::NotADate => t.resume_invalid_part.to_string(),
        Refusal::Wrong { tries_left } => t.resume_wrong.replace("{n}", &tries_left.to_string()),
    });
    let status = if message.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render::page(
        lang,
        RESUME_PATH,
        t.resume_title,
        status,
        None,
        view! {
            <h1>{t.resume_title}</h1>
            <p>{t.resume_intro}</p>
            <form method="post" action=RESUME_PATH novalidate=true>
                <Csrf token=csrf/>
                <DateField lang=lang input=BIRTH_DATE form=typed errors=Errors::default() message=message/>
                <div class="actions"><button type="submit" class="primary">{t.resume_button}</button></div>
            </form>
        },
    )
}

/// `GET /resume`: the date-of-birth question for the link in the session.
pub(crate) async fn resume_page(visit: Visit) -> PageResult {
    let Some(app) = linked(
        &visit.state,
        &visit.session,
        LINK_KEY,
        &[Purpose::Resume, Purpose::Device],
    )
    .await?
    else {
        return Ok(invalid_link(visit.lang));
    };
    if !app.can_still_move() {
        return Ok(invalid_link(visit.lang));
    }
    let csrf = csrf_token(&visit.session).await;
    Ok(resume_form(visit.lang, csrf, RawForm::default(), None))
}

/// `POST /resume`: the date of birth. Right: the session takes the application and the
/// customer lands on their step. Wrong: counted; the fifth locks the links.
pub(crate) async fn check_birth_date(
    visit: Visit,
    PageForm(form): PageForm<RawForm>,
) -> PageResult {
    let Visit {
        state,
        session,
        lang,
        ..
    } = visit;
    let Some(app) = linked(
        &state,
        &session,
        LINK_KEY,
        &[Purpose::Resume, Purpose::Device],
    )
    .await?
    else {
        return Ok(invalid_link(lang));
    };
    if !app.can_still_move() {
        return Ok(invalid_link(lang));
    }
    let csrf = csrf_token(&session).await;
    let typed = form.date(BIRTH_DATE);
    let Ok(date) = chrono::NaiveDate::parse_from_str(&typed, "%Y-%m-%d") else {
        return Ok(resume_form(lang, csrf, form, Some(Refusal::NotADate)));
    };
    let on_file = app.details.person.as_ref().map(|p| p.birth_date.date());
    let hash = session.get::<String>(LINK_KEY).await?.unwrap_or_default();
    match store::guess_birth_date(&state.db, &app.id, &hash, on_file == Some(date)).await? {
        Guess::Right => {}
        Guess::LinkGone => return Ok(invalid_link(lang)),
        Guess::Wrong { tries_left } => {
            tracing::warn!(application_id = %app.id, tries_left, "wrong date of birth for a resume link");
            return Ok(resume_form(
                lang,
                csrf,
                form,
                Some(Refusal::Wrong { tries_left }),
            ));
        }
        Guess::Locked => {
            tracing::warn!(application_id = %app.id, code = "resume_locked", "five wrong dates of birth: the links are locked and a new one is on its way");
            let _ = session.remove::<String>(LINK_KEY).await;
            let t = lang.t();
            return Ok(render::page(
                lang,
                RESUME_PATH,
                t.resume_locked_title,
                StatusCode::FORBIDDEN,
                None,
                view! {
                    <h1>{t.resume_locked_title}</h1>
                    <p role="alert">{t.resume_locked_text}</p>
                },
            ));
        }
    }
    let other_device = store::link_application(&state.db, &hash, &[Purpose::Device])
        .await?
        .is_some();
    // A new session id now that this browser holds an application, against session fixation.
    session.cycle_id().await?;
    session.insert(APPLICATION_KEY, &app.id).await?;
    if other_device {
        session
            .insert(crate::web::journey::session::OTHER_DEVICE_KEY, true)
            .await?;
        applications::phone_joined(&state.db, &app.id).await?;
    }
    session
        .insert(crate::web::SEEN_KEY, state.db.clock.now_seconds())
        .await?;
    let _ = session.remove::<String>(LINK_KEY).await;
    tracing::info!(application_id = %app.id, "application resumed with a link");
    let step = crate::db::applications::current_step(&state.db, &app).await?;
    Ok(Redirect::to(step.path()).into_response())
}
