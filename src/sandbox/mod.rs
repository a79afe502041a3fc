//! The built-in Solaris + IDnow sandbox: the Solaris partner API (`/oauth2/token`, `/v1/...`),
//! the IDnow web session (`/idnow/...`) and control endpoints (`/_sandbox/...`), served over
//! HTTP. Embedded at `/sandbox` on the app's listener, or standalone at the root.
//!
//! Nothing in here is called by the app's code: the app reaches the sandbox only over HTTP,
//! through the same client it uses for real Solaris.

pub mod auth;
pub mod chance;
pub mod change_requests;
pub mod clock;
pub mod control;
pub mod delivery;
pub mod documents;
pub mod engine;
pub mod error;
pub mod event_box;
pub mod failure_reasons;
pub mod faults;
pub mod identifications;
pub mod idnow;
pub mod ids;
pub mod log;
pub mod mailbox;
pub mod mobile;
pub(crate) mod pagination;
pub mod persons;
pub mod scenario;
pub(crate) mod validate;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::routing::{get, patch, post};
use axum::Router;
use tokio::sync::Notify;

use crate::config::SandboxSettings;
use crate::db::Db;

/// Everything the sandbox's handlers share.
#[derive(Clone, Debug)]
pub struct Sandbox {
    pub db: Db,
    pub clock: clock::Clock,
    pub faults: faults::Faults,
    /// Every random decision of a fault; seeded by `SANDBOX_SEED`.
    pub chance: chance::Chance,
    pub log: log::RequestLog,
    pub settings: Arc<SandboxSettings>,
    /// How clients reach the sandbox, e.g. `http://127.0.0.1:3000/sandbox` (no trailing slash).
    base_url: Arc<str>,
    /// The sandbox's path on its listener: `/sandbox` embedded, empty standalone.
    prefix: Arc<str>,
    /// Sends webhooks and verification pings; never follows redirects.
    pub http: reqwest::Client,
    /// Held while scheduled steps run (see `engine::run_due`).
    pub steps_lock: Arc<tokio::sync::Mutex<()>>,
    /// Wakes the scheduler when a step is added.
    pub wake: Arc<Notify>,
    /// Wakes the webhook sender when a notification is added.
    pub wake_deliveries: Arc<Notify>,
}

