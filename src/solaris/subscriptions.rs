//! Our webhook subscriptions at Solaris: list, create, delete.

use reqwest::Method;

use super::error::SolarisError;
use super::types::*;
use super::{Safety, SolarisClient};

impl SolarisClient {
    pub async fn list_webhooks(&self) -> Result<Vec<WebhookSubscription>, SolarisError> {
        self.json(
            "webhooks.list",
            Method::GET,
            "/v1/webhooks?page[size]=1000",
            None,
            Safety::Safe,
        )
        .await
    }

    /// `POST /v1/webhooks`: the answer holds the secret, once.
    pub async fn create_webhook(
        &self,
        event_type: &WebhookEventType,
        url: &str,
    ) -> Result<WebhookSubscription, SolarisError> {
        let body = serde_json::json!({ "event_type": event_type, "url": url });
        self.json(
            "webhooks.create",
            Method::POST,
            "/v1/webhooks",
            Some(body),
            Safety::Unsafe,
        )
        .await
    }

    pub async fn delete_webhook(&self, id: &str) -> Result<(), SolarisError> {
        self.call(
            "webhooks.delete",
            Method::DELETE,
            &format!("/v1/webhooks/{id}"),
            None,
            Safety::Safe,
        )
        .await
        .map(|_| ())
    }
}
