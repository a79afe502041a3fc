//! The return page's status read, as a Leptos server function: `GET /api/status` answers the
//! identification status of the session's application as JSON (`"pending"`). The status
//! script polls it whenever the live stream is cut or held back (proxies in front of banks
//! often buffer event streams): the stream is the fast path, this the fallback, and the page's
//! own reload without JavaScript the floor. Like the stream, it reads our database, never
//! Solaris.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use tower_sessions::Session;

use super::state::JourneyState;

/// Where the server function answers; the routes mount [`serve`] here.
pub(crate) const PATH: &str = "/api/status";

/// The status of the session's application, as the live stream would send it.
#[server(prefix = "/api", endpoint = "status", input = GetUrl)]
pub async fn identification_status() -> Result<String, ServerFnError> {
    let state = use_context::<JourneyState>()
        .ok_or_else(|| ServerFnError::new("the journey's state is not provided"))?;
    let session: Session = leptos_axum::extract().await?;
    let id = super::session::application_id(&session)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "reading the session for the status read");
            ServerFnError::new("unavailable")
        })?
        .ok_or_else(|| ServerFnError::new("no application"))?;
    match crate::db::applications::live_status(&state.db, &id).await {
        Ok(Some(status)) => Ok(status.as_str().to_string()),
        Ok(None) => Err(ServerFnError::new("no application")),
        Err(e) => {
            tracing::error!(error = %e, "reading the status for the status read");
            Err(ServerFnError::new("unavailable"))
        }
    }
}

/// `GET /api/status`: the server function, through `leptos_axum`, with the journey's state in
/// its context; never cached, since it follows a status that changes.
pub async fn serve(State(state): State<JourneyState>, req: Request) -> Response {
    let mut res =
        leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req)
            .await
            .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
