//! IDnow's failure reasons in plain words for the customer, with what they can do about it.

use super::i18n::Lang;

/// Groups of reasons that call for the same advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    Audio,
    Video,
    Connection,
    Photo,
    DataMismatch,
    IdExpired,
    IdUnsupported,
    IdentCode,
    CodeNotReceived,
    UserAborted,
    Language,
    WaitingList,
    Recording,
    WrongPerson,
    Conduct,
    Technical,
    Timeout,
    Review,
    Permanent,
    Other,
}

fn group(code: &str) -> Group {
    match code {
        "AUDIO_OTHER" | "BAD_AUDIO" | "BAD_AUDIO_ENVIRONMENT" | "NO_AUDIO" | "TECH_AUDIO" => {
            Group::Audio
        }
        "BAD_VIDEO"
        | "NO_VIDEO"
        | "TECH_VIDEO"
        | "TECH_DISCONNECTED_VIDEO"
        | "VIDEO_OTHER"
        | "VIDEO_ENVIRONMENT"
        | "TECH_LIGHTING" => Group::Video,
        "CALL_QUALITY_FAIL"
        | "CONNECTION_BAD"
        | "CONNECTION_LOST"
        | "CONNECTION_OTHER"
        | "NO_CONNECTION"
        | "TECH_DISCONNECTED_WEBSOCKET"
        | "TECH_INTERNET_CONNECTION" => Group::Connection,
        "BAD_PHOTO_QUALITY" | "PHOTO_OTHER" | "TECH_PHOTO" | "TECH_HOLOGRAM" => Group::Photo,
        "DATA_APPLICATION_ADDRESS" | "DATA_APPLICATION_DATA" | "INCORRECT_NAME_IN_QES" => {
            Group::DataMismatch
        }
        "DATA_ID_EXPIRED" => Group::IdExpired,
        "ID_NOT_SUPPORTED" | "ID_DAMAGED" | "ID_OTHER" | "TECH_ID_TYPE" | "USER_NO_ID" => {
            Group::IdUnsupported
        }
        "IDENT_CODE_REPEATEDLY_INCORRECT"
        | "USER_IDENT_CODE"
        | "INCORRECT_ID_NUMBER"
        | "USER_ID_NUMBER"
        | "WRONG_PHONE_NUMBER" => Group::IdentCode,
        "IDENT_CODE_NOT_RECEIVED" | "TECH_IDENT_CODE_DELIVERY" => Group::CodeNotReceived,
        "USER_ABORT_WHILE_WAITING" | "USER_CANCELLATION" | "USER_STARTED_NEW_REQUEST" => {
            Group::UserAborted
        }
        "USER_LANGUAGE" => Group::Language,
        "ENROLLED_TO_WAITING_LIST" => Group::WaitingList,
        "DISAGREE_WITH_VIDEO_RECORDING" => Group::Recording,
        "USER_WRONG_PERSON" => Group::WrongPerson,
        "INDECENT_BEHAVIOUR" | "OTHER_ABUSE" | "NO_ESIGN_FRAUD" => Group::Conduct,
        "TECH_INTERNAL_SERVER_ERROR"
        | "OTHER_ERROR"
        | "OTHER_TEST"
        | "OTHER_MISCELLANEOUS_TEMPORARY" => Group::Technical,
        "OTHER_MISCELLANEOUS_PERMANENT" => Group::Permanent,
        "TECH_TIMEOUT" | "STALLED_TIMEOUT" => Group::Timeout,
        "NO_SECURITY_QUESTION_ASKED"
        | "SECURITY_QUESTION"
        | "SECURITY_QUESTION_NOT_CORRECT_ANSWERED" => Group::Review,
        _ => Group::Other,
    }
}

