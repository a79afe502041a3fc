//! Every fixed text of the back office, in English and German, as the customer's pages keep
//! theirs ([`super::texts`]): a page cannot ask for a text missing in either language.

use super::Lang;
use crate::domain::Stage;
use crate::domain::{Concern, Happened};

crate::i18n::texts::texts! {
    StaffTexts;
    back_office: "Back office" / "Backoffice",
    nav_label: "Back office" / "Backoffice",
    nav_applications: "Applications" / "Anträge",
    nav_attention: "Needs attention" / "Zu prüfen",
    nav_audit: "Audit log" / "Prüfprotokoll",
    sign_out: "Sign out" / "Abmelden",
    signed_in_as: "Signed in as" / "Angemeldet als",
    role_admin: "administrator" / "Administrator:in",
    role_reviewer: "reviewer" / "Bearbeiter:in",
    role_viewer: "viewer" / "Lesezugriff",

    login_title: "Sign in to the back office" / "Anmeldung im Backoffice",
    email: "E-mail" / "E-Mail",
    password: "Password" / "Passwort",
    code: "Code from your authenticator app" / "Code aus Ihrer Authenticator-App",
    code_hint: "Six digits; a new code every 30 seconds." / "Sechs Ziffern; alle 30 Sekunden ein neuer Code.",
    sign_in: "Sign in" / "Anmelden",
    login_failed: "The e-mail, the password or the code is not right." / "E-Mail, Passwort oder Code stimmen nicht.",
    session_ended: "Your session has ended. Please sign in again." / "Ihre Sitzung ist beendet. Bitte melden Sie sich erneut an.",
    signed_out: "You are signed out." / "Sie sind abgemeldet.",
    form_expired: "This form has expired. Please try again." / "Dieses Formular ist abgelaufen. Bitte versuchen Sie es erneut.",

    setup_title: "Set up your back-office account" / "Ihr Backoffice-Konto einrichten",
    setup_intro: "Choose a password and connect an authenticator app: you will need both to sign in." / "Wählen Sie ein Passwort und verbinden Sie eine Authenticator-App: Zur Anmeldung brauchen Sie beides.",
    new_password: "New password (at least 12 characters)" / "Neues Passwort (mindestens 12 Zeichen)",
    repeat_password: "Repeat the password" / "Passwort wiederholen",
    scan_code: "Scan this code with your authenticator app, or enter the key below." / "Scannen Sie diesen Code mit Ihrer Authenticator-App oder geben Sie den Schlüssel unten ein.",
    totp_key: "Key" / "Schlüssel",
    first_code: "The code your app shows now" / "Der Code, den Ihre App jetzt zeigt",
    save_setup: "Save and go to sign-in" / "Speichern und zur Anmeldung",
    setup_invalid_title: "This link cannot be used" / "Dieser Link kann nicht verwendet werden",
    setup_invalid: "The setup link was used already or has expired (it lasts 24 hours). Please ask an administrator for a new one." / "Der Einrichtungslink wurde schon verwendet oder ist abgelaufen (er gilt 24 Stunden). Bitte bitten Sie eine Administratorin oder einen Administrator um einen neuen.",
    setup_done: "Your account is ready. Please sign in." / "Ihr Konto ist eingerichtet. Bitte melden Sie sich an.",
    password_short: "The password needs at least 12 characters." / "Das Passwort braucht mindestens 12 Zeichen.",
    password_guessable: "This password is too easy to guess (a common word with digits, few different characters, or your e-mail address). Please choose another, such as several unrelated words." / "Dieses Passwort ist zu leicht zu erraten (ein häufiges Wort mit Ziffern, wenige verschiedene Zeichen oder Ihre E-Mail-Adresse). Bitte wählen Sie ein anderes, etwa mehrere Wörter ohne Zusammenhang.",
    password_mismatch: "The two passwords differ." / "Die beiden Passwörter unterscheiden sich.",
    code_wrong: "This code is not right. Please enter the code your app shows now." / "Dieser Code stimmt nicht. Bitte geben Sie den Code ein, den Ihre App jetzt zeigt.",
    errors_title: "Please check your entries" / "Bitte prüfen Sie Ihre Angaben",

    applications_title: "Applications" / "Anträge",
    search_label: "Name, e-mail or id" / "Name, E-Mail oder ID",
    search_hint: "The start of a first or last name, a whole e-mail address, or an application, Solaris person or identification id." / "Der Anfang eines Vor- oder Nachnamens, eine ganze E-Mail-Adresse oder die ID eines Antrags, einer Solaris-Person oder einer Identifizierung.",
    status: "Status" / "Status",
    step: "Step" / "Schritt",
    started_from: "Started on or after" / "Begonnen am oder nach",
    started_until: "Started on or before" / "Begonnen am oder vor",
    any: "Any" / "Alle",
    no_identification: "No identification yet" / "Noch keine Identifizierung",
    search: "Search" / "Suchen",
    per_status: "Applications per status" / "Anträge je Status",
    count: "Count" / "Anzahl",
    started: "Started" / "Begonnen",
    name: "Name" / "Name",
    person_id: "Solaris person" / "Solaris-Person",
    identification_id: "Identification" / "Identifizierung",
    next_page: "Next page" / "Nächste Seite",
    first_page: "First page" / "Erste Seite",
    none_found: "No application matches." / "Kein Antrag passt.",
    erased_data: "(erased)" / "(gelöscht)",
    bad_date: "Please enter a date." / "Bitte geben Sie ein Datum ein.",

    application_title: "Application" / "Antrag",
    summary: "Summary" / "Übersicht",
    application_id: "Application id" / "Antrags-ID",
    failure_reason: "Failure reason" / "Fehlergrund",
    updated: "Last change" / "Letzte Änderung",
    submitted: "Data confirmed" / "Daten bestätigt",
    withdrawn: "Withdrawn" / "Zurückgezogen",
    erased: "Erased" / "Gelöscht",
    deletion_requested: "Deletion at Solaris requested by the customer" / "Löschung bei Solaris vom Kunden beantragt",
    as_typed: "Data as the customer typed it" / "Daten, wie der Kunde sie eingegeben hat",
    as_solaris: "Data as Solaris holds it" / "Daten, wie Solaris sie führt",
    none: "None" / "Keine",
    consents: "Consent evidence" / "Nachweis der Einwilligungen",
    consent_kind: "Consent" / "Einwilligung",
    language: "Language" / "Sprache",
    version: "Version" / "Version",
    accepted_at: "Accepted (UTC)" / "Angenommen (UTC)",
    text_accepted: "Text as accepted" / "Angenommener Text",
    export_json: "Export as JSON" / "Als JSON exportieren",
    printable: "Printable page" / "Druckansicht",
    consents_title: "Consent evidence of application" / "Einwilligungsnachweis zum Antrag",
    identifications: "IDnow attempts" / "IDnow-Versuche",
    attempt: "Attempt" / "Versuch",
    result: "Result" / "Ergebnis",
    reason: "Reason" / "Grund",
    agent: "Agent" / "Agent",
    at: "Time" / "Zeit",
    fetched: "Read from Solaris" / "Von Solaris gelesen",
    no_evidence: "Nothing yet: Solaris is asked when an identification ends." / "Noch nichts: Solaris wird gefragt, wenn eine Identifizierung endet.",
    evidence_erased: "Erased with the application's personal data; Solaris is not asked again." / "Mit den personenbezogenen Daten des Antrags gelöscht; Solaris wird nicht erneut gefragt.",
    documents: "Documents at Solaris" / "Dokumente bei Solaris",
    document_type: "Type" / "Art",
    file_name: "File" / "Datei",
    size: "Size" / "Größe",
    download: "Download" / "Herunterladen",
    work: "Work with Solaris" / "Aufgaben bei Solaris",
    kind: "Kind" / "Art",
    state: "State" / "Zustand",
    attempts: "Attempts" / "Versuche",
    last_error: "Last error" / "Letzter Fehler",
    retry: "Try again" / "Erneut versuchen",
    deliveries: "Webhook deliveries" / "Webhook-Zustellungen",
    event: "Event" / "Ereignis",
    received: "Received" / "Empfangen",
    replay: "Handle again" / "Erneut verarbeiten",
    timeline: "Timeline" / "Verlauf",
    what: "What" / "Was",
    detail: "Detail" / "Detail",
    by: "By" / "Durch",
    actions: "Actions" / "Aktionen",
    read_now: "Read the identification from Solaris now" / "Identifizierung jetzt bei Solaris lesen",
    erase_title: "Erase the personal data (data-subject request)" / "Personenbezogene Daten löschen (Betroffenenanfrage)",
    erase_intro: "Erases every personal datum this app holds of the application. The history, the consents' versions and a proof of the erasure stay. The data at Solaris is not touched." / "Löscht alle personenbezogenen Daten, die diese Anwendung zum Antrag hält. Der Verlauf, die Versionen der Einwilligungen und ein Nachweis der Löschung bleiben. Die Daten bei Solaris bleiben unberührt.",
    erase_reason: "Reason (for example the request's reference; no personal data)" / "Grund (zum Beispiel das Aktenzeichen der Anfrage; keine personenbezogenen Daten)",
    erase: "Erase personal data" / "Personenbezogene Daten löschen",
    reason_required: "Please give a reason." / "Bitte geben Sie einen Grund an.",
    done_retry: "The work item will run again." / "Die Aufgabe wird erneut ausgeführt.",
    done_replay: "The delivery is being handled again." / "Die Zustellung wird erneut verarbeitet.",
    done_read: "The identification will be read from Solaris in a moment." / "Die Identifizierung wird gleich bei Solaris gelesen.",
    done_erase: "The personal data is erased." / "Die personenbezogenen Daten sind gelöscht.",
    nothing_done: "Nothing was done: it changed meanwhile." / "Es wurde nichts getan: Es hat sich inzwischen geändert.",

    attention_title: "Needs attention" / "Zu prüfen",
    open_items: "Open" / "Offen",
    closed_items: "Closed" / "Geschlossen",
    raised: "Raised" / "Gemeldet",
    held_by: "Held by" / "Bearbeitet von",
    closed_by: "Closed by" / "Geschlossen von",
    nothing_open: "Nothing needs attention." / "Nichts ist zu prüfen.",
    item_title: "Item" / "Vorgang",
    take: "Take it" / "Übernehmen",
    comment: "Comment" / "Kommentar",
    add_comment: "Add the comment" / "Kommentar hinzufügen",
    close: "Close it" / "Schließen",
    closing_note: "Closing note (optional)" / "Abschlussnotiz (optional)",
    comments: "Comments" / "Kommentare",
    no_comments: "No comments yet." / "Noch keine Kommentare.",
    comment_required: "Please write a comment." / "Bitte schreiben Sie einen Kommentar.",
    comment_erased: "(erased with the application's personal data)" / "(mit den personenbezogenen Daten des Antrags gelöscht)",
    text_unusable: "Please remove the control character (such as NUL) from the text: it cannot be stored." / "Bitte entfernen Sie das Steuerzeichen (etwa NUL) aus dem Text: Es kann nicht gespeichert werden.",
    state_open: "open" / "offen",
    state_taken: "taken" / "in Bearbeitung",
    state_closed: "closed" / "geschlossen",
    no_application: "No application" / "Kein Antrag",
    open_application: "Open the application" / "Antrag öffnen",

    audit_title: "Audit log" / "Prüfprotokoll",
    audit_intro: "Every view of an application's personal data and every action of the staff and of the bank's API keys." / "Jede Ansicht personenbezogener Daten eines Antrags und jede Aktion der Mitarbeitenden und der API-Schlüssel der Bank.",
    who: "Who (e-mail or key)" / "Wer (E-Mail oder Schlüssel)",
    action: "Action" / "Aktion",
    filter: "Filter" / "Filtern",
    no_lines: "No entries match." / "Keine Einträge passen.",

    forbidden_title: "Not allowed" / "Nicht erlaubt",
    forbidden: "Your role does not allow this. Ask an administrator if you need it." / "Ihre Rolle erlaubt das nicht. Fragen Sie eine Administratorin oder einen Administrator, wenn Sie es brauchen.",
    not_found_title: "Not found" / "Nicht gefunden",
    gone_at_solaris_title: "Solaris no longer holds this document" / "Solaris hat dieses Dokument nicht mehr",
    gone_at_solaris: "Solaris listed this document after the identification, but answers now that it has no such document (it may have been deleted). Trying again will not bring it back; ask Solaris if it is needed." / "Solaris hat dieses Dokument nach der Identifizierung aufgeführt, antwortet jetzt aber, dass es kein solches Dokument gibt (es wurde vielleicht gelöscht). Ein neuer Versuch bringt es nicht zurück; fragen Sie bei Bedarf Solaris.",
    no_attempts_listed: "Solaris has no list of IDnow attempts for this identification." / "Solaris hat für diese Identifizierung keine Liste der IDnow-Versuche.",
    not_found: "There is nothing at this address." / "Unter dieser Adresse gibt es nichts.",
    unavailable_title: "Please try again in a minute" / "Bitte versuchen Sie es in einer Minute erneut",
    unavailable: "The database or Solaris did not answer. Nothing was changed." / "Die Datenbank oder Solaris hat nicht geantwortet. Es wurde nichts geändert.",
    back_to_list: "Back to the applications" / "Zurück zu den Anträgen",
    yes: "yes" / "ja",
    no: "no" / "nein",
}

