//! The request journal: a bounded ring of the CRM.COM calls the emulator
//! answered, for tests that assert what a client sent. Bodies are kept as
//! the bytes that travelled and redacted when read, so recording costs a
//! reference count, and no reader can ever see a secret.

use crate::params::Params;
use actix_web::web::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;

/// Bodies larger than this are journaled as their size only, so a full
/// journal stays within a few hundred MiB even of the largest requests.
pub const MAX_JOURNALED_BODY: usize = 16 * 1024;

/// Shown instead of every secret.
pub const REDACTED: &str = "<redacted>";

/// Parameter and reply keys whose values are secrets: login tokens,
/// passwords, pass codes, verification codes and one-time passwords.
fn is_secret(key: &str) -> bool {
    matches!(
        key,
        "token" | "password" | "jwt" | "verification_code" | "one_time_password"
    ) || key.contains("pass_code")
}

/// What travelled, as recorded.
#[derive(Clone)]
enum Captured {
    None,
    /// A POST body or a reply.
    Body(Bytes),
    /// A GET query string.
    Query(String),
    /// Over `MAX_JOURNALED_BODY`.
    Omitted(usize),
}

impl Captured {
    fn body(bytes: Bytes) -> Captured {
        match bytes.len() {
            0 => Captured::None,
            n if n > MAX_JOURNALED_BODY => Captured::Omitted(n),
            _ => Captured::Body(bytes),
        }
    }

    /// The redacted JSON form. A body that is not JSON is shown by size only,
    /// since its text might hold a secret no key names.
    fn redacted(&self) -> Value {
        match self {
            Captured::None => Value::Null,
            Captured::Omitted(n) => json!({ "omitted_bytes": n }),
            Captured::Query(query) => match Params::from_query(query) {
                Ok(params) => redact(Value::Object(params.as_map().clone())),
                Err(_) => json!({ "undecodable_query_bytes": query.len() }),
            },
            Captured::Body(bytes) => match serde_json::from_slice::<Value>(bytes) {
                Ok(value) => redact(value),
                Err(_) => json!({ "not_json_bytes": bytes.len() }),
            },
        }
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

/// One call as it is recorded (private: its bodies are unredacted).
struct Recorded {
    id: u64,
    at: DateTime<Utc>,
    call: Call,
    request: Captured,
    reply: Captured,
}

/// What the dispatcher reports about one answered call.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// The organisation of the session or of the login, when known.
    pub organisation: Option<String>,
    /// The CRM.COM method (`access_tokens/show`), or the path for an unknown one.
    pub method: String,
    pub http_method: String,
    pub http_status: u16,
    /// `status.code` of the reply.
    pub status_code: String,
    pub latency_us: u64,
    /// The id of the fault that answered, if one did.
    pub fault: Option<u64>,
}

/// One journal entry as readers see it: secrets redacted.
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    /// Increasing from 1 over the emulator's life; never reused after a clear.
    pub id: u64,
    /// Wall-clock time the call arrived (not the emulator's clock).
    pub at: String,
    #[serde(flatten)]
    pub call: Call,
    pub request: Value,
    pub reply: Value,
}

/// Which entries a reader wants; every field set must match.
#[derive(Debug, Clone, Default)]
pub struct JournalFilter {
    pub organisation: Option<String>,
    pub method: Option<String>,
    /// An HTTP status (`200`) or a `status.code` (`OK`, `COM.CRM...`).
    pub status: Option<String>,
    /// Entries that arrived at or after this wall-clock instant.
    pub since: Option<DateTime<Utc>>,
    /// Entries with an id greater than this (polling without repeats).
    pub after_id: Option<u64>,
    /// At most this many, the newest.
    pub limit: Option<usize>,
}

impl JournalFilter {
    fn accepts(&self, r: &Recorded) -> bool {
        let org_ok = self.organisation.as_ref().is_none_or(|want| {
            r.call
                .organisation
                .as_ref()
                .is_some_and(|o| o.eq_ignore_ascii_case(want.trim()))
        });
        let status_ok = self.status.as_ref().is_none_or(|s| {
            s == &r.call.status_code || s.parse::<u16>().ok() == Some(r.call.http_status)
        });
        org_ok
            && status_ok
            && self.method.as_ref().is_none_or(|m| m == &r.call.method)
            && self.since.is_none_or(|since| r.at >= since)
            && self.after_id.is_none_or(|after| r.id > after)
    }
}

