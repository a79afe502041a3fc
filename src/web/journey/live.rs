//! Live status: each waiting customer's page keeps a Server-Sent Events stream open and reloads
//! when its status changes. The stream is fed by the instance's [`StatusFeed`](super::feed::StatusFeed), from our own
//! database, never from Solaris.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use tokio::sync::broadcast;
use tower_sessions::Session;

use crate::db::applications;
use crate::domain::IdentificationStatus;
use crate::supervisor::Shutdown;

/// How soon a browser whose stream ended at a shutdown connects again (to another instance,
/// or to this one restarted).
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// `GET /identification/events`: `status` events for the session's application.
pub async fn events(State(state): State<super::state::JourneyState>, session: Session) -> Response {
    let id = match super::session::application_id(&session).await {
        Ok(Some(id)) => id,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the session for the live stream");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let current = match applications::live_status(&state.db, &id).await {
        Ok(Some(current)) => current,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the status for the live stream");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let rx = state.feed.subscribe();
    // Counted open until the stream is dropped, however it ends.
    let open = OpenStream::new();
    let events = futures::StreamExt::map(
        stream(id, current, rx, state.feed.shutdown().clone()),
        move |e| {
            let _ = &open;
            e
        },
    );
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// One open live-status stream, for the metrics.
struct OpenStream;

impl OpenStream {
    fn new() -> OpenStream {
        crate::monitoring::live_streams(1.0);
        OpenStream
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        crate::monitoring::live_streams(-1.0);
    }
}

/// What a stream does next.
enum Next {
    /// Send the status the page was opened with.
    First(IdentificationStatus),
    /// Wait for a change of the application's status, or for the shutdown.
    Follow,
    /// The stream has said goodbye.
    Done,
}

/// The `status` events of one application: first the current status, then each change. At a
/// shutdown, a last `reconnect` event (with a short `retry`) ends the stream, so the browser
/// connects again elsewhere instead of holding the stopping instance open.
fn stream(
    id: String,
    first: IdentificationStatus,
    rx: broadcast::Receiver<(String, IdentificationStatus)>,
    shutdown: Shutdown,
) -> impl Stream<Item = Result<Event, Infallible>> {
    futures::stream::unfold(
        (
            Next::First(first),
            rx,
            IdentificationStatus::Created,
            shutdown,
        ),
        move |(next, mut rx, mut sent, mut shutdown)| {
            let id = id.clone();
            async move {
                match next {
                    Next::Done => return None,
                    Next::First(status) => {
                        let event = Event::default().event("status").data(status.as_str());
                        return Some((Ok(event), (Next::Follow, rx, status, shutdown)));
                    }
                    Next::Follow => {}
                }
                loop {
                    let received = tokio::select! {
                        received = rx.recv() => received,
                        _ = shutdown.requested() => {
                            let bye = Event::default().event("reconnect").retry(RECONNECT_AFTER).data("");
                            return Some((Ok(bye), (Next::Done, rx, sent, shutdown)));
                        }
                    };
                    match received {
                        Ok((app, status)) if app == id && status != sent => {
                            let event = Event::default().event("status").data(status.as_str());
                            sent = status;
                            return Some((Ok(event), (Next::Follow, rx, sent, shutdown)));
                        }
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    }
                }
            }
        },
    )
}
