//! What the journey's handlers share, built once at start.

use std::sync::Arc;

use axum::extract::FromRef;
use tokio::sync::Notify;

use crate::db::Db;

/// What the journey's handlers share: cloned for every request (and every extractor that asks
/// for it), so it is one reference-counted pointer.
#[derive(Clone, Debug)]
pub struct JourneyState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    /// Wakes the local work-queue worker when work is queued (the queue, never a page, asks
    /// Solaris).
    pub work: Arc<Notify>,
    /// `scheme://host:port` of `PUBLIC_URL`, for the Origin check.
    pub public_origin: String,
    pub minimum_age: u32,
    /// The bank's other identification route, for customers without an accepted document.
    pub alternative_kyc_url: Option<String>,
    /// Days after which the data of a resident outside Germany is erased.
    pub not_resident_days: u32,
    /// Status changes of applications, for the live status stream.
    pub feed: crate::web::journey::feed::StatusFeed,
    /// Per-client limits on starts and forms.
    pub rates: crate::web::rates::RateLimits,
    /// Signs and checks the links into applications (mails, the QR code).
    pub links: crate::mail::Links,
}

impl JourneyState {
    pub fn new(shared: Shared) -> Self {
        JourneyState(Arc::new(shared))
    }
}

impl std::ops::Deref for JourneyState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<JourneyState> for Db {
    fn from_ref(s: &JourneyState) -> Db {
        s.db.clone()
    }
}
