//! A worker: takes due items with a lease, runs them through the Solaris client and records
//! the outcome. Several workers (in one process or in several instances) share one database.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::Notify;

use crate::db::work::{self, Due, WorkKind};
use crate::db::{Db, StoreError};
use crate::domain::{FieldProblem, SolarisRefusal};
use crate::monitoring;
use crate::solaris::{SolarisClient, SolarisError};
use crate::supervisor::Shutdown;

/// How often a refused read is asked before its item fails; the reconciliation queues a new
/// read of an open identification later in any case.
pub const READ_ATTEMPTS: i64 = 6;

#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// How long a taken item belongs to its worker without a sign of life. The worker renews
    /// it every third of this while the item runs, so an item whose worker died (a crash, a
    /// killed instance) is taken over after about this long, however long a live call takes.
    pub lease: Duration,
    /// How often an idle worker looks for due items (it is also woken on new work).
    pub poll: Duration,
    /// Backoff of a failed attempt: doubled per attempt from `base`, capped at `max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// At most this many new Solaris persons per `person_window`, across all instances, so a
    /// flood of confirmed applications cannot spend the bank's Solaris quota; the others wait
    /// in the queue, in order, and are never refused.
    pub persons_per_window: u32,
    pub person_window: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            lease: Duration::from_secs(10),
            poll: Duration::from_millis(250),
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
            persons_per_window: 60,
            person_window: Duration::from_secs(60),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Worker {
    pub(super) db: Db,
    pub(super) client: Arc<SolarisClient>,
    pub(super) owner: String,
    pub(super) options: WorkerOptions,
    pub(super) wake: Arc<Notify>,
}

pub(super) enum Failure {
    /// Try again after a backoff: Solaris was unavailable and did nothing.
    Retry(String),
    /// Try again after a backoff: the attempt may have reached Solaris (no answer after
    /// sending, a timeout, a 5xx), so a creation looks for its copy first.
    Unknown(String),
    /// Look again after this long: Solaris' answer is not (yet) what the item waits for.
    Recheck(String, Duration),
    /// Solaris refused it; retrying would not help. Its refusal, when Solaris said why.
    Permanent(String, Option<SolarisRefusal>),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Retry(e.to_string())
    }
}

