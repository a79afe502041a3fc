//! `/v1/change_requests/{id}`: a change Solaris holds until the customer confirms it. A PATCH
//! of a person field that already has a value, or the deletion of a verified mobile number,
//! answers 202 with one; `authorize` sends a one-time code to the verified mobile number and
//! `confirm` with that code applies the change.
//!
//! The statuses are Solaris' documented ones; the two endpoints and their bodies follow
//! third-party code (a Solaris partner's mock), not the official documentation we hold.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Map, Value};

use super::error::{parse_object, ApiError, ApiResult};
use super::{delivery, mobile, persons, Sandbox};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    UpdatePerson,
    DeleteMobileNumber,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::UpdatePerson => "update_person",
            Action::DeleteMobileNumber => "delete_mobile_number",
        }
    }
}

const AUTHORIZATION_REQUIRED: &str = "AUTHORIZATION_REQUIRED";
const CONFIRMATION_REQUIRED: &str = "CONFIRMATION_REQUIRED";
const COMPLETED: &str = "COMPLETED";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    person_id: String,
    action: String,
    changes: String,
    status: String,
    updated_at: i64,
}

pub fn invalid_tan() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "invalid_tan",
        "Invalid TAN",
        "The one-time code is not the one sent.",
    )
}

fn render(sandbox: &Sandbox, row: &Row) -> Value {
    let next = match row.status.as_str() {
        AUTHORIZATION_REQUIRED => "authorize",
        _ => "confirm",
    };
    json!({
        "id": row.id,
        "status": row.status,
        "updated_at": super::clock::format_utc(row.updated_at),
        "url": sandbox.url(&format!("/v1/change_requests/{}/{next}", row.id)),
    })
}

/// Opens a change request for `person_id`; returns it as Solaris answers it (with 202).
pub async fn open(
    sandbox: &Sandbox,
    person_id: &str,
    action: Action,
    changes: Value,
) -> ApiResult<Value> {
    let row = Row {
        id: format!("{}csc", super::ids::plain()),
        person_id: person_id.into(),
        action: action.as_str().into(),
        changes: changes.to_string(),
        status: AUTHORIZATION_REQUIRED.into(),
        updated_at: sandbox.clock.now_ms(),
    };
    sqlx::query(
        "insert into sandbox_change_request (id, person_id, action, changes, status, created_at, \
         updated_at) values ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&row.id)
    .bind(&row.person_id)
    .bind(&row.action)
    .bind(&row.changes)
    .bind(&row.status)
    .bind(row.updated_at)
    .execute(&sandbox.db.writer)
    .await?;
    Ok(render(sandbox, &row))
}

async fn load(sandbox: &Sandbox, id: &str) -> ApiResult<Row> {
    sqlx::query_as(
        "select id, person_id, action, changes, status, updated_at from sandbox_change_request \
         where id = $1",
    )
    .bind(id)
    .fetch_optional(&sandbox.db.pool)
    .await?
    .ok_or_else(|| ApiError::not_found("ChangeRequest", id))
}

/// The request's body, which must name the change request's person.
fn body_for(row: &Row, body: &[u8]) -> ApiResult<Map<String, Value>> {
    let body = parse_object(body)?;
    if body.get("person_id").and_then(Value::as_str) != Some(row.person_id.as_str()) {
        return Err(ApiError::not_found("ChangeRequest", &row.id));
    }
    Ok(body)
}

async fn set_status(sandbox: &Sandbox, row: &mut Row, status: &str) -> ApiResult<()> {
    row.status = status.into();
    row.updated_at = sandbox.clock.now_ms();
    sqlx::query("update sandbox_change_request set status = $1, updated_at = $2 where id = $3")
        .bind(&row.status)
        .bind(row.updated_at)
        .bind(&row.id)
        .execute(&sandbox.db.writer)
        .await?;
    Ok(())
}

/// `GET /v1/change_requests/{id}`
pub(crate) async fn get_one(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(render(&sandbox, &load(&sandbox, &id).await?)))
}

/// `POST /v1/change_requests/{id}/authorize` with `person_id` and `delivery_method`: sends the
/// one-time code to the person's verified mobile number.
pub async fn authorize(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let mut row = load(&sandbox, &id).await?;
    let body = body_for(&row, &body)?;
    let method = body.get("delivery_method").and_then(Value::as_str);
    if method != Some("mobile_number") {
        return Err(ApiError::invalid_model(vec![(
            "delivery_method".into(),
            "is not included in the list [\"mobile_number\"]".into(),
        )]));
    }
    match row.status.as_str() {
        AUTHORIZATION_REQUIRED | CONFIRMATION_REQUIRED => {
            let verified = mobile::find(&sandbox, &row.person_id)
                .await?
                .is_some_and(|m| m.verified == 1);
            if !verified {
                return Err(unverified());
            }
            set_status(&sandbox, &mut row, CONFIRMATION_REQUIRED).await?;
            Ok(Json(render(&sandbox, &row)))
        }
        _ => Err(finished(&row)),
    }
}

/// `POST /v1/change_requests/{id}/confirm` with `person_id` and the one-time `tan`: applies the
/// change.
pub async fn confirm(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let mut row = load(&sandbox, &id).await?;
    let body = body_for(&row, &body)?;
    match row.status.as_str() {
        CONFIRMATION_REQUIRED => {}
        AUTHORIZATION_REQUIRED => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "change_request_not_authorized",
                "Change Request Not Authorized",
                "Authorize the change request first.",
            ))
        }
        _ => return Err(finished(&row)),
    }
    if body.get("tan").and_then(Value::as_str) != Some(mobile::OTP) {
        return Err(invalid_tan());
    }
    if row.action == Action::UpdatePerson.as_str() {
        let changes = serde_json::from_str(&row.changes)?;
        let mut person = persons::load(&sandbox, &row.person_id).await?;
        persons::apply(&mut person, changes);
        persons::store(&sandbox, &row.person_id, &person).await?;
        delivery::notify(&sandbox, "PERSON_CHANGED", &row.person_id, json!({})).await?;
    } else {
        mobile::delete_now(&sandbox, &row.person_id).await?;
    }
    set_status(&sandbox, &mut row, COMPLETED).await?;
    Ok(Json(render(&sandbox, &row)))
}

/// 403 as Solaris answers a change that needs the customer's confirmation when the person has
/// no verified mobile number to send the code to.
pub fn unverified() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "mobile_number_not_verified",
        "Mobile Number Not Verified",
        "This change needs the customer's confirmation on a verified mobile number.",
    )
}

fn finished(row: &Row) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "change_request_finished",
        "Change Request Finished",
        format!("The change request is {} already.", row.status),
    )
}
