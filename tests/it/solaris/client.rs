use std::time::Duration;

use serde_json::{json, Value};
use solaris_onboarding::solaris::types::{
    Address, ChangeRequestStatus, IdentificationMethod, IdentificationStatus, Language,
    NewIdentification, NewPerson, PersonUpdate, PersonUpdated,
};
use solaris_onboarding::solaris::SolarisError;

use super::{client_for, quick, served};
use crate::common::TestSandbox;

fn person(first_name: &str) -> NewPerson {
    NewPerson {
        first_name: first_name.into(),
        last_name: "Beispiel".into(),
        birth_date: Some("1990-01-01".into()),
        birth_city: Some("Musterstadt".into()),
        terms_conditions_signed_at: "2026-11-25T10:00:00Z".into(),
        data_terms_signed_at: "2026-11-25T10:00:01Z".into(),
        ..NewPerson::default()
    }
}

#[tokio::test]
async fn the_token_is_reused_for_its_lifetime() {
    let sandbox = TestSandbox::spawn().await;
    let client = client_for(&sandbox, quick());
    let created = client.create_person(&person("Erika")).await.unwrap();
    for _ in 0..5 {
        assert_eq!(
            client
                .get_person(&created.id)
                .await
                .unwrap()
                .first_name
                .as_deref(),
            Some("Erika")
        );
    }
    assert_eq!(served(&sandbox, "POST", "/oauth2/token").await.len(), 1);
}

#[tokio::test]
async fn a_burst_of_concurrent_calls_shares_one_token_request() {
    let sandbox = TestSandbox::spawn().await;
    let id = sandbox.create_person("Erika").await;
    sandbox
        .http
        .delete(sandbox.url("/_sandbox/log"))
        .send()
        .await
        .unwrap();
    let client = client_for(&sandbox, quick());
    let calls = (0..20).map(|_| {
        let (client, id) = (client.clone(), id.clone());
        tokio::spawn(async move { client.get_person(&id).await })
    });
    for c in futures::future::join_all(calls).await {
        c.unwrap().unwrap();
    }
    assert_eq!(served(&sandbox, "POST", "/oauth2/token").await.len(), 1);
    assert_eq!(served(&sandbox, "GET", "/v1/persons/").await.len(), 20);
}

#[tokio::test]
async fn an_expired_token_is_replaced_once_and_the_call_succeeds() {
    let sandbox = TestSandbox::spawn().await;
    let client = client_for(&sandbox, quick());
    let created = client.create_person(&person("Erika")).await.unwrap();
    // The client still holds the token (its own clock has not moved); Solaris refuses it.
    sandbox.advance(3600).await;
    client.get_person(&created.id).await.unwrap();
    assert_eq!(served(&sandbox, "POST", "/oauth2/token").await.len(), 2);
    let gets: Vec<u64> = served(&sandbox, "GET", "/v1/persons/")
        .await
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(gets, [401, 200]);
}

#[tokio::test]
async fn safe_calls_ride_out_30_percent_503_answers() {
    let sandbox = TestSandbox::spawn().await;
    let client = client_for(&sandbox, quick());
    let created = client.create_person(&person("Erika")).await.unwrap();
    sandbox
        .set_faults(
            json!({"routes": [{"method": "GET", "path": "/v1/**", "status": 503, "rate": 0.3}]}),
        )
        .await;
    for _ in 0..30 {
        client.get_person(&created.id).await.unwrap();
    }
    let statuses: Vec<u64> = served(&sandbox, "GET", "/v1/persons/")
        .await
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 30);
    assert!(
        statuses.contains(&503),
        "some answers were 503: {statuses:?}"
    );
}

#[tokio::test]
async fn a_slow_answer_times_out_and_the_safe_call_is_sent_again() {
    let sandbox = TestSandbox::spawn().await;
    let mut options = quick();
    options.timeout = Duration::from_millis(500);
    let client = client_for(&sandbox, options);
    let created = client.create_person(&person("Erika")).await.unwrap();
    sandbox.set_faults(json!({"routes": [{"method": "GET", "path": "/v1/persons/*", "latency_ms": 2000, "times": 1}]})).await;
    let read = client.get_person(&created.id).await.unwrap();
    // The one slow answer was held four times as long as the client waits, so the person the
    // client got came from a second request; the rule is spent.
    assert_eq!(read.id, created.id);
    let faults: Value = sandbox.control("/_sandbox/faults").await;
    assert_eq!(faults["routes"][0]["times"], 0, "{faults}");
}

