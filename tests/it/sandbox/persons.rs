use serde_json::{json, Value};

use crate::common::{self, TestSandbox};

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
    let fields = error_fields(&body);
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

    // Fields without a value are set at once.
    let (status, _, body) = sandbox
        .call(
            "PATCH",
            &format!("/v1/persons/{id}"),
            Some(json!({"email": "erika@example.com", "job_title": "Testerin"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "erika@example.com");
    assert_eq!(body["job_title"], "Testerin");
    // The same value again changes nothing, so it needs no confirmation either.
    let (status, _, _) = sandbox
        .call(
            "PATCH",
            &format!("/v1/persons/{id}"),
            Some(json!({"email": "erika@example.com", "address": {"city": "Berlin"}})),
        )
        .await;
    assert_eq!(status, 200);
}

/// A person whose mobile number the customer verified with the one-time code.
async fn verified_person(sandbox: &TestSandbox) -> String {
    let id = sandbox.create_person("Erika").await;
    let path = format!("/v1/persons/{id}/mobile_number");
    let number = json!({"number": "+15550101"});
    let (status, _, body) = sandbox.call("POST", &path, Some(number.clone())).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["verified"], false);
    assert!(body["id"].as_str().unwrap().ends_with("cmno"));
    let (status, _, _) = sandbox
        .call("POST", &format!("{path}/authorize"), Some(number))
        .await;
    assert_eq!(status, 200);
    let (status, _, body) = sandbox
        .call(
            "POST",
            &format!("{path}/confirm"),
            Some(json!({"number": "+15550101", "token": "212212"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verified"], true);
    id
}

#[tokio::test]
async fn changing_a_field_that_has_a_value_needs_a_change_request_confirmed_by_the_customer() {
    let sandbox = TestSandbox::spawn().await;
    let unverified = sandbox.create_person("Erika").await;
    let change = json!({"address": {"city": "Hamburg"}});
    let (status, _, body) = sandbox
        .call(
            "PATCH",
            &format!("/v1/persons/{unverified}"),
            Some(change.clone()),
        )
        .await;
    assert_eq!(status, 403, "no verified mobile number to confirm with");
    assert_eq!(body["errors"][0]["code"], "mobile_number_not_verified");

    let id = verified_person(&sandbox).await;
    let (status, _, request) = sandbox
        .call("PATCH", &format!("/v1/persons/{id}"), Some(change))
        .await;
    assert_eq!(status, 202, "{request}");
    assert_eq!(request["status"], "AUTHORIZATION_REQUIRED");
    let cr = request["id"].as_str().unwrap();
    assert!(cr.ends_with("csc"));
    assert!(request["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/v1/change_requests/{cr}/authorize")));
    assert_eq!(
        sandbox.person(&id).await["address"]["city"],
        "Berlin",
        "not yet"
    );

    let confirm = format!("/v1/change_requests/{cr}/confirm");
    let (status, _, body) = sandbox
        .call(
            "POST",
            &confirm,
            Some(json!({"person_id": id, "tan": "212212"})),
        )
        .await;
    assert_eq!(status, 400, "authorised first");
    assert_eq!(body["errors"][0]["code"], "change_request_not_authorized");
    let (status, _, body) = sandbox
        .call(
            "POST",
            &format!("/v1/change_requests/{cr}/authorize"),
            Some(json!({"person_id": id, "delivery_method": "mobile_number"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "CONFIRMATION_REQUIRED");
    let (status, _, body) = sandbox
        .call(
            "POST",
            &confirm,
            Some(json!({"person_id": id, "tan": "000000"})),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["errors"][0]["code"], "invalid_tan");
    let (status, _, body) = sandbox
        .call(
            "POST",
            &confirm,
            Some(json!({"person_id": id, "tan": "212212"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "COMPLETED");
    let person = sandbox.person(&id).await;
    assert_eq!(person["address"]["city"], "Hamburg");
    assert_eq!(
        person["address"]["line_1"], "Teststraße",
        "a nested change keeps the rest"
    );
    let (status, _, _) = sandbox
        .call(
            "POST",
            &confirm,
            Some(json!({"person_id": id, "tan": "212212"})),
        )
        .await;
    assert_eq!(status, 400, "a change is applied once");
}

#[tokio::test]
async fn deleting_a_mobile_number_tells_person_mobile_number_deleted() {
    let sandbox = TestSandbox::spawn().await;
    let receiver = common::Receiver::start().await;
    sandbox
        .subscribe("PERSON_MOBILE_NUMBER_DELETED", &receiver.url)
        .await;
    // An unverified number goes at once.
    let id = sandbox.create_person("Erika").await;
    let path = format!("/v1/persons/{id}/mobile_number");
    let (status, _, created) = sandbox
        .call("POST", &path, Some(json!({"number": "+15550101"})))
        .await;
    assert_eq!(status, 201);
    let (status, _, _) = sandbox
        .call("POST", &path, Some(json!({"number": "+15550101"})))
        .await;
    assert_eq!(status, 409, "one number per person");
    let (status, _, _) = sandbox
        .call("DELETE", &path, Some(json!({"number": "+15550101"})))
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = sandbox.call("GET", &path, None).await;
    assert_eq!(status, 404);
    let got = receiver
        .wait_for("PERSON_MOBILE_NUMBER_DELETED", |r| {
            r.iter()
                .any(|d| d.header("solaris-webhook-event-type") == "PERSON_MOBILE_NUMBER_DELETED")
        })
        .await;
    let delivery = got
        .iter()
        .find(|d| d.header("solaris-webhook-event-type") == "PERSON_MOBILE_NUMBER_DELETED")
        .unwrap();
    assert_eq!(delivery.json()["id"], created["id"]);
    assert_eq!(delivery.header("solaris-entity-id"), id);

    // A verified number needs the customer's confirmation.
    let verified = verified_person(&sandbox).await;
    let (status, _, request) = sandbox
        .call(
            "DELETE",
            &format!("/v1/persons/{verified}/mobile_number"),
            Some(json!({"number": "+15550101"})),
        )
        .await;
    assert_eq!(status, 202, "{request}");
    let cr = request["id"].as_str().unwrap();
    for (step, body) in [
        (
            "authorize",
            json!({"person_id": verified, "delivery_method": "mobile_number"}),
        ),
        ("confirm", json!({"person_id": verified, "tan": "212212"})),
    ] {
        let (status, _, body) = sandbox
            .call(
                "POST",
                &format!("/v1/change_requests/{cr}/{step}"),
                Some(body),
            )
            .await;
        assert_eq!(status, 200, "{step}: {body}");
    }
    let (status, _, _) = sandbox
        .call(
            "GET",
            &format!("/v1/persons/{verified}/mobile_number"),
            None,
        )
        .await;
    assert_eq!(status, 404);
    receiver
        .wait_for("a second PERSON_MOBILE_NUMBER_DELETED", |r| {
            r.iter()
                .filter(|d| {
                    d.header("solaris-webhook-event-type") == "PERSON_MOBILE_NUMBER_DELETED"
                })
                .count()
                == 2
        })
        .await;
}

#[tokio::test]
async fn aml_confirmed_on_may_only_be_today_or_tomorrow() {
    let sandbox = TestSandbox::spawn().await;
    let clock: Value = sandbox.control("/_sandbox/clock").await;
    let today = chrono::DateTime::parse_from_rfc3339(clock["now"].as_str().unwrap())
        .unwrap()
        .date_naive();
    for (day, expected) in [(-1, 400), (2, 400), (1, 200), (0, 200)] {
        let date = (today + chrono::Duration::days(day))
            .format("%Y-%m-%d")
            .to_string();
        let id = sandbox.create_person("Erika").await;
        let (status, _, body) = sandbox
            .call(
                "PATCH",
                &format!("/v1/persons/{id}"),
                Some(json!({"aml_confirmed_on": date})),
            )
            .await;
        assert_eq!(status, expected, "{day}: {body}");
        if expected == 400 {
            assert_eq!(body["errors"][0]["source"]["field"], "aml_confirmed_on");
        }
    }
}

#[tokio::test]
async fn a_freelancer_needs_a_nace_code_or_industry_set_to_null() {
    let sandbox = TestSandbox::spawn().await;
    let id = sandbox.create_person("Erika").await;
    let path = format!("/v1/persons/{id}");
    let (status, _, body) = sandbox
        .call(
            "PATCH",
            &path,
            Some(json!({"employment_status": "FREELANCER"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["source"]["field"], "nace_code");
    for allowed in [
        json!({"employment_status": "FREELANCER", "nace_code": "M69.1"}),
        json!({"employment_status": "SELF_EMPLOYED", "industry": null, "industry_key": null}),
    ] {
        let other = sandbox.create_person("Erika").await;
        let (status, _, body) = sandbox
            .call("PATCH", &format!("/v1/persons/{other}"), Some(allowed))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let mut person = json!({
        "first_name": "Erika", "last_name": "Beispiel", "employment_status": "SELF_EMPLOYED",
        "terms_conditions_signed_at": "2026-11-25T10:00:00Z",
        "data_terms_signed_at": "2026-11-25T10:00:01Z"
    });
    let (status, _, _) = sandbox
        .call("POST", "/v1/persons", Some(person.clone()))
        .await;
    assert_eq!(status, 400, "the same rule on creation");
    person["industry"] = Value::Null;
    person["industry_key"] = Value::Null;
    let (status, _, body) = sandbox.call("POST", "/v1/persons", Some(person)).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn every_error_answer_has_the_errors_shape_405_and_404_included() {
    let sandbox = TestSandbox::spawn().await;
    for (method, path, expected, code) in [
        ("DELETE", "/v1/persons", 405, "method_not_allowed"),
        ("PUT", "/v1/webhooks", 405, "method_not_allowed"),
        ("GET", "/v1/nothing/here", 404, "not_found"),
    ] {
        let (status, _, body) = sandbox.call(method, path, None).await;
        assert_eq!(status, expected, "{method} {path}");
        assert_eq!(body["errors"][0]["code"], code, "{method} {path}: {body}");
        assert_eq!(body["errors"][0]["status"], expected);
    }
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

#[tokio::test]
async fn the_sandbox_is_as_strict_as_solaris_with_times_dates_addresses_and_patches() {
    let sandbox = TestSandbox::spawn().await;
    let (status, _, body) = sandbox
        .call(
            "POST",
            "/v1/persons",
            Some(json!({
                "first_name": "Anna",
                "last_name": "Beispiel",
                "birth_date": "2999-01-01",
                "address": {"line_1": "Teststraße", "city": "Berlin"},
                "terms_conditions_signed_at": "2026-12-07T10:00:00+01:00"
            })),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let fields = error_fields(&body);
    for f in [
        "birth_date",
        "address[country]",
        "terms_conditions_signed_at",
    ] {
        assert!(fields.contains(&f), "no error for {f}: {fields:?}");
    }

    let id = sandbox.create_person("Erika").await;
    // A key Solaris does not know is dropped, not refused; one of `tax_information` that the
    // guide does not list as updatable is refused.
    let (status, _, body) = sandbox
        .call(
            "PATCH",
            &format!("/v1/persons/{id}"),
            Some(json!({"job_title": "Testerin", "favourite_colour": "blue"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("favourite_colour").is_none());
    let (status, _, body) = sandbox
        .call(
            "PATCH",
            &format!("/v1/persons/{id}"),
            Some(json!({"tax_information": {"tax_assessment_country": "FR"}})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["errors"][0]["source"]["field"],
        "tax_information[tax_assessment_country]"
    );
}

#[tokio::test]
async fn persons_made_in_one_millisecond_are_listed_in_the_order_they_were_made() {
    let sandbox = TestSandbox::spawn().await;
    let db = solaris_onboarding::db::Db::connect(
        &sandbox.database_url,
        solaris_onboarding::clock::Clock::system(),
    )
    .await
    .unwrap();
    let mut made = Vec::new();
    for i in 0..30 {
        made.push(
            sandbox
                .create_person(&format!("Anna{}", "a".repeat(i % 5 + 1)))
                .await,
        );
    }
    // All in one millisecond, as a clock that stands still gives them.
    sqlx::query("update sandbox_person set created_at = 1")
        .execute(&db.pool)
        .await
        .unwrap();
    let (_, _, list) = sandbox
        .call("GET", "/v1/persons?page[size]=100", None)
        .await;
    let listed: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, made);
}

/// The fields an error answer names, in its order.
fn error_fields(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"]["field"].as_str().unwrap())
        .collect()
}
