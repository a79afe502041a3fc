//! The identification's status as Solaris tells it (a webhook's read, reconciliation, the
//! request's answer): stored with what the change causes, as [`crate::domain::outcome`]
//! decides it; followed by the live stream and reconciliation.

use sqlx::Any;

use super::{status_from, status_text};
use crate::db::history::{self, Happened};
use crate::db::mail;
use crate::db::partner_events::{self, EventData};
use crate::db::work::{self, WorkKind};
use crate::db::{Db, StoreError};
use crate::domain::outcome::{outcome, Effects, StatusChange};
use crate::domain::{Identification, IdentificationStatus};

/// Stores what Solaris holds now for the identification the application holds (or, when
/// `created`, the one just created for it); when it has just become successful, queues a read
/// of the person, whose data IDnow may have corrected. Of a withdrawn application only the
/// status is kept (the staff's deletion needs it): nothing more is read of the person.
pub async fn record_identification(
    db: &Db,
    application_id: &str,
    ident: &Identification,
    created: bool,
) -> Result<Option<Transition>, StoreError> {
    let status = status_text(&ident.status)?;
    // A success, or a call still running, has no failure reason, even when Solaris leaves the
    // one of an earlier abort or cancel in the field.
    let reason = ident
        .failure_reason
        .as_ref()
        .map(|f| f.0.as_str())
        .filter(|_| ident.status.has_failure_reason());
    let at = db.now_ms();
    let mut tx = db.begin_write().await?;
    let before: Option<Before> = sqlx::query_as(&format!(
        "select identification_status, language, created_at, identification_requested_at, \
         person_id, withdrawn_at from application where id = $1{}",
        db.for_update()
    ))
    .bind(application_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(before) = before else {
        return Ok(None);
    };
    let before_status = before
        .identification_status
        .as_deref()
        .map(|s| status_from("application.identification_status", s))
        .transpose()?;
    // `withdrawn_at` as the update leaves it: a withdrawal committed meanwhile counts.
    let stored: Option<(Option<i64>,)> = sqlx::query_as(
        "update application set identification_id = $1, identification_status = $2, \
         identification_url = coalesce($3, identification_url), failure_reason = $4, \
         identification_completed_at = coalesce($5, identification_completed_at), \
         solaris_error = null, last_refresh_at = $6, status_changed_at = case \
         when identification_status = $2 then status_changed_at else $6 end, succeeded_at = case \
         when $2 = 'successful' then coalesce(succeeded_at, $6) when $2 = 'pending' then null \
         else succeeded_at end, reconcile_count = case \
         when identification_status = $2 then reconcile_count else 0 end, \
         reconcile_due_at = case when identification_status = $2 then reconcile_due_at end, \
         identification_requested_at = case when $2 = $9 then identification_requested_at \
         else coalesce(identification_requested_at, $6) end, \
         updated_at = $6 where id = $7 \
         and (identification_id = $1 or (identification_id is null and $8 = 1)) \
         returning withdrawn_at",
    )
    .bind(&ident.id)
    .bind(status)
    .bind(ident.url.as_deref())
    .bind(reason)
    .bind(ident.completed_at.as_deref())
    .bind(at)
    .bind(application_id)
    .bind(i64::from(created))
    .bind(IdentificationStatus::Created.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let withdrawn = match &stored {
        Some((withdrawn_at,)) => withdrawn_at.is_some(),
        None => before.withdrawn_at.is_some(),
    };
    let changed = before_status.as_ref() != Some(&ident.status);
    let told = changed && stored.is_some();
    let events_so_far = if told {
        let (n,): (i64,) =
            sqlx::query_as("select count(*) from partner_event where application_id = $1")
                .bind(application_id)
                .fetch_one(&mut *tx)
                .await?;
        n
    } else {
        0
    };
    let effects = outcome(&StatusChange {
        identification_id: &ident.id,
        before: before_status.as_ref(),
        now: &ident.status,
        failure_reason: reason,
        completed: ident.completed_at.is_some(),
        withdrawn,
        events_so_far,
    });
    if effects.read_person {
        work::enqueue(&mut tx, application_id, WorkKind::SyncPerson, at).await?;
    }
    if told {
        let data = EventData {
            person_id: before.person_id.as_deref(),
            identification_id: Some(&ident.id),
            status: Some(ident.status.as_str()),
            failure_reason: reason,
        };
        store_effects(&mut tx, application_id, &effects, &data, at).await?;
        if ident.status == IdentificationStatus::Successful {
            // Case 3 and then a successful retry: the staff's item says the account can go on.
            history::add_to_open(
                &mut *tx,
                at,
                application_id,
                crate::domain::Concern::CanceledAfterSuccess,
                &format!(" · then {} successful again", ident.id),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(changed.then_some(Transition {
        language: before.language,
        started_at: before.created_at,
        requested_at: before.identification_requested_at,
    }))
}

/// What [`record_identification`] reads of the application before it stores.
#[derive(sqlx::FromRow)]
struct Before {
    identification_status: Option<String>,
    language: String,
    created_at: i64,
    identification_requested_at: Option<i64>,
    person_id: Option<String>,
    withdrawn_at: Option<i64>,
}

/// Writes what a stored change of an identification's status causes ([`outcome`]), in its
/// transaction: the customer's mail, the bank's events, the history entry, the staff's item
/// and the read of the evidence.
async fn store_effects(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    effects: &Effects,
    data: &EventData<'_>,
    now: i64,
) -> Result<(), StoreError> {
    if let Some(mail) = &effects.mail {
        let due = now + effects.mail_after_ms;
        mail::enqueue_at(tx, application_id, mail.what, &mail.cause, now, due).await?;
    }
    for event in &effects.events {
        partner_events::enqueue(
            tx,
            application_id,
            event.what,
            &event.cause,
            data.clone(),
            now,
        )
        .await?;
    }
    let detail = &effects.history_detail;
    history::record(
        &mut **tx,
        now,
        application_id,
        Happened::Status,
        detail,
        None,
    )
    .await?;
    if let Some(concern) = &effects.concern {
        history::raise(
            &mut **tx,
            now,
            Some(application_id),
            concern.what,
            &concern.cause,
            detail,
        )
        .await?;
    }
    if effects.fetch_evidence {
        work::enqueue(tx, application_id, WorkKind::FetchEvidence, now).await?;
    }
    Ok(())
}

/// An identification status that changed, with what the metrics need to know of the
/// application (no personal data).
#[derive(Clone, Debug)]
pub struct Transition {
    /// `EN` or `DE`.
    pub language: String,
    /// When the application started (ms).
    pub started_at: i64,
    /// When the identification was requested (ms), if it was.
    pub requested_at: Option<i64>,
}

/// The status the live stream starts from (`created` until Solaris says more); `None` when the
/// application is gone.
pub(crate) async fn live_status(
    db: &Db,
    application_id: &str,
) -> Result<Option<IdentificationStatus>, StoreError> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "select identification_status from application where id = $1 and erased_at is null",
    )
    .bind(application_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(status,)| {
        status
            .as_deref()
            .map(|s| status_from("application.identification_status", s))
            .transpose()
            .map(|s| s.unwrap_or(IdentificationStatus::Created))
    })
    .transpose()
}

/// `(id, status)` of the applications changed since `since` (ms), for the live stream.
pub(crate) async fn changed_since(
    db: &Db,
    since: i64,
) -> Result<Vec<(String, IdentificationStatus)>, StoreError> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("select id, identification_status from application where updated_at >= $1")
            .bind(since)
            .fetch_all(&db.pool)
            .await?;
    rows.into_iter()
        .map(|(id, status)| {
            let status = status
                .as_deref()
                .map(|s| status_from("application.identification_status", s))
                .transpose()?
                .unwrap_or(IdentificationStatus::Created);
            Ok((id, status))
        })
        .collect()
}

/// A webhook named the application's identification or person: remember when, and restart
/// reconciliation's count. Returns the applications it concerns (not erased), each with
/// whether the customer withdrew it.
pub(in crate::db) async fn heard_from_solaris(
    tx: &mut sqlx::Transaction<'_, Any>,
    by_identification: bool,
    entity_id: &str,
    now: i64,
) -> Result<Vec<(String, bool)>, StoreError> {
    let sql = if by_identification {
        "update application set last_webhook_at = $1, reconcile_count = 0 \
         where identification_id = $2 and erased_at is null returning id, withdrawn_at"
    } else {
        "update application set last_webhook_at = $1, reconcile_count = 0 \
         where person_id = $2 and erased_at is null returning id, withdrawn_at"
    };
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(sql)
        .bind(now)
        .bind(entity_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, withdrawn_at)| (id, withdrawn_at.is_some()))
        .collect())
}

