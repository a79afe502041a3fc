use serde_json::json;

use crate::common::TestSandbox;

#[tokio::test]
async fn a_person_is_created_with_a_solaris_id_and_read_back() {
    let sandbox = TestSandbox::spawn().await;
    let id = sandbox.create_person("X-AUTOTEST-HAPPYPATH").await;
    assert!(id.ends_with("cper") && id.len() == 36, "{id}");
    let person = sandbox.person(&id).await;
    assert_eq!(person["first_name"], "X-AUTOTEST-HAPPYPATH");
    assert_eq!(person["address"]["city"], "Berlin");
    assert_eq!(person["terms_conditions_signed_at"], "2026-11-25T10:00:00Z");
    assert_eq!(person["screening_progress"], "NOT_SCREENED");
}

#[tokio::test]
async fn invalid_fields_are_reported_in_the_errors_shape_with_their_source_field() {
    let sandbox = TestSandbox::spawn().await;
    let (status, _, body) = sandbox
        .call(
            "POST",
            "/v1/persons",
            Some(json!({
                "first_name": " Anna",
                "last_name": "a".repeat(51),
                "salutation": "mr",
                "birth_date": "1990-02-30",
                "nationality": "XX",
                "employment_status": "employed",
                "address": {"country": "Germany"},
                "terms_conditions_signed_at": "yesterday"
            })),
        )
        .await;
    assert_eq!(status, 400);
    let errors = body["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["source"]["field"].as_str().unwrap())
        .collect();
    for f in [
        "first_name",
        "last_name",
        "salutation",
        "birth_date",
        "nationality",
        "employment_status",
        "address[country]",
        "terms_conditions_signed_at",
    ] {
        assert!(fields.contains(&f), "no error for {f}: {fields:?}");
    }
    for e in errors {
        assert_eq!(e["status"], 400);
        assert_eq!(e["code"], "invalid_model");
        assert!(e["id"].as_str().unwrap().ends_with("ex"));
        assert!(!e["title"].as_str().unwrap().is_empty());
        assert!(!e["detail"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_invalid_json() {
    let sandbox = TestSandbox::spawn().await;
    let token = sandbox.token().await;
    let res = sandbox
        .http
        .post(sandbox.url("/v1/persons"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body("{\"first_name\":")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "invalid_json");
}

#[tokio::test]
async fn unknown_fields_are_dropped_and_nulls_ignored() {
    let sandbox = TestSandbox::spawn().await;
    let (status, _, body) = sandbox
        .call(
            "POST",
            "/v1/persons",
            Some(json!({"first_name": "Erika", "last_name": "Beispiel", "favourite_colour": "blue", "email": null})),
        )
        .await;
    assert_eq!(status, 201);
    assert!(body.get("favourite_colour").is_none());
    assert!(body.get("email").is_none());
}

#[tokio::test]
async fn an_unknown_person_is_model_not_found() {
    let sandbox = TestSandbox::spawn().await;
    let (status, _, body) = sandbox
        .call(
            "GET",
            "/v1/persons/00000000000000000000000000000000cper",
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["errors"][0]["code"], "model_not_found");
}

#[tokio::test]
async fn only_the_guides_updatable_fields_can_be_patched() {
    let sandbox = TestSandbox::spawn().await;
    let id = sandbox.create_person("Erika").await;
    let (status, _, body) = sandbox
        .call(
            "PATCH",
            &format!("/v1/persons/{id}"),
            Some(json!({"first_name": "Anna"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["source"]["field"], "first_name");

    let (status, _, body) = sandbox
        .call(
            "PATCH",
            &format!("/v1/persons/{id}"),
            Some(json!({"email": "erika@example.com", "address": {"city": "Hamburg"}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "erika@example.com");
    assert_eq!(body["address"]["city"], "Hamburg");
    assert_eq!(
        body["address"]["line_1"], "Teststraße",
        "a nested patch keeps the other parts"
    );
}

#[tokio::test]
async fn more_than_1000_identical_persons_are_refused() {
    let sandbox = TestSandbox::spawn().await;
    let token = sandbox.token().await;
    let person = json!({"first_name": "Erika", "last_name": "Doppelt", "birth_city": "Musterstadt", "birth_date": "1990-01-01"});
    let mut handles = Vec::new();
    for chunk in 0..10 {
        let (http, url, token, person) = (
            sandbox.http.clone(),
            sandbox.url("/v1/persons"),
            token.clone(),
            person.clone(),
        );
        handles.push(tokio::spawn(async move {
            for _ in 0..100 {
                let res = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&person)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201, "chunk {chunk}");
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let (status, _, body) = sandbox
        .call_with(&token, "POST", "/v1/persons", Some(person))
        .await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("1000"));
    // A different birth city is another person.
    let (status, _, _) = sandbox
        .call_with(&token, "POST", "/v1/persons", Some(json!({"first_name": "Erika", "last_name": "Doppelt", "birth_city": "Anderswo", "birth_date": "1990-01-01"})))
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn persons_are_paginated_with_total_and_link_headers() {
    let sandbox = TestSandbox::spawn().await;
    for name in ["Anna", "Berta", "Clara"] {
        sandbox.create_person(name).await;
    }
    let (status, headers, body) = sandbox
        .call("GET", "/v1/persons?page[number]=2&page[size]=2", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["total"], "3");
    assert_eq!(headers["per-page"], "2");
    assert!(headers["link"].to_str().unwrap().contains("rel=\"prev\""));
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["first_name"], "Clara");
}

#[tokio::test]
async fn the_state_survives_a_restart_on_a_file_database() {
    let db = crate::common::fresh_database_url().await;
    let id = {
        let sandbox = TestSandbox::spawn_on(&db, &[]).await;
        sandbox.create_person("Erika").await
    };
    let sandbox = TestSandbox::spawn_on(&db, &[]).await;
    assert_eq!(sandbox.person(&id).await["first_name"], "Erika");
}
