//! Person documents: those of a successful identification (the KYC report, the ID document
//! and the face), rendered on request from the identification id, and those a partner uploads
//! (multipart, stored), listed by `/v1/persons/{id}/documents` and downloaded from
//! `.../{id}/file`.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};

use super::clock::format_utc;
use super::error::{ApiError, ApiResult};
use super::pagination::{paginate, PageQuery};
use super::{engine, ids, persons, Sandbox};

/// A 1×1 grey PNG: the sandbox's stand-in for the photo of an ID document.
const ID_IMAGE_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
    0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// A one-page PDF saying what the document is.
fn kyc_report_pdf(identification_id: &str) -> Vec<u8> {
    let text = format!("Solaris sandbox KYC report for identification {identification_id}");
    let stream = format!("BT /F1 12 Tf 40 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn content(document_type: &str, identification_id: &str) -> Vec<u8> {
    match document_type {
        "KYC_REPORT" => kyc_report_pdf(identification_id),
        _ => ID_IMAGE_PNG.to_vec(),
    }
}

/// Creates the documents of a successful identification, once.
pub async fn generate(
    sandbox: &Sandbox,
    person_id: &str,
    identification_id: &str,
) -> ApiResult<()> {
    let (existing,): (i64,) =
        sqlx::query_as("select count(*) from sandbox_document where identification_id = $1")
            .bind(identification_id)
            .fetch_one(&sandbox.db.pool)
            .await?;
    if existing > 0 {
        return Ok(());
    }
    let now = sandbox.clock.now_ms();
    // One millisecond apart, so listings show them in a stable order.
    for (offset, (document_type, name, content_type)) in [
        ("KYC_REPORT", "kyc_report.pdf", "application/pdf"),
        ("ID_DOCUMENT", "id_document_front.png", "image/png"),
        // The customer's face, taken in the call (the guide: "the images of the ID document and
        // the user's face").
        ("PICTURE", "user_face.png", "image/png"),
    ]
    .into_iter()
    .enumerate()
    {
        let size = content(document_type, identification_id).len() as i64;
        sqlx::query(
            "insert into sandbox_document (id, person_id, identification_id, document_type, name, \
             content_type, size, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(ids::document_id())
        .bind(person_id)
        .bind(identification_id)
        .bind(document_type)
        .bind(name)
        .bind(content_type)
        .bind(size)
        .bind(now + offset as i64)
        .execute(&sandbox.db.writer)
        .await?;
    }
    Ok(())
}

type DocRow = (String, String, String, String, i64, i64);

fn render(row: &DocRow, full: bool) -> Value {
    let (id, document_type, name, content_type, size, created_at) = row;
    let mut doc = json!({
        "id": id, "name": name, "content_type": content_type,
        "document_type": document_type, "size": size,
    });
    if full {
        doc["customer_accessible"] = json!(false);
        doc["created_at"] = json!(format_utc(*created_at));
        doc["deleted_at"] = Value::Null;
    }
    doc
}

const COLUMNS: &str = "id, document_type, name, content_type, size, created_at";

pub(crate) async fn for_identification(
    sandbox: &Sandbox,
    identification_id: &str,
) -> ApiResult<Vec<Value>> {
    let rows: Vec<DocRow> = sqlx::query_as(&format!(
        "select {COLUMNS} from sandbox_document where identification_id = $1 order by created_at, id"
    ))
    .bind(identification_id)
    .fetch_all(&sandbox.db.pool)
    .await?;
    Ok(rows.iter().map(|r| render(r, false)).collect())
}

/// `GET /v1/persons/{person_id}/documents`
pub async fn list(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Response> {
    persons::load(&sandbox, &person_id).await?;
    let rows: Vec<DocRow> = sqlx::query_as(&format!(
        "select {COLUMNS} from sandbox_document where person_id = $1 order by created_at, id"
    ))
    .bind(&person_id)
    .fetch_all(&sandbox.db.pool)
    .await?;
    let items = rows.iter().map(|r| render(r, true)).collect();
    paginate(
        &sandbox,
        &format!("/v1/persons/{person_id}/documents"),
        &page,
        items,
    )
}

/// `GET /v1/persons/{person_id}/documents/{id}/file`
pub async fn file(
    State(sandbox): State<Sandbox>,
    Path((person_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    persons::load(&sandbox, &person_id).await?;
    let row: Option<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "select identification_id, document_type, name, content_type, content \
         from sandbox_document where id = $1 and person_id = $2",
    )
    .bind(&id)
    .bind(&person_id)
    .fetch_optional(&sandbox.db.pool)
    .await?;
    let Some((identification_id, document_type, name, content_type, uploaded)) = row else {
        return Err(ApiError::not_found("Document", &id));
    };
    let bytes = match uploaded {
        Some(encoded) => base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "Internal Error",
                    e.to_string(),
                )
            })?,
        None => content(&document_type, &identification_id),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename={name}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// The document types of Solaris' upload enum (`Solaris-Enums-DocumentType`, as far as the
/// docs we hold list it).
const UPLOAD_TYPES: &[&str] = &[
    "ACCOUNT_SNAPSHOT.FINTECSYSTEMS",
    "ACCOUNT_STATEMENT",
    "AML_POLICY",
    "ANNUAL_FINANCIAL_STATEMENT",
    "B2B_MANDATE",
    "BALANCE_REPORT",
    "BANK_REFERENCE",
    "BUSINESS_ASSESSMENT",
    "BUSINESS_FINANCIALS_XBRL",
    "CREDIT_AGENCY_REPORT",
    "CREDIT_RECORD.SCHUFA",
    "CUSTOMER_COMMUNICATION",
    "FATCA_SELF_DECLARATION",
    "FOUNDATION_DOCUMENT",
    "ID_DOCUMENT",
    "INVOICE",
    "KYC_BENEFICIAL_OWNER",
    "KYC_CORPORATE_DOCUMENT",
    "KYC_FORM",
    "KYC_LEGAL_REPRESENTATIVE",
    "KYC_RELIABILITY_CHECK",
    "KYC_REPORT",
    "LOAN_MANDATE_CONTRACT",
    "OTHER",
    "PAYMENT_CONFIRMATION",
    "PICTURE",
    "POWER_OF_ATTORNEY",
    "PROOF_OF_ADDRESS",
    "PROOF_OF_PHONE_CHANGE",
    "PROOF_OF_PROFESSION",
    "PROOF_OF_SALARY",
    "PROOF_OF_TAX_ID",
    "REFERENCE_LETTER",
    "REGISTER_APPLICATION",
    "REGISTER_EXTRACT",
    "SALARY_INFORMATION",
    "SCHUFA_COMPACT_REPORT",
    "SCHUFA_FULL_REPORT",
    "SCHUFA_GWG_REPORT",
    "SCHUFA_SHORT_REPORT",
    "SCORE_CARD.SOLARIS",
    "SCREENING_REPORT",
    "SIGNATURE",
    "SIGNED_CONTRACT",
    "VIDEO",
];

fn bad_request(detail: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "Bad Request",
        detail,
    )
}

/// Reads the `file` and `document_type` parts of an upload.
async fn upload_parts(mut form: Multipart) -> ApiResult<(String, String, String, Vec<u8>)> {
    let (mut file, mut document_type) = (None, None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| bad_request(format!("The multipart body cannot be read: {e}")))?
    {
        match field.name() {
            Some("file") => {
                // Kept to a safe alphabet: the name goes back in a header on download.
                let name: String = field
                    .file_name()
                    .unwrap_or("upload")
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || "._-".contains(c) {
                            c
                        } else {
                            '_'
                        }
                    })
                    .take(100)
                    .collect();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| bad_request(format!("The file cannot be read: {e}")))?;
                file = Some((name, content_type, bytes.to_vec()));
            }
            Some("document_type") => {
                document_type = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| bad_request(format!("document_type cannot be read: {e}")))?,
                );
            }
            _ => {}
        }
    }
    let Some(document_type) = document_type else {
        return Err(bad_request("document_type is missing"));
    };
    let Some((name, content_type, bytes)) = file.filter(|f| !f.2.is_empty()) else {
        return Err(bad_request("file is missing"));
    };
    if !UPLOAD_TYPES.contains(&document_type.as_str()) {
        return Err(ApiError::invalid_model(vec![(
            "document_type".into(),
            "is not included in the list".into(),
        )]));
    }
    Ok((document_type, name, content_type, bytes))
}

