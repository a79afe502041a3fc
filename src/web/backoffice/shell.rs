//! The back office's shell: the header with the staff member and the sign-out, the page
//! around every back-office view, the CSRF input, and moments in Berlin time.

use super::session::Staff;
use crate::db::staff::Role;
use crate::i18n::Lang;
use crate::web::render;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

/// The hidden CSRF input of every signed-in form.
#[component]
pub(crate) fn Csrf(token: String) -> impl IntoView {
    view! { <input type="hidden" name="_csrf" value=token/> }
}

/// The back office's header: the bank, the navigation for a signed-in staff member, the
/// language switch and the sign-out button.
#[component]
fn OfficeHeader(lang: Lang, switch_href: String, staff: Option<(String, String)>) -> impl IntoView {
    let t = lang.staff();
    let bank = render::bank();
    let nav = staff.map(|(csrf, role)| {
        let audit = (role == Role::Admin.as_str())
            .then(|| view! { <li><a href="/backoffice/audit">{t.nav_audit}</a></li> });
        view! {
            <nav class="office-nav" aria-label=t.nav_label>
                <ul>
                    <li><a href="/backoffice/applications">{t.nav_applications}</a></li>
                    <li><a href="/backoffice/attention">{t.nav_attention}</a></li>
                    {audit}
                    <li>
                        <form method="post" action="/backoffice/logout">
                            <Csrf token=csrf/>
                            <button type="submit" class="link-button">{t.sign_out}</button>
                        </form>
                    </li>
                </ul>
            </nav>
        }
    });
    view! {
        <header class="site-header office-header">
            <a class="brand" href="/backoffice/applications"><span>{bank.name.clone()}</span><span class="tagline">{t.back_office}</span></a>
            {nav}
            <a class="lang-switch" href=switch_href hreflang=lang.other().code() lang=lang.other().code()>
                {lang.t().switch_language}
            </a>
        </header>
    }
}

/// A whole back-office page.
pub fn page(
    staff: Option<&Staff>,
    lang: Lang,
    path: &str,
    title: &str,
    status: StatusCode,
    body: impl IntoView + 'static,
) -> Response {
    let switch = format!(
        "{path}{}lang={}",
        if path.contains('?') { "&" } else { "?" },
        lang.other().code()
    );
    let t = lang.staff();
    let full_title = if status == StatusCode::UNPROCESSABLE_ENTITY {
        format!("{} {title} – {}", lang.t().error_prefix, t.back_office)
    } else {
        format!("{title} – {}", t.back_office)
    };
    let who = staff.map(|s| {
        let role = match s.account.role {
            Role::Admin => t.role_admin,
            Role::Reviewer => t.role_reviewer,
            Role::Viewer => t.role_viewer,
        };
        format!("{} {} ({role})", t.signed_in_as, s.account.email)
    });
    let header_staff = staff.map(|s| (s.csrf.clone(), s.account.role.as_str().to_string()));
    render::document(
        lang,
        full_title,
        status,
        (),
        view! { <OfficeHeader lang=lang switch_href=switch staff=header_staff/> },
        body,
        view! { <footer class="site-footer">{who.map(|w| view! { <p>{w}</p> })}</footer> },
    )
}

/// A moment for a staff member: Berlin time in the page's language, with the UTC second.
pub fn moment(lang: Lang, ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| crate::i18n::dates::moment(lang, t))
        .unwrap_or_default()
}
