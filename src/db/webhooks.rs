//! Our Solaris webhook subscriptions (`webhook_subscription`, one row per event type with its
//! secret) and the inbox of verified deliveries (`webhook_inbox`), stored with the work each
//! causes.

use super::applications;
use super::history::{self, Concern, Happened};
use super::work::{self, WorkKind};
use super::{Db, StoreError};
use crate::domain::WebhookEventType;

/// Our subscription to one event type as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct Subscription {
    pub subscription_id: Option<String>,
    pub url: String,
    pub secret: Option<String>,
}

/// The subscription row of an event type, created (without a subscription yet) on first use.
pub async fn subscription(
    db: &Db,
    event: &WebhookEventType,
    url: &str,
) -> Result<Subscription, StoreError> {
    sqlx::query(
        "insert into webhook_subscription (event_type, url, created_at, updated_at) \
         values ($1, $2, $3, $3) on conflict (event_type) do nothing",
    )
    .bind(event.as_str())
    .bind(url)
    .bind(db.now_ms())
    .execute(&db.writer)
    .await?;
    Ok(sqlx::query_as(
        "select subscription_id, url, secret from webhook_subscription where event_type = $1",
    )
    .bind(event.as_str())
    .fetch_one(&db.pool)
    .await?)
}

/// Gives this instance the right to create the subscription for `claim_ms`; false when
/// another instance holds it.
pub(crate) async fn claim(
    db: &Db,
    event: &WebhookEventType,
    claim_ms: i64,
) -> Result<bool, StoreError> {
    let now = db.now_ms();
    let claimed = sqlx::query(
        "update webhook_subscription set claimed_until = $1, updated_at = $2 where event_type = $3 \
         and (claimed_until is null or claimed_until < $2)",
    )
    .bind(now + claim_ms)
    .bind(now)
    .bind(event.as_str())
    .execute(&db.writer)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Gives up this instance's right to create the subscription (after a failed attempt).
pub(crate) async fn release_claim(db: &Db, event: &WebhookEventType) -> Result<(), StoreError> {
    sqlx::query(
        "update webhook_subscription set claimed_until = null, updated_at = $1 where event_type = $2",
    )
    .bind(db.now_ms())
    .bind(event.as_str())
    .execute(&db.writer)
    .await?;
    Ok(())
}

/// The subscription Solaris created, with the secret that signs its deliveries.
pub(crate) async fn store_created(
    db: &Db,
    event: &WebhookEventType,
    subscription_id: &str,
    url: &str,
    secret: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "update webhook_subscription set subscription_id = $1, url = $2, secret = $3, \
         claimed_until = null, updated_at = $4 where event_type = $5",
    )
    .bind(subscription_id)
    .bind(url)
    .bind(secret)
    .bind(db.now_ms())
    .bind(event.as_str())
    .execute(&db.writer)
    .await?;
    Ok(())
}

/// The subscription whose secret signs a delivery: its event type and the secret.
#[derive(Debug, sqlx::FromRow)]
pub struct Signer {
    pub event_type: String,
    pub secret: String,
}

/// The subscription a delivery names: by the subscription id it names, else by its event type.
pub async fn signer(
    db: &Db,
    subscription_id: Option<&str>,
    event_type: &str,
) -> Result<Option<Signer>, StoreError> {
    Ok(match subscription_id {
        Some(id) => {
            sqlx::query_as(
                "select event_type, secret from webhook_subscription \
                 where subscription_id = $1 and secret is not null",
            )
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
        }
        None => {
            sqlx::query_as(
                "select event_type, secret from webhook_subscription \
                 where event_type = $1 and secret is not null",
            )
            .bind(event_type)
            .fetch_optional(&db.pool)
            .await?
        }
    })
}

/// A verified delivery for the inbox.
#[derive(Debug)]
pub(crate) struct Delivery {
    pub webhook_id: String,
    pub event_type: WebhookEventType,
    pub entity_id: Option<String>,
    pub body: String,
}

/// Stores a batch of deliveries with the work each causes, all in one transaction; for each,
/// whether it was new (false for a repeat, also one repeated within the batch).
pub(crate) async fn store_batch(db: &Db, batch: &[&Delivery]) -> Result<Vec<bool>, StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    let mut stored = Vec::with_capacity(batch.len());
    for delivery in batch {
        stored.push(store_one(&mut tx, delivery, now).await?);
    }
    tx.commit().await?;
    Ok(stored)
}

/// Stores one delivery and queues what it causes. Everything outside the signed body (the event
/// type and entity id headers) is only a hint: every event makes us ask Solaris, and only its
/// answer changes an application. `PERSON_DELETED` erases nothing here; the worker erases once
/// Solaris answers that the person no longer exists.
async fn store_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    delivery: &Delivery,
    now: i64,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "insert into webhook_inbox (webhook_id, event_type, entity_id, body, received_at) \
         values ($1, $2, $3, $4, $5) on conflict (webhook_id) do nothing",
    )
    .bind(&delivery.webhook_id)
    .bind(delivery.event_type.as_str())
    .bind(delivery.entity_id.as_deref())
    .bind(&delivery.body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    act_on(tx, delivery, now).await?;
    Ok(true)
}

