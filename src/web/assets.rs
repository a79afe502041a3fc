//! The stylesheet and the status script under fingerprinted names (`/assets/main-<hash>.css`):
//! a new build changes the name, so browsers may keep each file for a year without asking.
//! They are the only responses sent compressed, each compressed once (brotli and gzip, at
//! their best) when first asked for: they hold no secret and echo nothing a client sent.
//! Pages are not compressed: they carry the session's CSRF token and echo what the customer
//! typed, which is what a BREACH attack needs to read a secret through TLS by the sizes of
//! compressed responses.

use std::io::Write;
use std::sync::{LazyLock, OnceLock};

use axum::extract::{Path, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The compiled stylesheet (`style/main.scss`, compiled by build.rs).
pub(crate) const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/main.css"));
/// The return page's live-status script.
const STATUS_JS: &str = include_str!("../../public/status.js");

struct Asset {
    name: String,
    content_type: &'static str,
    body: &'static str,
    /// Brotli and gzip, made on the first request for the file (not on the first page, which
    /// only needs its name).
    compressed: OnceLock<(Vec<u8>, Vec<u8>)>,
}

impl Asset {
    fn compressed(&self) -> &(Vec<u8>, Vec<u8>) {
        self.compressed.get_or_init(|| {
            let body = self.body.as_bytes();
            (brotli_of(body), gzip_of(body))
        })
    }
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
        compressed: OnceLock::new(),
    }
}

fn brotli_of(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params)
        .expect("compressing into memory cannot fail");
    out
}

fn gzip_of(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .expect("compressing into memory cannot fail")
}

/// How to send an asset to a client that says `accept-encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The client's choice: brotli, then gzip, when it accepts them (a `q` of 0 refuses); `*`
/// accepts either. Anything else, or no header, gets the file as it is.
fn negotiate(headers: &HeaderMap) -> Encoding {
    let (mut brotli, mut gzip, mut any) = (None, None, None);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let accepted = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next_back()
                .is_none_or(|q| q > 0.0);
            match coding.as_str() {
                "br" => brotli = Some(accepted),
                "gzip" | "x-gzip" => gzip = Some(accepted),
                "*" => any = Some(accepted),
                _ => {}
            }
        }
    }
    let any = any.unwrap_or(false);
    if brotli.unwrap_or(any) {
        Encoding::Brotli
    } else if gzip.unwrap_or(any) {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

static ASSETS: LazyLock<[Asset; 2]> = LazyLock::new(|| {
    [
        fingerprinted("main", "css", "text/css; charset=utf-8", STYLE),
        fingerprinted("status", "js", "text/javascript; charset=utf-8", STATUS_JS),
    ]
});

/// Where pages link the stylesheet.
pub(crate) fn style_href() -> String {
    format!("/assets/{}", ASSETS[0].name)
}

/// Where the return page loads its script.
pub(crate) fn status_script_src() -> String {
    format!("/assets/{}", ASSETS[1].name)
}

/// `GET /assets/{name}`: a fingerprinted file, cached for a year, compressed as the client
/// accepts; any other name is a 404.
pub(crate) async fn asset(Path(name): Path<String>, request: Request) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The request itself rather than a `HeaderMap`, which axum extracts as a copy.
    let chosen = negotiate(request.headers());
    let (encoding, body): (Option<&'static str>, &'static [u8]) = match chosen {
        Encoding::Brotli => (Some("br"), &asset.compressed().0),
        Encoding::Gzip => (Some("gzip"), &asset.compressed().1),
        Encoding::Identity => (None, asset.body.as_bytes()),
    };
    let mut res = (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response();
    if let Some(encoding) = encoding {
        res.headers_mut().insert(
            header::CONTENT_ENCODING,
            header::HeaderValue::from_static(encoding),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::{negotiate, Encoding};
    use axum::http::{header, HeaderMap, HeaderValue};

    fn asking(values: &[&'static str]) -> Encoding {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
        }
        negotiate(&headers)
    }

    #[test]
    fn brotli_then_gzip_as_the_client_accepts() {
        assert_eq!(asking(&["gzip, deflate, br, zstd"]), Encoding::Brotli);
        assert_eq!(asking(&["gzip, deflate"]), Encoding::Gzip);
        assert_eq!(asking(&["GZIP"]), Encoding::Gzip);
        assert_eq!(asking(&["br;q=0, gzip;q=0.5"]), Encoding::Gzip);
        assert_eq!(asking(&["br;q=0", "gzip;q=0"]), Encoding::Identity);
        assert_eq!(asking(&["*"]), Encoding::Brotli);
        assert_eq!(asking(&["*;q=0.1, br;q=0"]), Encoding::Gzip);
        assert_eq!(asking(&["deflate"]), Encoding::Identity);
        assert_eq!(asking(&["identity"]), Encoding::Identity);
        assert_eq!(asking(&[]), Encoding::Identity);
    }
}
