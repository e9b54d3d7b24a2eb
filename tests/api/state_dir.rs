//! `--state-dir`: the real binary, stopped with SIGTERM and started again,
//! gets its tenants and snapshots back.

use crate::helpers::request_to;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Running {
    child: Child,
    port: u16,
}

fn start(dir: &std::path::Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crmcom-emulator"))
        .args(["--port", "0", "--state-dir"])
        .arg(dir)
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

fn stop(mut running: Running) {
    let pid = running.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = running.child.wait().unwrap();
    assert!(
        exit.success(),
        "SIGTERM ends the emulator cleanly: {exit:?}"
    );
}

fn call(port: u16, verb: &str, path: &str, body: &Value) -> Value {
    let reply = request_to(
        port,
        verb,
        path,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    reply.json()
}

fn login(port: u16, org: &str) -> String {
    let reply = call(
        port,
        "POST",
        "/crmapi/rest/v2/authentication/token",
        &json!({"username": "MPAdministrator", "password": "1234", "organisation": org}),
    );
    reply["data"]["token"].as_str().unwrap().to_string()
}

fn show(port: u16, token: &str, code: &str) -> Value {
    call(
        port,
        "POST",
        "/crmapi/rest/v2/access_tokens/show",
        &json!({"token": token, "access_token_identifier": {"authentication_code": code}}),
    )
}

#[test]
fn tenants_and_snapshots_survive_a_restart_with_the_same_state_dir() {
    let dir = std::env::temp_dir().join(format!("crmcom-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    let first = start(&dir);
    let token = login(first.port, "Demo Co");
    let created = call(
        first.port,
        "POST",
        "/crmapi/rest/v2/access_tokens/create",
        &json!({"token": token, "authentication_code": "KEPT", "identifier": "kept", "pass_code": "kept-pc"}),
    );
    assert_eq!(created["status"]["code"], "OK", "{created}");
    let saved = call(
        first.port,
        "POST",
        "/__admin/tenants/Demo%20Co/snapshots/before-demo",
        &json!({}),
    );
    assert_eq!(saved["status"]["code"], "OK", "{saved}");
    call(
        first.port,
        "POST",
        "/crmapi/rest/v2/access_tokens/create",
        &json!({"token": token, "authentication_code": "AFTER"}),
    );
    stop(first);
    assert!(dir.join("tenants/demo%20co.json").exists());
    assert!(dir.join("snapshots/demo%20co/before-demo.json").exists());
    let on_disk = std::fs::read_to_string(dir.join("tenants/demo%20co.json")).unwrap();
    assert!(
        !on_disk.contains("kept-pc"),
        "pass codes are on disk only as hashes"
    );

    let second = start(&dir);
    let token = login(second.port, "demo co");
    for code in ["KEPT", "AFTER"] {
        assert_eq!(
            show(second.port, &token, code)["status"]["code"],
            "OK",
            "{code}"
        );
    }
    let by_pass = call(
        second.port,
        "POST",
        "/crmapi/rest/v2/access_tokens/show",
        &json!({"token": token, "access_token_identifier": {"identifier": "kept", "pass_code": "kept-pc"}}),
    );
    assert_eq!(by_pass["data"]["authentication_code"], "KEPT");
    let restored = call(
        second.port,
        "POST",
        "/__admin/tenants/demo%20co/snapshots/before-demo/restore",
        &json!({}),
    );
    assert_eq!(restored["status"]["code"], "OK", "{restored}");
    assert_eq!(
        show(second.port, &token, "AFTER")["status"]["code"],
        codes_not_found()
    );
    let tenants = call(second.port, "GET", "/__admin/tenants", &json!({}));
    assert_eq!(tenants["data"][0]["organisation"], "Demo Co");
    stop(second);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn codes_not_found() -> &'static str {
    crmcom_emulator::codes::ACCESS_TOKEN_NOT_FOUND.code
}

#[test]
fn a_broken_state_file_stops_the_start_naming_it() {
    let dir = std::env::temp_dir().join(format!("crmcom-broken-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("tenants")).unwrap();
    std::fs::write(dir.join("tenants/x.json"), "{").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crmcom-emulator"))
        .args(["--port", "0", "--state-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tenants/x.json"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// SIGTERM while a reply is in flight: the reply completes, the state is
/// written, and the process exits 0.
#[test]
fn sigterm_lets_the_reply_in_flight_finish_then_writes_the_state() {
    let dir = std::env::temp_dir().join(format!("crmcom-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let running = start(&dir);
    let port = running.port;
    let token = login(port, "Shutdown Co");
    let fault = call(
        port,
        "POST",
        "/__admin/faults",
        &json!({"method": "access_tokens/show", "latency_ms": 1500}),
    );
    assert_eq!(fault["status"]["code"], "OK", "{fault}");
    let in_flight = std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let reply = show(port, &token, "CCD4537CA4AD4EE8912FFBAE53110601");
        (reply, started.elapsed())
    });
    std::thread::sleep(std::time::Duration::from_millis(400));
    stop(running);
    let (reply, took) = in_flight.join().unwrap();
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    assert!(took >= std::time::Duration::from_millis(1400), "{took:?}");
    let written = std::fs::read_dir(dir.join("tenants"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect::<Vec<_>>();
    assert_eq!(
        written,
        vec!["shutdown%20co.json".to_string()],
        "{written:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
