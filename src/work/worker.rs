//! A worker: takes due items with a lease, runs them through the Solaris client and records
//! the outcome. Several workers (in one process or in several instances) share one database.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::Notify;

use crate::db::work::{self, Due, WorkKind};
use crate::db::{applications, evidence, wall_clock_ms, Db, StoreError};
use crate::domain::{
    FieldProblem, Identification, IdentificationStatus, NewIdentification, NewPerson, Person,
    SolarisRefusal,
};
use crate::monitoring;
use crate::solaris::{SolarisClient, SolarisError};
use crate::supervisor::Shutdown;

/// The search for an earlier copy of a person reads pages of this many persons…
const PERSON_PAGE: u64 = 100;
/// …at most this many of them, newest first (plus one to learn the count).
pub const PERSON_SEARCH_PAGES: u64 = 5;
/// Persons created this long before our first attempt began still count as candidates.
const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

/// What the search for an earlier copy of a person found.
enum Search {
    Found(String),
    /// Not among the persons created since the first attempt.
    Absent,
    /// Not among the newest persons read; older ones were not read.
    Capped,
}

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
    db: Db,
    client: Arc<SolarisClient>,
    owner: String,
    options: WorkerOptions,
    wake: Arc<Notify>,
}

enum Failure {
    /// Try again after a backoff: Solaris was unavailable and did nothing.
    Retry(String),
    /// Try again after a backoff: the attempt may have reached Solaris (no answer after
    /// sending, a timeout, a 5xx), so a creation looks for its copy first.
    Unknown(String),
    /// Solaris refused it; retrying would not help.
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
                _ = shutdown.requested() => {}
            }
        }
    }

    /// Takes and runs the items due now; returns how many ran.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let now = wall_clock_ms();
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
            Err(Failure::Unknown(why)) => self.later(&item, &why, true).await?,
            // A read refused or answered oddly (a 404 for an identification Solaris is still
            // indexing, a body that does not parse) is asked again with backoff, a few times.
            Err(Failure::Permanent(why, _))
                if item.kind.reads() && item.attempts < READ_ATTEMPTS =>
            {
                self.later(&item, &why, false).await?
            }
            Err(Failure::Permanent(why, detail)) => {
                // A read that keeps failing leaves a customer waiting on a status nobody learns.
                let code = if item.kind.reads() {
                    "status_read_failing"
                } else {
                    "solaris_refused"
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
        let next = wall_clock_ms() + delay.as_millis() as i64;
        work::retry_later(&self.db, item, &self.owner, why, next, unknown).await
    }

    /// Renews the item's lease every third of it while the item runs; returns only when the
    /// lease is lost (another worker took the item, or it could not be renewed in time), and
    /// then the running attempt is given up.
    async fn keep_lease(&self, item: &Due) -> String {
        let every = self.options.lease / 3;
        loop {
            tokio::time::sleep(every).await;
            let until = wall_clock_ms() + self.options.lease.as_millis() as i64;
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

    async fn execute(&self, item: &Due) -> Result<(), Failure> {
        let kind = item.kind;
        let applications::SolarisRefs {
            person_request,
            identification_request: ident_request,
            person_id,
            identification_id: ident_id,
            identification_status,
            document,
        } = applications::solaris_refs(&self.db, &item.application_id).await?;
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
                if item.outcome_unknown {
                    let since = item.first_attempt_at.unwrap_or_else(wall_clock_ms);
                    match self.find_person(&person, since).await? {
                        Search::Found(found) => {
                            tracing::info!(person_id = %found, "adopting the person an earlier attempt created");
                            return Ok(applications::set_person_id(
                                &self.db,
                                &item.application_id,
                                &found,
                            )
                            .await?);
                        }
                        Search::Absent => {}
                        Search::Capped => tracing::warn!(
                            application_id = %item.application_id,
                            code = "duplicate_search_capped",
                            pages = PERSON_SEARCH_PAGES,
                            "no earlier copy among the newest persons; creating the person (an unused copy is deleted by Solaris after 90 days)"
                        ),
                    }
                }
                let created = self.client.create_person(&person).await?;
                applications::set_person_id(&self.db, &item.application_id, &created.id).await?;
            }
            WorkKind::CreateIdentification => {
                if ident_id.is_some() {
                    return Ok(());
                }
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                let request = ident_request.ok_or_else(|| missing("identification data"))?;
                let new: NewIdentification = serde_json::from_str(&request)
                    .map_err(|e| Failure::Permanent(e.to_string(), None))?;
                if item.outcome_unknown {
                    let existing = self.client.list_identifications(&person_id).await?;
                    if let Some(found) = existing.iter().rev().find(|i| {
                        i.status == IdentificationStatus::Created
                            && i.method.as_ref() == Some(&new.method)
                            && i.proof_of_address_type == new.proof_of_address_type
                    }) {
                        tracing::info!(identification_id = %found.id, "adopting the identification an earlier attempt created");
                        if document.is_none() {
                            self.read_supported_documents(
                                &item.application_id,
                                &person_id,
                                &found.id,
                            )
                            .await?;
                        }
                        return Ok(self.record(&item.application_id, found, true).await?);
                    }
                }
                let created = self.client.create_identification(&person_id, &new).await?;
                // Read before the identification is recorded, so the documents page the
                // customer is sent to next has the list (or knows it has none).
                if document.is_none() {
                    self.read_supported_documents(&item.application_id, &person_id, &created.id)
                        .await?;
                }
                self.record(&item.application_id, &created, true).await?;
            }
            WorkKind::RequestIdentification => {
                // The customer pressed the button to IDnow and waits for its link. Asking again
                // while the link is open answers the same link, so a retry is safe.
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                let ident_id = ident_id.ok_or_else(|| missing("identification"))?;
                let requested = self
                    .client
                    .request_identification(&person_id, &ident_id)
                    .await?;
                let Some(url) = requested.url.as_deref() else {
                    return Err(Failure::Permanent(
                        "Solaris answered the request without the IDnow link".into(),
                        None,
                    ));
                };
                let language = applications::record_request(
                    &self.db,
                    &item.application_id,
                    &requested.status,
                    url,
                )
                .await?;
                if let Some(language) = language {
                    monitoring::reached(monitoring::Funnel::SentToIdnow, &language);
                    tracing::info!(application_id = %item.application_id, "identification requested: the customer goes to IDnow");
                }
            }
            WorkKind::RefreshIdentification => {
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                let Some(ident_id) = ident_id else {
                    // The identification was replaced (a new one after expiry, or with a proof
                    // of address) after this read was queued: nothing to read.
                    return Ok(());
                };
                let ident = self
                    .client
                    .get_identification(&person_id, &ident_id, false)
                    .await?;
                // A status the guide does not list is refused by the store: the application
                // stays as it was, and the read is tried again later.
                self.record(&item.application_id, &ident, false).await?;
            }
            WorkKind::SyncPerson => {
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                let person = self.client.get_person(&person_id).await?;
                applications::store_solaris_person(&self.db, &item.application_id, &person).await?;
            }
            WorkKind::FetchEvidence => {
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                let Some(ident_id) = ident_id else {
                    return Ok(());
                };
                // The status as stored: each ending queues its own fetch, so one that follows
                // a later change (successful, then canceled) is fetched again.
                let successful = identification_status.as_deref()
                    == Some(IdentificationStatus::Successful.as_str());
                self.fetch_evidence(&item.application_id, &person_id, &ident_id, successful)
                    .await?;
            }
            WorkKind::ConfirmPersonDeleted => {
                let person_id = person_id.ok_or_else(|| missing("person"))?;
                match self.client.get_person(&person_id).await {
                    Err(e) if e.status() == Some(404) => {
                        applications::erase_deleted_person(&self.db, &item.application_id).await?;
                    }
                    Ok(_) => {
                        // A signed delivery can be replayed with another event type or entity
                        // header: only Solaris' answer counts, and it still holds the person.
                        tracing::warn!(
                            application_id = %item.application_id,
                            code = "person_deleted_not_confirmed",
                            "suspicious PERSON_DELETED: Solaris still holds the person; nothing erased"
                        );
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(())
    }

    /// Stores what Solaris answered for an identification; a changed status is counted in the
    /// metrics (outcome, the funnel's last step, and how long the customer's way took).
    async fn record(
        &self,
        application_id: &str,
        ident: &Identification,
        created: bool,
    ) -> Result<(), StoreError> {
        let Some(changed) =
            applications::record_identification(&self.db, application_id, ident, created).await?
        else {
            return Ok(());
        };
        let now = wall_clock_ms();
        monitoring::identification_outcome(&ident.status, ident.failure_reason.as_ref());
        if ident.status == IdentificationStatus::Successful {
            monitoring::reached(monitoring::Funnel::Identified, &changed.language);
            monitoring::start_to_success((now - changed.started_at) as f64 / 1000.0);
        }
        if let (true, Some(requested)) = (ident.status.is_settled(), changed.requested_at) {
            monitoring::redirect_to_result((now - requested) as f64 / 1000.0);
        }
        Ok(())
    }

    /// Keeps what Solaris holds of an identification that ended, for the bank's staff: IDnow's
    /// attempts (their results and times: never IDnow's own id of the call, which is the
    /// `reference`, nor the data the agent saw, which the person read from Solaris shows) and,
    /// after a success, the list of the person's documents.
    async fn fetch_evidence(
        &self,
        application_id: &str,
        person_id: &str,
        identification_id: &str,
        successful: bool,
    ) -> Result<(), Failure> {
        let attempts: Vec<serde_json::Value> = self
            .client
            .idnow_attempts(person_id, identification_id)
            .await?
            .into_iter()
            .map(|a| {
                let process = &a.payload["identificationprocess"];
                serde_json::json!({
                    "id": a.id,
                    "result": a.result,
                    "reason": a.reason,
                    "agent": process.get("agentname"),
                    "at": process.get("identificationtime"),
                    "type": process.get("type"),
                })
            })
            .collect();
        let documents = if successful {
            let listed = self.client.person_documents(person_id).await?;
            let listed: Vec<serde_json::Value> = listed
                .into_iter()
                .map(|d| {
                    serde_json::json!({
                        "id": d.id,
                        "name": d.name,
                        "content_type": d.content_type,
                        "document_type": d.document_type.as_str(),
                        "size": d.size,
                        "created_at": d.created_at,
                    })
                })
                .collect();
            Some(serde_json::Value::Array(listed).to_string())
        } else {
            None
        };
        evidence::store_evidence(
            &self.db,
            application_id,
            identification_id,
            &serde_json::Value::Array(attempts).to_string(),
            documents.as_deref(),
        )
        .await?;
        Ok(())
    }

    /// Reads once which documents IDnow accepts for a new identification and keeps the list.
    /// The list is an aid to the customer, no condition: when Solaris cannot say, the customer
    /// chooses from the guide's document types and goes on.
    async fn read_supported_documents(
        &self,
        application_id: &str,
        person_id: &str,
        identification_id: &str,
    ) -> Result<(), StoreError> {
        match self
            .client
            .supported_documents(person_id, identification_id)
            .await
        {
            Ok(documents) if !documents.is_empty() => {
                applications::store_supported_documents(
                    &self.db,
                    application_id,
                    identification_id,
                    &documents,
                )
                .await
            }
            Ok(_) => {
                tracing::warn!(application_id, code = "supported_documents_empty", "Solaris listed no supported documents; the customer chooses from the guide's document types");
                Ok(())
            }
            Err(e) => {
                tracing::warn!(application_id, code = "supported_documents_unavailable", error = %e, "supported documents unavailable; the customer chooses from the guide's document types");
                Ok(())
            }
        }
    }

    /// Looks for a person Solaris holds with exactly the submitted identity and consent
    /// timestamps, among the persons created since `since` (ms, the first attempt), newest
    /// first, reading at most [`PERSON_SEARCH_PAGES`] pages after the one that gives the count.
    async fn find_person(&self, wanted: &NewPerson, since: i64) -> Result<Search, Failure> {
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
        // Clocks of Solaris and ours may differ a little.
        let oldest = since - CLOCK_SKEW_MS;
        let older = |p: &Person| {
            p.created_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t.timestamp_millis() < oldest)
        };
        // The list is in creation order: the newest persons are on the last page.
        let first = self.client.list_persons(1, PERSON_PAGE).await?;
        let total = match first.total {
            Some(total) => total,
            None if (first.items.len() as u64) < PERSON_PAGE => first.items.len() as u64,
            // A full first page without the documented count: the newest persons cannot be
            // found, only the oldest ones were read.
            None => {
                return Ok(match first.items.iter().rev().find(|p| same(p)) {
                    Some(p) => Search::Found(p.id.clone()),
                    None => Search::Capped,
                })
            }
        };
        let mut number = total.div_ceil(PERSON_PAGE).max(1);
        let mut page = if number == 1 {
            first
        } else {
            self.client.list_persons(number, PERSON_PAGE).await?
        };
        let mut read = 1;
        loop {
            for p in page.items.iter().rev() {
                if same(p) {
                    return Ok(Search::Found(p.id.clone()));
                }
                if older(p) {
                    return Ok(Search::Absent);
                }
            }
            if number <= 1 {
                return Ok(Search::Absent);
            }
            if read >= PERSON_SEARCH_PAGES {
                return Ok(Search::Capped);
            }
            number -= 1;
            page = self.client.list_persons(number, PERSON_PAGE).await?;
            read += 1;
        }
    }
}
