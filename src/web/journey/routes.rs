//! The journey's routes: one line per page and form.

use axum::routing::{get, post};
use axum::Router;

use super::{
    checklist, complete, consent, contact, documents, elsewhere, guard, ineligible, live, person,
    preparing, redirect, reminders, resume, review, start, status, status_read, withdraw,
};
use axum::extract::FromRef;

use super::state::JourneyState;
use crate::db::Db;

/// The journey's routes, for any state the [`JourneyState`] comes from.
pub(crate) fn router<S>(journey: JourneyState) -> Router<S>
where
    JourneyState: FromRef<S>,
    Db: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(
            "/terms",
            get(consent::terms_page).post(consent::accept_terms),
        )
        .route(
            "/privacy",
            get(consent::privacy_page).post(consent::accept_privacy),
        )
        .route(
            "/details/person",
            get(person::person_page).post(person::save_person),
        )
        .route(
            "/details/contact",
            get(contact::contact_page).post(contact::save_contact),
        )
        .route("/not-eligible", get(ineligible::ineligible_page))
        .route("/review", get(review::review_page).post(review::confirm))
        .route("/preparing", get(preparing::preparing_page))
        .route(
            "/documents",
            get(documents::documents_page).post(documents::save_documents),
        )
        .route("/documents/none", get(documents::no_document_page))
        .route(
            "/checklist",
            get(checklist::checklist_page).post(checklist::checklist_done),
        )
        .route(
            "/identification/start",
            get(redirect::redirect_page).post(redirect::go_to_idnow),
        )
        .route("/identification/return", get(status::status_page))
        .route("/identification/events", get(live::events))
        .route(status_read::PATH, get(status_read::serve))
        .route("/identification/new", post(redirect::new_identification))
        .route("/complete", get(complete::complete_page))
        .route(
            "/withdraw",
            get(withdraw::withdraw_page).post(withdraw::withdraw),
        )
        .route("/resume/{token}", get(resume::arrive))
        .route(
            resume::RESUME_PATH,
            get(resume::resume_page).post(resume::check_birth_date),
        )
        .route("/reminders/stop/{token}", get(reminders::arrive_opt_out))
        .route(
            reminders::REMINDERS_PATH,
            get(reminders::reminders_page).post(reminders::stop_reminders),
        )
        .route("/continue-elsewhere", post(elsewhere::mail_device_link))
        .layer(axum::middleware::from_fn_with_state(
            journey,
            guard::protect,
        ))
        // The start carries no token yet (the welcome page has no session); it checks the
        // `Origin` itself.
        .route("/start", post(start::start))
}
