//! While Solaris prepares the identification after the confirmation: the page that waits
//! for it (and says so when Solaris is slow or refused the data).

use axum::extract::Query;
use axum::http::StatusCode;
use leptos::prelude::*;

use super::page::{at, Journey, PageResult};
use super::paths::StepPath;
use crate::db::work::{self, Progress as WorkProgress};
use crate::domain::Step;
use crate::web::render::{self, AutoRefresh, ContactLine, Progress};

pub(crate) async fn preparing_page(
    journey: Journey<at::Preparing>,
    Query(auto): Query<AutoRefresh>,
) -> PageResult {
    let lang = journey.lang;
    let j = lang.t();
    let progress = work::progress(&journey.state.db, &journey.app.id).await?;
    let text = match progress {
        WorkProgress::Working { retrying: true, .. } => j.preparing_slow,
        WorkProgress::Failed { .. } => j.failed_generic,
        _ => j.preparing_text,
    };
    let (done, total) = match progress {
        WorkProgress::Working { done, total, .. } => (done, total),
        _ => (0, 0),
    };
    Ok(render::page(
        lang,
        Step::Preparing.path(),
        j.preparing_title,
        StatusCode::OK,
        auto.every(3),
        view! {
            <Progress lang=lang step=Step::Preparing/>
            <h1>{j.preparing_title}</h1>
            <p role="status">{text}</p>
            {matches!(progress, WorkProgress::Failed { .. }).then(|| view! { <ContactLine lang=lang/> })}
            {(total > 0).then(|| view! { <progress max=total.to_string() value=done.to_string()>{format!("{done}/{total}")}</progress> })}
            <p><a href=Step::Preparing.path()>{j.refresh_now}</a></p>
        },
    ))
}
