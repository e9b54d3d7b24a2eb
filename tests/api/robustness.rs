//! The robustness battery: thousands of malformed requests across every
//! method. Every reply is the JSON error envelope (HTTP 200, or 404, 405 or
//! 413), the same request gives the same code when sent again on the same
//! state, and the emulator still serves afterwards.
//!
//! The wrong-typed parameters come from `schemas/requests.json`, so the
//! request schemas the OpenAPI document publishes are also what the
//! emulator enforces.

use crate::helpers::{spawn_app, TestApp};
use crmcom_emulator::testing::{Verb, API_PREFIX, METHODS};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;

/// One malformed request, as the bytes that travel.
struct Case {
    label: String,
    bytes: Vec<u8>,
}

fn http(method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends a case and reads the whole reply; a server that answers 413
/// before reading a huge body may reset the write, which is fine.
fn send(port: u16, bytes: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let _ = stream.write_all(bytes);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no reply head: {:?}", String::from_utf8_lossy(&raw)));
    let status = String::from_utf8_lossy(&raw[..split])
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    (status, raw[split + 4..].to_vec())
}

/// Values of the wrong type for a parameter declared as `schema`.
fn wrong_values(schema: &Value, defs: &Value) -> Vec<Value> {
    let def = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next());
    let resolved = def.map_or(schema, |d| &defs[d]);
    let types: Vec<&str> = match &resolved["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ if resolved.get("enum").is_some() => vec!["enum"],
        _ if resolved.get("oneOf").is_some() => vec!["date"],
        _ => vec![],
    };
    let mut values = Vec::new();
    if types.contains(&"object") {
        values.extend([
            json!("text"),
            json!(7),
            json!(1.5),
            json!(true),
            json!([]),
            json!(["x"]),
        ]);
        // Each field of the object with a wrong type too.
        for field in resolved["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            values.push(json!({ field: [1] }));
            values.push(json!({ field: {"nested": true} }));
        }
        values.push(json!({}));
    } else if types.contains(&"integer") {
        values.extend([
            json!("many"),
            json!(true),
            json!([]),
            json!({}),
            json!(-5),
            json!(1.5),
        ]);
    } else if types.contains(&"enum") {
        values.extend([json!("NOT_A_STATE"), json!(3), json!([]), json!({})]);
    } else if types.contains(&"date") {
        values.extend([
            json!("2024-13-45"),
            json!("yesterday"),
            json!(7),
            json!(true),
            json!([]),
        ]);
    } else if !types.is_empty() {
        // Text and floats: numbers (and, for floats, numeric strings) are
        // taken, as the Java API does; these are not.
        values.extend([
            json!(true),
            json!(false),
            json!([]),
            json!(["a"]),
            json!({}),
            json!({"a": 1}),
        ]);
        if def == Some("float") {
            values.push(json!("not-a-number"));
        }
    }
    values
}

/// The same wrong values as a GET query would carry them.
fn wrong_query_values(schema: &Value, defs: &Value) -> Vec<String> {
    let resolved = match schema["$ref"].as_str() {
        Some(r) => &defs[r.rsplit('/').next().unwrap_or_default()],
        None => schema,
    };
    if resolved["type"] == "object" {
        return ["plain", "unknown_field=1", "=", "number=", "id=a%3Db"]
            .map(String::from)
            .to_vec();
    }
    if resolved["type"] == "integer" {
        return ["many", "-1", "1.5", "99999999999999999999999", "0x10"]
            .map(String::from)
            .to_vec();
    }
    if resolved.get("enum").is_some() {
        return ["NOT_A_STATE", "effective"].map(String::from).to_vec();
    }
    Vec::new()
}

