//! The consent evidence of one application, as JSON or a printable page.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Json};
use leptos::prelude::*;
use serde_json::{json, Value};

use super::case_views::text_of;
use super::{moment, page, OfficeError, OfficeResult, Staff};
use crate::db::staff::Role;
use crate::db::{applications, records};

/// The consent evidence of an application, each with the exact text accepted.
pub(super) async fn consent_evidence(staff: &Staff, id: &str) -> Result<Vec<Value>, OfficeError> {
    let db = &staff.office.db;
    if records::application(db, id).await?.is_none() {
        return Err(OfficeError::NotFound);
    }
    let mut out = Vec::new();
    for c in records::consents(db, id).await? {
        let text = applications::consent_text(db, &c.text_sha256).await?;
        out.push(json!({
            "kind": c.kind,
            "language": c.language,
            "version": c.version,
            "sha256": c.text_sha256,
            "signed_at": c.signed_at,
            "text": text,
        }));
    }
    Ok(out)
}

pub(crate) async fn consents_json(staff: Staff, Path(id): Path<String>) -> OfficeResult {
    // The evidence carries the customer's name and consents: no viewer takes it away.
    staff.require(Role::Reviewer)?;
    staff
        .audit("export_consents", Some(&id), Some("json"))
        .await?;
    let consents = consent_evidence(&staff, &id).await?;
    let mut res = Json(json!({
        "application_id": id,
        "exported_at": crate::db::partner_events::rfc3339(staff.office.db.now_ms()),
        "consents": consents,
    }))
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"consents-{id}.json\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

pub(crate) async fn consents_page(staff: Staff, Path(id): Path<String>) -> OfficeResult {
    staff.require(Role::Reviewer)?;
    staff
        .audit("export_consents", Some(&id), Some("page"))
        .await?;
    let consents = consent_evidence(&staff, &id).await?;
    let lang = staff.lang;
    let t = lang.staff();
    let items = consents
        .iter()
        .map(|c| {
            view! {
                <section class="consent-evidence">
                    <h2>{text_of(c, "kind")}</h2>
                    <dl class="data-list">
                        <dt>{t.language}</dt><dd>{text_of(c, "language")}</dd>
                        <dt>{t.version}</dt><dd>{text_of(c, "version")}</dd>
                        <dt>"SHA-256"</dt><dd><code class="hash">{text_of(c, "sha256")}</code></dd>
                        <dt>{t.accepted_at}</dt><dd>{text_of(c, "signed_at")}</dd>
                    </dl>
                    <h3>{t.text_accepted}</h3>
                    <pre class="legal-text">{text_of(c, "text")}</pre>
                </section>
            }
        })
        .collect_view();
    let path = format!("/backoffice/applications/{id}/consents");
    let back = format!("/backoffice/applications/{id}");
    Ok(page(
        Some(&staff),
        lang,
        &path,
        t.consents_title,
        StatusCode::OK,
        view! {
            <p class="no-print"><a href=back>{t.application_title}</a></p>
            <h1>{t.consents_title}" "<code>{id.clone()}</code></h1>
            <p>{moment(lang, staff.office.db.now_ms())}</p>
            {if consents.is_empty() { Some(view! { <p>{t.none}</p> }) } else { None }}
            {items}
        },
    ))
}
