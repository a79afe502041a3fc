//! After the confirmation: preparing, documents, the checklist, the redirect to IDnow, the
//! return page that follows the status, a new identification after expiry, and completion.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Months;
use leptos::prelude::*;
use serde::Deserialize;
use tower_sessions::Session;

use super::application::{Application, DocumentChoice};
use super::fields::{
    country_options, owned, ErrorSummary, Errors, Problem, SelectField, TextField,
};
use super::{guard, load, unavailable, Csrf, JourneyState, Step};
use crate::db::wall_clock_ms;
use crate::domain::countries;
use crate::queue::{self, Progress as WorkProgress, WorkKind};
use crate::solaris::types::{FailureReason, ProofOfAddressType, SupportedDocument};
use crate::web::i18n::Lang;
use crate::web::render::{self, AutoRefresh, Progress};
use crate::web::security::csrf_token;

pub async fn preparing_page(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
    Query(auto): Query<AutoRefresh>,
) -> Response {
    let app = match guard(&state, &session, Step::Preparing).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let j = lang.j();
    let progress = match queue::progress(&state.db, &app.id).await {
        Ok(p) => p,
        Err(e) => return unavailable(e),
    };
    let text = match progress {
        WorkProgress::Working { retrying: true, .. } => j.preparing_slow,
        WorkProgress::Failed { .. } => j.failed_generic,
        _ => j.preparing_text,
    };
    let (done, total) = match progress {
        WorkProgress::Working { done, total, .. } => (done, total),
        _ => (0, 0),
    };
    render::page(
        lang,
        Step::Preparing.path(),
        j.preparing_title,
        StatusCode::OK,
        auto.every(3),
        view! {
            <Progress lang=lang current=2/>
            <h1>{j.preparing_title}</h1>
            <p role="status">{text}</p>
            {(total > 0).then(|| view! { <progress max=total.to_string() value=done.to_string()>{format!("{done}/{total}")}</progress> })}
            <p><a href=Step::Preparing.path()>{j.refresh_now}</a></p>
        },
    )
}

/// Documents with the bearer's address (guide appendix: "List of passports with address").
fn shows_address(kind: &str, country: &str) -> bool {
    const ID_CARDS: &[&str] = &[
        "HR", "CZ", "FR", "DE", "IT", "MT", "PL", "SG", "SK", "SI", "ES",
    ];
    const PASSPORTS: &[&str] = &["BG", "CN", "HR", "FR", "IN", "MA", "SI"];
    match kind {
        "National ID Card" => ID_CARDS.contains(&country),
        "Passport" => PASSPORTS.contains(&country),
        _ => false,
    }
}

fn document_label(lang: Lang, kind: &str) -> String {
    let j = lang.j();
    match kind {
        "Passport" => j.doc_passport.into(),
        "National ID Card" => j.doc_id_card.into(),
        "Residence Permit" => j.doc_residence_permit.into(),
        other => other.into(),
    }
}

fn poa_options(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let j = lang.j();
    ProofOfAddressType::ALL
        .iter()
        .map(|t| {
            let label = match t {
                ProofOfAddressType::BankAccountStatement => j.poa_bank_account_statement,
                ProofOfAddressType::CertificateOfRegistration => j.poa_certificate_of_registration,
                ProofOfAddressType::ElectricityBill => j.poa_electricity_bill,
                ProofOfAddressType::GasBill => j.poa_gas_bill,
                ProofOfAddressType::HeatingBill => j.poa_heating_bill,
                ProofOfAddressType::InternetBill => j.poa_internet_bill,
                ProofOfAddressType::TelephoneBill => j.poa_telephone_bill,
                ProofOfAddressType::WaterBill => j.poa_water_bill,
                ProofOfAddressType::Other(_) => "",
            };
            let value: &'static str = match t {
                ProofOfAddressType::BankAccountStatement => "BANK_ACCOUNT_STATEMENT",
                ProofOfAddressType::CertificateOfRegistration => "CERTIFICATE_OF_REGISTRATION",
                ProofOfAddressType::ElectricityBill => "ELECTRICITY_BILL",
                ProofOfAddressType::GasBill => "GAS_BILL",
                ProofOfAddressType::HeatingBill => "HEATING_BILL",
                ProofOfAddressType::InternetBill => "INTERNET_BILL",
                ProofOfAddressType::TelephoneBill => "TELEPHONE_BILL",
                ProofOfAddressType::WaterBill => "WATER_BILL",
                ProofOfAddressType::Other(_) => "",
            };
            (value, label)
        })
        .collect()
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    document_type: String,
    #[serde(default)]
    document_country: String,
    #[serde(default)]
    proof_of_address_type: String,
    #[serde(default)]
    proof_of_address_issued_at: String,
}

