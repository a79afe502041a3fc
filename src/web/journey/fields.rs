//! The components that render a form's input with its label, its hint and its error, and
//! the summary of a refused form's problems.

use leptos::prelude::*;

use super::choices::Options;
use super::form::{Errors, Input, RawForm, DATE_PARTS};
use crate::html::escape;
use crate::i18n::Lang;

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
                    <input type="text" inputmode="numeric" id=part_id name=name value=shown(value)
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

/// A typed value shown again in its input: without control characters (a NUL), which no HTML
/// page may hold; the value was refused, so the customer sees what is left of it to correct.
fn shown(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
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
            <input type=kind id=id.clone() name=input.name value=shown(&value) autocomplete=autocomplete
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
    use crate::web::journey::choices::{countries_by_name, country_options};

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
            assert!(list
                .windows(2)
                .all(|w| super::super::choices::sort_key(&w[0].1)
                    <= super::super::choices::sort_key(&w[1].1)));
            assert!(list.iter().any(|(code, _)| code == "DE"));
            assert_eq!(country_options(lang).0.len(), list.len());
        }
        assert!(countries_by_name(Lang::De)
            .iter()
            .any(|(_, name)| name == "Deutschland"));
    }
}
