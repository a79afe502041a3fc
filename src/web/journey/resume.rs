//! The way back into an application from any browser: the signed link from a mail or the QR
//! code, then the date of birth, then the customer's current step. Five wrong dates lock the
//! application's links and send a fresh one to the address on file. The link's token stays in
//! the URL for one redirect only: it moves into the session, so it is neither in the address
//! bar nor in the request log.
//!
//! Also here: the reminders' opt-out (no sign-in), and the link for another device (the QR code
//! on the checklist and redirect pages, and the same link by mail).

use super::paths::StepPath;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use tower_sessions::Session;

use super::fields::DateField;
use super::form::{Errors, Input, RawForm};
use super::page::{Csrf, Journey, PageForm, PageResult, Visit};
use super::JourneyState;
use crate::db::applications;
use crate::db::mail::{self as store, Purpose, WrongAnswer};
use crate::domain::Application;
use crate::i18n::Lang;
use crate::web::journey::session::APPLICATION_KEY;
use crate::web::render;
use crate::web::security::csrf_token;

/// The session key of the resume link the visitor arrived with (its hash).
const LINK_KEY: &str = "resume_link";
/// The session key of the opt-out link the visitor arrived with (its hash).
const OPT_OUT_KEY: &str = "opt_out_link";

pub(crate) const RESUME_PATH: &str = "/resume";
pub(crate) const REMINDERS_PATH: &str = "/reminders/stop";

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

/// `GET /reminders/stop/{token}`: the same for the reminders' opt-out.
pub(crate) async fn arrive_opt_out(
    State(state): State<JourneyState>,
    session: Session,
    Path(token): Path<String>,
) -> PageResult {
    arrive_with(&state, &session, &token, OPT_OUT_KEY, &[Purpose::OptOut]).await?;
    Ok(Redirect::to(REMINDERS_PATH).into_response())
}

