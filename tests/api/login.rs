//! The login methods and the token every access-token method checks.

use crate::helpers::{assert_error, shared_app, spawn_with, unique_org};
use base64::{engine::general_purpose::STANDARD, Engine};
use crmcom_emulator::codes;
use crmcom_emulator::Config;
use serde_json::{json, Value};

const KEY: &str = "EE73C0AE64524371B5DDEFF5F7BB2192";

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("claims are JSON")
}

#[test]
fn login_issues_a_jwt_with_crm_com_claims() {
    let app = shared_app();
    let org = unique_org("claims");
    let token = app.login(&org);
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header, json!({"typ": "JWT", "alg": "HS256"}));
    let c = claims(&token);
    assert_eq!(c["usr"], "MPAdministrator");
    assert_eq!(c["org"], org.as_str());
    assert_eq!(c["oun"], "48305F8849E3C18B227C5BE3A27BA6DF");
    let jti = c["jti"].as_str().unwrap();
    assert_eq!(jti.len(), 32);
    assert!(jti
        .chars()
        .all(|ch| ch.is_ascii_hexdigit() && !ch.is_ascii_lowercase()));
    let exp: i64 = c["exp"].as_str().expect("exp is a string").parse().unwrap();
    let iat: i64 = c["iat"].as_str().expect("iat is a string").parse().unwrap();
    assert_eq!(exp - iat, 7200);
}

#[test]
fn login_accepts_any_case_of_the_username_and_the_older_organization_spelling() {
    let app = shared_app();
    for body in [
        json!({"username": "mpadministrator", "password": "1234", "organisation": unique_org("case")}),
        json!({"username": "MPADMINISTRATOR", "password": "1234", "organization": unique_org("old")}),
        json!({"username": "MPAdministrator", "password": "1234", "organisation": unique_org("unit"), "unit": "1"}),
    ] {
        let (status, reply) = app.post("authentication/token", &body);
        assert_eq!(status, 200);
        assert_eq!(reply["status"]["code"], "OK", "{body}: {reply}");
        let token = reply["data"]["token"].as_str().unwrap();
        assert!(token.len() > 32);
        if body.get("unit").is_some() {
            assert_eq!(claims(token)["oun"], "1");
        }
    }
}

