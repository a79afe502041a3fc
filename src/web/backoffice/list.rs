//! The applications: search, filters and the counts per status, newest first, paged by keyset.

use axum::extract::Query;
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use leptos::prelude::*;
use serde::Deserialize;

use super::{moment, page, OfficeResult, Staff};
use crate::db::search::{self, Listed, Search};
use crate::domain::IdentificationStatus;
use crate::domain::Stage;
use crate::i18n::staff::{self as texts};
use crate::i18n::Lang;

pub(super) const PAGE_ROWS: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    after: String,
}

/// Midnight in Berlin at the start of `day`, in ms.
pub(super) fn berlin_midnight(day: NaiveDate) -> Option<i64> {
    let noon = chrono::Utc.from_utc_datetime(&day.and_time(NaiveTime::from_hms_opt(12, 0, 0)?));
    let offset = crate::i18n::dates::berlin_offset(noon);
    offset
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.timestamp_millis())
}

/// A date input's value: empty is none, anything else must be a date.
pub(super) fn date(text: &str) -> Result<Option<NaiveDate>, ()> {
    match text.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ()),
    }
}

/// What kind of search the text is, for the audit log (which keeps no search text: it could be
/// a name).
pub(super) fn search_kind(text: &str) -> &'static str {
    let text = text.trim();
    if text.is_empty() {
        "none"
    } else if text.contains('@') {
        "email"
    } else if text.chars().all(|c| c.is_ascii_alphanumeric()) && text.len() >= 20 {
        "id"
    } else {
        "name"
    }
}

