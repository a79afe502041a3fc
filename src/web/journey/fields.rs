//! The data forms' fields: raw form values, their parsing into validated details (parse,
//! don't validate), and the components that render a field with its label and error.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use validator::ValidateEmail;

use crate::domain::countries;
use crate::web::i18n::Lang;
use crate::web::texts::Texts;

/// Why a field was refused; each has a text in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    Choose,
    TooLong,
    Spaces,
    NameChars,
    Date,
    TooYoung,
    Future,
    Country,
    Mobile,
    Email,
    PostalCode,
    Text,
    Solaris,
    PoaOld,
    PoaNeeded,
    NotSupported,
    MustAccept,
}

impl Problem {
    pub fn text(self, j: &'static Texts) -> &'static str {
        match self {
            Problem::Required => j.err_required,
            Problem::Choose => j.err_choose,
            Problem::TooLong => j.err_too_long,
            Problem::Spaces => j.err_spaces,
            Problem::NameChars => j.err_name_chars,
            Problem::Date => j.err_date,
            Problem::TooYoung => j.err_too_young,
            Problem::Future => j.err_future,
            Problem::Country => j.err_country,
            Problem::Mobile => j.err_mobile,
            Problem::Email => j.err_email,
            Problem::PostalCode => j.err_postal_code,
            Problem::Text => j.err_text,
            Problem::Solaris => j.err_solaris,
            Problem::PoaOld => j.err_poa_old,
            Problem::PoaNeeded => j.err_poa_needed,
            Problem::NotSupported => j.document_not_supported,
            Problem::MustAccept => j.must_accept,
        }
    }
}

/// Field errors of one form submission, by input name.
#[derive(Clone, Debug, Default)]
pub struct Errors(pub Vec<(&'static str, Problem)>);

impl Errors {
    pub fn add(&mut self, field: &'static str, p: Problem) {
        self.0.push((field, p));
    }
    /// The parsed value, or an empty one with the problem recorded against `field`.
    pub fn take(&mut self, field: &'static str, parsed: Result<String, Problem>) -> String {
        parsed.unwrap_or_else(|p| {
            self.add(field, p);
            String::new()
        })
    }
    pub fn get(&self, field: &str) -> Option<Problem> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| *p)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The page's status: 422 when a field is refused, so the form comes back with its values.
    pub fn status(&self) -> axum::http::StatusCode {
        if self.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

/// A person's name as the guide wants it: as on the ID, at most 50 characters, letters of
/// every European language, spaces, hyphens, apostrophes and dots; nothing else.
pub fn parse_name(raw: &str) -> Result<String, Problem> {
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    if raw.trim() != raw {
        return Err(Problem::Spaces);
    }
    if raw.chars().count() > 50 {
        return Err(Problem::TooLong);
    }
    let ok = |c: char| {
        c.is_alphabetic()
            || matches!(c, ' ' | '-' | '\'' | '’' | '.')
            || ('\u{0300}'..='\u{036F}').contains(&c)
    };
    if !raw.chars().all(ok) || !raw.chars().any(char::is_alphabetic) {
        return Err(Problem::NameChars);
    }
    Ok(raw.to_string())
}

/// Free text such as a city or a street: required, no surrounding spaces, at most `max`.
pub fn parse_text(raw: &str, max: usize) -> Result<String, Problem> {
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    if raw.trim() != raw {
        return Err(Problem::Spaces);
    }
    if raw.chars().count() > max || raw.chars().any(char::is_control) {
        return Err(Problem::Text);
    }
    Ok(raw.to_string())
}

pub fn parse_country(raw: &str) -> Result<String, Problem> {
    match raw {
        "" => Err(Problem::Choose),
        c if countries::is_country(c) => Ok(c.to_string()),
        _ => Err(Problem::Country),
    }
}

/// A birth date `YYYY-MM-DD` of someone at least `minimum_age` years old on `today`.
pub fn parse_birth_date(
    raw: &str,
    today: NaiveDate,
    minimum_age: u32,
) -> Result<NaiveDate, Problem> {
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| Problem::Date)?;
    if date > today {
        return Err(Problem::Future);
    }
    if date.year() < 1900 {
        return Err(Problem::Date);
    }
    let mut age = today.year() - date.year();
    if (today.month(), today.day()) < (date.month(), date.day()) {
        age -= 1;
    }
    if age < minimum_age as i32 {
        return Err(Problem::TooYoung);
    }
    Ok(date)
}

/// A mobile number in E.164. National German numbers (`0151 …`) get `+49`; `00` becomes `+`.
pub fn parse_mobile(raw: &str) -> Result<String, Problem> {
    if raw.trim().is_empty() {
        return Err(Problem::Required);
    }
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '/' | '(' | ')' | '.'))
        .collect();
    let e164 = if let Some(rest) = compact.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(rest) = compact.strip_prefix('0') {
        format!("+49{rest}")
    } else {
        compact
    };
    let digits = e164.strip_prefix('+').ok_or(Problem::Mobile)?;
    let valid = (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    // German mobile numbers start with 15, 16 or 17 after the country code.
    let german_landline = digits.starts_with("49")
        && !matches!(digits.get(2..4), Some(p) if p.starts_with("15") || p.starts_with("16") || p.starts_with("17"));
    if !valid || german_landline {
        return Err(Problem::Mobile);
    }
    Ok(e164)
}

pub fn parse_email(raw: &str) -> Result<String, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if !s.validate_email() || s.len() > 254 {
        return Err(Problem::Email);
    }
    Ok(s.to_string())
}

pub fn parse_postal_code(raw: &str, country: &str) -> Result<String, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Problem::Required);
    }
    let ok = if country == "DE" {
        s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit())
    } else {
        (2..=10).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    };
    if ok {
        Ok(s.to_string())
    } else if country == "DE" {
        Err(Problem::PostalCode)
    } else {
        Err(Problem::Text)
    }
}

