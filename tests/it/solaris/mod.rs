//! The Solaris client and the work queue against the sandbox over HTTP, with the sandbox's
//! fault injection in place of hand-written mocks.

use crate::common;

mod client;
mod queue;
mod subscriptions;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use solaris_onboarding::config::Credentials;
use solaris_onboarding::solaris::{ClientOptions, SolarisClient};

pub fn client_for(sandbox: &common::TestSandbox, options: ClientOptions) -> Arc<SolarisClient> {
    let base = url::Url::parse(&sandbox.base).unwrap();
    Arc::new(
        SolarisClient::new(
            base.clone(),
            base,
            Credentials {
                client_id: common::CLIENT_ID.into(),
                client_secret: common::CLIENT_SECRET.to_string().into(),
            },
            options,
        )
        .unwrap(),
    )
}

/// Short delays, so retries happen within a test.
pub fn quick() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(5),
        retry_budget: Duration::from_secs(20),
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
    }
}

/// What the sandbox served, as `METHOD path status`, for requests matching `method` and a path
/// starting with `prefix`.
pub async fn served(
    sandbox: &common::TestSandbox,
    method: &str,
    prefix: &str,
) -> Vec<(String, u64)> {
    sandbox
        .log()
        .await
        .into_iter()
        .filter(|e: &Value| {
            e["method"] == method && e["path"].as_str().unwrap().starts_with(prefix)
        })
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect()
}
