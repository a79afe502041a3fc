//! The mails' words, in English and German: plain text and HTML from the same paragraphs. A
//! mail names the customer by first name only, names the bank from `BANK_NAME`, and carries
//! no image, no tracking and no personal data besides.

use crate::html::escape;
use chrono::NaiveDate;

use crate::domain::MailKind;
use crate::i18n::Lang;

/// What one mail says, before it is put into words.
#[derive(Clone, Debug)]
pub(crate) struct Letter<'a> {
    pub kind: MailKind,
    pub lang: Lang,
    pub first_name: &'a str,
    pub bank: &'a str,
    /// How to reach the bank: e-mail, phone and hours, in the mail's language.
    pub contact: &'a str,
    /// The resume link, for mails that lead back to the application.
    pub link: Option<String>,
    /// The link that stops the reminders.
    pub opt_out: Option<String>,
    /// What went wrong and what the customer can do (the failure reason in plain words).
    pub reason: Option<String>,
    /// The day the IDnow link expires.
    pub expires_on: Option<NaiveDate>,
}

/// A mail ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The parts of a mail: subject, paragraphs before the link, the link's label, after it.
struct Words {
    subject: String,
    before: Vec<String>,
    button: &'static str,
    after: Vec<String>,
}

fn date(lang: Lang, day: NaiveDate) -> String {
    crate::i18n::dates::long_date(lang, day)
}

