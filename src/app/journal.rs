//! The request journal: a bounded ring of the CRM.COM calls the emulator
//! answered, for tests that assert what a client sent. Requests and replies
//! are redacted as they are recorded (a secret never sits in it), and kept
//! as JSON text, so a read writes them out as they are: a page costs a
//! small multiple of the bytes it returns. The ring is bounded in entries
//! and in bytes.

pub use crate::app::journal_entry::{Call, CallRecord, JournalEntry, JournalFilter};
use crate::app::journal_text::reply_json;
use actix_web::web::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::VecDeque;

/// What an entry costs besides its text, for the byte bound.
const ENTRY_OVERHEAD: usize = 128;

/// One call as it is recorded. All its names live in one exact-size
/// allocation: thousands of long-lived small allocations among each
/// request's short-lived ones sent glibc's malloc into free-list
/// consolidation and halved the throughput.
struct Recorded {
    id: u64,
    at: DateTime<Utc>,
    http_status: u16,
    latency_us: u64,
    fault: Option<u64>,
    has_organisation: bool,
    /// organisation, method, http_method, status_code, one after another
    /// in `names`.
    lengths: [u32; 4],
    names: Bytes,
    /// The redacted request and reply as JSON text. A reply without a
    /// secret is shared with the reply itself (copying it was a tenth of a
    /// show's own time).
    request: Bytes,
    reply: Bytes,
}

impl Recorded {
    fn part(&self, n: usize) -> &[u8] {
        let start: usize = self.lengths[..n].iter().map(|&l| l as usize).sum();
        &self.names[start..start + self.lengths[n] as usize]
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

    fn cost(&self) -> usize {
        ENTRY_OVERHEAD + self.names.len() + self.request.len() + self.reply.len()
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
    bytes: usize,
    entries: VecDeque<Recorded>,
}

/// The bounded journal: at most `capacity` entries (0 records nothing) and
/// about `max_bytes` of text; the oldest go first.
pub struct Journal {
    capacity: usize,
    max_bytes: usize,
    ring: Mutex<Ring>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("capacity", &self.capacity)
            .field("max_bytes", &self.max_bytes)
            .field("len", &self.len())
            .finish()
    }
}

/// One page of the journal as `GET /__admin/journal` answers it.
#[derive(Serialize)]
struct Page<'a> {
    capacity: usize,
    max_bytes: usize,
    /// The bytes the journal holds now.
    bytes: usize,
    /// Matching entries left out of this page: newer ones when paging
    /// with `after_id`, older ones otherwise.
    remaining: usize,
    /// The id of the newest entry recorded so far (0: none yet).
    newest_id: u64,
    entries: Vec<PageEntry<'a>>,
}

#[derive(Serialize)]
struct PageEntry<'a> {
    id: u64,
    at: String,
    #[serde(flatten)]
    call: Call,
    request: &'a RawValue,
    reply: &'a RawValue,
}

/// The picked entries, cloned out of the ring (their bytes are shared).
struct Picked {
    id: u64,
    at: DateTime<Utc>,
    call: Call,
    request: Bytes,
    reply: Bytes,
}

impl Picked {
    fn at(&self) -> String {
        self.at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// Kept text as a JSON value; text that is not one (a fault's body) is
/// shown by its size.
fn raw(text: &[u8]) -> Box<RawValue> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| serde_json::from_str::<&RawValue>(t).ok())
        .map(|r| r.to_owned())
        .unwrap_or_else(|| {
            RawValue::from_string(format!("{{\"not_json_bytes\":{}}}", text.len()))
                .unwrap_or_else(|_| RawValue::NULL.to_owned())
        })
}

impl Journal {
    pub fn new(capacity: usize, max_bytes: usize) -> Journal {
        Journal {
            capacity,
            max_bytes,
            ring: Mutex::new(Ring {
                next_id: 1,
                bytes: 0,
                entries: VecDeque::with_capacity(capacity.min(1024)),
            }),
        }
    }

    pub fn len(&self) -> usize {
        self.ring.lock().entries.len()
    }

    /// Whether anything is recorded at all.
    pub fn is_on(&self) -> bool {
        self.capacity > 0 && self.max_bytes > 0
    }

