//! The legal texts as files to download: the current one of a kind and language, and one a
//! customer accepted, by its SHA-256.

use axum::extract::{Path, State};
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::legal_text::{Kind, LegalText};
use crate::db::{applications, Db};
use crate::i18n::Lang;

/// `GET /legal/current/{kind}/{lang}`: the text customers accept now, as a file named with its
/// version.
pub(crate) async fn current_text(
    Path((kind, code)): Path<(String, String)>,
    uri: Uri,
    lang: Extension<Lang>,
) -> Response {
    let (Some(kind), Some(text_lang)) = (Kind::parse(&kind), Lang::parse(&code)) else {
        return super::pages::not_found::not_found(lang, uri).await;
    };
    let text = LegalText::get(kind, text_lang);
    let name = format!(
        "attachment; filename=\"{}-{}-{}.txt\"",
        kind.as_str(),
        text_lang.code(),
        text.short_version()
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-cache".to_string()),
        ],
        text.text,
    )
        .into_response()
}

/// `GET /legal/{sha256}`: a legal text exactly as a customer accepted it, by the SHA-256 its
/// consent records, however the text in `legal/` changed since; a translated 404 for a hash no
/// consent refers to.
pub(crate) async fn accepted_text(
    State(db): State<Db>,
    Path(sha256): Path<String>,
    lang: Extension<Lang>,
    uri: Uri,
) -> Response {
    let well_formed = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let text = if well_formed {
        match applications::consent_text(&db, &sha256).await {
            Ok(text) => text,
            Err(e) => {
                tracing::error!(error = %e, "reading an accepted legal text");
                return super::render::unavailable(lang.0, uri.path());
            }
        }
    } else {
        None
    };
    match text {
        Some(text) => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            text,
        )
            .into_response(),
        None => super::pages::not_found::not_found(lang, uri).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_text_has_its_own_version() {
        let a = LegalText::get(Kind::TermsConditions, Lang::En).version();
        let b = LegalText::get(Kind::TermsConditions, Lang::De).version();
        assert_ne!(a, b);
        assert!(a.starts_with("terms_conditions/en/"));
        assert_eq!(a.len(), "terms_conditions/en/".len() + 12);
    }
}