/// Academic titles offered, with the Solaris enum value.
pub const TITLES: &[(&str, &str)] = &[
    ("DR", "Dr."),
    ("PROF", "Prof."),
    ("PROF_DR", "Prof. Dr."),
    ("DR_DR", "Dr. Dr."),
    ("DIPL_ING", "Dipl.-Ing."),
    ("MAG", "Mag."),
];

/// German states (ISO 3166-2 without the `DE-` prefix).
pub const GERMAN_STATES: &[(&str, &str)] = &[
    ("BW", "Baden-Württemberg"),
    ("BY", "Bayern"),
    ("BE", "Berlin"),
    ("BB", "Brandenburg"),
    ("HB", "Bremen"),
    ("HH", "Hamburg"),
    ("HE", "Hessen"),
    ("MV", "Mecklenburg-Vorpommern"),
    ("NI", "Niedersachsen"),
    ("NW", "Nordrhein-Westfalen"),
    ("RP", "Rheinland-Pfalz"),
    ("SL", "Saarland"),
    ("SN", "Sachsen"),
    ("ST", "Sachsen-Anhalt"),
    ("SH", "Schleswig-Holstein"),
    ("TH", "Thüringen"),
];

/// Employment statuses with their labels.
pub fn employment_statuses(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let de = lang == Lang::De;
    vec![
        ("EMPLOYED", if de { "Angestellt" } else { "Employed" }),
        (
            "SELF_EMPLOYED",
            if de {
                "Selbstständig"
            } else {
                "Self-employed"
            },
        ),
        (
            "FREELANCER",
            if de { "Freiberuflich" } else { "Freelancer" },
        ),
        (
            "PUBLIC_SECTOR_EMPLOYEE",
            if de {
                "Beamtet / öffentlicher Dienst"
            } else {
                "Public sector employee"
            },
        ),
        (
            "MANAGEMENT",
            if de {
                "Geschäftsführung"
            } else {
                "Management"
            },
        ),
        (
            "PROFESSIONAL_SOLDIER",
            if de {
                "Berufssoldat/in"
            } else {
                "Professional soldier"
            },
        ),
        (
            "MILITARY_OR_COMMUNITY_SERVICE",
            if de {
                "Wehr- oder Freiwilligendienst"
            } else {
                "Military or community service"
            },
        ),
        (
            "APPRENTICE",
            if de { "Auszubildende/r" } else { "Apprentice" },
        ),
        ("STUDENT", if de { "Studierende/r" } else { "Student" }),
        (
            "HOUSEWORK",
            if de {
                "Hausfrau / Hausmann"
            } else {
                "Homemaker"
            },
        ),
        (
            "UNEMPLOYED",
            if de { "Arbeitssuchend" } else { "Unemployed" },
        ),
        ("RETIRED", if de { "Im Ruhestand" } else { "Retired" }),
    ]
}

/// Countries as `(code, name)` sorted by their name in the page's language.
pub fn country_options(lang: Lang) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = countries::COUNTRIES
        .iter()
        .map(|(c, en, de)| {
            (
                c.to_string(),
                if lang == Lang::De { de } else { en }.to_string(),
            )
        })
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

/// Options of a select from a static list.
pub fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

