//! What the two outboxes share (`mail` for customers, `partner_event` for the bank's systems):
//! a sender takes a row with a lease, so that two instances never send it twice; it ends the
//! row, or hands it back to be tried again later.

use super::history::{Happened, Queued};
use super::{Db, StoreError};

/// One of the outbox tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outbox {
    Mail,
    PartnerEvent,
}

impl Outbox {
    fn table(self) -> &'static str {
        match self {
            Outbox::Mail => "mail",
            Outbox::PartnerEvent => "partner_event",
        }
    }

    /// The state of a row that went out, and the column that records when.
    fn done(self) -> (&'static str, &'static str) {
        match self {
            Outbox::Mail => ("sent", "sent_at"),
            Outbox::PartnerEvent => ("delivered", "delivered_at"),
        }
    }
}

/// Takes a waiting row for `owner` until `lease_until`, counting the attempt; false when
/// another sender was first.
pub(crate) async fn claim(
    db: &Db,
    outbox: Outbox,
    id: &str,
    owner: &str,
    now: i64,
    lease_until: i64,
) -> Result<bool, StoreError> {
    let claimed = sqlx::query(&format!(
        "update {} set lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
         where id = $3 and state = 'waiting' and (lease_until is null or lease_until < $4)",
        outbox.table()
    ))
    .bind(owner)
    .bind(lease_until)
    .bind(id)
    .bind(now)
    .execute(&db.writer)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Ends a row its owner holds in `state`; `why` is kept for staff (never personal data).
pub async fn end(
    db: &Db,
    outbox: Outbox,
    id: &str,
    owner: &str,
    state: &str,
    why: Option<&str>,
) -> Result<(), StoreError> {
    let now = db.now_ms();
    let (done_state, done_at) = outbox.done();
    let at = (state == done_state).then_some(now);
    let mut tx = db.begin_write().await?;
    let ended = sqlx::query(&format!(
        "update {} set state = $1, {done_at} = $2, last_error = $3, lease_owner = null, \
         lease_until = null where id = $4 and lease_owner = $5",
        outbox.table()
    ))
    .bind(state)
    .bind(at)
    .bind(why)
    .bind(id)
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    // A mail sent, or refused for good, is part of the application's history.
    let happened = match (outbox, state) {
        (Outbox::Mail, "sent") => Some(Happened::MailSent),
        (Outbox::Mail, "failed") => Some(Happened::MailFailed),
        _ => None,
    };
    if let (Some(happened), 1) = (happened, ended.rows_affected()) {
        super::history::record_for(&mut *tx, now, Queued::Mail, id, happened, "").await?;
    }
    Ok(tx.commit().await?)
}

/// The receiver did not take the row: its owner hands it back, due at `due_at`.
pub(crate) async fn retry_later(
    db: &Db,
    outbox: Outbox,
    id: &str,
    owner: &str,
    why: &str,
    due_at: i64,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "update {} set due_at = $1, last_error = $2, lease_owner = null, lease_until = null \
         where id = $3 and lease_owner = $4",
        outbox.table()
    ))
    .bind(due_at)
    .bind(why)
    .bind(id)
    .bind(owner)
    .execute(&db.writer)
    .await?;
    Ok(())
}
