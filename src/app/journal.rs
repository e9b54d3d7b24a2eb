//! The request journal: a bounded ring of the CRM.COM calls the emulator
//! answered, for tests that assert what a client sent. Bodies are kept as
//! the bytes that travelled and redacted when read, so recording costs one
//! copy, and no reader can ever see a secret.

use crate::app::redaction::{kind_of, redacted, RequestKind};
use actix_web::web::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value;
use std::collections::VecDeque;

/// One call as it is recorded (private: its bodies are unredacted). All its
/// text and its request live in one exact-size allocation: thousands of
/// long-lived small allocations among each request's short-lived ones sent
/// glibc's malloc into free-list consolidation and halved the throughput.
struct Recorded {
    id: u64,
    at: DateTime<Utc>,
    http_status: u16,
    latency_us: u64,
    fault: Option<u64>,
    has_organisation: bool,
    request: RequestKind,
    reply: RequestKind,
    /// organisation, method, http_method, status_code; the request body
    /// (or query) follows them in `text`.
    lengths: [u32; 4],
    /// The four names and the request, copied: a request body may be a
    /// slice of the connection's read buffer, which sharing would keep
    /// alive with the entry.
    text: Bytes,
    /// The reply, shared with the reply itself (copying it was a tenth of a
    /// show's own time). Requests and replies are empty when omitted, and at
    /// most 16 KiB otherwise.
    reply_bytes: Bytes,
}

impl Recorded {
    fn request_bytes(&self) -> Bytes {
        let names: usize = self.lengths.iter().map(|&l| l as usize).sum();
        self.text.slice(names..)
    }

    fn part(&self, n: usize) -> &[u8] {
        let start: usize = self.lengths[..n].iter().map(|&l| l as usize).sum();
        &self.text[start..start + self.lengths[n] as usize]
    }

    fn text(&self, n: usize) -> String {
        String::from_utf8_lossy(self.part(n)).into_owned()
    }

    fn call(&self) -> Call {
        Call {
            organisation: self.has_organisation.then(|| self.text(0)),
            method: self.text(1),
            http_method: self.text(2),
            http_status: self.http_status,
            status_code: self.text(3),
            latency_us: self.latency_us,
            fault: self.fault,
        }
    }
}

/// One answered call: borrowed (`CallRecord`) when the dispatcher reports
/// it, owned when a reader gets it back (`JournalEntry::call`).
///
/// ```
/// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
/// let failed = emulator
///     .journal()
///     .into_iter()
///     .filter(|entry| entry.call.status_code != "OK")
///     .count();
/// assert_eq!(failed, 0);
/// ```
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Call<S = String> {
    /// The organisation of the session or of the login, when known.
    pub organisation: Option<S>,
    /// The CRM.COM method (`access_tokens/show`), or the path for an unknown one.
    pub method: S,
    /// The HTTP verb (`GET`, `POST`).
    pub http_method: S,
    /// The HTTP status answered (200 for every CRM.COM error; 0 for a
    /// connection a fault dropped).
    pub http_status: u16,
    /// `status.code` of the reply (`DROPPED` for a dropped connection).
    pub status_code: S,
    /// From the request's arrival to its reply, in microseconds.
    pub latency_us: u64,
    /// The id of the fault that answered, if one did.
    pub fault: Option<u64>,
}

/// What the dispatcher reports; the journal copies it into its storage.
pub type CallRecord<'a> = Call<&'a str>;

