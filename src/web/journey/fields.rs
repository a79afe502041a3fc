//! The forms' inputs: each described once (the name it is posted under and its label), the
//! form as the browser sent it, the problems found while parsing it into domain values, and
//! the components that render an input with its label and error.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use leptos::prelude::*;
use serde::Deserialize;

use crate::domain::countries;
use crate::domain::{EmploymentStatus, MaritalStatus};
use crate::html::escape;
use crate::i18n::texts::Texts;
use crate::i18n::Lang;

pub use crate::domain::values::Problem;

impl Problem {
    /// The message shown next to the field, in the page's language.
    pub fn text(self, t: &'static Texts) -> String {
        match self {
            Problem::Required => t.err_required.into(),
            Problem::Choose => t.err_choose.into(),
            Problem::TooLong => t.err_too_long.into(),
            Problem::NameChars => t.err_name_chars.into(),
            Problem::MixedScripts => t.err_mixed_scripts.into(),
            Problem::Date => t.err_date.into(),
            Problem::TooYoung { minimum_age } => {
                t.err_too_young.replace("{age}", &minimum_age.to_string())
            }
            Problem::Future => t.err_future.into(),
            Problem::Country => t.err_country.into(),
            Problem::Mobile => t.err_mobile.into(),
            Problem::Email => t.err_email.into(),
            Problem::PostalCode => t.err_postal_code.into(),
            Problem::Text => t.err_text.into(),
            Problem::Solaris => t.err_solaris.into(),
            Problem::PoaOld => t.err_poa_old.into(),
            Problem::PoaNeeded => t.err_poa_needed.into(),
            Problem::NotSupported => t.document_not_supported.into(),
            Problem::MustAccept => t.must_accept.into(),
        }
    }
}

