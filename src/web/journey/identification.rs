//! After the confirmation: preparing, documents, the checklist, the redirect to IDnow, the
//! return page that follows the status, a new identification after expiry, and completion.

use std::time::Duration;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Months;
use leptos::prelude::*;
use serde::Deserialize;

use super::fields::{
    country_name, country_options, owned, ErrorSummary, Errors, Input, Problem, RawForm,
    SelectField, TextField,
};
use super::{at, resume, Csrf, Journey, PageError, PageForm, PageResult, Step, Visit};
use crate::db::applications;
use crate::db::work::{self, Progress as WorkProgress};
use crate::domain::address_documents::{self, AddressDocument};
use crate::domain::application::DocumentChoice;
use crate::domain::{
    FailureReason, IdentificationStatus as Status, ProofOfAddressType, SupportedDocument,
};
use crate::i18n::Lang;
use crate::web::render::{self, AutoRefresh, ContactLine, Progress};

pub async fn preparing_page(
    journey: Journey<at::Preparing>,
    Query(auto): Query<AutoRefresh>,
) -> PageResult {
    let lang = journey.lang;
    let j = lang.t();
    let progress = work::progress(&journey.state.db, &journey.app.id).await?;
    let text = match progress {
        WorkProgress::Working { retrying: true, .. } => j.preparing_slow,
        WorkProgress::Failed { .. } => j.failed_generic,
        _ => j.preparing_text,
    };
    let (done, total) = match progress {
        WorkProgress::Working { done, total, .. } => (done, total),
        _ => (0, 0),
    };
    Ok(render::page(
        lang,
        Step::Preparing.path(),
        j.preparing_title,
        StatusCode::OK,
        auto.every(3),
        view! {
            <Progress lang=lang current=2/>
            <h1>{j.preparing_title}</h1>
            <p role="status">{text}</p>
            {matches!(progress, WorkProgress::Failed { .. }).then(|| view! { <ContactLine lang=lang/> })}
            {(total > 0).then(|| view! { <progress max=total.to_string() value=done.to_string()>{format!("{done}/{total}")}</progress> })}
            <p><a href=Step::Preparing.path()>{j.refresh_now}</a></p>
        },
    ))
}

fn document_label(lang: Lang, kind: &str) -> String {
    let j = lang.t();
    match kind {
        "Passport" => j.doc_passport.into(),
        "National ID Card" => j.doc_id_card.into(),
        "Residence Permit" => j.doc_residence_permit.into(),
        other => other.into(),
    }
}

fn poa_options(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let j = lang.t();
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

/// The inputs of the documents page.
mod input {
    use super::Input;

    pub const DOCUMENT_TYPE: Input = Input {
        name: "document_type",
        label: |t| t.document_type,
    };
    pub const DOCUMENT_COUNTRY: Input = Input {
        name: "document_country",
        label: |t| t.document_country,
    };
    pub const DOCUMENT_VERSION: Input = Input {
        name: "document_version",
        label: |t| t.document_version,
    };
    pub const POA_TYPE: Input = Input {
        name: "proof_of_address_type",
        label: |t| t.poa_type,
    };
    pub const POA_ISSUED_AT: Input = Input {
        name: "proof_of_address_issued_at",
        label: |t| t.poa_issued_at,
    };
}
use input::*;

/// The document types the guide names, offered when Solaris could not list the supported ones.
const GUIDE_DOCUMENT_TYPES: &[&str] = &[address_documents::PASSPORT, address_documents::ID_CARD];

/// IDnow's own list of accepted documents, which the guide points to.
const IDNOW_DOCUMENTS: &str = "https://go.idnow.de/bafin2017/documents";

/// What the documents page offers: the list Solaris gave for the identification, or (when it
/// could not say) the guide's document types from any country.
enum Accepted<'a> {
    Listed(&'a [SupportedDocument]),
    Unlisted,
}

impl Accepted<'_> {
    fn of(app: &crate::domain::Application) -> Accepted<'_> {
        match app.supported_documents.as_deref() {
            Some(list) if !list.is_empty() => Accepted::Listed(list),
            _ => Accepted::Unlisted,
        }
    }

    fn types(&self, lang: Lang) -> Vec<(String, String)> {
        match self {
            Accepted::Listed(list) => list
                .iter()
                .map(|d| (d.kind.clone(), document_label(lang, &d.kind)))
                .collect(),
            Accepted::Unlisted => GUIDE_DOCUMENT_TYPES
                .iter()
                .map(|k| (k.to_string(), document_label(lang, k)))
                .collect(),
        }
    }

    fn accepts(&self, kind: &str, country: &str) -> bool {
        match self {
            Accepted::Listed(list) => list
                .iter()
                .any(|d| d.kind == kind && d.issuing_countries.iter().any(|c| c == country)),
            Accepted::Unlisted => {
                GUIDE_DOCUMENT_TYPES.contains(&kind)
                    && crate::domain::countries::is_country(country)
            }
        }
    }
}