#[tokio::test]
async fn a_429_and_a_dropped_connection_are_retried() {
    let sandbox = TestSandbox::spawn().await;
    let client = client_for(&sandbox, quick());
    let created = client.create_person(&person("Erika")).await.unwrap();
    sandbox
        .set_faults(json!({"routes": [
            {"method": "GET", "path": "/v1/persons/*", "status": 429, "times": 1},
            {"method": "GET", "path": "/v1/persons/*", "drop": "before", "times": 1}
        ]}))
        .await;
    client.get_person(&created.id).await.unwrap();
    let statuses: Vec<u64> = served(&sandbox, "GET", "/v1/persons/")
        .await
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(statuses, [429, 0, 200]);
}

#[tokio::test]
async fn a_creation_is_not_sent_twice_when_the_connection_drops_after_the_work() {
    let sandbox = TestSandbox::spawn().await;
    let client = client_for(&sandbox, quick());
    sandbox.set_faults(json!({"routes": [{"method": "POST", "path": "/v1/persons", "drop": "after", "times": 1}]})).await;
    let err = client.create_person(&person("Erika")).await.unwrap_err();
    assert!(err.is_ambiguous() && err.is_retryable(), "{err}");
    assert_eq!(served(&sandbox, "POST", "/v1/persons").await.len(), 1);
}

#[tokio::test]
async fn a_validation_error_keeps_each_field_and_is_not_retried() {
    let sandbox = TestSandbox::spawn().await;
    let client = client_for(&sandbox, quick());
    let mut bad = person("R2D2");
    bad.nationality = Some("XX".into());
    let err = client.create_person(&bad).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(!err.is_retryable());
    let fields: Vec<String> = err.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["first_name", "nationality"]);
    assert!(
        !err.to_string().contains("R2D2"),
        "the message does not repeat personal data"
    );
}

#[tokio::test]
async fn wrong_credentials_fail_without_retries() {
    let sandbox = TestSandbox::spawn().await;
    let base = url::Url::parse(&sandbox.base).unwrap();
    let client = solaris_onboarding::solaris::SolarisClient::new(
        base.clone(),
        base,
        solaris_onboarding::config::Credentials {
            client_id: "nobody".into(),
            client_secret: "wrong".to_string().into(),
        },
        quick(),
    )
    .unwrap();
    let err = client.get_person("x").await.unwrap_err();
    assert!(matches!(err, SolarisError::Api { status: 401, .. }));
    assert_eq!(served(&sandbox, "POST", "/oauth2/token").await.len(), 1);
    assert!(
        !format!("{client:?}").contains("wrong"),
        "secrets stay out of Debug"
    );
}

