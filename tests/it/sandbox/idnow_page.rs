//! MANUALTEST and the tester's choice: the customer goes through the IDnow page's forms.

use crate::common::TestSandbox;

const RETURN: &str = "http://127.0.0.1:9/identification/return?transaction_number=";

struct Session {
    sandbox: TestSandbox,
    person: String,
    ident: String,
    url: String,
}

async fn open(first_name: &str) -> Session {
    let sandbox = TestSandbox::spawn().await;
    let (person, ident) = sandbox.create_identification(first_name).await;
    let (_, body) = sandbox.request(&person, &ident).await;
    let url = body["url"].as_str().unwrap().to_string();
    assert!(url.contains(&format!(
        "/idnow/solarisbankvideoidentsandbox/identifications/{ident}"
    )));
    Session {
        sandbox,
        person,
        ident,
        url,
    }
}

impl Session {
    async fn start(&self, mobile: &str) -> reqwest::Response {
        self.sandbox
            .http
            .post(format!("{}/start", self.url))
            .form(&[
                ("terms", "on"),
                ("recording", "on"),
                ("document", "on"),
                ("mobile_number", mobile),
            ])
            .send()
            .await
            .unwrap()
    }

    async fn code(&self, code: &str, outcome: Option<&str>) -> reqwest::Response {
        let mut form = vec![("code", code)];
        if let Some(o) = outcome {
            form.push(("outcome", o));
        }
        self.sandbox
            .http
            .post(format!("{}/code", self.url))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn status(&self) -> serde_json::Value {
        self.sandbox.identification(&self.person, &self.ident).await
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn manual_happypath_goes_through_consent_call_and_ident_code_back_to_the_partner() {
    let s = open("X-MANUALTEST-HAPPYPATH").await;
    let page = s
        .sandbox
        .http
        .get(&s.url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Start identification") && page.contains("mobile_number"));

    let res = s.start("+15550101").await;
    assert_eq!(res.status(), 303);
    let call = s
        .sandbox
        .http
        .get(&s.url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(call.contains("Ident code") && call.contains("123456"));

    let res = s.code("123456", None).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{RETURN}{}", s.ident));
    assert_eq!(s.status().await["status"], "pending");
    s.sandbox.advance(90).await;
    assert_eq!(s.status().await["status"], "successful");

    // A finished identification's URL sends the browser back to the partner.
    let again = s.sandbox.http.get(&s.url).send().await.unwrap();
    assert_eq!(again.status(), 303);
    assert_eq!(location(&again), format!("{RETURN}{}", s.ident));
}

#[tokio::test]
async fn the_consent_form_keeps_what_was_typed_and_says_what_is_wrong() {
    let s = open("X-MANUALTEST-HAPPYPATH").await;
    let res = s
        .sandbox
        .http
        .post(format!("{}/start", s.url))
        .form(&[("terms", "on"), ("mobile_number", "+4917612345678")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"+4917612345678\""));
    assert!(html.contains("name=\"terms\" checked"));
    assert!(html.contains("confirm all three"));
    assert!(html.contains("starts with 0"));
    assert_eq!(s.status().await["status"], "pending");
    assert_eq!(s.start("01761234567").await.status(), 303);
}

#[tokio::test]
async fn three_wrong_ident_codes_end_the_session_as_aborted() {
    let s = open("X-MANUALTEST-HAPPYPATH").await;
    s.start("+15550101").await;
    for left in ["2 attempt", "1 attempt"] {
        let res = s.code("000000", None).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains(left));
    }
    let res = s.code("000000", None).await;
    assert_eq!(res.status(), 303);
    let ident = s.status().await;
    assert_eq!(ident["status"], "aborted");
    assert_eq!(ident["failure_reason"], "IDENT_CODE_REPEATEDLY_INCORRECT");
}

#[tokio::test]
async fn manual_abortident_is_aborted_by_the_agent_when_the_call_starts() {
    let s = open("X-MANUALTEST-ABORTIDENT").await;
    let res = s.start("+15550101").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{RETURN}{}", s.ident));
    assert_eq!(s.status().await["status"], "aborted");
}

#[tokio::test]
async fn manual_cases_follow_the_scenario_table_once_the_code_is_entered() {
    for (case, steps) in [
        ("FRAUDIDENT", vec![(0, "pending_failed"), (90, "failed")]),
        ("FRAUDOK", vec![(0, "canceled"), (90, "successful")]),
        (
            "CANCELED",
            vec![(0, "pending"), (90, "successful"), (90, "canceled")],
        ),
        (
            "LONGREVIEW",
            vec![(90, "pending"), (24 * 3600, "successful")],
        ),
        ("CHANGEALL", vec![(0, "pending"), (90, "successful")]),
        ("CHANGEALLREVIEW", vec![(0, "pending"), (90, "successful")]),
    ] {
        let s = open(&format!("X-MANUALTEST-{case}")).await;
        s.start("+15550101").await;
        assert_eq!(s.code("123456", None).await.status(), 303);
        for (seconds, expected) in steps {
            s.sandbox.advance(seconds).await;
            assert_eq!(s.status().await["status"], expected, "{case} +{seconds}s");
        }
    }
}

#[tokio::test]
async fn without_a_prefix_the_tester_chooses_any_outcome() {
    let s = open("Erika").await;
    s.start("+15550101").await;
    let call = s
        .sandbox
        .http
        .get(&s.url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(call.contains("abort:TECH_LIGHTING") && call.contains("cancel:USER_LANGUAGE"));
    let res = s.code("123456", Some("abort:TECH_LIGHTING")).await;
    assert_eq!(res.status(), 303);
    let ident = s.status().await;
    assert_eq!(ident["status"], "aborted");
    assert_eq!(ident["failure_reason"], "TECH_LIGHTING");

    // The retry, this time canceled in review.
    assert_eq!(s.start("+15550101").await.status(), 303);
    s.code("123456", Some("cancel:USER_LANGUAGE")).await;
    assert_eq!(s.status().await["status"], "pending");
    s.sandbox.advance(90).await;
    let ident = s.status().await;
    assert_eq!(ident["status"], "canceled");
    assert_eq!(ident["failure_reason"], "USER_LANGUAGE");
}

#[tokio::test]
async fn an_autotest_page_runs_by_itself() {
    let s = open("X-AUTOTEST-HAPPYPATH").await;
    let page = s.sandbox.http.get(&s.url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("runs by itself"));
}

#[tokio::test]
async fn an_unknown_identification_or_company_is_not_found() {
    let s = open("Erika").await;
    let wrong_company = s
        .url
        .replace("solarisbankvideoidentsandbox", "othercompany");
    assert_eq!(
        s.sandbox
            .http
            .get(wrong_company)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let wrong_id = s
        .url
        .replace(&s.ident, "00000000000000000000000000000000cidt");
    assert_eq!(
        s.sandbox.http.get(wrong_id).send().await.unwrap().status(),
        404
    );
}