/// The value of the version select for a version the guide does not list.
const OTHER_VERSION: &str = "other";

/// What the documents page asks besides the document: its version (when its kind and country
/// have versions that show the address), and a proof of address.
#[derive(Default)]
struct Ask {
    versions: Vec<&'static AddressDocument>,
    proof_of_address: bool,
}

fn documents_view(
    lang: Lang,
    token: String,
    accepted: &Accepted,
    form: RawForm,
    errors: Errors,
    ask: Ask,
) -> Response {
    let j = lang.t();
    let ask_poa = ask.proof_of_address;
    let version_field = (!ask.versions.is_empty()).then(|| {
        let options: Vec<(String, String)> = ask
            .versions
            .iter()
            .map(|d| (d.code.to_string(), d.code.to_string()))
            .chain([(OTHER_VERSION.to_string(), j.document_version_other.to_string())])
            .collect();
        let links = ask
            .versions
            .iter()
            .map(|d| view! { <li><a href=address_documents::register_url(d.code)>{d.code}</a></li> })
            .collect_view();
        view! {
            <p class="hint-box">{j.document_version_hint}</p>
            <ul class="documents">{links}</ul>
            <SelectField lang=lang input=DOCUMENT_VERSION options=options selected=form.get(DOCUMENT_VERSION) errors=errors.clone()/>
        }
    });
    let types = accepted.types(lang);
    let list = match accepted {
        Accepted::Listed(list) => {
            let items = list
                .iter()
                .map(|d| {
                    let names: Vec<String> =
                        d.issuing_countries.iter().map(|c| country_name(lang, c)).collect();
                    view! { <li><strong>{document_label(lang, &d.kind)}</strong>": "{names.join(", ")}</li> }
                })
                .collect_view();
            view! { <p>{j.documents_intro}</p><ul class="documents">{items}</ul> }.into_any()
        }
        Accepted::Unlisted => view! {
            <p>{j.documents_unlisted}" "<a href=IDNOW_DOCUMENTS>{j.documents_idnow_list}</a></p>
        }
        .into_any(),
    };
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
            {list}
            <p><a href="/documents/none">{j.no_document_link}</a></p>
            <ErrorSummary lang=lang errors=errors.clone()/>
            <form method="post" action=path novalidate=true>
                <Csrf token=token/>
                <SelectField lang=lang input=DOCUMENT_TYPE options=types selected=form.get(DOCUMENT_TYPE) errors=errors.clone()/>
                <SelectField lang=lang input=DOCUMENT_COUNTRY options=country_options(lang) selected=form.get(DOCUMENT_COUNTRY) errors=errors.clone()/>
                {version_field}
                {ask_poa.then(|| view! {
                    <fieldset>
                        <legend>{j.poa_type}</legend>
                        <p class="hint-box">{j.poa_needed}" "{j.poa_hint}</p>
                        <SelectField lang=lang input=POA_TYPE options=owned(&poa_options(lang)) selected=form.get(POA_TYPE) errors=errors.clone()/>
                        <TextField lang=lang input=POA_ISSUED_AT value=form.get(POA_ISSUED_AT) errors=errors.clone() kind="date"/>
                    </fieldset>
                })}
                <div class="actions"><button type="submit" class="primary">{j.continue_}</button></div>
            </form>
        },
    )
}

