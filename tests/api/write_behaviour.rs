//! What each write method does to the state, seen through the next reads.

use crate::helpers::{assert_error, shared_app, unique_org, TestApp};
use base64::Engine;
use crmcom_emulator::error::codes;
use serde_json::{json, Value};

/// One organisation of the shared emulator with a live user token.
struct Org {
    app: &'static TestApp,
    name: String,
    token: String,
}

impl Org {
    fn new(prefix: &str) -> Org {
        let app = shared_app();
        let name = unique_org(prefix);
        let token = app.login(&name);
        Org { app, name, token }
    }

    fn post(&self, method: &str, mut body: Value) -> Value {
        if body.get("token").is_none() {
            body["token"] = json!(self.token);
        }
        self.app.post(&format!("access_tokens/{method}"), &body).1
    }

    fn ok(&self, method: &str, body: Value) -> Value {
        let reply = self.post(method, body);
        assert_eq!(reply["status"]["code"], "OK", "{method}: {reply}");
        reply.get("data").cloned().unwrap_or(Value::Null)
    }

    fn show(&self, identifier: Value) -> Value {
        self.post("show", json!({"access_token_identifier": identifier}))
    }

    fn not_associated_numbers(&self) -> Vec<String> {
        let (_, reply) = self.app.get(
            "access_tokens/get_not_associated",
            &format!("token={}&number=1000&fields_set=number", self.token),
        );
        reply["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["number"].as_str().unwrap().to_string())
            .collect()
    }
}

fn code(c: &str) -> Value {
    json!({"authentication_code": c})
}

#[test]
fn create_without_anything_generates_a_code_and_is_not_associated() {
    let org = Org::new("create-bare");
    let data = org.ok("create", json!({}));
    let generated = data["authentication_code"].as_str().unwrap();
    assert_eq!(generated.len(), 32);
    assert!(generated
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()));
    assert_eq!(data["life_cycle_state"], "EFFECTIVE");
    assert_eq!(data["verification_code"], Value::Null);
    assert!(org
        .not_associated_numbers()
        .contains(&data["number"].as_str().unwrap().to_string()));
    // Another organisation never sees it.
    let other = Org::new("create-bare-other");
    assert_error(
        other.app,
        &other.show(code(generated)),
        codes::ACCESS_TOKEN_NOT_FOUND,
    );
}

#[test]
fn create_links_participant_and_classification_and_keeps_typed_udfs() {
    let org = Org::new("create-full");
    let data = org.ok(
        "create",
        json!({
            "authentication_code": "FULL-1",
            "accounts_receivable_identifier": {"number": "ACR001018"},
            "rewards_participant_identifier": {"number": "115"},
            "classification_identifier": {"alternative_code": "VERIFIED"},
            "udf_string_3": "blue", "udf_float_2": 2.5, "udf_float_3": "7", "udf_date_4": "2016-05-20"
        }),
    );
    assert_eq!(data["accounts_receivable"]["number"], "ACR001018");
    assert_eq!(data["reward_participant"]["number"], "115");
    assert_eq!(data["classification"]["alternative_code"], "VERIFIED");
    assert_eq!(
        data["life_cycle_state"], "PENDING_VERIFICATION",
        "the classification requires it"
    );
    assert_eq!(data["udf_string_3"], "blue");
    assert_eq!(data["udf_float_2"], 2.5);
    assert_eq!(data["udf_float_3"], 7.0);
    assert_eq!(data["udf_date_4"], "2016-05-20T00:00:00");
    let (_, list) = org.app.get(
        "access_tokens/list",
        &format!(
            "token={}&rewards_participant_identifier=number=115&classification_identifier=alternative_code=VERIFIED",
            org.token
        ),
    );
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["data"][0]["authentication_code"], "FULL-1");
}

#[test]
fn update_keeps_what_is_not_sent_clears_nulls_and_regenerates_a_null_code() {
    let org = Org::new("update");
    org.ok(
        "create",
        json!({"authentication_code": "UPD-1", "identifier": "upd@example.com", "pass_code": "p1",
            "udf_string_1": "a", "udf_string_2": "b", "udf_float_1": 1.5}),
    );
    let data = org.ok(
        "update",
        json!({"access_token_identifier": code("UPD-1"), "udf_string_1": null, "udf_float_1": 3,
            "authentication_code": null}),
    );
    assert_eq!(data["udf_string_1"], Value::Null);
    assert_eq!(data["udf_string_2"], "b", "not sent, kept");
    assert_eq!(data["udf_float_1"], 3.0);
    let regenerated = data["authentication_code"].as_str().unwrap();
    assert_eq!(regenerated.len(), 32, "{data}");
    assert_error(
        org.app,
        &org.show(code("UPD-1")),
        codes::ACCESS_TOKEN_NOT_FOUND,
    );
    // The pass code was not sent: it still opens the token.
    let reply = org.show(json!({"identifier": "upd@example.com", "pass_code": "p1"}));
    assert_eq!(reply["data"]["authentication_code"], regenerated);
    // Identifier and pass code may go when the definition allows it.
    let data = org.ok(
        "update",
        json!({"access_token_identifier": code(regenerated), "identifier": null, "pass_code": null}),
    );
    assert_eq!(data["identifier"], Value::Null);
}

