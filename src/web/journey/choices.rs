//! The closed lists the data screens choose from (titles, German states, employment and
//! marital statuses, countries), with their words in both languages.

use std::sync::{Arc, OnceLock};

use crate::domain::countries;
use crate::domain::{EmploymentStatus, MaritalStatus};
use crate::html::escape;
use crate::i18n::Lang;

/// Academic titles offered, with the Solaris enum value.
pub(crate) const TITLES: &[(&str, &str)] = &[
    ("DR", "Dr."),
    ("PROF", "Prof."),
    ("PROF_DR", "Prof. Dr."),
    ("DR_DR", "Dr. Dr."),
    ("DIPL_ING", "Dipl.-Ing."),
    ("MAG", "Mag."),
];

/// German states (ISO 3166-2 without the `DE-` prefix).
pub(crate) const GERMAN_STATES: &[(&str, &str)] = &[
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

/// Employment statuses, in Solaris' order, with their labels `(English, German)`.
pub(crate) fn employment_label(status: &EmploymentStatus) -> (&'static str, &'static str) {
    match status {
        EmploymentStatus::Employed => ("Employed", "Angestellt"),
        EmploymentStatus::Unemployed => ("Unemployed", "Arbeitssuchend"),
        EmploymentStatus::PublicSectorEmployee => {
            ("Public sector employee", "Beamtet / öffentlicher Dienst")
        }
        EmploymentStatus::ProfessionalSoldier => ("Professional soldier", "Berufssoldat/in"),
        EmploymentStatus::Freelancer => ("Freelancer", "Freiberuflich"),
        EmploymentStatus::Housework => ("Homemaker", "Hausfrau / Hausmann"),
        EmploymentStatus::Apprentice => ("Apprentice", "Auszubildende/r"),
        EmploymentStatus::Management => ("Management", "Geschäftsführung"),
        EmploymentStatus::Retired => ("Retired", "Im Ruhestand"),
        EmploymentStatus::Student => ("Student", "Studierende/r"),
        EmploymentStatus::SelfEmployed => ("Self-employed", "Selbstständig"),
        EmploymentStatus::MilitaryOrCommunityService => (
            "Military or community service",
            "Wehr- oder Freiwilligendienst",
        ),
        EmploymentStatus::Other(_) => ("", ""),
    }
}

/// A marital status in English and German.
pub(crate) fn marital_label(status: &MaritalStatus) -> (&'static str, &'static str) {
    match status {
        MaritalStatus::Single => ("Single", "Ledig"),
        MaritalStatus::Married => (
            "Married or in a civil partnership",
            "Verheiratet oder eingetragene Lebenspartnerschaft",
        ),
        MaritalStatus::Divorced => ("Divorced", "Geschieden"),
        MaritalStatus::Unknown => (
            "Other (for example widowed) or not stated",
            "Anderer (zum Beispiel verwitwet) oder keine Angabe",
        ),
        MaritalStatus::Other(_) => ("", ""),
    }
}

/// The marital status options of the page's language.
pub(crate) fn marital_options(lang: Lang) -> Vec<(String, String)> {
    MaritalStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                lang.pick(marital_label(s)).to_string(),
            )
        })
        .collect()
}

/// The employment status options of the page's language.
pub(crate) fn employment_options(lang: Lang) -> Vec<(String, String)> {
    EmploymentStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                lang.pick(employment_label(s)).to_string(),
            )
        })
        .collect()
}

/// A country's name in the page's language (the code itself for a code we do not list).
pub(crate) fn country_name(lang: Lang, code: &str) -> String {
    countries::names(code)
        .map(|names| lang.pick(names).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// The options of a select: `(value, label)`, each escaped for HTML once, and shared (the
/// country list is built once a language): escaping some 250 countries for each of a page's
/// selects was a third of a refused contact form's cost.
#[derive(Clone, Debug)]
pub struct Options(pub(super) Arc<[(String, String)]>);

impl From<Vec<(String, String)>> for Options {
    /// From `(value, label)` as they read.
    fn from(list: Vec<(String, String)>) -> Options {
        Options(list.iter().map(|(v, l)| (escape(v), escape(l))).collect())
    }
}

/// Countries as `(code, name)` sorted by their name in the page's language. Sorted once a
/// language: four selects of some 250 countries each made the data pages' largest cost.
pub(crate) fn country_options(lang: Lang) -> Options {
    static SORTED: [OnceLock<Options>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = match lang {
        Lang::En => &SORTED[0],
        Lang::De => &SORTED[1],
    };
    slot.get_or_init(|| Options::from(countries_by_name(lang)))
        .clone()
}

/// Countries as `(code, name)` sorted by their name in `lang`.
pub(crate) fn countries_by_name(lang: Lang) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = countries::COUNTRIES
        .iter()
        .map(|(c, en, de)| (c.to_string(), lang.pick((en, de)).to_string()))
        .collect();
    list.sort_by_cached_key(|(_, name)| sort_key(name));
    list
}

/// A name as a reader sorts it: without accents and case, `ß` as `ss` ("Österreich" with the
/// O's, "Åland" with the A's), then the name itself, so that the order is total.
pub(crate) fn sort_key(name: &str) -> (String, String) {
    use unicode_normalization::UnicodeNormalization;
    let folded = name
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .replace('ß', "ss");
    (folded, name.to_string())
}

/// Options of a select from a static list.
pub(crate) fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}
