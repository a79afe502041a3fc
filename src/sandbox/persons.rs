//! `/v1/persons`: create, read, list and update persons.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};

use super::clock::format_utc;
use super::error::{parse_object, ApiError, ApiResult};
use super::pagination::{paginate, PageQuery};
use super::validate::{self, check_person, known_fields, Errors};
use super::{ids, Sandbox};

/// The guide's sandbox rule: more identical persons than this are refused.
pub(crate) const IDENTICAL_PERSONS_LIMIT: i64 = 1000;

fn text(body: &Map<String, Value>, field: &str) -> String {
    body.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A person as Solaris returns it: the stored fields, the id and the read-only CDD fields.
pub(crate) fn render(id: &str, body: &Map<String, Value>) -> Value {
    let mut out = body.clone();
    out.insert("id".into(), Value::String(id.into()));
    for (field, default) in [
        ("screening_progress", "NOT_SCREENED"),
        ("risk_classification_status", "NOT_SCORED"),
        ("customer_vetting_status", "NOT_VETTED"),
    ] {
        out.entry(field)
            .or_insert_with(|| Value::String(default.into()));
    }
    out.entry("flagged_by_compliance")
        .or_insert(Value::Bool(false));
    Value::Object(out)
}

/// Loads a person's stored fields, or 404 as Solaris answers.
pub async fn load(sandbox: &Sandbox, id: &str) -> ApiResult<Map<String, Value>> {
    let row: Option<(String,)> =
        sqlx::query_as("select body from sandbox_person where id = $1 and deleted_at is null")
            .bind(id)
            .fetch_optional(&sandbox.db.pool)
            .await?;
    let Some((body,)) = row else {
        return Err(ApiError::not_found("Person", id));
    };
    Ok(serde_json::from_str(&body)?)
}

/// Stores a person's fields (after a change by the API or by the IDnow agent).
pub async fn store(sandbox: &Sandbox, id: &str, body: &Map<String, Value>) -> ApiResult<()> {
    sqlx::query(
        "update sandbox_person set body = $1, first_name = $2, last_name = $3, birth_city = $4, \
         birth_date = $5, updated_at = $6 where id = $7",
    )
    .bind(serde_json::to_string(body)?)
    .bind(text(body, "first_name"))
    .bind(text(body, "last_name"))
    .bind(text(body, "birth_city"))
    .bind(text(body, "birth_date"))
    .bind(sandbox.clock.now_ms())
    .bind(id)
    .execute(&sandbox.db.writer)
    .await?;
    Ok(())
}

fn normalise_mobile(body: &mut Map<String, Value>) {
    if let Some(Value::String(n)) = body.get("mobile_number") {
        if let Some(clean) = validate::sanitize_mobile(n) {
            body.insert("mobile_number".into(), Value::String(clean));
        }
    }
}

/// `POST /v1/persons`
pub async fn create(State(sandbox): State<Sandbox>, body: Bytes) -> ApiResult<Response> {
    let raw = parse_object(&body)?;
    let mut errors = Errors::default();
    validate::check_self_employed(&raw, &mut errors);
    let mut body = known_fields(raw, validate::PERSON_FIELDS);
    errors.0.extend(check_person(&body).0);
    validate::check_new_person(&body, sandbox.clock.now().date_naive(), &mut errors);
    for field in ["first_name", "last_name"] {
        if !body.contains_key(field) {
            errors.0.push((field.into(), "can't be blank".into()));
        }
    }
    if !errors.0.is_empty() {
        return Err(ApiError::invalid_model(errors.0));
    }
    normalise_mobile(&mut body);
    if body.get("last_name").and_then(Value::as_str) == Some(validate::NO_LAST_NAME) {
        body.insert("last_name".into(), Value::String(String::new()));
    }

    let (first, last) = (text(&body, "first_name"), text(&body, "last_name"));
    let (city, date) = (text(&body, "birth_city"), text(&body, "birth_date"));
    let (identical,): (i64,) = sqlx::query_as(
        "select count(*) from sandbox_person where first_name = $1 and last_name = $2 \
         and birth_city = $3 and birth_date = $4",
    )
    .bind(&first)
    .bind(&last)
    .bind(&city)
    .bind(&date)
    .fetch_one(&sandbox.db.pool)
    .await?;
    if identical >= IDENTICAL_PERSONS_LIMIT {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_model",
            "Invalid Model",
            format!(
                "More than {IDENTICAL_PERSONS_LIMIT} persons with the same first_name, last_name, \
                 birth_city and birth_date; use unique values in the sandbox."
            ),
        ));
    }

    let id = ids::person_id();
    let now = sandbox.clock.now_ms();
    body.insert("created_at".into(), Value::String(format_utc(now)));
    sqlx::query(
        "insert into sandbox_person (id, first_name, last_name, birth_city, birth_date, body, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(&first)
    .bind(&last)
    .bind(&city)
    .bind(&date)
    .bind(serde_json::to_string(&body)?)
    .bind(now)
    .execute(&sandbox.db.writer)
    .await?;
    tracing::info!(person_id = %id, "sandbox person created");
    Ok((StatusCode::CREATED, Json(render(&id, &body))).into_response())
}

