//! Secrets out of everything the emulator keeps or shows besides the
//! documented replies: which names are secrets, and the redacted JSON of a
//! request body, a query or a reply (the journal, the request log).

use crate::api::params::Params;
use serde_json::{json, Map, Value};

/// Bodies larger than this are journaled as their size only, so a full
/// journal stays within a few hundred MiB even of the largest requests.
pub const MAX_JOURNALED_BODY: usize = 16 * 1024;

/// Shown instead of every secret.
pub const REDACTED: &str = "<redacted>";

/// The names of secrets: login tokens, passwords, pass codes (also inside
/// longer names, such as `random_pass_code`), verification codes and
/// one-time passwords.
pub const SECRET_NAMES: [&str; 6] = [
    "token",
    "password",
    "jwt",
    "verification_code",
    "one_time_password",
    "pass_code",
];

/// Whether a parameter or reply key holds a secret.
pub fn is_secret(key: &str) -> bool {
    matches!(
        key,
        "token" | "password" | "jwt" | "verification_code" | "one_time_password"
    ) || key.contains("pass_code")
}

/// How the request travelled, for reading it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestKind {
    None,
    /// A POST body.
    Body,
    /// A GET query string.
    Query,
    /// Over `MAX_JOURNALED_BODY`: only its size is kept.
    Omitted(usize),
}

/// The redacted JSON form of a request or reply. A body that is not JSON is
/// shown by size only, since its text might hold a secret no key names.
pub(crate) fn redacted(kind: RequestKind, bytes: &[u8]) -> Value {
    match kind {
        RequestKind::None => Value::Null,
        RequestKind::Omitted(n) => json!({ "omitted_bytes": n }),
        RequestKind::Query => match std::str::from_utf8(bytes).map(Params::from_query) {
            Ok(Ok(params)) => redact(Value::Object(params.as_map().clone())),
            _ => json!({ "undecodable_query_bytes": bytes.len() }),
        },
        RequestKind::Body => match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => redact(value),
            Err(_) => json!({ "not_json_bytes": bytes.len() }),
        },
    }
}

/// A GET query string as redacted JSON (for the request log).
pub fn redacted_query(query: &str) -> Value {
    redacted(
        kind_of(query.as_bytes(), RequestKind::Query),
        query.as_bytes(),
    )
}

pub(crate) fn kind_of(bytes: &[u8], present: RequestKind) -> RequestKind {
    match bytes.len() {
        0 => RequestKind::None,
        n if n > MAX_JOURNALED_BODY => RequestKind::Omitted(n),
        _ => present,
    }
}

/// Replaces the value of every secret key, at any depth.
pub fn redact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if is_secret(&k) && !v.is_null() {
                        Value::String(REDACTED.into())
                    } else {
                        redact(v)
                    };
                    (k, v)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        other => other,
    }
}
