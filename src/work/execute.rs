//! What each kind of work item asks Solaris, and what the worker stores of the answer.

use super::duplicates::{Search, PERSON_SEARCH_PAGES};
use super::worker::{Failure, Worker};
use crate::db::work::{Due, WorkKind};
use crate::db::{applications, evidence, StoreError};
use crate::domain::{Identification, IdentificationStatus, NewIdentification, NewPerson};
use crate::monitoring;

/// When a `PERSON_DELETED` that Solaris does not confirm is checked again, in hours after each
/// check; after the last, no more.
const PERSON_DELETED_RECHECKS: [u64; 3] = [1, 3, 6];

impl Worker {
    pub(super) async fn execute(&self, item: &Due) -> Result<(), Failure> {
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
                    let since = item.first_attempt_at.unwrap_or_else(|| self.db.now_ms());
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
                        // Its deletion may also still be under way: staff are told, and the
                        // app asks again after an hour, three hours and six hours.
                        let checks = item.attempts;
                        tracing::warn!(
                            application_id = %item.application_id,
                            code = "person_deleted_not_confirmed",
                            checks,
                            "suspicious PERSON_DELETED: Solaris still holds the person; nothing erased"
                        );
                        let recheck_in = PERSON_DELETED_RECHECKS.get(checks.max(1) as usize - 1);
                        let next = match recheck_in {
                            Some(hours) => format!("the next in {hours} h"),
                            None => "no more checks".into(),
                        };
                        let detail = format!(
                            "PERSON_DELETED for person {person_id}, but Solaris still holds it; nothing was erased. Checks: {checks} of {}; {next}",
                            PERSON_DELETED_RECHECKS.len() + 1
                        );
                        crate::db::history::raise_standing(
                            &self.db.writer,
                            self.db.now_ms(),
                            Some(&item.application_id),
                            crate::domain::Concern::WebhookUnprocessable,
                            &format!("person_deleted_not_confirmed:{}", item.application_id),
                            &detail,
                        )
                        .await?;
                        if let Some(hours) = recheck_in {
                            return Err(Failure::Recheck(
                                "Solaris still holds the person".into(),
                                std::time::Duration::from_secs(hours * 3600),
                            ));
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(())
    }

    /// Stores what Solaris answered for an identification; a changed status is counted in the
    /// metrics (outcome, the funnel's last step, and how long the customer's way took).
    pub(super) async fn record(
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
        let now = self.db.now_ms();
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
    pub(super) async fn fetch_evidence(
        &self,
        application_id: &str,
        person_id: &str,
        identification_id: &str,
        successful: bool,
    ) -> Result<(), Failure> {
        // A 404 for the attempts (Solaris keeps no list for this identification) is no reason
        // to leave the documents unread: the attempts are stored as unknown (`null`).
        let attempts = match self
            .client
            .idnow_attempts(person_id, identification_id)
            .await
        {
            Ok(attempts) => Some(attempts),
            Err(e) if e.status() == Some(404) => {
                tracing::warn!(application_id, code = "idnow_attempts_missing", "Solaris has no IDnow attempts for the identification; the documents are read all the same");
                None
            }
            Err(e) => return Err(e.into()),
        };
        let attempts: Option<Vec<serde_json::Value>> = attempts.map(|list| {
            list.into_iter()
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
                .collect()
        });
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
            &attempts
                .map_or(serde_json::Value::Null, serde_json::Value::Array)
                .to_string(),
            documents.as_deref(),
        )
        .await?;
        Ok(())
    }

    /// Reads once which documents IDnow accepts for a new identification and keeps the list.
    /// The list is an aid to the customer, no condition: when Solaris cannot say, the customer
    /// chooses from the guide's document types and goes on.
    pub(super) async fn read_supported_documents(
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
}
