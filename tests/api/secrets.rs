//! Pass codes are write-only: a full run of the binary through every method
//! that takes one, including malformed requests that carry them, leaves none
//! in any reply, in the process's output, or in a dump of the state. The
//! request log (at debug level) holds no login token, verification code,
//! one-time password or generated pass code either, GET queries included.

use crate::helpers::{request_to, spawn_app, stderr_of, Started};
use base64::Engine;
use serde_json::{json, Value};
use std::io::Read;
use std::process::Command;

/// The pass codes the run sends, each distinct enough to find anywhere.
fn secret(n: usize) -> String {
    format!("Zq{n}-pass-code-Secret")
}

/// Sends every request of a full run to `port`; returns each reply body.
fn full_run(port: u16) -> Vec<String> {
    let replies = std::cell::RefCell::new(Vec::new());
    let call = |path: &str, headers: &[(&str, &str)], body: &[u8]| -> Value {
        let mut all = vec![("Content-Type", "application/json")];
        all.extend_from_slice(headers);
        let reply = request_to(port, "POST", &format!("/crmapi/rest/v2/{path}"), &all, body);
        let text = String::from_utf8_lossy(&reply.body).to_string();
        replies.borrow_mut().push(text.clone());
        serde_json::from_str(&text).unwrap_or(Value::Null)
    };
    let login = call(
        "authentication/token",
        &[],
        json!({"username": "MPAdministrator", "password": "1234", "organisation": "secrets"})
            .to_string()
            .as_bytes(),
    );
    let token = login["data"]["token"].as_str().unwrap().to_string();
    let post = |path: &str, body: Value| {
        let mut body = body;
        body["token"] = json!(token);
        call(path, &[], body.to_string().as_bytes())
    };
    let created = post(
        "access_tokens/create",
        json!({"identifier": "secret-user", "pass_code": secret(1),
            "accounts_receivable_identifier": {"number": "ACR000783"},
            "classification_identifier": {"alternative_code": "VERIFIED"}}),
    );
    let verification = created["data"]["verification_code"].clone();
    post(
        "access_tokens/show",
        json!({"access_token_identifier": {"identifier": "secret-user", "pass_code": secret(1)}}),
    );
    post(
        "access_tokens/show",
        json!({"access_token_identifier": {"identifier": "secret-user", "pass_code": secret(2)}}),
    );
    post(
        "access_tokens/verify",
        json!({"access_token_identifier": {"identifier": "secret-user", "pass_code": secret(1)},
            "verification_code": verification, "pass_code": secret(3)}),
    );
    post(
        "access_tokens/update",
        json!({"access_token_identifier": {"identifier": "secret-user", "pass_code": secret(3)},
            "identifier": "secret-user-2", "pass_code": secret(4)}),
    );
    post(
        "access_tokens/create",
        json!({"identifier": "lpapap@gmail.com", "pass_code": secret(5)}),
    );
    post(
        "access_tokens/create",
        json!({"identifier": "x", "pass_code": [secret(6)]}),
    );
    post(
        "access_tokens/update",
        json!({"access_token_identifier": {"identifier": "secret-user-2", "pass_code": secret(4)},
            "udf_float_1": secret(7)}),
    );
    call(
        "access_tokens/create",
        &[],
        format!("{{\"token\": \"{token}\", \"pass_code\": \"{}\"", secret(8)).as_bytes(),
    );
    let key = base64::engine::general_purpose::STANDARD.encode("C0A5F1E2D3B4A5968778695A4B3C2D1E");
    let basic = format!("Basic {key}");
    let consumer = call(
        "authentication/consumer_application_key/token",
        &[("Authorization", basic.as_str())],
        json!({"organisation": "secrets",
            "access_token_identifier": {"identifier": "secret-user-2", "pass_code": secret(4)}})
        .to_string()
        .as_bytes(),
    );
    let consumer = consumer["data"]["token"].as_str().unwrap_or_default();
    call(
        "access_tokens/change_pass_code",
        &[],
        json!({"token": consumer, "pass_code": secret(9)})
            .to_string()
            .as_bytes(),
    );
    post(
        "access_tokens/change_pass_code",
        json!({"pass_code": secret(10)}),
    );
    call(
        "authentication/token",
        &[],
        json!({"username": "MPAdministrator", "password": secret(11), "organisation": "secrets"})
            .to_string()
            .as_bytes(),
    );
    replies.into_inner()
}

