//! The application a customer's session holds, and the way back to its step.

use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::paths::StepPath;
use crate::db::{applications, Db, StoreError};

/// The session key holding the application's id.
pub(crate) const APPLICATION_KEY: &str = "application_id";

/// The session key set when this browser joined the application with the link for another
/// device (the QR code, or its mail): the call runs here, not on the computer it started on.
pub(crate) const OTHER_DEVICE_KEY: &str = "other_device";

/// This browser joined its application with the link for another device.
pub(crate) async fn on_other_device(session: &Session) -> bool {
    matches!(session.get::<bool>(OTHER_DEVICE_KEY).await, Ok(Some(true)))
}

/// The id of the session's application, if it has one; an error when the session store
/// cannot say.
pub async fn application_id(session: &Session) -> Result<Option<String>, StoreError> {
    session
        .get::<String>(APPLICATION_KEY)
        .await
        .map_err(|e| StoreError::Session(e.to_string()))
}

/// The redirect to the step the session's application is at, if it has one; an error when
/// storage cannot say, so that nobody starts a second application because of it. A withdrawn
/// application is not resumed: the browser may start a new one (its page stays reachable at
/// `/withdraw` until then).
pub async fn resume(db: &Db, session: &Session) -> Result<Option<Response>, StoreError> {
    let Some(id) = application_id(session).await? else {
        return Ok(None);
    };
    let Some(app) = applications::load(db, &id).await? else {
        return Ok(None);
    };
    if app.withdrawn {
        return Ok(None);
    }
    let step = crate::db::applications::current_step(db, &app).await?;
    Ok(Some(Redirect::to(step.path()).into_response()))
}
