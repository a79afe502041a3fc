//! What one application's page reads: the application, its consents, evidence, work, webhook
//! deliveries, needs-attention items and timeline.

use super::{OfficeError, Staff};
use crate::db::history;
use crate::db::{applications, evidence, records, webhooks, work};

/// Everything the page of one application shows.
pub(super) struct Loaded {
    pub(super) record: records::ApplicationRecord,
    pub(super) app: Option<crate::domain::Application>,
    pub(super) consents: Vec<records::ConsentRecord>,
    pub(super) evidence: Vec<evidence::Evidence>,
    pub(super) work: Vec<work::WorkItem>,
    pub(super) deliveries: Vec<webhooks::StoredDelivery>,
    pub(super) attention: Vec<history::Item>,
    pub(super) history: Vec<history::Entry>,
}

pub(super) async fn load(staff: &Staff, id: &str) -> Result<Loaded, OfficeError> {
    let db = &staff.office.db;
    let Some(record) = records::application(db, id).await? else {
        return Err(OfficeError::NotFound);
    };
    let evidence = evidence::evidence_of(db, id).await?;
    let mut identifications: Vec<String> = evidence
        .iter()
        .map(|e| e.identification_id.clone())
        .collect();
    identifications.extend(record.identification_id.clone());
    identifications.dedup();
    Ok(Loaded {
        app: applications::load(db, id).await?,
        consents: records::consents(db, id).await?,
        work: work::work_of(db, id).await?,
        deliveries: webhooks::deliveries_of(db, record.person_id.as_deref(), &identifications)
            .await?,
        attention: history::items_of(db, id).await?,
        history: history::of_application(db, id).await?,
        evidence,
        record,
    })
}
