//! The audit log for administrators: who saw or did what, when, to which application; newest
//! first, filtered and paged by keyset.

use axum::extract::Query;
use axum::http::StatusCode;
use leptos::prelude::*;
use serde::Deserialize;

use super::{moment, page, OfficeResult, Staff};
use crate::db::audit::{self, AuditFilter};
use crate::db::staff::Role;

const PAGE_LINES: i64 = 100;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    who: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    application: String,
    #[serde(default)]
    before: String,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

pub async fn log(staff: Staff, Query(q): Query<AuditQuery>) -> OfficeResult {
    staff.require(Role::Admin)?;
    let lang = staff.lang;
    let t = lang.staff();
    let filter = AuditFilter {
        actor: some(&q.who),
        action: some(&q.action),
        application_id: some(&q.application),
        before: q
            .before
            .split_once('_')
            .and_then(|(at, id)| Some((at.parse().ok()?, id.to_string()))),
    };
    let (lines, more) = audit::lines(&staff.office.db, &filter, PAGE_LINES).await?;
    let next = more.then(|| lines.last()).flatten().map(|last| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("who", &q.who)
            .append_pair("action", &q.action)
            .append_pair("application", &q.application)
            .append_pair("before", &format!("{}_{}", last.at, last.id))
            .finish();
        format!("/backoffice/audit?{query}")
    });
    let body = if lines.is_empty() {
        view! { <p>{t.no_lines}</p> }.into_any()
    } else {
        let rows = lines
            .into_iter()
            .map(|l| {
                let app = l.application_id.map(|a| {
                    let href = format!("/backoffice/applications/{a}");
                    view! { <a href=href><code>{a}</code></a> }
                });
                view! {
                    <tr>
                        <td>{moment(lang, l.at)}</td>
                        <td>{l.email.unwrap_or(l.actor)}</td>
                        <td>{l.action}</td>
                        <td>{app}</td>
                        <td>{l.detail.unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="office-table">
                <thead><tr>
                    <th scope="col">{t.at}</th>
                    <th scope="col">{t.who}</th>
                    <th scope="col">{t.action}</th>
                    <th scope="col">{t.application_title}</th>
                    <th scope="col">{t.detail}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let (who, action, application) = (q.who.clone(), q.action.clone(), q.application.clone());
    Ok(page(
        Some(&staff),
        lang,
        "/backoffice/audit",
        t.audit_title,
        StatusCode::OK,
        view! {
            <h1>{t.audit_title}</h1>
            <p>{t.audit_intro}</p>
            <form method="get" action="/backoffice/audit" class="office-search">
                <div class="field">
                    <label for="who">{t.who}</label>
                    <input id="who" name="who" type="text" value=who/>
                </div>
                <div class="field">
                    <label for="action">{t.action}</label>
                    <input id="action" name="action" type="text" value=action/>
                </div>
                <div class="field">
                    <label for="application">{t.application_id}</label>
                    <input id="application" name="application" type="text" value=application/>
                </div>
                <button type="submit">{t.filter}</button>
            </form>
            {body}
            {next.map(|href| view! { <p class="paging"><a href=href rel="next">{t.next_page}</a></p> })}
        },
    ))
}
