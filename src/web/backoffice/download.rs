//! A document Solaris holds, fetched for a staff member and never stored.

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;

use super::case_views::json_list;
use super::{OfficeError, OfficeResult, Staff};
use crate::db::history::{self, Happened};
use crate::db::staff::Role;
use crate::db::{evidence, records};

/// A document of the person, fetched from Solaris as staff ask for it and passed on, never
/// stored; only documents Solaris listed for this application are served.
pub async fn download(staff: Staff, Path((id, document)): Path<(String, String)>) -> OfficeResult {
    // ID images and the KYC report leave the bank's screens: reviewers and admins only.
    staff.require(Role::Reviewer)?;
    staff
        .audit("download_document", Some(&id), Some(&document))
        .await?;
    let db = &staff.office.db;
    let record = records::application(db, &id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let listed = evidence::evidence_of(db, &id)
        .await?
        .iter()
        .flat_map(|e| json_list(e.documents.as_deref()))
        .find(|d| d["id"].as_str() == Some(document.as_str()));
    let (Some(listed), Some(person_id)) = (listed, record.person_id) else {
        return Err(OfficeError::NotFound);
    };
    let bytes = match staff
        .office
        .client
        .download_document(&person_id, &document)
        .await
    {
        Ok(bytes) => bytes,
        Err(e) if e.status() == Some(404) => {
            tracing::warn!(application_id = %id, code = "document_gone_at_solaris", "Solaris no longer holds a document it listed");
            return Err(OfficeError::GoneAtSolaris);
        }
        Err(e) => return Err(e.into()),
    };
    history::record(
        &staff.office.db.writer,
        db.now_ms(),
        &id,
        Happened::Staff,
        &format!("download_document {document}"),
        Some(&staff.actor()),
    )
    .await?;
    let content_type = listed["content_type"]
        .as_str()
        .and_then(|c| HeaderValue::from_str(c).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    // The file's name as Solaris gave it, reduced to characters safe in the header.
    let name: String = listed["name"]
        .as_str()
        .unwrap_or("document")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, content_type);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
