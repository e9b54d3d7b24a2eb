//! Request bodies sent compressed (`Content-Encoding: gzip` or `deflate`,
//! as some HTTP clients and proxies send them) are inflated before they are
//! read, with the size limit applied to what they inflate to, so a small
//! zip bomb is refused like a large body. Any other coding is refused with
//! an envelope that names it.

use crate::core::error::{ApiError, ApiResult};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpRequest;
use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};
use std::io::Read;

/// `body` as sent, undone coding by coding (the last applied first), at
/// most `limit` bytes once inflated.
pub fn decoded(req: &HttpRequest, body: Bytes, limit: usize) -> ApiResult<Bytes> {
    // A body-less request (a GET) stays empty whatever it is labelled.
    if body.is_empty() {
        return Ok(body);
    }
    // Every Content-Encoding header, in order, each a comma-separated list.
    let mut codings = Vec::new();
    for value in req.headers().get_all(header::CONTENT_ENCODING) {
        let text = value.to_str().map_err(|_| unsupported("(not text)"))?;
        codings.extend(text.split(',').map(str::trim).filter(|c| !c.is_empty()));
    }
    let mut body = body;
    for coding in codings.into_iter().rev() {
        body = match coding.to_ascii_lowercase().as_str() {
            "identity" => body,
            // Every member of a gzip stream, as `gzip -c a b` writes them.
            "gzip" | "x-gzip" => inflate(MultiGzDecoder::new(&body[..]), limit, "gzip")?,
            // HTTP's `deflate` is the zlib format; some clients send raw
            // deflate data under the name, which is accepted too (but a
            // body over the limit is over it in either format).
            "deflate" => match inflate(ZlibDecoder::new(&body[..]), limit, "deflate") {
                Err(ApiError::InvalidRequest(_)) => {
                    inflate(DeflateDecoder::new(&body[..]), limit, "deflate")?
                }
                inflated => inflated?,
            },
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
