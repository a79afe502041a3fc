//! The needs-attention queue: what a person must look at, taken, commented and closed by the
//! bank's staff.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use leptos::prelude::*;
use serde::Deserialize;

use super::{moment, page, Csrf, OfficeError, OfficeResult, Staff};
use crate::db::history::{self, Concern, Handling, Item};
use crate::db::staff::Role;
use crate::domain::AttentionState;
use crate::i18n::staff as texts;
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    closed: Option<String>,
}

fn state_text(lang: Lang, state: AttentionState) -> &'static str {
    let t = lang.staff();
    match state {
        AttentionState::Open => t.state_open,
        AttentionState::Taken => t.state_taken,
        AttentionState::Closed => t.state_closed,
    }
}

fn concern_text(lang: Lang, item: &Item) -> &'static str {
    Concern::parse(&item.kind)
        .map(|c| texts::concern(lang, c))
        .unwrap_or("?")
}

pub async fn list(staff: Staff, Query(q): Query<ListQuery>) -> OfficeResult {
    let lang = staff.lang;
    let t = lang.staff();
    let closed = q.closed.is_some();
    let items = history::items(&staff.office.db, closed).await?;
    let body = if items.is_empty() {
        view! { <p>{t.nothing_open}</p> }.into_any()
    } else {
        let rows = items
            .iter()
            .map(|i| {
                let href = format!("/backoffice/attention/{}", i.id);
                let app = i.application_id.clone().map(|a| {
                    let href = format!("/backoffice/applications/{a}");
                    view! { <a href=href><code>{a}</code></a> }
                });
                view! {
                    <tr>
                        <td><a href=href>{moment(lang, i.created_at)}</a></td>
                        <td>{concern_text(lang, i)}</td>
                        <td>{app.map(|a| a.into_any()).unwrap_or_else(|| t.no_application.into_any())}</td>
                        <td>{i.detail.clone().unwrap_or_default()}</td>
                        <td>{state_text(lang, i.state)}</td>
                        <td>{i.taken_by_email.clone().unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="office-table">
                <thead><tr>
                    <th scope="col">{t.raised}</th>
                    <th scope="col">{t.what}</th>
                    <th scope="col">{t.application_title}</th>
                    <th scope="col">{t.detail}</th>
                    <th scope="col">{t.state}</th>
                    <th scope="col">{t.held_by}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let (open_current, closed_current) = if closed {
        (None, Some("page"))
    } else {
        (Some("page"), None)
    };
    Ok(page(
        Some(&staff),
        lang,
        if closed {
            "/backoffice/attention?closed=1"
        } else {
            "/backoffice/attention"
        },
        t.attention_title,
        StatusCode::OK,
        view! {
            <h1>{t.attention_title}</h1>
            <ul class="tabs">
                <li><a href="/backoffice/attention" aria-current=open_current>{t.open_items}</a></li>
                <li><a href="/backoffice/attention?closed=1" aria-current=closed_current>{t.closed_items}</a></li>
            </ul>
            {body}
        },
    ))
}

pub async fn one(staff: Staff, Path(id): Path<String>) -> OfficeResult {
    item_view(&staff, &id, None, "").await
}

async fn item_view(
    staff: &Staff,
    id: &str,
    problem: Option<&'static str>,
    typed: &str,
) -> OfficeResult {
    let lang = staff.lang;
    let t = lang.staff();
    let item = history::item(&staff.office.db, id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let comments = history::comments(&staff.office.db, id).await?;
    let comments = if comments.is_empty() {
        view! { <p>{t.no_comments}</p> }.into_any()
    } else {
        comments
            .into_iter()
            .map(|c| {
                view! {
                    <article class="comment">
                        <p class="note">{format!("{} · {}", c.email, moment(lang, c.created_at))}</p>
                        <p>{if c.body.is_empty() {
                            t.comment_erased.to_string()
                        } else {
                            c.body
                        }}</p>
                    </article>
                }
            })
            .collect_view()
            .into_any()
    };
    let action = format!("/backoffice/attention/{id}");
    let may_act = staff.account.role >= Role::Reviewer && item.state != AttentionState::Closed;
    let forms = may_act.then(|| {
        let described = problem.map(|_| "comment-error");
        view! {
            <section>
                <h2>{t.actions}</h2>
                {(item.state == AttentionState::Open).then(|| view! {
                    <form method="post" action=action.clone()>
                        <Csrf token=staff.csrf.clone()/>
                        <input type="hidden" name="action" value="take"/>
                        <button type="submit">{t.take}</button>
                    </form>
                })}
                <form method="post" action=action.clone() class="office-form">
                    <Csrf token=staff.csrf.clone()/>
                    <input type="hidden" name="action" value="comment"/>
                    <div class="field">
                        <label for="comment">{t.comment}</label>
                        {problem.map(|p| view! { <p class="field-error" id="comment-error">{p}</p> })}
                        <textarea id="comment" name="body" aria-describedby=described autofocus=problem.is_some()>{typed.to_string()}</textarea>
                    </div>
                    <button type="submit">{t.add_comment}</button>
                </form>
                <form method="post" action=action class="office-form">
                    <Csrf token=staff.csrf.clone()/>
                    <input type="hidden" name="action" value="close"/>
                    <div class="field">
                        <label for="closing">{t.closing_note}</label>
                        <textarea id="closing" name="body"></textarea>
                    </div>
                    <button type="submit">{t.close}</button>
                </form>
            </section>
        }
    });
    let app_link = item.application_id.clone().map(|a| {
        let href = format!("/backoffice/applications/{a}");
        view! { <p><a href=href>{t.open_application}</a></p> }
    });
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let path = format!("/backoffice/attention/{id}");
    Ok(page(
        Some(staff),
        lang,
        &path,
        t.item_title,
        status,
        view! {
            <p><a href="/backoffice/attention">{t.attention_title}</a></p>
            <h1>{concern_text(lang, &item)}</h1>
            <dl class="data-list">
                <dt>{t.raised}</dt><dd>{moment(lang, item.created_at)}</dd>
                <dt>{t.state}</dt><dd>{state_text(lang, item.state)}</dd>
                <dt>{t.held_by}</dt><dd>{item.taken_by_email.clone().unwrap_or_else(|| "–".into())}</dd>
                <dt>{t.closed_by}</dt><dd>{item.closed_by_email.clone().unwrap_or_else(|| "–".into())}</dd>
                <dt>{t.detail}</dt><dd>{item.detail.clone().unwrap_or_default()}</dd>
            </dl>
            {app_link}
            <section><h2>{t.comments}</h2>{comments}</section>
            {forms}
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct HandleForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    body: String,
}

pub(crate) async fn handle(
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<HandleForm>,
) -> OfficeResult {
    staff.require(Role::Reviewer)?;
    staff.check_form(&form.csrf)?;
    let body = form.body.trim();
    let handling = match form.action.as_str() {
        "take" => Handling::Take,
        "comment" if body.is_empty() => {
            return item_view(&staff, &id, Some(staff.lang.staff().comment_required), "").await;
        }
        "comment" | "close" if super::unusable_text(body) => {
            let t = staff.lang.staff();
            return item_view(
                &staff,
                &id,
                Some(t.text_unusable),
                &super::shown_again(body),
            )
            .await;
        }
        "comment" => Handling::Comment(body.to_string()),
        "close" => Handling::Close((!body.is_empty()).then(|| body.to_string())),
        _ => return Err(OfficeError::NotFound),
    };
    let item = history::item(&staff.office.db, &id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    history::handle(&staff.office.db, &id, &staff.account.id, &handling).await?;
    staff
        .audit(
            &format!("attention_{}", form.action),
            item.application_id.as_deref(),
            Some(&id),
        )
        .await?;
    if let Some(app) = &item.application_id {
        history::record(
            &staff.office.db.writer,
            staff.office.db.now_ms(),
            app,
            history::Happened::Staff,
            &format!("attention_{} {}", form.action, item.kind),
            Some(&staff.actor()),
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/backoffice/attention/{id}")).into_response())
}
