//! Table-driven negative tests of the write methods: every broken rule
//! answers its CRM.COM error, HTTP 200, and changes nothing.

use crate::helpers::{assert_error, shared_app, spawn_with, unique_org, TestApp};
use crmcom_emulator::codes;
use crmcom_emulator::testing::Handler;
use crmcom_emulator::testing::METHODS;
use crmcom_emulator::Config;
use serde_json::{json, Value};

/// Fixture tokens the cases use.
const PENDING: &str = "7"; // PENDING_VERIFICATION, code 273562, AR ACR000852
const EFFECTIVE: &str = "117"; // EFFECTIVE, no identifier
const NOT_EFFECTIVE: &str = "21A8D8A1EF9E37F43E863D78466C99D1";

fn by_code(code: &str) -> Value {
    json!({"authentication_code": code})
}

/// Sends each `(method, body, code)` with a live token of one fresh
/// organisation; checks the error, then that the organisation still holds
/// exactly its fixture tokens, unchanged.
fn assert_cases(cases: &[(&str, Value, &str)]) {
    let app = shared_app();
    let org = unique_org("write-negative");
    let token = app.login(&org);
    let before = dump(app, &org);
    for (method, body, code) in cases {
        let mut body = body.clone();
        body["token"] = json!(token);
        let (status, reply) = app.post(method, &body);
        assert_eq!(status, 200, "{method} {body}");
        assert_eq!(reply["status"]["code"], *code, "{method} {body}: {reply}");
        assert_error(app, &reply, code);
    }
    assert_eq!(dump(app, &org), before, "a refused write changed the state");
}

/// The organisation's tokens as stored (pass codes only as hashes).
fn dump(app: &TestApp, org: &str) -> String {
    let tenant = app.emulator.state().existing_tenant(org).expect("tenant");
    let tokens = tenant.access_tokens.read();
    serde_json::to_string(&tokens.iter().collect::<Vec<_>>()).unwrap()
}

#[test]
fn create_refuses_what_crm_com_refuses() {
    let m = "access_tokens/create";
    assert_cases(&[
        (
            m,
            json!({"identifier": "new-1"}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            m,
            json!({"identifier": "new-1", "pass_code": null}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            m,
            json!({"identifier": "new-1", "pass_code": ""}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"authentication_code": PENDING}),
            codes::DUPLICATE_ACCESS_TOKEN.code,
        ),
        (
            m,
            json!({"identifier": "lpapap@gmail.com", "pass_code": "x"}),
            codes::DUPLICATE_ACCESS_TOKEN.code,
        ),
        (
            m,
            json!({"accounts_receivable_identifier": {"number": "ACR000418"},
                "rewards_participant_identifier": {"number": "115"}}),
            codes::REWARDS_PARTICIPANT_NOT_OWNED.code,
        ),
        (
            m,
            json!({"accounts_receivable_identifier": {"number": "ACR999999"}}),
            codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code,
        ),
        (
            m,
            json!({"rewards_participant_identifier": {"id": "nope"}}),
            codes::REWARDS_PARTICIPANT_NOT_FOUND.code,
        ),
        (
            m,
            json!({"classification_identifier": {"name": "nope"}}),
            codes::CLASSIFICATION_NOT_FOUND.code,
        ),
        (
            m,
            json!({"accounts_receivable_identifier": {"number": "162", "id": "x"}}),
            codes::ONLY_ONE_SEMI_OPTIONAL.code,
        ),
        (
            m,
            json!({"accounts_receivable_identifier": {}}),
            codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
        ),
        (
            m,
            json!({"accounts_receivable_identifier": "ACR000418"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"udf_float_1": "abc"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"udf_float_4": true}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"udf_date_1": "yesterday"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"udf_date_4": 20160520}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"udf_string_1": {"a": 1}}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"udf_string_8": [1]}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"authentication_code": ["x"]}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"authentication_code": ""}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            json!({"fields_set": 5}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
    ]);
}

