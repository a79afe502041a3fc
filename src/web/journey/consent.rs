//! The legal and compliance screens: Solaris' Terms and Conditions, then the data-processing
//! terms, each accepted on its own, with the UTC time of acceptance and the exact text version.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use leptos::prelude::*;
use serde::Deserialize;
use tower_sessions::Session;

use super::fields::Problem;
use super::{guard, unavailable, Csrf, JourneyState, Step};
use crate::db::wall_clock_ms;
use crate::web::i18n::Lang;
use crate::web::legal::{Kind, LegalText};
use crate::web::render::{self, Progress};
use crate::web::security::csrf_token;

fn consent_page(
    lang: Lang,
    kind: Kind,
    token: String,
    error: bool,
    accepted_at: Option<String>,
) -> Response {
    let j = lang.j();
    let text = LegalText::get(kind, lang);
    let (heading, intro, accept, path) = match kind {
        Kind::TermsConditions => (
            j.terms_title,
            j.terms_intro,
            j.terms_accept,
            Step::Terms.path(),
        ),
        Kind::DataProcessing => (
            j.privacy_title,
            j.privacy_intro,
            j.privacy_accept,
            Step::Privacy.path(),
        ),
    };
    let (doc_title, paragraphs) = text.paragraphs();
    let paragraphs = paragraphs
        .into_iter()
        .map(|p| view! { <p>{p}</p> })
        .collect_view();
    let status = if error {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let error_view = error.then(|| view! { <p class="error" id="accept-error" role="alert">{Problem::MustAccept.text(j)}</p> });
    let accepted = accepted_at
        .map(|at| view! { <p class="note">{format!("{} {at} (UTC)", j.accepted_at)}</p> });
    render::page(
        lang,
        path,
        heading,
        status,
        None,
        view! {
            <Progress lang=lang current=0/>
            <h1>{heading}</h1>
            <p>{intro}</p>
            <section class="legal" aria-label=doc_title tabindex="0">
                <h2>{doc_title}</h2>
                {paragraphs}
            </section>
            {accepted}
            <form method="post" action=path>
                <Csrf token=token/>
                <input type="hidden" name="version" value=text.version()/>
                {error_view}
                <div class="field checkbox" class:invalid=error>
                    <input type="checkbox" id="accept" name="accept" value="yes"
                        aria-describedby=error.then_some("accept-error") aria-invalid=error.then_some("true")/>
                    <label for="accept">{accept}</label>
                </div>
                <div class="actions"><button type="submit" class="primary">{j.continue_}</button></div>
            </form>
        },
    )
}

async fn show(
    state: JourneyState,
    session: Session,
    lang: Lang,
    kind: Kind,
    step: Step,
) -> Response {
    let app = match guard(&state, &session, step).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let accepted = app.consent(kind.as_str()).map(|c| c.signed_at.clone());
    consent_page(lang, kind, csrf_token(&session).await, false, accepted)
}

pub async fn terms_page(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
) -> Response {
    show(state, session, lang, Kind::TermsConditions, Step::Terms).await
}

pub async fn privacy_page(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
) -> Response {
    show(state, session, lang, Kind::DataProcessing, Step::Privacy).await
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    accept: Option<String>,
    #[serde(default)]
    version: String,
}

/// `2019-01-01T00:00:00Z`: the UTC second of the acceptance, the form Solaris takes.
fn utc_now_seconds() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

async fn accept(
    state: JourneyState,
    session: Session,
    lang: Lang,
    kind: Kind,
    step: Step,
    form: AcceptForm,
) -> Response {
    let app = match guard(&state, &session, step).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let next = match kind {
        Kind::TermsConditions => Step::Privacy,
        Kind::DataProcessing => Step::Person,
    };
    if app.consent(kind.as_str()).is_some() {
        // Accepted before (back button, second click): the first acceptance stands.
        return Redirect::to(next.path()).into_response();
    }
    if form.accept.as_deref() != Some("yes") {
        return consent_page(lang, kind, csrf_token(&session).await, true, None);
    }
    // The text the customer saw: the version the form carried, if it is one of ours.
    let shown = [Lang::En, Lang::De]
        .into_iter()
        .map(|l| LegalText::get(kind, l))
        .find(|t| t.version() == form.version);
    let Some(shown) = shown else {
        return consent_page(lang, kind, csrf_token(&session).await, false, None);
    };
    let result = sqlx::query(
        "insert into consent (id, application_id, kind, version, text_sha256, language, signed_at, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (application_id, kind) do nothing",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(&app.id)
    .bind(kind.as_str())
    .bind(shown.version())
    .bind(shown.sha256())
    .bind(shown.lang.code())
    .bind(utc_now_seconds())
    .bind(wall_clock_ms())
    .execute(&state.db.writer)
    .await;
    match result {
        Ok(_) => {
            tracing::info!(application_id = %app.id, kind = kind.as_str(), version = %shown.version(), "consent recorded");
            Redirect::to(next.path()).into_response()
        }
        Err(e) => unavailable(e),
    }
}

pub async fn accept_terms(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
    Form(form): Form<AcceptForm>,
) -> Response {
    accept(
        state,
        session,
        lang,
        Kind::TermsConditions,
        Step::Terms,
        form,
    )
    .await
}

pub async fn accept_privacy(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
    Form(form): Form<AcceptForm>,
) -> Response {
    accept(
        state,
        session,
        lang,
        Kind::DataProcessing,
        Step::Privacy,
        form,
    )
    .await
}