/// How long reconciliation follows an identification after its request: its link lives 14
/// days, after which Solaris reports it `expired`; one more day covers a late answer.
pub(crate) const RECONCILE_FOR_MS: i64 = 15 * 24 * 3600 * 1000;

/// How often reconciliation reads a `successful` identification again without news: a review
/// that cancels it (the guide's case 3) comes as a webhook; these few reads, with growing gaps,
/// are the safety net for a lost one.
pub(crate) const SUCCESS_READS: i64 = 5;

/// Queues a status read for every application whose identification can still change, whose
/// last webhook is older than `after_ms` and whose next read is due: `after_ms` after the last
/// status learned, then doubling per read without news up to `max_wait_ms`, until the status is
/// final or [`RECONCILE_FOR_MS`] after the request. Returns how many were queued.
pub(crate) async fn queue_reconciliation_reads(
    db: &Db,
    after_ms: i64,
    max_wait_ms: i64,
) -> Result<usize, StoreError> {
    let now = db.now_ms();
    // The open statuses are the enum's own constants, never input.
    let open = IdentificationStatus::OPEN
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let due = "coalesce(reconcile_due_at, coalesce(last_refresh_at, 0) + $2) <= $1 \
               and coalesce(last_webhook_at, 0) < $1 - $2";
    let candidates: Vec<(String, i64)> = sqlx::query_as(&format!(
        "select id, reconcile_count from application where identification_status in ({open}) \
         and identification_id is not null and erased_at is null and withdrawn_at is null \
         and coalesce(identification_requested_at, last_refresh_at, 0) > $1 - $3 and {due} \
         and (identification_status <> $4 or reconcile_count < $5)"
    ))
    .bind(now)
    .bind(after_ms)
    .bind(RECONCILE_FOR_MS)
    .bind(IdentificationStatus::Successful.as_str())
    .bind(SUCCESS_READS)
    .fetch_all(&db.pool)
    .await?;
    let mut queued = 0;
    for (id, count) in candidates {
        let next = now
            + after_ms
                .saturating_mul(1 << (count + 1).clamp(0, 30))
                .min(max_wait_ms);
        let mut tx = db.begin_write().await?;
        // The conditional update makes one instance win when several reconcile at once.
        let claimed = sqlx::query(&format!(
            "update application set last_refresh_at = $1, reconcile_count = reconcile_count + 1, \
             reconcile_due_at = $3 where id = $4 and {due}"
        ))
        .bind(now)
        .bind(after_ms)
        .bind(next)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 1 {
            work::enqueue_read(&mut tx, &id, WorkKind::RefreshIdentification, now).await?;
            queued += 1;
        }
        tx.commit().await?;
    }
    Ok(queued)
}