/// Keeps the link's hash in the session under `key` when the link is signed for one of
/// `purposes`; returns the hash.
async fn arrive_with(
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
async fn linked(
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

fn invalid_link(lang: Lang) -> Response {
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
const BIRTH_DATE: Input = Input {
    name: "birth_date",
    label: |t| t.birth_date,
};

/// What went wrong with the last answer.
#[derive(Clone, Copy, Debug)]
enum Refusal {
    /// Not a date: nothing was counted.
    NotADate,
    Wrong {
        tries_left: i64,
    },
}

fn resume_form(lang: Lang, csrf: String, typed: RawForm, refusal: Option<Refusal>) -> Response {
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
    if on_file != Some(date) {
        return match store::wrong_birth_date(&state.db, &app.id).await? {
            WrongAnswer::TriesLeft(tries_left) => {
                tracing::warn!(application_id = %app.id, tries_left, "wrong date of birth for a resume link");
                Ok(resume_form(
                    lang,
                    csrf,
                    form,
                    Some(Refusal::Wrong { tries_left }),
                ))
            }
            WrongAnswer::Locked => {
                tracing::warn!(application_id = %app.id, code = "resume_locked", "five wrong dates of birth: the links are locked and a new one is on its way");
                let _ = session.remove::<String>(LINK_KEY).await;
                let t = lang.t();
                Ok(render::page(
                    lang,
                    RESUME_PATH,
                    t.resume_locked_title,
                    StatusCode::FORBIDDEN,
                    None,
                    view! {
                        <h1>{t.resume_locked_title}</h1>
                        <p role="alert">{t.resume_locked_text}</p>
                    },
                ))
            }
        };
    }
    store::right_birth_date(&state.db, &app.id).await?;
    // A new session id now that this browser holds an application, against session fixation.
    session.cycle_id().await?;
    session.insert(APPLICATION_KEY, &app.id).await?;
    session
        .insert(
            crate::web::SEEN_KEY,
            time::OffsetDateTime::now_utc().unix_timestamp(),
        )
        .await?;
    let _ = session.remove::<String>(LINK_KEY).await;
    tracing::info!(application_id = %app.id, "application resumed with a link");
    let step = crate::db::applications::current_step(&state.db, &app).await?;
    Ok(Redirect::to(step.path()).into_response())
}

/// `GET /reminders/stop`: asks before it stops (a mail scanner following the link stops
/// nothing).
pub(crate) async fn reminders_page(visit: Visit) -> PageResult {
    let t = visit.lang.t();
    if linked(
        &visit.state,
        &visit.session,
        OPT_OUT_KEY,
        &[Purpose::OptOut],
    )
    .await?
    .is_none()
    {
        return Ok(render::page(
            visit.lang,
            REMINDERS_PATH,
            t.reminders_title,
            StatusCode::NOT_FOUND,
            None,
            view! { <h1>{t.reminders_title}</h1><p>{t.reminders_invalid}</p> },
        ));
    }
    let csrf = csrf_token(&visit.session).await;
    Ok(render::page(
        visit.lang,
        REMINDERS_PATH,
        t.reminders_title,
        StatusCode::OK,
        None,
        view! {
            <h1>{t.reminders_title}</h1>
            <p>{t.reminders_text}</p>
            <form method="post" action=REMINDERS_PATH>
                <Csrf token=csrf/>
                <div class="actions"><button type="submit" class="primary">{t.reminders_button}</button></div>
            </form>
        },
    ))
}

/// `POST /reminders/stop`.
pub(crate) async fn stop_reminders(visit: Visit) -> PageResult {
    let t = visit.lang.t();
    let Some(app) = linked(
        &visit.state,
        &visit.session,
        OPT_OUT_KEY,
        &[Purpose::OptOut],
    )
    .await?
    else {
        return Ok(Redirect::to(REMINDERS_PATH).into_response());
    };
    store::stop_reminders(&visit.state.db, &app.id).await?;
    tracing::info!(application_id = %app.id, "reminders stopped by the customer");
    Ok(render::page(
        visit.lang,
        REMINDERS_PATH,
        t.reminders_stopped_title,
        StatusCode::OK,
        None,
        view! { <h1>{t.reminders_stopped_title}</h1><p role="status">{t.reminders_stopped_text}</p> },
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct Mailed {
    mailed: Option<String>,
}

/// What the "continue on your phone" box says after the mail button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeviceMail {
    NotAsked,
    Sent,
    Limit,
}

impl Mailed {
    pub fn state(&self) -> DeviceMail {
        match self.mailed.as_deref() {
            Some("1") => DeviceMail::Sent,
            Some("limit") => DeviceMail::Limit,
            _ => DeviceMail::NotAsked,
        }
    }
}

/// Query of the pages with the box.
pub(crate) type MailedQuery = Query<Mailed>;

/// A fresh link for another device, working for an hour, as a URL.
pub(crate) async fn device_link(
    state: &JourneyState,
    app: &Application,
) -> Result<String, super::page::PageError> {
    let issued = state.links.issue(Purpose::Device);
    store::store_link(&state.db, &app.id, Purpose::Device, &issued.hash).await?;
    Ok(state.links.resume_url(&issued.token))
}

/// `POST /continue-elsewhere`: the link for another device by mail, back to the page.
pub(crate) async fn mail_device_link(j: Journey<super::page::at::AnyStep>) -> PageResult {
    let step = crate::db::applications::current_step(&j.state.db, &j.app).await?;
    if !matches!(
        step,
        crate::domain::Step::Checklist | crate::domain::Step::Redirect
    ) {
        return Ok(Redirect::to(step.path()).into_response());
    }
    let sent = store::request_device_mail(&j.state.db, &j.app.id).await?;
    tracing::info!(application_id = %j.app.id, sent, "link for another device asked by mail");
    let flag = if sent { "1" } else { "limit" };
    Ok(Redirect::to(&format!("{}?mailed={flag}#elsewhere", step.path())).into_response())
}

/// The box on the checklist and redirect pages: the QR code, the link, the mail button, and the
/// live status that moves this page on when the phone starts the identification.
pub(crate) fn elsewhere_view(
    lang: Lang,
    link: String,
    csrf: String,
    mailed: DeviceMail,
    status: &str,
) -> impl IntoView {
    let t = lang.t();
    let qr = qr_svg(&link);
    let note = match mailed {
        DeviceMail::NotAsked => None,
        DeviceMail::Sent => Some(t.elsewhere_mailed),
        DeviceMail::Limit => Some(t.elsewhere_mail_limit),
    };
    view! {
        <section class="elsewhere" id="elsewhere" aria-labelledby="elsewhere-title" data-status=status.to_string()>
            <h2 id="elsewhere-title">{t.elsewhere_title}</h2>
            <p>{t.elsewhere_text}</p>
            <div class="qr" role="img" aria-label=t.elsewhere_qr_label inner_html=qr></div>
            <p class="link-text"><span class="visually-hidden">{t.elsewhere_link}": "</span><code>{link}</code></p>
            {note.map(|n| view! { <p role="status">{n}</p> })}
            <form method="post" action="/continue-elsewhere">
                <Csrf token=csrf/>
                <button type="submit" class="secondary">{t.elsewhere_mail}</button>
            </form>
            <script src=crate::web::assets::status_script_src() defer=true></script>
        </section>
    }
}

/// The link as a QR code in SVG, drawn on the server: one square per dark module, with the
/// quiet zone of four modules the standard asks for.
pub(crate) fn qr_svg(link: &str) -> String {
    use qrcode::{Color, EcLevel, QrCode};
    let Ok(code) = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::with_capacity(width * width * 8);
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\" aria-hidden=\"true\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>",
        px = size * 4
    )
}
