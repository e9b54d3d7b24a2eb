//! Consumer-application logins: a session that acts for one accounts
//! receivable, and the pass-code self-service it unlocks.

use crate::helpers::{assert_error, code, shared_app, Org};
use base64::Engine;
use crmcom_emulator::codes;
use serde_json::{json, Value};

fn consumer_login(org: &str, identifier: Value) -> Value {
    consumer_login_with(json!({"organisation": org, "access_token_identifier": identifier}))
}

fn consumer_login_with(body: Value) -> Value {
    crate::helpers::consumer_login_with(shared_app(), &body)
}

#[test]
fn a_consumer_session_acts_for_its_accounts_receivable_only() {
    let org = Org::new("consumer");
    let login = consumer_login(
        &org.name,
        json!({"identifier": "4857ap23", "pass_code": "1234"}),
    );
    let consumer = login["data"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"));
    let payload = consumer.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["ari"], "E337DA5F4A834E188B3A60E3E36F1B51");
    assert!(claims["cii"].is_string(), "{claims}");

    let as_consumer = |method: &str, body: Value| {
        let mut body = body;
        body["token"] = json!(consumer);
        org.post(method, body)
    };
    let own = as_consumer(
        "show",
        json!({"access_token_identifier": code("112233665")}),
    );
    assert_eq!(own["data"]["number"], "47");
    let others = as_consumer("show", json!({"access_token_identifier": code("117")}));
    assert_error(org.app, &others, codes::ACCESS_TOKEN_NOT_FOUND.code);
    let (_, list) = org.app.get(
        "access_tokens/list",
        &format!("token={consumer}&accounts_receivable_identifier=number=ACR000783"),
    );
    assert_error(org.app, &list, codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code);
    let created = as_consumer("create", json!({"authentication_code": "MINE-1"}));
    assert_eq!(
        created["data"]["accounts_receivable"]["number"], "ACR000604",
        "{created}"
    );

    // change_pass_code changes the consumer's own token, status only.
    let reply = as_consumer("change_pass_code", json!({"pass_code": "n3w"}));
    assert_eq!(
        reply,
        json!({"status": {"code": "OK", "message": "", "description": ""}})
    );
    let reply = org.show(json!({"identifier": "4857ap23", "pass_code": "n3w"}));
    assert_eq!(reply["data"]["number"], "47", "{reply}");
    let reply = org.show(json!({"identifier": "4857ap23", "pass_code": "1234"}));
    assert_error(org.app, &reply, codes::ACCESS_TOKEN_NOT_FOUND.code);

    let reply = org.post("forgot_pass_code", json!({"identifier": "4857ap23"}));
    assert_eq!(
        reply,
        json!({"status": {"code": "OK", "message": "", "description": ""}})
    );
}

#[test]
fn the_consumer_login_needs_an_effective_token_with_an_accounts_receivable() {
    let org = Org::new("consumer-refused");
    let cases = [
        (
            json!({"authentication_code": "7"}),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (
            json!({"authentication_code": "nope"}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            json!({"identifier": "4857ap23", "pass_code": "bad"}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            json!({"identifier": "4857ap23"}),
            codes::MANDATORY_PARAMETER.code,
        ),
    ];
    for (identifier, code) in cases {
        assert_error(org.app, &consumer_login(&org.name, identifier), code);
    }
    org.ok("create", json!({"authentication_code": "LONELY"}));
    assert_error(
        org.app,
        &consumer_login(&org.name, code("LONELY")),
        codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code,
    );
    let reply = shared_app().request(
        "POST",
        "/crmapi/rest/v2/authentication/consumer_application_key/token",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "Basic AAAA"),
        ],
        json!({"access_token_identifier": code("117")})
            .to_string()
            .as_bytes(),
    );
    assert_error(org.app, &reply.json(), codes::INVALID_CREDENTIALS.code);
}

#[test]
fn change_pass_code_lifts_the_lock_and_the_consumer_login_takes_a_unit() {
    let org = Org::new("consumer-lock");
    let wrong = json!({"identifier": "4857ap23", "pass_code": "wrong"});
    for _ in 0..10 {
        org.show(wrong.clone());
    }
    let right = json!({"identifier": "4857ap23", "pass_code": "1234"});
    assert_error(org.app, &org.show(right), codes::TOO_MANY_ATTEMPTS.code);
    // The authentication code needs no secret, so the consumer can still log in.
    let login = consumer_login_with(json!({"organisation": org.name, "unit": "1",
        "access_token_identifier": code("112233665")}));
    let consumer = login["data"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"));
    let reply = org.post(
        "change_pass_code",
        json!({"token": consumer, "pass_code": "fresh"}),
    );
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    let reply = org.show(json!({"identifier": "4857ap23", "pass_code": "fresh"}));
    assert_eq!(
        reply["status"]["code"], "OK",
        "change_pass_code lifts the lock: {reply}"
    );
    assert_eq!(
        reply["data"]["log_information"]["updated_by_unit"]["id"], "1",
        "the consumer session's unit is the login's"
    );
}