impl Lang {
    /// The back office's texts in this language.
    pub fn staff(self) -> &'static StaffTexts {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
        }
    }
}

/// A step's name.
pub(crate) fn stage(lang: Lang, stage: Stage) -> &'static str {
    lang.pick(match stage {
        Stage::Started => ("Started", "Begonnen"),
        Stage::Submitted => ("Data confirmed", "Daten bestätigt"),
        Stage::Identification => ("Identification", "Identifizierung"),
        Stage::Completed => ("Completed", "Abgeschlossen"),
        Stage::Failed => ("Failed", "Gescheitert"),
        Stage::Withdrawn => ("Withdrawn", "Zurückgezogen"),
        Stage::Erased => ("Erased", "Gelöscht"),
    })
}

/// What needs attention, in words.
pub(crate) fn concern(lang: Lang, concern: Concern) -> &'static str {
    lang.pick(match concern {
        Concern::CanceledAfterSuccess => (
            "A successful identification was canceled",
            "Eine erfolgreiche Identifizierung wurde storniert",
        ),
        Concern::PendingFailed => (
            "Identification under review after a suspected failure",
            "Identifizierung nach vermutetem Fehlschlag in Prüfung",
        ),
        Concern::WorkFailed => (
            "Work with Solaris failed for good",
            "Aufgabe bei Solaris endgültig gescheitert",
        ),
        Concern::StatusReadFailing => (
            "Solaris does not answer status reads",
            "Solaris beantwortet Statusabfragen nicht",
        ),
        Concern::WebhookUnprocessable => (
            "A webhook delivery could not be processed",
            "Eine Webhook-Zustellung konnte nicht verarbeitet werden",
        ),
        Concern::DeletionRequested => (
            "The customer withdrew and asks for deletion at Solaris",
            "Der Kunde hat zurückgezogen und bittet um Löschung bei Solaris",
        ),
    })
}