struct Ring {
    next_id: u64,
    entries: VecDeque<Recorded>,
}

/// The bounded journal. `capacity` 0 records nothing.
pub struct Journal {
    capacity: usize,
    ring: Mutex<Ring>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl Journal {
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            ring: Mutex::new(Ring {
                next_id: 1,
                entries: VecDeque::with_capacity(capacity.min(1024)),
            }),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.ring.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records a call with its POST body (or GET query) and reply body; the
    /// oldest entry goes when the journal is full.
    pub fn record(&self, at: DateTime<Utc>, call: Call, body: Bytes, query: &str, reply: Bytes) {
        if self.capacity == 0 {
            return;
        }
        let request = if body.is_empty() && !query.is_empty() {
            Captured::Query(query.chars().take(MAX_JOURNALED_BODY).collect())
        } else {
            Captured::body(body)
        };
        let reply = Captured::body(reply);
        let mut ring = self.ring.lock();
        let id = ring.next_id;
        ring.next_id += 1;
        if ring.entries.len() == self.capacity {
            ring.entries.pop_front();
        }
        ring.entries.push_back(Recorded {
            id,
            at,
            call,
            request,
            reply,
        });
    }

    /// The matching entries, oldest first, redacted. The ring's lock is held
    /// only to pick them; redaction runs after.
    pub fn entries(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        let picked: Vec<(u64, DateTime<Utc>, Call, Captured, Captured)> = {
            let ring = self.ring.lock();
            let matching = ring.entries.iter().filter(|r| filter.accepts(r));
            let mut picked: Vec<_> = match filter.limit {
                // Newest `limit`, still oldest first.
                Some(limit) => {
                    let mut newest: Vec<_> = matching.rev().take(limit).collect();
                    newest.reverse();
                    newest
                }
                None => matching.collect(),
            }
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    r.at,
                    r.call.clone(),
                    r.request.clone(),
                    r.reply.clone(),
                )
            })
            .collect();
            picked.shrink_to_fit();
            picked
        };
        picked
            .into_iter()
            .map(|(id, at, call, request, reply)| JournalEntry {
                id,
                at: at.to_rfc3339_opts(SecondsFormat::Millis, true),
                call,
                request: request.redacted(),
                reply: reply.redacted(),
            })
            .collect()
    }

    /// Empties the journal; ids keep increasing.
    pub fn clear(&self) {
        self.ring.lock().entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(method: &str) -> Call {
        Call {
            organisation: Some("Org".into()),
            method: method.into(),
            http_method: "POST".into(),
            http_status: 200,
            status_code: "OK".into(),
            latency_us: 1,
            fault: None,
        }
    }

    #[test]
    fn the_ring_keeps_the_newest_entries_up_to_its_capacity() {
        let journal = Journal::new(3);
        for n in 0..5 {
            journal.record(
                Utc::now(),
                call(&format!("m{n}")),
                Bytes::new(),
                "",
                Bytes::new(),
            );
        }
        let all = journal.entries(&JournalFilter::default());
        assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), [3, 4, 5]);
        let newest = journal.entries(&JournalFilter {
            limit: Some(1),
            ..Default::default()
        });
        assert_eq!(newest[0].call.method, "m4");
    }

    #[test]
    fn secrets_are_redacted_at_any_depth_and_in_queries() {
        let journal = Journal::new(10);
        let body = br#"{"token":"T","access_token_identifier":{"identifier":"i","pass_code":"p"},"new_pass_code":"n"}"#;
        let reply = br#"{"data":{"token":"jwt","random_pass_code":"123456","one_time_password":"654321","verification_code":null}}"#;
        journal.record(
            Utc::now(),
            call("x"),
            Bytes::from_static(body),
            "",
            Bytes::from_static(reply),
        );
        journal.record(
            Utc::now(),
            call("y"),
            Bytes::new(),
            "token=secret-token&number=3",
            Bytes::from_static(b"not json with secret"),
        );
        let text =
            serde_json::to_string(&journal.entries(&JournalFilter::default())).expect("json");
        for secret in [
            "\"T\"", "\"p\"", "\"n\"", "jwt", "123456", "654321", "secret",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("\"identifier\":\"i\""), "{text}");
        assert!(text.contains("\"number\":\"3\""), "{text}");
    }
}
