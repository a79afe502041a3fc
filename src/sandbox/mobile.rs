//! `/v1/persons/{id}/mobile_number`: one mobile number per person, verified with a one-time
//! code (always `212212` in the sandbox). Deleting a verified number needs a change request.
//! IDnow registers the number the customer gives in the call and verifies it on success.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::error::{parse_object, ApiError, ApiResult};
use super::{change_requests, delivery, ids, persons, validate, Sandbox};

/// The sandbox's SMS one-time code (the Solaris docs' fixed test code).
pub(crate) const OTP: &str = "212212";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MobileNumber {
    pub id: String,
    pub number: String,
    pub verified: i64,
}

impl MobileNumber {
    pub(crate) fn render(&self) -> Value {
        json!({ "id": self.id, "number": self.number, "verified": self.verified == 1 })
    }
}

pub async fn find(sandbox: &Sandbox, person_id: &str) -> ApiResult<Option<MobileNumber>> {
    Ok(sqlx::query_as(
        "select id, number, verified from sandbox_mobile_number where person_id = $1",
    )
    .bind(person_id)
    .fetch_optional(&sandbox.db.pool)
    .await?)
}

fn not_found(person_id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "model_not_found",
        "Model Not Found",
        format!("Couldn't find 'Solaris::MobileNumber' for person '{person_id}'."),
    )
}

/// The sanitised `number` of a request body, or 400 as Solaris answers.
fn number_of(body: &[u8]) -> ApiResult<String> {
    let body = parse_object(body)?;
    let raw = body
        .get("number")
        .and_then(Value::as_str)
        .unwrap_or_default();
    validate::sanitize_mobile(raw).ok_or_else(|| {
        ApiError::invalid_model(vec![(
            "number".into(),
            "is not a valid mobile number".into(),
        )])
    })
}

/// The person's number when it is `number`, else 404 (Solaris: no number, or another one).
async fn matching(sandbox: &Sandbox, person_id: &str, number: &str) -> ApiResult<MobileNumber> {
    find(sandbox, person_id)
        .await?
        .filter(|m| m.number == number)
        .ok_or_else(|| not_found(person_id))
}

/// Registers `number` for the person, unverified, unless it has a number already; tells
/// `PERSON_MOBILE_NUMBER_CREATED` when it is new.
pub async fn register(sandbox: &Sandbox, person_id: &str, number: &str) -> ApiResult<bool> {
    let added = sqlx::query(
        "insert into sandbox_mobile_number (person_id, id, number, verified, created_at) \
         values ($1, $2, $3, 0, $4) on conflict (person_id) do nothing",
    )
    .bind(person_id)
    .bind(ids::mobile_number_id())
    .bind(number)
    .bind(sandbox.clock.now_ms())
    .execute(&sandbox.db.writer)
    .await?
    .rows_affected()
        == 1;
    if added {
        delivery::notify(
            sandbox,
            "PERSON_MOBILE_NUMBER_CREATED",
            person_id,
            json!({}),
        )
        .await?;
    }
    Ok(added)
}

/// The person's number is verified (the customer confirmed the one-time code, or IDnow did).
pub(crate) async fn mark_verified(sandbox: &Sandbox, person_id: &str) -> ApiResult<()> {
    sqlx::query("update sandbox_mobile_number set verified = 1 where person_id = $1")
        .bind(person_id)
        .execute(&sandbox.db.writer)
        .await?;
    Ok(())
}

/// Deletes the person's number and tells `PERSON_MOBILE_NUMBER_DELETED` with its id.
pub(crate) async fn delete_now(
    sandbox: &Sandbox,
    person_id: &str,
) -> ApiResult<Option<MobileNumber>> {
    let Some(number) = find(sandbox, person_id).await? else {
        return Ok(None);
    };
    sqlx::query("delete from sandbox_mobile_number where person_id = $1")
        .bind(person_id)
        .execute(&sandbox.db.writer)
        .await?;
    delivery::notify(
        sandbox,
        "PERSON_MOBILE_NUMBER_DELETED",
        person_id,
        json!({ "id": number.id }),
    )
    .await?;
    Ok(Some(number))
}

/// `POST /v1/persons/{id}/mobile_number`
pub async fn create(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    persons::load(&sandbox, &person_id).await?;
    let number = number_of(&body)?;
    if !register(&sandbox, &person_id, &number).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "mobile_number_exists",
            "Mobile Number Exists",
            "The person has a mobile number already; delete it first.",
        ));
    }
    let created = find(&sandbox, &person_id)
        .await?
        .ok_or_else(|| not_found(&person_id))?;
    Ok((StatusCode::CREATED, Json(created.render())).into_response())
}

/// `GET /v1/persons/{id}/mobile_number`
pub(crate) async fn get_one(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
) -> ApiResult<Json<Value>> {
    persons::load(&sandbox, &person_id).await?;
    let number = find(&sandbox, &person_id)
        .await?
        .ok_or_else(|| not_found(&person_id))?;
    Ok(Json(number.render()))
}

/// `POST /v1/persons/{id}/mobile_number/authorize`: sends the one-time code.
pub async fn authorize(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    persons::load(&sandbox, &person_id).await?;
    let number = matching(&sandbox, &person_id, &number_of(&body)?).await?;
    Ok(Json(number.render()))
}

/// `POST /v1/persons/{id}/mobile_number/confirm` with `number` and the one-time `token`.
pub async fn confirm(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    persons::load(&sandbox, &person_id).await?;
    let fields = parse_object(&body)?;
    let number = matching(&sandbox, &person_id, &number_of(&body)?).await?;
    if fields.get("token").and_then(Value::as_str) != Some(OTP) {
        return Err(change_requests::invalid_tan());
    }
    mark_verified(&sandbox, &person_id).await?;
    Ok(Json(
        MobileNumber {
            verified: 1,
            ..number
        }
        .render(),
    ))
}

/// `DELETE /v1/persons/{id}/mobile_number` with `number`: an unverified number goes at once
/// (200); a verified one needs a change request (202).
pub async fn delete(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    persons::load(&sandbox, &person_id).await?;
    let number = matching(&sandbox, &person_id, &number_of(&body)?).await?;
    if number.verified == 1 {
        let request = change_requests::open(
            &sandbox,
            &person_id,
            change_requests::Action::DeleteMobileNumber,
            json!({}),
        )
        .await?;
        return Ok((StatusCode::ACCEPTED, Json(request)).into_response());
    }
    delete_now(&sandbox, &person_id).await?;
    Ok(Json(number.render()).into_response())
}