/// Queues what a stored delivery causes (on its arrival, or when staff replay it): a read of
/// each application it names, in their histories. One that names nothing we can act on goes
/// to the needs-attention queue.
async fn act_on(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    delivery: &Delivery,
    now: i64,
) -> Result<(), StoreError> {
    // Which of the application's ids the entity is, and what to ask Solaris.
    let wanted = match delivery.event_type {
        WebhookEventType::Identification => Ok((true, WorkKind::RefreshIdentification)),
        WebhookEventType::PersonDeleted => Ok((false, WorkKind::ConfirmPersonDeleted)),
        // A changed person, or a mobile number created or deleted: the person as Solaris holds
        // it now (the mobile number is one of its fields).
        WebhookEventType::PersonChanged
        | WebhookEventType::PersonMobileNumberCreated
        | WebhookEventType::PersonMobileNumberDeleted => Ok((false, WorkKind::SyncPerson)),
        WebhookEventType::Other(_) => Err("an event type we do not subscribe to"),
    };
    let (entity, (by_identification, read)) = match (delivery.entity_id.as_deref(), wanted) {
        (Some(entity), Ok(wanted)) => (entity, wanted),
        (None, _) | (_, Err(_)) => {
            let (why, key) = match wanted {
                Err(why) => (why, "unsubscribed"),
                Ok(_) => ("names no entity", "no_entity"),
            };
            let event_type = delivery.event_type.as_str();
            let detail = format!(
                "{event_type}: {why} (the latest such delivery: {})",
                delivery.webhook_id
            );
            // One item per cause, however many deliveries share it: a delivery replayed under
            // new ids updates the item instead of raising (and mailing) one each.
            let cause = format!("webhook:{event_type}:{key}");
            history::raise_standing(
                &mut **tx,
                now,
                None,
                Concern::WebhookUnprocessable,
                &cause,
                &detail,
            )
            .await?;
            return Ok(());
        }
    };
    let detail = format!("{} {}", delivery.event_type.as_str(), delivery.webhook_id);
    for (application_id, withdrawn) in
        applications::heard_from_solaris(tx, by_identification, entity, now).await?
    {
        // The customer withdrew: Solaris is asked nothing more about them, but whether it
        // deleted the person, which the staff's deletion waits on.
        let followed = !withdrawn || read == WorkKind::ConfirmPersonDeleted;
        let noted = if followed {
            detail.clone()
        } else {
            format!("{detail} (not followed: the application is withdrawn)")
        };
        history::record(
            &mut **tx,
            now,
            &application_id,
            Happened::Webhook,
            &noted,
            None,
        )
        .await?;
        if followed {
            work::enqueue_read(tx, &application_id, read, now).await?;
        }
    }
    Ok(())
}

/// A staff member has a stored delivery handled again, as on its arrival; false when it is no
/// longer kept.
pub async fn replay(db: &Db, webhook_id: &str) -> Result<bool, StoreError> {
    let row: Option<(String, Option<String>, String)> = sqlx::query_as(
        "select event_type, entity_id, body from webhook_inbox where webhook_id = $1",
    )
    .bind(webhook_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((event_type, entity_id, body)) = row else {
        return Ok(false);
    };
    let delivery = Delivery {
        webhook_id: webhook_id.to_string(),
        event_type: WebhookEventType::parse(&event_type),
        entity_id,
        body,
    };
    let mut tx = db.begin_write().await?;
    act_on(&mut tx, &delivery, db.now_ms()).await?;
    tx.commit().await?;
    Ok(true)
}

/// A stored webhook delivery.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredDelivery {
    pub webhook_id: String,
    pub event_type: String,
    pub received_at: i64,
}

/// The deliveries still kept that name the application's person or identification.
pub(crate) async fn deliveries_of(
    db: &Db,
    person_id: Option<&str>,
    identification_ids: &[String],
) -> Result<Vec<StoredDelivery>, StoreError> {
    let mut entities: Vec<&str> = identification_ids.iter().map(String::as_str).collect();
    entities.extend(person_id);
    let mut out = Vec::new();
    for entity in entities {
        let rows: Vec<StoredDelivery> = sqlx::query_as(
            "select webhook_id, event_type, received_at from webhook_inbox \
             where entity_id = $1 order by received_at",
        )
        .bind(entity)
        .fetch_all(&db.pool)
        .await?;
        out.extend(rows);
    }
    out.sort_by_key(|d| d.received_at);
    Ok(out)
}

pub async fn delivery(db: &Db, webhook_id: &str) -> Result<Option<StoredDelivery>, StoreError> {
    Ok(sqlx::query_as(
        "select webhook_id, event_type, received_at from webhook_inbox \
         where webhook_id = $1",
    )
    .bind(webhook_id)
    .fetch_optional(&db.pool)
    .await?)
}