/// `GET /documents/none`: the customer has no document IDnow accepts; the bank's other route
/// (`ALTERNATIVE_KYC_URL`), or what to do without one.
pub async fn no_document_page(j: Journey<at::Documents>) -> Response {
    let lang = j.lang;
    let t = lang.t();
    let way = match j.state.alternative_kyc_url.clone() {
        Some(url) => view! {
            <p>{t.no_document_alternative}" "<a href=url>{t.no_document_alternative_link}</a></p>
        }
        .into_any(),
        None => view! { <p>{t.no_document_contact}</p><ContactLine lang=lang/> }.into_any(),
    };
    render::page(
        lang,
        "/documents/none",
        t.no_document_title,
        StatusCode::OK,
        None,
        view! {
            <Progress lang=lang current=3/>
            <h1>{t.no_document_title}</h1>
            <p>{t.no_document_text}</p>
            {way}
            <p><a href=Step::Documents.path()>{t.back}</a></p>
        },
    )
}

/// The documents page reads no Solaris: the work queue read the list once, when it created
/// the identification.
pub async fn documents_page(j: Journey<at::Documents>) -> Response {
    let nationality = j.app.details.person.as_ref().map(|p| p.nationality.clone());
    let form = RawForm::with([(DOCUMENT_COUNTRY, nationality.unwrap_or_default())]);
    documents_view(
        j.lang,
        j.csrf,
        &Accepted::of(&j.app),
        form,
        Errors::default(),
        Ask::default(),
    )
}

