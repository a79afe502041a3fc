//! Solaris pagination: `page[number]`, `page[size]` (default 10, at most 1000), a bare JSON
//! array and the `total`, `per-page` and `link` headers.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use super::Sandbox;

#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    #[serde(rename = "page[number]")]
    pub number: Option<String>,
    #[serde(rename = "page[size]")]
    pub size: Option<String>,
}

fn parse(value: &Option<String>, default: usize, field: &str) -> ApiResult<usize> {
    match value {
        None => Ok(default),
        Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_pagination",
                "Invalid Pagination",
                format!("{field} must be a positive integer"),
            )
        }),
    }
}

pub(crate) fn paginate(
    sandbox: &Sandbox,
    path: &str,
    page: &PageQuery,
    items: Vec<Value>,
) -> ApiResult<Response> {
    let number = parse(&page.number, 1, "page[number]")?;
    let size = parse(&page.size, 10, "page[size]")?.min(1000);
    let total = items.len();
    let last = total.div_ceil(size).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((number - 1) * size)
        .take(size)
        .collect();
    let base = sandbox.url(path);
    let link =
        |n: usize, rel: &str| format!("<{base}?page[number]={n}&page[size]={size}>; rel=\"{rel}\"");
    let mut links = vec![link(1, "first"), link(last, "last")];
    if number > 1 {
        links.push(link(number - 1, "prev"));
    }
    if number < last {
        links.push(link(number + 1, "next"));
    }
    let mut res = Json(slice).into_response();
    let headers = res.headers_mut();
    headers.insert("total", HeaderValue::from(total));
    headers.insert("per-page", HeaderValue::from(size));
    if let Ok(v) = HeaderValue::from_str(&links.join(", ")) {
        headers.insert("link", v);
    }
    Ok(res)
}
