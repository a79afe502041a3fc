//! The durable queue of Solaris work: what the customer submits is stored with the work items
//! that send it to Solaris, in one transaction; workers inside the app run the items through
//! the [`SolarisClient`](crate::solaris::SolarisClient), record the outcome on the application
//! and retry with backoff while Solaris is unavailable.
//!
//! Duplicates: Solaris has no idempotency key. A creation is sent once per attempt; when an
//! attempt failed ambiguously (no answer, 5xx), the next attempt first looks for what the
//! earlier one may have created (a person with exactly the submitted names, birth data, e-mail
//! and consent timestamps; an identification in `created` state of the person) and adopts it
//! instead of creating a second one.

mod duplicates;
mod execute;
mod worker;

pub use crate::db::applications::submit;
pub use crate::db::work::{enqueue_one, progress, Progress, WorkKind, WorkState};
pub use duplicates::PERSON_SEARCH_PAGES;
pub use worker::{Worker, WorkerOptions, READ_ATTEMPTS};
