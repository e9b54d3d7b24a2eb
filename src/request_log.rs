//! The request log: one line per call on stderr at `--log info` or `debug`.
//! It holds the verb, path, HTTP status, `status.code`, organisation and
//! latency, and the query string with secrets blanked as the journal blanks
//! them; never a body, so no login token, password, pass code, verification
//! code or OTP reaches it.
//!
//! Lines are formatted by hand into a shared buffer that a writer thread
//! empties every 50 ms: formatting through `tracing` and one write per call
//! cost a quarter of the throughput of a show. Other events (warnings,
//! panics) still go through `tracing`, unbuffered.

use chrono::{Datelike, Timelike};
use parking_lot::Mutex;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tracing::level_filters::LevelFilter;

/// What a call's log line says besides the request itself.
#[derive(Debug, Default)]
pub struct Outcome {
    pub status: u16,
    pub code: Option<std::borrow::Cow<'static, str>>,
    pub organisation: Option<String>,
}

/// Lines waiting for the writer. Beyond `MAX_PENDING` (stderr not read),
/// lines are counted and dropped rather than held.
struct Sink {
    pending: Mutex<Vec<u8>>,
    dropped: AtomicU64,
}

const MAX_PENDING: usize = 8 * 1024 * 1024;
const FLUSH_EVERY: Duration = Duration::from_millis(50);

static SINK: OnceLock<Sink> = OnceLock::new();

impl Sink {
    fn push(&self, line: &[u8]) {
        let mut pending = self.pending.lock();
        if pending.len() + line.len() > MAX_PENDING {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        } else {
            pending.extend_from_slice(line);
        }
    }

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

/// Writes the line for one call, if the binary turned the request log on.
pub fn call(req: &actix_web::HttpRequest, started: Instant, outcome: &Outcome) {
    let Some(sink) = SINK.get() else { return };
    let mut line = String::with_capacity(200);
    push_timestamp(&mut line, chrono::Utc::now());
    let _ = write!(line, " INFO {} ", req.method());
    push_escaped(&mut line, req.path());
    let _ = write!(
        line,
        " {} {} org=",
        outcome.status,
        outcome.code.as_deref().unwrap_or("-")
    );
    push_escaped(&mut line, outcome.organisation.as_deref().unwrap_or("-"));
    let _ = write!(line, " {:.1}ms", started.elapsed().as_secs_f64() * 1000.0);
    if !req.query_string().is_empty() {
        line.push_str(" query=");
        push_escaped(&mut line, &blanked_query(req.query_string()));
    }
    line.push('\n');
    sink.push(line.as_bytes());
}

/// Appends `2026-11-27T21:12:51.123456Z`. The part up to the second is
/// formatted once a second per worker thread: formatting the date on every
/// call was most of a line's cost.
fn push_timestamp(line: &mut String, now: chrono::DateTime<chrono::Utc>) {
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
        line.push_str(&cached.1);
    });
    let _ = write!(line, ".{:06}Z", now.timestamp_subsec_micros().min(999_999));
}

/// Appends `text` with control characters escaped, so a client cannot
/// forge a line (an organisation name with a newline, say).
fn push_escaped(line: &mut String, text: &str) {
    if !text.chars().any(char::is_control) {
        line.push_str(text);
        return;
    }
    for c in text.chars() {
        if c.is_control() {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
}

/// The query as sent, with the value of every secret parameter blanked. A
/// query that mentions a secret anywhere else (inside an identifier, say) is
/// shown as the journal shows it: parsed, then redacted at any depth.
fn blanked_query(query: &str) -> String {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if i > 0 {
            out.push('&');
        }
        if crate::journal::is_secret(&decode(key)) {
            out.push_str(key);
            out.push('=');
            out.push_str(crate::journal::REDACTED);
            continue;
        }
        let value_text = decode(value);
        if crate::journal::SECRET_NAMES
            .iter()
            .any(|name| value_text.contains(name))
        {
            return crate::journal::redacted_query(query).to_string();
        }
        out.push_str(pair);
    }
    out
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
            let mut line = String::new();
            push_timestamp(&mut line, at);
            assert_eq!(line, at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
        }
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
    fn control_characters_cannot_start_a_new_line() {
        let mut line = String::new();
        push_escaped(&mut line, "acme\nFAKE 200 OK");
        assert_eq!(line, "acme\\nFAKE 200 OK");
    }
}
