//! The customer journey after the welcome page: consent, data, eligibility, review, documents,
//! the IDnow redirect, the return page and the completion. Every page is a server-rendered
//! form or link; every step checks that the customer may be there and sends them to the step
//! they are at otherwise.

mod checklist;
pub mod choices;
mod complete;
mod consent;
mod contact;
mod details;
mod documents;
mod elsewhere;
pub(crate) mod feed;
pub mod fields;
pub mod form;
mod guard;
mod ineligible;
pub mod live;
pub mod page;
mod paths;
mod person;
mod preparing;
mod redirect;
mod reminders;
pub mod resume;
mod review;
mod routes;
pub mod session;
pub mod start;
mod state;
mod status;
pub(crate) mod status_read;
mod withdraw;

pub(crate) use elsewhere::qr_svg;
pub(crate) use routes::router;
pub use state::{JourneyState, Shared};
