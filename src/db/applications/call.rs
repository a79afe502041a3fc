//! Where the customer's video call is, as far as our own pages see it: IDnow sent a browser
//! back (its session ended), the customer went to IDnow again, or opened the application on
//! another device. These facts change only the words of the customer's pages, never a status:
//! the status comes from Solaris alone.

use crate::db::{Db, StoreError};

/// IDnow sent a browser back with the transaction number of the application's current
/// identification: its session ended. Kept once until the customer goes to IDnow again; true
/// when it was stored now.
pub async fn call_ended(
    db: &Db,
    application_id: &str,
    identification_id: &str,
) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let stored = sqlx::query(
        "update application set call_ended_at = $1 where id = $2 and identification_id = $3 \
         and call_ended_at is null",
    )
    .bind(now)
    .bind(application_id)
    .bind(identification_id)
    .execute(&db.pool)
    .await?;
    Ok(stored.rows_affected() == 1)
}

/// The customer goes to IDnow (again): a call runs until IDnow sends them back.
pub async fn going_to_idnow(db: &Db, application_id: &str) -> Result<(), StoreError> {
    sqlx::query(
        "update application set call_ended_at = null where id = $1 and call_ended_at is not null",
    )
    .bind(application_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The customer opened the application on another device with the link for it.
pub async fn phone_joined(db: &Db, application_id: &str) -> Result<(), StoreError> {
    let now = db.now_ms();
    sqlx::query("update application set phone_joined_at = $1, updated_at = $1 where id = $2")
        .bind(now)
        .bind(application_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
