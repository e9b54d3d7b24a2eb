//! What the journal keeps of a request and a reply: redacted JSON text,
//! made once as the call is recorded.

use crate::api::params::Params;
use crate::app::redacted_json::{redacted_json, redacted_object_json};
use actix_web::web::Bytes;
use serde_json::{json, Value};

/// Bodies larger than this are journaled as their size only.
pub const MAX_JOURNALED_BODY: usize = 16 * 1024;

/// Reply keys under which the emulator's own replies carry a secret, with
/// a string value, as serde writes them there (compact): a reply holding
/// none of them is kept as it is, shared with the reply, without a second
/// pass over it. `"verification_code":null`, in every access token without
/// one, is no secret. `password":"` also finds `one_time_password`, and
/// `pass_code":"` `random_pass_code`.
const REPLY_SECRET_KEYS: [&[u8]; 4] = [
    b"token\":\"",
    b"password\":\"",
    b"pass_code\":\"",
    b"verification_code\":\"",
];

/// The searchers for `REPLY_SECRET_KEYS`, built once. (One aho-corasick
/// automaton for the four was slower than these four SIMD passes: show fell
/// to a third.)
fn reply_secret_finders() -> &'static [memchr::memmem::Finder<'static>] {
    static FINDERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    FINDERS.get_or_init(|| {
        REPLY_SECRET_KEYS
            .iter()
            .map(memchr::memmem::Finder::new)
            .collect()
    })
}

fn value_text(value: &Value) -> Bytes {
    let mut text = serde_json::to_vec(value).unwrap_or_default();
    // Kept and counted by its length: no uncounted room.
    text.shrink_to_fit();
    Bytes::from(text)
}

/// The POST body, or else the GET query, as redacted JSON: `null` when
/// there is neither, its size alone when it is over 16 KiB or not JSON.
pub fn request_json(body: &Bytes, query: &str) -> Bytes {
    if body.is_empty() && !query.is_empty() {
        if query.len() > MAX_JOURNALED_BODY {
            return value_text(&json!({ "omitted_bytes": query.len() }));
        }
        return match Params::from_query(query) {
            Ok(params) => params_json(params.as_map(), query.len()),
            Err(_) => value_text(&json!({ "undecodable_query_bytes": query.len() })),
        };
    }
    body_json(body)
}

/// Parameters the call has already parsed (from a body of `sent_bytes`,
/// or a query) as redacted JSON text, as `request_json` would make them
/// from the bytes, without parsing them again.
pub fn params_json(params: &serde_json::Map<String, Value>, sent_bytes: usize) -> Bytes {
    if sent_bytes > MAX_JOURNALED_BODY {
        return value_text(&json!({ "omitted_bytes": sent_bytes }));
    }
    if sent_bytes == 0 && params.is_empty() {
        return Bytes::from_static(b"null");
    }
    let mut text = redacted_object_json(params);
    text.shrink_to_fit();
    Bytes::from(text)
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

/// The reply of `method` as redacted JSON text: shared as it is when no
/// secret key is in it, else redacted like a request.
pub fn reply_json(reply: &Bytes, method: &str) -> Bytes {
    // An `=` may be a value that names a secret (`one_time_password=…`
    // echoed in a description): such a reply is redacted like a request.
    // A communication's `content` carries the code it sent: those replies
    // are always redacted (they are rare; no search slows the others).
    let clean = reply.len() <= MAX_JOURNALED_BODY
        && !method.starts_with("communications/")
        && memchr::memchr(b'=', reply).is_none()
        && !reply_secret_finders()
            .iter()
            .any(|finder| finder.find(reply).is_some());
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
        let plain = Bytes::from_static(br#"{"data":{"number":"1","verification_code":null}}"#);
        assert_eq!(
            reply_json(&plain, "access_tokens/show").as_ptr(),
            plain.as_ptr()
        );
        let pending = Bytes::from_static(br#"{"data":{"verification_code":"273562"}}"#);
        assert_eq!(
            &reply_json(&pending, "access_tokens/show")[..],
            br#"{"data":{"verification_code":"<redacted>"}}"#
        );
        let login = Bytes::from_static(br#"{"data":{"token":"eyJ.x.y"}}"#);
        assert_eq!(
            &reply_json(&login, "authentication/token")[..],
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
