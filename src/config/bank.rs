//! The bank as its customers see it on every page and in every mail: its name, logo,
//! contact, imprint and privacy notice.

use super::vars::{invalid, is_loopback, parse_url, Vars};
use super::ConfigError;

/// The bank as its customers see it on every page and in every mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bank {
    /// `BANK_NAME`.
    pub name: String,
    /// `BANK_LOGO`: a file under `public/`, shown in the header (its path as served).
    pub logo: Option<String>,
    /// `BANK_CONTACT_EMAIL`, `BANK_CONTACT_PHONE`, `BANK_CONTACT_HOURS` (English) and
    /// `BANK_CONTACT_HOURS_DE` (German; the English hours when unset).
    pub contact_email: String,
    pub contact_phone: String,
    pub contact_hours: String,
    pub contact_hours_de: String,
    /// `BANK_IMPRINT_URL`, `BANK_PRIVACY_URL`.
    pub imprint_url: String,
    pub privacy_url: String,
    /// Nothing of the above was configured: pages say these are demo values.
    pub demo: bool,
}

impl Bank {
    /// The opening hours in `german` or English.
    pub fn hours(&self, german: bool) -> &str {
        if german {
            &self.contact_hours_de
        } else {
            &self.contact_hours
        }
    }

    /// The contact in one line, as mails give it.
    pub fn contact_line(&self, german: bool) -> String {
        format!(
            "{} · {} ({})",
            self.contact_email,
            self.contact_phone,
            self.hours(german)
        )
    }
}

impl Default for Bank {
    /// The neutral demo identity, marked as such on every page.
    fn default() -> Bank {
        Bank {
            name: "Demo Bank".into(),
            logo: None,
            contact_email: "service@bank.example".into(),
            contact_phone: "+49 30 00000000".into(),
            contact_hours: "Mon–Fri 9:00–18:00".into(),
            contact_hours_de: "Mo–Fr 9:00–18:00".into(),
            imprint_url: "https://bank.example/imprint".into(),
            privacy_url: "https://bank.example/privacy".into(),
            demo: true,
        }
    }
}

/// BANK_NAME, BANK_LOGO, BANK_CONTACT_EMAIL, BANK_CONTACT_PHONE, BANK_CONTACT_HOURS(_DE),
/// BANK_IMPRINT_URL and BANK_PRIVACY_URL; unset ones keep the demo values.
pub(super) fn read(vars: &Vars) -> Result<Bank, ConfigError> {
    let names = [
        "BANK_NAME",
        "BANK_LOGO",
        "BANK_CONTACT_EMAIL",
        "BANK_CONTACT_PHONE",
        "BANK_CONTACT_HOURS",
        "BANK_CONTACT_HOURS_DE",
        "BANK_IMPRINT_URL",
        "BANK_PRIVACY_URL",
    ];
    let mut bank = Bank {
        demo: names.iter().all(|n| vars.get(n).is_none()),
        ..Bank::default()
    };
    let text = |name: &str, max: usize| -> Result<Option<String>, ConfigError> {
        match vars.get(name) {
            None => Ok(None),
            Some(v) if v.chars().count() > max || v.chars().any(char::is_control) => Err(invalid(
                name,
                format!("at most {max} characters, no control characters"),
            )),
            Some(v) => Ok(Some(v.trim().to_string())),
        }
    };
    if let Some(v) = text("BANK_NAME", 80)? {
        bank.name = v;
    }
    if let Some(v) = text("BANK_CONTACT_EMAIL", 120)? {
        if !v.contains('@') {
            return Err(invalid("BANK_CONTACT_EMAIL", "must be an e-mail address"));
        }
        bank.contact_email = v;
    }
    if let Some(v) = text("BANK_CONTACT_PHONE", 40)? {
        bank.contact_phone = v;
    }
    if let Some(v) = text("BANK_CONTACT_HOURS", 120)? {
        bank.contact_hours_de = v.clone();
        bank.contact_hours = v;
    }
    if let Some(v) = text("BANK_CONTACT_HOURS_DE", 120)? {
        bank.contact_hours_de = v;
    }
    for (name, field) in [
        ("BANK_IMPRINT_URL", &mut bank.imprint_url),
        ("BANK_PRIVACY_URL", &mut bank.privacy_url),
    ] {
        if let Some(v) = vars.get(name) {
            let url = parse_url(name, &v)?;
            if url.scheme() != "https" && !is_loopback(&url) {
                return Err(invalid(name, "must use https"));
            }
            *field = url.to_string();
        }
    }
    if let Some(v) = text("BANK_LOGO", 200)? {
        // A file the app serves itself: a name under `public/`, nothing that leaves it.
        let file = v.trim_start_matches("public/").trim_start_matches('/');
        let plain = file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        if file.is_empty() || !plain || file.contains("..") {
            return Err(invalid(
                "BANK_LOGO",
                "a file name under public/ (letters, digits, - _ . /)",
            ));
        }
        if !std::path::Path::new("public").join(file).is_file() {
            return Err(invalid(
                "BANK_LOGO",
                format!("public/{file} does not exist"),
            ));
        }
        bank.logo = Some(format!("/public/{file}"));
    }
    Ok(bank)
}
