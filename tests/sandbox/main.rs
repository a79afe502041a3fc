//! The sandbox seen from a Solaris client: real HTTP against the standalone sandbox.

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod faults;
mod idnow_page;
mod persons;
mod scenarios;
mod webhooks;
