//! The request journal: a bounded ring of the CRM.COM calls the emulator
//! answered, for tests that assert what a client sent. Bodies are kept as
//! the bytes that travelled and redacted when read, so recording costs one
//! copy, and no reader can ever see a secret.

pub use crate::app::journal_entry::{Call, CallRecord, JournalEntry, JournalFilter};
use crate::app::redaction::{kind_of, redacted, RequestKind};
use actix_web::web::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use parking_lot::Mutex;
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
