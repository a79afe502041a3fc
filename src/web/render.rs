//! The one shell of every HTML page: Leptos views rendered to a string on the server inside
//! one document with one header (the bank's name, the language switch), the `<main>` the
//! page fills, and one footer. No hydration scripts and nothing after `</html>`: the pages work without
//! JavaScript, and the only script (the return page's live status) is a file the CSP allows.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

use std::sync::Arc;

use crate::config::Bank;
use crate::domain::Step;
use crate::i18n::Lang;

/// The bank of the page being rendered (the demo identity outside a request).
pub fn bank() -> Arc<Bank> {
    BANK.try_with(Arc::clone)
        .unwrap_or_else(|_| Arc::new(Bank::default()))
}

/// The header of every page: the bank's logo and name, and the language switch.
#[component]
pub(crate) fn SiteHeader(lang: Lang, #[prop(into)] switch_href: String) -> impl IntoView {
    let t = lang.t();
    let bank = bank();
    let logo = bank
        .logo
        .clone()
        .map(|src| view! { <img class="logo" src=src alt="" height="32"/> });
    view! {
        <header class="site-header">
            <a class="brand" href="/">{logo}<span>{bank.name.clone()}</span>" "<span class="tagline">{t.bank_name}</span></a>
            <a class="lang-switch" href=switch_href hreflang=lang.other().code() lang=lang.other().code()>
                {t.switch_language}
            </a>
        </header>
    }
}

tokio::task_local! {
    /// Set for each customer request: the app embeds a sandbox that serves beyond loopback
    /// (`SANDBOX=on`), so every page says that this is a test system.
    pub(crate) static TEST_SYSTEM: bool;
    /// Set for the journey's pages: their footer offers to withdraw the application.
    pub(crate) static JOURNEY_PAGE: bool;
    /// Set for each customer request: the bank's identity (`BANK_*`).
    pub(crate) static BANK: Arc<Bank>;
}

/// How to reach the bank: e-mail, phone and hours, wherever a page says "contact us".
#[component]
pub(crate) fn ContactLine(lang: Lang) -> impl IntoView {
    let t = lang.t();
    let bank = bank();
    let mail = format!("mailto:{}", bank.contact_email);
    let tel = format!(
        "tel:{}",
        bank.contact_phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect::<String>()
    );
    view! {
        <p class="contact">
            <span>{t.contact_label}" "</span>
            <a href=mail>{bank.contact_email.clone()}</a>
            " · "
            <a href=tel>{bank.contact_phone.clone()}</a>
            {format!(" ({})", bank.hours(lang == Lang::De))}
        </p>
    }
}

/// The footer of every page: contact, imprint, privacy notice and the legal texts.
#[component]
pub(crate) fn SiteFooter(lang: Lang, withdraw: bool) -> impl IntoView {
    let t = lang.t();
    let bank = bank();
    let legal = [
        (crate::domain::ConsentKind::TermsConditions, t.terms_title),
        (crate::domain::ConsentKind::DataProcessing, t.privacy_title),
    ]
    .map(|(kind, title)| {
        let text = super::legal_text::LegalText::get(kind, lang);
        let href = super::legal_text::download_path(kind, lang);
        let label = format!("{title} ({} {})", t.version, text.short_version());
        view! { <li><a href=href>{label}</a></li> }
    });
    view! {
        <footer class="site-footer">
            {withdraw.then(|| view! { <p><a href="/withdraw">{t.withdraw_link}</a></p> })}
            <ContactLine lang=lang/>
            <ul class="footer-links">
                <li><a href=bank.imprint_url.clone()>{t.imprint}</a></li>
                <li><a href=bank.privacy_url.clone()>{t.privacy_notice}</a></li>
                {legal.into_iter().collect_view()}
            </ul>
            <p>{t.footer_provider}</p>
            {bank.demo.then(|| view! { <p class="note">{t.demo_identity}</p> })}
        </footer>
    }
}

/// The steps shown in the progress indicator, and where this page's step stands.
#[component]
pub fn Progress(lang: Lang, step: Step) -> impl IntoView {
    let t = lang.t();
    let current = step.progress();
    let items = t
        .progress_steps()
        .into_iter()
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
            view! { <li class=state aria-current=aria>{label}</li> }
        })
        .collect_view();
    view! {
        <nav class="progress" aria-label=t.progress_label>
            <ol>{items}</ol>
        </nav>
    }
}

/// `?refresh=off`: the customer stopped the automatic reload.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct AutoRefresh {
    #[serde(default)]
    refresh: Option<String>,
}

impl AutoRefresh {
    /// `seconds`, unless the customer turned the reload off.
    pub fn every(&self, seconds: u32) -> Option<u32> {
        (self.refresh.as_deref() != Some("off")).then_some(seconds)
    }
}

/// How a page that changes on its own reloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reload {
    /// Every `n` seconds (the `Refresh` header): pages without a live stream.
    Always(u32),
    /// Every `n` seconds only without script (`<noscript>`): with script the page follows the
    /// live status stream and never reloads on a timer.
    WithoutScript(u32),
}

/// A whole page as an HTML response; `refresh` reloads it after that many seconds.
pub fn page(
    lang: Lang,
    path: &str,
    title: &str,
    status: StatusCode,
    refresh: Option<u32>,
    body: impl IntoView + 'static,
) -> Response {
    shell(lang, path, title, status, refresh.map(Reload::Always), body)
}

