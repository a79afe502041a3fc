//! The completion page after a successful identification.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::choices::country_name;
use super::page::{at, Journey};
use super::paths::StepPath;
use crate::domain::Step;
use crate::web::render::{self, AutoRefresh, ContactLine, Progress};

pub(crate) async fn complete_page(
    Journey { app, lang, .. }: Journey<at::Complete>,
    Query(auto): Query<AutoRefresh>,
) -> Response {
    let j = lang.t();
    let synced = app.solaris_person.clone().filter(|_| app.person_synced);
    let body = match synced {
        Some(p) => {
            let address = p.address.clone().unwrap_or_default();
            let typed = app.details.person.as_ref();
            let contact = app.details.contact.as_ref();
            // What the customer typed, as text (an erased application has nothing).
            let person_text = |f: fn(&crate::domain::application::PersonDetails) -> String| {
                typed.map(f).unwrap_or_default()
            };
            let contact_text = |f: fn(&crate::domain::application::ContactDetails) -> String| {
                contact.map(f).unwrap_or_default()
            };
            let join = |a: &str, b: &str| format!("{a} {b}").trim().to_string();
            let birth = |d: &str| crate::i18n::dates::long_date_text(lang, d);
            let nationality = |c: &str| country_name(lang, c).to_string();
            // (label, as Solaris holds it, as the customer typed it)
            let rows: Vec<(&'static str, String, String)> = vec![
                (
                    j.first_name,
                    p.first_name.clone().unwrap_or_default(),
                    person_text(|p| p.first_name.to_string()),
                ),
                (
                    j.last_name,
                    p.last_name.clone().unwrap_or_default(),
                    person_text(|p| p.last_name.as_held().to_string()),
                ),
                (
                    j.birth_date,
                    birth(p.birth_date.as_deref().unwrap_or_default()),
                    birth(&person_text(|p| p.birth_date.iso())),
                ),
                (
                    j.birth_city,
                    p.birth_city.clone().unwrap_or_default(),
                    person_text(|p| p.birth_city.to_string()),
                ),
                (
                    j.nationality,
                    nationality(p.nationality.as_deref().unwrap_or_default()),
                    nationality(&person_text(|p| p.nationality.to_string())),
                ),
                (
                    j.street_and_number,
                    join(
                        address.line_1.as_deref().unwrap_or_default(),
                        address.line_2.as_deref().unwrap_or_default(),
                    ),
                    contact_text(|c| format!("{} {}", c.line_1, c.line_2).trim().to_string()),
                ),
                (
                    j.postal_code_and_city,
                    join(
                        address.postal_code.as_deref().unwrap_or_default(),
                        address.city.as_deref().unwrap_or_default(),
                    ),
                    contact_text(|c| format!("{} {}", c.postal_code, c.city).trim().to_string()),
                ),
            ];
            let any_changed = rows.iter().any(|(_, now, before)| now != before);
            let rows = rows
                .into_iter()
                .map(|(label, now, before)| {
                    let changed = now != before;
                    view! {
                        <div class="summary-row" class:changed=changed>
                            <dt>{label}</dt>
                            <dd>
                                {now.clone()}
                                {changed.then(|| view! {
                                    <span class="change">{format!(" ({}: {before} → {now})", j.changed_by_idnow)}</span>
                                })}
                            </dd>
                        </div>
                    }
                })
                .collect_view();
            let bank = render::bank();
            view! {
                <p>{j.complete_text}</p>
                {any_changed.then(|| view! { <p class="hint-box">{j.complete_changed}</p> })}
                <dl class="summary person-data">{rows}</dl>
                <h2>{j.complete_next_title}</h2>
                <ol class="next-steps">
                    <li>{j.complete_next_open.replace("{bank}", &bank.name)}</li>
                    <li>{j.complete_next_mail}</li>
                    <li>{j.complete_next_nothing}</li>
                </ol>
                <p class="note print-hint">{j.complete_print}</p>
                <ContactLine lang=lang/>
            }
            .into_any()
        }
        None => view! { <p role="status">{j.complete_loading}</p> }.into_any(),
    };
    let waiting = !app.person_synced;
    render::page(
        lang,
        Step::Complete.path(),
        j.complete_title,
        StatusCode::OK,
        if waiting { auto.every(3) } else { None },
        view! {
            <Progress lang=lang step=Step::Complete/>
            <h1>{j.complete_title}</h1>
            {body}
        },
    )
}
