//! The emulated CRM.COM release: each change of the release table shown at
//! its boundary (the release before it and the release that brought it),
//! with organisations of different releases in one process.

use crate::helpers::{assert_error, code, shared_app, unique_org, Org, TestApp};
use crmcom_emulator::codes;
use crmcom_emulator::{Emulator, Release};
use serde_json::{json, Value};

impl Org {
    /// An organisation answered as `release`, set before its first login.
    pub fn at(prefix: &str, release: &str) -> Org {
        let app = shared_app();
        let name = unique_org(prefix);
        set_release(app, &name, release);
        let token = app.login(&name);
        Org { app, name, token }
    }

    /// Answers this organisation as `release` from now on.
    fn switch_to(&self, release: &str) {
        set_release(self.app, &self.name, release);
    }

    fn list_numbers(&self, query: &str) -> Vec<String> {
        self.numbers("list", query)
    }

    /// Whether `method` exists for this organisation (any other outcome
    /// than method-not-supported counts as existing).
    fn has_method(&self, method: &str, body: Value) -> bool {
        let reply = self.post(method, body);
        if reply["status"]["code"] == codes::METHOD_NOT_SUPPORTED.code {
            assert_error(self.app, &reply, codes::METHOD_NOT_SUPPORTED.code);
            assert!(
                reply["status"]["description"]
                    .as_str()
                    .unwrap()
                    .contains("does not exist in CRM.COM R"),
                "{reply}"
            );
            return false;
        }
        true
    }
}

fn set_release(app: &TestApp, organisation: &str, release: &str) {
    let data = app.admin_ok(
        "PUT",
        &format!("tenants/{organisation}/release"),
        Some(&json!({ "release": release })),
    );
    assert_eq!(
        data["release"],
        Release::parse(release).unwrap().to_string()
    );
}

const ACR001018: &str = "accounts_receivable_identifier=number=ACR001018";

#[test]
fn list_pagination_arrives_in_r13() {
    let old = Org::at("r12-list", "R12.5");
    assert_eq!(
        old.list_numbers(&format!("{ACR001018}&number_of_results=1&offset=1")),
        ["ACT0000000231", "ACT0000000246"],
        "before R13 number_of_results and offset are ignored"
    );
    let new = Org::at("r13-list", "R13");
    assert_eq!(
        new.list_numbers(&format!("{ACR001018}&number_of_results=1&offset=1")),
        ["ACT0000000246"]
    );
    // list itself arrived in R8.
    let r7 = Org::at("r7-list", "R7");
    let (_, reply) = r7.app.get(
        "access_tokens/list",
        &format!("token={}&{ACR001018}", r7.token),
    );
    assert_error(r7.app, &reply, codes::METHOD_NOT_SUPPORTED.code);
    r7.switch_to("R8");
    assert_eq!(r7.list_numbers(ACR001018).len(), 2);
}

#[test]
fn user_defined_fields_arrive_in_r10_1() {
    let old = Org::at("r10-udf", "R10");
    let created = old.ok(
        "create",
        json!({"identifier": "udf-old", "pass_code": "p", "udf_string_1": "kept?"}),
    );
    assert!(created.get("udf_string_1").is_none(), "{created}");
    assert!(created.get("id").is_some() && created.get("classification").is_some());
    // The older server ignored the field: the token has none.
    old.switch_to("R10.1");
    let shown = old.show(json!({"identifier": "udf-old", "pass_code": "p"}));
    assert_eq!(shown["data"]["udf_string_1"], Value::Null, "{shown}");

    let new = Org::at("r10-1-udf", "R10.1");
    let created = new.ok(
        "create",
        json!({"identifier": "udf-new", "pass_code": "p", "udf_string_1": "kept"}),
    );
    assert_eq!(created["udf_string_1"], "kept");
    assert_eq!(created["udf_float_4"], Value::Null);
}

