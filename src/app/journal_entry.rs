//! What readers of the journal get: one answered call, one entry with its
//! redacted request and reply, and the filter a reader asks with.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

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
    /// At most this many: with `after_id`, the first ones after it (paging
    /// forward); otherwise the newest. `None`: every match.
    pub limit: Option<usize>,
}
