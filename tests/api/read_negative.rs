//! Table-driven negative tests of the read methods: every bad token and every
//! bad parameter answers the documented error envelope, HTTP 200.

use crate::helpers::{assert_error, shared_app, spawn_app, unique_org, TestApp};
use crmcom_emulator::codes;
use serde_json::{json, Value};

/// A call of one method with a given token (or none).
type Call = fn(&TestApp, Option<&str>) -> (u16, Value);

fn show_call(app: &TestApp, token: Option<&str>) -> (u16, Value) {
    let mut body = json!({"access_token_identifier": {"authentication_code": "7"}});
    if let Some(token) = token {
        body["token"] = token.into();
    }
    app.post("access_tokens/show", &body)
}

fn get_call(app: &TestApp, method: &str, token: Option<&str>, rest: &str) -> (u16, Value) {
    let token = token.map(|t| format!("token={t}&")).unwrap_or_default();
    app.get(method, &format!("{token}{rest}"))
}

fn list_call(app: &TestApp, token: Option<&str>) -> (u16, Value) {
    get_call(
        app,
        "access_tokens/list",
        token,
        "accounts_receivable_identifier=number=ACR000852",
    )
}

fn not_associated_call(app: &TestApp, token: Option<&str>) -> (u16, Value) {
    get_call(app, "access_tokens/get_not_associated", token, "number=5")
}

fn classifications_call(app: &TestApp, token: Option<&str>) -> (u16, Value) {
    get_call(
        app,
        "access_tokens/configuration/classifications/list",
        token,
        "",
    )
}

/// No token, a garbage token, a released token and an expired one, each with
/// its own code; a good token answers OK.
fn assert_token_checked(call: Call) {
    let app = spawn_app();
    let good = app.login("tokens");
    let (status, reply) = call(&app, Some(&good));
    assert_eq!(
        (status, &reply["status"]["code"]),
        (200, &json!("OK")),
        "{reply}"
    );

    for bad in [
        None,
        Some("641070EA9DF042E48CDA1B6414ACABC5"),
        Some("a.b.c"),
        Some(""),
    ] {
        let (status, reply) = call(&app, bad);
        assert_eq!(status, 200);
        assert_error(&app, &reply, codes::INVALID_TOKEN.code);
    }
    let forged = {
        let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
        parts[2] = "AAAA".into();
        parts.join(".")
    };
    assert_error(
        &app,
        &call(&app, Some(&forged)).1,
        codes::INVALID_TOKEN.code,
    );

    let released = app.login("tokens");
    app.post("authentication/token/release", &json!({"token": released}));
    assert_error(
        &app,
        &call(&app, Some(&released)).1,
        codes::INVALID_TOKEN.code,
    );

    app.emulator.state().clock.advance(7200);
    assert_error(&app, &call(&app, Some(&good)).1, codes::TOKEN_EXPIRED.code);
    let fresh = app.login("tokens");
    assert_eq!(call(&app, Some(&fresh)).1["status"]["code"], "OK");
}

/// Each query, after a valid token, answers HTTP 200 with its error code.
fn assert_get_errors(app: &TestApp, method: &str, token: &str, cases: &[(&str, &str)]) {
    for (query, code) in cases {
        let (status, reply) = app.get(method, &format!("token={token}&{query}"));
        assert_eq!(status, 200, "{method}?{query}");
        assert_error(app, &reply, code);
    }
}

#[test]
fn every_read_method_checks_its_token_first() {
    for call in [
        show_call as Call,
        list_call,
        not_associated_call,
        classifications_call,
    ] {
        assert_token_checked(call);
    }
}

