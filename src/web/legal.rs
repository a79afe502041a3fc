//! The legal texts the customer accepts, from `legal/`, compiled in. A text's version is its
//! kind, language and the start of its SHA-256, so changing a text makes a new version.

use sha2::{Digest, Sha256};

use super::i18n::Lang;

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

    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
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

    /// The title line and the paragraphs.
    pub fn paragraphs(&self) -> (&'static str, Vec<&'static str>) {
        let mut lines = self.text.lines().filter(|l| !l.trim().is_empty());
        let title = lines.next().unwrap_or_default();
        (title, lines.collect())
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