/// `GET /v1/persons/{id}`
pub(crate) async fn get_one(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let body = load(&sandbox, &id).await?;
    Ok(Json(render(&id, &body)))
}

/// `GET /v1/persons`: every person, paginated.
pub async fn list(
    State(sandbox): State<Sandbox>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Response> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select id, body from sandbox_person where deleted_at is null order by created_at, id",
    )
    .fetch_all(&sandbox.db.pool)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for (id, body) in rows {
        items.push(render(&id, &serde_json::from_str(&body)?));
    }
    if sandbox.faults.get().list_order == crate::config::sandbox::ListOrder::NewestFirst {
        items.reverse();
    }
    paginate(&sandbox, "/v1/persons", &page, items)
}

/// Applies a patch: nested objects are merged, so a PATCH of `address[city]` keeps the street.
pub fn apply(person: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, v) in patch {
        match (person.get_mut(&k), v) {
            (Some(Value::Object(old)), Value::Object(new)) => old.extend(new),
            (_, v) => {
                person.insert(k, v);
            }
        }
    }
}

fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Object(o)) => o.values().all(|v| is_blank(Some(v))),
        _ => false,
    }
}

/// Whether the patch would change a value the person already has.
fn changes_a_set_value(person: &Map<String, Value>, patch: &Map<String, Value>) -> bool {
    patch.iter().any(|(k, v)| {
        let current = person.get(k.as_str());
        if is_blank(current) {
            return false;
        }
        let mut after = Map::new();
        after.insert(k.clone(), current.cloned().unwrap_or(Value::Null));
        apply(&mut after, Map::from_iter([(k.clone(), v.clone())]));
        after.get(k.as_str()) != current
    })
}

/// `PATCH /v1/persons/{id}`: only the guide's updatable fields; others are refused. Setting a
/// field that has no value applies at once (200); changing one that has a value opens a change
/// request the customer must confirm (202), as Solaris does.
pub async fn update(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let patch = parse_object(&body)?;
    // A person field the PATCH may not change is refused; a key Solaris does not know is
    // dropped, as on the creation.
    let mut refused: Vec<(String, String)> = patch
        .iter()
        .filter(|(k, v)| {
            !v.is_null()
                && validate::PERSON_FIELDS.contains(&k.as_str())
                && !validate::UPDATABLE_FIELDS.contains(&k.as_str())
        })
        .map(|(k, _)| (k.clone(), "cannot be updated through this endpoint".into()))
        .collect();
    // Of `tax_information`, only `tax_assessment` and `marital_status` (the guide's list).
    if let Some(Value::Object(tax)) = patch.get("tax_information") {
        for key in tax
            .keys()
            .filter(|k| !matches!(k.as_str(), "tax_assessment" | "marital_status"))
        {
            refused.push((
                format!("tax_information[{key}]"),
                "cannot be updated through this endpoint".into(),
            ));
        }
    }
    let mut person = load(&sandbox, &id).await?;
    if !refused.is_empty() {
        let detail = refused
            .iter()
            .map(|(k, _)| format!("Updating {k} is deprecated."))
            .collect::<Vec<_>>()
            .join(" ");
        let mut err = ApiError::invalid_model(refused);
        for e in &mut err.errors {
            e.code = "deprecated_params".into();
            e.title = "Deprecated Parameters".into();
            e.detail = detail.clone();
        }
        return Err(err);
    }
    let mut errors = Errors::default();
    validate::check_self_employed(&patch, &mut errors);
    validate::check_aml_confirmed_on(&patch, sandbox.clock.now().date_naive(), &mut errors);
    let patch = known_fields(patch, validate::UPDATABLE_FIELDS);
    errors.0.extend(check_person(&patch).0);
    if !errors.0.is_empty() {
        return Err(ApiError::invalid_model(errors.0));
    }
    if changes_a_set_value(&person, &patch) {
        let verified = super::mobile::find(&sandbox, &id)
            .await?
            .is_some_and(|m| m.verified == 1);
        if !verified {
            return Err(super::change_requests::unverified());
        }
        let request = super::change_requests::open(
            &sandbox,
            &id,
            super::change_requests::Action::UpdatePerson,
            Value::Object(patch),
        )
        .await?;
        return Ok((StatusCode::ACCEPTED, Json(request)).into_response());
    }
    apply(&mut person, patch);
    store(&sandbox, &id, &person).await?;
    super::delivery::notify(&sandbox, "PERSON_CHANGED", &id, serde_json::json!({})).await?;
    Ok(Json(render(&id, &person)).into_response())
}
