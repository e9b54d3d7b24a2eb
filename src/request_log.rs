//! The request log: one line per call on stderr, through `tracing`. It holds
//! the verb, path, HTTP status, `status.code`, organisation and latency, and
//! the query string redacted as the journal redacts it; never a body, so no
//! login token, password, pass code, verification code or OTP reaches it.

use std::time::Instant;
use tracing::level_filters::LevelFilter;

/// What a call's log line says besides the request itself.
#[derive(Debug, Default)]
pub struct Outcome {
    pub status: u16,
    pub code: Option<std::borrow::Cow<'static, str>>,
    pub organisation: Option<String>,
}

/// Writes the line for one call.
pub fn call(req: &actix_web::HttpRequest, started: Instant, outcome: &Outcome) {
    if !tracing::enabled!(tracing::Level::INFO) {
        return;
    }
    let query = match req.query_string() {
        "" => String::new(),
        q => crate::journal::redacted_query(q).to_string(),
    };
    tracing::info!(
        "{} {} {} {} org={} {:.1}ms{}{}",
        req.method(),
        req.path(),
        outcome.status,
        outcome.code.as_deref().unwrap_or("-"),
        outcome.organisation.as_deref().unwrap_or("-"),
        started.elapsed().as_secs_f64() * 1000.0,
        if query.is_empty() { "" } else { " query=" },
        query,
    );
}

/// Installs the stderr subscriber at `level` (`off`, `error`, `warn`,
/// `info` or `debug`). Only the binary calls it: an embedding test suite
/// keeps its own subscriber, if any.
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
}
