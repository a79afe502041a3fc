//! The web layer's one state, built once at start: each handler takes what it needs of it
//! (`State<Db>`, `State<JourneyState>`, `State<Office>`, `State<Health>`) through `FromRef`,
//! as Leptos' `session_auth_axum` and realworld's `ApiContext` do.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use axum::extract::FromRef;
use tokio::sync::Notify;
use url::Url;

use super::api::ApiKeys;
use super::backoffice::{self, Office};
use super::health::Health;
use super::journey::feed::StatusFeed;
use super::journey::{self, JourneyState};
use super::rates::RateLimits;
use crate::config::{Bank, Settings};
use crate::db::Db;
use crate::mail::Links;
use crate::solaris::SolarisClient;
use crate::supervisor::Loops;

/// What every router of the web layer shares.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub journey: JourneyState,
    pub office: Office,
    pub health: Health,
    pub(crate) api_keys: ApiKeys,
    pub(crate) customer: CustomerContext,
}

/// What the customer's pages need around every request: the database (a returning visitor
/// is sent to their step), whether this is a test system, and the bank's identity.
#[derive(Clone, Debug)]
pub(crate) struct CustomerContext {
    pub db: Db,
    /// The sandbox serves beyond loopback (`SANDBOX=on`): every page says so.
    pub test_system: bool,
    /// The bank's identity, for the shell.
    pub bank: Arc<Bank>,
}

/// What the pages share with the background loops that serve them, and the parts of the
/// process the health endpoints report on.
#[derive(Clone)]
pub struct Parts {
    pub db: Db,
    /// Wakes the work-queue worker.
    pub work: Arc<Notify>,
    /// Fed by the journey's status feed.
    pub feed: StatusFeed,
    /// Per-client limits; idle clients are forgotten by their own loop.
    pub rates: RateLimits,
    /// Signs and checks the links into applications.
    pub links: Links,
    /// The back office's document download (documents are never stored).
    pub client: Arc<SolarisClient>,
    /// The background loops, for `/health/live` and `/health/ready`.
    pub loops: Loops,
    /// Set when shutdown begins: the app stops being ready before it stops serving.
    pub draining: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(settings: &Settings, public_url: &Url, parts: Parts) -> AppState {
        let origin = public_url.origin().ascii_serialization();
        let bank = Arc::new(settings.bank.clone());
        let journey = JourneyState::new(journey::Shared {
            db: parts.db.clone(),
            work: parts.work.clone(),
            public_origin: origin.clone(),
            minimum_age: settings.minimum_age,
            alternative_kyc_url: settings.alternative_kyc_url.as_ref().map(|u| u.to_string()),
            not_resident_days: settings.retention.not_resident_days,
            feed: parts.feed,
            rates: parts.rates.clone(),
            links: parts.links,
        });
        let office = Office::new(backoffice::Shared {
            db: parts.db.clone(),
            client: parts.client,
            work: parts.work,
            public_origin: origin,
            https: public_url.scheme() == "https",
            bank: bank.clone(),
            rates: parts.rates,
        });
        AppState {
            health: Health {
                db: parts.db.clone(),
                loops: parts.loops,
                draining: parts.draining,
            },
            customer: CustomerContext {
                db: parts.db.clone(),
                test_system: settings.sandbox_embedded() && settings.sandbox.exposed,
                bank,
            },
            api_keys: ApiKeys::new(&settings.partner_api_keys),
            journey,
            office,
            db: parts.db,
        }
    }
}
