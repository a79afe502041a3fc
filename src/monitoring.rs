//! The metrics the app records, in the Prometheus text format; the web layer's `metrics`
//! endpoint serves them on their own listener (`METRICS_LISTEN_ADDR`, never the public one).
//! Every name starts with `onboarding_`; labels are closed sets (steps, languages, statuses,
//! the guide's failure reasons, endpoints, outcomes, work kinds, event types), never personal
//! data or ids.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::domain::{EventType, FailureReason, IdentificationStatus, WebhookEventType};

/// Seconds, for calls and processing: 5 ms to 30 s.
const FAST: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Seconds, for a customer's way: a minute to two weeks.
const SLOW: &[f64] = &[
    60.0,
    300.0,
    900.0,
    1800.0,
    3600.0,
    4.0 * 3600.0,
    86400.0,
    3.0 * 86400.0,
    7.0 * 86400.0,
    14.0 * 86400.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder (installed once; every app instance in the process shares it).
pub(crate) fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = || {
                PrometheusBuilder::new()
                    .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), FAST)
                    .and_then(|b| {
                        b.set_buckets_for_metric(Matcher::Suffix("_journey_seconds".into()), SLOW)
                    })
            };
            match builder().map(|b| b.install_recorder()) {
                Ok(Ok(handle)) => handle,
                other => {
                    // Another recorder is installed: render what ours would, and say so.
                    tracing::error!(?other, "metrics recorder not installed");
                    PrometheusBuilder::new().build_recorder().handle()
                }
            }
        })
        .clone()
}

/// A stage of the funnel an application reached, counted once per application (not the
/// journey's [`Step`](crate::domain::Step), which says which page the customer is on).
#[derive(Clone, Copy, Debug)]
pub enum Funnel {
    Started,
    Consented,
    DataEntered,
    NotEligible,
    Submitted,
    DocumentChosen,
    SentToIdnow,
    Identified,
}

impl Funnel {
    fn as_str(self) -> &'static str {
        match self {
            Funnel::Started => "started",
            Funnel::Consented => "consented",
            Funnel::DataEntered => "data_entered",
            Funnel::NotEligible => "not_eligible",
            Funnel::Submitted => "submitted",
            Funnel::DocumentChosen => "document_chosen",
            Funnel::SentToIdnow => "sent_to_idnow",
            Funnel::Identified => "identified",
        }
    }
}

/// The funnel: an application reached `step`, in `lang` (`en` or `de`).
pub fn reached(step: Funnel, lang: &str) {
    let lang = if lang.eq_ignore_ascii_case("de") {
        "de"
    } else {
        "en"
    };
    metrics::counter!("onboarding_funnel_total", "step" => step.as_str(), "lang" => lang)
        .increment(1);
}

/// An identification's status changed; `reason` only when it is one of the guide's.
pub(crate) fn identification_outcome(
    status: &IdentificationStatus,
    reason: Option<&FailureReason>,
) {
    let reason = match reason {
        None => "none",
        Some(r) => r.info().map(|i| i.code).unwrap_or("other"),
    };
    // Only the guide's statuses become label values.
    let status: &'static str = IdentificationStatus::ALL
        .iter()
        .find(|s| *s == status)
        .map(|s| s.as_str())
        .unwrap_or("other");
    metrics::counter!("onboarding_identification_outcomes_total", "status" => status, "reason" => reason)
        .increment(1);
}

/// From the start of an application to its successful identification.
pub(crate) fn start_to_success(seconds: f64) {
    metrics::histogram!("onboarding_start_to_success_journey_seconds").record(seconds);
}

/// From the redirect to IDnow to a final result.
pub(crate) fn redirect_to_result(seconds: f64) {
    metrics::histogram!("onboarding_redirect_to_result_journey_seconds").record(seconds);
}

/// One Solaris call: its endpoint, its outcome, how long it took.
pub(crate) fn solaris_call(endpoint: &'static str, outcome: &'static str, seconds: f64) {
    metrics::counter!("onboarding_solaris_calls_total", "endpoint" => endpoint, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("onboarding_solaris_call_duration_seconds", "endpoint" => endpoint)
        .record(seconds);
}

/// One webhook delivery at our endpoint: its event type (the five we subscribe to, else
/// `other`) and what we did with it.
pub(crate) fn webhook_delivery(event: &str, outcome: &'static str) {
    let event = WebhookEventType::ALL
        .iter()
        .find(|e| e.as_str() == event)
        .map(|e| e.as_str())
        .unwrap_or("other");
    metrics::counter!("onboarding_webhook_deliveries_total", "event" => event, "outcome" => outcome)
        .increment(1);
}

/// From a delivery's arrival to its storage with the work it causes.
pub(crate) fn webhook_lag(seconds: f64) {
    metrics::histogram!("onboarding_webhook_processing_lag_seconds").record(seconds);
}

/// Live status streams open now.
pub(crate) fn live_streams(change: f64) {
    metrics::gauge!("onboarding_live_streams_open").increment(change);
}

/// Whether our webhook subscriptions are in place (1) or not (0).
pub(crate) fn subscriptions_in_place(ok: bool) {
    metrics::gauge!("onboarding_webhook_subscriptions_in_place").set(if ok { 1.0 } else { 0.0 });
}

/// A work item failed for good (a read that kept failing, a refusal): by kind.
pub(crate) fn work_failed(kind: &'static str) {
    metrics::counter!("onboarding_work_failed_total", "kind" => kind).increment(1);
}

/// What a retention run erased.
pub fn erased(reason: &'static str, count: u64) {
    metrics::counter!("onboarding_retention_erased_total", "reason" => reason).increment(count);
}

/// A mail left the outbox: `sent`, `dropped` (nothing to send it to) or `failed` (refused
/// for good), by kind.
pub(crate) fn mail_ended(kind: &'static str, outcome: &'static str) {
    metrics::counter!("onboarding_mails_total", "kind" => kind, "outcome" => outcome).increment(1);
}

/// A partner event left the outbox: `delivered`, or `failed` after days of retries.
pub fn partner_event(event_type: &str, outcome: &'static str) {
    let event_type = EventType::parse(event_type).map_or("other", EventType::as_str);
    metrics::counter!("onboarding_partner_events_total", "type" => event_type, "outcome" => outcome)
        .increment(1);
}

/// A connection was closed as it arrived: `full` (every slot taken) or `client_full` (its
/// address holds its share already).
pub(crate) fn connection_refused(why: &'static str) {
    metrics::counter!("onboarding_connections_refused_total", "reason" => why).increment(1);
}

/// A connection was closed for having no request in flight for the header timeout.
pub(crate) fn connection_idle_closed() {
    metrics::counter!("onboarding_connections_idle_closed_total").increment(1);
}
