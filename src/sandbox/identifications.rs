//! `/v1/persons/{person_id}/identifications`: create, list, read, request, supported
//! documents and IDnow attempts.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::engine::{self, session, Action, Ident};
use super::error::{parse_object, ApiError, ApiResult};
use super::pagination::{paginate, PageQuery};
use super::scenario::{Case, Driver, Scenario, Timing};
use super::validate::{self, LANGUAGES, METHODS, PROOF_OF_ADDRESS_TYPES};
use super::{documents, ids, persons, Sandbox};

/// `POST /v1/persons/{person_id}/identifications`
pub async fn create(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = parse_object(&body)?;
    persons::load(&sandbox, &person_id).await?;
    let mut errors = Vec::new();
    let text = |field: &str| body.get(field).filter(|v| !v.is_null());
    for (field, value) in &body {
        if let Some(s) = value.as_str() {
            if s.trim() != s {
                errors.push((
                    field.clone(),
                    "must not begin or end with whitespace".to_string(),
                ));
            }
        }
    }
    let method = text("method").and_then(Value::as_str);
    match method {
        None => errors.push(("method".into(), "can't be blank".into())),
        Some(m) if !METHODS.contains(&m) => errors.push((
            "method".into(),
            format!("is not included in the list {METHODS:?}"),
        )),
        _ => {}
    }
    if let Some(lang) = text("language") {
        if !lang.as_str().is_some_and(|l| LANGUAGES.contains(&l)) {
            errors.push((
                "language".into(),
                format!("is not included in the list {LANGUAGES:?}"),
            ));
        }
    }
    let poa_type = text("proof_of_address_type");
    let poa_date = text("proof_of_address_issued_at");
    match (poa_type, poa_date) {
        (Some(_), None) => errors.push((
            "proof_of_address_issued_at".into(),
            "can't be blank when proof_of_address_type is given".into(),
        )),
        (None, Some(_)) => errors.push((
            "proof_of_address_type".into(),
            "can't be blank when proof_of_address_issued_at is given".into(),
        )),
        (Some(t), Some(d)) => {
            if !t
                .as_str()
                .is_some_and(|t| PROOF_OF_ADDRESS_TYPES.contains(&t))
            {
                errors.push((
                    "proof_of_address_type".into(),
                    format!("is not included in the list {PROOF_OF_ADDRESS_TYPES:?}"),
                ));
            }
            let today = sandbox.clock.now().date_naive();
            match d
                .as_str()
                .filter(|d| validate::is_date(d))
                .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
            {
                None => errors.push((
                    "proof_of_address_issued_at".into(),
                    "is not a valid date (YYYY-MM-DD)".into(),
                )),
                Some(date) if date > today => errors.push((
                    "proof_of_address_issued_at".into(),
                    "must not be in the future".into(),
                )),
                Some(date) if date <= today - chrono::Months::new(6) => errors.push((
                    "proof_of_address_issued_at".into(),
                    "must be less than 6 months old".into(),
                )),
                _ => {}
            }
        }
        (None, None) => {}
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_model(errors));
    }

    let id = ids::identification_id();
    let now = sandbox.clock.now_ms();
    let resource = json!({
        "id": id,
        "reference": null,
        "url": null,
        "status": "created",
        "completed_at": null,
        "method": method,
        "proof_of_address_type": poa_type,
        "proof_of_address_issued_at": poa_date,
        "language": text("language"),
        "iban": null,
        "terms_and_conditions_signed_at": null,
        "authorization_expires_at": null,
        "confirmation_expires_at": null,
        "estimated_waiting_time": null,
        "failure_reason": null,
        "person_id": person_id,
        "address": null,
        "created_at": super::clock::format_utc(now),
    });
    sqlx::query(
        "insert into sandbox_identification (id, person_id, status, body, created_at, updated_at) \
         values ($1, $2, 'created', $3, $4, $4)",
    )
    .bind(&id)
    .bind(&person_id)
    .bind(resource.to_string())
    .bind(now)
    .execute(&sandbox.db.writer)
    .await?;
    let payload = json!({
        "id": id, "reference": null, "url": null, "status": "created",
        "completed_at": null, "method": method,
    });
    super::delivery::notify(&sandbox, "IDENTIFICATION", &id, payload).await?;
    Ok((StatusCode::CREATED, Json(resource)).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct IncludeDocuments {
    include_documents: Option<String>,
}

async fn render_with_documents(
    sandbox: &Sandbox,
    ident: &Ident,
    include: bool,
) -> ApiResult<Value> {
    let docs = if include {
        Some(documents::for_identification(sandbox, &ident.id).await?)
    } else {
        None
    };
    Ok(ident.render(docs))
}

/// `GET /v1/persons/{person_id}/identifications/{id}`; `include_documents` defaults to true.
pub(crate) async fn get_one(
    State(sandbox): State<Sandbox>,
    Path((person_id, id)): Path<(String, String)>,
    Query(q): Query<IncludeDocuments>,
) -> ApiResult<Json<Value>> {
    let ident = engine::load_for(&sandbox, &person_id, &id).await?;
    let include = q.include_documents.as_deref() != Some("false");
    Ok(Json(
        render_with_documents(&sandbox, &ident, include).await?,
    ))
}

/// `GET /v1/persons/{person_id}/identifications`
pub async fn list(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Response> {
    persons::load(&sandbox, &person_id).await?;
    let ids: Vec<(String,)> = sqlx::query_as(
        "select id from sandbox_identification where person_id = $1 order by created_at, id",
    )
    .bind(&person_id)
    .fetch_all(&sandbox.db.pool)
    .await?;
    let mut items = Vec::with_capacity(ids.len());
    for (id,) in ids {
        let ident = engine::load(&sandbox, &id).await?;
        items.push(render_with_documents(&sandbox, &ident, false).await?);
    }
    paginate(
        &sandbox,
        &format!("/v1/persons/{person_id}/identifications"),
        &page,
        items,
    )
}

/// `GET /v1/identifications`: every identification of the partner's persons, paginated.
pub(crate) async fn list_all(
    State(sandbox): State<Sandbox>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Response> {
    let ids: Vec<(String,)> = sqlx::query_as(
        "select i.id from sandbox_identification i join sandbox_person p on p.id = i.person_id \
         where p.deleted_at is null order by i.created_at, i.id",
    )
    .fetch_all(&sandbox.db.pool)
    .await?;
    let mut items = Vec::with_capacity(ids.len());
    for (id,) in ids {
        let ident = engine::load(&sandbox, &id).await?;
        items.push(render_with_documents(&sandbox, &ident, false).await?);
    }
    paginate(&sandbox, "/v1/identifications", &page, items)
}

/// `PATCH /v1/persons/{person_id}/identifications/{id}/request`: starts the IDnow process.
/// Asking again while the link is open answers the same link, so the call is safe to retry.
pub async fn request(
    State(sandbox): State<Sandbox>,
    Path((person_id, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let mut ident = engine::load_for(&sandbox, &person_id, &id).await?;
    match ident.status() {
        "created" => {}
        "pending" | "aborted" | "canceled" if ident.session_state != session::DONE => {
            return Ok(Json(ident.render(None)));
        }
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_status",
                "Invalid Status",
                format!("An identification with status {other} cannot be requested; create a new identification."),
            ))
        }
    }
    if ident.body.get("method").and_then(Value::as_str) != Some("idnow") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_method",
            "Unsupported Method",
            "The sandbox runs only the idnow method.",
        ));
    }
    let person = persons::load(&sandbox, &person_id).await?;
    let name = |k: &str| {
        person
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let scenario = Scenario::from_names(&name("first_name"), &name("last_name"));
    if scenario.case == Some(Case::Holdcertificate) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_model",
            "Invalid Model",
            "The HOLDCERTIFICATE test case is only available for eSigning identifications, not for method idnow.",
        ));
    }
    ident.scenario = scenario;
    ident.session_state = session::WAITING.into();
    ident
        .body
        .insert("reference".into(), json!(ids::idnow_reference()));
    ident
        .body
        .insert("url".into(), json!(sandbox.idnow_url(&ident.id)));
    ident
        .body
        .insert("estimated_waiting_time".into(), json!(60));
    engine::set_status(&sandbox, &mut ident, "pending", None).await?;
    let expires = sandbox.clock.now_ms() + Timing::expiry();
    engine::schedule(&sandbox, &ident.id, expires, &Action::Expire).await?;
    if scenario.driver == Driver::Auto {
        engine::start_automated_call(&sandbox, &mut ident).await?;
    }
    Ok(Json(ident.render(None)))
}