pub async fn save_documents(
    journey: Journey<at::Documents>,
    PageForm(form): PageForm<RawForm>,
) -> PageResult {
    let Journey {
        lang,
        csrf: token,
        app,
        state,
        ..
    } = journey;
    let accepted = Accepted::of(&app);
    let mut errors = Errors::default();
    let kind = form.get(DOCUMENT_TYPE).to_string();
    let country = form.get(DOCUMENT_COUNTRY).to_string();
    if kind.is_empty() {
        errors.add(DOCUMENT_TYPE, Problem::Choose);
    }
    if country.is_empty() {
        errors.add(DOCUMENT_COUNTRY, Problem::Choose);
    }
    if errors.is_empty() && !accepted.accepts(&kind, &country) {
        errors.add(DOCUMENT_COUNTRY, Problem::NotSupported);
    }
    if !errors.is_empty() {
        return Ok(documents_view(
            lang,
            token,
            &accepted,
            form,
            errors,
            Ask::default(),
        ));
    }
    // The guide lists the versions that show the address; the customer says which one theirs is.
    let versions = address_documents::versions(&kind, &country);
    let version = form.get(DOCUMENT_VERSION).trim().to_string();
    let known_version = versions.iter().any(|d| d.code == version);
    if !versions.is_empty() && !known_version && version != OTHER_VERSION {
        if !version.is_empty() {
            errors.add(DOCUMENT_VERSION, Problem::Choose);
        }
        let ask = Ask {
            versions,
            proof_of_address: false,
        };
        return Ok(documents_view(lang, token, &accepted, form, errors, ask));
    }
    let needs_poa = !address_documents::shows_address(&kind, &country, &version);
    let mut choice = DocumentChoice {
        version: known_version.then(|| version.clone()),
        kind,
        country,
        needs_proof_of_address: needs_poa,
        proof_of_address_type: None,
        proof_of_address_issued_at: None,
    };
    if needs_poa {
        let (poa_type, issued_at) = (form.get(POA_TYPE), form.get(POA_ISSUED_AT).trim());
        if poa_type.is_empty() && issued_at.is_empty() {
            // First answer: this document has no address, so ask for the proof of address.
            let ask = Ask {
                versions,
                proof_of_address: true,
            };
            return Ok(documents_view(
                lang,
                token,
                &accepted,
                form,
                Errors::default(),
                ask,
            ));
        }
        let poa_type = errors.check(
            POA_TYPE,
            match ProofOfAddressType::parse(poa_type) {
                ProofOfAddressType::Other(_) => Err(Problem::PoaNeeded),
                known => Ok(known),
            },
        );
        let today = chrono::Utc::now().date_naive();
        let issued_at = errors.check(
            POA_ISSUED_AT,
            match chrono::NaiveDate::parse_from_str(issued_at, "%Y-%m-%d") {
                Err(_) if issued_at.is_empty() => Err(Problem::Required),
                Err(_) => Err(Problem::Date),
                Ok(d) if d > today => Err(Problem::Future),
                Ok(d) if d <= today - Months::new(6) => Err(Problem::PoaOld),
                Ok(d) => Ok(d),
            },
        );
        if !errors.is_empty() {
            let ask = Ask {
                versions,
                proof_of_address: true,
            };
            return Ok(documents_view(lang, token, &accepted, form, errors, ask));
        }
        choice.proof_of_address_type = poa_type.map(|t| t.as_str().to_string());
        choice.proof_of_address_issued_at = issued_at.map(|d| d.format("%Y-%m-%d").to_string());
    }
    // With a proof of address, the identification is created anew with it (Solaris takes the
    // proof of address only when an identification is created).
    let new_request = if needs_poa {
        let mut request = app.identification_request.clone().ok_or_else(|| {
            PageError::Unavailable(
                "a submitted application without its identification request".into(),
            )
        })?;
        request.proof_of_address_type = choice
            .proof_of_address_type
            .as_deref()
            .map(ProofOfAddressType::parse);
        request.proof_of_address_issued_at = choice.proof_of_address_issued_at.clone();
        Some(request)
    } else {
        None
    };
    applications::choose_document(&state.db, &app.id, &choice, new_request.as_ref()).await?;
    if app.document.is_none() {
        crate::monitoring::reached(crate::monitoring::Step::DocumentChosen, lang.code());
    }
    state.work.notify_one();
    Ok(Redirect::to(if needs_poa {
        Step::Preparing.path()
    } else {
        Step::Checklist.path()
    })
    .into_response())
}

pub async fn checklist_page(
    journey: Journey<at::Checklist>,
    Query(mailed): resume::MailedQuery,
) -> PageResult {
    let lang = journey.lang;
    let link = resume::device_link(&journey.state, &journey.app).await?;
    let status = journey.app.status();
    let j = lang.t();
    let doc = journey.app.document.clone().unwrap_or_default();
    let country = country_name(lang, &doc.country);
    let poa = doc.proof_of_address_type.as_deref().map(|t| {
        let label = poa_options(lang)
            .into_iter()
            .find(|(v, _)| *v == t)
            .map(|(_, l)| l)
            .unwrap_or(t);
        view! { <li>{j.check_poa}" "{label.to_string()}</li> }
    });
    let token = journey.csrf;
    Ok(render::page(
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
                <Csrf token=token.clone()/>
                <div class="actions">
                    <button type="submit" class="primary">{j.checklist_ready}</button>
                    <a href=Step::Documents.path() class="secondary">{j.back}</a>
                </div>
            </form>
            {resume::elsewhere_view(lang, link, token.clone(), mailed.state(), status.as_str())}
        },
    ))
}

pub async fn checklist_done(j: Journey<at::Checklist>) -> PageResult {
    applications::checklist_done(&j.state.db, &j.app.id).await?;
    Ok(Redirect::to(Step::Redirect.path()).into_response())
}

fn redirect_view(
    lang: Lang,
    token: String,
    unavailable_now: bool,
    elsewhere: Option<(String, resume::DeviceMail, String)>,
) -> Response {
    let j = lang.t();
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
                <Csrf token=token.clone()/>
                <div class="actions"><button type="submit" class="primary">{j.redirect_button}</button></div>
            </form>
            {elsewhere.map(|(link, mailed, status)| resume::elsewhere_view(lang, link, token, mailed, &status))}
        },
    )
}