#[test]
fn update_refuses_what_crm_com_refuses() {
    let m = "access_tokens/update";
    let target = by_code(EFFECTIVE);
    let with = |extra: Value| {
        let mut body = json!({"access_token_identifier": target});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    assert_cases(&[
        (
            m,
            json!({"udf_string_1": "x"}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            m,
            json!({"access_token_identifier": by_code("nope"), "udf_string_1": "x"}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            m,
            json!({"access_token_identifier": {"identifier": "abc567!", "pass_code": "wrong"}}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            m,
            json!({"access_token_identifier": {"identifier": "abc567!"}}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            m,
            with(json!({"identifier": "new-id"})),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            m,
            with(json!({"authentication_code": PENDING})),
            codes::DUPLICATE_ACCESS_TOKEN.code,
        ),
        (
            m,
            with(json!({"identifier": "36", "pass_code": "x"})),
            codes::DUPLICATE_ACCESS_TOKEN.code,
        ),
        (
            m,
            with(json!({"udf_float_2": false})),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            with(json!({"udf_date_2": "2016-02-30"})),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            m,
            with(json!({"identifier": ""})),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
    ]);
}

#[test]
fn life_cycle_methods_guard_their_states() {
    let verify = "access_tokens/verify";
    let reset_pass = "access_tokens/reset_pass_code";
    let reset_code = "access_tokens/reset_verification_code";
    let otp = "access_tokens/generate_otp";
    let effective = "access_tokens/set_as_effective";
    let not_effective = "access_tokens/set_as_not_effective";
    let id = |code: &str| json!({"access_token_identifier": by_code(code)});
    let verify_body = |code: &str, verification: &str| json!({"access_token_identifier": by_code(code), "verification_code": verification});
    assert_cases(&[
        (
            verify,
            verify_body(EFFECTIVE, "273562"),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (
            verify,
            verify_body(PENDING, "000000"),
            codes::INVALID_VERIFICATION_CODE.code,
        ),
        (verify, id(PENDING), codes::MANDATORY_PARAMETER.code),
        (
            verify,
            verify_body("nope", "273562"),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            verify,
            json!({"verification_code": "273562"}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            reset_pass,
            json!({"authentication_code": PENDING}),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (
            reset_pass,
            json!({"authentication_code": NOT_EFFECTIVE}),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (
            reset_pass,
            json!({"authentication_code": EFFECTIVE, "identifier": "36"}),
            codes::ONLY_ONE_SEMI_OPTIONAL.code,
        ),
        (
            reset_pass,
            json!({}),
            codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
        ),
        (
            reset_pass,
            json!({"identifier": "nope"}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            reset_code,
            json!({"authentication_code": EFFECTIVE}),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (
            reset_code,
            json!({"identifier": "nope"}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            reset_code,
            json!({}),
            codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
        ),
        (otp, id(PENDING), codes::INVALID_LIFE_CYCLE_STATE.code),
        (otp, id(NOT_EFFECTIVE), codes::INVALID_LIFE_CYCLE_STATE.code),
        (otp, json!({}), codes::MANDATORY_PARAMETER.code),
        (
            effective,
            id(EFFECTIVE),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (effective, id(PENDING), codes::INVALID_LIFE_CYCLE_STATE.code),
        (effective, json!({}), codes::MANDATORY_PARAMETER.code),
        (
            not_effective,
            id(NOT_EFFECTIVE),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (
            not_effective,
            id(PENDING),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (
            not_effective,
            id("nope"),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
    ]);
}

#[test]
fn pass_code_self_service_refuses_what_crm_com_refuses() {
    let forgot = "access_tokens/forgot_pass_code";
    let change = "access_tokens/change_pass_code";
    assert_cases(&[
        (forgot, json!({}), codes::MANDATORY_PARAMETER.code),
        (
            forgot,
            json!({"identifier": "nobody@example.com"}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            forgot,
            json!({"identifier": "lpapap@gmail.com"}),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        (
            forgot,
            json!({"identifier": "!12ABCD"}),
            codes::INVALID_LIFE_CYCLE_STATE.code,
        ),
        // A user's login token does not identify a consumer.
        (
            change,
            json!({"pass_code": "new"}),
            codes::INVALID_TOKEN.code,
        ),
    ]);
}

#[test]
fn every_session_method_checks_the_token_before_its_parameters() {
    let app = shared_app();
    for route in METHODS {
        if !matches!(route.handler, Handler::Session(_)) {
            continue;
        }
        // The other parameters are bad too: the token must be refused first.
        for (body_token, query_token) in [
            (json!(null), ""),
            (json!("garbage"), "token=garbage&"),
            (json!(42), "token=42&"),
        ] {
            let reply = if route.verb == crmcom_emulator::testing::Verb::Get {
                let query = format!("{query_token}number=x&accounts_receivable_identifier=x");
                app.get(route.path, &query).1
            } else {
                let body = json!({"token": body_token, "authentication_code": ["bad"]});
                app.post(route.path, &body).1
            };
            assert_error(app, &reply, codes::INVALID_TOKEN.code);
        }
    }
}

#[test]
fn a_definition_without_optional_identifiers_makes_them_mandatory_and_may_require_verification() {
    let dir = std::env::temp_dir().join(format!("crmcom-definition-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("access_token_definition.json"),
        r#"{"allow_without_identifier_and_pass_code": false, "requires_verification": true}"#,
    )
    .unwrap();
    let app = spawn_with(Config {
        fixtures: Some(dir.clone()),
        ..Config::default()
    });
    let token = app.login("strict-definition");
    let create = |body: Value| {
        let mut body = body;
        body["token"] = json!(token);
        app.post("access_tokens/create", &body).1
    };
    assert_error(&app, &create(json!({})), codes::MANDATORY_PARAMETER.code);
    let reply = create(json!({"pass_code": "p"}));
    assert_error(&app, &reply, codes::MANDATORY_PARAMETER.code);
    assert_eq!(reply["status"]["description"], "identifier");
    let reply = create(json!({"identifier": "someone@example.com", "pass_code": "p"}));
    assert_eq!(
        reply["data"]["life_cycle_state"], "PENDING_VERIFICATION",
        "{reply}"
    );
    let code = reply["data"]["verification_code"].as_str().unwrap();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    // Update may not take the identifier or pass code away either.
    let reply = app
        .post(
            "access_tokens/update",
            &json!({"token": token, "access_token_identifier": {"identifier": "someone@example.com", "pass_code": "p"},
                "identifier": null}),
        )
        .1;
    assert_error(&app, &reply, codes::MANDATORY_PARAMETER.code);
    std::fs::remove_dir_all(&dir).ok();
}
