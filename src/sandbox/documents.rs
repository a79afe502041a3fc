//! Person documents of a successful identification (the KYC report and the ID document
//! image), listed by `/v1/persons/{id}/documents` and downloaded from `.../{id}/file`.
//! The files are rendered on request from the identification id, so nothing large is stored.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::clock::format_utc;
use super::error::{ApiError, ApiResult};
use super::pagination::{paginate, PageQuery};
use super::{ids, persons, Sandbox};

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

pub async fn for_identification(
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
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "select identification_id, document_type, name, content_type from sandbox_document \
         where id = $1 and person_id = $2",
    )
    .bind(&id)
    .bind(&person_id)
    .fetch_optional(&sandbox.db.pool)
    .await?;
    let Some((identification_id, document_type, name, content_type)) = row else {
        return Err(ApiError::not_found("Document", &id));
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
        content(&document_type, &identification_id),
    )
        .into_response())
}
