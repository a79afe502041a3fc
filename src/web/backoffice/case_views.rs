//! The parts of the application page: the consents, the evidence, the work with Solaris, the
//! webhook deliveries, the timeline and the actions.

use leptos::prelude::*;
use serde_json::Value;

use super::case_data::Loaded;
use super::{moment, Csrf, Staff};
use crate::db::history::{self, Happened};
use crate::db::staff::Role;
use crate::db::{evidence, records, webhooks, work};
use crate::domain::WorkState;
use crate::i18n::staff::{self as texts};
use crate::i18n::Lang;

pub(super) fn consents_table(lang: Lang, consents: &[records::ConsentRecord]) -> AnyView {
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

pub(super) fn json_list(text: Option<&str>) -> Vec<Value> {
    text.and_then(|t| serde_json::from_str::<Vec<Value>>(t).ok())
        .unwrap_or_default()
}

pub(super) fn text_of(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::Null => "–".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The evidence Solaris holds; `may_download`: the documents link to their download (not for a
/// viewer); `erased`: the application's personal data is gone, and the evidence with it.
pub(super) fn evidence_view(
    lang: Lang,
    id: &str,
    evidence: &[evidence::Evidence],
    may_download: bool,
    erased: bool,
) -> impl IntoView {
    let t = lang.staff();
    let body = if erased {
        view! { <p>{t.evidence_erased}</p> }.into_any()
    } else if evidence.is_empty() {
        view! { <p>{t.no_evidence}</p> }.into_any()
    } else {
        evidence
            .iter()
            .map(|e| {
                let unlisted = e.attempts.as_deref() == Some("null");
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
                                    <td>{if may_download {
                                        view! { <a href=href>{t.download}</a> }.into_any()
                                    } else {
                                        "–".into_any()
                                    }}</td>
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
                    {if unlisted {
                        view! { <p>{t.no_attempts_listed}</p> }.into_any()
                    } else {
                        view! {
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
                        }
                        .into_any()
                    }}
                    {documents}
                }
            })
            .collect_view()
            .into_any()
    };
    view! { <section><h2>{t.identifications}</h2>{body}</section> }
}

pub(super) fn work_view(staff: &Staff, id: &str, items: &[work::WorkItem]) -> impl IntoView {
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

pub(super) fn deliveries_view(
    staff: &Staff,
    id: &str,
    deliveries: &[webhooks::StoredDelivery],
) -> impl IntoView {
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

pub(super) fn timeline_view(lang: Lang, entries: &[history::Entry]) -> impl IntoView {
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

pub(super) fn actions_view(
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
