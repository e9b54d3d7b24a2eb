//! Test helpers: an emulator on a free port and a tiny blocking HTTP client
//! over a raw socket, so tests can also send bytes no HTTP library would.

use crmcom_emulator::{Config, Emulator};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;

pub struct TestApp {
    pub emulator: Emulator,
}

/// A raw reply: HTTP status, headers (lower-cased names) and body.
#[derive(Debug)]
pub struct RawReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "reply is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A fresh emulator with the default test configuration.
pub fn spawn_app() -> TestApp {
    spawn_with(Config::default())
}

pub fn spawn_with(config: Config) -> TestApp {
    TestApp {
        emulator: Emulator::start(config).expect("emulator starts"),
    }
}

/// One emulator shared by the tests that isolate themselves by organisation.
pub fn shared_app() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(spawn_app)
}

/// An organisation name no other test uses.
pub fn unique_org(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Sends raw bytes as one HTTP/1.1 request to `port` and reads the whole reply.
pub fn send_to(port: u16, request: &[u8]) -> RawReply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(request).expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    parse_reply(&raw)
}

/// A request to `port` with the given method, path, extra headers and body.
pub fn request_to(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawReply {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    send_to(port, &bytes)
}

impl TestApp {
    /// A request with the given method, path, extra headers and body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> RawReply {
        request_to(self.emulator.port(), method, path, headers, body)
    }

    /// POST a JSON body to a CRM.COM method; returns (HTTP status, reply).
    pub fn post(&self, method: &str, body: &Value) -> (u16, Value) {
        let reply = self.request(
            "POST",
            &format!("/crmapi/rest/v2/{method}"),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        );
        (reply.status, reply.json())
    }

    /// GET a CRM.COM method with a raw query string.
    pub fn get(&self, method: &str, query: &str) -> (u16, Value) {
        let reply = self.request(
            "GET",
            &format!("/crmapi/rest/v2/{method}?{query}"),
            &[],
            b"",
        );
        (reply.status, reply.json())
    }

    /// An admin call: `verb` on `/__admin/{path}` with an optional JSON body;
    /// returns (HTTP status, reply).
    pub fn admin(&self, verb: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let reply = self.request(
            verb,
            &format!("/__admin/{path}"),
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        (reply.status, reply.json())
    }

    /// An admin call that must succeed; returns its `data`.
    pub fn admin_ok(&self, verb: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, reply) = self.admin(verb, path, body);
        assert_eq!(status, 200, "{verb} {path}: {reply}");
        assert_eq!(reply["status"]["code"], "OK", "{verb} {path}: {reply}");
        reply["data"].clone()
    }

    /// Logs in to `organisation` with the shipped user and returns the token.
    pub fn login(&self, organisation: &str) -> String {
        let (status, reply) = self.post(
            "authentication/token",
            &json!({"username": "MPAdministrator", "password": "1234", "organisation": organisation}),
        );
        assert_eq!(status, 200, "{reply}");
        assert_eq!(reply["status"]["code"], "OK", "{reply}");
        reply["data"]["token"].as_str().expect("token").to_string()
    }
}

fn parse_reply(raw: &[u8]) -> RawReply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    // The emulator always answers with a Content-Length, never chunked
    // (a 204 preflight reply has no body to measure).
    assert!(
        status == 204 || headers.iter().any(|(n, _)| n == "content-length"),
        "reply without Content-Length: {head}"
    );
    let body = raw[split + 4..].to_vec();
    RawReply {
        status,
        headers,
        body,
    }
}

/// Asserts a reply is the error envelope with `code`, and schema-valid.
pub fn assert_error(app: &TestApp, reply: &Value, code: &str) {
    assert_eq!(reply["status"]["code"], code, "{reply}");
    assert!(reply.get("data").is_none(), "an error has no data: {reply}");
    app.emulator
        .state()
        .schemas
        .check_error(reply)
        .unwrap_or_else(|e| panic!("error envelope breaks its schema: {e}: {reply}"));
}

/// A keep-alive HTTP/1.1 connection, for tests that send thousands of
/// requests (one connection per request would exhaust loopback ports).
pub struct Client {
    stream: std::io::BufReader<TcpStream>,
}

