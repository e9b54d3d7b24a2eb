//! HTTP as real clients speak it (issue 19, rows 8 to 14): HEAD on every
//! GET route, empty path segments, percent-encoded unreserved characters,
//! `Expect: 100-continue` over the limit, both loopbacks, IPv6 URLs.

use crate::helpers::{assert_error, shared_app, spawn_with, unique_org, RawReply};
use crmcom_emulator::{codes, Config, Emulator};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn head_answers_as_get_would_without_a_body_on_every_get_route() {
    let app = shared_app();
    let token = app.login(&unique_org("head"));
    let list = format!(
        "/crmapi/rest/v2/access_tokens/list?token={token}&accounts_receivable_identifier=number=ACR000783"
    );
    for path in [
        list.as_str(),
        "/__admin/ui",
        "/__admin/health",
        "/__admin/journal?limit=1",
        "/openapi.json",
        "/",
    ] {
        let get = app.request("GET", path, &[], b"");
        let head = app.request("HEAD", path, &[], b"");
        assert_eq!(get.status, 200, "GET {path}");
        assert_eq!(head.status, 200, "HEAD {path}");
        assert!(head.body.is_empty(), "HEAD {path} has no body");
        if !path.contains("health") && !path.contains("journal") {
            assert_eq!(
                head.header("content-length"),
                get.header("content-length"),
                "{path}"
            );
        }
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
        assert!(head.header("allow").is_none(), "{path}");
    }
}

#[test]
fn empty_path_segments_collapse_as_servlet_containers_do() {
    let app = shared_app();
    let body = json!({"username": "MPAdministrator", "password": "1234", "organisation": unique_org("slashes")});
    for path in [
        "/crmapi/rest/v2//authentication/token",
        "//crmapi/rest/v2/authentication/token",
        "/crmapi//rest///v2/authentication//token",
    ] {
        let reply = app.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        );
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.json()["status"]["code"], "OK", "{path}");
    }
}

#[test]
fn percent_encoded_unreserved_characters_decode_before_routing() {
    let app = shared_app();
    let token = app.login(&unique_org("percent"));
    let query = format!("token={token}&accounts_receivable_identifier=number=ACR000783");
    for path in [
        "/crmapi/rest/v2/access%5Ftokens/list",
        "/crmapi/rest/v2/access%5ftokens/%6Cist",
        "/%63rmapi/rest/v2/access_tokens/list",
    ] {
        let reply = app.request("GET", &format!("{path}?{query}"), &[], b"");
        assert_eq!(reply.json()["status"]["code"], "OK", "{path}");
    }
    // An encoded `/` stays a literal: no method has that name.
    let reply = app.request(
        "GET",
        &format!("/crmapi/rest/v2/access_tokens%2Flist?{query}"),
        &[],
        b"",
    );
    assert_eq!(reply.status, 404);
    assert_error(app, &reply.json(), codes::METHOD_NOT_SUPPORTED.code);
}

/// Sends a request head alone and reads what comes back until the
/// emulator closes the connection.
fn head_only(port: u16, head: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(head.as_bytes()).expect("write");
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .expect("the emulator answers and closes without waiting for the body");
    raw
}

#[test]
fn expect_100_continue_over_the_limit_is_refused_at_once() {
    let app = shared_app();
    for path in [
        "/crmapi/rest/v2/access_tokens/show",
        "/__admin/tenants/x/import",
    ] {
        let length = if path.starts_with("/__admin") {
            70_000_000
        } else {
            2_000_000
        };
        let raw = head_only(
            app.emulator.port(),
            &format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {length}\r\n\r\n"
            ),
        );
        let text = String::from_utf8_lossy(&raw);
        assert!(text.starts_with("HTTP/1.1 413"), "{path}: {text}");
        assert!(!text.contains("100 Continue"), "{text}");
        assert!(
            text.to_ascii_lowercase().contains("connection: close"),
            "{text}"
        );
        let body = &raw[raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4..];
        let reply: serde_json::Value = serde_json::from_slice(body).expect("JSON");
        assert_error(app, &reply, codes::PAYLOAD_TOO_LARGE.code);
    }
    // Within the limit, the client is told to go on.
    let mut stream = TcpStream::connect(("127.0.0.1", app.emulator.port())).expect("connect");
    stream
        .write_all(b"POST /crmapi/rest/v2/access_tokens/show HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        .expect("write");
    let mut first = [0u8; 25];
    stream.read_exact(&mut first).expect("read");
    assert_eq!(&first, b"HTTP/1.1 100 Continue\r\n\r\n");
}

