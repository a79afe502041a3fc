//! The development mailbox: with no SMTP server configured, the app's mails are kept here
//! instead of sent, so that `cargo run` alone shows every mail. `GET /_sandbox/mail` lists
//! them as JSON, newest first; `GET /mail` shows them to a person. The list is guarded like
//! every control endpoint; the page is meant for the loopback demo and a test system only
//! (where the sandbox runs at all).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::idnow::STYLE;
use super::Sandbox;
use crate::db::{Db, StoreError};
use crate::html::escape;
use crate::mail::{MailSink, Rendered};

/// The development mailbox as the app's mail sender sees it: a [`MailSink`] over the
/// sandbox's own table.
pub(crate) struct DevMailbox(pub(super) Db);

#[async_trait::async_trait]
impl MailSink for DevMailbox {
    async fn keep(&self, to: &str, mail: &Rendered) -> anyhow::Result<()> {
        Ok(keep(&self.0, to, mail).await?)
    }
}

/// Keeps a mail the app would have sent to `to`.
async fn keep(db: &Db, to: &str, mail: &Rendered) -> Result<(), StoreError> {
    let now = db.now_ms();
    sqlx::query(
        "insert into sandbox_mail (id, to_address, subject, text_body, html_body, sent_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(super::ids::ordered(now))
    .bind(to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(now)
    .execute(&db.writer)
    .await?;
    Ok(())
}

/// One kept mail, as `GET /_sandbox/mail` lists it.
#[derive(Debug, Serialize)]
pub(crate) struct KeptMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// RFC 3339, UTC.
    pub sent_at: String,
}

/// The newest mails first (at most 200).
async fn newest(db: &Db) -> Result<Vec<KeptMail>, StoreError> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "select to_address, subject, text_body, html_body, sent_at from sandbox_mail \
         order by sent_at desc, id desc limit 200",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(to, subject, text, html, sent_at)| KeptMail {
            to,
            subject,
            text,
            html,
            sent_at: chrono::DateTime::from_timestamp_millis(sent_at)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        })
        .collect())
}

pub async fn list(State(sandbox): State<Sandbox>) -> Response {
    match newest(&sandbox.db).await {
        Ok(mails) => Json(mails).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the development mailbox");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// A mail's text with its links clickable.
fn text_with_links(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = escape(line);
            if line.starts_with("http://") || line.starts_with("https://") {
                format!("<a href=\"{line}\">{line}</a>")
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn page(State(sandbox): State<Sandbox>) -> Response {
    if sandbox.settings.exposed {
        // On a shared test system the mails are people's links: only the guarded list shows them.
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    }
    let mails = match newest(&sandbox.db).await {
        Ok(mails) => mails,
        Err(e) => {
            tracing::error!(error = %e, "reading the development mailbox");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let body = if mails.is_empty() {
        "<p>No mail yet. Mails appear here when a customer confirms an application.</p>".to_string()
    } else {
        mails
            .iter()
            .map(|m| {
                format!(
                    "<article><h2>{}</h2><p class=\"note\">To: {} · {}</p><pre style=\"white-space:pre-wrap\">{}</pre></article>",
                    escape(&m.subject),
                    escape(&m.to),
                    escape(&m.sent_at),
                    text_with_links(&m.text)
                )
            })
            .collect()
    };
    let html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Development mailbox – sandbox</title><style>{STYLE}</style></head><body><header><p><strong>Sandbox</strong> · development mailbox (no SMTP server configured)</p></header><main><h1>Development mailbox</h1>{body}</main></body></html>"#
    );
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response()
}