impl Client {
    pub fn connect(app: &TestApp) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", app.emulator.port())).expect("connect");
        Client {
            stream: std::io::BufReader::new(stream),
        }
    }

    /// POST a JSON body to a CRM.COM method; returns (HTTP status, reply).
    pub fn post(&mut self, method: &str, body: &Value) -> (u16, Value) {
        use std::io::BufRead;
        let body = body.to_string();
        let head = format!(
            "POST /crmapi/rest/v2/{method} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        // One write: a head and body in two small writes would wait on
        // Nagle's algorithm and delayed ACKs (40 ms a request).
        let request = head + &body;
        self.stream
            .get_mut()
            .write_all(request.as_bytes())
            .expect("write");
        let mut status = 0;
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.stream.read_line(&mut line).expect("read");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(rest) = line.strip_prefix("HTTP/1.1 ") {
                status = rest[..3].parse().expect("status");
            } else if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().expect("length");
                }
            }
        }
        let mut reply = vec![0; length];
        self.stream.read_exact(&mut reply).expect("body");
        (status, serde_json::from_slice(&reply).expect("JSON reply"))
    }
}

/// One organisation of the shared emulator with a live user token, and
/// shorthands for calling access-token methods with it.
pub struct Org {
    pub app: &'static TestApp,
    pub name: String,
    pub token: String,
}

impl Org {
    pub fn new(prefix: &str) -> Org {
        let app = shared_app();
        let name = unique_org(prefix);
        let token = app.login(&name);
        Org { app, name, token }
    }

    pub fn post(&self, method: &str, mut body: Value) -> Value {
        if body.get("token").is_none() {
            body["token"] = json!(self.token);
        }
        self.app.post(&format!("access_tokens/{method}"), &body).1
    }

    pub fn ok(&self, method: &str, body: Value) -> Value {
        let reply = self.post(method, body);
        assert_eq!(reply["status"]["code"], "OK", "{method}: {reply}");
        reply.get("data").cloned().unwrap_or(Value::Null)
    }

    pub fn show(&self, identifier: Value) -> Value {
        self.post("show", json!({"access_token_identifier": identifier}))
    }

    pub fn not_associated_numbers(&self) -> Vec<String> {
        self.numbers("get_not_associated", "number=1000")
    }

    /// The numbers a GET access-token method answers for `query`.
    pub fn numbers(&self, method: &str, query: &str) -> Vec<String> {
        let (_, reply) = self.app.get(
            &format!("access_tokens/{method}"),
            &format!("token={}&{query}&fields_set=number", self.token),
        );
        reply["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["number"].as_str().unwrap().to_string())
            .collect()
    }
}

/// A consumer-application login (the fixtures' key as the HTTP Basic user
/// name) with `body`; the whole reply.
pub fn consumer_login_with(app: &TestApp, body: &Value) -> Value {
    use base64::Engine;
    let key = base64::engine::general_purpose::STANDARD.encode("C0A5F1E2D3B4A5968778695A4B3C2D1E:");
    let reply = app.request(
        "POST",
        "/crmapi/rest/v2/authentication/consumer_application_key/token",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &format!("Basic {key}")),
        ],
        body.to_string().as_bytes(),
    );
    reply.json()
}

pub fn code(c: &str) -> Value {
    json!({"authentication_code": c})
}

/// The binary the tests start.
pub const BIN: &str = env!("CARGO_BIN_EXE_crmcom-emulator");

/// The binary started with `args` and `env`, stdout and stderr piped, and
/// its first stdout line read.
pub struct Started {
    pub child: std::process::Child,
    /// Its stdout after the first line.
    pub stdout: std::io::BufReader<std::process::ChildStdout>,
    pub first: String,
}

impl Started {
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Started {
        use std::io::BufRead;
        let mut child = std::process::Command::new(BIN)
            .args(args)
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn the binary");
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("first line");
        Started {
            child,
            stdout,
            first,
        }
    }

    /// The port the first line names (`listening on http://127.0.0.1:PORT`),
    /// or `None` when the binary did not start.
    pub fn port(&self) -> Option<u16> {
        self.first
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .map(|port| port.parse().expect("a port"))
    }
}

/// What `child` wrote to its piped stderr, read to its end.
pub fn stderr_of(child: &mut std::process::Child) -> String {
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    stderr
}

/// A GET request's parameters as CRM.COM's query string: an identifier
/// object as `name=field=value`, values percent-encoded where a query needs
/// it.
pub fn crm_query(params: &Value) -> String {
    let encoded = |text: &str| {
        text.replace('%', "%25")
            .replace('&', "%26")
            .replace('+', "%2B")
            .replace(' ', "%20")
    };
    let mut parts = Vec::new();
    for (name, value) in params.as_object().into_iter().flatten() {
        let text = match value {
            Value::Object(fields) => fields
                .iter()
                .map(|(f, v)| format!("{f}={}", v.as_str().map_or(v.to_string(), str::to_string)))
                .collect::<Vec<_>>()
                .join(","),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        parts.push(format!("{name}={}", encoded(&text)));
    }
    parts.join("&")
}
