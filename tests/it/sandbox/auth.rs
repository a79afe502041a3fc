use serde_json::Value;

use crate::common::{TestSandbox, CLIENT_ID, CLIENT_SECRET};

#[tokio::test]
async fn a_token_is_issued_for_the_right_client_credentials() {
    let sandbox = TestSandbox::spawn().await;
    let res = sandbox
        .http
        .post(sandbox.url("/oauth2/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "partners")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["scope"], "partners");
    assert_eq!(body["expires_in"], 3599);
    assert!(body["access_token"].as_str().unwrap().len() > 20);
}

#[tokio::test]
async fn wrong_credentials_get_401() {
    let sandbox = TestSandbox::spawn().await;
    let res = sandbox
        .http
        .post(sandbox.url("/oauth2/token"))
        .basic_auth(CLIENT_ID, Some("not-the-secret"))
        .form(&[("grant_type", "client_credentials"), ("scope", "partners")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["status"], 401);
}

#[tokio::test]
async fn api_calls_without_a_token_get_token_required_and_with_a_bad_one_invalid_token() {
    let sandbox = TestSandbox::spawn().await;
    let res = sandbox
        .http
        .get(sandbox.url("/v1/persons"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "token_required");

    let (status, _, body) = sandbox
        .call_with("forged.token", "GET", "/v1/persons", None)
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["code"], "invalid_token");
}

#[tokio::test]
async fn a_token_expires_after_its_lifetime_on_the_sandbox_clock() {
    let sandbox = TestSandbox::spawn().await;
    let token = sandbox.token().await;
    let (status, _, _) = sandbox.call_with(&token, "GET", "/v1/persons", None).await;
    assert_eq!(status, 200);

    sandbox.advance(3600).await;

    let (status, _, body) = sandbox.call_with(&token, "GET", "/v1/persons", None).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["code"], "invalid_token");
    let fresh = sandbox.token().await;
    let (status, _, _) = sandbox.call_with(&fresh, "GET", "/v1/persons", None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_token_lifetime_is_configurable() {
    let db = crate::common::fresh_database_url().await;
    let sandbox = TestSandbox::spawn_on(&db, &[("SANDBOX_TOKEN_TTL_SECONDS", "5")]).await;
    let token = sandbox.token().await;
    sandbox.advance(6).await;
    let (status, _, _) = sandbox.call_with(&token, "GET", "/v1/persons", None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_token_without_the_partners_scope_is_refused() {
    let sandbox = TestSandbox::spawn().await;
    let res = sandbox
        .http
        .post(sandbox.url("/oauth2/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "invalid_scope");
}
