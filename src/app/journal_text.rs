//! What the journal keeps of a request and a reply: redacted JSON text,
//! made once as the call is recorded.

use crate::api::params::Params;
use crate::app::redacted_json::redacted_json;
use crate::app::redaction::redact;
use actix_web::web::Bytes;
use serde_json::{json, Value};

/// Bodies larger than this are journaled as their size only.
pub const MAX_JOURNALED_BODY: usize = 16 * 1024;

/// Reply keys under which the emulator's own replies carry a secret, as
/// they are spelt there: a reply holding none of them is kept as it is,
/// shared with the reply, without a second pass over it.
const REPLY_SECRET_KEYS: [&[u8]; 7] = [
    b"token\"",
    b"password\"",
    b"pass_code\"",
    b"verification_code\"",
    b"jwt\"",
    b"key\"",
    b"secret\"",
];

fn value_text(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// The POST body, or else the GET query, as redacted JSON: `null` when
/// there is neither, its size alone when it is over 16 KiB or not JSON.
pub fn request_json(body: &Bytes, query: &str) -> Bytes {
    if body.is_empty() && !query.is_empty() {
        if query.len() > MAX_JOURNALED_BODY {
            return value_text(&json!({ "omitted_bytes": query.len() }));
        }
        return match Params::from_query(query) {
            Ok(params) => value_text(&redact(Value::Object(params.as_map().clone()))),
            Err(_) => value_text(&json!({ "undecodable_query_bytes": query.len() })),
        };
    }
    body_json(body)
}

/// A body as redacted JSON text (see `request_json`).
fn body_json(body: &Bytes) -> Bytes {
    match body.len() {
        0 => Bytes::from_static(b"null"),
        n if n > MAX_JOURNALED_BODY => value_text(&json!({ "omitted_bytes": n })),
        n => match redacted_json(body) {
            Some(text) => Bytes::from(text),
            None => value_text(&json!({ "not_json_bytes": n })),
        },
    }
}

/// The reply as redacted JSON text: shared as it is when no secret key is
/// in it, else redacted like a request.
pub fn reply_json(reply: &Bytes) -> Bytes {
    let clean = reply.len() <= MAX_JOURNALED_BODY
        && !REPLY_SECRET_KEYS
            .iter()
            .any(|key| memchr::memmem::find(reply, key).is_some());
    if clean && !reply.is_empty() {
        reply.clone()
    } else {
        body_json(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_without_secrets_is_shared_and_one_with_them_redacted() {
        let plain = Bytes::from_static(br#"{"data":{"number":"1"}}"#);
        assert_eq!(reply_json(&plain).as_ptr(), plain.as_ptr());
        let login = Bytes::from_static(br#"{"data":{"token":"eyJ.x.y"}}"#);
        assert_eq!(
            &reply_json(&login)[..],
            br#"{"data":{"token":"<redacted>"}}"#
        );
    }

    #[test]
    fn requests_are_kept_redacted_or_by_size() {
        let body = Bytes::from_static(br#"{"Password":"S3cr3t-Value","username":"u"}"#);
        assert_eq!(
            &request_json(&body, "")[..],
            br#"{"Password":"<redacted>","username":"u"}"#
        );
        let query = "TOKEN=abc&accounts_receivable_identifier=one_time_password=036246";
        let text = request_json(&Bytes::new(), query);
        assert!(!String::from_utf8_lossy(&text).contains("abc"));
        assert!(!String::from_utf8_lossy(&text).contains("036246"));
        assert_eq!(
            &request_json(&Bytes::from_static(b"not json"), "")[..],
            br#"{"not_json_bytes":8}"#
        );
        assert_eq!(&request_json(&Bytes::new(), "")[..], b"null");
    }
}
