//! Solaris onboarding: the web app a Solaris partner bank runs so that desktop customers can
//! open an account with an IDnow video identification.
//!
//! - [`web`]: the pages the customer sees (axum handlers rendering Leptos views through one
//!   shell, no WebAssembly);
//! - [`domain`]: the application and the facts of the guide;
//! - [`db`]: all SQL of the app, one store per aggregate, on SQLite or PostgreSQL;
//! - [`solaris`]: the Solaris client; [`work`]: the worker of the durable Solaris work;
//! - [`webhooks`]: the webhook intake, subscriptions and reconciliation;
//! - [`mail`]: e-mails to customers (an outbox and its sender) and the links back;
//! - [`partner`]: signed events for the bank's systems (the read API is in [`web`]);
//! - `sandbox`: the built-in Solaris + IDnow sandbox, reached only over HTTP (cargo feature
//!   `sandbox`, on by default);
//! - `web::backoffice`: the bank's staff pages; [`staff_cli`]: `solaris-onboarding staff …`;
//! - [`config`], [`telemetry`], [`startup`]: settings, logs and the assembly of the server;
//! - [`supervisor`]: the owner of every background loop, and the drain on SIGTERM.

pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod html;
pub mod i18n;
pub mod mail;
pub mod monitoring;
pub mod outbox;
pub mod partner;
pub mod retention;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod solaris;
pub mod staff_cli;
pub mod startup;
pub mod supervisor;
pub mod telemetry;
pub mod web;
pub mod webhooks;
pub mod work;
