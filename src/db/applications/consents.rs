//! The consents of an application: each acceptance with the exact text accepted, by its
//! SHA-256.

use crate::db::history::{self, Happened};
use crate::db::{Db, StoreError};
use crate::domain::application::ConsentKind;

/// What a consent records: the text's version and hash, the language it was shown in, and
/// the UTC second of the acceptance.
#[derive(Debug)]
pub(crate) struct NewConsent<'a> {
    pub kind: ConsentKind,
    pub version: &'a str,
    pub text_sha256: &'a str,
    pub language: &'a str,
    pub signed_at: &'a str,
    /// The exact text accepted, kept by its SHA-256 with the consent.
    pub text: &'a str,
}

/// Records an acceptance with the text accepted; the first one of a kind stands.
pub(crate) async fn record_consent(
    db: &Db,
    application_id: &str,
    consent: &NewConsent<'_>,
) -> Result<(), StoreError> {
    let now = db.now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "insert into consent_text (text_sha256, kind, language, version, text, created_at) \
         values ($1, $2, $3, $4, $5, $6) on conflict (text_sha256) do nothing",
    )
    .bind(consent.text_sha256)
    .bind(consent.kind.as_str())
    .bind(consent.language)
    .bind(consent.version)
    .bind(consent.text)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into consent (id, application_id, kind, version, text_sha256, language, signed_at, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (application_id, kind) do nothing",
    )
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .bind(application_id)
    .bind(consent.kind.as_str())
    .bind(consent.version)
    .bind(consent.text_sha256)
    .bind(consent.language)
    .bind(consent.signed_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    history::record(
        &mut *tx,
        now,
        application_id,
        Happened::Consent,
        &format!(
            "{} {} {}",
            consent.kind.as_str(),
            consent.language,
            consent.version
        ),
        None,
    )
    .await?;
    Ok(tx.commit().await?)
}

/// A legal text as a customer accepted it, by its SHA-256 (lowercase hex).
pub async fn consent_text(db: &Db, sha256: &str) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> =
        sqlx::query_as("select text from consent_text where text_sha256 = $1")
            .bind(sha256)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(text,)| text))
}
