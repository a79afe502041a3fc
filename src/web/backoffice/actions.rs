//! What staff do to an application: retry failed work, replay a webhook delivery, read the
//! identification now, erase on a data-subject request. Each is in the audit log and the
//! timeline.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::case::detail_view;
use super::case_data::load;
use super::{OfficeError, OfficeResult, Staff};
use crate::db::history::{self, Happened};
use crate::db::staff::Role;
use crate::db::work::WorkKind;
use crate::db::{applications, records, webhooks, work};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// Checks a reviewer's action form and records it; then the page of the application says
/// `done` (or that nothing was done).
pub(super) async fn act(
    staff: &Staff,
    id: &str,
    form: &ActionForm,
    role: Role,
    action: &str,
    detail: &str,
) -> Result<(), OfficeError> {
    staff.require(role)?;
    staff.check_form(&form.csrf)?;
    staff.audit(action, Some(id), Some(detail)).await?;
    history::record(
        &staff.office.db.writer,
        staff.office.db.now_ms(),
        id,
        Happened::Staff,
        format!("{action} {detail}").trim_end(),
        Some(&staff.actor()),
    )
    .await?;
    Ok(())
}

pub(super) fn back_to(id: &str, done: bool, what: &str) -> Response {
    let done = if done { what } else { "nothing" };
    Redirect::to(&format!("/backoffice/applications/{id}?done={done}")).into_response()
}

pub(crate) async fn retry_work(
    staff: Staff,
    Path((id, work_id)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> OfficeResult {
    act(&staff, &id, &form, Role::Reviewer, "retry_work", &work_id).await?;
    let retried = work::retry_failed_work(&staff.office.db, &id, &work_id).await?;
    staff.office.work.notify_one();
    Ok(back_to(&id, retried, "retry"))
}

pub(crate) async fn replay_webhook(
    staff: Staff,
    Path((id, webhook_id)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> OfficeResult {
    act(
        &staff,
        &id,
        &form,
        Role::Reviewer,
        "replay_webhook",
        &webhook_id,
    )
    .await?;
    let replayed = webhooks::replay(&staff.office.db, &webhook_id).await?;
    staff.office.work.notify_one();
    Ok(back_to(&id, replayed, "replay"))
}

pub(crate) async fn read_now(
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> OfficeResult {
    act(
        &staff,
        &id,
        &form,
        Role::Reviewer,
        "read_identification",
        "",
    )
    .await?;
    let record = records::application(&staff.office.db, &id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let can = record.identification_id.is_some() && record.erased_at.is_none();
    if can {
        work::enqueue_one(&staff.office.db, &id, WorkKind::RefreshIdentification).await?;
        staff.office.work.notify_one();
    }
    Ok(back_to(&id, can, "read"))
}

pub async fn erase(
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> OfficeResult {
    staff.require(Role::Admin)?;
    staff.check_form(&form.csrf)?;
    let reason = form.reason.trim();
    let t = staff.lang.staff();
    let problem = if reason.is_empty() {
        Some(t.reason_required)
    } else if super::unusable_text(reason) {
        Some(t.text_unusable)
    } else {
        None
    };
    if problem.is_some() {
        let loaded = load(&staff, &id).await?;
        return Ok(detail_view(
            &staff,
            &id,
            loaded,
            "",
            problem,
            &super::shown_again(&form.reason),
        ));
    }
    staff
        .audit("erase_personal_data", Some(&id), Some(reason))
        .await?;
    let erased = applications::erase_on_request(&staff.office.db, &id, &staff.actor()).await?;
    if erased {
        tracing::info!(application_id = %id, staff_id = %staff.account.id, "personal data erased on a data-subject request");
    }
    Ok(back_to(&id, erased, "erase"))
}
