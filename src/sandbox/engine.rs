//! The life of an identification: status changes, the IDnow call, the review, and the
//! scheduled steps that run when the sandbox clock reaches them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::clock::{format_utc, format_utc_millis};
use super::error::{ApiError, ApiResult};
use super::scenario::{ChangeAt, Outcome, Scenario, Timing};
use super::{delivery, documents, ids, persons, Sandbox};

/// Where the IDnow session of an identification stands.
pub mod session {
    /// Requested; the link waits for the customer (also after an abort or a cancel).
    pub(crate) const WAITING: &str = "waiting";
    /// The video call is running.
    pub(crate) const IN_CALL: &str = "in_call";
    /// The call ended; the review runs.
    pub(crate) const IN_REVIEW: &str = "in_review";
    /// Nothing more will happen.
    pub(crate) const DONE: &str = "done";
}

/// An identification row with its JSON resource.
#[derive(Clone, Debug)]
pub struct Ident {
    pub id: String,
    pub person_id: String,
    pub scenario: Scenario,
    pub session_state: String,
    pub code_attempts: i64,
    pub retries: i64,
    pub body: Map<String, Value>,
}

impl Ident {
    pub fn status(&self) -> &str {
        self.body
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("created")
    }

    /// The resource as Solaris returns it; documents only when asked for.
    pub(crate) fn render(&self, documents: Option<Vec<Value>>) -> Value {
        // Keys starting with `_` are the sandbox's own bookkeeping, not part of the resource.
        let mut out: Map<String, Value> = self
            .body
            .iter()
            .filter(|(k, _)| !k.starts_with('_'))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(docs) = documents {
            out.insert("documents".into(), Value::Array(docs));
        }
        Value::Object(out)
    }
}

type IdentRow = (String, String, String, String, i64, i64, String);

pub async fn load(sandbox: &Sandbox, id: &str) -> ApiResult<Ident> {
    let row: Option<IdentRow> = sqlx::query_as(
        "select id, person_id, scenario, session_state, code_attempts, retries, body \
         from sandbox_identification where id = $1",
    )
    .bind(id)
    .fetch_optional(&sandbox.db.pool)
    .await?;
    let Some((id, person_id, scenario, session_state, code_attempts, retries, body)) = row else {
        return Err(ApiError::not_found("Identification", id));
    };
    Ok(Ident {
        id,
        person_id,
        scenario: Scenario::decode(&scenario),
        session_state,
        code_attempts,
        retries,
        body: serde_json::from_str(&body)?,
    })
}

/// Loads an identification of this person; another person's id is "not found".
pub(crate) async fn load_for(sandbox: &Sandbox, person_id: &str, id: &str) -> ApiResult<Ident> {
    persons::load(sandbox, person_id).await?;
    let ident = load(sandbox, id).await?;
    if ident.person_id != person_id {
        return Err(ApiError::not_found("Identification", id));
    }
    Ok(ident)
}

pub async fn save(sandbox: &Sandbox, ident: &Ident) -> ApiResult<()> {
    sqlx::query(
        "update sandbox_identification set status = $1, scenario = $2, session_state = $3, \
         code_attempts = $4, retries = $5, body = $6, updated_at = $7 where id = $8",
    )
    .bind(ident.status())
    .bind(ident.scenario.encode())
    .bind(&ident.session_state)
    .bind(ident.code_attempts)
    .bind(ident.retries)
    .bind(serde_json::to_string(&ident.body)?)
    .bind(sandbox.clock.now_ms())
    .bind(&ident.id)
    .execute(&sandbox.db.writer)
    .await?;
    Ok(())
}

/// Changes the status, keeps it, and fires the `IDENTIFICATION` webhook.
pub async fn set_status(
    sandbox: &Sandbox,
    ident: &mut Ident,
    status: &str,
    failure_reason: Option<&str>,
) -> ApiResult<()> {
    ident.body.insert("status".into(), json!(status));
    ident
        .body
        .insert("failure_reason".into(), json!(failure_reason));
    if matches!(status, "successful" | "failed") {
        ident.body.insert(
            "completed_at".into(),
            json!(format_utc_millis(sandbox.clock.now_ms())),
        );
    }
    save(sandbox, ident).await?;
    tracing::info!(identification_id = %ident.id, status, "sandbox identification status");
    let payload = json!({
        "id": ident.id,
        "reference": ident.body.get("reference"),
        "url": ident.body.get("url"),
        "status": status,
        "completed_at": ident.body.get("completed_at"),
        "method": ident.body.get("method"),
    });
    delivery::notify(sandbox, "IDENTIFICATION", &ident.id, payload).await
}

