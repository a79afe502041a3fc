//! IDnow's failure reasons in plain words for the customer, with what they can do about it.

use super::Lang;

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
    ReviewIncomplete,
    PhoneNumber,
    TestCall,
    FraudSuspicion,
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
        | "USER_ID_NUMBER" => Group::IdentCode,
        "WRONG_PHONE_NUMBER" => Group::PhoneNumber,
        "IDENT_CODE_NOT_RECEIVED" | "TECH_IDENT_CODE_DELIVERY" => Group::CodeNotReceived,
        "USER_ABORT_WHILE_WAITING" | "USER_CANCELLATION" | "USER_STARTED_NEW_REQUEST" => {
            Group::UserAborted
        }
        "USER_LANGUAGE" => Group::Language,
        "ENROLLED_TO_WAITING_LIST" => Group::WaitingList,
        "DISAGREE_WITH_VIDEO_RECORDING" => Group::Recording,
        "USER_WRONG_PERSON" => Group::WrongPerson,
        "INDECENT_BEHAVIOUR" | "OTHER_ABUSE" => Group::Conduct,
        "NO_ESIGN_FRAUD" => Group::FraudSuspicion,
        "OTHER_TEST" => Group::TestCall,
        "TECH_INTERNAL_SERVER_ERROR" | "OTHER_ERROR" | "OTHER_MISCELLANEOUS_TEMPORARY" => {
            Group::Technical
        }
        "OTHER_MISCELLANEOUS_PERMANENT" => Group::Permanent,
        "TECH_TIMEOUT" | "STALLED_TIMEOUT" => Group::Timeout,
        // The guide blames too few questions asked, not the customer.
        "NO_SECURITY_QUESTION_ASKED" => Group::ReviewIncomplete,
        "SECURITY_QUESTION" | "SECURITY_QUESTION_NOT_CORRECT_ANSWERED" => Group::Review,
        _ => Group::Other,
    }
}

/// A failure reason in plain words: what happened (neutral, true whoever caused it), and what
/// the customer can do about it, shown only when the guide says the customer caused it and
/// another attempt can solve it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Explanation {
    pub what: &'static str,
    pub advice: Option<&'static str>,
}

/// The texts of a group: what happened, and the advice, each `(English, German)`.
type Words = (
    (&'static str, &'static str),
    Option<(&'static str, &'static str)>,
);