fn words(l: &Letter<'_>) -> Words {
    let bank = l.bank;
    let en = l.lang == Lang::En;
    let pick = |en_text: String, de_text: String| if en { en_text } else { de_text };
    let link_note = pick(
        "The link works in any browser, as long as your application can go on. We will ask for your date of birth first.".into(),
        "Der Link funktioniert in jedem Browser, solange Ihr Antrag weitergehen kann. Zuerst fragen wir nach Ihrem Geburtsdatum.".into(),
    );
    let continue_label = if en {
        "Continue my application"
    } else {
        "Antrag fortsetzen"
    };
    let reason = l.reason.clone();
    match l.kind {
        MailKind::Saved => Words {
            subject: pick(format!("{bank}: your application is saved"), format!("{bank}: Ihr Antrag ist gespeichert")),
            before: vec![
                pick(format!("we have saved your application for an account with {bank}."), format!("wir haben Ihren Antrag auf ein Konto bei {bank} gespeichert.")),
                pick("The next step is the video identification with IDnow. If you stop in between, you can come back with this link:".into(),
                     "Der nächste Schritt ist die Videoidentifikation mit IDnow. Wenn Sie unterbrechen, kommen Sie mit diesem Link zurück:".into()),
            ],
            button: continue_label,
            after: vec![link_note],
        },
        MailKind::Success => Words {
            subject: pick(format!("{bank}: your identity is confirmed"), format!("{bank}: Ihre Identität ist bestätigt")),
            before: vec![
                pick("your video identification was successful.".into(), "Ihre Videoidentifikation war erfolgreich.".into()),
                pick(format!("{bank} now opens your account. There is nothing more for you to do; we will write to you when it is ready."),
                     format!("{bank} eröffnet jetzt Ihr Konto. Sie müssen nichts weiter tun; wir schreiben Ihnen, sobald es bereit ist.")),
            ],
            button: "",
            after: vec![],
        },
        MailKind::Action => Words {
            subject: pick(format!("{bank}: your video identification needs another try"), format!("{bank}: Ihre Videoidentifikation braucht einen neuen Versuch")),
            before: [
                Some(pick("your video identification could not be completed.".into(), "Ihre Videoidentifikation konnte nicht abgeschlossen werden.".into())),
                reason,
                Some(pick("You can try again whenever you are ready:".into(), "Sie können es erneut versuchen, sobald Sie bereit sind:".into())),
            ].into_iter().flatten().collect(),
            button: if en { "Try again" } else { "Erneut versuchen" },
            after: vec![link_note],
        },
        MailKind::Refused => Words {
            subject: pick(format!("{bank}: we cannot open your account online"), format!("{bank}: Wir können Ihr Konto nicht online eröffnen")),
            before: [
                Some(pick("we are sorry: after your video identification we cannot open an account for you online.".into(),
                          "es tut uns leid: Nach Ihrer Videoidentifikation können wir für Sie online kein Konto eröffnen.".into())),
                reason,
                Some(pick(format!("If you have questions, please contact {bank}."), format!("Bei Fragen wenden Sie sich bitte an {bank}."))),
            ].into_iter().flatten().collect(),
            button: "",
            after: vec![],
        },
        MailKind::CanceledAfterSuccess => Words {
            subject: pick(format!("{bank}: please repeat your video identification"), format!("{bank}: Bitte wiederholen Sie Ihre Videoidentifikation")),
            before: [
                Some(pick("a review of your video identification found that it cannot be accepted after all.".into(),
                          "Eine Prüfung Ihrer Videoidentifikation hat ergeben, dass sie doch nicht anerkannt werden kann.".into())),
                reason,
                Some(pick("Please do it once more:".into(), "Bitte führen Sie sie noch einmal durch:".into())),
            ].into_iter().flatten().collect(),
            button: if en { "Repeat the identification" } else { "Identifikation wiederholen" },
            after: vec![link_note],
        },
        MailKind::WaitingList => Words {
            subject: pick(format!("{bank}: you are on IDnow's waiting list"), format!("{bank}: Sie stehen auf der Warteliste von IDnow")),
            before: vec![
                pick("IDnow has put you on its waiting list for the video identification. You do not need to do anything: IDnow contacts you when an agent is free.".into(),
                     "IDnow hat Sie für die Videoidentifikation auf seine Warteliste gesetzt. Sie müssen nichts tun: IDnow meldet sich bei Ihnen, sobald eine Mitarbeiterin oder ein Mitarbeiter frei ist.".into()),
                pick("You cannot leave the waiting list yourself, and starting the identification again would only show a warning. We write to you as soon as there is a result.".into(),
                     "Sie können die Warteliste nicht selbst verlassen, und ein neuer Start der Identifikation zeigt nur einen Warnhinweis. Wir schreiben Ihnen, sobald ein Ergebnis vorliegt.".into()),
            ],
            button: "",
            after: vec![],
        },
        MailKind::Reminder => Words {
            subject: pick(format!("{bank}: your application is waiting for you"), format!("{bank}: Ihr Antrag wartet auf Sie")),
            before: vec![
                pick("you have not finished the video identification for your account yet. It takes about 10 minutes; have your ID document at hand.".into(),
                     "Sie haben die Videoidentifikation für Ihr Konto noch nicht abgeschlossen. Sie dauert etwa 10 Minuten; halten Sie Ihr Ausweisdokument bereit.".into()),
            ],
            button: continue_label,
            after: vec![link_note],
        },
        MailKind::ExpirySoon => Words {
            subject: pick(format!("{bank}: your identification link expires soon"), format!("{bank}: Ihr Identifikationslink läuft bald ab")),
            before: vec![
                match l.expires_on {
                    Some(day) => pick(format!("the link to your video identification expires on {} (UTC).", date(l.lang, day)),
                                      format!("der Link zu Ihrer Videoidentifikation läuft am {} (UTC) ab.", date(l.lang, day))),
                    None => pick("the link to your video identification expires soon.".into(), "der Link zu Ihrer Videoidentifikation läuft bald ab.".into()),
                },
                pick("Finish it before then:".into(), "Schließen Sie sie vorher ab:".into()),
            ],
            button: continue_label,
            after: vec![link_note],
        },
        MailKind::Relink => Words {
            subject: pick(format!("{bank}: a new link to your application"), format!("{bank}: Ein neuer Link zu Ihrem Antrag")),
            before: vec![
                pick("a wrong date of birth was entered five times for your application. To protect it, the earlier links no longer work.".into(),
                     "Für Ihren Antrag wurde fünfmal ein falsches Geburtsdatum eingegeben. Zu seinem Schutz funktionieren die bisherigen Links nicht mehr.".into()),
                pick("This is your new link:".into(), "Dies ist Ihr neuer Link:".into()),
            ],
            button: continue_label,
            after: vec![
                link_note,
                pick(format!("If this was not you, you do not need to do anything. Your data was not shown to anyone. If you are worried, please contact {bank}."),
                     format!("Falls Sie das nicht waren, müssen Sie nichts tun. Ihre Daten wurden niemandem angezeigt. Wenn Sie beunruhigt sind, wenden Sie sich bitte an {bank}.")),
            ],
        },
        MailKind::Device => Words {
            subject: pick(format!("{bank}: continue on your phone"), format!("{bank}: Auf dem Smartphone fortfahren")),
            before: vec![
                pick("open this link on your phone to do the video identification there:".into(),
                     "Öffnen Sie diesen Link auf Ihrem Smartphone, um die Videoidentifikation dort durchzuführen:".into()),
            ],
            button: if en { "Continue on this device" } else { "Auf diesem Gerät fortfahren" },
            after: vec![link_note],
        },
    }
}

/// The mail to the bank's operations team (`OPS_EMAIL`) about a new needs-attention item, in
/// English and German: what it is, the ids, and the link into the back office.
pub fn attention(bank: &str, item: &crate::db::history::Item, link: &str) -> Rendered {
    use crate::domain::Concern;
    use crate::i18n::staff::concern;
    use crate::i18n::Lang;
    let what = |lang| {
        Concern::parse(&item.kind)
            .map(|c| concern(lang, c))
            .unwrap_or("?")
    };
    let application = item.application_id.as_deref().unwrap_or("–");
    let detail = item.detail.as_deref().unwrap_or("");
    let subject = format!("{bank} back office: {}", what(Lang::En));
    let text = format!(
        "{}\nApplication: {application}\n{detail}\n\n{link}\n\n--\n\n{}\nAntrag: {application}\n{detail}\n\n{link}\n",
        what(Lang::En),
        what(Lang::De)
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{subject}</title></head><body>\
         <p>{en}</p><p>Application: {app}<br>{detail}</p><p><a href=\"{link}\">{link}</a></p><hr>\
         <div lang=\"de\"><p>{de}</p><p>Antrag: {app}<br>{detail}</p></div></body></html>",
        subject = escape(&subject),
        en = escape(what(Lang::En)),
        de = escape(what(Lang::De)),
        app = escape(application),
        detail = escape(detail),
        link = escape(link),
    );
    Rendered {
        subject,
        text,
        html,
    }
}