impl From<SolarisError> for Failure {
    fn from(e: SolarisError) -> Self {
        if e.is_retryable() && e.is_ambiguous() {
            Failure::Unknown(e.to_string())
        } else if e.is_retryable() {
            Failure::Retry(e.to_string())
        } else {
            let refusal = SolarisRefusal {
                status: e.status(),
                code: e.code().map(str::to_string),
                fields: e
                    .field_errors()
                    .into_iter()
                    .map(|(field, message)| FieldProblem {
                        field,
                        message: Some(message),
                    })
                    .collect(),
            };
            Failure::Permanent(e.to_string(), Some(refusal))
        }
    }
}

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
    pub(crate) fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Runs until shutdown is requested; the items taken when it is are finished first.
    pub async fn run(self, mut shutdown: Shutdown) {
        while !shutdown.is_requested() {
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "work queue"),
            }
            tokio::select! {
                _ = tokio::time::timeout(self.options.poll, self.wake.notified()) => {}
                // Backoffs and leases end on the clock: a moved one is looked at at once.
                _ = self.db.clock.moved() => {}
                _ = shutdown.requested() => {}
            }
        }
    }

    /// Takes and runs the items due now; returns how many ran.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let now = self.db.now_ms();
        let lease_until = now + self.options.lease.as_millis() as i64;
        let mut taken = Vec::new();
        // New persons this worker may still create now; counted on the first person creation.
        let mut persons_left: Option<i64> = None;
        let mut waiting_for_budget = 0;
        for mut item in work::due(&self.db, now, 16).await? {
            if item.kind == WorkKind::CreatePerson {
                let left = match persons_left {
                    Some(left) => left,
                    None => {
                        let since = now - self.options.person_window.as_millis() as i64;
                        let started = work::person_creations_since(&self.db, since, now).await?;
                        i64::from(self.options.persons_per_window) - started
                    }
                };
                if left <= 0 {
                    persons_left = Some(0);
                    waiting_for_budget += 1;
                    continue;
                }
                persons_left = Some(left - 1);
            }
            if work::claim(&self.db, &item.id, &self.owner, now, lease_until).await? {
                item.attempts += 1;
                taken.push(item);
            }
        }
        if waiting_for_budget > 0 {
            tracing::info!(
                waiting = waiting_for_budget,
                "Solaris person budget reached; confirmed applications wait in the queue"
            );
        }
        let count = taken.len();
        let results =
            futures::future::join_all(taken.into_iter().map(|item| self.process(item))).await;
        for r in results {
            r?;
        }
        Ok(count)
    }

    async fn process(&self, item: Due) -> Result<(), StoreError> {
        let span = tracing::info_span!("work", application_id = %item.application_id, kind = %item.kind, attempt = item.attempts);
        let run = tracing::Instrument::instrument(self.execute(&item), span);
        let outcome = tokio::select! {
            outcome = run => outcome,
            lost = self.keep_lease(&item) => Err(Failure::Unknown(lost)),
        };
        match outcome {
            Ok(()) => {
                work::finish(&self.db, &item.id, &self.owner).await?;
                tracing::info!(application_id = %item.application_id, kind = %item.kind, "work done");
            }
            Err(Failure::Retry(why)) => self.later(&item, &why, false).await?,
            Err(Failure::Recheck(why, after)) => {
                tracing::info!(application_id = %item.application_id, kind = %item.kind, why, recheck_in_s = after.as_secs(), "work looks again later");
                let next = self.db.now_ms() + after.as_millis() as i64;
                work::retry_later(&self.db, &item, &self.owner, &why, next, false).await?
            }
            Err(Failure::Unknown(why)) => self.later(&item, &why, true).await?,
            // A read refused or answered oddly (a 404 for an identification Solaris is still
            // indexing, a body that does not parse) is asked again with backoff, a few times.
            Err(Failure::Permanent(why, _))
                if item.kind.reads() && item.attempts < READ_ATTEMPTS =>
            {
                self.later(&item, &why, false).await?
            }
            Err(Failure::Permanent(why, detail)) => {
                // A status read that keeps failing leaves a customer waiting on a status nobody
                // learns; other reads (the evidence, the person) say what they are.
                let code = match item.kind {
                    WorkKind::RefreshIdentification => "status_read_failing",
                    kind if kind.reads() => "solaris_read_failing",
                    _ => "solaris_refused",
                };
                monitoring::work_failed(item.kind.as_str());
                tracing::error!(application_id = %item.application_id, kind = %item.kind, code, error = %why, "Solaris refused the work");
                work::fail(&self.db, &item, &why, detail.as_ref()).await?;
            }
        }
        Ok(())
    }

    /// Gives the item back to be tried again after the backoff; `unknown` when the attempt may
    /// have reached Solaris all the same.
    async fn later(&self, item: &Due, why: &str, unknown: bool) -> Result<(), StoreError> {
        let delay = self.backoff(item.attempts);
        tracing::warn!(application_id = %item.application_id, kind = %item.kind, error = %why, outcome_unknown = unknown, retry_in_ms = delay.as_millis() as u64, "work will be retried");
        let next = self.db.now_ms() + delay.as_millis() as i64;
        work::retry_later(&self.db, item, &self.owner, why, next, unknown).await
    }

    /// Renews the item's lease every third of it on the app's clock while the item runs;
    /// returns only when the lease is lost (another worker took the item, or it could not be
    /// renewed in time), and then the running attempt is given up.
    async fn keep_lease(&self, item: &Due) -> String {
        let every = self.options.lease / 3;
        let every_ms = every.as_millis() as i64;
        let mut renew_at = self.db.now_ms() + every_ms;
        loop {
            // A moved clock is looked at at once.
            while self.db.now_ms() < renew_at {
                self.db.clock.pause(every).await;
            }
            let now = self.db.now_ms();
            renew_at = now + every_ms;
            let until = now + self.options.lease.as_millis() as i64;
            match work::renew_lease(&self.db, &item.id, &self.owner, until).await {
                Ok(true) => {}
                Ok(false) => return "the lease was lost to another worker".into(),
                Err(e) => {
                    tracing::warn!(application_id = %item.application_id, error = %e, "renewing a work lease");
                }
            }
        }
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
}
