//! Facts of the Solaris guide that are data, not behaviour, shared by every part of the app,
//! and the application they describe.

pub mod address_documents;
pub mod application;
pub(crate) mod bank_event;
mod closed_set;
pub mod countries;
pub mod failure_reason;
pub mod guide;
pub mod history;
pub mod mail;
pub mod outcome;
pub mod records;
pub(crate) mod stage;
pub mod step;
pub mod values;
pub mod work;

pub use application::{Application, ConsentKind};
pub(crate) use bank_event::{EventState, EventType};
pub use guide::*;
pub use history::{AttentionState, Concern, ErasureReason, Happened};
pub use mail::{MailKind, Purpose};
pub use records::*;
pub(crate) use stage::Stage;
pub use step::Step;
pub use work::{WorkKind, WorkState};
