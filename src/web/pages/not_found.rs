//! The page for any path we do not serve.

use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::Extension;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::web::render;

/// Any path we do not serve.
pub async fn not_found(Extension(lang): Extension<Lang>, uri: Uri) -> Response {
    let t = lang.t();
    render::page(
        lang,
        uri.path(),
        t.not_found_title,
        StatusCode::NOT_FOUND,
        None,
        view! {
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_text}</p>
            <p><a href="/">{t.back_home}</a></p>
        },
    )
}
