//! The guide's test scenarios, played by the sandbox (the scenario table of sandbox-spec.md).

use serde_json::{json, Value};

use crate::common::TestSandbox;

/// After `request`, advance the clock by each step's seconds and expect that status.
/// The customer opens the same link again and starts another call on the IDnow page.
async fn start_again(sandbox: &TestSandbox, url: &str) {
    let res = sandbox
        .http
        .post(format!("{url}/start"))
        .form(crate::common::IDNOW_START)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

async fn plays(case: &str, steps: &[(u64, &str)]) -> (TestSandbox, String, String, Value) {
    let sandbox = TestSandbox::spawn().await;
    let (person, ident) = sandbox
        .create_identification(&format!("X-AUTOTEST-{case}"))
        .await;
    let (status, body) = sandbox.request(&person, &ident).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "pending");
    assert!(body["reference"].as_str().unwrap().starts_with("TST-"));
    let mut last = Value::Null;
    for (seconds, expected) in steps {
        sandbox.advance(*seconds).await;
        last = sandbox.identification(&person, &ident).await;
        assert_eq!(
            last["status"], *expected,
            "{case} after +{seconds}s: {last}"
        );
    }
    (sandbox, person, ident, last)
}

#[tokio::test]
async fn happypath_ends_successful_with_documents() {
    let (sandbox, person, _, ident) = plays(
        "HAPPYPATH",
        &[(0, "pending"), (60, "pending"), (90, "successful")],
    )
    .await;
    assert!(ident["completed_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(ident["failure_reason"], Value::Null);
    let types: Vec<&str> = ident["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["document_type"].as_str().unwrap())
        .collect();
    // The KYC report, the ID document and the customer's face.
    assert_eq!(types, ["KYC_REPORT", "ID_DOCUMENT", "PICTURE"]);
    let doc = ident["documents"][0]["id"].as_str().unwrap();
    let token = sandbox.token().await;
    let res = sandbox
        .http
        .get(sandbox.url(&format!("/v1/persons/{person}/documents/{doc}/file")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(
        sandbox.person(&person).await["screening_progress"],
        "SCREENED_ACCEPTED"
    );
}

#[tokio::test]
async fn changeall_changes_the_persons_data_during_the_call() {
    let (sandbox, person, _, _) = plays("CHANGEALL", &[(60, "pending")]).await;
    let changed = sandbox.person(&person).await;
    assert_eq!(changed["first_name"], "Zoë Łucja");
    assert_eq!(changed["last_name"], "Ångström-Müller");
    assert_eq!(changed["address"]["line_1"], "Straße des Übergangs");
}

#[tokio::test]
async fn changeallreview_changes_the_data_only_at_the_review() {
    let sandbox = TestSandbox::spawn().await;
    let (person, ident) = sandbox
        .create_identification("X-AUTOTEST-CHANGEALLREVIEW")
        .await;
    sandbox.request(&person, &ident).await;
    sandbox.advance(60).await;
    assert_eq!(
        sandbox.person(&person).await["first_name"],
        "X-AUTOTEST-CHANGEALLREVIEW"
    );
    sandbox.advance(90).await;
    assert_eq!(
        sandbox.identification(&person, &ident).await["status"],
        "successful"
    );
    assert_eq!(sandbox.person(&person).await["first_name"], "Zoë Łucja");
}

#[tokio::test]
async fn abortident_aborts_with_a_user_caused_temporary_reason_and_the_same_url_can_be_retried() {
    let (sandbox, person, ident_id, ident) = plays("ABORTIDENT", &[(60, "aborted")]).await;
    let reason = ident["failure_reason"].as_str().unwrap();
    let info = solaris_onboarding::sandbox::failure_reasons::lookup(reason).unwrap();
    assert!(
        !info.permanent && info.caused_by_user == Some(true),
        "{reason}"
    );

    // The same URL is offered again: the automated session runs by itself again, asking
    // nothing (no consent form, no mobile number).
    let url = ident["url"].as_str().unwrap();
    let page = sandbox.http.get(url).send().await.unwrap();
    assert_eq!(page.status(), 303);
    assert!(page.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("?waiting=1"));
    assert_eq!(
        sandbox.identification(&person, &ident_id).await["status"],
        "pending"
    );
    sandbox.advance(60 + 90).await;
    assert_eq!(
        sandbox.identification(&person, &ident_id).await["status"],
        "successful"
    );

    let (status, _, attempts) = sandbox
        .call(
            "GET",
            &format!("/v1/persons/{person}/identifications/{ident_id}/idnow_attempts"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let results: Vec<&str> = attempts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["ABORTED", "SUCCESS"]);
    assert_eq!(attempts[0]["reason"], reason);
    assert_eq!(
        attempts[0]["payload"]["identificationprocess"]["transactionnumber"],
        ident_id
    );
}

#[tokio::test]
async fn fraudok_is_canceled_then_successful_after_review() {
    let (_, _, _, ident) = plays("FRAUDOK", &[(60, "canceled"), (90, "successful")]).await;
    assert_eq!(ident["failure_reason"], Value::Null);
}

#[tokio::test]
async fn canceled_turns_a_successful_identification_into_canceled_with_a_reason() {
    let (_, _, _, ident) = plays(
        "CANCELED",
        &[(60, "pending"), (90, "successful"), (90, "canceled")],
    )
    .await;
    assert!(solaris_onboarding::sandbox::failure_reasons::lookup(
        ident["failure_reason"].as_str().unwrap()
    )
    .is_some());
}

#[tokio::test]
async fn fraudident_goes_through_pending_failed_to_failed_without_a_reason() {
    let (_, _, _, ident) = plays("FRAUDIDENT", &[(60, "pending_failed"), (90, "failed")]).await;
    assert_eq!(ident["failure_reason"], Value::Null);
}

#[tokio::test]
async fn longreview_takes_24_hours() {
    plays(
        "LONGREVIEW",
        &[
            (0, "pending"),
            // The call went well; the review takes a day, in which Solaris says pending (the
            // guide's appendix II has no other way).
            (60, "pending"),
            (90, "pending"),
            (23 * 3600, "pending"),
            (3600, "successful"),
        ],
    )
    .await;
}

#[tokio::test]
async fn holdcertificate_is_refused_for_video_identification() {
    let sandbox = TestSandbox::spawn().await;
    let (person, ident) = sandbox
        .create_identification("X-AUTOTEST-HOLDCERTIFICATE")
        .await;
    let (status, body) = sandbox.request(&person, &ident).await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("eSigning"));
    assert_eq!(
        sandbox.identification(&person, &ident).await["status"],
        "created"
    );
}

#[tokio::test]
async fn the_scenario_prefix_also_works_in_the_last_name() {
    let sandbox = TestSandbox::spawn().await;
    let (s, _, p) = sandbox
        .call(
            "POST",
            "/v1/persons",
            Some(json!({"first_name": "Erika", "last_name": "X-AUTOTEST-FRAUDIDENT"})),
        )
        .await;
    assert_eq!(s, 201);
    let person = p["id"].as_str().unwrap();
    let (_, _, i) = sandbox
        .call(
            "POST",
            &format!("/v1/persons/{person}/identifications"),
            Some(json!({"method": "idnow"})),
        )
        .await;
    let ident = i["id"].as_str().unwrap();
    sandbox.request(person, ident).await;
    sandbox.advance(60).await;
    assert_eq!(
        sandbox.identification(person, ident).await["status"],
        "pending_failed"
    );
}

#[tokio::test]
async fn an_unused_link_expires_after_14_days() {
    let sandbox = TestSandbox::spawn().await;
    let (person, ident) = sandbox
        .create_identification("X-MANUALTEST-HAPPYPATH")
        .await;
    sandbox.request(&person, &ident).await;
    sandbox.advance(13 * 24 * 3600).await;
    assert_eq!(
        sandbox.identification(&person, &ident).await["status"],
        "pending"
    );
    sandbox.advance(24 * 3600).await;
    assert_eq!(
        sandbox.identification(&person, &ident).await["status"],
        "expired"
    );
    let (status, _) = sandbox.request(&person, &ident).await;
    assert_eq!(status, 422, "an expired identification needs a new one");
}

#[tokio::test]
async fn requesting_again_while_pending_answers_the_same_link() {
    let sandbox = TestSandbox::spawn().await;
    let (person, ident) = sandbox
        .create_identification("X-MANUALTEST-HAPPYPATH")
        .await;
    let (_, first) = sandbox.request(&person, &ident).await;
    let (status, again) = sandbox.request(&person, &ident).await;
    assert_eq!(status, 200);
    assert_eq!(first["url"], again["url"]);
    assert_eq!(first["reference"], again["reference"]);
}

#[tokio::test]
async fn identification_fields_are_validated() {
    let sandbox = TestSandbox::spawn().await;
    let person = sandbox.create_person("Erika").await;
    let path = format!("/v1/persons/{person}/identifications");
    let cases = [
        (json!({}), "method"),
        (json!({"method": "video"}), "method"),
        (json!({"method": "idnow", "language": "FR"}), "language"),
        (
            json!({"method": "idnow", "proof_of_address_type": "GAS_BILL"}),
            "proof_of_address_issued_at",
        ),
        (
            json!({"method": "idnow", "proof_of_address_type": "PHONE_BILL", "proof_of_address_issued_at": "2026-11-01"}),
            "proof_of_address_type",
        ),
        (
            json!({"method": "idnow", "proof_of_address_type": "GAS_BILL", "proof_of_address_issued_at": "2020-01-01"}),
            "proof_of_address_issued_at",
        ),
    ];
    for (body, field) in cases {
        let (status, _, res) = sandbox.call("POST", &path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(res["errors"][0]["source"]["field"], field, "{body}: {res}");
    }
    let recent = (chrono::Utc::now() - chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let (status, _, res) = sandbox
        .call("POST", &path, Some(json!({"method": "idnow", "language": "DE", "proof_of_address_type": "GAS_BILL", "proof_of_address_issued_at": recent})))
        .await;
    assert_eq!(status, 201, "{res}");
    assert_eq!(res["status"], "created");
    assert_eq!(res["url"], Value::Null);
    assert!(res["id"].as_str().unwrap().ends_with("cidt"));
}

#[tokio::test]
async fn supported_documents_list_types_with_issuing_countries() {
    let sandbox = TestSandbox::spawn().await;
    let (person, ident) = sandbox.create_identification("Erika").await;
    let (status, _, docs) = sandbox
        .call(
            "GET",
            &format!("/v1/persons/{person}/identifications/{ident}/supported_documents"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let id_card = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["type"] == "National ID Card")
        .unwrap();
    assert!(id_card["issuing_countries"]
        .as_array()
        .unwrap()
        .contains(&json!("DE")));
}

#[tokio::test]
async fn an_unknown_test_case_is_aborted_for_good_instead_of_waiting_for_a_tester() {
    let (sandbox, person, ident_id, ident) =
        plays("FRAUDREVIEW", &[(0, "pending"), (60, "aborted")]).await;
    assert_eq!(ident["failure_reason"], "OTHER_MISCELLANEOUS_PERMANENT");
    let info =
        solaris_onboarding::sandbox::failure_reasons::lookup("OTHER_MISCELLANEOUS_PERMANENT")
            .unwrap();
    assert!(info.permanent);
    // A retry with the same URL ends the same way: the case stays unknown.
    let url = ident["url"].as_str().unwrap();
    start_again(&sandbox, url).await;
    sandbox.advance(60).await;
    let again = sandbox.identification(&person, &ident_id).await;
    assert_eq!(again["status"], "aborted");
    assert_eq!(again["failure_reason"], "OTHER_MISCELLANEOUS_PERMANENT");
}

/// The sandbox keeps its own copy of the guide's failure reasons; the app's table must agree
/// with it row by row, so a wrong flag on either side shows here instead of passing unseen.
#[tokio::test]
async fn the_sandbox_and_the_app_transcribe_the_failure_reasons_alike() {
    use solaris_onboarding::domain::failure_reason::{self as app, FAILURE_REASONS};
    use solaris_onboarding::sandbox::failure_reasons as sandbox;
    let sandbox_codes: Vec<&str> = sandbox::all().map(|r| r.code).collect();
    let app_codes: Vec<&str> = FAILURE_REASONS.iter().map(|r| r.code).collect();
    assert_eq!(sandbox_codes, app_codes);
    for row in sandbox::all() {
        let ours = app::lookup(row.code).unwrap();
        assert_eq!(
            (ours.permanent, ours.caused_by_user),
            (row.permanent, row.caused_by_user),
            "{}",
            row.code
        );
    }
}

#[tokio::test]
async fn all_identifications_of_the_partner_are_listed_in_one_index() {
    let sandbox = TestSandbox::spawn().await;
    let (p1, i1) = sandbox.create_identification("Erika").await;
    let (_, i2) = sandbox.create_identification("Anna").await;
    let (status, headers, list) = sandbox.call("GET", "/v1/identifications", None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["total"], "2");
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [i1.as_str(), i2.as_str()]);
    assert_eq!(list[0]["person_id"], p1);
}

/// A multipart upload of `bytes` as `document_type` to `path`.
async fn upload(
    sandbox: &TestSandbox,
    path: &str,
    document_type: Option<&str>,
    bytes: &[u8],
) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name("proof of address.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    if let Some(t) = document_type {
        form = form.text("document_type", t.to_string());
    }
    let res = sandbox
        .http
        .post(sandbox.url(path))
        .bearer_auth(sandbox.token().await)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn documents_can_be_uploaded_to_a_person_and_to_an_identification() {
    let sandbox = TestSandbox::spawn().await;
    let (person, ident) = sandbox.create_identification("Erika").await;
    let bytes = b"%PDF-1.4 a gas bill of Erika Beispiel";
    let (status, doc) = upload(
        &sandbox,
        &format!("/v1/persons/{person}/documents"),
        Some("PROOF_OF_ADDRESS"),
        bytes,
    )
    .await;
    assert_eq!(status, 201, "{doc}");
    assert_eq!(doc["document_type"], "PROOF_OF_ADDRESS");
    assert_eq!(doc["size"], bytes.len());
    assert_eq!(doc["name"], "proof_of_address.pdf");
    assert_eq!(doc["customer_accessible"], false);
    let res = sandbox
        .http
        .get(sandbox.url(&format!(
            "/v1/persons/{person}/documents/{}/file",
            doc["id"].as_str().unwrap()
        )))
        .bearer_auth(sandbox.token().await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes);

    let (status, extra) = upload(
        &sandbox,
        &format!("/v1/persons/{person}/identifications/{ident}/document_upload"),
        Some("OTHER"),
        b"more",
    )
    .await;
    assert_eq!(status, 201, "{extra}");
    let listed = sandbox.identification(&person, &ident).await;
    assert_eq!(listed["documents"][0]["id"], extra["id"]);
    let (_, _, all) = sandbox
        .call("GET", &format!("/v1/persons/{person}/documents"), None)
        .await;
    assert_eq!(all.as_array().unwrap().len(), 2);

    // Refused as Solaris refuses them.
    let (status, body) = upload(
        &sandbox,
        &format!("/v1/persons/{person}/documents"),
        None,
        bytes,
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (400, Some("bad_request"))
    );
    let (status, body) = upload(
        &sandbox,
        &format!("/v1/persons/{person}/documents"),
        Some("HOLIDAY_PHOTO"),
        bytes,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["source"]["field"], "document_type");
    let (status, _) = upload(
        &sandbox,
        &format!("/v1/persons/{person}/identifications/00000000000000000000000000000000cidt/document_upload"),
        Some("OTHER"),
        bytes,
    )
    .await;
    assert_eq!(status, 404);
}

async fn attempts(sandbox: &TestSandbox, person: &str, ident: &str) -> Vec<Value> {
    let (status, _, list) = sandbox
        .call(
            "GET",
            &format!("/v1/persons/{person}/identifications/{ident}/idnow_attempts"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    list.as_array().unwrap().clone()
}

#[tokio::test]
async fn the_attempts_carry_idnows_final_result_and_the_original_values_it_changed() {
    for (case, steps, result) in [
        (
            "HAPPYPATH",
            vec![(60, "pending"), (90, "successful")],
            "SUCCESS",
        ),
        (
            "CHANGEALL",
            vec![(60, "pending"), (90, "successful")],
            "SUCCESS_DATA_CHANGED",
        ),
        (
            "CHANGEALLREVIEW",
            vec![(60, "pending"), (90, "successful")],
            "SUCCESS_DATA_CHANGED",
        ),
        (
            "FRAUDIDENT",
            vec![(60, "pending_failed"), (90, "failed")],
            "FRAUD_SUSPICION_CONFIRMED",
        ),
        // Case 3: a success the review cancels later is no success in the attempts either.
        (
            "CANCELED",
            vec![(60, "pending"), (90, "successful"), (90, "canceled")],
            "CANCELED",
        ),
    ] {
        let (sandbox, person, ident, _) = plays(case, &steps).await;
        let list = attempts(&sandbox, &person, &ident).await;
        assert_eq!(list.len(), 1, "{case}");
        let attempt = &list[0];
        assert_eq!(attempt["result"], result, "{case}");
        assert_eq!(
            attempt["payload"]["identificationprocess"]["result"],
            result
        );
        let first = &attempt["payload"]["userdata"]["firstname"];
        let street = &attempt["payload"]["userdata"]["address"]["street"];
        if result == "SUCCESS_DATA_CHANGED" {
            let now = sandbox.person(&person).await;
            assert_eq!(first["status"], "CHANGE", "{case}");
            assert_eq!(first["original"], format!("X-AUTOTEST-{case}"));
            assert_eq!(first["value"], now["first_name"]);
            assert_eq!(street["status"], "CHANGE");
            assert_eq!(street["original"], "Teststraße");
            let city = &attempt["payload"]["userdata"]["address"]["city"];
            assert_eq!(city["status"], "MATCH", "Berlin stays Berlin");
        } else {
            assert_eq!(first["status"], "MATCH", "{case}");
            assert_eq!(first.get("original"), None);
        }
    }
}
