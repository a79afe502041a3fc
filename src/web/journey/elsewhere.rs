//! Going on with the video call on another device: the link mailed to the customer, and the
//! QR code that carries it.

use super::paths::StepPath;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect};
use leptos::prelude::*;
use serde::Deserialize;

use super::page::{Csrf, Journey, PageResult};
use super::state::JourneyState;
use crate::db::mail::{self as store, Purpose};
use crate::domain::Application;
use crate::i18n::Lang;

#[derive(Debug, Deserialize)]
pub(crate) struct Mailed {
    mailed: Option<String>,
}

/// What the "continue on your phone" box says after the mail button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeviceMail {
    NotAsked,
    Sent,
    Limit,
}

impl Mailed {
    pub fn state(&self) -> DeviceMail {
        match self.mailed.as_deref() {
            Some("1") => DeviceMail::Sent,
            Some("limit") => DeviceMail::Limit,
            _ => DeviceMail::NotAsked,
        }
    }
}

/// Query of the pages with the box.
pub(crate) type MailedQuery = Query<Mailed>;

/// A fresh link for another device, working for an hour, as a URL.
pub(crate) async fn device_link(
    state: &JourneyState,
    app: &Application,
) -> Result<String, super::page::PageError> {
    let issued = state.links.issue(Purpose::Device);
    store::store_link(&state.db, &app.id, Purpose::Device, &issued.hash).await?;
    Ok(state.links.resume_url(&issued.token))
}

/// `POST /continue-elsewhere`: the link for another device by mail, back to the page.
pub(crate) async fn mail_device_link(j: Journey<super::page::at::AnyStep>) -> PageResult {
    let step = crate::db::applications::current_step(&j.state.db, &j.app).await?;
    if !matches!(
        step,
        crate::domain::Step::Checklist | crate::domain::Step::Redirect
    ) {
        return Ok(Redirect::to(step.path()).into_response());
    }
    let sent = store::request_device_mail(&j.state.db, &j.app.id).await?;
    tracing::info!(application_id = %j.app.id, sent, "link for another device asked by mail");
    let flag = if sent { "1" } else { "limit" };
    Ok(Redirect::to(&format!("{}?mailed={flag}#elsewhere", step.path())).into_response())
}

/// The box on the checklist and redirect pages: the QR code, the link, the mail button, and the
/// live status that moves this page on when the phone starts the identification.
pub(crate) fn elsewhere_view(
    lang: Lang,
    link: String,
    csrf: String,
    mailed: DeviceMail,
    status: &str,
) -> impl IntoView {
    let t = lang.t();
    let qr = qr_svg(&link);
    let note = match mailed {
        DeviceMail::NotAsked => None,
        DeviceMail::Sent => Some(t.elsewhere_mailed),
        DeviceMail::Limit => Some(t.elsewhere_mail_limit),
    };
    view! {
        <section class="elsewhere" id="elsewhere" aria-labelledby="elsewhere-title" data-status=status.to_string()>
            <h2 id="elsewhere-title">{t.elsewhere_title}</h2>
            <p>{t.elsewhere_text}</p>
            <div class="qr" role="img" aria-label=t.elsewhere_qr_label inner_html=qr></div>
            <p class="link-text"><span class="visually-hidden">{t.elsewhere_link}": "</span><code>{link}</code></p>
            {note.map(|n| view! { <p role="status">{n}</p> })}
            <form method="post" action="/continue-elsewhere">
                <Csrf token=csrf/>
                <button type="submit" class="secondary">{t.elsewhere_mail}</button>
            </form>
            <script src=crate::web::assets::status_script_src() defer=true></script>
        </section>
    }
}

/// The link as a QR code in SVG, drawn on the server: one square per dark module, with the
/// quiet zone of four modules the standard asks for.
pub(crate) fn qr_svg(link: &str) -> String {
    use qrcode::{Color, EcLevel, QrCode};
    let Ok(code) = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::with_capacity(width * width * 8);
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\" aria-hidden=\"true\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>",
        px = size * 4
    )
}
