//! `/health/live` and `/health/ready` for load balancers and orchestrators: plain answers
//! without data, outside the session layer.
//!
//! - live: the process answers and its background loops run (a loop restarted three times in a
//!   row counts as dead).
//! - ready: not draining on shutdown, the database answers, its migrations are all applied,
//!   and the work queue runs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::db::Db;
use crate::supervisor::Loops;

/// The loop that must run for the app to be ready.
pub(crate) const WORK_QUEUE: &str = "work queue";

#[derive(Clone, Debug)]
pub struct Health {
    pub db: Db,
    pub loops: Loops,
    /// Set when shutdown begins: the app stops being ready before it stops serving.
    pub draining: Arc<AtomicBool>,
}

fn answer(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

async fn live(State(health): State<Health>) -> Response {
    if health.loops.alive() {
        answer(StatusCode::OK, "live\n")
    } else {
        answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "not live: a background loop keeps failing\n",
        )
    }
}

async fn ready(State(health): State<Health>) -> Response {
    let unavailable = |why| answer(StatusCode::SERVICE_UNAVAILABLE, why);
    if health.draining.load(Ordering::SeqCst) {
        return unavailable("not ready: draining\n");
    }
    let applied =
        tokio::time::timeout(Duration::from_secs(2), health.db.applied_migrations()).await;
    match applied {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => return unavailable("not ready: migrations pending\n"),
        Ok(Err(_)) | Err(_) => return unavailable("not ready: database unreachable\n"),
    }
    if !health.loops.running(WORK_QUEUE) {
        return unavailable("not ready: work queue not running\n");
    }
    answer(StatusCode::OK, "ready\n")
}

/// The health routes, for any state the [`Health`] comes from.
pub(crate) fn router<S>() -> Router<S>
where
    Health: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
}