#[tokio::test]
async fn the_typed_calls_cover_the_guides_journey() {
    let sandbox = TestSandbox::spawn().await;
    let client = client_for(&sandbox, quick());
    let p = client
        .create_person(&person("X-AUTOTEST-HAPPYPATH"))
        .await
        .unwrap();
    let new = NewIdentification {
        method: IdentificationMethod::Idnow,
        language: Some(Language::De),
        proof_of_address_type: None,
        proof_of_address_issued_at: None,
    };
    let ident = client.create_identification(&p.id, &new).await.unwrap();
    assert_eq!(ident.status, IdentificationStatus::Created);
    let docs = client.supported_documents(&p.id, &ident.id).await.unwrap();
    assert!(docs.iter().any(|d| d.kind == "Passport"));
    let requested = client
        .request_identification(&p.id, &ident.id)
        .await
        .unwrap();
    assert_eq!(requested.status, IdentificationStatus::Pending);
    assert!(requested.url.unwrap().contains(&ident.id));
    sandbox.advance(150).await;
    let done = client
        .get_identification(&p.id, &ident.id, true)
        .await
        .unwrap();
    assert_eq!(done.status, IdentificationStatus::Successful);
    // The KYC report, the ID document and the face.
    assert_eq!(done.documents.unwrap().len(), 3);
    assert_eq!(client.list_identifications(&p.id).await.unwrap().len(), 1);
    assert_eq!(
        client.idnow_attempts(&p.id, &ident.id).await.unwrap()[0]
            .result
            .as_deref(),
        Some("SUCCESS")
    );
    let files = client.person_documents(&p.id).await.unwrap();
    let pdf = client.download_document(&p.id, &files[0].id).await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let receiver = crate::common::Receiver::start().await;
    let sub = client
        .create_webhook(
            &solaris_onboarding::solaris::types::WebhookEventType::Identification,
            &receiver.url,
        )
        .await
        .unwrap();
    assert!(sub.secret.is_some());
    assert_eq!(client.list_webhooks().await.unwrap().len(), 1);
    client.delete_webhook(&sub.id).await.unwrap();
    assert!(client.list_webhooks().await.unwrap().is_empty());
    let update = PersonUpdate {
        email: Some("erika@example.com".into()),
        ..Default::default()
    };
    match client.update_person(&p.id, &update).await.unwrap() {
        PersonUpdated::Applied(person) => {
            assert_eq!(person.email.as_deref(), Some("erika@example.com"))
        }
        other => panic!("a field without a value is set at once: {other:?}"),
    }
}

#[tokio::test]
async fn a_change_of_a_set_field_is_a_change_request_applied_once_authorised_and_confirmed() {
    let sandbox = TestSandbox::spawn().await;
    let client = client_for(&sandbox, quick());
    let p = client.create_person(&person("Erika")).await.unwrap();
    // The customer's mobile number, verified with the one-time code.
    let path = format!("/v1/persons/{}/mobile_number", p.id);
    let number = serde_json::json!({"number": "+15550101"});
    assert_eq!(sandbox.call("POST", &path, Some(number)).await.0, 201);
    let confirm = serde_json::json!({"number": "+15550101", "token": "212212"});
    assert_eq!(
        sandbox
            .call("POST", &format!("{path}/confirm"), Some(confirm))
            .await
            .0,
        200
    );
    let update = PersonUpdate {
        address: Some(Address {
            city: Some("Hamburg".into()),
            ..Address::default()
        }),
        ..PersonUpdate::default()
    };
    let set = PersonUpdate {
        email: Some("erika@example.com".into()),
        ..PersonUpdate::default()
    };
    assert!(matches!(
        client.update_person(&p.id, &set).await.unwrap(),
        PersonUpdated::Applied(_)
    ));
    let changed = PersonUpdate {
        email: Some("erika.beispiel@example.com".into()),
        ..update
    };
    let PersonUpdated::ChangeRequest(request) =
        client.update_person(&p.id, &changed).await.unwrap()
    else {
        panic!("changing a set field needs the customer's confirmation");
    };
    assert_eq!(request.status, ChangeRequestStatus::AuthorizationRequired);
    assert!(request.url.unwrap().ends_with("/authorize"));
    assert_eq!(
        client.get_person(&p.id).await.unwrap().email.as_deref(),
        Some("erika@example.com"),
        "nothing changes before the confirmation"
    );
    let authorized = client
        .authorize_change_request(&request.id, &p.id)
        .await
        .unwrap();
    assert_eq!(authorized.status, ChangeRequestStatus::ConfirmationRequired);
    let wrong = client
        .confirm_change_request(&request.id, &p.id, "000000")
        .await
        .unwrap_err();
    assert_eq!(wrong.status(), Some(403));
    assert_eq!(wrong.code(), Some("invalid_tan"));
    let done = client
        .confirm_change_request(&request.id, &p.id, "212212")
        .await
        .unwrap();
    assert_eq!(done.status, ChangeRequestStatus::Completed);
    let person = client.get_person(&p.id).await.unwrap();
    assert_eq!(person.email.as_deref(), Some("erika.beispiel@example.com"));
    assert_eq!(person.address.unwrap().city.as_deref(), Some("Hamburg"));
}