#[test]
fn log_information_records_who_changed_the_token_and_from_which_unit() {
    let org = Org::new("log");
    let created = org.ok("create", json!({"authentication_code": "LOG-1"}));
    let log = &created["log_information"];
    assert_eq!(log["created_by_user"]["id"], "1");
    assert_eq!(
        log["created_by_unit"]["id"],
        "48305F8849E3C18B227C5BE3A27BA6DF"
    );
    assert_eq!(log["created_date"], log["updated_date"]);
    org.app.emulator.state().clock.advance(90);
    let (_, login) = org.app.post(
        "authentication/token",
        &json!({"username": "mpadministrator", "password": "1234", "organisation": org.name, "unit": "1"}),
    );
    let unit_token = login["data"]["token"].as_str().unwrap();
    let updated = org.ok(
        "update",
        json!({"token": unit_token, "access_token_identifier": code("LOG-1"), "udf_string_1": "x"}),
    );
    let log = &updated["log_information"];
    assert_eq!(log["updated_by_unit"]["id"], "1");
    assert_eq!(
        log["created_by_unit"]["id"],
        "48305F8849E3C18B227C5BE3A27BA6DF"
    );
    assert_eq!(
        log["created_date"],
        created["log_information"]["created_date"]
    );
    assert_ne!(log["updated_date"], log["created_date"]);
}

#[test]
fn tokens_move_between_effective_and_not_effective() {
    let org = Org::new("effective");
    let data = org.ok(
        "set_as_not_effective",
        json!({"access_token_identifier": code("117")}),
    );
    assert_eq!(data["life_cycle_state"], "NOT_EFFECTIVE");
    assert_eq!(
        org.show(code("117"))["data"]["life_cycle_state"],
        "NOT_EFFECTIVE"
    );
    let data = org.ok(
        "set_as_effective",
        json!({"access_token_identifier": code("117"), "fields_set": "number,life_cycle_state"}),
    );
    assert_eq!(
        data,
        json!({"number": "AT0000000758", "life_cycle_state": "EFFECTIVE"})
    );
}

#[test]
fn verify_with_a_pass_code_sets_it() {
    let org = Org::new("verify-pass");
    org.ok(
        "verify",
        json!({"access_token_identifier": code("7"), "verification_code": "273562", "pass_code": "fresh"}),
    );
    let reply = org.show(json!({"identifier": "lpapap@gmail.com", "pass_code": "fresh"}));
    assert_eq!(reply["data"]["life_cycle_state"], "EFFECTIVE", "{reply}");
    assert_eq!(reply["data"]["verified_by_user"]["id"], "1");
}

#[test]
fn reset_codes_replace_the_old_ones() {
    let org = Org::new("resets");
    let data = org.ok("reset_pass_code", json!({"identifier": "abc567!"}));
    let random = data["random_pass_code"].as_str().unwrap();
    assert_error(
        org.app,
        &org.show(json!({"identifier": "abc567!", "pass_code": "1234"})),
        codes::ACCESS_TOKEN_NOT_FOUND,
    );
    assert_eq!(
        org.show(json!({"identifier": "abc567!", "pass_code": random}))["data"]["number"],
        "35"
    );
    // The random pass code is shown once: show never has it.
    assert!(org.show(code("CCD4537CA4AD4EE8912FFBAE53110601"))["data"]
        .get("random_pass_code")
        .is_none());

    let fresh = org.ok(
        "reset_verification_code",
        json!({"authentication_code": "7"}),
    );
    let fresh = fresh["verification_code"].as_str().unwrap();
    assert_ne!(fresh, "273562");
    let reply = org.post(
        "verify",
        json!({"access_token_identifier": code("7"), "verification_code": "273562"}),
    );
    assert_error(org.app, &reply, codes::INVALID_VERIFICATION_CODE);
    org.ok(
        "verify",
        json!({"access_token_identifier": code("7"), "verification_code": fresh}),
    );
}

#[test]
fn a_new_one_time_password_replaces_the_old_one() {
    let org = Org::new("otp");
    let first = org.ok(
        "generate_otp",
        json!({"access_token_identifier": code("117")}),
    );
    let second = org.ok(
        "generate_otp",
        json!({"access_token_identifier": code("117")}),
    );
    let tenant = org.app.emulator.state().existing_tenant(&org.name).unwrap();
    let tokens = tenant.access_tokens.read();
    let stored = tokens
        .by_authentication_code("117")
        .unwrap()
        .one_time_password
        .clone()
        .unwrap();
    let otp = |d: &Value| d["one_time_password"].as_str().unwrap().to_string();
    assert!(stored.hash.matches(&otp(&second)));
    assert!(otp(&first) == otp(&second) || !stored.hash.matches(&otp(&first)));
    assert_eq!(
        stored.expires_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        second["expiration_date"]
    );
}