pub async fn redirect_page(
    j: Journey<at::Redirect>,
    Query(mailed): resume::MailedQuery,
) -> PageResult {
    let link = resume::device_link(&j.state, &j.app).await?;
    let status = j.app.status().as_str().to_string();
    Ok(redirect_view(
        j.lang,
        j.csrf,
        false,
        Some((link, mailed.state(), status)),
    ))
}

/// How long the button's answer waits for the queue to get the IDnow link from Solaris; after
/// that the page asks the customer to try again (the request goes on, and the next click finds
/// its link).
const REQUEST_WAIT: Duration = Duration::from_secs(10);
/// How often the button's answer looks whether the request is done.
const REQUEST_POLL: Duration = Duration::from_millis(25);

/// The button to IDnow: the first time, queues the request that starts the identification
/// (the queue asks Solaris, never the page), waits for its link and sends the browser there
/// with a 303. A retry after an abort or a cancel goes to the same link.
pub async fn go_to_idnow(journey: Journey<at::AnyStep>) -> PageResult {
    let Journey {
        app,
        lang,
        csrf,
        state,
        ..
    } = journey;
    let current = app.current_step(&state.db).await?;
    match (current, &app.identification_url) {
        (Step::Status, Some(url)) if app.status().allows_retry() => {
            return Ok(Redirect::to(url).into_response())
        }
        (Step::Redirect, _) => {}
        _ => return Ok(Redirect::to(current.path()).into_response()),
    }
    if app.person_id.is_none() || app.identification_id.is_none() {
        return Ok(Redirect::to(Step::Preparing.path()).into_response());
    }
    let item = work::request_identification(&state.db, &app.id).await?;
    state.work.notify_one();
    let deadline = tokio::time::Instant::now() + REQUEST_WAIT;
    loop {
        tokio::time::sleep(REQUEST_POLL).await;
        match work::state_of(&state.db, &item).await? {
            Some(work::WorkState::Done) => break,
            Some(work::WorkState::Pending) if tokio::time::Instant::now() < deadline => {}
            Some(work::WorkState::Pending) => {
                tracing::warn!(application_id = %app.id, code = "identification_request_slow", "Solaris has not answered the identification request yet; the customer is asked to try again");
                return Ok(redirect_view(lang, csrf, true, None));
            }
            _ => {
                tracing::warn!(application_id = %app.id, code = "identification_request_failed", "the identification request failed; the customer is asked to try again");
                return Ok(redirect_view(lang, csrf, true, None));
            }
        }
    }
    let Some(app) = applications::load(&state.db, &app.id).await? else {
        return Ok(Redirect::to("/").into_response());
    };
    match (&app.identification_url, app.status().allows_retry()) {
        (Some(url), true) => Ok(Redirect::to(url).into_response()),
        _ => Ok(Redirect::to(app.current_step(&state.db).await?.path()).into_response()),
    }
}

#[derive(Deserialize)]
pub struct ReturnQuery {
    transaction_number: Option<String>,
}

/// The failure reason as the guide's columns allow: what happened; "not caused by you" when
/// the customer did not cause it; what to do when they did and another attempt can solve it;
/// neutral when the guide does not say ("-").
fn reason_view(lang: Lang, reason: Option<&str>) -> impl IntoView {
    let j = lang.t();
    let info = reason.and_then(|r| FailureReason(r.to_string()).info());
    let explained = reason.map(|code| crate::i18n::reasons::explain(code, lang));
    let not_you = info.is_some_and(|i| i.caused_by_user == Some(false));
    explained.map(|e| {
        view! {
            <div class="reason">
                <h2>{j.reason_title}</h2>
                <p>{not_you.then(|| view! { <span>{j.reason_not_you}" "</span> })}{e.what}</p>
                {e.advice.map(|advice| view! { <p>{j.reason_you_can_fix}" "{advice}</p> })}
            </div>
        }
    })
}

