//! Host and CORS rules: a page on another site can neither reach the
//! emulator through DNS rebinding nor call it from a browser, while local
//! front-ends on any port can.

use crate::helpers::{send_to, shared_app, spawn_with, RawReply};
use crmcom_emulator::Config;

const HOST_NOT_ALLOWED: &str = "COM.CRM.EXCEPTION.EMULATOR.HOSTNOTALLOWEDEXCEPTION";
const ORIGIN_NOT_ALLOWED: &str = "COM.CRM.EXCEPTION.EMULATOR.ORIGINNOTALLOWEDEXCEPTION";

/// A request with exactly these headers (no default Host).
fn raw(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> RawReply {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    send_to(port, req.as_bytes())
}

/// A preflight of a POST to `access_tokens/show` from `origin`, with
/// `extra` headers.
fn preflight_of(port: u16, origin: &str, extra: &[(&str, &str)]) -> RawReply {
    let mut headers = vec![
        ("Host", "127.0.0.1"),
        ("Origin", origin),
        ("Access-Control-Request-Method", "POST"),
    ];
    headers.extend_from_slice(extra);
    raw(
        port,
        "OPTIONS",
        "/crmapi/rest/v2/access_tokens/show",
        &headers,
        "",
    )
}

const LOGIN: &str = r#"{"username":"MPAdministrator","password":"1234","organisation":"exposure"}"#;

fn login_with(port: u16, headers: &[(&str, &str)]) -> RawReply {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    raw(
        port,
        "POST",
        "/crmapi/rest/v2/authentication/token",
        &all,
        LOGIN,
    )
}

#[test]
fn a_foreign_host_is_refused_on_crm_and_admin_paths() {
    let port = shared_app().emulator.port();
    for host in [
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.nip.io",
        "10.1.2.3",
    ] {
        let reply = login_with(port, &[("Host", host)]);
        assert_eq!(reply.status, 403, "{host}");
        assert_eq!(reply.json()["status"]["code"], HOST_NOT_ALLOWED, "{host}");
        let admin = raw(port, "GET", "/__admin/health", &[("Host", host)], "");
        assert_eq!(admin.status, 403, "{host}");
        assert_eq!(admin.json()["status"]["code"], HOST_NOT_ALLOWED);
    }
    let local_port = format!("localhost:{port}");
    let bound = format!("127.0.0.1:{port}");
    for host in ["localhost", local_port.as_str(), bound.as_str()] {
        let reply = login_with(port, &[("Host", host)]);
        assert_eq!(reply.json()["status"]["code"], "OK", "{host}");
    }
}

#[test]
fn an_allowed_host_is_answered() {
    let app = spawn_with(Config {
        allowed_hosts: vec!["emulator.test".into()],
        ..Config::default()
    });
    let port = app.emulator.port();
    let reply = login_with(port, &[("Host", "emulator.test:8080")]);
    assert_eq!(reply.json()["status"]["code"], "OK");
    let other = login_with(port, &[("Host", "other.test")]);
    assert_eq!(other.json()["status"]["code"], HOST_NOT_ALLOWED);
}

#[test]
fn local_origins_get_cors_headers_with_credentials() {
    let port = shared_app().emulator.port();
    for origin in [
        "http://localhost:5173",
        "http://127.0.0.1:3000",
        "http://localhost",
    ] {
        let reply = login_with(port, &[("Host", "127.0.0.1"), ("Origin", origin)]);
        assert_eq!(reply.json()["status"]["code"], "OK", "{origin}");
        assert_eq!(reply.header("access-control-allow-origin"), Some(origin));
        assert_eq!(
            reply.header("access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(reply.header("vary"), Some("Origin"));
    }
    // A request without Origin (curl, a test suite) gets no CORS headers.
    let plain = login_with(port, &[("Host", "127.0.0.1")]);
    assert_eq!(plain.header("access-control-allow-origin"), None);
}

#[test]
fn a_foreign_origin_is_refused_and_its_preflight_too() {
    let port = shared_app().emulator.port();
    for origin in [
        "https://evil.example",
        "http://localhost.evil.example",
        "null",
        "https://localhost:5173",
    ] {
        let reply = login_with(port, &[("Host", "127.0.0.1"), ("Origin", origin)]);
        assert_eq!(reply.status, 403, "{origin}");
        assert_eq!(reply.json()["status"]["code"], ORIGIN_NOT_ALLOWED);
        assert_eq!(reply.header("access-control-allow-origin"), None);
        let preflight = preflight_of(port, origin, &[]);
        assert_eq!(preflight.status, 403, "{origin}");
        assert_eq!(preflight.header("access-control-allow-origin"), None);
    }
}

#[test]
fn a_local_preflight_is_answered_with_the_methods_and_headers() {
    let port = shared_app().emulator.port();
    let reply = raw(
        port,
        "OPTIONS",
        "/crmapi/rest/v2/access_tokens/show",
        &[
            ("Host", "127.0.0.1"),
            ("Origin", "http://localhost:5173"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "content-type, authorization",
            ),
        ],
        "",
    );
    assert_eq!(reply.status, 204);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert!(reply
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("content-type, authorization")
    );
    // OPTIONS that is not a preflight is a wrong verb, with the envelope.
    let options = raw(
        port,
        "OPTIONS",
        "/crmapi/rest/v2/access_tokens/show",
        &[("Host", "127.0.0.1")],
        "",
    );
    assert_eq!(options.status, 405);
    assert_eq!(
        options.json()["status"]["code"],
        "COM.CRM.EXCEPTION.WEBAPI.METHODNOTSUPPORTEDEXCEPTION"
    );
}

#[test]
fn configured_origins_are_allowed_and_a_star_never_carries_credentials() {
    let app = spawn_with(Config {
        cors_origins: vec!["https://app.example".into()],
        ..Config::default()
    });
    let port = app.emulator.port();
    let reply = login_with(
        port,
        &[("Host", "127.0.0.1"), ("Origin", "https://app.example")],
    );
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let other = login_with(
        port,
        &[("Host", "127.0.0.1"), ("Origin", "https://other.example")],
    );
    assert_eq!(other.status, 403);

    let any = spawn_with(Config {
        cors_origins: vec!["*".into()],
        ..Config::default()
    });
    let reply = login_with(
        any.emulator.port(),
        &[
            ("Host", "127.0.0.1"),
            ("Origin", "https://anywhere.example"),
        ],
    );
    assert_eq!(reply.json()["status"]["code"], "OK");
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(reply.header("access-control-allow-credentials"), None);
}

#[test]
fn the_emulators_own_pages_are_same_origin() {
    // A name that is no local origin, so only the same-origin rule lets
    // the page through (the dashboard opened as http://demo.test:8080).
    let app = spawn_with(Config {
        allowed_hosts: vec!["demo.test".into()],
        ..Config::default()
    });
    let port = app.emulator.port();
    let reply = login_with(
        port,
        &[
            ("Host", "demo.test:8080"),
            ("Origin", "http://demo.test:8080"),
        ],
    );
    assert_eq!(reply.json()["status"]["code"], "OK");
    assert_eq!(reply.header("access-control-allow-origin"), None);
    let other_port = login_with(
        port,
        &[
            ("Host", "demo.test:8080"),
            ("Origin", "http://demo.test:9090"),
        ],
    );
    assert_eq!(other_port.json()["status"]["code"], ORIGIN_NOT_ALLOWED);
}

/// Issue 19, row 15: Chrome's Private Network Access preflight.
#[test]
fn an_allowed_origin_may_reach_the_private_network_and_a_foreign_one_may_not() {
    let port = shared_app().emulator.port();
    let preflight = |origin: &str| {
        preflight_of(
            port,
            origin,
            &[("Access-Control-Request-Private-Network", "true")],
        )
    };
    let local = preflight("http://localhost:5173");
    assert_eq!(local.status, 204);
    assert_eq!(
        local.header("access-control-allow-private-network"),
        Some("true")
    );
    let foreign = preflight("https://evil.example");
    assert_eq!(foreign.header("access-control-allow-private-network"), None);
}