/// A step scheduled on the sandbox clock.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    CallEnds { outcome: Outcome },
    ReviewEnds { outcome: Outcome },
    LateCancel,
    Expire,
}

pub async fn schedule(
    sandbox: &Sandbox,
    ident_id: &str,
    due_at: i64,
    action: &Action,
) -> ApiResult<()> {
    sqlx::query(
        "insert into sandbox_event (id, identification_id, due_at, action, created_at) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(ids::plain())
    .bind(ident_id)
    .bind(due_at)
    .bind(serde_json::to_string(action)?)
    .bind(sandbox.clock.now_ms())
    .execute(&sandbox.db.writer)
    .await?;
    sandbox.wake.notify_one();
    Ok(())
}

fn timing(sandbox: &Sandbox) -> Timing {
    Timing {
        scale: sandbox.settings.time_scale,
    }
}

/// The customer (or the robot) starts the call: the status is `pending` again on a retry, and
/// IDnow registers the mobile number it will send the ident code to.
pub(crate) async fn start_call(
    sandbox: &Sandbox,
    ident: &mut Ident,
    mobile_number: &str,
) -> ApiResult<()> {
    let retry = matches!(ident.status(), "aborted" | "canceled");
    if retry {
        ident.retries += 1;
    }
    ident.session_state = session::IN_CALL.into();
    ident.code_attempts = 0;
    ident
        .body
        .insert("_mobile_number".into(), json!(mobile_number));
    if retry {
        set_status(sandbox, ident, "pending", None).await?;
    } else {
        save(sandbox, ident).await?;
    }
    // Unless the person has a number already (a retry, or one the partner registered).
    super::mobile::register(sandbox, &ident.person_id, mobile_number)
        .await
        .map(|_| ())
}

/// Starts the automated session of an `X-AUTOTEST` identification.
pub(crate) async fn start_automated_call(sandbox: &Sandbox, ident: &mut Ident) -> ApiResult<()> {
    start_call(sandbox, ident, "+15550101").await?;
    let case = ident
        .scenario
        .case
        .unwrap_or(super::scenario::Case::Happypath);
    let outcome = Outcome::of_case(case, ident.retries > 0);
    let due = sandbox.clock.now_ms() + timing(sandbox).call();
    schedule(sandbox, &ident.id, due, &Action::CallEnds { outcome }).await
}

/// The end of the call, at sandbox time `at`: what the agent decided takes effect and the
/// review is scheduled.
pub(crate) async fn end_call(
    sandbox: &Sandbox,
    ident: &mut Ident,
    outcome: Outcome,
    at: i64,
) -> ApiResult<()> {
    record_attempt(sandbox, ident, &outcome, at).await?;
    let review_due = |long: bool| at + timing(sandbox).review(long);
    match &outcome {
        Outcome::Abort { reason } => {
            ident.session_state = session::WAITING.into();
            return set_status(sandbox, ident, "aborted", Some(reason)).await;
        }
        Outcome::Success {
            change,
            long_review,
            ..
        } => {
            if *change == Some(ChangeAt::Call) {
                change_person_data(sandbox, &ident.person_id).await?;
            }
            ident.session_state = session::IN_REVIEW.into();
            if *long_review {
                // The call went well and the review takes its time: still `pending` (the
                // guide's appendix II knows no other way to `successful`), and IDnow has
                // verified the mobile number with the ident code.
                super::mobile::mark_verified(sandbox, &ident.person_id).await?;
            }
            save(sandbox, ident).await?;
            let due = review_due(*long_review);
            schedule(sandbox, &ident.id, due, &Action::ReviewEnds { outcome }).await?;
        }
        Outcome::FraudOk => {
            ident.session_state = session::IN_REVIEW.into();
            set_status(
                sandbox,
                ident,
                "canceled",
                Some("OTHER_MISCELLANEOUS_TEMPORARY"),
            )
            .await?;
            schedule(
                sandbox,
                &ident.id,
                review_due(false),
                &Action::ReviewEnds { outcome },
            )
            .await?;
        }
        Outcome::Fraud => {
            ident.session_state = session::IN_REVIEW.into();
            set_status(sandbox, ident, "pending_failed", None).await?;
            schedule(
                sandbox,
                &ident.id,
                review_due(false),
                &Action::ReviewEnds { outcome },
            )
            .await?;
        }
        Outcome::CancelInReview { .. } => {
            ident.session_state = session::IN_REVIEW.into();
            save(sandbox, ident).await?;
            schedule(
                sandbox,
                &ident.id,
                review_due(false),
                &Action::ReviewEnds { outcome },
            )
            .await?;
        }
    }
    Ok(())
}

async fn succeed(sandbox: &Sandbox, ident: &mut Ident) -> ApiResult<()> {
    let mut person = persons::load(sandbox, &ident.person_id).await?;
    person.insert("screening_progress".into(), json!("SCREENED_ACCEPTED"));
    person.insert("risk_classification_status".into(), json!("RISK_ACCEPTED"));
    person.insert("customer_vetting_status".into(), json!("RISK_ACCEPTED"));
    persons::store(sandbox, &ident.person_id, &person).await?;
    // The address read from the ID document, as Solaris reports it on the identification.
    ident.body.insert(
        "address".into(),
        person.get("address").cloned().unwrap_or(Value::Null),
    );
    documents::generate(sandbox, &ident.person_id, &ident.id).await?;
    super::mobile::mark_verified(sandbox, &ident.person_id).await?;
    ident.session_state = session::DONE.into();
    set_status(sandbox, ident, "successful", None).await
}

async fn review_ends(
    sandbox: &Sandbox,
    ident: &mut Ident,
    outcome: Outcome,
    at: i64,
) -> ApiResult<()> {
    match outcome {
        Outcome::Success {
            change,
            later_cancel,
            ..
        } => {
            if change == Some(ChangeAt::Review) {
                change_person_data(sandbox, &ident.person_id).await?;
            }
            finish_attempt(sandbox, ident, "SUCCESS", None).await?;
            succeed(sandbox, ident).await?;
            if later_cancel {
                let due = at + timing(sandbox).review(false);
                schedule(sandbox, &ident.id, due, &Action::LateCancel).await?;
            }
            Ok(())
        }
        Outcome::FraudOk => {
            finish_attempt(sandbox, ident, "SUCCESS", None).await?;
            succeed(sandbox, ident).await
        }
        Outcome::Fraud => {
            finish_attempt(sandbox, ident, "FRAUD_SUSPICION_CONFIRMED", None).await?;
            ident.session_state = session::DONE.into();
            set_status(sandbox, ident, "failed", None).await
        }
        Outcome::CancelInReview { reason } => {
            finish_attempt(sandbox, ident, "CANCELED", Some(&reason)).await?;
            ident.session_state = session::WAITING.into();
            set_status(sandbox, ident, "canceled", Some(&reason)).await
        }
        Outcome::Abort { .. } => Ok(()),
    }
}

async fn run_action(sandbox: &Sandbox, ident_id: &str, action: Action, at: i64) -> ApiResult<()> {
    let mut ident = load(sandbox, ident_id).await?;
    match action {
        Action::CallEnds { outcome } if ident.session_state == session::IN_CALL => {
            end_call(sandbox, &mut ident, outcome, at).await
        }
        Action::ReviewEnds { outcome } if ident.session_state == session::IN_REVIEW => {
            review_ends(sandbox, &mut ident, outcome, at).await
        }
        Action::LateCancel if ident.status() == "successful" => {
            // Guide appendix II, case 3: fraud found in a review after success; the attempt's
            // result says so too.
            ident.session_state = session::WAITING.into();
            finish_attempt(sandbox, &ident, "CANCELED", Some("BAD_PHOTO_QUALITY")).await?;
            set_status(sandbox, &mut ident, "canceled", Some("BAD_PHOTO_QUALITY")).await
        }
        Action::Expire
            if ident.session_state == session::WAITING
                && matches!(ident.status(), "pending" | "aborted" | "canceled") =>
        {
            ident.session_state = session::DONE.into();
            set_status(sandbox, &mut ident, "expired", None).await
        }
        // The identification moved on in the meantime (a retry, a final state): nothing to do.
        _ => Ok(()),
    }
}

/// Runs every scheduled step whose time has come, oldest first, including steps that those
/// steps schedule within the same time.
pub(crate) async fn run_due(sandbox: &Sandbox) -> ApiResult<usize> {
    // One runner at a time in this process: a clock advance waits for the steps the
    // background runner is in the middle of, so its answer reflects every step now due.
    let _running = sandbox.steps_lock.lock().await;
    let mut ran = 0;
    loop {
        let due: Vec<(String, String, i64, String)> = sqlx::query_as(
            "select id, identification_id, due_at, action from sandbox_event \
             where due_at <= $1 order by due_at, created_at limit 50",
        )
        .bind(sandbox.clock.now_ms())
        .fetch_all(&sandbox.db.pool)
        .await?;
        if due.is_empty() {
            return Ok(ran);
        }
        for (event_id, ident_id, due_at, action) in due {
            // Whoever deletes the row runs the step, so two instances never run it twice.
            let claimed = sqlx::query("delete from sandbox_event where id = $1")
                .bind(&event_id)
                .execute(&sandbox.db.writer)
                .await?;
            if claimed.rows_affected() != 1 {
                continue;
            }
            match serde_json::from_str::<Action>(&action) {
                Ok(action) => {
                    if let Err(e) = run_action(sandbox, &ident_id, action, due_at).await {
                        tracing::error!(identification_id = %ident_id, errors = ?e.errors, "sandbox step failed");
                    }
                }
                Err(e) => tracing::error!(event_id, error = %e, "unreadable sandbox step"),
            }
            ran += 1;
        }
    }
}

/// Keeps running due steps until the process ends.
pub(crate) async fn run_forever(sandbox: Sandbox) {
    loop {
        if let Err(e) = run_due(&sandbox).await {
            tracing::error!(errors = ?e.errors, "sandbox scheduler");
        }
        let _ = tokio::time::timeout(
            std::time::Duration::from_millis(100),
            sandbox.wake.notified(),
        )
        .await;
    }
}

/// CHANGEALL: the agent corrects every editable field, with the non-ASCII letters IDnow
/// supports, and Solaris tells the partner with `PERSON_CHANGED`.
pub(crate) async fn change_person_data(sandbox: &Sandbox, person_id: &str) -> ApiResult<()> {
    let mut person = persons::load(sandbox, person_id).await?;
    let changes = json!({
        "first_name": "Zoë Łucja",
        "last_name": "Ångström-Müller",
        "birth_name": "Ørsted",
        "birth_city": "Görlitz",
        "birth_date": "1990-02-03",
        "nationality": "DE",
        "address": {
            "line_1": "Straße des Übergangs",
            "line_2": "7a",
            "postal_code": "10997",
            "city": "Berlin",
            "country": "DE"
        }
    });
    if let Value::Object(changes) = changes {
        person.extend(changes);
    }
    persons::store(sandbox, person_id, &person).await?;
    delivery::notify(sandbox, "PERSON_CHANGED", person_id, json!({})).await
}

/// IDnow's `userdata` fields and where the person holds them.
const USERDATA: &[(&str, &str, Option<&str>)] = &[
    ("firstname", "first_name", None),
    ("lastname", "last_name", None),
    ("birthday", "birth_date", None),
    ("birthplace", "birth_city", None),
    ("nationality", "nationality", None),
    ("street", "address", Some("line_1")),
    ("zipcode", "address", Some("postal_code")),
    ("city", "address", Some("city")),
    ("country", "address", Some("country")),
];

/// IDnow's `userdata` of the person: each field `MATCH`, or, against the values the call
/// started from (`before`, an earlier `userdata`), `CHANGE` with the `original` value.
fn userdata(person: &serde_json::Map<String, Value>, before: Option<&Value>) -> Value {
    let mut out = serde_json::Map::new();
    let mut address = serde_json::Map::new();
    for (name, field, part) in USERDATA {
        let value = match part {
            None => person.get(*field).cloned(),
            Some(part) => person.get(*field).and_then(|a| a.get(*part)).cloned(),
        }
        .unwrap_or(Value::Null);
        let original = before.and_then(|b| match part {
            None => b.get(*name),
            Some(_) => b.get("address").and_then(|a| a.get(*name)),
        });
        let original = original.and_then(|o| o.get("original").or_else(|| o.get("value")));
        let item = match original {
            Some(o) if *o != value => json!({ "status": "CHANGE", "value": value, "original": o }),
            _ => json!({ "status": "MATCH", "value": value }),
        };
        match part {
            None => out.insert((*name).into(), item),
            Some(_) => address.insert((*name).into(), item),
        };
    }
    out.insert("address".into(), Value::Object(address));
    Value::Object(out)
}

/// Whether a `userdata` field (the address's parts included) is a `CHANGE`.
fn has_change(data: &Value) -> bool {
    match data.get("status") {
        Some(status) => status == "CHANGE",
        None => data
            .as_object()
            .is_some_and(|fields| fields.values().any(has_change)),
    }
}

/// The final IDnow result of the identification's last call, after its review: `SUCCESS`, or
/// `SUCCESS_DATA_CHANGED` with the original values where the agent changed the data, or the
/// review's refusal (`FRAUD_SUSPICION_CONFIRMED`, `CANCELED` with its reason).
async fn finish_attempt(
    sandbox: &Sandbox,
    ident: &Ident,
    result: &str,
    reason: Option<&str>,
) -> ApiResult<()> {
    let last: Option<(String, String)> = sqlx::query_as(
        "select id, body from sandbox_idnow_attempt where identification_id = $1 \
         order by created_at desc, id desc limit 1",
    )
    .bind(&ident.id)
    .fetch_optional(&sandbox.db.pool)
    .await?;
    let Some((id, body)) = last else {
        return Ok(());
    };
    let mut body: Value = serde_json::from_str(&body)?;
    let person = persons::load(sandbox, &ident.person_id).await?;
    let data = userdata(&person, body["payload"].get("userdata"));
    let result = if result == "SUCCESS" && has_change(&data) {
        "SUCCESS_DATA_CHANGED"
    } else {
        result
    };
    body["result"] = json!(result);
    body["reason"] = json!(reason);
    body["payload"]["identificationprocess"]["result"] = json!(result);
    body["payload"]["identificationprocess"]["reason"] = json!(reason);
    body["payload"]["userdata"] = data;
    sqlx::query("update sandbox_idnow_attempt set body = $1 where id = $2")
        .bind(serde_json::to_string(&body)?)
        .bind(&id)
        .execute(&sandbox.db.writer)
        .await?;
    Ok(())
}

async fn record_attempt(
    sandbox: &Sandbox,
    ident: &Ident,
    outcome: &Outcome,
    at: i64,
) -> ApiResult<()> {
    let (result, reason) = match outcome {
        Outcome::Success { .. } | Outcome::CancelInReview { .. } => ("REVIEW_PENDING", None),
        Outcome::Abort { reason } => ("ABORTED", Some(reason.clone())),
        Outcome::FraudOk | Outcome::Fraud => ("FRAUD_SUSPICION_PENDING", None),
    };
    let person = persons::load(sandbox, &ident.person_id).await?;
    let field = |k: &str| person.get(k).cloned().unwrap_or(Value::Null);
    let id = ids::attempt_id();
    let body = json!({
        "id": id,
        "result": result,
        "reason": reason,
        "payload": {
            "identificationprocess": {
                "result": result,
                "reason": reason,
                "companyid": sandbox.settings.company_id,
                "agentname": "TROBOT",
                "identificationtime": format_utc(at),
                "id": ident.body.get("reference"),
                "transactionnumber": ident.id,
                "type": "WEB",
            },
            "contactdata": { "mobilephone": ident.body.get("_mobile_number"), "email": field("email") },
            "userdata": userdata(&person, None),
        }
    });
    sqlx::query(
        "insert into sandbox_idnow_attempt (id, identification_id, body, created_at) values ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(&ident.id)
    .bind(serde_json::to_string(&body)?)
    .bind(at)
    .execute(&sandbox.db.writer)
    .await?;
    Ok(())
}
