//! Solaris onboarding: the web app a Solaris partner bank runs so that desktop customers can
//! open an account with an IDnow video identification.
//!
//! - [`web`]: the pages the customer sees (Leptos, rendered on the server, no WebAssembly);
//! - [`sandbox`]: the built-in Solaris + IDnow sandbox, reached only over HTTP;
//! - [`db`]: storage on SQLite or PostgreSQL;
//! - [`config`], [`telemetry`], [`startup`]: settings, logs and the assembly of the server.

pub mod config;
pub mod db;
pub mod domain;
pub mod queue;
pub mod sandbox;
pub mod solaris;
pub mod startup;
pub mod telemetry;
pub mod web;
pub mod webhooks;