fn cases(token: &str) -> Vec<Case> {
    let requests = crmcom_emulator::testing::requests_file();
    let defs = &requests["$defs"];
    let mut cases = Vec::new();
    let mut add = |label: String, bytes: Vec<u8>| cases.push(Case { label, bytes });
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let huge = "h".repeat(900_000);
    for route in METHODS {
        let path = format!("{API_PREFIX}{}", route.path);
        let method = crmcom_emulator::testing::request_schema(route);
        let properties = method["properties"].as_object().unwrap();
        let posts = route.verb != Verb::Get;
        let gets = route.verb != Verb::Post;
        if posts {
            let json_body = |label: &str, body: &[u8]| {
                (
                    format!("{path} POST {label}"),
                    http("POST", &path, Some("application/json"), body),
                )
            };
            let bodies: Vec<(&str, Vec<u8>)> = vec![
                (
                    "truncated",
                    format!(r#"{{"token": "{token}", "access_tok"#).into_bytes(),
                ),
                ("truncated string", br#"{"token": "abc"#.to_vec()),
                (
                    "trailing garbage",
                    format!(r#"{{"token": "{token}"}} xyz"#).into_bytes(),
                ),
                (
                    "two objects",
                    format!(r#"{{"token": "{token}"}}{{}}"#).into_bytes(),
                ),
                ("array", b"[1, 2]".to_vec()),
                (
                    "object array",
                    format!(r#"[{{"token": "{token}"}}]"#).into_bytes(),
                ),
                ("number", b"42".to_vec()),
                ("string", b"\"text\"".to_vec()),
                ("null", b"null".to_vec()),
                ("true", b"true".to_vec()),
                ("invalid utf-8", b"{\"token\": \"\xff\xfe\"}".to_vec()),
                ("invalid utf-8 key", b"{\"\xc3\x28\": 1}".to_vec()),
                (
                    "deep nesting",
                    format!(r#"{{"token": "{token}", "a": {deep}}}"#).into_bytes(),
                ),
                (
                    "huge strings",
                    format!(r#"{{"token": "{huge}", "username": "{huge}"}}"#).into_bytes(),
                ),
                ("huge exponent", br#"{"token": 1e999}"#.to_vec()),
                (
                    "huge integer",
                    br#"{"token": 123456789012345678901234567890}"#.to_vec(),
                ),
                (
                    "tiny exponent",
                    br#"{"token": -1e-400, "offset": 1e400}"#.to_vec(),
                ),
                (
                    "duplicate keys",
                    br#"{"token": "x", "token": "y"}"#.to_vec(),
                ),
                ("single quotes", b"{'token': 'x'}".to_vec()),
                ("comment", b"{/* c */ \"token\": \"x\"}".to_vec()),
                ("bare word", b"token=x".to_vec()),
                ("nul byte", b"{\"token\": \"x\"}\x00".to_vec()),
                (
                    "byte order mark",
                    b"\xef\xbb\xbf{\"token\": \"x\"}".to_vec(),
                ),
                ("bad escape", br#"{"token": "\u12"}"#.to_vec()),
                ("lone surrogate", br#"{"token": "\ud800"}"#.to_vec()),
                ("whitespace only", b"  \r\n\t ".to_vec()),
                ("open brace", b"{".to_vec()),
                ("close brace", b"}".to_vec()),
                ("token object", br#"{"token": {"token": "x"}}"#.to_vec()),
            ];
            for (label, body) in bodies {
                let (label, bytes) = json_body(label, &body);
                add(label, bytes);
            }
            if !route.empty_body_ok {
                let (label, bytes) = json_body("empty body", b"");
                add(label, bytes);
            }
            let valid = json!({"token": token}).to_string();
            // (A missing content type, or any that mentions json, is taken
            // as JSON on purpose: see params.rs.)
            for content_type in [
                Some("text/plain"),
                Some("application/x-www-form-urlencoded"),
                Some("multipart/form-data; boundary=x"),
                Some("application/xml"),
                Some("text/html; charset=utf-8"),
                Some("application/octet-stream"),
            ] {
                add(
                    format!("{path} POST content type {content_type:?}"),
                    http("POST", &path, content_type, valid.as_bytes()),
                );
            }
            let oversize = format!(r#"{{"token": "{}"}}"#, "o".repeat(1024 * 1024));
            add(
                format!("{path} POST oversize"),
                http("POST", &path, Some("application/json"), oversize.as_bytes()),
            );
            // Each parameter with a wrong type: alone with the token, and
            // on top of a request that is otherwise complete, so the check
            // of every parameter is reached.
            for (name, schema) in properties {
                for wrong in wrong_values(schema, defs) {
                    for base in [json!({"token": token}), complete(&method, token)] {
                        let mut body = base;
                        body[name] = wrong.clone();
                        add(
                            format!("{path} POST {body}"),
                            http(
                                "POST",
                                &path,
                                Some("application/json"),
                                body.to_string().as_bytes(),
                            ),
                        );
                    }
                }
            }
        }
        if gets {
            for (name, schema) in properties {
                for wrong in wrong_query_values(schema, defs) {
                    let target = format!("{path}?token={token}&{name}={wrong}");
                    add(format!("GET {target}"), http("GET", &target, None, b""));
                }
            }
            for query in [
                "token=%zz",
                "token=%",
                "token=%e9",
                "token=%c3%28",
                "%ff=1",
                "token=a%2",
                "token=x&token=y",
            ] {
                let target = format!("{path}?{query}");
                add(format!("GET {target}"), http("GET", &target, None, b""));
            }
        }
        for verb in ["PUT", "DELETE", "PATCH", "HEAD_", "OPTIONS"] {
            add(
                format!("{path} {verb}"),
                http(verb, &path, Some("application/json"), b"{}"),
            );
        }
        let upper = format!("{API_PREFIX}{}", route.path.to_uppercase());
        let first_upper = {
            let mut chars = route.path.chars();
            let first = chars.next().unwrap().to_ascii_uppercase();
            format!("{API_PREFIX}{first}{}", chars.as_str())
        };
        for wrong_path in [
            upper,
            first_upper,
            format!("{path}/extra"),
            format!("{path}%20"),
            format!("{path}.json"),
            path.replace("/rest/", "/rest%2F"),
            path.replace("crmapi", "CRMAPI"),
            path.replace("v2", "v1"),
        ] {
            add(
                format!("POST {wrong_path}"),
                http(
                    "POST",
                    &wrong_path,
                    Some("application/json"),
                    valid_login().as_bytes(),
                ),
            );
        }
    }
    // `GET /` answers where things are (issue 19, row 24): not a wrong path.
    for wrong_path in [
        "/crmapi",
        "/crmapi/rest/v2/",
        "/crmapi/rest/v2/nothing",
        "/%ff",
        "/crmapi/rest/v2/../v2/access_tokens/show",
    ] {
        add(
            format!("GET {wrong_path}"),
            http("GET", wrong_path, None, b""),
        );
    }
    cases
}

/// A request with every required parameter of `method` given a plausible
/// value.
fn complete(method: &Value, token: &str) -> Value {
    let mut body = json!({});
    for name in method["required"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap();
        body[name] = match name {
            "token" => json!(token),
            "access_token_identifier" => {
                json!({"authentication_code": "CCD4537CA4AD4EE8912FFBAE53110601"})
            }
            "username" => json!("MPAdministrator"),
            "password" => json!("1234"),
            "verification_code" => json!("000000"),
            "identifier" => json!("robust-identifier"),
            _ => json!("robust-value"),
        };
    }
    body
}

fn valid_login() -> String {
    json!({"username": "MPAdministrator", "password": "1234", "organisation": "robust"}).to_string()
}

/// Sends every case; returns (HTTP status, status.code) of each, checking
/// that each reply is the error envelope.
fn run(app: &TestApp, cases: &[Case]) -> Vec<(u16, String)> {
    let schemas = &app.emulator.state().schemas;
    let port = app.emulator.port();
    cases
        .iter()
        .map(|case| {
            let (status, body) = send(port, &case.bytes);
            assert!(
                matches!(status, 200 | 404 | 405 | 413),
                "{}: HTTP {status}",
                case.label
            );
            let reply: Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{}: not JSON ({e}): {:?}",
                    case.label,
                    String::from_utf8_lossy(&body)
                )
            });
            schemas.check_error(&reply).unwrap_or_else(|e| {
                panic!("{}: not the error envelope ({e}): {reply}", case.label)
            });
            (
                status,
                reply["status"]["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn thousands_of_malformed_requests_all_answer_the_error_envelope_the_same_way_twice() {
    let app = spawn_app();
    let token = app.login("robust");
    let cases = cases(&token);
    assert!(cases.len() >= 2000, "only {} cases", cases.len());

    let first = run(&app, &cases);
    // The same state again (sessions stay), then the same requests.
    app.admin_ok("POST", "tenants/robust/reset", None);
    let second = run(&app, &cases);
    for ((case, a), b) in cases.iter().zip(&first).zip(&second) {
        assert_eq!(a, b, "{}: a different answer the second time", case.label);
    }

    // Still serving, and nothing was written by the malformed requests.
    let (_, shown) = app.post(
        "access_tokens/show",
        &json!({"token": token, "access_token_identifier": {"authentication_code": "CCD4537CA4AD4EE8912FFBAE53110601"}}),
    );
    assert_eq!(shown["status"]["code"], "OK", "{shown}");
    let fresh = spawn_app();
    let fresh_token = fresh.login("robust");
    let numbers = |app: &TestApp, token: &str| {
        app.get(
            "access_tokens/get_not_associated",
            &format!("token={token}&fields_set=number"),
        )
        .1
    };
    assert_eq!(numbers(&app, &token), numbers(&fresh, &fresh_token));
}