fn described_by(name: &str, error: bool, hint: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{name}-hint"));
    }
    if error {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// An `id` usable in HTML for an input name like `address[line_1]`.
pub fn field_id(name: &str) -> String {
    name.replace(['[', ']'], "_")
        .trim_end_matches('_')
        .to_string()
}

#[component]
pub fn TextField(
    lang: Lang,
    name: &'static str,
    label: &'static str,
    value: String,
    errors: Errors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = field_id(name);
    let problem = errors.get(name);
    let j = lang.t();
    let describe = described_by(&id, problem.is_some(), hint.is_some());
    view! {
        <div class="field" class:invalid=problem.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {problem.map(|p| view! { <p class="error" id=format!("{id}-error")>{p.text(j)}</p> })}
            <input type=kind id=id.clone() name=name value=value autocomplete=autocomplete
                aria-describedby=describe aria-invalid=problem.map(|_| "true") required=required/>
        </div>
    }
}

#[component]
pub fn SelectField(
    lang: Lang,
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: String,
    errors: Errors,
    #[prop(optional)] empty_label: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = field_id(name);
    let problem = errors.get(name);
    let j = lang.t();
    let describe = described_by(&id, problem.is_some(), hint.is_some());
    let empty = empty_label.unwrap_or(j.choose);
    let items = options
        .into_iter()
        .map(|(value, text)| {
            let is = value == selected;
            let text = text.clone();
            view! { <option value=value selected=is>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:invalid=problem.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {problem.map(|p| view! { <p class="error" id=format!("{id}-error")>{p.text(j)}</p> })}
            <select id=id.clone() name=name aria-describedby=describe aria-invalid=problem.map(|_| "true")>
                <option value="" selected=selected.is_empty()>{empty}</option>
                {items}
            </select>
        </div>
    }
}

/// The list of problems at the top of a form, announced and linked to the fields.
#[component]
pub fn ErrorSummary(
    lang: Lang,
    errors: Errors,
    labels: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let j = lang.t();
    (!errors.is_empty()).then(|| {
        let items = errors
            .0
            .iter()
            .map(|(field, p)| {
                let label = labels
                    .iter()
                    .find(|(n, _)| n == field)
                    .map(|(_, l)| *l)
                    .unwrap_or(field);
                let href = format!("#{}", field_id(field));
                view! { <li><a href=href>{label}": "{p.text(j)}</a></li> }
            })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1">
                <h2>{j.errors_title}</h2>
                <ul>{items}</ul>
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_european_languages_pass() {
        for n in [
            "Zoë",
            "Łukasz",
            "O'Polo",
            "Müller-Lüdenscheidt",
            "Anna Maria",
            "X-AUTOTEST-HAPPYPATH",
        ] {
            assert_eq!(parse_name(n), Ok(n.to_string()));
        }
        assert_eq!(parse_name(" Anna"), Err(Problem::Spaces));
        assert_eq!(parse_name("Anna😀"), Err(Problem::NameChars));
        assert_eq!(parse_name("Anna#"), Err(Problem::NameChars));
        assert_eq!(parse_name(&"a".repeat(51)), Err(Problem::TooLong));
        assert_eq!(parse_name(""), Err(Problem::Required));
    }

    #[test]
    fn birth_dates_must_be_real_and_of_adults() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(parse_birth_date("2008-11-25", today, 18).is_ok());
        assert_eq!(
            parse_birth_date("2008-11-26", today, 18),
            Err(Problem::TooYoung)
        );
        assert_eq!(
            parse_birth_date("1990-02-30", today, 18),
            Err(Problem::Date)
        );
        assert_eq!(
            parse_birth_date("2030-01-01", today, 18),
            Err(Problem::Future)
        );
    }

    #[test]
    fn mobile_numbers_become_e164() {
        assert_eq!(
            parse_mobile("0151 2345 6789").as_deref(),
            Ok("+4915123456789")
        );
        assert_eq!(
            parse_mobile("+49 (151) 23456789").as_deref(),
            Ok("+4915123456789")
        );
        assert_eq!(
            parse_mobile("0043 664 1234567").as_deref(),
            Ok("+436641234567")
        );
        assert_eq!(parse_mobile("030 1234567"), Err(Problem::Mobile));
        assert_eq!(parse_mobile("12345"), Err(Problem::Mobile));
    }

    #[test]
    fn german_postal_codes_have_five_digits() {
        assert!(parse_postal_code("10115", "DE").is_ok());
        assert_eq!(parse_postal_code("1011", "DE"), Err(Problem::PostalCode));
        assert!(parse_postal_code("1010", "AT").is_ok());
    }
}
