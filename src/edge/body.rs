//! Reading a request body within the limits: at most `--max-body-bytes`,
//! within `--body-timeout-ms`.

use crate::core::config::Config;
use crate::core::error::{ApiError, ApiResult};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest};
use futures_util::{FutureExt, StreamExt};
use std::time::Duration;

/// Reads the body, refusing more than `limit` bytes (once inflated, when
/// it came compressed), and cutting off a client that takes longer than
/// `--body-timeout-ms` to send it.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    config: &Config,
) -> ApiResult<Bytes> {
    let mut reading = std::pin::pin!(read_limited(req, payload, limit));
    // Most bodies arrive with their head: read them without arming a timer.
    let read = match reading.as_mut().now_or_never() {
        Some(read) => read,
        None => {
            let allowed = Duration::from_millis(config.body_timeout_ms);
            actix_web::rt::time::timeout(allowed, reading)
                .await
                .unwrap_or(Err(ApiError::RequestTimeout {
                    limit_ms: config.body_timeout_ms,
                }))
        }
    };
    crate::edge::content_coding::decoded(req, read?, limit)
}

/// An oversize body up to this size is read and dropped before the 413 is
/// sent, so a client that writes its whole body before reading (most do)
/// gets the reply at once rather than a stalled write; a larger one is
/// refused as soon as its `Content-Length` is seen.
const DRAINED_AT_MOST: usize = 16 * 1024 * 1024;

async fn read_limited(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> ApiResult<Bytes> {
    let too_large = ApiError::PayloadTooLarge { limit };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit.max(DRAINED_AT_MOST)) {
        return Err(too_large);
    }
    // A body that arrives in one chunk (nearly all) is kept as that chunk,
    // without a copy; only a body in pieces is gathered.
    let mut first: Option<Bytes> = None;
    let mut gathered: Vec<u8> = Vec::new();
    let mut received = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::InvalidRequest("the request body could not be read".into()))?;
        received = received.saturating_add(chunk.len());
        if received > limit {
            first = None;
            gathered = Vec::new();
            if received > DRAINED_AT_MOST {
                return Err(too_large);
            }
            continue;
        }
        match first.take() {
            None if gathered.is_empty() => first = Some(chunk),
            earlier => {
                if gathered.is_empty() {
                    gathered.reserve(declared.unwrap_or(0).min(limit));
                }
                if let Some(earlier) = earlier {
                    gathered.extend_from_slice(&earlier);
                }
                gathered.extend_from_slice(&chunk);
            }
        }
    }
    if received > limit {
        return Err(too_large);
    }
    Ok(first.unwrap_or_else(|| Bytes::from(gathered)))
}
