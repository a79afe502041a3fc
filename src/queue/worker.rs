//! A worker: takes due items with a lease, runs them through the Solaris client and records
//! the outcome. Several workers (in one process or in several instances) share one database.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::Notify;

use super::WorkKind;
use crate::db::{wall_clock_ms, Db};
use crate::solaris::types::{IdentificationStatus, NewIdentification, NewPerson, Person};
use crate::solaris::{SolarisClient, SolarisError};

#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// How long a taken item belongs to its worker; longer than a call's retry budget.
    pub lease: Duration,
    /// How often an idle worker looks for due items (it is also woken on new work).
    pub poll: Duration,
    /// Backoff of a failed attempt: doubled per attempt from `base`, capped at `max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(250),
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Worker {
    db: Db,
    client: Arc<SolarisClient>,
    owner: String,
    options: WorkerOptions,
    wake: Arc<Notify>,
}

/// One taken item.
#[derive(Debug)]
struct Item {
    id: String,
    application_id: String,
    seq: i64,
    kind: String,
    /// Counting this one.
    attempts: i64,
}

enum Failure {
    /// Try again after a backoff (Solaris unavailable, or the outcome unknown).
    Retry(String),
    /// Solaris refused it; retrying would not help.
    Permanent(String, Option<String>),
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Failure::Retry(format!("database: {e}"))
    }
}

impl From<SolarisError> for Failure {
    fn from(e: SolarisError) -> Self {
        if e.is_retryable() {
            Failure::Retry(e.to_string())
        } else {
            let fields: Vec<serde_json::Value> = e
                .field_errors()
                .into_iter()
                .map(|(field, message)| serde_json::json!({ "field": field, "message": message }))
                .collect();
            let detail =
                serde_json::json!({ "status": e.status(), "code": e.code(), "fields": fields });
            Failure::Permanent(e.to_string(), Some(detail.to_string()))
        }
    }
}

type AppRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Worker {
    pub fn new(db: Db, client: Arc<SolarisClient>, options: WorkerOptions) -> Worker {
        Worker {
            db,
            client,
            owner: uuid::Uuid::new_v4().simple().to_string(),
            options,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Wakes the worker at once, for work just queued.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Runs until the task is dropped.
    pub async fn run(self) {
        loop {
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "work queue"),
            }
            let _ = tokio::time::timeout(self.options.poll, self.wake.notified()).await;
        }
    }

    /// Takes and runs the items due now; returns how many ran.
    pub async fn run_once(&self) -> Result<usize, sqlx::Error> {
        let now = wall_clock_ms();
        // The first pending item of each application only, so an application's items run in
        // order; items whose lease passed are due again.
        let due: Vec<(String, String, i64, String, i64, Option<i64>)> = sqlx::query_as(
            "select w.id, w.application_id, w.seq, w.kind, w.attempts, w.lease_until from solaris_work w \
             where w.state = 'pending' and w.next_attempt_at <= $1 \
             and (w.lease_until is null or w.lease_until < $1) \
             and not exists (select 1 from solaris_work e where e.application_id = w.application_id \
                             and e.state = 'pending' and e.seq < w.seq) \
             order by w.next_attempt_at, w.created_at limit 16",
        )
        .bind(now)
        .fetch_all(&self.db.pool)
        .await?;
        let mut taken = Vec::new();
        for (id, application_id, seq, kind, attempts, _) in due {
            let claimed = sqlx::query(
                "update solaris_work set lease_owner = $1, lease_until = $2, attempts = attempts + 1, \
                 updated_at = $3 where id = $4 and state = 'pending' \
                 and (lease_until is null or lease_until < $3)",
            )
            .bind(&self.owner)
            .bind(now + self.options.lease.as_millis() as i64)
            .bind(now)
            .bind(&id)
            .execute(&self.db.writer)
            .await?;
            if claimed.rows_affected() == 1 {
                taken.push(Item {
                    id,
                    application_id,
                    seq,
                    kind,
                    attempts: attempts + 1,
                });
            }
        }
        let count = taken.len();
        let results =
            futures::future::join_all(taken.into_iter().map(|item| self.process(item))).await;
        for r in results {
            r?;
        }
        Ok(count)
    }

    async fn process(&self, item: Item) -> Result<(), sqlx::Error> {
        let span = tracing::info_span!("work", application_id = %item.application_id, kind = %item.kind, attempt = item.attempts);
        let outcome = tracing::Instrument::instrument(self.execute(&item), span).await;
        let now = wall_clock_ms();
        match outcome {
            Ok(()) => {
                sqlx::query(
                    "update solaris_work set state = 'done', lease_owner = null, lease_until = null, \
                     last_error = null, updated_at = $1 where id = $2 and lease_owner = $3",
                )
                .bind(now)
                .bind(&item.id)
                .bind(&self.owner)
                .execute(&self.db.writer)
                .await?;
                tracing::info!(application_id = %item.application_id, kind = %item.kind, "work done");
            }
            Err(Failure::Retry(why)) => {
                let delay = self.backoff(item.attempts);
                tracing::warn!(application_id = %item.application_id, kind = %item.kind, error = %why, retry_in_ms = delay.as_millis() as u64, "work will be retried");
                sqlx::query(
                    "update solaris_work set lease_owner = null, lease_until = null, last_error = $1, \
                     next_attempt_at = $2, updated_at = $3 where id = $4 and lease_owner = $5",
                )
                .bind(why)
                .bind(now + delay.as_millis() as i64)
                .bind(now)
                .bind(&item.id)
                .bind(&self.owner)
                .execute(&self.db.writer)
                .await?;
            }
            Err(Failure::Permanent(why, detail)) => {
                tracing::error!(application_id = %item.application_id, kind = %item.kind, error = %why, "Solaris refused the work");
                let mut tx = self.db.begin_write().await?;
                sqlx::query(
                    "update solaris_work set state = 'failed', lease_owner = null, lease_until = null, \
                     last_error = $1, updated_at = $2 where id = $3",
                )
                .bind(&why)
                .bind(now)
                .bind(&item.id)
                .execute(&mut *tx)
                .await?;
                // Later items depend on a refused creation; a refused read blocks nothing.
                if matches!(
                    WorkKind::parse(&item.kind),
                    Some(WorkKind::CreatePerson | WorkKind::CreateIdentification)
                ) {
                    sqlx::query(
                        "update solaris_work set state = 'canceled', updated_at = $1 \
                         where application_id = $2 and state = 'pending' and seq > $3",
                    )
                    .bind(now)
                    .bind(&item.application_id)
                    .bind(item.seq)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "update application set solaris_error = $1, updated_at = $2 where id = $3",
                )
                .bind(detail)
                .bind(now)
                .bind(&item.application_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    fn backoff(&self, attempts: i64) -> Duration {
        let exp = self
            .options
            .backoff_base
            .saturating_mul(1u32 << (attempts.clamp(1, 16) - 1) as u32)
            .min(self.options.backoff_max);
        let ms = exp.as_millis() as u64;
        Duration::from_millis(rand::thread_rng().gen_range(ms / 2..=ms.max(1)))
    }

    async fn application(&self, id: &str) -> Result<AppRow, sqlx::Error> {
        sqlx::query_as(
            "select person_request, identification_request, person_id, identification_id \
             from application where id = $1",
        )
        .bind(id)
        .fetch_one(&self.db.pool)
        .await
    }

    async fn set(
        &self,
        application_id: &str,
        column: &'static str,
        value: &str,
    ) -> Result<(), sqlx::Error> {
        // `column` is one of this module's constants, never input.
        sqlx::query(&format!(
            "update application set {column} = $1, updated_at = $2 where id = $3"
        ))
        .bind(value)
        .bind(wall_clock_ms())
        .bind(application_id)
        .execute(&self.db.writer)
        .await?;
        Ok(())
    }

    /// Stores what Solaris holds now, for the identification the application holds (or, when
    /// `created`, the one just created for it); when it has just become successful, queues a
    /// read of the person, whose data IDnow may have corrected.
    async fn record_identification(
        &self,
        application_id: &str,
        ident: &crate::solaris::types::Identification,
        created: bool,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.db.begin_write().await?;
        let (before,): (Option<String>,) =
            sqlx::query_as("select identification_status from application where id = $1")
                .bind(application_id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
            "update application set identification_id = $1, identification_status = $2, \
             identification_url = coalesce($3, identification_url), failure_reason = $4, \
             identification_completed_at = coalesce($5, identification_completed_at), \
             updated_at = $6 where id = $7 \
             and (identification_id = $1 or (identification_id is null and $8 = 1))",
        )
        .bind(&ident.id)
        .bind(ident.status.as_str())
        .bind(ident.url.as_deref())
        .bind(ident.failure_reason.as_ref().map(|f| f.0.as_str()))
        .bind(ident.completed_at.as_deref())
        .bind(wall_clock_ms())
        .bind(application_id)
        .bind(i64::from(created))
        .execute(&mut *tx)
        .await?;
        if ident.status == IdentificationStatus::Successful
            && before.as_deref() != Some("successful")
        {
            super::enqueue(&mut tx, application_id, WorkKind::SyncPerson).await?;
        }
        tx.commit().await
    }

    async fn execute(&self, item: &Item) -> Result<(), Failure> {
        let Some(kind) = WorkKind::parse(&item.kind) else {
            return Err(Failure::Permanent(
                format!("unknown work kind {}", item.kind),
                None,
            ));
        };
        let (person_request, ident_request, person_id, ident_id) =
            self.application(&item.application_id).await?;
        let missing =
            |what: &str| Failure::Permanent(format!("the application has no {what}"), None);
        match kind {
            WorkKind::CreatePerson => {
                if person_id.is_some() {
                    return Ok(());
                }
                let request = person_request.ok_or_else(|| missing("person data"))?;
                let person: NewPerson = serde_json::from_str(&request)
                    .map_err(|e| Failure::Permanent(e.to_string(), None))?;
                if item.attempts > 1 {
                    if let Some(found) = self.find_person(&person).await? {
                        tracing::info!(person_id = %found, "adopting the person an earlier attempt created");
                        return Ok(self.set(&item.application_id, "person_id", &found).await?);
                    }
                }
                let created = self.client.create_person(&person).await?;
                self.set(&item.application_id, "person_id", &created.id)
                    .await?;
            }
            WorkKind::CreateIdentification => {
                if ident_id.is_some() {
                    return Ok(());
                }
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                let request = ident_request.ok_or_else(|| missing("identification data"))?;
                let new: NewIdentification = serde_json::from_str(&request)
                    .map_err(|e| Failure::Permanent(e.to_string(), None))?;
                if item.attempts > 1 {
                    let existing = self.client.list_identifications(&person_id).await?;
                    if let Some(found) = existing.iter().rev().find(|i| {
                        i.status == IdentificationStatus::Created
                            && i.method.as_ref() == Some(&new.method)
                            && i.proof_of_address_type == new.proof_of_address_type
                    }) {
                        tracing::info!(identification_id = %found.id, "adopting the identification an earlier attempt created");
                        return Ok(self
                            .record_identification(&item.application_id, found, true)
                            .await?);
                    }
                }
                let created = self.client.create_identification(&person_id, &new).await?;
                self.record_identification(&item.application_id, &created, true)
                    .await?;
            }
            WorkKind::RequestIdentification | WorkKind::RefreshIdentification => {
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                let Some(ident_id) = ident_id else {
                    // The identification was replaced (a new one after expiry, or with a proof
                    // of address) after this read was queued: nothing to read.
                    return Ok(());
                };
                let ident = if kind == WorkKind::RequestIdentification {
                    self.client
                        .request_identification(&person_id, &ident_id)
                        .await?
                } else {
                    self.client
                        .get_identification(&person_id, &ident_id, false)
                        .await?
                };
                self.record_identification(&item.application_id, &ident, false)
                    .await?;
            }
            WorkKind::SyncPerson => {
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                let person = self.client.get_person(&person_id).await?;
                sqlx::query(
                    "update application set solaris_person = $1, person_synced_at = $2, \
                     updated_at = $2 where id = $3",
                )
                .bind(serde_json::to_string(&person).unwrap_or_default())
                .bind(wall_clock_ms())
                .bind(&item.application_id)
                .execute(&self.db.writer)
                .await?;
            }
        }
        Ok(())
    }

    /// A person Solaris holds with exactly the submitted identity and consent timestamps.
    async fn find_person(&self, wanted: &NewPerson) -> Result<Option<String>, Failure> {
        let same = |p: &Person| {
            p.first_name.as_deref() == Some(wanted.first_name.as_str())
                && p.last_name.as_deref() == Some(wanted.last_name.as_str())
                && p.birth_date == wanted.birth_date
                && p.birth_city == wanted.birth_city
                && p.email == wanted.email
                && p.terms_conditions_signed_at.as_deref()
                    == Some(wanted.terms_conditions_signed_at.as_str())
                && p.data_terms_signed_at.as_deref() == Some(wanted.data_terms_signed_at.as_str())
        };
        const PAGE: u32 = 1000;
        for page in 1.. {
            let persons = self.client.list_persons(page, PAGE).await?;
            if let Some(p) = persons.iter().rev().find(|p| same(p)) {
                return Ok(Some(p.id.clone()));
            }
            if persons.len() < PAGE as usize {
                break;
            }
        }
        Ok(None)
    }
}
