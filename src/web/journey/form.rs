//! A posted form as the browser sent it, each input described once (the name it is posted
//! under and its label), and the problems found while parsing it into domain values.

use std::collections::HashMap;

use serde::Deserialize;

use crate::i18n::texts::Texts;

pub(crate) use crate::domain::values::Problem;

impl Problem {
    /// The message shown next to the field, in the page's language.
    pub fn text(self, t: &'static Texts) -> String {
        match self {
            Problem::Required => t.err_required.into(),
            Problem::Choose => t.err_choose.into(),
            Problem::TooLong => t.err_too_long.into(),
            Problem::NameChars => t.err_name_chars.into(),
            Problem::MixedScripts => t.err_mixed_scripts.into(),
            Problem::TooManyMarks => t.err_too_many_marks.into(),
            Problem::Date => t.err_date.into(),
            Problem::TooYoung { minimum_age } => {
                t.err_too_young.replace("{age}", &minimum_age.to_string())
            }
            Problem::Future => t.err_future.into(),
            Problem::Country => t.err_country.into(),
            Problem::Mobile => t.err_mobile.into(),
            Problem::Email => t.err_email.into(),
            Problem::EmailLiteral => t.err_email_literal.into(),
            Problem::EmailDomain => t.err_email_domain.into(),
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
pub struct Errors(pub(super) Vec<(Input, Problem)>);

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
