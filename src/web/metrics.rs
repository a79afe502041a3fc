//! The metrics endpoint, on its own listener (`METRICS_LISTEN_ADDR`, never the public one):
//! the queues' state read at each scrape, then everything [`crate::monitoring`] recorded.

use std::net::SocketAddr;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::db::{work, Db};
use crate::monitoring::handle;

/// `GET /metrics`: the queues' state read now, then everything recorded.
async fn scrape(State(db): State<Db>) -> Response {
    let handle = handle();
    match work::waiting_by_kind(&db, db.now_ms()).await {
        Ok(rows) => {
            for kind in work::WorkKind::ALL {
                let (waiting, oldest) = rows
                    .iter()
                    .find(|(k, ..)| k == kind)
                    .map(|(_, n, age)| (*n as f64, *age as f64 / 1000.0))
                    .unwrap_or((0.0, 0.0));
                metrics::gauge!("onboarding_work_items_waiting", "kind" => kind.as_str())
                    .set(waiting);
                metrics::gauge!("onboarding_work_oldest_waiting_seconds", "kind" => kind.as_str())
                    .set(oldest);
            }
        }
        Err(e) => tracing::warn!(error = %e, "reading the work queue for metrics"),
    }
    match crate::db::mail::waiting(&db, db.now_ms()).await {
        Ok((waiting, oldest_ms)) => {
            metrics::gauge!("onboarding_mails_waiting").set(waiting as f64);
            metrics::gauge!("onboarding_mail_oldest_due_seconds").set(oldest_ms as f64 / 1000.0);
        }
        Err(e) => tracing::warn!(error = %e, "reading the mail outbox for metrics"),
    }
    match crate::db::partner_events::counts(&db).await {
        Ok((waiting, failed)) => {
            metrics::gauge!("onboarding_partner_events_waiting").set(waiting as f64);
            metrics::gauge!("onboarding_partner_events_failed").set(failed as f64);
        }
        Err(e) => tracing::warn!(error = %e, "reading the partner events for metrics"),
    }
    match crate::db::history::open_count(&db).await {
        Ok(open) => metrics::gauge!("onboarding_attention_open").set(open as f64),
        Err(e) => tracing::warn!(error = %e, "reading the needs-attention queue for metrics"),
    }
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// The metrics listener's routes.
pub fn router(db: Db) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(db)
}

/// Serves the metrics on `listener` until the task is stopped.
pub async fn serve(listener: std::net::TcpListener, db: Db) {
    let listener = match listener
        .try_clone()
        .and_then(tokio::net::TcpListener::from_std)
    {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "metrics listener");
            return;
        }
    };
    if let Err(e) = axum::serve(listener, router(db)).await {
        tracing::error!(error = %e, "metrics listener");
    }
}

/// Binds the metrics listener (`127.0.0.1:0` picks a free port).
pub fn bind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}
