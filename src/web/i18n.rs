//! English and German. The language comes from `?lang=`, then the session, then the
//! browser's `Accept-Language`; every page is entirely in one language.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    De,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            _ => None,
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::De,
            Lang::De => Lang::En,
        }
    }

    /// The first supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            if let Some(lang) = Lang::parse(primary) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l)
    }

    pub fn t(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
        }
    }
}

/// Every text of the pages, once per language.
pub struct Texts {
    pub bank_name: &'static str,
    pub switch_language: &'static str,
    pub welcome_title: &'static str,
    pub welcome_intro: &'static str,
    pub steps_title: &'static str,
    pub steps: [&'static str; 4],
    pub needs_title: &'static str,
    pub needs: [&'static str; 4],
    pub call_languages: &'static str,
    pub start: &'static str,
    pub progress_label: &'static str,
    pub progress_steps: [&'static str; 5],
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,
}

pub static EN: Texts = Texts {
    bank_name: "Open your account",
    switch_language: "Deutsch",
    welcome_title: "Open your account in about 15 minutes",
    welcome_intro: "We will guide you through four steps. You can stop at any time and continue later in this browser.",
    steps_title: "What you will do",
    steps: [
        "Read and accept the terms and conditions and the data-processing terms.",
        "Enter your personal data exactly as it appears on your ID document.",
        "See which documents you need for the video call.",
        "Confirm your identity in a video call with IDnow, then come back here.",
    ],
    needs_title: "What you need",
    needs: [
        "A valid passport or ID card that IDnow supports.",
        "A proof of address (for example a recent utility bill), if your ID document does not show your address.",
        "Your mobile phone, to receive a code by SMS during the call.",
        "A computer with a webcam and microphone, in a quiet and well-lit place.",
    ],
    call_languages: "The video call is held in German or English.",
    start: "Start",
    progress_label: "Progress",
    progress_steps: ["Consent", "Your data", "Review", "Documents", "Identification"],
    not_found_title: "Page not found",
    not_found_text: "This page does not exist.",
    back_home: "Back to the start",
};

pub static DE: Texts = Texts {
    bank_name: "Konto eröffnen",
    switch_language: "English",
    welcome_title: "Eröffnen Sie Ihr Konto in etwa 15 Minuten",
    welcome_intro: "Wir begleiten Sie durch vier Schritte. Sie können jederzeit unterbrechen und später in diesem Browser weitermachen.",
    steps_title: "Was Sie tun werden",
    steps: [
        "Die Allgemeinen Geschäftsbedingungen und die Datenschutzbestimmungen lesen und annehmen.",
        "Ihre persönlichen Daten genau so eingeben, wie sie in Ihrem Ausweisdokument stehen.",
        "Sehen, welche Dokumente Sie für den Videoanruf brauchen.",
        "Ihre Identität in einem Videoanruf mit IDnow bestätigen und danach hierher zurückkehren.",
    ],
    needs_title: "Was Sie brauchen",
    needs: [
        "Einen gültigen Reisepass oder Personalausweis, den IDnow unterstützt.",
        "Einen Adressnachweis (zum Beispiel eine aktuelle Nebenkostenabrechnung), falls Ihr Ausweisdokument keine Adresse enthält.",
        "Ihr Mobiltelefon, um während des Anrufs einen Code per SMS zu erhalten.",
        "Einen Computer mit Webcam und Mikrofon, an einem ruhigen und gut beleuchteten Ort.",
    ],
    call_languages: "Der Videoanruf findet auf Deutsch oder Englisch statt.",
    start: "Starten",
    progress_label: "Fortschritt",
    progress_steps: ["Einwilligung", "Ihre Daten", "Prüfen", "Dokumente", "Identifikation"],
    not_found_title: "Seite nicht gefunden",
    not_found_text: "Diese Seite gibt es nicht.",
    back_home: "Zurück zum Anfang",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(
            Lang::from_accept_language("de-DE,de;q=0.9,en;q=0.8"),
            Some(Lang::De)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,en;q=0.5,de;q=0.7"),
            Some(Lang::De)
        );
        assert_eq!(Lang::from_accept_language("fr-FR"), None);
        assert_eq!(Lang::from_accept_language("en-GB,de;q=0"), Some(Lang::En));
    }
}
