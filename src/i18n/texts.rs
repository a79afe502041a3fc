//! Every fixed text of the customer's pages, in English and German: one field per text, so a
//! page cannot ask for a text that does not exist in both languages. Texts that belong to a
//! table of values (countries, employment statuses, failure reasons) stand beside their values
//! as `(English, German)` pairs, chosen with [`Lang::pick`].

use super::Lang;

/// A struct of texts with its English and German values: `texts!(Name; field: "en" / "de", …)`.
macro_rules! texts {
    ($name:ident; $($field:ident: $en:literal / $de:literal,)+) => {
        pub struct $name { $(pub $field: &'static str,)+ }
        pub static EN: $name = $name { $($field: $en,)+ };
        pub static DE: $name = $name { $($field: $de,)+ };
    };
}
pub(crate) use texts;

texts! {
    Texts;
    bank_name: "Open your account" / "Konto eröffnen",
    switch_language: "Deutsch" / "English",
    welcome_title: "Open your account in about 15 minutes" / "Eröffnen Sie Ihr Konto in etwa 15 Minuten",
    welcome_intro: "We will guide you through five steps, as the progress bar on each page shows them. You can stop at any time: once you have confirmed your data, we e-mail you a link to continue later, in any browser." / "Wir begleiten Sie durch fünf Schritte, wie sie die Fortschrittsleiste auf jeder Seite zeigt. Sie können jederzeit unterbrechen: Sobald Sie Ihre Daten bestätigt haben, senden wir Ihnen per E-Mail einen Link, mit dem Sie später in jedem Browser weitermachen.",
    steps_title: "What you will do" / "Was Sie tun werden",
    step_consent: "Read and accept the terms and conditions and the data-processing terms." / "Die Allgemeinen Geschäftsbedingungen und die Datenschutzbestimmungen lesen und annehmen.",
    step_data: "Enter your personal data exactly as it appears on your ID document." / "Ihre persönlichen Daten genau so eingeben, wie sie in Ihrem Ausweisdokument stehen.",
    step_review: "Check your data once more and confirm it." / "Ihre Daten noch einmal prüfen und bestätigen.",
    step_documents: "See which documents you need for the video call." / "Sehen, welche Dokumente Sie für den Videoanruf brauchen.",
    step_call: "Confirm your identity in a video call with IDnow, then come back here." / "Ihre Identität in einem Videoanruf mit IDnow bestätigen und danach hierher zurückkehren.",
    needs_title: "What you need" / "Was Sie brauchen",
    need_document: "A valid passport or ID card that IDnow supports." / "Einen gültigen Reisepass oder Personalausweis, den IDnow unterstützt.",
    need_proof_of_address: "A proof of address (for example a recent utility bill), if your ID document does not show your address." / "Einen Adressnachweis (zum Beispiel eine aktuelle Nebenkostenabrechnung), falls Ihr Ausweisdokument keine Adresse enthält.",
    need_phone: "Your mobile phone, to receive a code by SMS during the call." / "Ihr Mobiltelefon, um während des Anrufs einen Code per SMS zu erhalten.",
    need_computer: "A computer with a webcam and microphone, in a quiet and well-lit place." / "Einen Computer mit Webcam und Mikrofon, an einem ruhigen und gut beleuchteten Ort.",
    call_languages: "The video call is held in German or English." / "Der Videoanruf findet auf Deutsch oder Englisch statt.",
    start: "Start" / "Starten",
    progress_label: "Progress" / "Fortschritt",
    progress_consent: "Consent" / "Einwilligung",
    progress_data: "Your data" / "Ihre Daten",
    progress_review: "Review" / "Prüfen",
    progress_documents: "Documents" / "Dokumente",
    progress_identification: "Identification" / "Identifikation",
    not_found_title: "Page not found" / "Seite nicht gefunden",
    not_found_text: "This page does not exist." / "Diese Seite gibt es nicht.",
    back_home: "Back to the start" / "Zurück zum Anfang",
    test_system: "Test system: do not enter real personal data. Nothing here opens a real account." / "Testsystem: Bitte geben Sie keine echten personenbezogenen Daten ein. Hier wird kein echtes Konto eröffnet.",
    too_many_title: "Please wait a moment" / "Bitte warten Sie einen Moment",
    too_many_text: "Many requests came from your connection in a short time, so we paused them to protect our service. Please try again in {minutes}; nothing you confirmed is lost." / "Von Ihrer Verbindung kamen in kurzer Zeit viele Anfragen, deshalb haben wir sie zum Schutz unseres Dienstes angehalten. Bitte versuchen Sie es in {minutes} erneut; nichts, was Sie bestätigt haben, geht verloren.",
    one_minute: "one minute" / "einer Minute",
    n_minutes: "{n} minutes" / "{n} Minuten",
    contact_label: "Contact:" / "Kontakt:",
    review_changed_title: "Your data has changed" / "Ihre Daten haben sich geändert",
    review_changed_text: "The data was changed after this page was shown, perhaps in another tab. Nothing was sent. Please check the current data below and confirm again." / "Die Daten wurden geändert, nachdem diese Seite angezeigt wurde, vielleicht in einem anderen Tab. Es wurde nichts gesendet. Bitte prüfen Sie die aktuellen Daten unten und bestätigen Sie erneut.",
    error_prefix: "Error:" / "Fehler:",
    imprint: "Imprint" / "Impressum",
    privacy_notice: "Privacy notice" / "Datenschutzhinweise",
    version: "version" / "Version",
    demo_identity: "Demo settings: this bank's name, contact and links are placeholders until BANK_* is configured." / "Demo-Einstellungen: Name, Kontakt und Links dieser Bank sind Platzhalter, bis BANK_* konfiguriert ist.",
    download_text: "Download this text" / "Diesen Text herunterladen",
    footer_provider: "Your account is provided by Solaris SE, a bank licensed in Germany." / "Ihr Konto wird von der Solaris SE bereitgestellt, einer in Deutschland zugelassenen Bank.",

    continue_: "Continue" / "Weiter",
    back: "Back" / "Zurück",
    edit: "Change" / "Ändern",
    optional: "optional" / "optional",
    choose: "Please choose" / "Bitte auswählen",
    errors_title: "Please check your entries" / "Bitte prüfen Sie Ihre Angaben",
    form_unreadable: "The form arrived incomplete or changed and could not be read. Please fill it in again." / "Das Formular kam unvollständig oder verändert an und konnte nicht gelesen werden. Bitte füllen Sie es erneut aus.",
    session_expired_title: "Your session has expired" / "Ihre Sitzung ist abgelaufen",
    session_expired: "Your session has expired or the form was sent twice. Please try again." / "Ihre Sitzung ist abgelaufen oder das Formular wurde doppelt gesendet. Bitte versuchen Sie es erneut.",
    no_application_title: "We could not find your application" / "Wir konnten Ihren Antrag nicht finden",
    no_application_text: "Please use the link in the e-mail we sent you when you confirmed your data, or open this page in the browser in which you started, or start again." / "Bitte nutzen Sie den Link aus der E-Mail, die wir Ihnen nach der Bestätigung Ihrer Daten gesendet haben, öffnen Sie diese Seite in dem Browser, in dem Sie begonnen haben, oder starten Sie neu.",
    start_again: "Start a new application" / "Neuen Antrag starten",
    unavailable_title: "Please try again in a minute" / "Bitte versuchen Sie es in einer Minute erneut",
    unavailable_text: "This page cannot be shown at the moment. What you confirmed before is kept; please try this step again shortly." / "Diese Seite kann gerade nicht angezeigt werden. Was Sie bisher bestätigt haben, bleibt gespeichert; bitte versuchen Sie diesen Schritt gleich noch einmal.",

    terms_title: "Terms and Conditions of Solaris" / "Allgemeine Geschäftsbedingungen der Solaris",
    terms_intro: "Your account is provided by Solaris SE. Please read its Terms and Conditions." / "Ihr Konto wird von der Solaris SE bereitgestellt. Bitte lesen Sie deren Allgemeine Geschäftsbedingungen.",
    terms_accept: "I have read and accept the Terms and Conditions of Solaris SE." / "Ich habe die Allgemeinen Geschäftsbedingungen der Solaris SE gelesen und akzeptiere sie.",
    privacy_title: "Data processing" / "Datenverarbeitung",
    privacy_intro: "Please read how your personal data is processed." / "Bitte lesen Sie, wie Ihre personenbezogenen Daten verarbeitet werden.",
    privacy_accept: "I consent to the processing of my personal data as described." / "Ich willige in die Verarbeitung meiner personenbezogenen Daten wie beschrieben ein.",
    must_accept: "Please confirm that you accept, to continue." / "Bitte bestätigen Sie Ihre Zustimmung, um fortzufahren.",

    person_title: "About you" / "Über Sie",
    contact_title: "Contact and address" / "Kontakt und Adresse",
    exact_hint: "Enter your data exactly as it appears on your ID document, including all first and middle names." / "Geben Sie Ihre Daten genau so ein, wie sie in Ihrem Ausweisdokument stehen, mit allen Vor- und Zwischennamen.",
    salutation: "Salutation" / "Anrede",
    salutation_mr: "Mr" / "Herr",
    salutation_ms: "Ms" / "Frau",
    salutation_none: "No salutation" / "Keine Anrede",
    title: "Academic title" / "Akademischer Titel",
    title_none: "None" / "Keiner",
    first_name: "First names (all, as on your ID)" / "Vornamen (alle, wie im Ausweis)",
    no_last_name: "I have no last name (my ID document shows none)" / "Ich habe keinen Nachnamen (mein Ausweisdokument zeigt keinen)",
    no_last_name_shown: "none" / "keiner",
    last_name: "Last name (all parts, as on your ID)" / "Nachname (alle Teile, wie im Ausweis)",
    birth_date: "Date of birth" / "Geburtsdatum",
    birth_day: "Day" / "Tag",
    birth_month: "Month" / "Monat",
    birth_year: "Year" / "Jahr",
    birth_city: "Place of birth" / "Geburtsort",
    birth_country: "Country of birth" / "Geburtsland",
    nationality: "Nationality" / "Staatsangehörigkeit",
    employment_status: "Employment status" / "Beschäftigungsstatus",
    marital_status: "Marital status" / "Familienstand",
    mobile_number: "Mobile number" / "Mobilnummer",
    mobile_hint: "You will receive a code by SMS on this phone during the video call." / "Während des Videoanrufs erhalten Sie auf dieses Telefon einen Code per SMS.",
    email: "E-mail address" / "E-Mail-Adresse",
    address_line_1: "Street" / "Straße",
    address_line_2: "House number" / "Hausnummer",
    postal_code: "Postal code" / "Postleitzahl",
    city: "City" / "Ort",
    state: "State (optional)" / "Bundesland (optional)",
    country: "Country of residence" / "Wohnsitzland",
    tax_country: "Country where you pay taxes" / "Land, in dem Sie steuerpflichtig sind",

    err_required: "Please fill in this field." / "Bitte füllen Sie dieses Feld aus.",
    err_choose: "Please choose an option." / "Bitte wählen Sie eine Option.",
    err_too_long: "Please use at most 50 characters." / "Bitte verwenden Sie höchstens 50 Zeichen.",
    err_name_chars: "Please use letters only (also with accents), spaces, hyphens and apostrophes." / "Bitte verwenden Sie nur Buchstaben (auch mit Akzenten), Leerzeichen, Bindestriche und Apostrophe.",
    err_too_many_marks: "Please use at most three accents on one letter." / "Bitte verwenden Sie höchstens drei Akzente auf einem Buchstaben.",
    err_mixed_scripts: "Please write your name in one alphabet, exactly as on your ID document (letters of different alphabets can look the same)." / "Bitte schreiben Sie Ihren Namen in einem Alphabet, genau wie in Ihrem Ausweisdokument (Buchstaben verschiedener Alphabete können gleich aussehen).",
    err_date: "Please enter a real date." / "Bitte geben Sie ein gültiges Datum ein.",
    err_too_young: "You must be at least {age} years old to open an account." / "Sie müssen mindestens {age} Jahre alt sein, um ein Konto zu eröffnen.",
    err_future: "This date is in the future." / "Dieses Datum liegt in der Zukunft.",
    err_country: "Please choose a country from the list." / "Bitte wählen Sie ein Land aus der Liste.",
    err_mobile: "Please enter a mobile number, for example +49 151 23456789 or 0151 23456789." / "Bitte geben Sie eine Mobilnummer ein, zum Beispiel +49 151 23456789 oder 0151 23456789.",
    err_email: "Please enter a valid e-mail address." / "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
    err_email_literal: "Please enter an address with a domain name (such as name@example.com), not an IP address." / "Bitte geben Sie eine Adresse mit einem Domainnamen an (etwa name@example.com), keine IP-Adresse.",
    err_email_domain: "Please check the part after the @: it mixes letters of different alphabets (which can look the same) or is not a valid domain name." / "Bitte prüfen Sie den Teil nach dem @: Er mischt Buchstaben verschiedener Alphabete (die gleich aussehen können) oder ist kein gültiger Domainname.",
    err_postal_code: "Please enter the postal code as it is written in the country of residence (in Germany: five digits)." / "Bitte geben Sie die Postleitzahl so ein, wie sie im Wohnsitzland geschrieben wird (in Deutschland: fünf Ziffern).",
    err_text: "Please check this entry." / "Bitte prüfen Sie diese Angabe.",
    err_solaris: "Our bank partner could not accept this entry. Please check it." / "Unser Bankpartner konnte diese Angabe nicht annehmen. Bitte prüfen Sie sie.",

    ineligible_title: "Video identification is not available for you" / "Videoidentifikation ist für Sie nicht verfügbar",
    ineligible_eu: "The video identification offered here is for customers living in Germany. For customers living in another EU country the bank identifies with another method, which this page does not offer." / "Die hier angebotene Videoidentifikation ist für Kundinnen und Kunden mit Wohnsitz in Deutschland. Für Kundinnen und Kunden mit Wohnsitz in einem anderen EU-Land identifiziert die Bank mit einem anderen Verfahren, das diese Seite nicht anbietet.",
    ineligible_other: "The video identification offered here is for customers living in Germany. For your country of residence another identification method is needed." / "Die hier angebotene Videoidentifikation ist für Kundinnen und Kunden mit Wohnsitz in Deutschland. Für Ihr Wohnsitzland ist ein anderes Identifikationsverfahren nötig.",
    ineligible_way: "How you can go on:" / "So können Sie weitermachen:",
    ineligible_contact: "Our customer service tells you which way to open an account suits you:" / "Unser Kundenservice sagt Ihnen, welcher Weg zur Kontoeröffnung für Sie passt:",
    ineligible_fix: "If your address was entered wrongly, you can correct it." / "Falls Ihre Adresse falsch eingegeben wurde, können Sie sie korrigieren.",
    ineligible_retention: "Otherwise we delete your data {days} days after your last change; nothing has been passed to Solaris SE." / "Andernfalls löschen wir Ihre Daten {days} Tage nach Ihrer letzten Änderung; an die Solaris SE wurde nichts übermittelt.",

    review_title: "Please check your data" / "Bitte prüfen Sie Ihre Daten",
    review_intro: "This is what we will send to our bank partner Solaris. It must match your ID document." / "Diese Daten senden wir an unseren Bankpartner Solaris. Sie müssen mit Ihrem Ausweisdokument übereinstimmen.",
    review_confirm: "Confirm and continue" / "Bestätigen und weiter",
    review_consents: "Consents" / "Einwilligungen",
    accepted_at: "accepted at" / "akzeptiert am",

    preparing_title: "We are preparing your identification" / "Wir bereiten Ihre Identifikation vor",
    preparing_text: "Your data is safely stored. We are registering you with our bank partner; this usually takes a few seconds." / "Ihre Daten sind sicher gespeichert. Wir melden Sie bei unserem Bankpartner an; das dauert meist nur wenige Sekunden.",
    preparing_slow: "Our bank partner is not reachable at the moment. Your application is saved and will continue by itself; you may leave this page and come back later." / "Unser Bankpartner ist gerade nicht erreichbar. Ihr Antrag ist gespeichert und wird automatisch fortgesetzt; Sie können diese Seite verlassen und später zurückkehren.",
    refresh_now: "Check again" / "Erneut prüfen",
    submit_failed_title: "Some of your data needs a correction" / "Einige Ihrer Angaben müssen korrigiert werden",
    submit_failed_text: "Our bank partner could not accept your application as entered. Please check the marked entries." / "Unser Bankpartner konnte Ihren Antrag so nicht annehmen. Bitte prüfen Sie die markierten Angaben.",
    failed_generic: "We could not register your application. Please contact us:" / "Wir konnten Ihren Antrag nicht anmelden. Bitte kontaktieren Sie uns:",

    documents_title: "Which document will you show?" / "Welches Dokument zeigen Sie vor?",
    documents_intro: "In the video call you show an original, valid ID document. These documents are accepted:" / "Im Videoanruf zeigen Sie ein gültiges Original-Ausweisdokument. Diese Dokumente werden akzeptiert:",
    documents_unlisted: "We could not get the list of accepted documents just now. Choose the original, valid ID document you will show in the video call: a passport or a national ID card." / "Die Liste der akzeptierten Dokumente ist gerade nicht abrufbar. Wählen Sie das gültige Original-Ausweisdokument, das Sie im Videoanruf zeigen: einen Reisepass oder einen Personalausweis.",
    documents_idnow_list: "IDnow's list of accepted documents (external site)" / "Liste der akzeptierten Dokumente bei IDnow (externe Seite)",
    document_type: "Document" / "Dokument",
    no_document_link: "I have none of these documents" / "Ich habe keines dieser Dokumente",
    no_document_title: "No suitable document?" / "Kein passendes Dokument?",
    no_document_text: "The video identification needs an original, valid passport or national ID card that IDnow accepts; copies, driving licences and expired documents do not work. Your application stays saved." / "Die Videoidentifikation braucht einen gültigen Original-Reisepass oder -Personalausweis, den IDnow akzeptiert; Kopien, Führerscheine und abgelaufene Dokumente reichen nicht. Ihr Antrag bleibt gespeichert.",
    no_document_alternative: "You can identify yourself another way instead:" / "Sie können sich stattdessen auf anderem Weg identifizieren:",
    no_document_alternative_link: "Other ways to identify yourself" / "Andere Wege der Identifizierung",
    no_document_contact: "Our customer service tells you which other ways to open an account there are. Once you have a suitable document, come back here and choose it." / "Unser Kundenservice nennt Ihnen andere Wege, ein Konto zu eröffnen. Sobald Sie ein passendes Dokument haben, kommen Sie hierher zurück und wählen es aus.",
    withdraw_link: "Withdraw my application" / "Meinen Antrag zurückziehen",
    withdraw_title: "Withdraw your application?" / "Antrag zurückziehen?",
    withdraw_text: "You can withdraw your consent and your application at any time. If your data has not yet been passed to Solaris SE, we delete it at once. Otherwise we stop your application, record your request and our staff have your data deleted, also at Solaris SE, as far as the law allows; we confirm it to you by e-mail." / "Sie können Ihre Einwilligung und Ihren Antrag jederzeit zurückziehen. Wurden Ihre Daten noch nicht an die Solaris SE übermittelt, löschen wir sie sofort. Andernfalls stoppen wir Ihren Antrag, halten Ihren Wunsch fest, und unsere Mitarbeitenden lassen Ihre Daten löschen, auch bei der Solaris SE, soweit das Gesetz es erlaubt; wir bestätigen es Ihnen per E-Mail.",
    withdraw_button: "Withdraw and delete my data" / "Zurückziehen und meine Daten löschen",
    withdraw_keep: "Keep my application" / "Antrag behalten",
    withdrawn_title: "Your application is withdrawn" / "Ihr Antrag ist zurückgezogen",
    withdrawn_erased: "We have deleted your data. Nothing was passed to Solaris SE." / "Wir haben Ihre Daten gelöscht. An die Solaris SE wurde nichts übermittelt.",
    start_new_application: "Start a new application" / "Einen neuen Antrag beginnen",
    withdrawn_requested: "We have stopped your application and recorded your request to delete your data." / "Wir haben Ihren Antrag gestoppt und Ihren Wunsch, Ihre Daten zu löschen, festgehalten.",
    withdrawn_next: "Your data has already been passed to Solaris SE, our bank partner. Our staff have it deleted there and here as far as the law allows (banks must keep some records), and confirm it to you by e-mail within one month. If you started a video identification, do not continue it." / "Ihre Daten wurden bereits an unseren Bankpartner, die Solaris SE, übermittelt. Unsere Mitarbeitenden lassen sie dort und hier löschen, soweit das Gesetz es erlaubt (Banken müssen manche Unterlagen aufbewahren), und bestätigen es Ihnen innerhalb eines Monats per E-Mail. Falls Sie eine Videoidentifikation begonnen haben, setzen Sie sie bitte nicht fort.",
    document_version: "Version of your document" / "Version Ihres Dokuments",
    document_version_label: "{document} from {country}, version {code} (shows the address)" / "{document} aus {country}, Version {code} (zeigt die Adresse)",
    document_version_hint: "Some versions of this document show your address; then you need no proof of address. Compare yours with the pictures in the EU's public register of documents:" / "Einige Versionen dieses Dokuments zeigen Ihre Adresse; dann brauchen Sie keinen Adressnachweis. Vergleichen Sie Ihres mit den Abbildungen im öffentlichen Dokumentenregister der EU:",
    document_version_other: "Another version (I will show a proof of address)" / "Eine andere Version (ich zeige einen Adressnachweis)",
    document_country: "Issued by" / "Ausgestellt von",
    document_not_supported: "This document is not accepted from this country. Please choose another one." / "Dieses Dokument wird aus diesem Land nicht akzeptiert. Bitte wählen Sie ein anderes.",
    poa_needed: "This document does not show your address, so you also need a proof of address." / "Dieses Dokument enthält keine Adresse, daher brauchen Sie zusätzlich einen Adressnachweis.",
    poa_type: "Proof of address" / "Adressnachweis",
    poa_issued_at: "Issue date of the proof of address" / "Ausstellungsdatum des Adressnachweises",
    poa_hint: "It must show your name and address and be less than six months old." / "Er muss Ihren Namen und Ihre Adresse zeigen und darf höchstens sechs Monate alt sein.",
    err_poa_old: "The proof of address must be less than six months old." / "Der Adressnachweis darf höchstens sechs Monate alt sein.",
    err_poa_needed: "This document has no address: please choose a proof of address." / "Dieses Dokument enthält keine Adresse: Bitte wählen Sie einen Adressnachweis.",
    doc_passport: "Passport" / "Reisepass",
    doc_id_card: "National ID card" / "Personalausweis",
    doc_residence_permit: "Residence permit" / "Aufenthaltstitel",
    poa_bank_account_statement: "Bank account statement" / "Kontoauszug",
    poa_certificate_of_registration: "Certificate of registration" / "Meldebescheinigung",
    poa_electricity_bill: "Electricity bill" / "Stromrechnung",
    poa_gas_bill: "Gas bill" / "Gasrechnung",
    poa_heating_bill: "Heating bill" / "Heizkostenabrechnung",
    poa_internet_bill: "Internet bill" / "Internetrechnung",
    poa_telephone_bill: "Telephone bill" / "Telefonrechnung",
    poa_water_bill: "Water bill" / "Wasserrechnung",

    checklist_title: "Before the video call" / "Vor dem Videoanruf",
    checklist_intro: "Please make sure you have everything ready:" / "Bitte stellen Sie sicher, dass Sie alles bereit haben:",
    check_document: "Your ID document:" / "Ihr Ausweisdokument:",
    check_poa: "Your proof of address:" / "Ihr Adressnachweis:",
    check_phone: "Your mobile phone, to receive the ident code by SMS." / "Ihr Mobiltelefon, um den Ident-Code per SMS zu erhalten.",
    check_camera: "Camera and microphone allowed in your browser." / "Kamera und Mikrofon in Ihrem Browser erlaubt.",
    check_place: "A quiet and well-lit place." / "Ein ruhiger und gut beleuchteter Ort.",
    check_language: "The call is held in German or English." / "Der Anruf findet auf Deutsch oder Englisch statt.",
    checklist_ready: "I am ready" / "Ich bin bereit",

    redirect_title: "You are about to leave for IDnow" / "Sie werden jetzt zu IDnow weitergeleitet",
    redirect_text: "IDnow carries out the video identification for our bank partner. There you confirm IDnow's terms, enter your mobile number and talk to an agent who checks your document. At the end you enter the code from the SMS, and IDnow sends you back here." / "IDnow führt die Videoidentifikation für unseren Bankpartner durch. Dort bestätigen Sie die Bedingungen von IDnow, geben Ihre Mobilnummer ein und sprechen mit einer Mitarbeiterin oder einem Mitarbeiter, die Ihr Dokument prüfen. Zum Schluss geben Sie den Code aus der SMS ein, und IDnow leitet Sie hierher zurück.",
    redirect_button: "Go to the video identification" / "Zur Videoidentifikation",
    redirect_refused: "Our bank partner cannot start a video identification for you this way, and trying again will not change that. Our team has been told and will get in touch with you. You can also contact us:" / "Unser Bankpartner kann für Sie auf diesem Weg keine Videoidentifikation starten, und ein neuer Versuch ändert daran nichts. Unser Team ist informiert und meldet sich bei Ihnen. Sie können uns auch kontaktieren:",
    redirect_unavailable: "The video identification cannot be started at the moment. Please try again in a minute." / "Die Videoidentifikation kann gerade nicht gestartet werden. Bitte versuchen Sie es in einer Minute erneut.",

    status_title: "Your identification" / "Ihre Identifikation",
    status_refresh_note: "This page updates itself" / "Diese Seite aktualisiert sich selbst",
    stop_updates: "Stop automatic updates" / "Automatische Aktualisierung beenden",
    st_created: "You have not started the video call yet." / "Sie haben den Videoanruf noch nicht begonnen.",
    st_pending: "You are not through the video call yet. Continue it with the same link; if you already finished it, the result appears here within a few minutes." / "Sie sind mit dem Videoanruf noch nicht fertig. Setzen Sie ihn mit demselben Link fort; falls Sie ihn bereits beendet haben, erscheint das Ergebnis hier in wenigen Minuten.",
    st_continue_call: "Continue your video call" / "Videoanruf fortsetzen",
    st_checking: "Your video call has ended. IDnow is now checking it; this usually takes 1–2 minutes. This page moves on by itself when the result is there." / "Ihr Videoanruf ist beendet. IDnow prüft ihn jetzt; das dauert meist 1–2 Minuten. Diese Seite geht von selbst weiter, sobald das Ergebnis vorliegt.",
    st_checking_long: "IDnow has not finished checking your video call yet. We send you the result by e-mail as well. If your call was interrupted before its end, you can continue it with the same link." / "IDnow hat die Prüfung Ihres Videoanrufs noch nicht abgeschlossen. Wir senden Ihnen das Ergebnis auch per E-Mail. Falls Ihr Anruf vor seinem Ende unterbrochen wurde, können Sie ihn mit demselben Link fortsetzen.",
    st_on_phone: "Your video call runs on your other device. This page follows it and moves on by itself when IDnow has the result." / "Ihr Videoanruf läuft auf Ihrem anderen Gerät. Diese Seite verfolgt ihn und geht von selbst weiter, sobald IDnow das Ergebnis hat.",
    st_here_instead: "Continue the call on this computer instead" / "Den Anruf stattdessen auf diesem Computer fortsetzen",
    st_canceled_settling: "IDnow did not accept the video call as it was, and its review may still change this. Please wait a few minutes: this page moves on by itself, and then you can try again here if it is still needed." / "IDnow hat den Videoanruf so nicht anerkannt, und die Prüfung kann das noch ändern. Bitte warten Sie ein paar Minuten: Diese Seite geht von selbst weiter, und dann können Sie es hier erneut versuchen, falls es noch nötig ist.",
    st_waiting_list: "IDnow has put you on its waiting list for the video identification. You do not need to do anything: IDnow contacts you when an agent is free, and we write to you as soon as there is a result. You cannot leave the waiting list yourself, and starting the identification again would only show a warning." / "IDnow hat Sie für die Videoidentifikation auf seine Warteliste gesetzt. Sie müssen nichts tun: IDnow meldet sich bei Ihnen, sobald eine Mitarbeiterin oder ein Mitarbeiter frei ist, und wir schreiben Ihnen, sobald ein Ergebnis vorliegt. Sie können die Warteliste nicht selbst verlassen, und ein neuer Start der Identifikation zeigt nur einen Warnhinweis.",
    st_review: "Your video call is done. IDnow is now reviewing it; this usually takes a few minutes and, in rare cases, up to 24 hours. You may close this page: we send you the result by e-mail, and you can come back with the link in it." / "Ihr Videoanruf ist abgeschlossen. IDnow prüft ihn jetzt; das dauert meist wenige Minuten, in seltenen Fällen bis zu 24 Stunden. Sie können diese Seite schließen: Wir senden Ihnen das Ergebnis per E-Mail und Sie kommen mit dem Link darin zurück.",
    st_pending_failed: "Your identification is being reviewed. Until the review is finished we cannot offer you banking services. You may close this page: we send you the result by e-mail." / "Ihre Identifikation wird geprüft. Bis die Prüfung abgeschlossen ist, können wir Ihnen keine Bankdienstleistungen anbieten. Sie können diese Seite schließen: Wir senden Ihnen das Ergebnis per E-Mail.",
    st_successful: "Your identity is confirmed." / "Ihre Identität ist bestätigt.",
    st_aborted: "The video identification was ended before it was complete." / "Die Videoidentifikation wurde vor dem Abschluss beendet.",
    st_canceled: "The video identification was not accepted." / "Die Videoidentifikation wurde nicht anerkannt.",
    st_canceled_after_success: "After a review, the identification that had been confirmed was not accepted." / "Nach einer Prüfung wurde die zuvor bestätigte Identifikation nicht anerkannt.",
    st_retry: "You can try again with the same link whenever you are ready." / "Sie können es mit demselben Link erneut versuchen, sobald Sie bereit sind.",
    st_retry_button: "Try the video identification again" / "Videoidentifikation erneut versuchen",
    st_permanent: "Unfortunately another attempt cannot solve this, so the account cannot be opened this way. Please contact us:" / "Leider lässt sich das durch einen neuen Versuch nicht lösen, daher kann das Konto auf diesem Weg nicht eröffnet werden. Bitte kontaktieren Sie uns:",
    st_expired: "The link to the video identification has expired." / "Der Link zur Videoidentifikation ist abgelaufen.",
    st_expired_button: "Start a new video identification" / "Neue Videoidentifikation starten",
    st_failed: "We are sorry: we cannot open an account for you. If you have questions, please contact us:" / "Es tut uns leid: Wir können kein Konto für Sie eröffnen. Bei Fragen kontaktieren Sie uns bitte:",
    st_continue: "Continue to complete your sign-up" / "Weiter zum Abschluss",
    st_other: "Your identification is being processed." / "Ihre Identifikation wird bearbeitet.",
    reason_title: "Reason" / "Grund",
    reason_you_can_fix: "You can fix this yourself:" / "Das können Sie selbst beheben:",
    reason_not_you: "This was not caused by you." / "Das lag nicht an Ihnen.",

    complete_title: "Your sign-up is complete" / "Ihre Anmeldung ist abgeschlossen",
    complete_text: "Thank you. Your identity is confirmed. IDnow may have corrected your data in the video call or in its review; this is the data our bank partner now holds:" / "Vielen Dank. Ihre Identität ist bestätigt. IDnow hat Ihre Daten im Videoanruf oder bei der Prüfung danach möglicherweise korrigiert; diese Daten liegen unserem Bankpartner jetzt vor:",
    complete_loading: "We are loading your data from our bank partner." / "Wir laden Ihre Daten von unserem Bankpartner.",
    street_and_number: "Street and house number" / "Straße und Hausnummer",
    postal_code_and_city: "Postal code and city" / "Postleitzahl und Ort",
    changed_by_idnow: "corrected by IDnow" / "von IDnow korrigiert",
    complete_changed: "IDnow corrected some of your data to match your ID document, in the video call or in its review; the changes are marked below." / "IDnow hat einige Ihrer Daten an Ihr Ausweisdokument angepasst, im Videoanruf oder bei der Prüfung danach; die Änderungen sind unten markiert.",
    complete_next_title: "What happens now" / "Wie es jetzt weitergeht",
    complete_next_open: "{bank} now opens your account with this data." / "{bank} eröffnet jetzt Ihr Konto mit diesen Daten.",
    complete_next_mail: "You receive an e-mail as soon as your account is ready, with how to sign in." / "Sie erhalten eine E-Mail, sobald Ihr Konto bereit ist, mit den Angaben zur Anmeldung.",
    complete_next_nothing: "There is nothing more for you to do here; you may close this page." / "Hier ist nichts weiter zu tun; Sie können diese Seite schließen.",
    complete_print: "To keep this summary, print this page or save it as a PDF (Ctrl+P, or ⌘+P on a Mac)." / "Um diese Übersicht aufzubewahren, drucken Sie diese Seite oder speichern Sie sie als PDF (Strg+P, auf dem Mac ⌘+P).",

    resume_title: "Continue your application" / "Antrag fortsetzen",
    resume_intro: "To protect your data, please enter your date of birth." / "Zum Schutz Ihrer Daten geben Sie bitte Ihr Geburtsdatum ein.",
    resume_day: "Day" / "Tag",
    resume_month: "Month" / "Monat",
    resume_year: "Year" / "Jahr",
    resume_button: "Continue" / "Weiter",
    resume_wrong: "This date of birth does not match your application. Tries left: {n}." / "Dieses Geburtsdatum passt nicht zu Ihrem Antrag. Verbleibende Versuche: {n}.",
    resume_invalid_part: "Please enter a day (1–31), a month (1–12) and a four-digit year." / "Bitte geben Sie einen Tag (1–31), einen Monat (1–12) und ein vierstelliges Jahr ein.",
    resume_locked_title: "This link is locked" / "Dieser Link ist gesperrt",
    resume_locked_text: "A wrong date of birth was entered five times, so this link no longer works. We have sent a new link to the e-mail address of the application." / "Es wurde fünfmal ein falsches Geburtsdatum eingegeben, deshalb funktioniert dieser Link nicht mehr. Wir haben einen neuen Link an die E-Mail-Adresse des Antrags gesendet.",
    resume_invalid_title: "This link no longer works" / "Dieser Link funktioniert nicht mehr",
    resume_invalid_text: "The link is not valid, was replaced by a newer one, or the application can no longer be continued (it was completed, ended or withdrawn, or its identification expired). Please use the newest e-mail from us, or start again." / "Der Link ist ungültig, wurde durch einen neueren ersetzt, oder der Antrag kann nicht mehr fortgesetzt werden (er wurde abgeschlossen, beendet oder zurückgezogen, oder seine Identifikation ist abgelaufen). Bitte nutzen Sie unsere neueste E-Mail oder starten Sie neu.",
    elsewhere_title: "No webcam here? Continue on your phone" / "Keine Webcam? Auf dem Smartphone fortfahren",
    elsewhere_text: "Scan this code with your phone's camera, or open the link on your phone. After your date of birth you continue there, and IDnow runs in your phone's browser. The code works for one hour; this page follows your identification." / "Scannen Sie diesen Code mit der Kamera Ihres Smartphones oder öffnen Sie den Link dort. Nach Ihrem Geburtsdatum machen Sie dort weiter, und IDnow läuft im Browser Ihres Smartphones. Der Code gilt eine Stunde; diese Seite verfolgt Ihre Identifikation.",
    elsewhere_qr_label: "QR code with the link to continue on another device" / "QR-Code mit dem Link zum Fortfahren auf einem anderen Gerät",
    elsewhere_link: "Link to continue on another device" / "Link zum Fortfahren auf einem anderen Gerät",
    elsewhere_mail: "Send me this link by e-mail" / "Diesen Link per E-Mail senden",
    elsewhere_mailed: "We have sent the link to the e-mail address of your application." / "Wir haben den Link an die E-Mail-Adresse Ihres Antrags gesendet.",
    elsewhere_mail_limit: "We have already sent this link several times; please use one of those e-mails." / "Wir haben diesen Link schon mehrmals gesendet; bitte nutzen Sie eine dieser E-Mails.",
    reminders_title: "Stop the reminders?" / "Erinnerungen abbestellen?",
    reminders_text: "We will no longer remind you of your open application by e-mail. Mails about its result still reach you." / "Wir erinnern Sie nicht mehr per E-Mail an Ihren offenen Antrag. E-Mails zu seinem Ergebnis erhalten Sie weiterhin.",
    reminders_button: "Stop the reminders" / "Erinnerungen abbestellen",
    reminders_stopped_title: "Reminders stopped" / "Erinnerungen abbestellt",
    reminders_stopped_text: "You will get no more reminders for this application." / "Sie erhalten für diesen Antrag keine Erinnerungen mehr.",
    reminders_invalid: "This link is not valid." / "Dieser Link ist ungültig.",
}

impl Lang {
    /// The pages' texts in this language.
    pub fn t(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
        }
    }

    /// One of a value's two texts, `(English, German)`.
    pub(crate) fn pick(self, (en, de): (&'static str, &'static str)) -> &'static str {
        match self {
            Lang::En => en,
            Lang::De => de,
        }
    }
}

impl Texts {
    /// The welcome page's five steps, the progress bar's.
    pub fn steps(&self) -> [&'static str; 5] {
        [
            self.step_consent,
            self.step_data,
            self.step_review,
            self.step_documents,
            self.step_call,
        ]
    }

    /// What the customer needs for the call.
    pub fn needs(&self) -> [&'static str; 4] {
        [
            self.need_document,
            self.need_proof_of_address,
            self.need_phone,
            self.need_computer,
        ]
    }

    /// The steps of the progress indicator.
    pub(crate) fn progress_steps(&self) -> [&'static str; 5] {
        [
            self.progress_consent,
            self.progress_data,
            self.progress_review,
            self.progress_documents,
            self.progress_identification,
        ]
    }
}