pub async fn list(staff: Staff, Query(q): Query<ListQuery>) -> OfficeResult {
    let lang = staff.lang;
    let t = lang.staff();
    let from = date(&q.from);
    let until = date(&q.until);
    let status = IdentificationStatus::ALL
        .iter()
        .find(|s| s.as_str() == q.status)
        .map(|s| s.as_str().to_string());
    let search = Search {
        text: Some(q.q.clone()),
        status,
        stage: Stage::parse(&q.step),
        from: from.ok().flatten().and_then(berlin_midnight),
        until: until
            .ok()
            .flatten()
            .and_then(|d| d.succ_opt())
            .and_then(berlin_midnight),
        after: q
            .after
            .split_once('_')
            .and_then(|(at, id)| Some((at.parse().ok()?, id.to_string()))),
    };
    let (rows, more) = search::search(&staff.office.db, &search, PAGE_ROWS).await?;
    let counts = search::counts(&staff.office.db).await?;
    staff
        .audit(
            "list_applications",
            None,
            Some(&format!(
                "search={} status={} step={} from={} until={}",
                search_kind(&q.q),
                q.status,
                q.step,
                q.from,
                q.until
            )),
        )
        .await?;
    let next = (more).then(|| rows.last()).flatten().map(|last| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &q.q)
            .append_pair("status", &q.status)
            .append_pair("step", &q.step)
            .append_pair("from", &q.from)
            .append_pair("until", &q.until)
            .append_pair("after", &format!("{}_{}", last.created_at, last.id))
            .finish();
        format!("/backoffice/applications?{query}")
    });
    let date_problem = |bad: bool, id: &'static str| {
        bad.then(|| {
            let error_id = format!("{id}-error");
            view! { <p class="field-error" id=error_id>{t.bad_date}</p> }
        })
    };
    let (from_bad, until_bad) = (from.is_err(), until.is_err());
    let status_code = if from_bad || until_bad {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let summary = (from_bad || until_bad).then(|| {
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus=true>
                <h2>{t.errors_title}</h2>
                <ul>
                    {from_bad.then(|| view! { <li><a href="#from">{t.started_from}": "{t.bad_date}</a></li> })}
                    {until_bad.then(|| view! { <li><a href="#until">{t.started_until}": "{t.bad_date}</a></li> })}
                </ul>
            </div>
        }
    });
    let status_options = IdentificationStatus::ALL
        .iter()
        .map(|s| {
            let v = s.as_str().to_string();
            let selected = v == q.status;
            view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
        })
        .collect_view();
    let step_options = Stage::ALL
        .iter()
        .map(|s| {
            let selected = s.as_str() == q.step;
            view! { <option value=s.as_str() selected=selected>{texts::stage(lang, *s)}</option> }
        })
        .collect_view();
    let count_rows = counts
        .into_iter()
        .map(|(status, n)| {
            let label = status.unwrap_or_else(|| t.no_identification.to_string());
            view! { <tr><th scope="row">{label}</th><td>{n}</td></tr> }
        })
        .collect_view();
    let table = if rows.is_empty() {
        view! { <p>{t.none_found}</p> }.into_any()
    } else {
        let body = rows.iter().map(|r| row_view(lang, r)).collect_view();
        view! {
            <table class="office-table results">
                <caption class="visually-hidden">{t.applications_title}</caption>
                <thead><tr>
                    <th scope="col">{t.started}</th>
                    <th scope="col">{t.name}</th>
                    <th scope="col">{t.email}</th>
                    <th scope="col">{t.step}</th>
                    <th scope="col">{t.status}</th>
                    <th scope="col">{t.person_id}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
        .into_any()
    };
    let paging = view! {
        <p class="paging">
            {search.after.is_some().then(|| view! { <a href="/backoffice/applications">{t.first_page}</a>" " })}
            {next.map(|href| view! { <a href=href rel="next">{t.next_page}</a> })}
        </p>
    };
    let (qv, fromv, untilv) = (q.q.clone(), q.from.clone(), q.until.clone());
    let from_described = from_bad.then_some("from-error");
    let until_described = until_bad.then_some("until-error");
    Ok(page(
        Some(&staff),
        lang,
        "/backoffice/applications",
        t.applications_title,
        status_code,
        view! {
            <h1>{t.applications_title}</h1>
            {summary}
            <form method="get" action="/backoffice/applications" class="office-search">
                <div class="field">
                    <label for="q">{t.search_label}</label>
                    <p class="hint" id="q-hint">{t.search_hint}</p>
                    <input id="q" name="q" type="search" value=qv aria-describedby="q-hint"/>
                </div>
                <div class="field">
                    <label for="status">{t.status}</label>
                    <select id="status" name="status">
                        <option value="">{t.any}</option>
                        {status_options}
                    </select>
                </div>
                <div class="field">
                    <label for="step">{t.step}</label>
                    <select id="step" name="step">
                        <option value="">{t.any}</option>
                        {step_options}
                    </select>
                </div>
                <div class="field">
                    <label for="from">{t.started_from}</label>
                    {date_problem(from_bad, "from")}
                    <input id="from" name="from" type="date" value=fromv aria-describedby=from_described/>
                </div>
                <div class="field">
                    <label for="until">{t.started_until}</label>
                    {date_problem(until_bad, "until")}
                    <input id="until" name="until" type="date" value=untilv aria-describedby=until_described/>
                </div>
                <button type="submit">{t.search}</button>
            </form>
            {table}
            {paging}
            <h2>{t.per_status}</h2>
            <table class="office-table counts">
                <thead><tr><th scope="col">{t.status}</th><th scope="col">{t.count}</th></tr></thead>
                <tbody>{count_rows}</tbody>
            </table>
        },
    ))
}

pub(super) fn row_view(lang: Lang, r: &Listed) -> impl IntoView {
    let t = lang.staff();
    let href = format!("/backoffice/applications/{}", r.id);
    // The name as typed; the lowercased search copy if the screens do not parse.
    let typed = r
        .details
        .as_deref()
        .and_then(|d| serde_json::from_str::<crate::domain::application::Details>(d).ok())
        .and_then(|d| d.person)
        .map(|p| format!("{} {}", p.first_name, p.last_name));
    let name = typed.or_else(|| r.search_name.clone()).unwrap_or_else(|| {
        if r.erased_at.is_some() {
            t.erased_data.into()
        } else {
            "–".into()
        }
    });
    view! {
        <tr>
            <td><a href=href>{moment(lang, r.created_at)}</a></td>
            <td>{name}</td>
            <td>{r.search_email.clone().unwrap_or_else(|| "–".into())}</td>
            <td>{texts::stage(lang, Stage::of(r.erased_at.is_some(), r.withdrawn_at.is_some(), r.identification_status.as_deref().map(IdentificationStatus::parse).as_ref(), r.submitted_at.is_some()))}</td>
            <td>{r.identification_status.clone().unwrap_or_else(|| "–".into())}</td>
            <td><code>{r.person_id.clone().unwrap_or_else(|| "–".into())}</code></td>
        </tr>
    }
}
