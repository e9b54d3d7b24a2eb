//! The request log: one `tracing` event per call (target `request`) at
//! `--log info` or `debug`, written to stderr by `tracing-appender`'s
//! non-blocking writer, so no worker waits on the terminal. A line holds the
//! verb, path, HTTP status, `status.code`, organisation and latency, and the
//! query string with secrets blanked as the journal blanks them; never a
//! body, so no login token, password, pass code, verification code or OTP
//! reaches it.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;
use tracing::level_filters::LevelFilter;
use tracing_appender::non_blocking::{ErrorCounter, NonBlockingBuilder, WorkerGuard};

/// Set by `install`: only the binary logs calls. An embedding test suite
/// with a subscriber of its own gets no request lines (it has the journal).
static ON: AtomicBool = AtomicBool::new(false);

/// Lines waiting for the writer at most; beyond them (stderr not read)
/// lines are dropped and counted rather than held.
const MAX_PENDING_LINES: usize = 65_536;

/// What a call's log line says besides the request and its HTTP status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub code: Option<std::borrow::Cow<'static, str>>,
    pub organisation: Option<String>,
}

/// Logs one call, if the request log is on.
pub fn call(req: &actix_web::HttpRequest, status: u16, started: Instant, outcome: &Outcome) {
    if !ON.load(Ordering::Relaxed) || !tracing::enabled!(target: "request", tracing::Level::INFO) {
        return;
    }
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let query = req.query_string();
    tracing::info!(
        target: "request",
        "{} {} {} {} org={} {}{}{}",
        req.method(),
        Escaped(req.path()),
        status,
        Escaped(outcome.code.as_deref().unwrap_or("-")),
        Escaped(outcome.organisation.as_deref().unwrap_or("-")),
        Millis(latency_us),
        if query.is_empty() { "" } else { " query=" },
        Escaped(&blanked_query(query)),
    );
}

/// A latency in microseconds as milliseconds to a tenth, rounded half up:
/// `0.4ms`, `12.0ms`.
struct Millis(u64);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = self.0.saturating_add(50) / 100;
        write!(f, "{}.{}ms", tenths / 10, tenths % 10)
    }
}

/// Text with control characters escaped, so a client cannot forge a line
/// (an organisation name with a newline, say).
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.chars().any(char::is_control) {
            return f.write_str(self.0);
        }
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// The query as sent, with the value of every secret parameter blanked. A
/// query that mentions a secret anywhere else (inside an identifier, say)
/// is shown as the journal shows it: parsed, then redacted at any depth.
fn blanked_query(query: &str) -> String {
    fn decode(s: &str) -> std::borrow::Cow<'_, str> {
        percent_encoding::percent_decode_str(s).decode_utf8_lossy()
    }
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if i > 0 {
            out.push('&');
        }
        if crate::app::redaction::is_secret(&decode(key)) {
            out.push_str(key);
            out.push('=');
            out.push_str(crate::app::redaction::REDACTED);
            continue;
        }
        let value_text = decode(value);
        if crate::app::redaction::SECRET_NAMES
            .iter()
            .any(|name| value_text.contains(name))
        {
            return crate::app::redaction::redacted_query(query).to_string();
        }
        out.push_str(pair);
    }
    out
}

/// The writer's guard (taken out and dropped at exit, which writes the
/// last lines) and its count of dropped lines.
static WRITER: OnceLock<(parking_lot::Mutex<Option<WorkerGuard>>, ErrorCounter)> = OnceLock::new();

/// Installs the stderr subscriber at `level` (`off`, `error`, `warn`,
/// `info` or `debug`); at `info` and `debug` every call is logged. Only the
/// binary calls it: an embedding test suite keeps its own subscriber, if
/// any, and gets no request lines.
pub fn install(level: &str) {
    let filter = match level {
        "off" => LevelFilter::OFF,
        "error" => LevelFilter::ERROR,
        "warn" => LevelFilter::WARN,
        "debug" => LevelFilter::DEBUG,
        _ => LevelFilter::INFO,
    };
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(MAX_PENDING_LINES)
        .lossy(true)
        .finish(std::io::stderr());
    let dropped = writer.error_counter();
    let installed = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_max_level(filter)
        .with_target(false)
        .with_ansi(false)
        .try_init();
    if installed.is_ok() {
        let _ = WRITER.set((parking_lot::Mutex::new(Some(guard)), dropped));
        ON.store(filter >= LevelFilter::INFO, Ordering::Relaxed);
    }
}

/// Writes out the lines still waiting, and says how many were dropped
/// (at exit).
pub fn flush() {
    if let Some((guard, dropped)) = WRITER.get() {
        drop(guard.lock().take());
        if dropped.dropped_lines() > 0 {
            eprintln!(
                "request log: {} lines dropped (stderr not read)",
                dropped.dropped_lines()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_are_tenths_of_a_millisecond() {
        for (micros, text) in [
            (0, "0.0ms"),
            (49, "0.0ms"),
            (50, "0.1ms"),
            (12_345, "12.3ms"),
            (u64::MAX, "18446744073709551.6ms"),
        ] {
            assert_eq!(Millis(micros).to_string(), text);
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
        assert_eq!(
            Escaped("acme\nFAKE 200 OK\u{85}é").to_string(),
            "acme\\nFAKE 200 OK\\u{85}é"
        );
    }
}
