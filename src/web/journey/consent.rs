//! The legal and compliance screens: Solaris' Terms and Conditions, then the data-processing
//! terms, each accepted on its own, with the UTC time of acceptance and the exact text version.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use super::form::Problem;
use super::page::{at, Csrf, Journey, Page, PageForm, PageResult};
use super::paths::StepPath;
use crate::db::applications::{self, NewConsent};
use crate::domain::ConsentKind as Kind;
use crate::domain::Step;
use crate::i18n::Lang;
use crate::web::legal_text::LegalText;
use crate::web::render::{self, Progress};

fn consent_page(
    lang: Lang,
    kind: Kind,
    token: String,
    error: bool,
    accepted_at: Option<String>,
) -> Response {
    let j = lang.t();
    let text = LegalText::get(kind, lang);
    let step = match kind {
        Kind::TermsConditions => Step::Terms,
        Kind::DataProcessing => Step::Privacy,
    };
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
        .map(|at| view! { <p class="note">{format!("{} {}", j.accepted_at, crate::i18n::dates::moment_text(lang, &at))}</p> });
    render::page(
        lang,
        path,
        heading,
        status,
        None,
        view! {
            <Progress lang=lang step=step/>
            <h1>{heading}</h1>
            <p>{intro}</p>
            <section class="legal" aria-label=doc_title tabindex="0">
                <h2>{doc_title}</h2>
                {paragraphs}
            </section>
            <p class="note"><a href=crate::web::legal_text::download_path(kind, lang) download="">{format!("{} ({} {})", j.download_text, j.version, text.short_version())}</a></p>
            {accepted}
            <form method="post" action=path>
                <Csrf token=token/>
                <input type="hidden" name="version" value=text.version()/>
                {error_view}
                <div class="field checkbox" class:invalid=error>
                    // Refused, the focus lands on the box to tick, which names its error.
                    <input type="checkbox" id="accept" name="accept" value="yes" autofocus=error
                        aria-describedby=error.then_some("accept-error") aria-invalid=error.then_some("true")/>
                    <label for="accept">{accept}</label>
                </div>
                <div class="actions"><button type="submit" class="primary">{j.continue_}</button></div>
            </form>
        },
    )
}

fn show<P: Page>(j: Journey<P>, kind: Kind) -> Response {
    let accepted = j.app.consent(kind).map(|c| c.signed_at.clone());
    consent_page(j.lang, kind, j.csrf, false, accepted)
}

pub(crate) async fn terms_page(j: Journey<at::Terms>) -> Response {
    show(j, Kind::TermsConditions)
}

pub(crate) async fn privacy_page(j: Journey<at::Privacy>) -> Response {
    show(j, Kind::DataProcessing)
}

#[derive(Deserialize)]
pub(crate) struct AcceptForm {
    #[serde(default)]
    accept: Option<String>,
    #[serde(default)]
    version: String,
}

/// `2019-01-01T00:00:00Z`: the UTC second of the acceptance, the form Solaris takes.
fn utc_seconds(clock: &crate::clock::Clock) -> String {
    clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

async fn accept<P: Page>(j: Journey<P>, kind: Kind, form: AcceptForm) -> PageResult {
    let next = match kind {
        Kind::TermsConditions => Step::Privacy,
        Kind::DataProcessing => Step::Person,
    };
    if j.app.consent(kind).is_some() {
        // Accepted before (back button, second click): the first acceptance stands.
        return Ok(Redirect::to(next.path()).into_response());
    }
    if form.accept.as_deref() != Some("yes") {
        return Ok(consent_page(j.lang, kind, j.csrf, true, None));
    }
    // The text the customer saw: the version the form carried, if it is one of ours.
    let shown = [Lang::En, Lang::De]
        .into_iter()
        .map(|l| LegalText::get(kind, l))
        .find(|t| t.version() == form.version);
    let Some(shown) = shown else {
        return Ok(consent_page(j.lang, kind, j.csrf, false, None));
    };
    let consent = NewConsent {
        kind,
        version: &shown.version(),
        text_sha256: &shown.sha256(),
        language: shown.lang.code(),
        signed_at: &utc_seconds(&j.state.db.clock),
        text: shown.text,
    };
    applications::record_consent(&j.state.db, &j.app.id, &consent).await?;
    if kind == Kind::DataProcessing {
        crate::monitoring::reached(crate::monitoring::Funnel::Consented, j.lang.code());
    }
    tracing::info!(application_id = %j.app.id, kind = kind.as_str(), version = %consent.version, "consent recorded");
    Ok(Redirect::to(next.path()).into_response())
}

pub(crate) async fn accept_terms(
    j: Journey<at::Terms>,
    PageForm(form): PageForm<AcceptForm>,
) -> PageResult {
    accept(j, Kind::TermsConditions, form).await
}

pub(crate) async fn accept_privacy(
    j: Journey<at::Privacy>,
    PageForm(form): PageForm<AcceptForm>,
) -> PageResult {
    accept(j, Kind::DataProcessing, form).await
}
