//! The legal texts the customer accepts, from `legal/`, compiled in. A text's version is its
//! kind, language and the start of its SHA-256, so changing a text makes a new version.

use sha2::{Digest, Sha256};

use crate::i18n::Lang;

pub use crate::domain::ConsentKind as Kind;

/// One text as shown to the customer.
pub(crate) struct LegalText {
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
    pub(crate) fn short_version(&self) -> String {
        self.sha256()[..12].to_string()
    }

    /// The title line and the paragraphs.
    pub(crate) fn paragraphs(&self) -> (&'static str, Vec<&'static str>) {
        let mut lines = self.text.lines().filter(|l| !l.trim().is_empty());
        let title = lines.next().unwrap_or_default();
        (title, lines.collect())
    }
}

/// Where the current text of `kind` in `lang` is downloaded.
pub(crate) fn download_path(kind: Kind, lang: Lang) -> String {
    format!("/legal/current/{}/{}", kind.as_str(), lang.code())
}