/// One journal entry as readers see it: secrets redacted.
///
/// ```
/// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
/// for entry in emulator.journal() {
///     println!("{} {} {}", entry.id, entry.call.method, entry.call.status_code);
/// }
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    /// Increasing from 1 over the emulator's life; never reused after a clear.
    pub id: u64,
    /// Wall-clock time the call arrived (not the emulator's clock).
    pub at: String,
    /// What was answered.
    #[serde(flatten)]
    pub call: Call,
    /// The body (POST) or the query (GET) as JSON, every secret replaced
    /// by `<redacted>` at any depth; its size only when it was not JSON or
    /// over 16 KiB.
    pub request: Value,
    /// The reply as JSON, redacted the same way.
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
            r.has_organisation && r.part(0).eq_ignore_ascii_case(want.trim().as_bytes())
        });
        let status_ok = self.status.as_ref().is_none_or(|s| {
            s.as_bytes() == r.part(3) || s.parse::<u16>().ok() == Some(r.http_status)
        });
        org_ok
            && status_ok
            && self
                .method
                .as_ref()
                .is_none_or(|m| m.as_bytes() == r.part(1))
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

    /// Records a call with its POST body (or GET query) and reply body; the
    /// oldest entry goes when the journal is full.
    pub fn record(
        &self,
        at: DateTime<Utc>,
        call: CallRecord<'_>,
        body: &Bytes,
        query: &str,
        reply: &Bytes,
    ) {
        if self.capacity == 0 {
            return;
        }
        let (request, request_bytes) = if body.is_empty() && !query.is_empty() {
            let kind = kind_of(query.as_bytes(), RequestKind::Query);
            (kind, query.as_bytes())
        } else {
            (kind_of(body, RequestKind::Body), &body[..])
        };
        let reply_kind = kind_of(reply, RequestKind::Body);
        let kept = |kind: RequestKind| matches!(kind, RequestKind::Body | RequestKind::Query);
        let request_bytes = if kept(request) { request_bytes } else { &[] };
        let parts: [&[u8]; 4] = [
            call.organisation.unwrap_or_default().as_bytes(),
            call.method.as_bytes(),
            call.http_method.as_bytes(),
            call.status_code.as_bytes(),
        ];
        let mut lengths = [0u32; 4];
        let names: usize = parts.iter().map(|p| p.len()).sum();
        let mut text = Vec::with_capacity(names + request_bytes.len());
        for (n, part) in parts.iter().enumerate() {
            // Every part is a short name, so fits.
            lengths[n] = u32::try_from(part.len()).unwrap_or(0);
            text.extend_from_slice(&part[..lengths[n] as usize]);
        }
        text.extend_from_slice(request_bytes);
        let mut entry = Recorded {
            id: 0,
            at,
            http_status: call.http_status,
            latency_us: call.latency_us,
            fault: call.fault,
            has_organisation: call.organisation.is_some(),
            request,
            reply: reply_kind,
            lengths,
            // Exactly the size written, so `Bytes` takes it without a second
            // allocation.
            text: Bytes::from(text.into_boxed_slice()),
            reply_bytes: if kept(reply_kind) {
                reply.clone()
            } else {
                Bytes::new()
            },
        };
        let evicted = {
            let mut ring = self.ring.lock();
            entry.id = ring.next_id;
            ring.next_id += 1;
            let evicted = if ring.entries.len() == self.capacity {
                ring.entries.pop_front()
            } else {
                None
            };
            ring.entries.push_back(entry);
            evicted
        };
        // Freed outside the lock.
        drop(evicted);
    }

    /// The matching entries, oldest first, redacted. The ring's lock is held
    /// only to pick them; parsing and redaction run after.
    pub fn entries(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        type Picked = (
            u64,
            DateTime<Utc>,
            Call,
            RequestKind,
            Bytes,
            RequestKind,
            Bytes,
        );
        let picked: Vec<Picked> = {
            let ring = self.ring.lock();
            let matching: Vec<&Recorded> =
                ring.entries.iter().filter(|r| filter.accepts(r)).collect();
            let skip = filter
                .limit
                .map_or(0, |limit| matching.len().saturating_sub(limit));
            matching[skip..]
                .iter()
                .map(|r| {
                    (
                        r.id,
                        r.at,
                        r.call(),
                        r.request,
                        r.request_bytes(),
                        r.reply,
                        r.reply_bytes.clone(),
                    )
                })
                .collect()
        };
        picked
            .into_iter()
            .map(
                |(id, at, call, request_kind, request, reply_kind, reply)| JournalEntry {
                    id,
                    at: at.to_rfc3339_opts(SecondsFormat::Millis, true),
                    call,
                    request: redacted(request_kind, &request),
                    reply: redacted(reply_kind, &reply),
                },
            )
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

    fn call(method: &str) -> CallRecord<'_> {
        CallRecord {
            organisation: Some("Org"),
            method,
            http_method: "POST",
            http_status: 200,
            status_code: "OK",
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
                &Bytes::new(),
                "",
                &Bytes::new(),
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
            &Bytes::from_static(body),
            "",
            &Bytes::from_static(reply),
        );
        journal.record(
            Utc::now(),
            call("y"),
            &Bytes::new(),
            "token=secret-token&number=3",
            &Bytes::from_static(b"not json with secret"),
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