/// The return page: finds the application from the session (the transaction number in the URL
/// is only a hint), shows the status in plain words, and keeps it current.
pub async fn status_page(
    visit: Visit,
    Query(query): Query<ReturnQuery>,
    Query(auto): Query<AutoRefresh>,
) -> PageResult {
    let Visit {
        state,
        session,
        lang,
        app,
    } = visit;
    let j = lang.t();
    let path = Step::Status.path();
    let app = match app {
        Some(app) => app,
        None => {
            return Ok(render::page(
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
            ))
        }
    };
    if let (Some(hint), Some(id)) = (&query.transaction_number, &app.identification_id) {
        if hint != id {
            tracing::warn!(application_id = %app.id, "return with a transaction number of another identification; ignored");
        }
    }
    let current = app.current_step(&state.db).await?;
    if current < Step::Redirect || current == Step::Withdrawn {
        return Ok(Redirect::to(current.path()).into_response());
    }
    let status = app.status();
    // The status is kept current by webhooks and reconciliation, never by this page: serving a
    // waiting customer costs no Solaris call and no write.
    let settled = status.is_settled();
    let reason = app.failure_reason.as_deref();
    let permanent = crate::domain::failure_reason::is_permanent(reason);
    // Guide appendix II, case 3: a review canceled an identification Solaris had completed.
    let was_successful = status == Status::Canceled && app.identification_completed_at.is_some();
    let token = crate::web::security::csrf_token(&session).await;
    let retry_form = |label: &'static str, action: &'static str| {
        let token = token.clone();
        view! {
            <form method="post" action=action>
                <Csrf token=token/>
                <div class="actions"><button type="submit" class="primary">{label}</button></div>
            </form>
        }
    };
    let body = match status {
        Status::Created => view! { <p role="status">{j.st_created}</p>{retry_form(j.redirect_button, Step::Redirect.path())} }.into_any(),
        Status::Pending => view! { <p role="status">{j.st_pending}</p>{retry_form(j.st_continue_call, Step::Redirect.path())} }.into_any(),
        Status::PendingSuccessful => view! { <p role="status">{j.st_review}</p> }.into_any(),
        Status::PendingFailed => view! { <p role="status">{j.st_pending_failed}</p> }.into_any(),
        Status::Successful => view! {
            <p role="status">{j.st_successful}</p>
            <p><a class="button primary" href=Step::Complete.path()>{j.st_continue}</a></p>
        }
        .into_any(),
        Status::Aborted | Status::Canceled => {
            let headline = match (&status, was_successful) {
                (Status::Canceled, true) => j.st_canceled_after_success,
                (Status::Canceled, false) => j.st_canceled,
                _ => j.st_aborted,
            };
            view! {
                <p role="status">{headline}</p>
                {reason_view(lang, reason)}
                {if permanent {
                    view! { <p>{j.st_permanent}</p><ContactLine lang=lang/> }.into_any()
                } else {
                    view! { <p>{j.st_retry}</p>{retry_form(j.st_retry_button, Step::Redirect.path())} }.into_any()
                }}
            }
            .into_any()
        }
        Status::Expired => view! { <p role="status">{j.st_expired}</p>{retry_form(j.st_expired_button, "/identification/new")} }.into_any(),
        Status::Failed => view! { <p role="status">{j.st_failed}</p><ContactLine lang=lang/> }.into_any(),
        Status::Other(_) => view! { <p role="status">{j.st_other}</p> }.into_any(),
    };
    let refresh_secs = if settled { None } else { auto.every(10) };
    // With script the page follows the live stream, a success included (a review may still
    // cancel it, the guide's case 3); without, it reloads only while the status is open.
    let follow = !settled || status == Status::Successful;
    Ok(render::page_following_status(
        lang,
        path,
        j.status_title,
        StatusCode::OK,
        refresh_secs,
        view! {
            <Progress lang=lang current=4/>
            <h1>{j.status_title}</h1>
            <div class="status" data-status=status.as_str().to_string()>{body}</div>
        {follow.then(|| view! { <script src=crate::web::assets::status_script_src() defer=true></script> })}
        },
    ))
}

