//! One application, as one page: who, where it stands, the data as typed and as Solaris
//! holds it, the evidence, the work, the webhook deliveries, the timeline and the actions.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use super::case_data::{load, Loaded};
use super::case_views::{
    actions_view, consents_table, deliveries_view, evidence_view, timeline_view, work_view,
};
use super::{moment, page, OfficeResult, Staff};
use crate::db::history;
use crate::db::staff::Role;
use crate::domain::IdentificationStatus;
use crate::domain::Stage;
use crate::i18n::staff::{self as texts, StaffTexts};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// A JSON object flattened to `(path, value)` lines (`address.city`), for a definition list.
pub(super) fn flattened(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flattened(&key, v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

pub(super) fn data_list(t: &'static StaffTexts, value: Option<Value>) -> AnyView {
    let mut lines = Vec::new();
    if let Some(v) = &value {
        flattened("", v, &mut lines);
    }
    if lines.is_empty() {
        return view! { <p>{t.none}</p> }.into_any();
    }
    let items = lines
        .into_iter()
        .map(|(k, v)| view! { <dt><code>{k}</code></dt><dd>{v}</dd> })
        .collect_view();
    view! { <dl class="data-list">{items}</dl> }.into_any()
}

pub async fn one(staff: Staff, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> OfficeResult {
    // Recorded before the answer: a look for an id that does not exist is a look too.
    staff.audit("view_application", Some(&id), None).await?;
    let loaded = load(&staff, &id).await?;
    Ok(detail_view(&staff, &id, loaded, &q.done, None, ""))
}

pub(super) fn detail_view(
    staff: &Staff,
    id: &str,
    l: Loaded,
    done: &str,
    erase_problem: Option<&'static str>,
    erase_reason: &str,
) -> Response {
    let lang = staff.lang;
    let t = lang.staff();
    let r = &l.record;
    let status = r
        .identification_status
        .as_deref()
        .map(IdentificationStatus::parse);
    let stage = Stage::of(
        r.erased_at.is_some(),
        r.withdrawn_at.is_some(),
        status.as_ref(),
        r.submitted_at.is_some(),
    );
    let done_text = match done {
        "retry" => Some(t.done_retry),
        "replay" => Some(t.done_replay),
        "read" => Some(t.done_read),
        "erase" => Some(t.done_erase),
        "nothing" => Some(t.nothing_done),
        _ => None,
    };
    let when = |ms: Option<i64>| ms.map(|ms| moment(lang, ms)).unwrap_or_else(|| "–".into());
    let summary = view! {
        <dl class="data-list">
            <dt>{t.application_id}</dt><dd><code>{r.id.clone()}</code></dd>
            <dt>{t.step}</dt><dd>{texts::stage(lang, stage)}</dd>
            <dt>{t.status}</dt><dd>{r.identification_status.clone().unwrap_or_else(|| "–".into())}</dd>
            <dt>{t.failure_reason}</dt><dd>{r.failure_reason.clone().unwrap_or_else(|| "–".into())}</dd>
            <dt>{t.started}</dt><dd>{moment(lang, r.created_at)}</dd>
            <dt>{t.updated}</dt><dd>{moment(lang, r.updated_at)}</dd>
            <dt>{t.submitted}</dt><dd>{when(r.submitted_at)}</dd>
            <dt>{t.withdrawn}</dt><dd>{when(r.withdrawn_at)}</dd>
            <dt>{t.erased}</dt><dd>{when(r.erased_at)}</dd>
            <dt>{t.person_id}</dt><dd><code>{r.person_id.clone().unwrap_or_else(|| "–".into())}</code></dd>
            <dt>{t.identification_id}</dt><dd><code>{r.identification_id.clone().unwrap_or_else(|| "–".into())}</code></dd>
        </dl>
    };
    let typed = l
        .app
        .as_ref()
        .and_then(|a| serde_json::to_value(&a.details).ok());
    let held = r
        .solaris_person
        .as_deref()
        .and_then(|p| serde_json::from_str::<Value>(p).ok());
    let consents_view = consents_table(lang, &l.consents);
    // Exports and downloads leave the bank's screens: not offered to a viewer (nor served).
    let may_export = staff.account.role >= Role::Reviewer;
    let consent_links = may_export.then(|| {
        let json_href = format!("/backoffice/applications/{id}/consents.json");
        let page_href = format!("/backoffice/applications/{id}/consents");
        view! {
            <p>
                <a href=json_href download="">{t.export_json}</a>" · "
                <a href=page_href>{t.printable}</a>
            </p>
        }
    });
    let evidence_view = evidence_view(lang, id, &l.evidence, may_export, r.erased_at.is_some());
    let work_view = work_view(staff, id, &l.work);
    let deliveries_view = deliveries_view(staff, id, &l.deliveries);
    let attention_view = (!l.attention.is_empty()).then(|| {
        let items = l
            .attention
            .iter()
            .map(|a| {
                let href = format!("/backoffice/attention/{}", a.id);
                let what = history::Concern::parse(&a.kind)
                    .map(|c| texts::concern(lang, c))
                    .unwrap_or("?");
                view! { <li><a href=href>{what}</a>{format!(" ({}, {})", a.state, moment(lang, a.created_at))}</li> }
            })
            .collect_view();
        view! { <section><h2>{t.nav_attention}</h2><ul>{items}</ul></section> }
    });
    let timeline = timeline_view(lang, &l.history);
    let actions = actions_view(staff, id, &l, erase_problem, erase_reason);
    let status = if erase_problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let path = format!("/backoffice/applications/{id}");
    page(
        Some(staff),
        lang,
        &path,
        t.application_title,
        status,
        view! {
            <p><a href="/backoffice/applications">{t.back_to_list}</a></p>
            <h1>{t.application_title}" "<code>{id.to_string()}</code></h1>
            {done_text.map(|d| view! { <p class="note" role="status">{d}</p> })}
            <section><h2>{t.summary}</h2>{summary}</section>
            {attention_view}
            <section><h2>{t.as_typed}</h2>{data_list(t, typed)}</section>
            <section><h2>{t.as_solaris}</h2>{data_list(t, held)}</section>
            <section><h2>{t.consents}</h2>{consents_view}{consent_links}</section>
            {evidence_view}
            {work_view}
            {deliveries_view}
            <section><h2>{t.timeline}</h2>{timeline}</section>
            {actions}
        },
    )
}
