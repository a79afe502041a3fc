//! Retention: a supervised daily job that erases what the bank may no longer keep. Personal
//! data of applications that never reached Solaris goes after `RETENTION_UNSUBMITTED_DAYS`
//! (residents outside Germany, who cannot go on, after `RETENTION_NOT_RESIDENT_DAYS`, as their
//! page says); webhook deliveries after `RETENTION_WEBHOOK_DAYS`. Each erasure leaves a proof row
//! (when, why, how many). Expired sessions are purged by their own loop.

use std::time::Duration;

use crate::db::retention::{self as store, Reason};
use crate::db::{Db, StoreError};
use crate::domain::application::Details;

const DAY_MS: i64 = 24 * 3600 * 1000;

pub use crate::config::retention::Policy;

/// What one run erased.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub unsubmitted: u64,
    pub not_resident: u64,
    pub webhook_deliveries: u64,
}

fn lives_outside_germany(details: Option<&str>) -> bool {
    details
        .and_then(|d| serde_json::from_str::<Details>(d).ok())
        .and_then(|d| d.contact)
        .is_some_and(|c| c.country != "DE")
}

/// One run of the job as of `now` (ms; the tests move it).
pub async fn run_once(db: &Db, now: i64, policy: Policy) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let unsubmitted_before = now - i64::from(policy.unsubmitted_days) * DAY_MS;
    let not_resident_before = now - i64::from(policy.not_resident_days) * DAY_MS;
    let earliest = unsubmitted_before.max(not_resident_before);
    for app in store::unreached_since(db, earliest).await? {
        let (reason, before) = if lives_outside_germany(app.details.as_deref()) {
            (Reason::NotResident, not_resident_before)
        } else {
            (Reason::Unsubmitted, unsubmitted_before)
        };
        if store::erase_unreached(db, &app.id, before, now).await? {
            tracing::info!(application_id = %app.id, reason = reason.as_str(), "retention: personal data erased");
            match reason {
                Reason::NotResident => report.not_resident += 1,
                _ => report.unsubmitted += 1,
            }
        }
    }
    report.webhook_deliveries =
        store::prune_inbox(db, now - i64::from(policy.webhook_days) * DAY_MS).await?;
    for (reason, erased) in [
        (Reason::Unsubmitted, report.unsubmitted),
        (Reason::NotResident, report.not_resident),
        (Reason::WebhookInbox, report.webhook_deliveries),
    ] {
        if erased > 0 {
            store::log(db, reason, erased).await?;
            crate::monitoring::erased(reason.as_str(), erased);
        }
    }
    Ok(report)
}

/// Runs the job a minute after start and then once a day of the app's clock (which a test or
/// the sandbox may move faster than the wall's).
pub(crate) async fn run_forever(db: Db, policy: Policy) {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    const LOOK_EVERY: Duration = Duration::from_secs(60);
    let mut due = db.now_ms() + 60_000;
    loop {
        db.clock.pause(LOOK_EVERY).await;
        let now = db.now_ms();
        if now < due {
            continue;
        }
        due = now + DAY_MS;
        match run_once(&db, now, policy).await {
            Ok(report) => tracing::info!(
                unsubmitted = report.unsubmitted,
                not_resident = report.not_resident,
                webhook_deliveries = report.webhook_deliveries,
                "retention run"
            ),
            Err(e) => {
                tracing::error!(code = "retention_failed", error = %e, "retention run; trying again in an hour");
                due = now + 3600 * 1000;
            }
        }
    }
}
