//! Every limit answers the error envelope when it is reached, and the
//! emulator keeps serving: tenants, live sessions, access tokens per tenant,
//! body size, body arrival time, keep-alive.

use crate::helpers::{spawn_with, TestApp};
use crmcom_emulator::Config;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const LIMIT_REACHED: &str = "COM.CRM.EXCEPTION.EMULATOR.LIMITREACHEDEXCEPTION";

fn login_reply(app: &TestApp, organisation: &str) -> Value {
    let (status, reply) = app.post(
        "authentication/token",
        &json!({"username": "MPAdministrator", "password": "1234", "organisation": organisation}),
    );
    assert_eq!(status, 200);
    reply
}

#[test]
fn max_tenants_refuses_a_new_organisation_but_serves_the_existing_ones() {
    let app = spawn_with(Config {
        max_tenants: 2,
        ..Config::default()
    });
    app.login("first");
    app.login("second");
    let refused = login_reply(&app, "third");
    assert_eq!(refused["status"]["code"], LIMIT_REACHED, "{refused}");
    assert!(refused.get("data").is_none());
    assert!(refused["status"]["description"]
        .as_str()
        .unwrap()
        .contains("--max-tenants"));
    // Existing tenants still log in; the admin API cannot create a third.
    app.login("FIRST");
    let (status, reply) = app.admin("POST", "tenants/third/reset", None);
    assert_eq!(
        (status, reply["status"]["code"].as_str()),
        (
            400,
            Some("COM.CRM.EXCEPTION.EMULATOR.INVALIDADMINREQUESTEXCEPTION")
        ),
        "{reply}"
    );
    assert_eq!(
        app.admin_ok("GET", "tenants", None)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Deleting one makes room.
    app.admin_ok("DELETE", "tenants/second", None);
    app.login("third");
}

#[test]
fn max_sessions_refuses_a_login_until_sessions_expire() {
    let app = spawn_with(Config {
        max_sessions: 3,
        ..Config::default()
    });
    let tokens: Vec<String> = (0..3).map(|_| app.login("sessions")).collect();
    let refused = login_reply(&app, "sessions");
    assert_eq!(refused["status"]["code"], LIMIT_REACHED, "{refused}");
    // The live sessions still work.
    for token in &tokens {
        let (_, reply) = app.get(
            "access_tokens/configuration/classifications/list",
            &format!("token={token}"),
        );
        assert_eq!(reply["status"]["code"], "OK", "{reply}");
    }
    // Released and expired sessions make room again.
    let (_, released) = app.post("authentication/token/release", &json!({"token": tokens[0]}));
    assert_eq!(released["status"]["code"], "OK", "{released}");
    app.login("sessions");
    assert_eq!(
        login_reply(&app, "sessions")["status"]["code"],
        LIMIT_REACHED
    );
    app.admin_ok(
        "POST",
        "tokens/expire",
        Some(&json!({"organisation": "sessions"})),
    );
    app.login("sessions");
}

#[test]
fn max_access_tokens_refuses_a_create_beyond_it_and_an_import_over_it() {
    let probe = spawn_with(Config::default());
    let token = probe.login("count");
    let (_, list) = probe.admin("GET", "tenants/count/state", None);
    let fixtures = list["data"]["access_tokens"].as_array().unwrap().len() as u64;
    drop(probe);

    let app = spawn_with(Config {
        max_access_tokens: fixtures + 1,
        ..Config::default()
    });
    let token_a = app.login("full");
    assert_ne!(token, token_a);
    let create = |code: &str| {
        app.post(
            "access_tokens/create",
            &json!({"token": token_a, "authentication_code": code,
                    "accounts_receivable_identifier": {"number": "ACR001018"}}),
        )
        .1
    };
    let first = create("LIMITS-ONE");
    assert_eq!(first["status"]["code"], "OK", "{first}");
    let second = create("LIMITS-TWO");
    assert_eq!(second["status"]["code"], LIMIT_REACHED, "{second}");
    assert!(second["status"]["description"]
        .as_str()
        .unwrap()
        .contains("--max-access-tokens"));

    // An import holding more tokens than the limit is refused whole.
    let (_, export) = app.admin("GET", "tenants/full/state", None);
    let mut state = export["data"].clone();
    let mut extra = state["access_tokens"][0].clone();
    extra["id"] = json!("0123456789ABCDEF0123456789ABCDEF");
    extra["number"] = json!("ACT9999999999");
    extra["authentication_code"] = json!("LIMITS-EXTRA");
    extra["identifier"] = Value::Null;
    state["access_tokens"].as_array_mut().unwrap().push(extra);
    let (status, reply) = app.admin("PUT", "tenants/other/state", Some(&state));
    assert_eq!(status, 400, "{reply}");
    assert!(reply["status"]["description"]
        .as_str()
        .unwrap()
        .contains("--max-access-tokens"));
}

#[test]
fn a_body_over_the_limit_answers_413_and_the_next_request_is_served() {
    let app = spawn_with(Config {
        max_body_bytes: 1024,
        ..Config::default()
    });
    let big = format!(r#"{{"username":"{}"}}"#, "x".repeat(2000));
    let reply = app.request(
        "POST",
        "/crmapi/rest/v2/authentication/token",
        &[("Content-Type", "application/json")],
        big.as_bytes(),
    );
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.json()["status"]["code"],
        "COM.CRM.EXCEPTION.WEBAPI.PAYLOADTOOLARGEEXCEPTION"
    );
    app.login("after-413");
}

/// A client that sends its head and part of its body, then stalls, is cut
/// off with a 408 envelope after `--body-timeout-ms`, while other clients
/// are served meanwhile.
#[test]
fn a_slow_body_is_cut_off_while_other_clients_are_served() {
    let app = spawn_with(Config {
        body_timeout_ms: 700,
        ..Config::default()
    });
    let port = app.emulator.port();
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.write_all(
        b"POST /crmapi/rest/v2/authentication/token HTTP/1.1\r\nHost: 127.0.0.1\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
    )
    .unwrap();
    let started = Instant::now();
    let mut served = 0;
    while started.elapsed() < Duration::from_millis(500) {
        app.login("while-slow");
        served += 1;
    }
    assert!(served >= 5, "only {served} logins while a body was slow");

    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut raw = Vec::new();
    // The server replies, then closes the connection: read to the end.
    let _ = slow.read_to_end(&mut raw);
    let waited = started.elapsed();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        text.contains("COM.CRM.EXCEPTION.WEBAPI.REQUESTTIMEOUTEXCEPTION"),
        "{text}"
    );
    assert!(waited < Duration::from_secs(5), "cut off after {waited:?}");
    app.login("after-slow");
}

