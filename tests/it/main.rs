//! The integration tests, in one binary: each module one area, all against the real servers
//! on port 0 (docs/testing.md). One binary links the crate once; `cargo nextest run` still runs
//! each test in its own process.

mod after_the_call;
mod app;
mod backoffice;
mod common;
mod customer_pages;
mod durations;
mod exposure;
mod health;
mod journey;
mod layers;
mod limits;
mod mail;
mod metrics;
mod partner;
mod rates;
mod resume;
mod retention;
mod sandbox;
mod scenarios;
mod shutdown;
mod solaris;
mod supervisor;
mod webhooks;
