//! `--state-dir`: the real binary over an SQLite database, stopped by every
//! signal and by SIGKILL, started again on the same directory.

mod kill;
mod refusals;
mod restart;
mod signals;
mod snapshots;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

pub const API: &str = "/crmapi/rest/v2";

/// A state directory of its own, removed when dropped.
pub struct StateDir(pub PathBuf);

impl StateDir {
    pub fn new(name: &str) -> StateDir {
        let dir = std::env::temp_dir().join(format!(
            "crmcom-{name}-{}-{}",
            std::process::id(),
            crate::helpers::unique_org("dir")
        ));
        let _ = std::fs::remove_dir_all(&dir);
        StateDir(dir)
    }

    pub fn database(&self) -> PathBuf {
        self.0.join("crmcom-emulator.sqlite3")
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary, serving on a port of its own.
pub struct Running {
    pub child: Child,
    pub port: u16,
}

/// Starts the binary on `dir` with `extra` flags; panics if it does not
/// start.
pub fn start(dir: &Path, extra: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crmcom-emulator"))
        .args(["--port", "0", "--state-dir"])
        .arg(dir)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let port = first
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("first line: {first}"));
    // Keep reading stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Running { child, port }
}

/// Runs the binary on `dir` expecting it not to start: its exit status and
/// standard error.
pub fn refused(dir: &Path) -> (ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crmcom-emulator"))
        .args(["--port", "0", "--state-dir"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A start that should have been refused must not hang the suite.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the emulator started on {dir:?} instead of refusing it");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status, crate::helpers::stderr_of(&mut child))
}

/// A test that fails midway leaves no emulator behind.
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// Sends `signal` (TERM, INT, HUP, QUIT, KILL) and waits for the exit.
    pub fn signal(mut self, signal: &str) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        self.child.wait().unwrap()
    }

    /// SIGTERM, expecting a clean exit.
    pub fn stop(self) {
        let exit = self.signal("TERM");
        assert!(
            exit.success(),
            "SIGTERM ends the emulator cleanly: {exit:?}"
        );
    }

    pub fn call(&self, verb: &str, path: &str, body: &Value) -> Value {
        call(self.port, verb, path, body).unwrap_or_else(|| panic!("{verb} {path}: no reply"))
    }

    pub fn login(&self, org: &str) -> String {
        let reply = self.call(
            "POST",
            &format!("{API}/authentication/token"),
            &json!({"username": "MPAdministrator", "password": "1234", "organisation": org}),
        );
        reply["data"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("{reply}"))
            .to_string()
    }

    pub fn show(&self, token: &str, code: &str) -> Value {
        self.call(
            "POST",
            &format!("{API}/access_tokens/show"),
            &json!({"token": token, "access_token_identifier": {"authentication_code": code}}),
        )
    }
}

/// One call; `None` when the connection fails or closes before a whole
/// reply (the emulator was killed): the caller cannot know whether it was
/// applied.
pub fn call(port: u16, verb: &str, path: &str, body: &Value) -> Option<Value> {
    let body = if verb == "GET" {
        String::new()
    } else {
        body.to_string()
    };
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = format!(
        "{verb} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))?
        .trim()
        .parse()
        .ok()?;
    let body = raw.get(split + 4..)?;
    if body.len() != length {
        return None;
    }
    serde_json::from_slice(body).ok()
}

pub fn code(reply: &Value) -> &str {
    reply["status"]["code"].as_str().unwrap_or_default()
}
