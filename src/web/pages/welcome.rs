//! `/`: what the customer will do, what they need, and the start.

use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::web::render;

pub(crate) async fn welcome_page(Extension(lang): Extension<Lang>) -> Response {
    let t = lang.t();
    render::page(
        lang,
        "/",
        t.welcome_title,
        StatusCode::OK,
        None,
        view! {
            <h1>{t.welcome_title}</h1>
            <p class="lead">{t.welcome_intro}</p>
            <section aria-labelledby="steps-title">
                <h2 id="steps-title">{t.steps_title}</h2>
                <ol class="steps">{t.steps().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
            </section>
            <section aria-labelledby="needs-title">
                <h2 id="needs-title">{t.needs_title}</h2>
                <ul class="needs">{t.needs().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                <p>{t.call_languages}</p>
            </section>
            <form method="post" action="/start" class="actions">
                <button type="submit" class="primary">{t.start}</button>
            </form>
        },
    )
}