/// One input of a form: the name it is posted under (Solaris' field name where there is one)
/// and its label. Forms, parsers, error messages and the error summary all take it from here.
#[derive(Clone, Copy)]
pub struct Input {
    pub name: &'static str,
    pub label: fn(&'static Texts) -> &'static str,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl Input {
    /// An `id` usable in HTML for a name like `address[line_1]`.
    pub fn id(&self) -> String {
        self.name
            .replace(['[', ']'], "_")
            .trim_end_matches('_')
            .to_string()
    }
}

/// A form as the browser sent it: every value as typed (surrounding whitespace trimmed: a space
/// pasted after a name is not part of it), by input name, so that a refused form comes back
/// with what the customer typed. A name sent twice makes the form unreadable (a browser never
/// does that; which of the two values would count is anyone's guess).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(try_from = "Vec<(String, String)>")]
pub struct RawForm(HashMap<String, String>);

impl TryFrom<Vec<(String, String)>> for RawForm {
    type Error = String;

    fn try_from(pairs: Vec<(String, String)>) -> Result<RawForm, String> {
        let mut values = HashMap::with_capacity(pairs.len());
        for (name, value) in pairs {
            if values.contains_key(&name) {
                return Err(format!("the field {name:?} was sent twice"));
            }
            let trimmed = value.trim();
            let value = if trimmed.len() == value.len() {
                value
            } else {
                trimmed.to_string()
            };
            values.insert(name, value);
        }
        Ok(RawForm(values))
    }
}

impl RawForm {
    /// The value typed into `input` (empty when it was not sent).
    pub fn get(&self, input: Input) -> &str {
        self.0
            .get(input.name)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn set(&mut self, input: Input, value: impl Into<String>) {
        self.0.insert(input.name.to_string(), value.into());
    }

    /// A form filled with `values`, to show what was saved.
    pub fn with(values: impl IntoIterator<Item = (Input, String)>) -> RawForm {
        RawForm(
            values
                .into_iter()
                .map(|(input, value)| (input.name.to_string(), value))
                .collect(),
        )
    }
}

/// The problems of one form submission, by input.
#[derive(Clone, Debug, Default)]
pub struct Errors(Vec<(Input, Problem)>);

impl Errors {
    pub fn add(&mut self, input: Input, p: Problem) {
        self.0.push((input, p));
    }

    /// The parsed value, or `None` with the problem recorded against `input`.
    pub fn check<T>(&mut self, input: Input, parsed: Result<T, Problem>) -> Option<T> {
        parsed.map_err(|p| self.add(input, p)).ok()
    }

    pub fn get(&self, input: Input) -> Option<Problem> {
        self.0
            .iter()
            .find(|(i, _)| i.name == input.name)
            .map(|(_, p)| *p)
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

/// A value of a select whose options are `options`: one of them, or [`Problem::Choose`].
pub(crate) fn one_of<'a>(
    options: impl IntoIterator<Item = &'a str>,
    raw: &str,
) -> Result<String, Problem> {
    options
        .into_iter()
        .find(|o| *o == raw)
        .map(str::to_string)
        .ok_or(Problem::Choose)
}

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
pub struct Options(Arc<[(String, String)]>);

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
fn countries_by_name(lang: Lang) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = countries::COUNTRIES
        .iter()
        .map(|(c, en, de)| (c.to_string(), lang.pick((en, de)).to_string()))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

/// Options of a select from a static list.
pub(crate) fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

fn described_by(id: &str, error: bool, hint: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The three parts of a date input, named `{name}[day]`, `{name}[month]`, `{name}[year]`.
pub(crate) const DATE_PARTS: [&str; 3] = ["day", "month", "year"];

impl RawForm {
    /// The three parts of the date `input` as typed.
    pub(crate) fn date_parts(&self, input: Input) -> [&str; 3] {
        DATE_PARTS.map(|part| {
            self.0
                .get(&format!("{}[{part}]", input.name))
                .map(String::as_str)
                .unwrap_or_default()
        })
    }

    /// The date `input` as `YYYY-MM-DD` when its parts name a day; empty when nothing was typed;
    /// otherwise what was typed, which no date parser takes.
    pub fn date(&self, input: Input) -> String {
        let [day, month, year] = self.date_parts(input);
        if day.is_empty() && month.is_empty() && year.is_empty() {
            return String::new();
        }
        let number = |s: &str, max_len: usize| {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        match (number(day, 2), number(month, 2), number(year, 4)) {
            (Some(d), Some(m), Some(y)) if year.len() == 4 => format!("{y:04}-{m:02}-{d:02}"),
            _ => format!("{day}.{month}.{year}"),
        }
    }

    /// Puts a stored `YYYY-MM-DD` into the three parts of `input`.
    pub(crate) fn set_date(&mut self, input: Input, date: &str) {
        let mut it = date.splitn(3, '-');
        let (year, month, day) = (
            it.next().unwrap_or_default(),
            it.next().unwrap_or_default(),
            it.next().unwrap_or_default(),
        );
        for (part, value) in DATE_PARTS.iter().zip([day, month, year]) {
            self.0
                .insert(format!("{}[{part}]", input.name), value.to_string());
        }
    }
}

/// A date as three inputs (day, month, year, in the order the page's language writes them), in
/// one fieldset with one message: a date picker follows the browser's locale, not the page's.
#[component]
pub(crate) fn DateField(
    lang: Lang,
    input: Input,
    form: RawForm,
    errors: Errors,
    /// A message of the page's own instead of a [`Problem`] (the resume link's answer).
    #[prop(default = None)]
    message: Option<String>,
) -> impl IntoView {
    let id = input.id();
    let t = lang.t();
    // A page's own message stands alone (no error summary above it): it is announced.
    let alert = message.is_some().then_some("alert");
    let message = message.or_else(|| errors.get(input).map(|p| p.text(t)));
    let invalid = message.is_some();
    let values = form.date_parts(input);
    let parts = DATE_PARTS
        .iter()
        .zip(values)
        .map(|(part, value)| {
            let (label, size, autocomplete) = match *part {
                "day" => (t.resume_day, "2", "bday-day"),
                "month" => (t.resume_month, "2", "bday-month"),
                _ => (t.resume_year, "4", "bday-year"),
            };
            let part_id = format!("{id}_{part}");
            let name = format!("{}[{part}]", input.name);
            let describe = invalid.then(|| format!("{id}-error"));
            view! {
                <div class="date-part">
                    <label for=part_id.clone()>{label}</label>
                    <input type="text" inputmode="numeric" id=part_id name=name value=value.to_string()
                        size=size maxlength=size autocomplete=autocomplete required=true
                        aria-describedby=describe aria-invalid=invalid.then_some("true")/>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field date" class:invalid=invalid id=id.clone() tabindex="-1">
            <legend>{(input.label)(t)}</legend>
            {message.map(|m| view! { <p class="error" id=format!("{id}-error") role=alert>{m}</p> })}
            <div class="date-parts">{parts}</div>
        </fieldset>
    }
}

#[component]
pub(crate) fn TextField(
    lang: Lang,
    input: Input,
    #[prop(into)] value: String,
    errors: Errors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = input.id();
    let problem = errors.get(input);
    let t = lang.t();
    let describe = described_by(&id, problem.is_some(), hint.is_some());
    view! {
        <div class="field" class:invalid=problem.is_some()>
            <label for=id.clone()>{(input.label)(t)}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {problem.map(|p| view! { <p class="error" id=format!("{id}-error")>{p.text(t)}</p> })}
            <input type=kind id=id.clone() name=input.name value=value autocomplete=autocomplete
                aria-describedby=describe aria-invalid=problem.map(|_| "true") required=required/>
        </div>
    }
}

#[component]
pub(crate) fn SelectField(
    lang: Lang,
    input: Input,
    #[prop(into)] options: Options,
    #[prop(into)] selected: String,
    errors: Errors,
    #[prop(optional)] empty_label: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = input.id();
    let problem = errors.get(input);
    let t = lang.t();
    let describe = described_by(&id, problem.is_some(), hint.is_some());
    let empty = empty_label.unwrap_or(t.choose);
    let items = option_list(empty, &options, &selected);
    view! {
        <div class="field" class:invalid=problem.is_some()>
            <label for=id.clone()>{(input.label)(t)}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {problem.map(|p| view! { <p class="error" id=format!("{id}-error")>{p.text(t)}</p> })}
            <select id=id.clone() name=input.name aria-describedby=describe aria-invalid=problem.map(|_| "true") inner_html=items></select>
        </div>
    }
}

/// The `<option>`s of a select, the empty choice first, as HTML: written directly rather than
/// as a view an option, which cost the data pages most of their rendering time. The options
/// are escaped already; so is `selected` here, once (escaping changes no two values alike).
fn option_list(empty: &str, options: &Options, selected: &str) -> String {
    let selected = escape(selected);
    let mut html = String::with_capacity(64 + options.0.len() * 48);
    let mut option = |value: &str, label: &str| {
        html.push_str("<option value=\"");
        html.push_str(value);
        html.push('"');
        if value == selected {
            html.push_str(" selected");
        }
        html.push('>');
        html.push_str(label);
        html.push_str("</option>");
    };
    option("", &escape(empty));
    for (value, label) in options.0.iter() {
        option(value, label);
    }
    html
}

/// The list of problems at the top of a form, announced and linked to the fields.
#[component]
pub(crate) fn ErrorSummary(lang: Lang, errors: Errors) -> impl IntoView {
    let t = lang.t();
    (!errors.is_empty()).then(|| {
        let items = errors
            .0
            .iter()
            .map(|(input, p)| {
                let href = format!("#{}", input.id());
                view! { <li><a href=href>{(input.label)(t)}": "{p.text(t)}</a></li> }
            })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus=true>
                <h2>{t.errors_title}</h2>
                <ul>{items}</ul>
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_escaped_and_the_chosen_one_is_selected() {
        let options = Options::from(vec![
            ("DE".to_string(), "Germany".to_string()),
            ("X\"Y".to_string(), "<Côte & \"Co\">".to_string()),
        ]);
        assert_eq!(
            option_list("Please choose", &options, "DE"),
            "<option value=\"\">Please choose</option><option value=\"DE\" selected>Germany</option>\
             <option value=\"X&quot;Y\">&lt;Côte &amp; &quot;Co&quot;&gt;</option>"
        );
        // Nothing chosen: the empty choice is.
        assert!(
            option_list("–", &options, "").starts_with("<option value=\"\" selected>–</option>")
        );
    }

    #[test]
    fn the_country_list_is_sorted_in_each_language() {
        for lang in [Lang::En, Lang::De] {
            let list = countries_by_name(lang);
            assert!(list.len() > 200);
            assert!(list.windows(2).all(|w| w[0].1 <= w[1].1));
            assert!(list.iter().any(|(code, _)| code == "DE"));
            assert_eq!(country_options(lang).0.len(), list.len());
        }
        assert!(countries_by_name(Lang::De)
            .iter()
            .any(|(_, name)| name == "Deutschland"));
    }
}