/// A page whose script follows the live status stream: `refresh` reloads it only without
/// script.
pub(crate) fn page_following_status(
    lang: Lang,
    path: &str,
    title: &str,
    status: StatusCode,
    refresh: Option<u32>,
    body: impl IntoView + 'static,
) -> Response {
    shell(
        lang,
        path,
        title,
        status,
        refresh.map(Reload::WithoutScript),
        body,
    )
}

fn shell(
    lang: Lang,
    path: &str,
    title: &str,
    status: StatusCode,
    reload: Option<Reload>,
    body: impl IntoView + 'static,
) -> Response {
    let switch = format!(
        "{path}{}lang={}",
        if path.contains('?') { "&" } else { "?" },
        lang.other().code()
    );
    // A refused form says so first in the title, which screen readers announce on load.
    let full_title = if status == StatusCode::UNPROCESSABLE_ENTITY {
        format!("{} {title} – {}", lang.t().error_prefix, bank().name)
    } else {
        format!("{title} – {}", bank().name)
    };
    let t = lang.t();
    // A page that changes on its own reloads itself; the customer can stop it, as WCAG 2.2.1
    // asks of anything that changes on a timer. A page following the live stream reloads so
    // only without script (in `<noscript>`).
    let path_only = path.split('?').next().unwrap_or(path).to_string();
    let note = |s: u32| {
        let stop = format!("{path_only}?refresh=off");
        view! {
            <p class="note auto-refresh">
                {format!("{} ({s} s) ", t.status_refresh_note)}
                <a href=stop>{t.stop_updates}</a>
            </p>
        }
    };
    let auto = reload.map(|r| match r {
        Reload::Always(s) => note(s).into_any(),
        Reload::WithoutScript(s) => view! { <noscript>{note(s)}</noscript> }.into_any(),
    });
    let refresh_meta = match reload {
        Some(Reload::WithoutScript(s)) => {
            let content = s.to_string();
            Some(view! { <noscript><meta http-equiv="refresh" content=content/></noscript> })
        }
        _ => None,
    };
    let test_system = TEST_SYSTEM.try_with(|on| *on).unwrap_or(false);
    let withdraw = JOURNEY_PAGE.try_with(|on| *on).unwrap_or(false) && path != "/withdraw";
    let header = view! {
        {test_system.then(|| view! { <p class="test-system" role="note">{lang.t().test_system}</p> })}
        <SiteHeader lang=lang switch_href=switch/>
    };
    let mut res = document(
        lang,
        full_title,
        status,
        refresh_meta,
        header,
        view! { {body}{auto} },
        view! { <SiteFooter lang=lang withdraw=withdraw/> },
    );
    if let Some(Reload::Always(s)) = reload {
        res.headers_mut()
            .insert(header::REFRESH, HeaderValue::from(s));
    }
    res
}

/// The document every HTML page shares (the customer's and the back office's): `head` adds to
/// the `<head>`, `header`, `main` and `footer` fill the body. Never cached.
pub fn document(
    lang: Lang,
    full_title: String,
    status: StatusCode,
    head: impl IntoView + 'static,
    header: impl IntoView + 'static,
    main: impl IntoView + 'static,
    footer: impl IntoView + 'static,
) -> Response {
    let html = Owner::new().with(move || {
        view! {
            <!DOCTYPE html>
            <html lang=lang.code()>
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <title>{full_title}</title>
                    <link rel="stylesheet" href=super::assets::style_href()/>
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                    {head}
                </head>
                <body>
                    {header}
                    <main id="main">{main}</main>
                    {footer}
                </body>
            </html>
        }
        .to_html()
    });
    let html = without_list_markers(html);
    let mut res = (status, Html(html)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Leptos ends every rendered list with a `<!>` marker for hydration, which these pages never
/// do (the Nu HTML checker calls it a bogus comment). Text and attribute values are escaped
/// (`<` becomes `&lt;`), so a literal `<!>` can only be such a marker. A SIMD search and one
/// copy: `str::replace` searched byte by byte and cost the pages measurable throughput.
fn without_list_markers(html: String) -> String {
    let mut markers = memchr::memmem::find_iter(html.as_bytes(), b"<!>").peekable();
    if markers.peek().is_none() {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for at in markers {
        // `at` is the position of an ASCII `<`, so always a character boundary.
        out.push_str(&html[from..at]);
        from = at + 3;
    }
    out.push_str(&html[from..]);
    out
}

/// Storage did not answer: the calm page of every customer page, in the customer's language.
pub fn unavailable(lang: Lang, path: &str) -> Response {
    let t = lang.t();
    let path = path.to_string();
    page(
        lang,
        &path,
        t.unavailable_title,
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        view! {
            <h1>{t.unavailable_title}</h1>
            <p role="alert">{t.unavailable_text}</p>
            <p><a href=path.clone()>{t.refresh_now}</a></p>
        },
    )
}

#[cfg(test)]
mod tests {
    use super::without_list_markers;

    #[test]
    fn list_markers_go_and_everything_else_stays() {
        assert_eq!(
            without_list_markers("<ol><li>ä</li><!></ol><p>&lt;!&gt;</p><!>".into()),
            "<ol><li>ä</li></ol><p>&lt;!&gt;</p>"
        );
        assert_eq!(without_list_markers("<p>none</p>".into()), "<p>none</p>");
    }
}