#[test]
fn login_refuses_wrong_or_missing_credentials() {
    let app = shared_app();
    let cases = [
        (
            json!({"username": "MPAdministrator", "password": "wrong", "organisation": "x"}),
            codes::INVALID_CREDENTIALS.code,
        ),
        (
            json!({"username": "nobody", "password": "1234", "organisation": "x"}),
            codes::INVALID_CREDENTIALS.code,
        ),
        (
            json!({"username": "p_xenopoulou", "password": "", "organisation": "x"}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            json!({"username": "p_xenopoulou", "password": "1234", "organisation": "x"}),
            codes::INVALID_CREDENTIALS.code,
        ),
        (
            json!({"password": "1234", "organisation": "x"}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            json!({"username": "MPAdministrator", "organisation": "x"}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            json!({"username": "MPAdministrator", "password": "1234"}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            json!({"username": "MPAdministrator", "password": "1234", "organisation": 7}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            json!({"username": "MPAdministrator", "password": "1234", "organisation": "x", "unit": "NOPE"}),
            codes::UNIT_NOT_FOUND.code,
        ),
    ];
    for (body, code) in cases {
        let (status, reply) = app.post("authentication/token", &body);
        assert_eq!(status, 200, "{body}");
        assert_error(app, &reply, code);
    }
}

fn key_login(headers: &[(&str, &str)], method: &str, body: &[u8]) -> Value {
    let app = shared_app();
    let reply = app.request(
        method,
        "/crmapi/rest/v2/authentication/web_api_key/token",
        headers,
        body,
    );
    assert_eq!(reply.status, 200);
    reply.json()
}

#[test]
fn web_api_key_login_is_lenient_about_the_basic_header() {
    let with_colon = format!("Basic {}", STANDARD.encode(format!("{KEY}:")));
    let without_colon = format!("basic {}", STANDARD.encode(KEY));
    let upper = format!("BASIC {}", STANDARD.encode(format!("{KEY}:")));
    for header in [&with_colon, &without_colon, &upper] {
        let reply = key_login(&[("Authorization", header)], "POST", b"");
        assert_eq!(reply["status"]["code"], "OK", "{header}: {reply}");
        assert_eq!(
            claims(reply["data"]["token"].as_str().unwrap())["org"],
            "crmcom"
        );
    }
    let reply = key_login(&[("Authorization", &with_colon)], "GET", b"");
    assert_eq!(
        reply["status"]["code"], "OK",
        "some clients use GET: {reply}"
    );
    let body = json!({"organisation": unique_org("key")}).to_string();
    let reply = key_login(
        &[
            ("Authorization", &with_colon),
            ("Content-Type", "application/json"),
        ],
        "POST",
        body.as_bytes(),
    );
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    assert!(claims(reply["data"]["token"].as_str().unwrap())["org"]
        .as_str()
        .unwrap()
        .starts_with("key-"));
}

#[test]
fn web_api_key_login_refuses_a_wrong_or_missing_key() {
    let app = shared_app();
    let wrong = format!(
        "Basic {}",
        STANDARD.encode("00000000000000000000000000000000:")
    );
    for headers in [
        vec![("Authorization", wrong.as_str())],
        vec![("Authorization", "Bearer x")],
        vec![],
    ] {
        let reply = key_login(&headers, "POST", b"");
        assert_error(app, &reply, codes::INVALID_CREDENTIALS.code);
    }
}

#[test]
fn release_answers_an_empty_object_and_kills_the_token_at_once() {
    let app = shared_app();
    let token = app.login(&unique_org("release"));
    let show = json!({"token": token, "access_token_identifier": {"authentication_code": "7"}});
    assert_eq!(
        app.post("access_tokens/show", &show).1["status"]["code"],
        "OK"
    );
    let (status, reply) = app.post("authentication/token/release", &json!({"token": token}));
    assert_eq!(status, 200);
    assert_eq!(
        reply,
        json!({"status": {"code": "OK", "message": "", "description": ""}, "data": {}})
    );
    assert_error(
        app,
        &app.post("access_tokens/show", &show).1,
        codes::INVALID_TOKEN.code,
    );
    assert_error(
        app,
        &app.post("authentication/token/release", &json!({"token": token}))
            .1,
        codes::INVALID_TOKEN.code,
    );
}

#[test]
fn tokens_expire_after_the_configured_lifetime_on_the_emulators_clock() {
    let app = spawn_with(Config {
        token_lifetime: 60,
        ..Config::default()
    });
    let token = app.login("lifetime");
    let c = claims(&token);
    let exp: i64 = c["exp"].as_str().unwrap().parse().unwrap();
    let iat: i64 = c["iat"].as_str().unwrap().parse().unwrap();
    assert_eq!(exp - iat, 60);
    let show = json!({"token": token, "access_token_identifier": {"authentication_code": "7"}});
    app.emulator.state().clock.advance(59);
    assert_eq!(
        app.post("access_tokens/show", &show).1["status"]["code"],
        "OK"
    );
    app.emulator.state().clock.advance(1);
    assert_error(
        &app,
        &app.post("access_tokens/show", &show).1,
        codes::TOKEN_EXPIRED.code,
    );
}

#[test]
fn the_same_seed_gives_the_same_tokens() {
    let seeded = || {
        spawn_with(Config {
            seed: Some(42),
            ..Config::default()
        })
    };
    let (a, b) = (seeded(), seeded());
    a.emulator.state().clock.freeze();
    b.emulator.state().clock.freeze();
    let now = a.emulator.state().clock.now();
    b.emulator.state().clock.set(now);
    assert_eq!(
        claims(&a.login("seeded"))["jti"],
        claims(&b.login("seeded"))["jti"]
    );
    assert_eq!(a.login("seeded"), b.login("seeded"));
}

/// Issue 19, row 19: the CRM.COM docs' own login examples, as printed,
/// name units that the fixtures hold.
#[test]
fn the_documented_login_examples_log_in_as_printed() {
    let app = shared_app();
    let (_, reply) = app.post(
        "authentication/token",
        &json!({"username":"mpadministrator","password":"1234","organization":"CRMDEMO","unit":"EE63A82C4FEBE02FF34E90DD1EBA5ABE"}),
    );
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    assert_eq!(
        claims(reply["data"]["token"].as_str().unwrap())["oun"],
        "EE63A82C4FEBE02FF34E90DD1EBA5ABE"
    );
    let basic = format!("Basic {}", STANDARD.encode(format!("{KEY}:")));
    let reply = key_login(
        &[
            ("Authorization", &basic),
            ("Content-Type", "application/json"),
        ],
        "POST",
        br#"{"unit":"EE63A82C4FEBE02FF34E90DD1EBA5ABE"}"#,
    );
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    // Every unit id an example of the docs uses is a fixture unit.
    let units = &app.emulator.state().fixtures().reference.units;
    for id in [
        "EE63A82C4FEBE02FF34E90DD1EBA5ABE",
        "48305F8849E3C18B227C5BE3A27BA6DF",
        "1",
        "83922FE923563679768A94F58CAB5569",
    ] {
        assert!(units.iter().any(|u| u.id == id), "{id}");
    }
}

/// Issue 19, row 23: every refused token says why, without echoing it, and
/// a token sent as a Bearer header is named as the wrong place.
#[test]
fn a_refused_token_says_why_without_echoing_it() {
    let app = shared_app();
    let org = unique_org("why");
    let description = |reply: &Value| reply["status"]["description"].as_str().unwrap().to_string();
    let show = |token: Option<&str>, headers: &[(&str, &str)]| -> Value {
        let mut body = json!({"access_token_identifier": {"number": "1"}});
        if let Some(token) = token {
            body["token"] = json!(token);
        }
        let mut all = vec![("Content-Type", "application/json")];
        all.extend_from_slice(headers);
        app.request(
            "POST",
            "/crmapi/rest/v2/access_tokens/show",
            &all,
            body.to_string().as_bytes(),
        )
        .json()
    };
    let missing = show(None, &[]);
    assert_error(app, &missing, codes::INVALID_TOKEN.code);
    assert!(
        description(&missing).contains("no token parameter"),
        "{missing}"
    );

    let garbage = show(Some("garbage-token-value"), &[]);
    assert_error(app, &garbage, codes::INVALID_TOKEN.code);
    assert!(
        description(&garbage).contains("not issued by this emulator"),
        "{garbage}"
    );
    assert!(!garbage.to_string().contains("garbage-token-value"));

    let token = app.login(&org);
    let bearer = format!("Bearer {token}");
    let in_header = show(None, &[("Authorization", &bearer)]);
    assert_error(app, &in_header, codes::INVALID_TOKEN.code);
    assert!(
        description(&in_header).contains("Authorization: Bearer"),
        "{in_header}"
    );
    assert!(!in_header.to_string().contains(&token));

    let (_, released) = app.post("authentication/token/release", &json!({"token": token}));
    assert_eq!(released["status"]["code"], "OK", "{released}");
    let after = show(Some(&token), &[]);
    assert_error(app, &after, codes::INVALID_TOKEN.code);
    assert!(description(&after).contains("released"), "{after}");
    assert!(!after.to_string().contains(&token));

    let token = app.login(&org);
    app.admin_ok("POST", "tokens/expire", Some(&json!({"token": token})));
    let expired = show(Some(&token), &[]);
    assert_error(app, &expired, codes::TOKEN_EXPIRED.code);
    assert!(
        description(&expired).contains("--token-lifetime"),
        "{expired}"
    );
    assert!(!expired.to_string().contains(&token));
}
