//! Renders a journey page: Leptos views to HTML on the server, in the shared layout, with the
//! security headers every page carries.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

use super::i18n::Lang;

/// The header of every page: the bank's name and the language switch.
#[component]
pub fn SiteHeader(lang: Lang, #[prop(into)] switch_href: String) -> impl IntoView {
    let t = lang.t();
    view! {
        <header class="site-header">
            <a class="brand" href="/">{t.bank_name}</a>
            <a class="lang-switch" href=switch_href hreflang=lang.other().code() lang=lang.other().code()>
                {t.switch_language}
            </a>
        </header>
    }
}

/// The steps shown in the progress indicator, and where this page stands.
#[component]
pub fn Progress(lang: Lang, current: usize) -> impl IntoView {
    let t = lang.t();
    let items = t
        .progress_steps
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let state = if i < current {
                "done"
            } else if i == current {
                "current"
            } else {
                "todo"
            };
            let aria = (i == current).then_some("step");
            view! { <li class=state aria-current=aria>{*label}</li> }
        })
        .collect_view();
    view! {
        <nav class="progress" aria-label=t.progress_label>
            <ol>{items}</ol>
        </nav>
    }
}

/// A whole page as an HTML response.
pub fn page(
    lang: Lang,
    path: &str,
    title: &str,
    status: StatusCode,
    refresh: Option<u32>,
    body: impl IntoView + 'static,
) -> Response {
    let switch = format!(
        "{path}{}lang={}",
        if path.contains('?') { "&" } else { "?" },
        lang.other().code()
    );
    let full_title = format!("{title} – {}", lang.t().bank_name);
    let refresh = refresh.map(|s| view! { <meta http-equiv="refresh" content=s.to_string()/> });
    let html = Owner::new().with(move || {
        view! {
            <!DOCTYPE html>
            <html lang=lang.code()>
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    {refresh}
                    <title>{full_title}</title>
                    <link rel="stylesheet" href="/style/main.css"/>
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                </head>
                <body>
                    <SiteHeader lang=lang switch_href=switch/>
                    <main id="main">{body}</main>
                </body>
            </html>
        }
        .to_html()
    });
    let mut res = (status, Html(html)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