fn documents_view(
    lang: Lang,
    token: String,
    supported: &[SupportedDocument],
    form: DocumentForm,
    errors: Errors,
    ask_poa: bool,
) -> Response {
    let j = lang.j();
    let de = lang == Lang::De;
    let types: Vec<(String, String)> = supported
        .iter()
        .map(|d| (d.kind.clone(), document_label(lang, &d.kind)))
        .collect();
    let list = supported
        .iter()
        .map(|d| {
            let names: Vec<&str> = d.issuing_countries.iter().filter_map(|c| countries::name(c, de)).collect();
            view! { <li><strong>{document_label(lang, &d.kind)}</strong>": "{names.join(", ")}</li> }
        })
        .collect_view();
    let labels = vec![
        ("document_type", j.document_type),
        ("document_country", j.document_country),
        ("proof_of_address_type", j.poa_type),
        ("proof_of_address_issued_at", j.poa_issued_at),
    ];
    let status = errors.status();
    let path = Step::Documents.path();
    render::page(
        lang,
        path,
        j.documents_title,
        status,
        None,
        view! {
            <Progress lang=lang current=3/>
            <h1>{j.documents_title}</h1>
            <p>{j.documents_intro}</p>
            <ul class="documents">{list}</ul>
            <ErrorSummary lang=lang errors=errors.clone() labels=labels/>
            <form method="post" action=path novalidate=true>
                <Csrf token=token/>
                <SelectField lang=lang name="document_type" label=j.document_type options=types selected=form.document_type errors=errors.clone()/>
                <SelectField lang=lang name="document_country" label=j.document_country options=country_options(lang) selected=form.document_country errors=errors.clone()/>
                {ask_poa.then(|| view! {
                    <fieldset>
                        <legend>{j.poa_type}</legend>
                        <p class="hint-box">{j.poa_needed}" "{j.poa_hint}</p>
                        <SelectField lang=lang name="proof_of_address_type" label=j.poa_type options=owned(&poa_options(lang)) selected=form.proof_of_address_type.clone() errors=errors.clone()/>
                        <TextField lang=lang name="proof_of_address_issued_at" label=j.poa_issued_at value=form.proof_of_address_issued_at.clone() errors=errors.clone() kind="date"/>
                    </fieldset>
                })}
                <div class="actions"><button type="submit" class="primary">{j.continue_}</button></div>
            </form>
        },
    )
}

async fn supported(
    state: &JourneyState,
    app: &Application,
) -> Result<Vec<SupportedDocument>, Response> {
    let (Some(person), Some(ident)) = (&app.person_id, &app.identification_id) else {
        return Err(Redirect::to(Step::Preparing.path()).into_response());
    };
    state
        .client
        .supported_documents(person, ident)
        .await
        .map_err(|e| {
            tracing::warn!(application_id = %app.id, error = %e, "supported documents unavailable");
            unavailable(e)
        })
}