/// The mail in words: plain text and HTML with the same content.
pub(crate) fn render(l: &Letter<'_>) -> Rendered {
    let w = words(l);
    let en = l.lang == Lang::En;
    let greeting = if en {
        format!("Hello {},", l.first_name)
    } else {
        format!("Hallo {},", l.first_name)
    };
    let closing = if en {
        format!("Kind regards\n{}", l.bank)
    } else {
        format!("Freundliche Grüße\n{}", l.bank)
    };
    let opt_out_label = if en {
        "You get this reminder because you started an application. No more reminders:"
    } else {
        "Sie erhalten diese Erinnerung, weil Sie einen Antrag begonnen haben. Keine weiteren Erinnerungen:"
    };
    let automatic = if en {
        format!(
            "This e-mail was sent automatically; please do not reply to it. Questions? Contact {}: {}",
            l.bank, l.contact
        )
    } else {
        format!(
            "Diese E-Mail wurde automatisch versendet; bitte antworten Sie nicht darauf. Fragen? Kontaktieren Sie {}: {}",
            l.bank, l.contact
        )
    };

    let mut text = vec![greeting.clone()];
    text.extend(w.before.iter().cloned());
    if let Some(link) = &l.link {
        text.push(link.clone());
    }
    text.extend(w.after.iter().cloned());
    text.push(closing.clone());
    if let Some(opt_out) = &l.opt_out {
        text.push(format!("{opt_out_label}\n{opt_out}"));
    }
    text.push(automatic.clone());
    let text = text.join("\n\n") + "\n";

    let para = |p: &String| format!("<p>{}</p>", escape(p));
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;line-height:1.5;color:#1a1a1a\">",
        l.lang.code(),
        escape(&w.subject)
    );
    html.push_str(&para(&greeting));
    html.extend(w.before.iter().map(para));
    if let Some(link) = &l.link {
        html.push_str(&format!(
            "<p><a href=\"{0}\" style=\"display:inline-block;padding:0.6em 1.2em;background:#0b4f6c;color:#ffffff;text-decoration:none;border-radius:4px\">{1}</a></p>\
             <p style=\"font-size:0.9em\">{0}</p>",
            escape(link),
            escape(w.button)
        ));
    }
    html.extend(w.after.iter().map(para));
    html.push_str(&format!(
        "<p>{}</p>",
        escape(&closing).replace('\n', "<br>")
    ));
    if let Some(opt_out) = &l.opt_out {
        html.push_str(&format!(
            "<p style=\"font-size:0.9em\">{} <a href=\"{1}\">{1}</a></p>",
            escape(opt_out_label),
            escape(opt_out)
        ));
    }
    html.push_str(&format!(
        "<p style=\"font-size:0.9em\">{}</p></body></html>\n",
        escape(&automatic)
    ));
    Rendered {
        subject: w.subject,
        text,
        html,
    }
}

/// Whether a mail of `kind` leads back into the application.
pub(crate) fn has_link(kind: MailKind) -> bool {
    !matches!(
        kind,
        MailKind::Success | MailKind::Refused | MailKind::WaitingList
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mail_exists_in_both_languages_with_its_link_and_no_markup_from_data() {
        for &kind in MailKind::ALL {
            for lang in [Lang::En, Lang::De] {
                let letter = Letter {
                    kind,
                    lang,
                    first_name: "<b>Erika</b>",
                    bank: "Demo Bank",
                    contact: "service@bank.example · +49 30 00000000 (Mo–Fr 9:00–18:00)",
                    link: has_link(kind).then(|| "https://bank.example/resume/abc".into()),
                    opt_out: (kind == MailKind::Reminder)
                        .then(|| "https://bank.example/reminders/stop/xyz".into()),
                    reason: None,
                    expires_on: NaiveDate::from_ymd_opt(2026, 12, 12),
                };
                let r = render(&letter);
                assert!(r.subject.starts_with("Demo Bank: "), "{kind:?}");
                assert!(r.text.contains("<b>Erika</b>"));
                assert!(!r.html.contains("<b>Erika</b>") && r.html.contains("&lt;b&gt;Erika"));
                if let Some(link) = &letter.link {
                    assert!(r.text.contains(link) && r.html.contains(link));
                }
                if kind == MailKind::ExpirySoon {
                    let day = if lang == Lang::En {
                        "12 December 2026"
                    } else {
                        "12. Dezember 2026"
                    };
                    assert!(r.text.contains(day), "{}", r.text);
                }
                let other = render(&Letter {
                    lang: lang.other(),
                    ..letter.clone()
                });
                assert_ne!(r.subject, other.subject, "{kind:?} is not translated");
            }
        }
    }
}
