//! Facts of the Solaris guide that are data, not behaviour, shared by every part of the app,
//! and the application they describe.

pub mod address_documents;
pub mod application;
pub mod countries;
pub mod failure_reason;
pub mod values;

pub use application::{Application, ConsentKind};
