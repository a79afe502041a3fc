//! The person calls of the client: create, read, list, update, and the change requests a
//! verified mobile number must confirm.

use reqwest::Method;

use super::error::SolarisError;
use super::types::*;
use super::{Page, Safety, SolarisClient};

impl SolarisClient {
    /// `POST /v1/persons`. Not retried: see the module documentation.
    pub async fn create_person(&self, person: &NewPerson) -> Result<Person, SolarisError> {
        self.json(
            "persons.create",
            Method::POST,
            "/v1/persons",
            Self::body(person),
            Safety::Unsafe,
        )
        .await
    }

    pub async fn get_person(&self, id: &str) -> Result<Person, SolarisError> {
        self.json(
            "persons.get",
            Method::GET,
            &format!("/v1/persons/{id}"),
            None,
            Safety::Safe,
        )
        .await
    }

    /// `GET /v1/persons`, one page (`size` at most 1000), with the total count.
    pub(crate) async fn list_persons(
        &self,
        page: u64,
        size: u64,
    ) -> Result<Page<Person>, SolarisError> {
        let path = format!("/v1/persons?page[number]={page}&page[size]={size}");
        let answer = self
            .call("persons.list", Method::GET, &path, None, Safety::Safe)
            .await?;
        Ok(Page {
            items: Self::decode("persons.list", &answer.body)?,
            total: answer.total,
        })
    }

    /// `PATCH /v1/persons/{id}` with updatable fields only. A field that had no value is set at
    /// once (200, the person); changing one that has a value opens a change request (202) the
    /// customer must authorise and confirm. Repeating the same values changes nothing, so it is
    /// retried like a read.
    pub async fn update_person(
        &self,
        id: &str,
        update: &PersonUpdate,
    ) -> Result<PersonUpdated, SolarisError> {
        const ENDPOINT: &str = "persons.update";
        let body = Self::body(update);
        let path = format!("/v1/persons/{id}");
        let answer = self
            .call(ENDPOINT, Method::PATCH, &path, body.as_ref(), Safety::Safe)
            .await?;
        Ok(if answer.status == 202 {
            PersonUpdated::ChangeRequest(Self::decode(ENDPOINT, &answer.body)?)
        } else {
            PersonUpdated::Applied(Box::new(Self::decode(ENDPOINT, &answer.body)?))
        })
    }

    /// `POST /v1/change_requests/{id}/authorize`: Solaris sends the customer a one-time code on
    /// their verified mobile number. The endpoint and its body follow third-party code, not the
    /// official documentation we hold.
    pub async fn authorize_change_request(
        &self,
        id: &str,
        person_id: &str,
    ) -> Result<ChangeRequest, SolarisError> {
        let body =
            serde_json::json!({ "person_id": person_id, "delivery_method": "mobile_number" });
        self.json(
            "change_requests.authorize",
            Method::POST,
            &format!("/v1/change_requests/{id}/authorize"),
            Some(body),
            Safety::Unsafe,
        )
        .await
    }

    /// `POST /v1/change_requests/{id}/confirm` with the code the customer received; the change
    /// is then applied. Same provenance as [`Self::authorize_change_request`].
    pub async fn confirm_change_request(
        &self,
        id: &str,
        person_id: &str,
        tan: &str,
    ) -> Result<ChangeRequest, SolarisError> {
        let body = serde_json::json!({ "person_id": person_id, "tan": tan });
        self.json(
            "change_requests.confirm",
            Method::POST,
            &format!("/v1/change_requests/{id}/confirm"),
            Some(body),
            Safety::Unsafe,
        )
        .await
    }
}
