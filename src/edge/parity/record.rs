//! `crmcom-emulator record`: a transparent proxy on loopback. A client
//! pointed at it talks to the upstream CRM.COM and gets its answers byte
//! for byte; each exchange is appended to the recording, one JSON line,
//! with every secret replaced by a stable placeholder before it is written.

use crate::edge::parity::exchange::Exchange;
use crate::edge::parity::placeholders::Placeholders;
use actix_web::{web, HttpRequest, HttpResponse};
use parking_lot::Mutex;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// What `record` is told.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// The CRM.COM to forward to (`https://sandbox.example.crm.com`).
    pub upstream: String,
    /// The recording, appended to (made if missing).
    pub out: PathBuf,
    /// The loopback port to listen on (0: any free one).
    pub port: u16,
    /// The upstream's release, written with each exchange if known.
    pub release: Option<String>,
}

/// The proxy's state: where to forward, and the file with its placeholders
/// (one lock, so lines and placeholder numbers follow one order).
struct Recorder {
    upstream: String,
    release: Option<String>,
    agent: ureq::Agent,
    file: Mutex<(std::fs::File, Placeholders)>,
}

/// Headers that describe one hop, not the call (RFC 9110 §7.6.1), and
/// those the HTTP client sets itself.
const HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "upgrade",
    "host",
    "content-length",
    "accept-encoding",
];

/// Runs the proxy until SIGINT or SIGTERM: exit code 0 then, 2 when it
/// cannot start.
pub fn run(options: RecordOptions) -> ExitCode {
    let upstream = options.upstream.trim();
    if !(upstream.starts_with("http://") || upstream.starts_with("https://"))
        || upstream
            .split_once("://")
            .is_none_or(|(_, rest)| rest.is_empty())
    {
        eprintln!(
            "crmcom-emulator record: --upstream {upstream}: an http:// or https:// URL is expected"
        );
        return ExitCode::from(2);
    }
    // Appending: placeholders go on from the numbers already in the file.
    let existing = std::fs::read_to_string(&options.out).unwrap_or_default();
    let file = match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&options.out)
    {
        Ok(file) => file,
        Err(e) => {
            eprintln!("crmcom-emulator record: {}: {e}", options.out.display());
            return ExitCode::from(2);
        }
    };
    let recorder = web::Data::new(Recorder {
        upstream: options.upstream.trim_end_matches('/').to_string(),
        release: options.release.clone(),
        // Redirects reach the client as they came, to follow or not.
        agent: ureq::AgentBuilder::new().redirects(0).build(),
        file: Mutex::new((file, Placeholders::after(&existing))),
    });
    let served = actix_web::rt::System::new().block_on(async move {
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(recorder.clone())
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .default_service(web::to(forward))
        })
        .workers(2)
        .bind(("127.0.0.1", options.port))?;
        let port = server.addrs().first().map_or(options.port, |a| a.port());
        println!("listening on http://127.0.0.1:{port}");
        println!(
            "recording to {} what {} answers (secrets replaced); stop with Ctrl-C",
            options.out.display(),
            options.upstream
        );
        server.run().await
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crmcom-emulator record: {e}");
            ExitCode::from(2)
        }
    }
}