#[test]
fn classification_arrives_in_r10() {
    let classification = json!({"name": "PK Main Access Token Classification "});
    let old = Org::at("r9-class", "R9.2");
    let created = old.ok(
        "create",
        json!({"identifier": "c-old", "pass_code": "p", "classification_identifier": classification}),
    );
    assert!(created.get("classification").is_none(), "{created}");
    assert!(created.get("verification_code").is_some());
    let (_, reply) = old.app.get(
        "access_tokens/configuration/classifications/list",
        &format!("token={}", old.token),
    );
    assert_error(old.app, &reply, codes::METHOD_NOT_SUPPORTED.code);
    old.switch_to("R10");
    let shown = old.show(json!({"identifier": "c-old", "pass_code": "p"}));
    assert_eq!(shown["data"]["classification"], Value::Null, "{shown}");

    let new = Org::at("r10-class", "R10");
    let created = new.ok(
        "create",
        json!({"identifier": "c-new", "pass_code": "p", "classification_identifier": classification}),
    );
    assert_eq!(created["classification"]["alternative_code"], "MATC_2");
    let (_, reply) = new.app.get(
        "access_tokens/configuration/classifications/list",
        &format!("token={}", new.token),
    );
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
}

#[test]
fn verify_takes_a_pass_code_from_r14() {
    let verify = json!({"access_token_identifier": code("7"), "verification_code": "273562", "pass_code": "fresh"});
    let by_new_pass_code = json!({"identifier": "lpapap@gmail.com", "pass_code": "fresh"});
    let old = Org::at("r13-verify", "R13.1");
    assert_eq!(
        old.ok("verify", verify.clone())["life_cycle_state"],
        "EFFECTIVE"
    );
    assert_error(
        old.app,
        &old.show(by_new_pass_code.clone()),
        codes::ACCESS_TOKEN_NOT_FOUND.code,
    );
    let new = Org::at("r14-verify", "R14");
    new.ok("verify", verify);
    assert_eq!(
        new.show(by_new_pass_code)["data"]["authentication_code"],
        "7"
    );
    // verify and its fields arrived in R9.
    let r8 = Org::at("r8-verify", "R8");
    assert!(!r8.has_method(
        "verify",
        json!({"access_token_identifier": code("7"), "verification_code": "1"})
    ));
    let shown = r8.show(code("7"))["data"].clone();
    for absent in ["verification_code", "verified_date", "verified_by_user"] {
        assert!(shown.get(absent).is_none(), "{absent}: {shown}");
    }
}

#[test]
fn methods_appear_in_their_release() {
    let otp = json!({"access_token_identifier": code("117")});
    let cases: [(&str, Value, &str, &str); 4] = [
        ("generate_otp", otp.clone(), "R12.9", "R13"),
        ("set_as_not_effective", otp.clone(), "R13", "R13.1"),
        (
            "reset_verification_code",
            json!({"authentication_code": "7"}),
            "R11",
            "R12",
        ),
        (
            "reset_pass_code",
            json!({"authentication_code": "117"}),
            "R8",
            "R9",
        ),
    ];
    for (method, body, before, from) in cases {
        let org = Org::at(&format!("{method}-before"), before);
        assert!(
            !org.has_method(method, body.clone()),
            "{method} in {before}"
        );
        let org = Org::at(&format!("{method}-from"), from);
        assert!(org.has_method(method, body.clone()), "{method} in {from}");
    }
    let otp_reply = Org::at("otp-r13", "R13").ok("generate_otp", otp);
    assert!(otp_reply["one_time_password"].is_string());
    // reset_pass_code's reply is shaped by the release too.
    let reset =
        Org::at("reset-r9", "R9").ok("reset_pass_code", json!({"authentication_code": "117"}));
    assert!(reset["random_pass_code"].is_string(), "{reset}");
    assert!(reset.get("verification_code").is_some());
    assert!(reset.get("classification").is_none() && reset.get("udf_string_1").is_none());
}

#[test]
fn forgot_and_change_pass_code_exist_in_r16_12_and_from_r17_10() {
    let forgot = json!({"identifier": "pk6@crm.com"});
    for (release, exists) in [
        ("R16.11", false),
        ("R16.12", true),
        ("R17", false),
        ("R17.9", false),
        ("R17.10", true),
        ("R18", true),
    ] {
        let org = Org::at("forgot", release);
        assert_eq!(
            org.has_method("forgot_pass_code", forgot.clone()),
            exists,
            "forgot_pass_code in {release}"
        );
        assert_eq!(
            org.has_method("change_pass_code", json!({"pass_code": "n3w"})),
            exists,
            "change_pass_code in {release}"
        );
    }
}