fn words(group: Group) -> Words {
    match group {
        Group::Audio => (("The agent could not hear you well enough.", "Die Mitarbeiterin oder der Mitarbeiter konnte Sie nicht gut genug hören."),
                         Some(("Use a headset or a quieter room and allow the microphone in your browser.", "Nutzen Sie ein Headset oder einen ruhigeren Raum und erlauben Sie das Mikrofon im Browser."))),
        Group::Video => (("The video was not clear enough.", "Das Video war nicht klar genug."),
                         Some(("Sit in a well-lit place, allow the camera in your browser and keep the camera steady.", "Setzen Sie sich an einen gut beleuchteten Ort, erlauben Sie die Kamera im Browser und halten Sie die Kamera ruhig."))),
        Group::Connection => (("The internet connection was not good enough or was lost.", "Die Internetverbindung war nicht gut genug oder brach ab."),
                              Some(("Use a stable connection, for example close to your router.", "Nutzen Sie eine stabile Verbindung, zum Beispiel nahe an Ihrem Router."))),
        Group::Photo => (("The pictures of you or of your document were not sharp enough, or its security features were not visible.", "Die Bilder von Ihnen oder Ihrem Dokument waren nicht scharf genug, oder seine Sicherheitsmerkmale waren nicht sichtbar."),
                         Some(("Use good light and hold the document still.", "Nutzen Sie gutes Licht und halten Sie das Dokument ruhig."))),
        Group::DataMismatch => (("The data of the application and the data of the ID document do not match.", "Die Daten des Antrags und die Daten des Ausweisdokuments stimmen nicht überein."),
                                None),
        Group::IdExpired => (("The ID document has expired.", "Das Ausweisdokument ist abgelaufen."),
                             Some(("Use a valid passport or ID card.", "Verwenden Sie einen gültigen Reisepass oder Personalausweis."))),
        Group::IdUnsupported => (("The ID document could not be used: it is not accepted, damaged, or was not at hand.", "Das Ausweisdokument konnte nicht verwendet werden: Es wird nicht akzeptiert, ist beschädigt oder war nicht zur Hand."),
                                 Some(("Use another accepted, undamaged document and have it at hand.", "Verwenden Sie ein anderes akzeptiertes, unbeschädigtes Dokument und halten Sie es bereit."))),
        Group::IdentCode => (("A code or a document number did not match.", "Ein Code oder eine Dokumentnummer stimmte nicht überein."),
                             Some(("Take your time and check the SMS and your document carefully.", "Nehmen Sie sich Zeit und prüfen Sie die SMS und Ihr Dokument sorgfältig."))),
        Group::CodeNotReceived => (("The SMS with the ident code did not arrive.", "Die SMS mit dem Ident-Code kam nicht an."),
                                   Some(("Check that your phone has reception and that the number is right.", "Prüfen Sie, ob Ihr Telefon Empfang hat und die Nummer stimmt."))),
        Group::UserAborted => (("The video identification was ended before it was complete.", "Die Videoidentifikation wurde vor ihrem Abschluss beendet."),
                               Some(("Start it again when you have about ten minutes.", "Starten Sie sie erneut, wenn Sie etwa zehn Minuten Zeit haben."))),
        Group::Language => (("The call could not be held in German or English, the only languages offered.", "Der Anruf konnte nicht auf Deutsch oder Englisch geführt werden, den einzigen angebotenen Sprachen."),
                            None),
        Group::WaitingList => (("You were put on IDnow's waiting list.", "Sie wurden auf die Warteliste von IDnow gesetzt."),
                               None),
        Group::Recording => (("The call must be recorded by law, and the recording was not agreed to.", "Der Anruf muss gesetzlich aufgezeichnet werden, und der Aufzeichnung wurde nicht zugestimmt."),
                             Some(("Agree to the recording when the call starts.", "Stimmen Sie der Aufzeichnung zu, wenn der Anruf beginnt."))),
        Group::WrongPerson => (("The identification must be done in person by the person who applied.", "Die Identifikation muss persönlich von der Person durchgeführt werden, die den Antrag gestellt hat."),
                               Some(("Do the call yourself, alone.", "Führen Sie den Anruf selbst und allein durch."))),
        Group::Conduct => (("The agent ended the call.", "Die Mitarbeiterin oder der Mitarbeiter hat den Anruf beendet."),
                           Some(("Follow the agent's instructions in the next call.", "Folgen Sie im nächsten Anruf den Anweisungen der Mitarbeiterin oder des Mitarbeiters."))),
        Group::Technical => (("A technical problem occurred.", "Ein technisches Problem ist aufgetreten."),
                             Some(("Try again; if it happens again, use another browser or device.", "Versuchen Sie es erneut; passiert es wieder, nutzen Sie einen anderen Browser oder ein anderes Gerät."))),
        Group::Timeout => (("The identification took too long and was stopped.", "Die Identifikation dauerte zu lange und wurde beendet."),
                           Some(("Start again and finish it in one go.", "Starten Sie erneut und schließen Sie sie in einem Zug ab."))),
        Group::Review => (("The identification did not pass the security review.", "Die Identifikation hat die Sicherheitsprüfung nicht bestanden."),
                          None),
        Group::ReviewIncomplete => (("The review found that not enough security questions were asked in the call, so it could not be accepted.", "Die Prüfung hat ergeben, dass im Anruf nicht genug Sicherheitsfragen gestellt wurden, daher konnte er nicht anerkannt werden."),
                                    None),
        Group::PhoneNumber => (("The mobile phone number entered for the signing was wrong.", "Die für die Signatur eingegebene Mobilnummer war falsch."),
                               Some(("Check your mobile number before you enter it.", "Prüfen Sie Ihre Mobilnummer, bevor Sie sie eingeben."))),
        Group::TestCall => (("The call was marked as a test call, not as your identification.", "Der Anruf wurde als Testanruf markiert, nicht als Ihre Identifikation."),
                            Some(("Start the video identification again for your real call.", "Starten Sie die Videoidentifikation erneut für Ihren eigentlichen Anruf."))),
        Group::FraudSuspicion => (("The agent ended the call before the signing step, and it is being reviewed.", "Die Mitarbeiterin oder der Mitarbeiter hat den Anruf vor dem Signaturschritt beendet, und er wird geprüft."),
                                  None),
        Group::Permanent => (("A problem occurred during the identification.", "Bei der Identifikation ist ein Problem aufgetreten."),
                             None),
        Group::Other => (("The identification could not be completed.", "Die Identifikation konnte nicht abgeschlossen werden."),
                         None),
    }
}

/// What happened and what the customer can do, in the page's language, as the guide's two
/// columns allow: advice only when the customer caused it and another attempt can solve it.
pub(crate) fn explain(code: &str, lang: Lang) -> Explanation {
    let (what, advice) = words(group(code));
    let info = crate::domain::failure_reason::lookup(code);
    let own_fixable = info.is_some_and(|i| i.caused_by_user == Some(true) && !i.permanent);
    Explanation {
        what: lang.pick(what),
        advice: advice.filter(|_| own_fixable).map(|a| lang.pick(a)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::failure_reason::FAILURE_REASONS;

    #[test]
    fn reasons_that_are_not_the_customers_failing_are_not_worded_as_such() {
        let en = |code| explain(code, Lang::En);
        // The guide blames too few questions asked.
        assert!(en("NO_SECURITY_QUESTION_ASKED")
            .what
            .contains("not enough security questions"));
        assert!(!en("NO_SECURITY_QUESTION_ASKED")
            .what
            .contains("did not pass"));
        assert!(en("WRONG_PHONE_NUMBER")
            .what
            .contains("mobile phone number"));
        assert!(en("OTHER_TEST").what.contains("test call"));
        assert!(!en("OTHER_TEST").what.contains("technical problem"));
        // A fraud suspect is not coached.
        assert_eq!(en("NO_ESIGN_FRAUD").advice, None);
        assert!(!en("NO_ESIGN_FRAUD").what.contains("instructions"));
    }

    #[test]
    fn every_reason_of_the_guide_has_specific_advice() {
        for r in FAILURE_REASONS {
            assert_ne!(group(r.code), Group::Other, "{} has no group", r.code);
            assert_ne!(explain(r.code, Lang::En), explain(r.code, Lang::De));
            let advice = explain(r.code, Lang::En).advice;
            if r.permanent || r.caused_by_user != Some(true) {
                assert_eq!(
                    advice, None,
                    "{}: no advice the guide's columns rule out",
                    r.code
                );
            }
        }
    }
}