/// `GET .../supported_documents`: the ID documents IDnow accepts, with issuing countries.
pub async fn supported_documents(
    State(sandbox): State<Sandbox>,
    Path((person_id, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    engine::load_for(&sandbox, &person_id, &id).await?;
    const EEA: &[&str] = &[
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
        "CH",
    ];
    const PASSPORTS: &[&str] = &[
        "AT", "AU", "BE", "BG", "BR", "CA", "CH", "CN", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
        "FR", "GB", "GR", "HR", "HU", "IE", "IN", "IS", "IT", "JP", "LI", "LT", "LU", "LV", "MA",
        "MT", "NL", "NO", "NZ", "PL", "PT", "RO", "SE", "SG", "SI", "SK", "TR", "UA", "US",
    ];
    Ok(Json(json!([
        { "type": "Passport", "issuing_countries": PASSPORTS },
        { "type": "National ID Card", "issuing_countries": EEA },
        { "type": "Residence Permit", "issuing_countries": ["DE"] },
    ])))
}

/// `GET .../idnow_attempts`: the calls of this identification, newest last.
pub async fn attempts(
    State(sandbox): State<Sandbox>,
    Path((person_id, id)): Path<(String, String)>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Response> {
    engine::load_for(&sandbox, &person_id, &id).await?;
    let rows: Vec<(String,)> = sqlx::query_as(
        "select body from sandbox_idnow_attempt where identification_id = $1 order by created_at, id",
    )
    .bind(&id)
    .fetch_all(&sandbox.db.pool)
    .await?;
    let items = rows
        .into_iter()
        .map(|(b,)| serde_json::from_str(&b))
        .collect::<Result<Vec<Value>, _>>()?;
    paginate(
        &sandbox,
        &format!("/v1/persons/{person_id}/identifications/{id}/idnow_attempts"),
        &page,
        items,
    )
}
