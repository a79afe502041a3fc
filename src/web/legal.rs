//! The legal texts the customer accepts, from `legal/`, compiled in. A text's version is its
//! kind, language and the start of its SHA-256, so changing a text makes a new version.

use axum::extract::{Path, State};
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sha2::{Digest, Sha256};

use crate::db::{applications, Db};
use crate::i18n::Lang;

pub use crate::domain::ConsentKind as Kind;

/// One text as shown to the customer.
pub struct LegalText {
    pub kind: Kind,
    pub lang: Lang,
    pub text: &'static str,
}

impl LegalText {
    pub fn get(kind: Kind, lang: Lang) -> LegalText {
        let text = match (kind, lang) {
            (Kind::TermsConditions, Lang::En) => {
                include_str!("../../legal/terms_conditions.en.txt")
            }
            (Kind::TermsConditions, Lang::De) => {
                include_str!("../../legal/terms_conditions.de.txt")
            }
            (Kind::DataProcessing, Lang::En) => include_str!("../../legal/data_processing.en.txt"),
            (Kind::DataProcessing, Lang::De) => include_str!("../../legal/data_processing.de.txt"),
        };
        LegalText { kind, lang, text }
    }

    /// The text's SHA-256 in hex, computed once per text: every page's footer shows it.
    pub fn sha256(&self) -> String {
        static HASHES: std::sync::LazyLock<[String; 4]> = std::sync::LazyLock::new(|| {
            [
                (Kind::TermsConditions, Lang::En),
                (Kind::TermsConditions, Lang::De),
                (Kind::DataProcessing, Lang::En),
                (Kind::DataProcessing, Lang::De),
            ]
            .map(|(kind, lang)| {
                hex::encode(Sha256::digest(LegalText::get(kind, lang).text.as_bytes()))
            })
        });
        let i = match (self.kind, self.lang) {
            (Kind::TermsConditions, Lang::En) => 0,
            (Kind::TermsConditions, Lang::De) => 1,
            (Kind::DataProcessing, Lang::En) => 2,
            (Kind::DataProcessing, Lang::De) => 3,
        };
        HASHES[i].clone()
    }

    /// e.g. `terms_conditions/de/3f2a9c41b07e`.
    pub fn version(&self) -> String {
        format!(
            "{}/{}/{}",
            self.kind.as_str(),
            self.lang.code(),
            &self.sha256()[..12]
        )
    }

    /// The start of the SHA-256, as the footer and the download name show it.
    pub fn short_version(&self) -> String {
        self.sha256()[..12].to_string()
    }

    /// The title line and the paragraphs.
    pub fn paragraphs(&self) -> (&'static str, Vec<&'static str>) {
        let mut lines = self.text.lines().filter(|l| !l.trim().is_empty());
        let title = lines.next().unwrap_or_default();
        (title, lines.collect())
    }
}

/// Where the current text of `kind` in `lang` is downloaded.
pub fn download_path(kind: Kind, lang: Lang) -> String {
    format!("/legal/current/{}/{}", kind.as_str(), lang.code())
}

/// `GET /legal/current/{kind}/{lang}`: the text customers accept now, as a file named with its
/// version.
pub async fn current_text(
    Path((kind, code)): Path<(String, String)>,
    uri: Uri,
    lang: Extension<Lang>,
) -> Response {
    let (Some(kind), Some(text_lang)) = (Kind::parse(&kind), Lang::parse(&code)) else {
        return super::pages::welcome::not_found(lang, uri).await;
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
pub async fn accepted_text(
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
        None => super::pages::welcome::not_found(lang, uri).await,
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
