//! The log of requests the sandbox served, read by tests through `GET /_sandbox/log`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use super::faults::Dropped;
use super::Sandbox;

/// Entries kept; older ones are forgotten so a long-running demo does not grow without bound.
const CAPACITY: usize = 20_000;

#[derive(Clone, Debug, Serialize)]
pub(crate) struct LogEntry {
    /// Increases by one per request, so a test can ask for what came after a point.
    pub seq: u64,
    pub method: String,
    /// Relative to the sandbox root, without the query.
    pub path: String,
    /// 0 when the fault layer dropped the connection.
    pub status: u16,
    pub time: String,
}

#[derive(Clone, Debug, Default)]
pub struct RequestLog {
    inner: Arc<Mutex<(u64, VecDeque<LogEntry>)>>,
}

impl RequestLog {
    pub fn push(&self, method: String, path: String, status: u16, time: String) {
        if let Ok(mut guard) = self.inner.lock() {
            let (seq, entries) = &mut *guard;
            *seq += 1;
            if entries.len() == CAPACITY {
                entries.pop_front();
            }
            entries.push_back(LogEntry {
                seq: *seq,
                method,
                path,
                status,
                time,
            });
        }
    }

    pub(crate) fn entries_after(&self, after: u64) -> Vec<LogEntry> {
        self.inner
            .lock()
            .map(|g| g.1.iter().filter(|e| e.seq > after).cloned().collect())
            .unwrap_or_default()
    }

    pub fn clear(&self) {
        if let Ok(mut g) = self.inner.lock() {
            g.1.clear();
        }
    }
}

pub async fn layer(State(sandbox): State<Sandbox>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let status = if res.extensions().get::<Dropped>().is_some() {
        0
    } else {
        res.status().as_u16()
    };
    sandbox.log.push(
        method,
        path,
        status,
        super::clock::format_utc_millis(sandbox.clock.now_ms()),
    );
    res
}
