//! Solaris webhooks: our subscriptions, and the intake that verifies, stores and queues each
//! delivery. Webhooks are informational: they make us read the resource again through the
//! work queue, so a late, repeated or out-of-order delivery cannot move an application back.

mod intake;
pub mod reconcile;
mod subscriptions;

pub use intake::{intake, Writer};
pub use subscriptions::{ensure_forever, ensure_once, Schedule, Trouble, EVENT_TYPES};

/// The path of the one route that takes every event type.
pub(crate) const PATH: &str = "/webhooks/solaris";