#[test]
fn keep_alive_defaults_to_longer_than_pooled_clients_and_the_flag_is_applied() {
    use clap::Parser;
    let defaults = Config::try_parse_from(["crmcom-emulator"]).unwrap();
    assert!(
        defaults.keep_alive_secs >= 75,
        "{}",
        defaults.keep_alive_secs
    );
    assert_eq!(defaults.max_body_bytes, 1024 * 1024);

    let app = spawn_with(Config {
        keep_alive_secs: 1,
        ..Config::default()
    });
    let mut conn = TcpStream::connect(("127.0.0.1", app.emulator.port())).unwrap();
    conn.write_all(b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 512];
    let n = conn.read(&mut first).unwrap();
    assert!(first[..n].starts_with(b"HTTP/1.1 200"));
    // Idle past the keep-alive: the server closes the connection.
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut rest = Vec::new();
    let started = Instant::now();
    let _ = conn.read_to_end(&mut rest);
    let idle = started.elapsed();
    assert!(
        idle >= Duration::from_millis(500) && idle < Duration::from_secs(4),
        "closed after {idle:?}"
    );
}

/// A connection that never finishes its request head is answered 408 and
/// closed after `--header-timeout-ms` (actix's own empty reply).
#[test]
fn a_slow_request_head_is_cut_off() {
    let app = spawn_with(Config {
        header_timeout_ms: 600,
        ..Config::default()
    });
    let mut slow = TcpStream::connect(("127.0.0.1", app.emulator.port())).unwrap();
    slow.write_all(b"POST /crmapi/rest/v2/authentication/token HTTP/1.1\r\nHost: 127")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut raw = Vec::new();
    let _ = slow.read_to_end(&mut raw);
    let waited = started.elapsed();
    assert!(
        String::from_utf8_lossy(&raw).starts_with("HTTP/1.1 408"),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );
    assert!(waited < Duration::from_secs(4), "cut off after {waited:?}");
    app.login("after-slow-head");
}
