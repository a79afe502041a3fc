//! The Leptos application: the HTML shell and the routes of the journey.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use super::i18n::Lang;
use super::pages::welcome::WelcomePage;

/// The language of the current request, set by the language middleware.
pub fn current_lang() -> Lang {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Lang>().copied())
        .unwrap_or_default()
}

/// The document around every page. No hydration scripts: the pages work without JavaScript.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/style/main.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = current_lang();
    let t = lang.t();
    view! {
        <Html {..} lang=lang.code()/>
        <header class="site-header">
            <a class="brand" href="/">{t.bank_name}</a>
            <a class="lang-switch" href=format!("?lang={}", lang.other().code()) hreflang=lang.other().code()>
                {t.switch_language}
            </a>
        </header>
        <Router>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=WelcomePage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let t = current_lang().t();
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t.not_found_title/>
        <h1>{t.not_found_title}</h1>
        <p>{t.not_found_text}</p>
        <p><a href="/">{t.back_home}</a></p>
    }
}