#[test]
fn wrong_secrets_lock_one_token_until_a_reset() {
    let org = Org::new("lockout");
    let wrong = json!({"identifier": "abc567!", "pass_code": "wrong"});
    for _ in 0..10 {
        assert_error(
            org.app,
            &org.show(wrong.clone()),
            codes::ACCESS_TOKEN_NOT_FOUND,
        );
    }
    let right = json!({"identifier": "abc567!", "pass_code": "1234"});
    assert_error(org.app, &org.show(right.clone()), codes::TOO_MANY_ATTEMPTS);
    // Other tokens, and lookups without a secret, are unaffected.
    let other = org.show(json!({"identifier": "4857ap23", "pass_code": "1234"}));
    assert_eq!(other["status"]["code"], "OK");
    assert_eq!(
        org.show(code("CCD4537CA4AD4EE8912FFBAE53110601"))["status"]["code"],
        "OK"
    );
    let random =
        org.ok("reset_pass_code", json!({"identifier": "abc567!"}))["random_pass_code"].clone();
    let reply = org.show(json!({"identifier": "abc567!", "pass_code": random}));
    assert_eq!(reply["status"]["code"], "OK", "the reset lifts the lock");

    // Verification codes count too.
    let verify = |c: &str| {
        org.post(
            "verify",
            json!({"access_token_identifier": code("ET"), "verification_code": c}),
        )
    };
    for _ in 0..10 {
        assert_error(org.app, &verify("000000"), codes::INVALID_VERIFICATION_CODE);
    }
    assert_error(org.app, &verify("whatever"), codes::TOO_MANY_ATTEMPTS);
    let fresh = org.ok("reset_verification_code", json!({"identifier": "36"}));
    let reply = verify(fresh["verification_code"].as_str().unwrap());
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
}

fn consumer_login(org: &str, identifier: Value) -> Value {
    let key = base64::engine::general_purpose::STANDARD.encode("C0A5F1E2D3B4A5968778695A4B3C2D1E:");
    let reply = shared_app().request(
        "POST",
        "/crmapi/rest/v2/authentication/consumer_application_key/token",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &format!("Basic {key}")),
        ],
        json!({"organisation": org, "access_token_identifier": identifier})
            .to_string()
            .as_bytes(),
    );
    reply.json()
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
    assert_error(org.app, &others, codes::ACCESS_TOKEN_NOT_FOUND);
    let (_, list) = org.app.get(
        "access_tokens/list",
        &format!("token={consumer}&accounts_receivable_identifier=number=ACR000783"),
    );
    assert_error(org.app, &list, codes::ACCOUNTS_RECEIVABLE_NOT_FOUND);
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
    assert_error(org.app, &reply, codes::ACCESS_TOKEN_NOT_FOUND);

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
            codes::INVALID_LIFE_CYCLE_STATE,
        ),
        (
            json!({"authentication_code": "nope"}),
            codes::ACCESS_TOKEN_NOT_FOUND,
        ),
        (
            json!({"identifier": "4857ap23", "pass_code": "bad"}),
            codes::ACCESS_TOKEN_NOT_FOUND,
        ),
        (
            json!({"identifier": "4857ap23"}),
            codes::MANDATORY_PARAMETER,
        ),
    ];
    for (identifier, code) in cases {
        assert_error(org.app, &consumer_login(&org.name, identifier), code);
    }
    org.ok("create", json!({"authentication_code": "LONELY"}));
    assert_error(
        org.app,
        &consumer_login(&org.name, code("LONELY")),
        codes::ACCOUNTS_RECEIVABLE_NOT_FOUND,
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
    assert_error(org.app, &reply.json(), codes::INVALID_CREDENTIALS);
}

#[test]
fn create_and_update_never_take_what_crm_com_sets_itself() {
    let org = Org::new("server-fields");
    let forged = json!({
        "id": "00000000000000000000000000000000", "number": "1",
        "life_cycle_state": "NOT_EFFECTIVE", "verified_date": "2015-01-01T00:00:00",
        "verification_code": "111111",
        "log_information": {"created_date": "2000-01-01T00:00:00"}
    });
    let mut body = forged.clone();
    body["authentication_code"] = json!("SERVER-1");
    let data = org.ok("create", body);
    assert_ne!(data["id"], forged["id"]);
    assert_eq!(data["number"], "ACT0000000247");
    assert_eq!(data["life_cycle_state"], "EFFECTIVE");
    assert_eq!(data["verified_date"], Value::Null);
    assert_eq!(data["verification_code"], Value::Null);
    assert_ne!(
        data["log_information"]["created_date"],
        "2000-01-01T00:00:00"
    );
    let mut body = forged;
    body["access_token_identifier"] = code("SERVER-1");
    let updated = org.ok("update", body);
    for field in [
        "id",
        "number",
        "life_cycle_state",
        "verified_date",
        "verification_code",
    ] {
        assert_eq!(updated[field], data[field], "{field}");
    }
    assert_eq!(
        updated["log_information"]["created_date"],
        data["log_information"]["created_date"]
    );
}
