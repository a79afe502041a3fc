//! The applications: the searchable list, one application with its evidence and history, the
//! consent evidence as JSON and as a printable page, the documents fetched from Solaris, and
//! the actions on an application.

use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::Form;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{moment, page, Csrf, OfficeError, OfficeResult, Staff};
use crate::db::backoffice::{self as store, Listed, Search, Stage};
use crate::db::history::{self, Happened};
use crate::db::staff::Role;
use crate::db::work::WorkKind;
use crate::db::{applications, events, webhooks, work};
use crate::domain::IdentificationStatus;
use crate::domain::WorkState;
use crate::i18n::staff::{self as texts, StaffTexts};
use crate::i18n::Lang;

/// Rows a page of the list shows.
const PAGE_ROWS: i64 = 50;

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
fn berlin_midnight(day: NaiveDate) -> Option<i64> {
    let noon = chrono::Utc.from_utc_datetime(&day.and_time(NaiveTime::from_hms_opt(12, 0, 0)?));
    let offset = crate::i18n::dates::berlin_offset(noon);
    offset
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.timestamp_millis())
}

/// A date input's value: empty is none, anything else must be a date.
fn date(text: &str) -> Result<Option<NaiveDate>, ()> {
    match text.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ()),
    }
}

/// What kind of search the text is, for the audit log (which keeps no search text: it could be
/// a name).
fn search_kind(text: &str) -> &'static str {
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
    let (rows, more) = store::search(&staff.office.db, &search, PAGE_ROWS).await?;
    let counts = store::counts(&staff.office.db).await?;
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

