//! The request log: one line per call on stderr at `--log info` or `debug`
//! (the admin API's reads, which the dashboard polls, at `debug` only).
//! It holds the verb, path, HTTP status, `status.code`, organisation and
//! latency, and the query string with secrets blanked as the journal blanks
//! them; never a body, so no login token, password, pass code, verification
//! code or OTP reaches it.
//!
//! Hand-written for the show figure (≥ 1.0× the bare actix ceiling): lines
//! are formatted by hand into a shared buffer that a writer thread empties
//! every 50 ms. Through `tracing` with `tracing-appender`'s non-blocking
//! writer (one formatted event and one write per call), measured on
//! 2026-11-30, the log took 8–9 % of the process (the writer thread 6.2 %,
//! formatting 2.2 %) against 2.8 % here, and show fell from 1.16× to 0.91×
//! of the ceiling together with the other changes of that run (see
//! BENCHMARKS.md). Other events (warnings, panics) go through `tracing`.

use chrono::{Datelike, Timelike};
use parking_lot::Mutex;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tracing::level_filters::LevelFilter;

/// What a call's log line says besides the request and its HTTP status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub code: Option<std::borrow::Cow<'static, str>>,
    pub organisation: Option<String>,
}

/// Lines waiting for the writer. Beyond `MAX_PENDING` (stderr not read),
/// lines are counted and dropped rather than held.
struct Sink {
    pending: Mutex<Vec<u8>>,
    dropped: AtomicU64,
    /// At `debug`: the admin API's reads too (a dashboard left open polls
    /// them every few seconds, which would bury the application's calls).
    admin_reads: bool,
}

const MAX_PENDING: usize = 8 * 1024 * 1024;
const FLUSH_EVERY: Duration = Duration::from_millis(50);

static SINK: OnceLock<Sink> = OnceLock::new();

impl Sink {
    fn flush(&self) {
        let batch = std::mem::take(&mut *self.pending.lock());
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(&batch);
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            let _ = writeln!(
                stderr,
                "request log: {dropped} lines dropped (stderr not read)"
            );
        }
    }
}