/// A history entry's kind, in words.
pub fn happened(lang: Lang, what: Happened) -> &'static str {
    lang.pick(match what {
        Happened::Started => ("Application started", "Antrag begonnen"),
        Happened::Consent => ("Consent given", "Einwilligung erteilt"),
        Happened::DetailsSaved => ("Data saved", "Daten gespeichert"),
        Happened::Submitted => ("Data confirmed", "Daten bestätigt"),
        Happened::DocumentChosen => ("Document chosen", "Dokument gewählt"),
        Happened::ChecklistDone => ("Checklist done", "Checkliste erledigt"),
        Happened::IdentificationRequested => {
            ("Identification requested", "Identifizierung angefordert")
        }
        Happened::Status => ("Identification status", "Status der Identifizierung"),
        Happened::WorkQueued => ("Solaris work queued", "Aufgabe bei Solaris eingereiht"),
        Happened::WorkDone => ("Solaris work done", "Aufgabe bei Solaris erledigt"),
        Happened::WorkRetry => (
            "Solaris work attempt failed",
            "Versuch bei Solaris gescheitert",
        ),
        Happened::WorkFailed => ("Solaris work failed", "Aufgabe bei Solaris gescheitert"),
        Happened::Webhook => ("Webhook delivery", "Webhook-Zustellung"),
        Happened::MailSent => ("E-mail sent", "E-Mail gesendet"),
        Happened::MailFailed => ("E-mail refused", "E-Mail abgewiesen"),
        Happened::Withdrawn => ("Withdrawn by the customer", "Vom Kunden zurückgezogen"),
        Happened::Erased => ("Personal data erased", "Personenbezogene Daten gelöscht"),
        Happened::EvidenceFetched => (
            "Evidence read from Solaris",
            "Nachweise von Solaris gelesen",
        ),
        Happened::Staff => ("Staff action", "Aktion von Mitarbeitenden"),
    })
}
