//! The `mail` outbox and the `resume_token` links into applications.
//!
//! A mail row is written in the transaction of the change that causes it, at most once per
//! (application, cause), and taken by one sender at a time with a lease, so two instances and
//! a restarted sender never send it twice. The row holds no address and no text.

use sqlx::Any;

use super::{Db, StoreError};
use crate::domain::IdentificationStatus;
pub use crate::domain::{MailKind, Purpose};

/// Queues a mail, due at once, inside the caller's transaction at `now`; nothing when the
/// application already has one for `cause`.
pub(crate) async fn enqueue(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    kind: MailKind,
    cause: &str,
    now: i64,
) -> Result<(), StoreError> {
    enqueue_at(tx, application_id, kind, cause, now, now).await
}

/// Queues a mail due at `due` (ms), once per (application, cause).
pub(crate) async fn enqueue_at(
    tx: &mut sqlx::Transaction<'_, Any>,
    application_id: &str,
    kind: MailKind,
    cause: &str,
    now: i64,
    due: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into mail (id, application_id, cause, kind, state, created_at, due_at) \
         values ($1, $2, $3, $4, 'waiting', $5, $6) on conflict do nothing",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(application_id)
    .bind(cause)
    .bind(kind.as_str())
    .bind(now)
    .bind(due)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A mail due to be sent.
#[derive(Clone, Debug)]
pub struct DueMail {
    pub id: String,
    pub application_id: String,
    pub kind: MailKind,
    pub attempts: i64,
}

/// Waiting mails due at `now`, oldest first, that no sender holds.
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<DueMail>, StoreError> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "select id, application_id, kind, attempts from mail where state = 'waiting' \
         and due_at <= $1 and (lease_until is null or lease_until < $1) \
         order by due_at, created_at limit $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, application_id, kind, attempts)| {
            let kind = MailKind::parse(&kind).ok_or(StoreError::Corrupt {
                column: "mail.kind",
                why: format!("unknown kind {kind:?}"),
            })?;
            Ok(DueMail {
                id,
                application_id,
                kind,
                attempts,
            })
        })
        .collect()
}

/// How a claimed mail ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    Sent,
    /// Nothing to send it to, or no longer true.
    Dropped,
    /// The mail server refused it for good.
    Failed,
}

impl Ending {
    pub fn state(self) -> &'static str {
        match self {
            Ending::Sent => "sent",
            Ending::Dropped => "dropped",
            Ending::Failed => "failed",
        }
    }
}

/// Mails waiting to be sent, and the age of the oldest due one (ms), for the metrics.
pub async fn waiting(db: &Db, now: i64) -> Result<(i64, i64), StoreError> {
    let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
        "select count(*), min(case when due_at <= $1 then due_at end) from mail \
         where state = 'waiting'",
    )
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok((count, oldest.map_or(0, |t| (now - t).max(0))))
}

/// What a mail is rendered from, besides the application itself.
#[derive(Clone, Debug)]
pub(crate) struct MailFacts {
    /// `EN` or `DE`, as confirmed with the review.
    pub language: String,
    pub identification_requested_at: Option<i64>,
    pub reminders_stopped: bool,
}

pub(crate) async fn facts(db: &Db, application_id: &str) -> Result<Option<MailFacts>, StoreError> {
    let row: Option<(Option<String>, Option<i64>, Option<i64>)> = sqlx::query_as(
        "select language, identification_requested_at, reminders_stopped_at from application \
         where id = $1",
    )
    .bind(application_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(language, requested, stopped)| MailFacts {
        language: language.unwrap_or_else(|| "EN".into()),
        identification_requested_at: requested,
        reminders_stopped: stopped.is_some(),
    }))
}

/// A day and an hour, in ms.
pub const HOUR_MS: i64 = 3600 * 1000;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;
/// How long an IDnow link lives after it was requested (the guide: 14 days).
pub(crate) const LINK_VALID_MS: i64 = 14 * DAY_MS;
/// The expiry notice goes out this long before the link expires.
pub(crate) const EXPIRY_NOTICE_MS: i64 = 2 * DAY_MS;

