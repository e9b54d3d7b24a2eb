//! Request bodies sent compressed (`Content-Encoding: gzip` or `deflate`,
//! as some HTTP clients and proxies send them) are inflated before they are
//! read, with the size limit applied to what they inflate to, so a small
//! zip bomb is refused like a large body. Any other coding is refused with
//! an envelope that names it.

use crate::core::error::{ApiError, ApiResult};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpRequest;
use flate2::read::{DeflateDecoder, GzDecoder, ZlibDecoder};
use std::io::Read;

/// `body` as sent, undone coding by coding (the last applied first), at
/// most `limit` bytes once inflated.
pub fn decoded(req: &HttpRequest, body: Bytes, limit: usize) -> ApiResult<Bytes> {
    // A body-less request (a GET) stays empty whatever it is labelled.
    let Some(value) = req
        .headers()
        .get(header::CONTENT_ENCODING)
        .filter(|_| !body.is_empty())
    else {
        return Ok(body);
    };
    let codings = value.to_str().map_err(|_| unsupported("(not text)"))?;
    let mut body = body;
    for coding in codings.rsplit(',').map(str::trim).filter(|c| !c.is_empty()) {
        body = match coding.to_ascii_lowercase().as_str() {
            "identity" => body,
            "gzip" | "x-gzip" => inflate(GzDecoder::new(&body[..]), limit, "gzip")?,
            // HTTP's `deflate` is the zlib format; some clients send raw
            // deflate data under the name, which is accepted too.
            "deflate" => inflate(ZlibDecoder::new(&body[..]), limit, "deflate")
                .or_else(|_| inflate(DeflateDecoder::new(&body[..]), limit, "deflate"))?,
            _ => return Err(unsupported(coding)),
        };
    }
    Ok(body)
}

fn unsupported(coding: &str) -> ApiError {
    ApiError::InvalidRequest(format!(
        "the Content-Encoding {coding} is not supported: send the body as it is, or with gzip or deflate"
    ))
}

/// Reads `decoder` to its end, refusing more than `limit` bytes.
fn inflate(decoder: impl Read, limit: usize, name: &str) -> ApiResult<Bytes> {
    let mut out = Vec::new();
    let read = decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| {
            ApiError::InvalidRequest(format!(
                "the request body is not valid {name} data (Content-Encoding: {name})"
            ))
        })?;
    if read > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok(Bytes::from(out))
}