    /// Records a call with its request, already redacted JSON text
    /// (`journal_text::params_json` or `request_json`), and its reply
    /// body, redacted now; the oldest entries go while the journal is over
    /// either bound.
    pub fn record(&self, at: DateTime<Utc>, call: CallRecord<'_>, request: Bytes, reply: &Bytes) {
        if !self.is_on() {
            return;
        }
        let reply = reply_json(reply, call.method);
        let parts: [&[u8]; 4] = [
            call.organisation.unwrap_or_default().as_bytes(),
            call.method.as_bytes(),
            call.http_method.as_bytes(),
            call.status_code.as_bytes(),
        ];
        let mut lengths = [0u32; 4];
        let mut names = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
        for (n, part) in parts.iter().enumerate() {
            // Every part is a short name, so fits.
            lengths[n] = u32::try_from(part.len()).unwrap_or(0);
            names.extend_from_slice(&part[..lengths[n] as usize]);
        }
        let mut entry = Recorded {
            id: 0,
            at,
            http_status: call.http_status,
            latency_us: call.latency_us,
            fault: call.fault,
            has_organisation: call.organisation.is_some(),
            lengths,
            // Exactly the size written, so `Bytes` takes it without a second
            // allocation.
            names: Bytes::from(names.into_boxed_slice()),
            request,
            reply,
        };
        let cost = entry.cost();
        if cost > self.max_bytes {
            // Larger than the whole journal may be: not kept.
            return;
        }
        let evicted = {
            let mut ring = self.ring.lock();
            entry.id = ring.next_id;
            ring.next_id += 1;
            let mut evicted = Vec::new();
            while !ring.entries.is_empty()
                && (ring.entries.len() >= self.capacity || ring.bytes + cost > self.max_bytes)
            {
                if let Some(old) = ring.entries.pop_front() {
                    ring.bytes -= old.cost();
                    evicted.push(old);
                }
            }
            ring.bytes += cost;
            ring.entries.push_back(entry);
            evicted
        };
        // Freed outside the lock.
        drop(evicted);
    }

    /// Picks the matching entries under the lock (sharing their bytes):
    /// with `after_id`, the first `limit` after it; otherwise the newest
    /// `limit`. Answers them oldest first, with how many matching ones
    /// were left out and the newest id recorded.
    fn pick(&self, filter: &JournalFilter) -> (Vec<Picked>, usize, u64, usize) {
        let ring = self.ring.lock();
        let matching: Vec<&Recorded> = ring.entries.iter().filter(|r| filter.accepts(r)).collect();
        let limit = filter.limit.unwrap_or(usize::MAX).min(matching.len());
        let chosen = if filter.after_id.is_some() {
            &matching[..limit]
        } else {
            &matching[matching.len() - limit..]
        };
        let picked = chosen
            .iter()
            .map(|r| Picked {
                id: r.id,
                at: r.at,
                call: r.call(),
                request: r.request.clone(),
                reply: r.reply.clone(),
            })
            .collect();
        (picked, matching.len() - limit, ring.next_id - 1, ring.bytes)
    }

    /// The matching entries, oldest first, as values (for the embedding).
    pub fn entries(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        let (picked, ..) = self.pick(filter);
        picked
            .into_iter()
            .map(|p| JournalEntry {
                id: p.id,
                at: p.at(),
                request: serde_json::from_str(raw(&p.request).get()).unwrap_or_default(),
                reply: serde_json::from_str(raw(&p.reply).get()).unwrap_or_default(),
                call: p.call,
            })
            .collect()
    }

    /// One page as the admin API answers it (see `Page`), written from
    /// the kept text without parsing it into values.
    pub fn page_json(&self, filter: &JournalFilter) -> Vec<u8> {
        let (picked, remaining, newest_id, bytes) = self.pick(filter);
        let texts: Vec<(Box<RawValue>, Box<RawValue>)> = picked
            .iter()
            .map(|p| (raw(&p.request), raw(&p.reply)))
            .collect();
        let page = Page {
            capacity: self.capacity,
            max_bytes: self.max_bytes,
            bytes,
            remaining,
            newest_id,
            entries: picked
                .iter()
                .zip(&texts)
                .map(|(p, (request, reply))| PageEntry {
                    id: p.id,
                    at: p.at(),
                    call: p.call.clone(),
                    request,
                    reply,
                })
                .collect(),
        };
        serde_json::to_vec(&page).unwrap_or_default()
    }

    /// Empties the journal; ids keep increasing.
    pub fn clear(&self) {
        let mut ring = self.ring.lock();
        ring.entries.clear();
        ring.entries.shrink_to_fit();
        ring.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::journal_text::request_json;

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
        let journal = Journal::new(3, usize::MAX);
        for n in 0..5 {
            journal.record(
                Utc::now(),
                call(&format!("m{n}")),
                request_json(&Bytes::new(), ""),
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
        let journal = Journal::new(10, usize::MAX);
        let body = br#"{"token":"T","access_token_identifier":{"identifier":"i","pass_code":"p"},"new_pass_code":"n"}"#;
        let reply = br#"{"data":{"token":"jwt","random_pass_code":"123456","one_time_password":"654321","verification_code":null}}"#;
        journal.record(
            Utc::now(),
            call("x"),
            request_json(&Bytes::from_static(body), ""),
            &Bytes::from_static(reply),
        );
        journal.record(
            Utc::now(),
            call("y"),
            request_json(&Bytes::new(), "token=secret-token&number=3"),
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
