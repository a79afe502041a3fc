//! Facts of the Solaris guide that are data, not behaviour, shared by every part of the app.

pub mod countries;
pub mod failure_reason;
