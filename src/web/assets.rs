//! The stylesheet and the status script under fingerprinted names (`/assets/main-<hash>.css`):
//! a new build changes the name, so browsers may keep each file for a year without asking.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The compiled stylesheet (`style/main.scss`, compiled by build.rs).
pub const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/main.css"));
/// The return page's live-status script.
const STATUS_JS: &str = include_str!("../../public/status.js");

struct Asset {
    name: String,
    content_type: &'static str,
    body: &'static str,
}

fn fingerprinted(
    stem: &str,
    extension: &str,
    content_type: &'static str,
    body: &'static str,
) -> Asset {
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    Asset {
        name: format!("{stem}-{}.{extension}", &hash[..16]),
        content_type,
        body,
    }
}

static ASSETS: LazyLock<[Asset; 2]> = LazyLock::new(|| {
    [
        fingerprinted("main", "css", "text/css; charset=utf-8", STYLE),
        fingerprinted("status", "js", "text/javascript; charset=utf-8", STATUS_JS),
    ]
});

/// Where pages link the stylesheet.
pub fn style_href() -> String {
    format!("/assets/{}", ASSETS[0].name)
}

/// Where the return page loads its script.
pub fn status_script_src() -> String {
    format!("/assets/{}", ASSETS[1].name)
}

/// `GET /assets/{name}`: a fingerprinted file, cached for a year; any other name is a 404.
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            asset.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