/// Stores an uploaded document and answers it as Solaris does (201).
async fn store_upload(
    sandbox: &Sandbox,
    person_id: &str,
    identification_id: &str,
    form: Multipart,
) -> ApiResult<Response> {
    let (document_type, name, content_type, bytes) = upload_parts(form).await?;
    let row: DocRow = (
        ids::document_id(),
        document_type,
        name,
        content_type,
        bytes.len() as i64,
        sandbox.clock.now_ms(),
    );
    sqlx::query(
        "insert into sandbox_document (id, person_id, identification_id, document_type, name, \
         content_type, size, created_at, content) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&row.0)
    .bind(person_id)
    .bind(identification_id)
    .bind(&row.1)
    .bind(&row.2)
    .bind(&row.3)
    .bind(row.4)
    .bind(row.5)
    .bind(base64::engine::general_purpose::STANDARD.encode(&bytes))
    .execute(&sandbox.db.writer)
    .await?;
    Ok((StatusCode::CREATED, Json(render(&row, true))).into_response())
}

/// `POST /v1/persons/{person_id}/documents` (multipart: `file`, `document_type`).
pub async fn upload(
    State(sandbox): State<Sandbox>,
    Path(person_id): Path<String>,
    form: Multipart,
) -> ApiResult<Response> {
    persons::load(&sandbox, &person_id).await?;
    store_upload(&sandbox, &person_id, "", form).await
}

/// `POST /v1/persons/{person_id}/identifications/{id}/document_upload` (multipart: `file`,
/// `document_type`): an additional document of the identification, listed with its documents.
pub(crate) async fn upload_for_identification(
    State(sandbox): State<Sandbox>,
    Path((person_id, id)): Path<(String, String)>,
    form: Multipart,
) -> ApiResult<Response> {
    engine::load_for(&sandbox, &person_id, &id).await?;
    store_upload(&sandbox, &person_id, &id, form).await
}