/// Queues what is due at `now`: the reminders 24 and 72 hours after the review was confirmed
/// while the customer has not finished the call (the second at least a day after the first),
/// and the notice two days before the IDnow link expires. Idempotent: each cause once.
pub async fn schedule(db: &Db, now: i64) -> Result<u64, StoreError> {
    let waiting: Vec<&'static str> = IdentificationStatus::WAITING_FOR_THE_CUSTOMER
        .iter()
        .map(|s| s.as_str())
        .collect();
    // The customer can still act: not withdrawn, not erased, reminders not stopped, and the
    // call not done (a `canceled` after a completed call is the review's, not theirs).
    let open = "a.withdrawn_at is null and a.erased_at is null and a.reminders_stopped_at is null \
         and a.person_request is not null \
         and (a.identification_status is null or (a.identification_status in ($3, $4, $5, $6) \
              and not (a.identification_status = $6 and a.identification_completed_at is not null)))";
    let mut queued = 0;
    let mut tx = db.begin_write().await?;
    for (cause, after, earlier) in [
        ("reminder-2", 3 * DAY_MS, Some("reminder-1")),
        ("reminder-1", DAY_MS, None),
    ] {
        let earlier_sent = match earlier {
            Some(e) => format!(
                "and exists (select 1 from mail m where m.application_id = a.id and m.cause = '{e}' \
                 and m.created_at <= $1 - {DAY_MS})"
            ),
            None => String::new(),
        };
        let q = format!(
            "insert into mail (id, application_id, cause, kind, state, created_at, due_at) \
             select 'm' || a.id || '{cause}', a.id, '{cause}', 'reminder', 'waiting', $1, $1 \
             from application a where {open} and a.submitted_at <= $1 - $2 {earlier_sent} \
             on conflict do nothing"
        );
        queued += sqlx::query(&q)
            .bind(now)
            .bind(after)
            .bind(waiting[0])
            .bind(waiting[1])
            .bind(waiting[2])
            .bind(waiting[3])
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    let notice = format!(
        "insert into mail (id, application_id, cause, kind, state, created_at, due_at) \
         select 'm' || a.id || a.identification_id, a.id, 'expiry:' || a.identification_id, \
         'expiry_soon', 'waiting', $1, $1 from application a where {open} \
         and a.identification_id is not null and a.identification_requested_at <= $1 - $2 \
         and a.identification_requested_at > $1 - $7 \
         on conflict do nothing"
    );
    queued += sqlx::query(&notice)
        .bind(now)
        .bind(LINK_VALID_MS - EXPIRY_NOTICE_MS)
        .bind(waiting[0])
        .bind(waiting[1])
        .bind(waiting[2])
        .bind(waiting[3])
        .bind(LINK_VALID_MS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(queued)
}

/// The customer stopped the reminders; false when the application is gone.
pub(crate) async fn stop_reminders(db: &Db, application_id: &str) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    let stopped = sqlx::query(
        "update application set reminders_stopped_at = coalesce(reminders_stopped_at, $1) \
         where id = $2",
    )
    .bind(now)
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update mail set state = 'dropped', last_error = 'reminders stopped' \
         where application_id = $1 and state = 'waiting' and kind in ('reminder', 'expiry_soon') \
         and lease_owner is null",
    )
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(stopped.rows_affected() == 1)
}

/// Device mails an application may ask for.
pub(crate) const DEVICE_MAILS: i64 = 3;