/// Calls whose replies carry the other secrets (login token, verification
/// code, one-time password, generated pass code) and a GET with the login
/// token in its query; returns those secrets.
fn secret_bearing_run(port: u16) -> Vec<String> {
    let post = |path: &str, body: Value| -> Value {
        request_to(
            port,
            "POST",
            &format!("/crmapi/rest/v2/{path}"),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
        .json()
    };
    let login = post(
        "authentication/token",
        json!({"username": "MPAdministrator", "password": "1234", "organisation": "log-scan"}),
    );
    let token = login["data"]["token"].as_str().unwrap().to_string();
    let created = post(
        "access_tokens/create",
        json!({"token": token, "identifier": "log-scan-user", "pass_code": secret(12),
            "accounts_receivable_identifier": {"number": "ACR000783"},
            "classification_identifier": {"alternative_code": "VERIFIED"}}),
    );
    post(
        "access_tokens/create",
        json!({"token": token, "identifier": "log-scan-otp", "pass_code": secret(12),
            "accounts_receivable_identifier": {"number": "ACR000783"}}),
    );
    let id = json!({"identifier": "log-scan-otp", "pass_code": secret(12)});
    let otp = post(
        "access_tokens/generate_otp",
        json!({"token": token, "access_token_identifier": id}),
    );
    let reset = post(
        "access_tokens/reset_pass_code",
        json!({"token": token, "identifier": "log-scan-otp"}),
    );
    let listed = request_to(
        port,
        "GET",
        &format!("/crmapi/rest/v2/access_tokens/list?token={token}&accounts_receivable_identifier=number=ACR000783"),
        &[],
        b"",
    )
    .json();
    assert_eq!(listed["status"]["code"], "OK", "{listed}");
    let get = |query: String| {
        request_to(
            port,
            "GET",
            &format!("/crmapi/rest/v2/access_tokens/list?{query}"),
            &[],
            b"",
        )
    };
    // Issue 19, rows 5 and 7: a secret's name in another case, and an OTP
    // inside a nested GET identifier.
    get(format!(
        "TOKEN={token}&accounts_receivable_identifier=number=ACR000783"
    ));
    get(format!(
        "Token={token}&accounts_receivable_identifier=access_token_identifier=one_time_password={}",
        otp["data"]["one_time_password"].as_str().unwrap()
    ));
    // A client that joins its query with `&` or `;`: the token is in the
    // path, which the log, the journal and the 404's description show.
    for joined in ["&", ";"] {
        let reply = request_to(
            port,
            "GET",
            &format!("/crmapi/rest/v2/access_tokens/list{joined}token={token}"),
            &[],
            b"",
        );
        assert_eq!(reply.status, 404);
        assert!(!String::from_utf8_lossy(&reply.body).contains(&token));
    }
    // Row 6: a login body's password under another case.
    post(
        "authentication/token",
        json!({"username": "MPAdministrator", "Password": "S3cr3t-Value", "organisation": "log-scan"}),
    );
    let secrets = vec![
        "S3cr3t-Value".to_string(),
        token,
        created["data"]["verification_code"]
            .as_str()
            .unwrap()
            .to_string(),
        otp["data"]["one_time_password"]
            .as_str()
            .unwrap()
            .to_string(),
        reset["data"]["random_pass_code"]
            .as_str()
            .unwrap_or_else(|| panic!("{reset}"))
            .to_string(),
    ];
    for s in &secrets {
        assert!(s.len() >= 4, "secret {s:?} is long enough to search for");
    }
    secrets
}

#[test]
fn no_pass_code_reaches_a_reply_or_the_log_of_a_full_run() {
    let started = Started::start(&["--port", "0", "--log", "debug"], &[]);
    let port = started.port().expect("started");
    let Started {
        mut child,
        mut stdout,
        first,
    } = started;
    let replies = full_run(port);
    let others = secret_bearing_run(port);
    let journal = request_to(port, "GET", "/__admin/journal?limit=1000", &[], b"");
    let journal = String::from_utf8_lossy(&journal.body).to_string();
    assert!(journal.contains("access_tokens/list"), "{journal}");
    for secret in &others {
        assert!(
            !journal.contains(secret.as_str()),
            "{secret} in the journal: {journal}"
        );
    }
    // A graceful stop, which writes out the request log's last lines.
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    child.wait().unwrap();
    let mut log = first;
    stdout.read_to_string(&mut log).unwrap();
    let request_log = stderr_of(&mut child);
    log.push_str(&request_log);

    assert_eq!(replies.len(), 14, "the run happened");
    assert!(
        replies.iter().filter(|r| r.contains("\"OK\"")).count() == 7,
        "the run succeeded where it should: {replies:#?}"
    );
    for n in 1..=11 {
        let secret = secret(n);
        for reply in &replies {
            assert!(
                !reply.contains(&secret),
                "pass code {n} in a reply: {reply}"
            );
        }
        assert!(!log.contains(&secret), "pass code {n} in the log: {log}");
    }
    // The request log wrote a line per call, yet no other secret either.
    assert!(
        log.contains("POST /crmapi/rest/v2/access_tokens/create 200 OK org=secrets"),
        "{log}"
    );
    assert!(
        log.contains("GET /crmapi/rest/v2/access_tokens/list 200 OK"),
        "{log}"
    );
    assert!(log.contains("query=token=<redacted>&"), "{log}");
    for secret in &others {
        assert!(!log.contains(secret.as_str()), "{secret} in the log: {log}");
    }
    // stdout prints the shipped demo password on purpose; stderr never.
    assert!(!request_log.contains("password"), "{request_log}");
}

#[test]
fn a_dump_of_the_state_holds_pass_codes_only_as_hashes() {
    let app = spawn_app();
    let token = app.login("dump");
    let (_, reply) = app.post(
        "access_tokens/create",
        &json!({"token": token, "identifier": "dumped", "pass_code": secret(1)}),
    );
    assert_eq!(reply["status"]["code"], "OK");
    let tenant = app.emulator.state().existing_tenant("dump").unwrap();
    let tokens = tenant.access_tokens.read();
    let dump = serde_json::to_string(&tokens.iter().collect::<Vec<_>>()).unwrap();
    let debug = format!("{:?}", tokens.iter().collect::<Vec<_>>());
    assert!(dump.contains("sha256$"), "hashes are kept");
    for text in [dump, debug] {
        assert!(!text.contains(&secret(1)));
        assert!(
            !text.contains("\"1234\""),
            "fixture pass codes are hashed too"
        );
    }
}