pub async fn documents_page(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
) -> Response {
    let app = match guard(&state, &session, Step::Documents).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let docs = match supported(&state, &app).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let form = DocumentForm {
        document_country: app
            .details
            .person
            .as_ref()
            .map(|p| p.nationality.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    documents_view(
        lang,
        csrf_token(&session).await,
        &docs,
        form,
        Errors::default(),
        false,
    )
}

pub async fn save_documents(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
    Form(form): Form<DocumentForm>,
) -> Response {
    let app = match guard(&state, &session, Step::Documents).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let docs = match supported(&state, &app).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let token = csrf_token(&session).await;
    let mut errors = Errors::default();
    if form.document_type.is_empty() {
        errors.add("document_type", Problem::Choose);
    }
    if form.document_country.is_empty() {
        errors.add("document_country", Problem::Choose);
    }
    if errors.is_empty()
        && !docs.iter().any(|d| {
            d.kind == form.document_type && d.issuing_countries.contains(&form.document_country)
        })
    {
        errors.add("document_country", Problem::NotSupported);
    }
    if !errors.is_empty() {
        return documents_view(lang, token, &docs, form, errors, false);
    }
    let needs_poa = !shows_address(&form.document_type, &form.document_country);
    let mut choice = DocumentChoice {
        kind: form.document_type.clone(),
        country: form.document_country.clone(),
        needs_proof_of_address: needs_poa,
        proof_of_address_type: None,
        proof_of_address_issued_at: None,
    };
    if needs_poa {
        if form.proof_of_address_type.is_empty() && form.proof_of_address_issued_at.is_empty() {
            // First answer: this document has no address, so ask for the proof of address.
            return documents_view(lang, token, &docs, form, Errors::default(), true);
        }
        if !poa_options(lang)
            .iter()
            .any(|(v, _)| *v == form.proof_of_address_type)
        {
            errors.add("proof_of_address_type", Problem::PoaNeeded);
        }
        let today = chrono::Utc::now().date_naive();
        match chrono::NaiveDate::parse_from_str(&form.proof_of_address_issued_at, "%Y-%m-%d") {
            Err(_) if form.proof_of_address_issued_at.is_empty() => {
                errors.add("proof_of_address_issued_at", Problem::Required)
            }
            Err(_) => errors.add("proof_of_address_issued_at", Problem::Date),
            Ok(d) if d > today => errors.add("proof_of_address_issued_at", Problem::Future),
            Ok(d) if d <= today - Months::new(6) => {
                errors.add("proof_of_address_issued_at", Problem::PoaOld)
            }
            Ok(_) => {}
        }
        if !errors.is_empty() {
            return documents_view(lang, token, &docs, form, errors, true);
        }
        choice.proof_of_address_type = Some(form.proof_of_address_type.clone());
        choice.proof_of_address_issued_at = Some(form.proof_of_address_issued_at.clone());
    }
    match save_choice(&state, &app, &choice).await {
        Ok(()) => Redirect::to(if needs_poa {
            Step::Preparing.path()
        } else {
            Step::Checklist.path()
        })
        .into_response(),
        Err(e) => unavailable(e),
    }
}

/// Saves the document; with a proof of address, the identification is created anew with it
/// (Solaris takes the proof of address only when an identification is created).
async fn save_choice(
    state: &JourneyState,
    app: &Application,
    choice: &DocumentChoice,
) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    let now = wall_clock_ms();
    sqlx::query("update application set document = $1, updated_at = $2 where id = $3")
        .bind(serde_json::to_string(choice).unwrap_or_default())
        .bind(now)
        .bind(&app.id)
        .execute(&mut *tx)
        .await?;
    if choice.needs_proof_of_address {
        let mut request = app
            .identification_request
            .clone()
            .ok_or(sqlx::Error::RowNotFound)?;
        request.proof_of_address_type = choice
            .proof_of_address_type
            .as_deref()
            .map(ProofOfAddressType::parse);
        request.proof_of_address_issued_at = choice.proof_of_address_issued_at.clone();
        sqlx::query(
            "update application set identification_request = $1, identification_id = null, \
             identification_status = null, identification_url = null, failure_reason = null, \
             updated_at = $2 where id = $3",
        )
        .bind(serde_json::to_string(&request).unwrap_or_default())
        .bind(now)
        .bind(&app.id)
        .execute(&mut *tx)
        .await?;
        queue::enqueue(&mut tx, &app.id, WorkKind::CreateIdentification).await?;
    }
    tx.commit().await?;
    state.work.notify_one();
    Ok(())
}

pub async fn checklist_page(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
) -> Response {
    let app = match guard(&state, &session, Step::Checklist).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let j = lang.j();
    let doc = app.document.clone().unwrap_or_default();
    let country = countries::name(&doc.country, lang == Lang::De).unwrap_or_default();
    let poa = doc.proof_of_address_type.as_deref().map(|t| {
        let label = poa_options(lang)
            .into_iter()
            .find(|(v, _)| *v == t)
            .map(|(_, l)| l)
            .unwrap_or(t);
        view! { <li>{j.check_poa}" "{label.to_string()}</li> }
    });
    let token = csrf_token(&session).await;
    render::page(
        lang,
        Step::Checklist.path(),
        j.checklist_title,
        StatusCode::OK,
        None,
        view! {
            <Progress lang=lang current=3/>
            <h1>{j.checklist_title}</h1>
            <p>{j.checklist_intro}</p>
            <ul class="checklist">
                <li>{j.check_document}" "{document_label(lang, &doc.kind)}" ("{country}")"</li>
                {poa}
                <li>{j.check_phone}</li>
                <li>{j.check_camera}</li>
                <li>{j.check_place}</li>
                <li>{j.check_language}</li>
            </ul>
            <form method="post" action=Step::Checklist.path()>
                <Csrf token=token/>
                <div class="actions">
                    <button type="submit" class="primary">{j.checklist_ready}</button>
                    <a href=Step::Documents.path() class="secondary">{j.back}</a>
                </div>
            </form>
        },
    )
}

pub async fn checklist_done(State(state): State<JourneyState>, session: Session) -> Response {
    let app = match guard(&state, &session, Step::Checklist).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let done =
        sqlx::query("update application set checklist_done_at = $1, updated_at = $1 where id = $2")
            .bind(wall_clock_ms())
            .bind(&app.id)
            .execute(&state.db.writer)
            .await;
    match done {
        Ok(_) => Redirect::to(Step::Redirect.path()).into_response(),
        Err(e) => unavailable(e),
    }
}

fn redirect_view(lang: Lang, token: String, unavailable_now: bool) -> Response {
    let j = lang.j();
    let status = if unavailable_now {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    render::page(
        lang,
        Step::Redirect.path(),
        j.redirect_title,
        status,
        None,
        view! {
            <Progress lang=lang current=4/>
            <h1>{j.redirect_title}</h1>
            {unavailable_now.then(|| view! { <p class="error" role="alert">{j.redirect_unavailable}</p> })}
            <p>{j.redirect_text}</p>
            <form method="post" action=Step::Redirect.path()>
                <Csrf token=token/>
                <div class="actions"><button type="submit" class="primary">{j.redirect_button}</button></div>
            </form>
        },
    )
}

pub async fn redirect_page(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
) -> Response {
    if let Err(r) = guard(&state, &session, Step::Redirect).await {
        return r;
    }
    redirect_view(lang, csrf_token(&session).await, false)
}

/// The button to IDnow: requests the identification (first time) and sends the browser to
/// its URL with a 303. A retry after an abort or a cancel goes to the same URL.
pub async fn go_to_idnow(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
) -> Response {
    let app = match load(&state, &session).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let current = match app.current_step(&state.db).await {
        Ok(s) => s,
        Err(e) => return unavailable(e),
    };
    let retryable = matches!(
        app.identification_status.as_deref(),
        Some("pending" | "aborted" | "canceled")
    );
    match (current, &app.identification_url) {
        (Step::Status, Some(url)) if retryable => return Redirect::to(url).into_response(),
        (Step::Redirect, _) => {}
        _ => return Redirect::to(current.path()).into_response(),
    }
    let (Some(person), Some(ident)) = (&app.person_id, &app.identification_id) else {
        return Redirect::to(Step::Preparing.path()).into_response();
    };
    match state.client.request_identification(person, ident).await {
        Ok(requested) => {
            let Some(url) = requested.url.clone() else {
                tracing::error!(application_id = %app.id, "Solaris answered request without a url");
                return redirect_view(lang, csrf_token(&session).await, true);
            };
            let stored = sqlx::query(
                "update application set identification_status = $1, identification_url = $2, \
                 failure_reason = null, updated_at = $3 where id = $4",
            )
            .bind(requested.status.as_str())
            .bind(&url)
            .bind(wall_clock_ms())
            .bind(&app.id)
            .execute(&state.db.writer)
            .await;
            if let Err(e) = stored {
                return unavailable(e);
            }
            tracing::info!(application_id = %app.id, "customer sent to IDnow");
            Redirect::to(&url).into_response()
        }
        Err(e) => {
            tracing::warn!(application_id = %app.id, error = %e, "identification request failed");
            redirect_view(lang, csrf_token(&session).await, true)
        }
    }
}

#[derive(Deserialize)]
pub struct ReturnQuery {
    transaction_number: Option<String>,
}

fn reason_view(lang: Lang, reason: Option<&str>) -> impl IntoView {
    let j = lang.j();
    let info = reason.and_then(|r| FailureReason(r.to_string()).info());
    let explained = reason.map(|code| crate::web::reasons::explain(code, lang));
    let cause = info.map(|i| {
        if i.caused_by_user == Some(false) {
            j.reason_not_you
        } else {
            j.reason_you_can_fix
        }
    });
    explained.map(|text| {
        view! {
            <div class="reason">
                <h2>{j.reason_title}</h2>
                <p>{cause.map(|c| view! { <span>{c}" "</span> })}{text}</p>
            </div>
        }
    })
}

/// The return page: finds the application from the session (the transaction number in the URL
/// is only a hint), shows the status in plain words, and keeps it current.
pub async fn status_page(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
    Query(query): Query<ReturnQuery>,
    Query(auto): Query<AutoRefresh>,
) -> Response {
    let j = lang.j();
    let path = Step::Status.path();
    let app = match load(&state, &session).await {
        Ok(a) => a,
        Err(_) => {
            return render::page(
                lang,
                path,
                j.no_application_title,
                StatusCode::OK,
                None,
                view! {
                    <h1>{j.no_application_title}</h1>
                    <p>{j.no_application_text}</p>
                    <p><a href="/">{j.start_again}</a></p>
                },
            )
        }
    };
    if let (Some(hint), Some(id)) = (&query.transaction_number, &app.identification_id) {
        if hint != id {
            tracing::warn!(application_id = %app.id, "return with a transaction number of another identification; ignored");
        }
    }
    let current = match app.current_step(&state.db).await {
        Ok(s) => s,
        Err(e) => return unavailable(e),
    };
    if current < Step::Redirect {
        return Redirect::to(current.path()).into_response();
    }
    let status = app
        .identification_status
        .clone()
        .unwrap_or_else(|| "created".into());
    // The status is kept current by webhooks and reconciliation, never by this page: serving a
    // waiting customer costs no Solaris call and no write.
    let settled = matches!(status.as_str(), "failed" | "expired" | "successful");
    let reason = app.failure_reason.as_deref();
    let permanent = reason
        .and_then(|r| FailureReason(r.to_string()).info())
        .is_some_and(|i| i.permanent);
    // Guide appendix II, case 3: a review canceled an identification Solaris had completed.
    let was_successful = status == "canceled" && app.identification_completed_at.is_some();
    let token = csrf_token(&session).await;
    let retry_form = |label: &'static str, action: &'static str| {
        let token = token.clone();
        view! {
            <form method="post" action=action>
                <Csrf token=token/>
                <div class="actions"><button type="submit" class="primary">{label}</button></div>
            </form>
        }
    };
    let body = match status.as_str() {
        "created" => view! { <p role="status">{j.st_created}</p>{retry_form(j.redirect_button, Step::Redirect.path())} }.into_any(),
        "pending" | "pending_successful" => view! { <p role="status">{j.st_pending}</p>{retry_form(j.st_retry_button, Step::Redirect.path())} }.into_any(),
        "pending_failed" => view! { <p role="status">{j.st_pending_failed}</p> }.into_any(),
        "successful" => view! {
            <p role="status">{j.st_successful}</p>
            <p><a class="button primary" href=Step::Complete.path()>{j.st_continue}</a></p>
        }
        .into_any(),
        "aborted" | "canceled" => {
            let headline = match (status.as_str(), was_successful) {
                ("canceled", true) => j.st_canceled_after_success,
                ("canceled", false) => j.st_canceled,
                _ => j.st_aborted,
            };
            view! {
                <p role="status">{headline}</p>
                {reason_view(lang, reason)}
                {if permanent {
                    view! { <p>{j.st_permanent}</p> }.into_any()
                } else {
                    view! { <p>{j.st_retry}</p>{retry_form(j.st_retry_button, Step::Redirect.path())} }.into_any()
                }}
            }
            .into_any()
        }
        "expired" => view! { <p role="status">{j.st_expired}</p>{retry_form(j.st_expired_button, "/identification/new")} }.into_any(),
        "failed" => view! { <p role="status">{j.st_failed}</p> }.into_any(),
        _ => view! { <p role="status">{j.st_other}</p> }.into_any(),
    };
    let refresh_secs = if settled { None } else { auto.every(10) };
    render::page(
        lang,
        path,
        j.status_title,
        StatusCode::OK,
        refresh_secs,
        view! {
            <Progress lang=lang current=4/>
            <h1>{j.status_title}</h1>
            <div class="status" data-status=status.clone()>{body}</div>
        {(!settled).then(|| view! { <script src="/public/status.js" defer=true></script> })}
        },
    )
}

/// After expiry: a new identification with the same data, nothing to type again.
pub async fn new_identification(State(state): State<JourneyState>, session: Session) -> Response {
    let app = match load(&state, &session).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if app.identification_status.as_deref() != Some("expired") {
        return Redirect::to(Step::Status.path()).into_response();
    }
    let result = async {
        let mut tx = state.db.begin_write().await?;
        let reset = sqlx::query(
            "update application set identification_id = null, identification_status = null, \
             identification_url = null, failure_reason = null, updated_at = $1 \
             where id = $2 and identification_status = 'expired'",
        )
        .bind(wall_clock_ms())
        .bind(&app.id)
        .execute(&mut *tx)
        .await?;
        if reset.rows_affected() == 1 {
            queue::enqueue(&mut tx, &app.id, WorkKind::CreateIdentification).await?;
        }
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => {
            state.work.notify_one();
            Redirect::to(Step::Preparing.path()).into_response()
        }
        Err(e) => unavailable(e),
    }
}

/// The sign-up is complete; the data as Solaris holds it now (IDnow may have corrected it).
pub async fn complete_page(
    State(state): State<JourneyState>,
    session: Session,
    Extension(lang): Extension<Lang>,
    Query(auto): Query<AutoRefresh>,
) -> Response {
    let app = match guard(&state, &session, Step::Complete).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let j = lang.j();
    let de = lang == Lang::De;
    let synced = app.solaris_person.clone().filter(|_| app.person_synced);
    let body = match synced {
        Some(p) => {
            let address = p.address.clone().unwrap_or_default();
            let rows: Vec<(&'static str, String)> = vec![
                (j.first_name, p.first_name.clone().unwrap_or_default()),
                (j.last_name, p.last_name.clone().unwrap_or_default()),
                (j.birth_date, p.birth_date.clone().unwrap_or_default()),
                (j.birth_city, p.birth_city.clone().unwrap_or_default()),
                (
                    j.nationality,
                    p.nationality
                        .as_deref()
                        .and_then(|c| countries::name(c, de))
                        .unwrap_or_default()
                        .to_string(),
                ),
                (
                    j.address_line_1,
                    format!(
                        "{} {}",
                        address.line_1.unwrap_or_default(),
                        address.line_2.unwrap_or_default()
                    ),
                ),
                (
                    j.postal_code,
                    format!(
                        "{} {}",
                        address.postal_code.unwrap_or_default(),
                        address.city.unwrap_or_default()
                    ),
                ),
            ];
            let rows = rows
                .into_iter()
                .map(|(l, v)| view! { <div class="summary-row"><dt>{l}</dt><dd>{v}</dd></div> })
                .collect_view();
            view! { <p>{j.complete_text}</p><dl class="summary person-data">{rows}</dl> }.into_any()
        }
        None => view! { <p role="status">{j.complete_loading}</p> }.into_any(),
    };
    let waiting = !app.person_synced;
    render::page(
        lang,
        Step::Complete.path(),
        j.complete_title,
        StatusCode::OK,
        if waiting { auto.every(3) } else { None },
        view! {
            <Progress lang=lang current=5/>
            <h1>{j.complete_title}</h1>
            {body}
        },
    )
}