fn get_health(emulator: &Emulator, host: &str) -> RawReply {
    let mut stream = TcpStream::connect((host, emulator.port())).expect("connect");
    stream
        .write_all(b"GET /__admin/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    assert!(
        raw.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    RawReply {
        status: 200,
        headers: Vec::new(),
        body: raw,
    }
}

#[test]
fn the_default_bind_answers_on_both_loopbacks_and_ipv6_urls_are_bracketed() {
    let app = spawn_with(Config::default());
    get_health(&app.emulator, "127.0.0.1");
    get_health(&app.emulator, "::1");
    let v6 = spawn_with(Config {
        bind: "::1".into(),
        ..Config::default()
    });
    assert_eq!(
        v6.emulator.uri(),
        format!("http://[::1]:{}", v6.emulator.port())
    );
    get_health(&v6.emulator, "::1");
}

fn compressed(coding: &str, bytes: &[u8]) -> Vec<u8> {
    use flate2::write::{GzEncoder, ZlibEncoder};
    use flate2::Compression;
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            let mut encoder = GzEncoder::new(&mut out, Compression::default());
            encoder.write_all(bytes).expect("gzip");
            encoder.finish().expect("gzip");
        }
        _ => {
            let mut encoder = ZlibEncoder::new(&mut out, Compression::default());
            encoder.write_all(bytes).expect("deflate");
            encoder.finish().expect("deflate");
        }
    }
    out
}

#[test]
fn gzip_and_deflate_bodies_are_inflated_within_the_limit_and_other_codings_named() {
    let app = shared_app();
    let login = json!({"username": "MPAdministrator", "password": "1234", "organisation": unique_org("gzip")})
        .to_string();
    let post = |coding: &str, body: &[u8]| {
        app.request(
            "POST",
            "/crmapi/rest/v2/authentication/token",
            &[
                ("Content-Type", "application/json"),
                ("Content-Encoding", coding),
            ],
            body,
        )
    };
    for coding in ["gzip", "deflate", "GZIP", "x-gzip"] {
        let name = if coding.to_ascii_lowercase().contains("gzip") {
            "gzip"
        } else {
            "deflate"
        };
        let reply = post(coding, &compressed(name, login.as_bytes()));
        assert_eq!(
            reply.json()["status"]["code"],
            "OK",
            "{coding}: {:?}",
            reply.json()
        );
    }
    let reply = post("identity", login.as_bytes());
    assert_eq!(reply.json()["status"]["code"], "OK");
    // A plain body under a coding the emulator does not know.
    let reply = post("x-foo", login.as_bytes());
    assert_error(app, &reply.json(), codes::INVALID_REQUEST.code);
    assert!(reply.json()["status"]["description"]
        .as_str()
        .unwrap()
        .contains("x-foo"));
    // Not gzip data at all.
    let reply = post("gzip", login.as_bytes());
    assert_error(app, &reply.json(), codes::INVALID_REQUEST.code);
    // Two megabytes of zeros compress to a few kilobytes: over the limit
    // once inflated.
    for coding in ["gzip", "deflate"] {
        let bomb = compressed(coding, &vec![b' '; 2_000_000]);
        assert!(bomb.len() < 10_000);
        let reply = post(coding, &bomb);
        assert_eq!(reply.status, 413, "{coding}");
        assert_error(app, &reply.json(), codes::PAYLOAD_TOO_LARGE.code);
    }
    // Two gzip members, as `gzip -c a b` writes them, are one body.
    let half = login.len() / 2;
    let mut members = compressed("gzip", &login.as_bytes()[..half]);
    members.extend(compressed("gzip", &login.as_bytes()[half..]));
    assert_eq!(post("gzip", &members).json()["status"]["code"], "OK");
}

#[test]
fn a_json_body_after_a_byte_order_mark_is_accepted() {
    let app = shared_app();
    let org = unique_org("bom");
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(
        json!({"username": "MPAdministrator", "password": "S3cr3t-BOM", "organisation": org})
            .to_string()
            .as_bytes(),
    );
    let reply = app.request(
        "POST",
        "/crmapi/rest/v2/authentication/token",
        &[("Content-Type", "application/json")],
        &body,
    );
    // A wrong password, so the reply is the credentials error: the body was
    // read as JSON (not refused as an invalid request).
    assert_error(app, &reply.json(), codes::INVALID_CREDENTIALS.code);
    let journal = app.admin_ok("GET", &format!("journal?organisation={org}"), None);
    let entry = &journal["entries"][0];
    assert_eq!(entry["request"]["organisation"], org.as_str(), "{journal}");
    assert_eq!(entry["request"]["password"], "<redacted>");
    assert!(!journal.to_string().contains("S3cr3t-BOM"));
}

#[test]
fn the_root_points_to_the_api_the_dashboard_and_the_openapi_document() {
    let app = shared_app();
    let reply = app.request("GET", "/", &[], b"");
    let data = &reply.json()["data"];
    assert_eq!(data["api"], "/crmapi/rest/v2/");
    assert_eq!(data["dashboard"], "/__admin/ui");
    assert_eq!(data["openapi"], "/openapi.json");
    assert_eq!(app.request("GET", "/__admin/ui", &[], b"").status, 200);
    assert_eq!(app.request("GET", "/openapi.json", &[], b"").status, 200);
}
