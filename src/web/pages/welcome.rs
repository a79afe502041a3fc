//! `/`: what the customer will do, what they need, and the start.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::web::app::current_lang;

#[component]
pub fn WelcomePage() -> impl IntoView {
    let t = current_lang().t();
    view! {
        <Title text=t.welcome_title/>
        <h1>{t.welcome_title}</h1>
        <p class="lead">{t.welcome_intro}</p>
        <section aria-labelledby="steps-title">
            <h2 id="steps-title">{t.steps_title}</h2>
            <ol class="steps">{t.steps.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}</ol>
        </section>
        <section aria-labelledby="needs-title">
            <h2 id="needs-title">{t.needs_title}</h2>
            <ul class="needs">{t.needs.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}</ul>
            <p>{t.call_languages}</p>
        </section>
        <form method="post" action="/start" class="actions">
            <button type="submit" class="primary">{t.start}</button>
        </form>
    }
}