/// Forwards one call, answers the upstream's answer as it came, records it.
async fn forward(
    req: HttpRequest,
    body: web::Bytes,
    recorder: web::Data<Recorder>,
) -> HttpResponse {
    let method = req.method().as_str().to_string();
    let path = req.path().to_string();
    let query = req.query_string().to_string();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .filter(|(name, _)| !HOP.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_string())))
        .collect();
    let sent = body.clone();
    // What the recording keeps of a compressed body: the JSON inside.
    let readable = crate::edge::content_coding::decoded(&req, body, 64 * 1024 * 1024)
        .unwrap_or_else(|_| sent.clone());
    let worker = recorder.clone();
    let answered = web::block(move || {
        let url = match query.is_empty() {
            true => format!("{}{path}", worker.upstream),
            false => format!("{}{path}?{query}", worker.upstream),
        };
        let started = Instant::now();
        let mut call = worker.agent.request(&method, &url);
        for (name, value) in &headers {
            call = call.set(name, value);
        }
        let answer = match sent.is_empty() {
            true => call.call(),
            false => call.send_bytes(&sent),
        };
        let reply = match answer {
            Ok(reply) | Err(ureq::Error::Status(_, reply)) => reply,
            Err(e) => return Err(format!("{url}: {e}")),
        };
        let status = reply.status();
        let reply_headers: Vec<(String, String)> = reply
            .headers_names()
            .into_iter()
            .filter(|name| !HOP.contains(&name.to_ascii_lowercase().as_str()))
            .flat_map(|name| {
                reply
                    .all(&name)
                    .into_iter()
                    .map(|value| (name.clone(), value.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let gzip = reply
            .header("content-encoding")
            .is_some_and(|c| c.eq_ignore_ascii_case("gzip"));
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut reply.into_reader(), &mut bytes)
            .map_err(|e| format!("{url}: {e}"))?;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let kept = match gzip {
            true => gunzip(&bytes).unwrap_or_else(|| bytes.clone()),
            false => bytes.clone(),
        };
        worker.write(
            &method, &path, &query, &headers, &readable, status, &kept, elapsed_ms,
        );
        Ok::<_, String>((status, reply_headers, bytes))
    })
    .await;
    match answered {
        Ok(Ok((status, headers, bytes))) => {
            let status = actix_web::http::StatusCode::from_u16(status)
                .unwrap_or(actix_web::http::StatusCode::BAD_GATEWAY);
            let mut reply = HttpResponse::build(status);
            for (name, value) in headers {
                reply.append_header((name, value));
            }
            reply.body(bytes)
        }
        Ok(Err(problem)) => {
            eprintln!("crmcom-emulator record: {problem}");
            HttpResponse::BadGateway().body(format!("crmcom-emulator record: {problem}"))
        }
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

/// A gzip reply, inflated for the recording (the client gets it as sent).
fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes), &mut out).ok()?;
    Some(out)
}

/// A body as a recording keeps it: JSON if it parses, else the text.
fn as_json(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

impl Recorder {
    /// Appends one exchange, its secrets replaced, and flushes it.
    #[allow(clippy::too_many_arguments)]
    fn write(
        &self,
        method: &str,
        path: &str,
        query: &str,
        headers: &[(String, String)],
        request: &[u8],
        status: u16,
        reply: &[u8],
        elapsed_ms: u64,
    ) {
        let mut file = self.file.lock();
        let (file, placeholders) = &mut *file;
        let mut request = as_json(request);
        let mut reply = as_json(reply);
        placeholders.scrub_json(&mut request);
        placeholders.scrub_json(&mut reply);
        // A body that is not JSON may still hold a secret: it is kept only
        // as its length.
        for body in [&mut request, &mut reply] {
            if let Value::String(text) = body {
                *body = Value::String(format!("<not JSON: {} bytes>", text.len()));
            }
        }
        let header = |wanted: &str| {
            headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
                .map(|(_, value)| value.clone())
        };
        let authorization = header("authorization").map(|v| placeholders.scrub_authorization(&v));
        let exchange = Exchange {
            method: method.to_string(),
            path: placeholders.scrub_path(path),
            query: placeholders.scrub_query(query),
            authorization,
            content_type: header("content-type"),
            request,
            status,
            reply,
            elapsed_ms,
            release: self.release.clone(),
        };
        let line = serde_json::to_string(&exchange).unwrap_or_default();
        if let Err(e) = writeln!(file, "{line}").and_then(|()| file.flush()) {
            tracing::error!("record: cannot write the recording: {e}");
        }
    }
}