/// After expiry: a new identification with the same data, nothing to type again.
pub async fn new_identification(j: Journey<at::AnyStep>) -> PageResult {
    if j.app.withdrawn {
        return Ok(Redirect::to(Step::Withdrawn.path()).into_response());
    }
    if j.app.status() != Status::Expired {
        return Ok(Redirect::to(Step::Status.path()).into_response());
    }
    if applications::renew_expired_identification(&j.state.db, &j.app.id).await? {
        j.state.work.notify_one();
    }
    Ok(Redirect::to(Step::Preparing.path()).into_response())
}

/// The sign-up is complete; the data as Solaris holds it now (IDnow may have corrected it).
pub async fn complete_page(
    Journey { app, lang, .. }: Journey<at::Complete>,
    Query(auto): Query<AutoRefresh>,
) -> Response {
    let j = lang.t();
    let synced = app.solaris_person.clone().filter(|_| app.person_synced);
    let body = match synced {
        Some(p) => {
            let address = p.address.clone().unwrap_or_default();
            let typed = app.details.person.clone().unwrap_or_default();
            let contact = app.details.contact.clone().unwrap_or_default();
            let join = |a: &str, b: &str| format!("{a} {b}").trim().to_string();
            let birth = |d: &str| crate::i18n::dates::long_date_text(lang, d);
            let nationality = |c: &str| country_name(lang, c).to_string();
            // (label, as Solaris holds it, as the customer typed it)
            let rows: Vec<(&'static str, String, String)> = vec![
                (
                    j.first_name,
                    p.first_name.clone().unwrap_or_default(),
                    typed.first_name.clone(),
                ),
                (
                    j.last_name,
                    p.last_name.clone().unwrap_or_default(),
                    typed.last_name.clone(),
                ),
                (
                    j.birth_date,
                    birth(p.birth_date.as_deref().unwrap_or_default()),
                    birth(&typed.birth_date),
                ),
                (
                    j.birth_city,
                    p.birth_city.clone().unwrap_or_default(),
                    typed.birth_city.clone(),
                ),
                (
                    j.nationality,
                    nationality(p.nationality.as_deref().unwrap_or_default()),
                    nationality(&typed.nationality),
                ),
                (
                    j.street_and_number,
                    join(
                        address.line_1.as_deref().unwrap_or_default(),
                        address.line_2.as_deref().unwrap_or_default(),
                    ),
                    join(&contact.line_1, &contact.line_2),
                ),
                (
                    j.postal_code_and_city,
                    join(
                        address.postal_code.as_deref().unwrap_or_default(),
                        address.city.as_deref().unwrap_or_default(),
                    ),
                    join(&contact.postal_code, &contact.city),
                ),
            ];
            let any_changed = rows.iter().any(|(_, now, before)| now != before);
            let rows = rows
                .into_iter()
                .map(|(label, now, before)| {
                    let changed = now != before;
                    view! {
                        <div class="summary-row" class:changed=changed>
                            <dt>{label}</dt>
                            <dd>
                                {now.clone()}
                                {changed.then(|| view! {
                                    <span class="change">{format!(" ({}: {before} → {now})", j.changed_by_idnow)}</span>
                                })}
                            </dd>
                        </div>
                    }
                })
                .collect_view();
            let bank = render::bank();
            view! {
                <p>{j.complete_text}</p>
                {any_changed.then(|| view! { <p class="hint-box">{j.complete_changed}</p> })}
                <dl class="summary person-data">{rows}</dl>
                <h2>{j.complete_next_title}</h2>
                <ol class="next-steps">
                    <li>{j.complete_next_open.replace("{bank}", &bank.name)}</li>
                    <li>{j.complete_next_mail}</li>
                    <li>{j.complete_next_nothing}</li>
                </ol>
                <p class="note print-hint">{j.complete_print}</p>
                <ContactLine lang=lang/>
            }
            .into_any()
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