impl Sandbox {
    /// `base_url` is where clients reach the sandbox; its path is the mount point.
    pub async fn new(
        db: Db,
        settings: SandboxSettings,
        base_url: &url::Url,
    ) -> anyhow::Result<Sandbox> {
        let faults = settings.faults.clone();
        let base = base_url.as_str().trim_end_matches('/').to_string();
        let prefix = base_url.path().trim_end_matches('/').to_string();
        let chance = chance::Chance::new(settings.seed);
        tracing::info!(
            seed = chance.seed(),
            "sandbox faults draw from SANDBOX_SEED={}; set it to replay them",
            chance.seed()
        );
        Ok(Sandbox {
            clock: clock::Clock::load(db.clone()).await?,
            db,
            faults: faults::Faults::new(faults, chance.clone()),
            chance,
            log: log::RequestLog::default(),
            settings: Arc::new(settings),
            base_url: base.into(),
            prefix: prefix.into(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()?,
            steps_lock: Arc::new(tokio::sync::Mutex::new(())),
            wake: Arc::new(Notify::new()),
            wake_deliveries: Arc::new(Notify::new()),
        })
    }

    /// The absolute URL of a sandbox path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A sandbox path as the browser sees it on the listener.
    pub(crate) fn local_path(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// The IDnow web session of an identification (the long link form).
    pub(crate) fn idnow_url(&self, identification_id: &str) -> String {
        self.url(&format!(
            "/idnow/{}/identifications/{identification_id}",
            self.settings.company_id
        ))
    }

    /// The partner's return URL for a transaction number.
    pub(crate) fn return_url(&self, transaction_number: &str) -> String {
        self.settings
            .return_url
            .as_deref()
            .unwrap_or("/identification/return?transaction_number={transaction_number}")
            .replace("{transaction_number}", transaction_number)
    }

    /// Has the scheduler of scenario steps and the webhook sender run by `supervisor`.
    pub(crate) fn supervise_workers(&self, supervisor: &mut crate::supervisor::Supervisor) {
        let sandbox = self.clone();
        supervisor.spawn("sandbox scenarios", move |_| {
            engine::run_forever(sandbox.clone())
        });
        let sandbox = self.clone();
        supervisor.spawn("sandbox webhooks", move |_| {
            delivery::run_forever(sandbox.clone())
        });
    }

    /// One round of the sandbox's background work, as its loops do it: the scenario steps due
    /// on the clock, then the webhook deliveries due; how many of each ran.
    pub(crate) async fn run_due_once(&self) -> Result<(usize, usize), String> {
        let steps = engine::run_due(self)
            .await
            .map_err(|e| format!("sandbox steps: {:?}", e.errors))?;
        let deliveries = delivery::send_due(self)
            .await
            .map_err(|e| format!("sandbox deliveries: {:?}", e.errors))?;
        Ok((steps, deliveries))
    }

    /// All routes of the sandbox, relative to its mount point.
    /// The development mailbox, for the app's mail sender when no SMTP server is configured.
    pub fn mailbox(&self) -> std::sync::Arc<dyn crate::mail::MailSink> {
        std::sync::Arc::new(mailbox::DevMailbox(self.db.clone()))
    }

    /// The event box, for the app's event sender when no `PARTNER_EVENTS_URL` is configured.
    pub(crate) fn event_box(&self) -> std::sync::Arc<dyn crate::partner::EventSink> {
        std::sync::Arc::new(event_box::EventBox(self.db.clone()))
    }

    pub fn router(&self) -> Router {
        let v1 = Router::new()
            .route("/persons", post(persons::create).get(persons::list))
            .route(
                "/persons/{id}",
                get(persons::get_one).patch(persons::update),
            )
            .route(
                "/persons/{person_id}/identifications",
                post(identifications::create).get(identifications::list),
            )
            .route(
                "/persons/{person_id}/identifications/{id}",
                get(identifications::get_one),
            )
            .route(
                "/persons/{person_id}/identifications/{id}/request",
                patch(identifications::request),
            )
            .route(
                "/persons/{person_id}/identifications/{id}/supported_documents",
                get(identifications::supported_documents),
            )
            .route(
                "/persons/{person_id}/identifications/{id}/idnow_attempts",
                get(identifications::attempts),
            )
            .route(
                "/persons/{person_id}/mobile_number",
                post(mobile::create)
                    .get(mobile::get_one)
                    .delete(mobile::delete),
            )
            .route(
                "/persons/{person_id}/mobile_number/authorize",
                post(mobile::authorize),
            )
            .route(
                "/persons/{person_id}/mobile_number/confirm",
                post(mobile::confirm),
            )
            .route("/change_requests/{id}", get(change_requests::get_one))
            .route(
                "/change_requests/{id}/authorize",
                post(change_requests::authorize),
            )
            .route(
                "/change_requests/{id}/confirm",
                post(change_requests::confirm),
            )
            .route("/identifications", get(identifications::list_all))
            .route(
                "/persons/{person_id}/identifications/{id}/document_upload",
                post(documents::upload_for_identification),
            )
            .route(
                "/persons/{person_id}/documents",
                get(documents::list).post(documents::upload),
            )
            .route(
                "/persons/{person_id}/documents/{id}/file",
                get(documents::file),
            )
            .route("/webhooks", post(webhooks::create).get(webhooks::list))
            .route(
                "/webhooks/{id}",
                get(webhooks::get_one).delete(webhooks::delete),
            )
            .route_layer(from_fn_with_state(self.clone(), auth::require_bearer));
        let solaris = Router::new()
            .nest("/v1", v1)
            .route("/oauth2/token", post(auth::token))
            .layer(from_fn_with_state(self.faults.clone(), faults::layer));
        Router::new()
            .merge(solaris)
            .merge(idnow::router())
            .route("/mail", get(mailbox::page))
            .layer(from_fn_with_state(self.clone(), log::layer))
            .merge(control::router().route_layer(from_fn_with_state(
                self.clone(),
                auth::require_control_credentials,
            )))
            .fallback(|| async {
                error::ApiError::new(
                    axum::http::StatusCode::NOT_FOUND,
                    "not_found",
                    "Not Found",
                    "No such route in the Solaris API.",
                )
            })
            // After every route: it applies to the routes present when it is called.
            .method_not_allowed_fallback(|| async {
                error::ApiError::new(
                    axum::http::StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    "Method Not Allowed",
                    "This route does not answer this method.",
                )
            })
            .with_state(self.clone())
    }
}