fn is_hex32(token: &str) -> bool {
    token.len() == 32
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn advance(org: &Org, seconds: i64) {
    org.app.admin_ok(
        "POST",
        "clock",
        Some(&json!({"organisation": org.name, "advance_seconds": seconds})),
    );
}

fn show_code(org: &Org) -> String {
    org.show(code("117"))["status"]["code"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn before_r12_tokens_are_hex_and_live_while_used() {
    let org = Org::at("r11-token", "R11");
    assert!(is_hex32(&org.token), "{}", org.token);
    // Used every 50 minutes, it outlives two hours.
    for _ in 0..3 {
        advance(&org, 3000);
        assert_eq!(show_code(&org), "OK");
    }
    advance(&org, 3601);
    assert_eq!(show_code(&org), codes::TOKEN_EXPIRED.code);
}

#[test]
fn from_r12_tokens_are_jwts_that_end_two_hours_after_issue() {
    let org = Org::at("r12-token", "R12");
    assert_eq!(org.token.split('.').count(), 3, "{}", org.token);
    assert!(!is_hex32(&org.token));
    advance(&org, 3000);
    assert_eq!(show_code(&org), "OK");
    advance(&org, 3000);
    assert_eq!(show_code(&org), "OK");
    advance(&org, 1300);
    assert_eq!(show_code(&org), codes::TOKEN_EXPIRED.code, "used or not");
}

#[test]
fn token_release_exists_from_r10() {
    for (release, exists) in [("R9", false), ("R10", true), ("R12", true)] {
        let org = Org::at("release", release);
        let reply = org
            .app
            .post("authentication/token/release", &json!({"token": org.token}))
            .1;
        let supported = reply["status"]["code"] != codes::METHOD_NOT_SUPPORTED.code;
        assert_eq!(supported, exists, "{release}: {reply}");
        if exists {
            assert_eq!(reply["status"]["code"], "OK", "{reply}");
            assert_eq!(show_code(&org), codes::INVALID_TOKEN.code);
        }
    }
}

#[test]
fn success_status_is_null_before_r9_and_fields_set_arrives_in_r10() {
    let r8 = Org::at("r8-status", "R8");
    let reply = r8.post(
        "show",
        json!({"access_token_identifier": code("117"), "fields_set": "number"}),
    );
    assert_eq!(
        reply["status"],
        json!({"code": "OK", "message": null, "description": null})
    );
    assert!(
        reply["data"].get("id").is_some(),
        "fields_set ignored: {reply}"
    );
    assert!(reply["data"].get("accounts_receivable").is_some());

    let r9 = Org::at("r9-status", "R9");
    let reply = r9.post(
        "show",
        json!({"access_token_identifier": code("117"), "fields_set": "number"}),
    );
    assert_eq!(reply["status"]["message"], "");
    assert!(
        reply["data"].get("id").is_some(),
        "fields_set ignored: {reply}"
    );
    r9.switch_to("R10");
    let reply = r9.post(
        "show",
        json!({"access_token_identifier": code("117"), "fields_set": "number"}),
    );
    assert_eq!(reply["data"], json!({"number": "AT0000000758"}));

    // Before R8 tokens had no owners in their replies.
    let r5 = Org::at("r5-owner", "R5");
    let shown = r5.show(code("117"))["data"].clone();
    assert!(
        shown.get("accounts_receivable").is_none() && shown.get("reward_participant").is_none()
    );
    assert!(shown.get("number").is_some());
}

/// Sets the organisation's access-token definition settings.
fn set_definition(org: &Org, settings: Value) {
    let path = format!("tenants/{}/state", org.name);
    let mut state = org.app.admin_ok("GET", &path, None);
    for (key, value) in settings.as_object().unwrap() {
        state["reference"]["definition"][key] = value.clone();
    }
    org.app.admin_ok("PUT", &path, Some(&state));
}

#[test]
fn a_generated_pass_code_needs_an_owner_from_r14() {
    let bare = json!({"identifier": "gen@crm.com"});
    let old = Org::at("r13-gen", "R13.1");
    set_definition(&old, json!({"generate_pass_code": true}));
    let created = old.ok("create", bare.clone());
    assert!(created.get("pass_code").is_none() && created.get("random_pass_code").is_none());
    // The generated pass code works once a reset tells it.
    let reset = old.ok("reset_pass_code", json!({"identifier": "gen@crm.com"}));
    let pass_code = reset["random_pass_code"].as_str().unwrap();
    assert_eq!(
        old.show(json!({"identifier": "gen@crm.com", "pass_code": pass_code}))["data"]["id"],
        created["id"]
    );

    let new = Org::at("r14-gen", "R14");
    set_definition(&new, json!({"generate_pass_code": true}));
    assert_error(
        new.app,
        &new.post("create", bare),
        codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
    );
    let created = new.ok(
        "create",
        json!({"identifier": "gen@crm.com", "accounts_receivable_identifier": {"number": "ACR000418"}}),
    );
    assert_eq!(created["accounts_receivable"]["number"], "ACR000418");
    // A pass code sent is used as before.
    new.ok(
        "create",
        json!({"identifier": "own@crm.com", "pass_code": "mine"}),
    );
}

#[test]
fn tokens_start_pending_verification_only_from_r9() {
    let old = Org::at("r8-pending", "R8");
    set_definition(&old, json!({"requires_verification": true}));
    let created = old.ok("create", json!({"identifier": "p8", "pass_code": "p"}));
    assert_eq!(created["life_cycle_state"], "EFFECTIVE");
    let new = Org::at("r9-pending", "R9");
    set_definition(&new, json!({"requires_verification": true}));
    let created = new.ok("create", json!({"identifier": "p9", "pass_code": "p"}));
    assert_eq!(created["life_cycle_state"], "PENDING_VERIFICATION");
}

#[test]
fn one_process_answers_two_organisations_by_their_releases() {
    let old = Org::at("side-r8", "R8");
    let new = Org::new("side-default");
    for _ in 0..2 {
        let old_token = old.show(code("117"))["data"].clone();
        let new_token = new.show(code("117"))["data"].clone();
        assert!(
            old_token.get("udf_string_1").is_none() && old_token.get("classification").is_none()
        );
        assert!(
            new_token.get("udf_string_1").is_some() && new_token.get("classification").is_some()
        );
        assert_eq!(old_token["number"], new_token["number"]);
    }
    assert!(is_hex32(&old.token) && !is_hex32(&new.token));
    let tenants = new.app.admin_ok("GET", "tenants", None);
    let release_of = |name: &str| {
        tenants
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["organisation"] == name)
            .map(|t| t["release"].clone())
    };
    assert_eq!(release_of(&old.name), Some(json!("R8")));
    assert_eq!(release_of(&new.name), Some(json!("R17.10")));
    // Back to the emulator's release.
    let data = old.app.admin_ok(
        "PUT",
        &format!("tenants/{}/release", old.name),
        Some(&json!({"release": null})),
    );
    assert_eq!(data["release"], "R17.10");
    assert!(old.show(code("117"))["data"]
        .get("classification")
        .is_some());
}

#[test]
fn a_release_outside_r5_to_r18_is_refused() {
    let app = shared_app();
    for bad in ["R4", "R19", "Rx", "10.1.2.3"] {
        let (status, reply) = app.admin(
            "PUT",
            &format!("tenants/{}/release", unique_org("bad-release")),
            Some(&json!({ "release": bad })),
        );
        assert_eq!(status, 400, "{bad}: {reply}");
        assert_eq!(reply["status"]["code"], codes::ADMIN_REQUEST.code);
    }
}

#[test]
fn the_builder_sets_the_release() {
    let emulator = Emulator::builder()
        .release(Release::parse("R8").unwrap())
        .start()
        .unwrap();
    let token = emulator.login("builder").unwrap();
    assert!(is_hex32(&token), "{token}");
    emulator.set_release("later", Some(Release::parse("R12").unwrap()));
    assert_eq!(emulator.login("later").unwrap().split('.').count(), 3);
}