fn row_view(lang: Lang, r: &Listed) -> impl IntoView {
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

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// A JSON object flattened to `(path, value)` lines (`address.city`), for a definition list.
fn flattened(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
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

fn data_list(t: &'static StaffTexts, value: Option<Value>) -> AnyView {
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

/// Everything the page of one application shows.
struct Loaded {
    record: events::ApplicationRecord,
    app: Option<crate::domain::Application>,
    consents: Vec<events::ConsentRecord>,
    evidence: Vec<store::Evidence>,
    work: Vec<store::WorkItem>,
    deliveries: Vec<store::StoredDelivery>,
    attention: Vec<history::Item>,
    history: Vec<history::Entry>,
}

async fn load(staff: &Staff, id: &str) -> Result<Loaded, OfficeError> {
    let db = &staff.office.db;
    let Some(record) = events::application(db, id).await? else {
        return Err(OfficeError::NotFound);
    };
    let evidence = store::evidence_of(db, id).await?;
    let mut identifications: Vec<String> = evidence
        .iter()
        .map(|e| e.identification_id.clone())
        .collect();
    identifications.extend(record.identification_id.clone());
    identifications.dedup();
    Ok(Loaded {
        app: applications::load(db, id).await?,
        consents: events::consents(db, id).await?,
        work: store::work_of(db, id).await?,
        deliveries: store::deliveries_of(db, record.person_id.as_deref(), &identifications).await?,
        attention: history::items_of(db, id).await?,
        history: history::of_application(db, id).await?,
        evidence,
        record,
    })
}

pub async fn one(staff: Staff, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> OfficeResult {
    // Recorded before the answer: a look for an id that does not exist is a look too.
    staff.audit("view_application", Some(&id), None).await?;
    let loaded = load(&staff, &id).await?;
    Ok(detail_view(&staff, &id, loaded, &q.done, None, ""))
}

fn detail_view(
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
    let consent_links = {
        let json_href = format!("/backoffice/applications/{id}/consents.json");
        let page_href = format!("/backoffice/applications/{id}/consents");
        view! {
            <p>
                <a href=json_href download="">{t.export_json}</a>" · "
                <a href=page_href>{t.printable}</a>
            </p>
        }
    };
    let evidence_view = evidence_view(lang, id, &l.evidence);
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

fn consents_table(lang: Lang, consents: &[events::ConsentRecord]) -> AnyView {
    let t = lang.staff();
    if consents.is_empty() {
        return view! { <p>{t.none}</p> }.into_any();
    }
    let rows = consents
        .iter()
        .map(|c| {
            let href = format!("/legal/{}", c.text_sha256);
            view! {
                <tr>
                    <td>{c.kind.clone()}</td>
                    <td>{c.language.clone()}</td>
                    <td>{c.version.clone()}</td>
                    <td><code class="hash">{c.text_sha256.clone()}</code></td>
                    <td>{c.signed_at.clone()}</td>
                    <td><a href=href>{t.text_accepted}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="office-table">
            <thead><tr>
                <th scope="col">{t.consent_kind}</th>
                <th scope="col">{t.language}</th>
                <th scope="col">{t.version}</th>
                <th scope="col">"SHA-256"</th>
                <th scope="col">{t.accepted_at}</th>
                <th scope="col">{t.text_accepted}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn json_list(text: Option<&str>) -> Vec<Value> {
    text.and_then(|t| serde_json::from_str::<Vec<Value>>(t).ok())
        .unwrap_or_default()
}

fn text_of(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::Null => "–".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn evidence_view(lang: Lang, id: &str, evidence: &[store::Evidence]) -> impl IntoView {
    let t = lang.staff();
    let body = if evidence.is_empty() {
        view! { <p>{t.no_evidence}</p> }.into_any()
    } else {
        evidence
            .iter()
            .map(|e| {
                let attempts = json_list(e.attempts.as_deref())
                    .iter()
                    .map(|a| {
                        view! {
                            <tr>
                                <td><code>{text_of(a, "id")}</code></td>
                                <td>{text_of(a, "result")}</td>
                                <td>{text_of(a, "reason")}</td>
                                <td>{text_of(a, "agent")}</td>
                                <td>{text_of(a, "at")}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let documents = json_list(e.documents.as_deref());
                let documents = (!documents.is_empty()).then(|| {
                    let rows = documents
                        .iter()
                        .map(|d| {
                            let href = format!(
                                "/backoffice/applications/{id}/documents/{}",
                                text_of(d, "id")
                            );
                            view! {
                                <tr>
                                    <td>{text_of(d, "document_type")}</td>
                                    <td>{text_of(d, "name")}</td>
                                    <td>{text_of(d, "size")}</td>
                                    <td><a href=href>{t.download}</a></td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <h3>{t.documents}</h3>
                        <table class="office-table">
                            <thead><tr>
                                <th scope="col">{t.document_type}</th>
                                <th scope="col">{t.file_name}</th>
                                <th scope="col">{t.size}</th>
                                <th scope="col">{t.download}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                });
                view! {
                    <h3>{t.identification_id}" "<code>{e.identification_id.clone()}</code></h3>
                    <p>{t.fetched}": "{moment(lang, e.fetched_at)}</p>
                    <table class="office-table">
                        <thead><tr>
                            <th scope="col">{t.attempt}</th>
                            <th scope="col">{t.result}</th>
                            <th scope="col">{t.reason}</th>
                            <th scope="col">{t.agent}</th>
                            <th scope="col">{t.at}</th>
                        </tr></thead>
                        <tbody>{attempts}</tbody>
                    </table>
                    {documents}
                }
            })
            .collect_view()
            .into_any()
    };
    view! { <section><h2>{t.identifications}</h2>{body}</section> }
}

fn work_view(staff: &Staff, id: &str, items: &[store::WorkItem]) -> impl IntoView {
    let lang = staff.lang;
    let t = lang.staff();
    let may_act = staff.account.role >= Role::Reviewer;
    let rows = items
        .iter()
        .map(|w| {
            let retry = (may_act && w.state == WorkState::Failed).then(|| {
                let action = format!("/backoffice/applications/{id}/work/{}/retry", w.id);
                view! {
                    <form method="post" action=action>
                        <Csrf token=staff.csrf.clone()/>
                        <button type="submit">{t.retry}</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td>{w.seq}</td>
                    <td>{w.kind.clone()}</td>
                    <td>{w.state.as_str()}</td>
                    <td>{w.attempts}</td>
                    <td>{w.last_error.clone().unwrap_or_else(|| "–".into())}</td>
                    <td>{moment(lang, w.updated_at)}</td>
                    <td>{retry}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section>
            <h2>{t.work}</h2>
            <table class="office-table">
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{t.kind}</th>
                    <th scope="col">{t.state}</th>
                    <th scope="col">{t.attempts}</th>
                    <th scope="col">{t.last_error}</th>
                    <th scope="col">{t.updated}</th>
                    <th scope="col">{t.actions}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

fn deliveries_view(staff: &Staff, id: &str, deliveries: &[store::StoredDelivery]) -> impl IntoView {
    let lang = staff.lang;
    let t = lang.staff();
    let may_act = staff.account.role >= Role::Reviewer;
    let body = if deliveries.is_empty() {
        view! { <p>{t.none}</p> }.into_any()
    } else {
        let rows = deliveries
            .iter()
            .map(|d| {
                let replay = may_act.then(|| {
                    let action = format!(
                        "/backoffice/applications/{id}/webhooks/{}/replay",
                        url::form_urlencoded::byte_serialize(d.webhook_id.as_bytes())
                            .collect::<String>()
                    );
                    view! {
                        <form method="post" action=action>
                            <Csrf token=staff.csrf.clone()/>
                            <button type="submit">{t.replay}</button>
                        </form>
                    }
                });
                view! {
                    <tr>
                        <td>{d.event_type.clone()}</td>
                        <td><code>{d.webhook_id.clone()}</code></td>
                        <td>{moment(lang, d.received_at)}</td>
                        <td>{replay}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="office-table">
                <thead><tr>
                    <th scope="col">{t.event}</th>
                    <th scope="col">"Solaris-Webhook-Id"</th>
                    <th scope="col">{t.received}</th>
                    <th scope="col">{t.actions}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! { <section><h2>{t.deliveries}</h2>{body}</section> }
}

fn timeline_view(lang: Lang, entries: &[history::Entry]) -> impl IntoView {
    let t = lang.staff();
    let rows = entries
        .iter()
        .map(|e| {
            let what = Happened::parse(&e.kind)
                .map(|h| texts::happened(lang, h).to_string())
                .unwrap_or_else(|| e.kind.clone());
            let kind = e.kind.clone();
            view! {
                <tr data-kind=kind>
                    <td>{moment(lang, e.at)}</td>
                    <td>{what}</td>
                    <td>{e.detail.clone().unwrap_or_default()}</td>
                    <td>{e.actor.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="office-table timeline">
            <thead><tr>
                <th scope="col">{t.at}</th>
                <th scope="col">{t.what}</th>
                <th scope="col">{t.detail}</th>
                <th scope="col">{t.by}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn actions_view(
    staff: &Staff,
    id: &str,
    l: &Loaded,
    erase_problem: Option<&'static str>,
    erase_reason: &str,
) -> Option<impl IntoView> {
    let t = staff.lang.staff();
    if staff.account.role < Role::Reviewer {
        return None;
    }
    let read = l.record.identification_id.is_some().then(|| {
        let action = format!("/backoffice/applications/{id}/read");
        view! {
            <form method="post" action=action>
                <Csrf token=staff.csrf.clone()/>
                <button type="submit">{t.read_now}</button>
            </form>
        }
    });
    let erase = (staff.account.role >= Role::Admin && l.record.erased_at.is_none()).then(|| {
        let action = format!("/backoffice/applications/{id}/erase");
        let described = erase_problem.map(|_| "reason-error");
        view! {
            <form method="post" action=action class="office-form">
                <h3>{t.erase_title}</h3>
                <p>{t.erase_intro}</p>
                <Csrf token=staff.csrf.clone()/>
                <div class="field">
                    <label for="reason">{t.erase_reason}</label>
                    {erase_problem.map(|p| view! { <p class="field-error" id="reason-error">{p}</p> })}
                    <textarea id="reason" name="reason" required=true aria-describedby=described autofocus=erase_problem.is_some()>{erase_reason.to_string()}</textarea>
                </div>
                <button type="submit" class="danger">{t.erase}</button>
            </form>
        }
    });
    Some(view! {
        <section>
            <h2>{t.actions}</h2>
            {read}
            {erase}
        </section>
    })
}

/// The consent evidence of an application, each with the exact text accepted.
async fn consent_evidence(staff: &Staff, id: &str) -> Result<Vec<Value>, OfficeError> {
    let db = &staff.office.db;
    if events::application(db, id).await?.is_none() {
        return Err(OfficeError::NotFound);
    }
    let mut out = Vec::new();
    for c in events::consents(db, id).await? {
        let text = applications::consent_text(db, &c.text_sha256).await?;
        out.push(json!({
            "kind": c.kind,
            "language": c.language,
            "version": c.version,
            "sha256": c.text_sha256,
            "signed_at": c.signed_at,
            "text": text,
        }));
    }
    Ok(out)
}

pub(crate) async fn consents_json(staff: Staff, Path(id): Path<String>) -> OfficeResult {
    staff
        .audit("export_consents", Some(&id), Some("json"))
        .await?;
    let consents = consent_evidence(&staff, &id).await?;
    let mut res = Json(json!({
        "application_id": id,
        "exported_at": events::rfc3339(crate::db::wall_clock_ms()),
        "consents": consents,
    }))
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"consents-{id}.json\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

pub(crate) async fn consents_page(staff: Staff, Path(id): Path<String>) -> OfficeResult {
    staff
        .audit("export_consents", Some(&id), Some("page"))
        .await?;
    let consents = consent_evidence(&staff, &id).await?;
    let lang = staff.lang;
    let t = lang.staff();
    let items = consents
        .iter()
        .map(|c| {
            view! {
                <section class="consent-evidence">
                    <h2>{text_of(c, "kind")}</h2>
                    <dl class="data-list">
                        <dt>{t.language}</dt><dd>{text_of(c, "language")}</dd>
                        <dt>{t.version}</dt><dd>{text_of(c, "version")}</dd>
                        <dt>"SHA-256"</dt><dd><code class="hash">{text_of(c, "sha256")}</code></dd>
                        <dt>{t.accepted_at}</dt><dd>{text_of(c, "signed_at")}</dd>
                    </dl>
                    <h3>{t.text_accepted}</h3>
                    <pre class="legal-text">{text_of(c, "text")}</pre>
                </section>
            }
        })
        .collect_view();
    let path = format!("/backoffice/applications/{id}/consents");
    let back = format!("/backoffice/applications/{id}");
    Ok(page(
        Some(&staff),
        lang,
        &path,
        t.consents_title,
        StatusCode::OK,
        view! {
            <p class="no-print"><a href=back>{t.application_title}</a></p>
            <h1>{t.consents_title}" "<code>{id.clone()}</code></h1>
            <p>{moment(lang, crate::db::wall_clock_ms())}</p>
            {if consents.is_empty() { Some(view! { <p>{t.none}</p> }) } else { None }}
            {items}
        },
    ))
}

/// A document of the person, fetched from Solaris as staff ask for it and passed on, never
/// stored; only documents Solaris listed for this application are served.
pub async fn download(staff: Staff, Path((id, document)): Path<(String, String)>) -> OfficeResult {
    staff
        .audit("download_document", Some(&id), Some(&document))
        .await?;
    let db = &staff.office.db;
    let record = events::application(db, &id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let listed = store::evidence_of(db, &id)
        .await?
        .iter()
        .flat_map(|e| json_list(e.documents.as_deref()))
        .find(|d| d["id"].as_str() == Some(document.as_str()));
    let (Some(listed), Some(person_id)) = (listed, record.person_id) else {
        return Err(OfficeError::NotFound);
    };
    let bytes = staff
        .office
        .client
        .download_document(&person_id, &document)
        .await?;
    history::record(
        &staff.office.db.writer,
        &id,
        Happened::Staff,
        &format!("download_document {document}"),
        Some(&staff.actor()),
    )
    .await?;
    let content_type = listed["content_type"]
        .as_str()
        .and_then(|c| HeaderValue::from_str(c).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    // The file's name as Solaris gave it, reduced to characters safe in the header.
    let name: String = listed["name"]
        .as_str()
        .unwrap_or("document")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, content_type);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// Checks a reviewer's action form and records it; then the page of the application says
/// `done` (or that nothing was done).
async fn act(
    staff: &Staff,
    id: &str,
    form: &ActionForm,
    role: Role,
    action: &str,
    detail: &str,
) -> Result<(), OfficeError> {
    staff.require(role)?;
    staff.check_form(&form.csrf)?;
    staff.audit(action, Some(id), Some(detail)).await?;
    history::record(
        &staff.office.db.writer,
        id,
        Happened::Staff,
        format!("{action} {detail}").trim_end(),
        Some(&staff.actor()),
    )
    .await?;
    Ok(())
}

fn back_to(id: &str, done: bool, what: &str) -> Response {
    let done = if done { what } else { "nothing" };
    Redirect::to(&format!("/backoffice/applications/{id}?done={done}")).into_response()
}

pub(crate) async fn retry_work(
    staff: Staff,
    Path((id, work_id)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> OfficeResult {
    act(&staff, &id, &form, Role::Reviewer, "retry_work", &work_id).await?;
    let retried = store::retry_failed_work(&staff.office.db, &id, &work_id).await?;
    staff.office.work.notify_one();
    Ok(back_to(&id, retried, "retry"))
}

pub(crate) async fn replay_webhook(
    staff: Staff,
    Path((id, webhook_id)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> OfficeResult {
    act(
        &staff,
        &id,
        &form,
        Role::Reviewer,
        "replay_webhook",
        &webhook_id,
    )
    .await?;
    let replayed = webhooks::replay(&staff.office.db, &webhook_id).await?;
    staff.office.work.notify_one();
    Ok(back_to(&id, replayed, "replay"))
}

pub(crate) async fn read_now(
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> OfficeResult {
    act(
        &staff,
        &id,
        &form,
        Role::Reviewer,
        "read_identification",
        "",
    )
    .await?;
    let record = events::application(&staff.office.db, &id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let can = record.identification_id.is_some() && record.erased_at.is_none();
    if can {
        work::enqueue_one(&staff.office.db, &id, WorkKind::RefreshIdentification).await?;
        staff.office.work.notify_one();
    }
    Ok(back_to(&id, can, "read"))
}

pub async fn erase(
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> OfficeResult {
    staff.require(Role::Admin)?;
    staff.check_form(&form.csrf)?;
    let reason = form.reason.trim();
    if reason.is_empty() {
        let loaded = load(&staff, &id).await?;
        return Ok(detail_view(
            &staff,
            &id,
            loaded,
            "",
            Some(staff.lang.staff().reason_required),
            &form.reason,
        ));
    }
    staff
        .audit("erase_personal_data", Some(&id), Some(reason))
        .await?;
    let erased = applications::erase_on_request(&staff.office.db, &id, &staff.actor()).await?;
    if erased {
        tracing::info!(application_id = %id, staff_id = %staff.account.id, "personal data erased on a data-subject request");
    }
    Ok(back_to(&id, erased, "erase"))
}