/// Writes the line for one call that arrived at `now`, if the binary turned
/// the request log on. The line is written straight into the shared buffer,
/// numbers by hand: a `String` per line and `format!` of a float latency
/// were most of the log's cost.
pub fn call(
    req: &actix_web::HttpRequest,
    status: u16,
    now: chrono::DateTime<chrono::Utc>,
    started: Instant,
    outcome: &Outcome,
) {
    let Some(sink) = SINK.get() else { return };
    if !sink.admin_reads && is_admin_read(req) {
        return;
    }
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    // Made before the lock: a query that names a secret is parsed.
    let mut query = Vec::new();
    if !req.query_string().is_empty() {
        push_blanked_query(&mut query, req.query_string());
    }
    let path = crate::app::redaction::redacted_path(req.path());
    let mut pending = sink.pending.lock();
    let line_start = pending.len();
    let line = &mut *pending;
    push_timestamp(line, now);
    line.extend_from_slice(b" INFO ");
    line.extend_from_slice(crate::edge::canonical::sent_method(req).as_str().as_bytes());
    line.push(b' ');
    push_escaped(line, &path);
    line.push(b' ');
    push_number(line, u64::from(status));
    line.push(b' ');
    push_escaped(line, outcome.code.as_deref().unwrap_or("-"));
    line.extend_from_slice(b" org=");
    push_escaped(line, outcome.organisation.as_deref().unwrap_or("-"));
    line.push(b' ');
    push_millis(line, latency_us);
    if !query.is_empty() {
        line.extend_from_slice(b" query=");
        line.extend_from_slice(&query);
    }
    line.push(b'\n');
    if pending.len() > MAX_PENDING {
        pending.truncate(line_start);
        sink.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// A read of the admin API or its dashboard (GET, HEAD).
fn is_admin_read(req: &actix_web::HttpRequest) -> bool {
    req.path().starts_with(crate::edge::admin::ADMIN_PREFIX)
        && matches!(req.method().as_str(), "GET" | "HEAD")
}

/// Appends `n` in decimal.
fn push_number(out: &mut Vec<u8>, n: u64) {
    push_padded(out, n, 1);
}

/// Appends `n` in decimal with at least `width` (≤ 20) digits, leading zeros
/// filling.
fn push_padded(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    while n > 0 {
        at -= 1;
        // A digit, so it fits.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&digits[at.min(digits.len() - width)..]);
}

/// Appends a latency in microseconds as milliseconds to a tenth, rounded
/// half up: `0.4ms`, `12.0ms`.
fn push_millis(out: &mut Vec<u8>, micros: u64) {
    let tenths = micros.saturating_add(50) / 100;
    push_number(out, tenths / 10);
    out.push(b'.');
    push_number(out, tenths % 10);
    out.extend_from_slice(b"ms");
}

/// Appends `2026-11-27T21:12:51.123456Z`. The part up to the second is
/// formatted once a second per worker thread: formatting the date on every
/// call was most of a line's cost.
fn push_timestamp(line: &mut Vec<u8>, now: chrono::DateTime<chrono::Utc>) {
    thread_local! {
        static SECOND: std::cell::RefCell<(i64, String)> =
            const { std::cell::RefCell::new((i64::MIN, String::new())) };
    }
    SECOND.with(|cached| {
        let mut cached = cached.borrow_mut();
        if cached.0 != now.timestamp() {
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                now.year(),
                now.month(),
                now.day(),
                now.hour(),
                now.minute(),
                now.second()
            );
            *cached = (now.timestamp(), text);
        }
        line.extend_from_slice(cached.1.as_bytes());
    });
    line.push(b'.');
    push_padded(
        line,
        u64::from(now.timestamp_subsec_micros().min(999_999)),
        6,
    );
    line.push(b'Z');
}

/// Appends `text` with control characters escaped, so a client cannot
/// forge a line (an organisation name with a newline, say).
fn push_escaped(line: &mut Vec<u8>, text: &str) {
    if !text.chars().any(char::is_control) {
        line.extend_from_slice(text.as_bytes());
        return;
    }
    for c in text.chars() {
        let mut utf8 = [0u8; 4];
        if c.is_control() {
            for escaped in c.escape_default() {
                line.extend_from_slice(escaped.encode_utf8(&mut utf8).as_bytes());
            }
        } else {
            line.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        }
    }
}

/// Appends the query as sent, with the value of every secret parameter
/// blanked. A query that mentions a secret anywhere else (inside an
/// identifier, say) is shown as the journal shows it: parsed, then redacted
/// at any depth.
fn push_blanked_query(out: &mut Vec<u8>, query: &str) {
    fn decode(s: &str) -> std::borrow::Cow<'_, str> {
        percent_encoding::percent_decode_str(s).decode_utf8_lossy()
    }
    let query_start = out.len();
    for (i, pair) in query.split('&').enumerate() {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if i > 0 {
            out.push(b'&');
        }
        if crate::app::redaction::is_secret(&decode(key)) {
            push_escaped(out, key);
            out.push(b'=');
            out.extend_from_slice(crate::app::redaction::REDACTED.as_bytes());
            continue;
        }
        let value_text = decode(value);
        if crate::app::redaction::may_hold_secret(&value_text) {
            out.truncate(query_start);
            push_escaped(
                out,
                &String::from_utf8_lossy(&crate::app::journal_text::request_json(
                    &actix_web::web::Bytes::new(),
                    query,
                )),
            );
            return;
        }
        push_escaped(out, pair);
    }
}

/// Installs the stderr subscriber at `level` (`off`, `error`, `warn`,
/// `info` or `debug`), and at `info` and `debug` starts the request log and
/// its writer thread. Only the binary calls it: an embedding test suite
/// keeps its own subscriber, if any, and gets no request lines.
pub fn install(level: &str) {
    let filter = match level {
        "off" => LevelFilter::OFF,
        "error" => LevelFilter::ERROR,
        "warn" => LevelFilter::WARN,
        "debug" => LevelFilter::DEBUG,
        _ => LevelFilter::INFO,
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(filter)
        .with_target(false)
        .with_ansi(false)
        .try_init();
    if filter >= LevelFilter::INFO {
        let sink = SINK.get_or_init(|| Sink {
            pending: Mutex::new(Vec::with_capacity(64 * 1024)),
            dropped: AtomicU64::new(0),
            admin_reads: filter >= LevelFilter::DEBUG,
        });
        let _ = std::thread::Builder::new()
            .name("request-log".into())
            .spawn(move || loop {
                std::thread::sleep(FLUSH_EVERY);
                sink.flush();
            });
    }
}

/// Writes out the lines still waiting (at exit).
pub fn flush() {
    if let Some(sink) = SINK.get() {
        sink.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_chrono_across_seconds() {
        use chrono::TimeZone;
        let base = chrono::Utc
            .with_ymd_and_hms(2026, 11, 27, 21, 12, 51)
            .unwrap();
        for offset_us in [0, 123_456, 999_999, 1_000_001, 86_400_000_000] {
            let at = base + chrono::Duration::microseconds(offset_us);
            let mut line = Vec::new();
            push_timestamp(&mut line, at);
            assert_eq!(
                String::from_utf8(line).expect("text"),
                at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
            );
        }
    }

    fn blanked_query(query: &str) -> String {
        let mut out = Vec::new();
        push_blanked_query(&mut out, query);
        String::from_utf8(out).expect("text")
    }

    #[test]
    fn latencies_are_tenths_of_a_millisecond() {
        for (micros, text) in [
            (0, "0.0ms"),
            (49, "0.0ms"),
            (50, "0.1ms"),
            (12_345, "12.3ms"),
        ] {
            let mut line = Vec::new();
            push_millis(&mut line, micros);
            assert_eq!(line, text.as_bytes());
        }
        let mut line = Vec::new();
        push_number(&mut line, u64::MAX);
        assert_eq!(line, u64::MAX.to_string().as_bytes());
    }

    #[test]
    fn secret_parameters_are_blanked_and_others_kept_as_sent() {
        assert_eq!(
            blanked_query("token=abc&accounts_receivable_identifier=number%3DACR1"),
            "token=<redacted>&accounts_receivable_identifier=number%3DACR1"
        );
        assert_eq!(blanked_query("%74oken=abc"), "%74oken=<redacted>");
    }

    #[test]
    fn a_secret_inside_an_identifier_is_redacted_at_depth() {
        let line = blanked_query("access_token_identifier=pass_code%3D1234&number=5");
        assert!(!line.contains("1234"), "{line}");
        assert!(line.contains("<redacted>"), "{line}");
    }

    #[test]
    fn secret_names_in_any_case_and_nested_values_are_redacted() {
        for query in [
            "TOKEN=live-token-1&accounts_receivable_identifier=number=ACR001018",
            "Token=live-token-1",
            "accounts_receivable_identifier=access_token_identifier=one_time_password=live-token-1",
            "x=1&access_token_identifier=Pass-Code%3Dlive-token-1",
        ] {
            let line = blanked_query(query);
            assert!(!line.contains("live-token-1"), "{query}: {line}");
            assert!(line.contains("<redacted>"), "{query}: {line}");
        }
    }

    #[test]
    fn control_characters_cannot_start_a_new_line() {
        let mut line = Vec::new();
        push_escaped(&mut line, "acme\nFAKE 200 OK\u{85}é");
        assert_eq!(line, "acme\\nFAKE 200 OK\\u{85}é".as_bytes());
    }
}