/// Queues the link for another device by mail; false when the application had its
/// [`DEVICE_MAILS`] already.
pub(crate) async fn request_device_mail(db: &Db, application_id: &str) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let (sent,): (i64,) =
        sqlx::query_as("select count(*) from mail where application_id = $1 and kind = 'device'")
            .bind(application_id)
            .fetch_one(&mut *tx)
            .await?;
    if sent >= DEVICE_MAILS {
        tx.rollback().await?;
        return Ok(false);
    }
    let cause = format!("device-{}", sent + 1);
    enqueue(
        &mut tx,
        application_id,
        MailKind::Device,
        &cause,
        db.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// How long a `device` link (the QR code on a page) works: each view of the page shows a new
/// one, and the phone may take a while to open it.
pub(crate) const DEVICE_LINK_MS: i64 = HOUR_MS;

/// Stores a new link's hash; the application's `device` links past their hour go.
pub(crate) async fn store_link(
    db: &Db,
    application_id: &str,
    purpose: Purpose,
    hash: &str,
) -> Result<(), StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    if purpose == Purpose::Device {
        sqlx::query(
            "delete from resume_token where application_id = $1 and purpose = 'device' \
             and created_at < $2",
        )
        .bind(application_id)
        .bind(now - DEVICE_LINK_MS)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "insert into resume_token (hash, application_id, purpose, created_at) \
         values ($1, $2, $3, $4)",
    )
    .bind(hash)
    .bind(application_id)
    .bind(purpose.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets a link that was never delivered (its mail could not be sent).
pub(crate) async fn revoke_link(db: &Db, hash: &str) -> Result<(), StoreError> {
    sqlx::query("update resume_token set revoked_at = $1 where hash = $2")
        .bind(db.now_ms())
        .bind(hash)
        .execute(&db.writer)
        .await?;
    Ok(())
}

/// The application a link that is not revoked (nor a `device` link past its hour) leads to, if
/// its purpose is one of `purposes`.
pub(crate) async fn link_application(
    db: &Db,
    hash: &str,
    purposes: &[Purpose],
) -> Result<Option<String>, StoreError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "select application_id, purpose from resume_token where hash = $1 and revoked_at is null \
         and (purpose <> 'device' or created_at >= $2)",
    )
    .bind(hash)
    .bind(db.now_ms() - DEVICE_LINK_MS)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|(application_id, purpose)| {
        Purpose::parse(&purpose)
            .filter(|p| purposes.contains(p))
            .map(|_| application_id)
    }))
}

/// Wrong dates of birth that lock an application's links.
pub(crate) const WRONG_ANSWERS_LOCK: i64 = 5;

/// What a guess at the date of birth found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Guess {
    /// Right: the count of wrong ones starts again.
    Right,
    /// Wrong, with the tries left before the links lock.
    Wrong { tries_left: i64 },
    /// Wrong, and the one that locked the links; a new one is on its way to the address on file.
    Locked,
    /// The link no longer works (locked or revoked by another guess meanwhile): not counted.
    LinkGone,
}

/// Counts one guess at the application's date of birth through the link `hash`, in one
/// transaction that holds the application's row: the link is checked, the guess counted and,
/// at the fifth wrong one, every resume and device link locked and one fresh link queued by
/// mail. Guesses sent at once take turns, so five are compared at most and one mail is sent.
pub(crate) async fn guess_birth_date(
    db: &Db,
    application_id: &str,
    hash: &str,
    right: bool,
) -> Result<Guess, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    // First the row, so that a concurrent guess waits here until this one is committed.
    let (failures, locks): (i64, i64) = sqlx::query_as(&format!(
        "select resume_failures, resume_locks from application where id = $1{}",
        db.for_update()
    ))
    .bind(application_id)
    .fetch_one(&mut *tx)
    .await?;
    let (working,): (i64,) = sqlx::query_as(
        "select count(*) from resume_token where hash = $1 and application_id = $2 \
         and revoked_at is null and (purpose <> 'device' or created_at >= $3)",
    )
    .bind(hash)
    .bind(application_id)
    .bind(now - DEVICE_LINK_MS)
    .fetch_one(&mut *tx)
    .await?;
    if working == 0 {
        return Ok(Guess::LinkGone);
    }
    if right {
        sqlx::query("update application set resume_failures = 0 where id = $1")
            .bind(application_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Guess::Right);
    }
    let failures = failures + 1;
    if failures < WRONG_ANSWERS_LOCK {
        sqlx::query("update application set resume_failures = $1 where id = $2")
            .bind(failures)
            .bind(application_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Guess::Wrong {
            tries_left: WRONG_ANSWERS_LOCK - failures,
        });
    }
    sqlx::query(
        "update resume_token set revoked_at = $1 where application_id = $2 \
         and purpose in ('resume', 'device') and revoked_at is null",
    )
    .bind(now)
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update application set resume_failures = 0, resume_locks = resume_locks + 1 where id = $1",
    )
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    let cause = format!("relink-{}", locks + 1);
    enqueue(&mut tx, application_id, MailKind::Relink, &cause, now).await?;
    tx.commit().await?;
    Ok(Guess::Locked)
}
