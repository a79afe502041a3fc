//! The sandbox seen from a Solaris client: real HTTP against the standalone sandbox.

mod auth;
mod faults;
mod idnow_page;
mod persons;
mod scenarios;
mod webhooks;