#[test]
fn show_answers_each_bad_parameter_with_its_code() {
    let app = shared_app();
    let t = app.login(&unique_org("show-neg"));
    let cases: Vec<(Value, &str)> = vec![
        (json!({"token": t}), codes::MANDATORY_PARAMETER.code),
        (
            json!({"token": t, "access_token_identifier": null}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            json!({"token": t, "access_token_identifier": {}}),
            codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
        ),
        (
            json!({"token": t, "access_token_identifier": {"number": "35"}}),
            codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
        ),
        (
            json!({"token": t, "access_token_identifier": {"authentication_code": "7", "identifier": "lpapap@gmail.com", "pass_code": "1234"}}),
            codes::ONLY_ONE_SEMI_OPTIONAL.code,
        ),
        (
            json!({"token": t, "access_token_identifier": {"identifier": "lpapap@gmail.com"}}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            json!({"token": t, "access_token_identifier": {"identifier": "lpapap@gmail.com", "pass_code": "wrong"}}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            json!({"token": t, "access_token_identifier": {"authentication_code": "nope"}}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            json!({"token": t, "access_token_identifier": "7"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            json!({"token": t, "access_token_identifier": {"authentication_code": true}}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            json!({"token": t, "access_token_identifier": {"authentication_code": "7"}, "fields_set": 5}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            json!({"token": 5, "access_token_identifier": {"authentication_code": "7"}}),
            codes::INVALID_TOKEN.code,
        ),
        // The token is checked before any other parameter.
        (
            json!({"token": "garbage", "access_token_identifier": 5, "fields_set": 5}),
            codes::INVALID_TOKEN.code,
        ),
    ];
    for (body, code) in cases {
        let (status, reply) = app.post("access_tokens/show", &body);
        assert_eq!(status, 200, "{body}");
        assert_error(app, &reply, code);
    }
    for raw in [
        &b"{\"token\": \"x\", "[..],
        b"[]",
        b"\"show\"",
        b"{} {}",
        b"\xff\xfe",
    ] {
        let reply = app.request(
            "POST",
            "/crmapi/rest/v2/access_tokens/show",
            &[("Content-Type", "application/json")],
            raw,
        );
        assert_eq!(reply.status, 200);
        assert_error(app, &reply.json(), codes::INVALID_REQUEST.code);
    }
    let (_, ok) = app.post(
        "access_tokens/show",
        &json!({"token": t, "access_token_identifier": {"identifier": "lpapap@gmail.com", "pass_code": "1234"}}),
    );
    assert_eq!(ok["data"]["authentication_code"], "7", "{ok}");
}

#[test]
fn list_answers_each_bad_parameter_with_its_code() {
    let app = shared_app();
    let t = app.login(&unique_org("list-neg"));
    let cases = [
        ("", codes::AT_LEAST_ONE_SEMI_OPTIONAL.code),
        ("accounts_receivable_identifier=number=ACR000852&rewards_participant_identifier=number=115", codes::ONLY_ONE_SEMI_OPTIONAL.code),
        ("accounts_receivable_identifier=number=NOPE", codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code),
        ("accounts_receivable_identifier=colour=red", codes::AT_LEAST_ONE_SEMI_OPTIONAL.code),
        ("rewards_participant_identifier=number=999", codes::REWARDS_PARTICIPANT_NOT_FOUND.code),
        ("rewards_participant_identifier=number=115&classification_identifier=id=NOPE", codes::CLASSIFICATION_NOT_FOUND.code),
        ("accounts_receivable_identifier=ACR000852", codes::INVALID_PARAMETER_VALUE.code),
        ("accounts_receivable_identifier=number=ACR000852&number_of_results=ten", codes::INVALID_PARAMETER_VALUE.code),
        ("accounts_receivable_identifier=number=ACR000852&offset=-1", codes::INVALID_PARAMETER_VALUE.code),
        ("accounts_receivable_identifier=number=ACR%G0", codes::INVALID_REQUEST.code),
        ("accounts_receivable_identifier=number=ACR%FF", codes::INVALID_REQUEST.code),
    ];
    assert_get_errors(app, "access_tokens/list", &t, &cases);
    // The token is checked before any other parameter.
    let (_, reply) = app.get(
        "access_tokens/list",
        "token=garbage&accounts_receivable_identifier=ACR000852&offset=x",
    );
    assert_error(app, &reply, codes::INVALID_TOKEN.code);
}

#[test]
fn list_pages_filters_and_projects() {
    let app = shared_app();
    let t = app.login(&unique_org("list-page"));
    let numbers = |query: &str| -> Vec<String> {
        let (_, reply) = app.get("access_tokens/list", &format!("token={t}&{query}"));
        assert_eq!(reply["status"]["code"], "OK", "{query}: {reply}");
        reply["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["number"].as_str().unwrap().to_string())
            .collect()
    };
    let rp = "rewards_participant_identifier=number=115";
    assert_eq!(numbers(rp), ["ACT0000000231", "ACT0000000246"]);
    assert_eq!(
        numbers(&format!("{rp}&number_of_results=1")),
        ["ACT0000000231"]
    );
    assert_eq!(
        numbers(&format!("{rp}&number_of_results=1&offset=1")),
        ["ACT0000000246"]
    );
    assert!(numbers(&format!("{rp}&offset=2")).is_empty());
    assert_eq!(
        numbers(&format!(
            "{rp}&classification_identifier=alternative_code=MATC_2"
        ))
        .len(),
        2
    );
    assert!(numbers(&format!(
        "{rp}&classification_identifier=alternative_code=VERIFIED"
    ))
    .is_empty());
    assert_eq!(
        numbers("accounts_receivable_identifier=name=Havier%206"),
        ["35"]
    );
    let (_, reply) = app.get(
        "access_tokens/list/",
        &format!("token={t}&{rp}&fields_set=number,%20identifier"),
    );
    assert_eq!(
        reply["data"][0],
        json!({"number": "ACT0000000231", "identifier": "pk6@crm.com"})
    );
}

#[test]
fn get_not_associated_answers_each_bad_parameter_with_its_code() {
    let app = shared_app();
    let t = app.login(&unique_org("gna-neg"));
    let cases = [
        ("", codes::MANDATORY_PARAMETER.code),
        ("number=", codes::INVALID_PARAMETER_VALUE.code),
        ("number=five", codes::INVALID_PARAMETER_VALUE.code),
        (
            "number=5&life_cycle_state=ACTIVE",
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        ("number=5&number=6", codes::INVALID_PARAMETER_VALUE.code),
        ("number=%", codes::INVALID_REQUEST.code),
    ];
    assert_get_errors(app, "access_tokens/get_not_associated", &t, &cases);
    let (_, reply) = app.get(
        "access_tokens/get_not_associated",
        &format!("token={t}&number=10&life_cycle_state=EFFECTIVE"),
    );
    let data = reply["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "{reply}");
    assert_eq!(data[0]["authentication_code"], "112233665");
    let (_, reply) = app.get(
        "access_tokens/get_not_associated",
        &format!("token={t}&number=2"),
    );
    assert_eq!(reply["data"].as_array().unwrap().len(), 2);
}

#[test]
fn classifications_list_returns_the_tenants_classifications() {
    let app = shared_app();
    let t = app.login(&unique_org("classes"));
    let (_, reply) = app.get(
        "access_tokens/configuration/classifications/list",
        &format!("token={t}&fields_set=id,name"),
    );
    assert_eq!(
        reply["data"][0],
        json!({"id": "FD034DB5BEB34D07A57A4DE075B5F649", "name": "PK Main Access Token Classification "})
    );
    let (_, full) = app.get(
        "access_tokens/configuration/classifications/list",
        &format!("token={t}"),
    );
    assert!(full["data"][1]["log_information"]["created_by_user"]["username"].is_string());
}
