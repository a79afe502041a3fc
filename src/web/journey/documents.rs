//! Which document the customer shows in the call, and the proof of address where the guide
//! asks for one.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Months;
use leptos::prelude::*;

use super::choices::{country_name, country_options, owned};
use super::fields::{ErrorSummary, SelectField, TextField};
use super::form::{Errors, Input, Problem, RawForm};
use super::page::{at, Csrf, Journey, PageError, PageForm, PageResult};
use super::paths::StepPath;
use crate::db::applications;
use crate::domain::address_documents::{self, AddressDocument};
use crate::domain::application::DocumentChoice;
use crate::domain::Step;
use crate::domain::{ProofOfAddressType, SupportedDocument};
use crate::i18n::Lang;
use crate::web::render::{self, ContactLine, Progress};

pub(super) fn document_label(lang: Lang, kind: &str) -> String {
    let j = lang.t();
    match kind {
        "Passport" => j.doc_passport.into(),
        "National ID Card" => j.doc_id_card.into(),
        "Residence Permit" => j.doc_residence_permit.into(),
        other => other.into(),
    }
}

/// A document version of the guide's list in plain words, with its code in the EU's register.
fn version_label(lang: Lang, d: &address_documents::AddressDocument) -> String {
    lang.t()
        .document_version_label
        .replace("{document}", &document_label(lang, d.kind))
        .replace("{country}", &country_name(lang, d.country))
        .replace("{code}", d.code)
}

pub(super) fn poa_options(lang: Lang) -> Vec<(&'static str, &'static str)> {
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

    pub(crate) const DOCUMENT_TYPE: Input = Input {
        name: "document_type",
        label: |t| t.document_type,
    };
    pub(crate) const DOCUMENT_COUNTRY: Input = Input {
        name: "document_country",
        label: |t| t.document_country,
    };
    pub(crate) const DOCUMENT_VERSION: Input = Input {
        name: "document_version",
        label: |t| t.document_version,
    };
    pub(crate) const POA_TYPE: Input = Input {
        name: "proof_of_address_type",
        label: |t| t.poa_type,
    };
    pub(crate) const POA_ISSUED_AT: Input = Input {
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
        // A plain name first ("ID card from Germany, version DEU-BO-01003"), the register's
        // code only as the version's name.
        let options: Vec<(String, String)> = ask
            .versions
            .iter()
            .map(|d| (d.code.to_string(), version_label(lang, d)))
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
                    let mut names: Vec<String> =
                        d.issuing_countries.iter().map(|c| country_name(lang, c)).collect();
                    names.sort_by_cached_key(|n| super::choices::sort_key(n));
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
            <Progress lang=lang step=Step::Documents/>
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
pub(crate) async fn no_document_page(j: Journey<at::Documents>) -> Response {
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
            <Progress lang=lang step=Step::Documents/>
            <h1>{t.no_document_title}</h1>
            <p>{t.no_document_text}</p>
            {way}
            <p><a href=Step::Documents.path()>{t.back}</a></p>
        },
    )
}

/// The documents page reads no Solaris: the work queue read the list once, when it created
/// the identification.
pub(crate) async fn documents_page(j: Journey<at::Documents>) -> Response {
    let nationality = j
        .app
        .details
        .person
        .as_ref()
        .map(|p| p.nationality.to_string());
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

pub(crate) async fn save_documents(
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
        let today = state.db.clock.today();
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
        crate::monitoring::reached(crate::monitoring::Funnel::DocumentChosen, lang.code());
    }
    state.work.notify_one();
    Ok(Redirect::to(if needs_poa {
        Step::Preparing.path()
    } else {
        Step::Checklist.path()
    })
    .into_response())
}
