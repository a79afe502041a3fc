//! The identification calls of the client: create, request, read and list identifications;
//! the documents IDnow accepts; what Solaris holds of an ended one (IDnow's attempts, the
//! person's documents, a download).

use bytes::Bytes;
use reqwest::Method;

use super::error::SolarisError;
use super::types::*;
use super::{Safety, SolarisClient};

impl SolarisClient {
    /// `POST /v1/persons/{id}/identifications`. Not retried: see the module documentation.
    pub async fn create_identification(
        &self,
        person_id: &str,
        new: &NewIdentification,
    ) -> Result<Identification, SolarisError> {
        let path = format!("/v1/persons/{person_id}/identifications");
        self.json(
            "identifications.create",
            Method::POST,
            &path,
            Self::body(new),
            Safety::Unsafe,
        )
        .await
    }

    /// `PATCH .../request`: starts IDnow; answers the same link when asked again.
    pub async fn request_identification(
        &self,
        person_id: &str,
        id: &str,
    ) -> Result<Identification, SolarisError> {
        let path = format!("/v1/persons/{person_id}/identifications/{id}/request");
        self.json(
            "identifications.request",
            Method::PATCH,
            &path,
            None,
            Safety::Safe,
        )
        .await
    }

    pub async fn get_identification(
        &self,
        person_id: &str,
        id: &str,
        include_documents: bool,
    ) -> Result<Identification, SolarisError> {
        let path = format!(
            "/v1/persons/{person_id}/identifications/{id}?include_documents={include_documents}"
        );
        self.json(
            "identifications.get",
            Method::GET,
            &path,
            None,
            Safety::Safe,
        )
        .await
    }

    pub async fn list_identifications(
        &self,
        person_id: &str,
    ) -> Result<Vec<Identification>, SolarisError> {
        let path = format!("/v1/persons/{person_id}/identifications?page[size]=1000");
        self.json(
            "identifications.list",
            Method::GET,
            &path,
            None,
            Safety::Safe,
        )
        .await
    }

    pub async fn supported_documents(
        &self,
        person_id: &str,
        id: &str,
    ) -> Result<Vec<SupportedDocument>, SolarisError> {
        let path = format!("/v1/persons/{person_id}/identifications/{id}/supported_documents");
        self.json(
            "identifications.supported_documents",
            Method::GET,
            &path,
            None,
            Safety::Once,
        )
        .await
    }

    pub async fn idnow_attempts(
        &self,
        person_id: &str,
        id: &str,
    ) -> Result<Vec<IdnowAttempt>, SolarisError> {
        let path =
            format!("/v1/persons/{person_id}/identifications/{id}/idnow_attempts?page[size]=1000");
        self.json(
            "identifications.idnow_attempts",
            Method::GET,
            &path,
            None,
            Safety::Safe,
        )
        .await
    }

    pub async fn person_documents(
        &self,
        person_id: &str,
    ) -> Result<Vec<PersonDocument>, SolarisError> {
        let path = format!("/v1/persons/{person_id}/documents?page[size]=1000");
        self.json("documents.list", Method::GET, &path, None, Safety::Safe)
            .await
    }

    /// The file of a person document, as bytes.
    pub async fn download_document(
        &self,
        person_id: &str,
        id: &str,
    ) -> Result<Bytes, SolarisError> {
        let path = format!("/v1/persons/{person_id}/documents/{id}/file");
        self.call("documents.file", Method::GET, &path, None, Safety::Safe)
            .await
            .map(|answer| answer.body)
    }
}