/// What happened and what the customer can do, in the page's language.
pub fn explain(code: &str, lang: Lang) -> &'static str {
    let (en, de) = match group(code) {
        Group::Audio => ("The agent could not hear you well enough. Use a headset or a quieter room and allow the microphone in your browser.",
                         "Die Mitarbeiterin oder der Mitarbeiter konnte Sie nicht gut genug hören. Nutzen Sie ein Headset oder einen ruhigeren Raum und erlauben Sie das Mikrofon im Browser."),
        Group::Video => ("The video was not clear enough. Sit in a well-lit place, allow the camera in your browser and keep the camera steady.",
                         "Das Video war nicht klar genug. Setzen Sie sich an einen gut beleuchteten Ort, erlauben Sie die Kamera im Browser und halten Sie die Kamera ruhig."),
        Group::Connection => ("The internet connection was not good enough or was lost. Use a stable connection, for example close to your router.",
                              "Die Internetverbindung war nicht gut genug oder brach ab. Nutzen Sie eine stabile Verbindung, zum Beispiel nahe an Ihrem Router."),
        Group::Photo => ("The pictures of you or your document were not sharp enough, or its security features were not visible. Use good light and hold the document still.",
                         "Die Bilder von Ihnen oder Ihrem Dokument waren nicht scharf genug, oder die Sicherheitsmerkmale waren nicht sichtbar. Nutzen Sie gutes Licht und halten Sie das Dokument ruhig."),
        Group::DataMismatch => ("The data of your application does not match your ID document and could not be corrected.",
                                "Die Daten Ihres Antrags stimmen nicht mit Ihrem Ausweisdokument überein und konnten nicht korrigiert werden."),
        Group::IdExpired => ("Your ID document has expired. Please use a valid document.",
                             "Ihr Ausweisdokument ist abgelaufen. Bitte verwenden Sie ein gültiges Dokument."),
        Group::IdUnsupported => ("The ID document could not be used (not accepted, damaged or not at hand). Please use another accepted, undamaged document.",
                                 "Das Ausweisdokument konnte nicht verwendet werden (nicht akzeptiert, beschädigt oder nicht zur Hand). Bitte verwenden Sie ein anderes akzeptiertes, unbeschädigtes Dokument."),
        Group::IdentCode => ("A code or number was entered wrongly several times. Take your time and check the SMS and your document carefully.",
                             "Ein Code oder eine Nummer wurde mehrmals falsch eingegeben. Nehmen Sie sich Zeit und prüfen Sie die SMS und Ihr Dokument sorgfältig."),
        Group::CodeNotReceived => ("The SMS with the ident code did not arrive. Check that your phone has reception and the number is right.",
                                   "Die SMS mit dem Ident-Code kam nicht an. Prüfen Sie, ob Ihr Telefon Empfang hat und die Nummer stimmt."),
        Group::UserAborted => ("The video identification was ended before it was complete. You can start it again when you are ready.",
                               "Die Videoidentifikation wurde vor dem Abschluss beendet. Sie können sie erneut starten, wenn Sie bereit sind."),
        Group::Language => ("The call can only be held in German or English.",
                            "Der Anruf kann nur auf Deutsch oder Englisch geführt werden."),
        Group::WaitingList => ("You were put on IDnow's waiting list. IDnow will contact you.",
                               "Sie wurden auf die Warteliste von IDnow gesetzt. IDnow meldet sich bei Ihnen."),
        Group::Recording => ("The call must be recorded by law; without your agreement it cannot go on.",
                             "Der Anruf muss gesetzlich aufgezeichnet werden; ohne Ihre Zustimmung kann er nicht fortgesetzt werden."),
        Group::WrongPerson => ("The identification must be done by the person who applied, in person.",
                               "Die Identifikation muss von der Person durchgeführt werden, die den Antrag gestellt hat, persönlich."),
        Group::Conduct => ("The call was ended by the agent.", "Der Anruf wurde von der Mitarbeiterin oder dem Mitarbeiter beendet."),
        Group::Technical => ("A technical problem occurred. Please try again.", "Ein technisches Problem ist aufgetreten. Bitte versuchen Sie es erneut."),
        Group::Timeout => ("The identification took too long and was stopped. Please start again and finish it in one go.",
                           "Die Identifikation dauerte zu lange und wurde beendet. Bitte starten Sie erneut und schließen Sie sie in einem Zug ab."),
        Group::Review => ("The review of your identification was not passed. Please try again.",
                          "Die Prüfung Ihrer Identifikation wurde nicht bestanden. Bitte versuchen Sie es erneut."),
        Group::Permanent => ("A problem occurred that a new attempt cannot solve.",
                             "Es ist ein Problem aufgetreten, das ein neuer Versuch nicht lösen kann."),
        Group::Other => ("The identification could not be completed.", "Die Identifikation konnte nicht abgeschlossen werden."),
    };
    lang.pick((en, de))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::failure_reason::FAILURE_REASONS;

    #[test]
    fn every_reason_of_the_guide_has_specific_advice() {
        for r in FAILURE_REASONS {
            assert_ne!(group(r.code), Group::Other, "{} has no group", r.code);
            assert_ne!(explain(r.code, Lang::En), explain(r.code, Lang::De));
        }
    }
}
