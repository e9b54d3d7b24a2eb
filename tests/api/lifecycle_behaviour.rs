//! What the life-cycle methods do to a token, and the lock on wrong secrets.

use crate::helpers::{assert_error, code, Org};
use crmcom_emulator::codes;
use serde_json::{json, Value};

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
        codes::ACCESS_TOKEN_NOT_FOUND.code,
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
    assert_error(org.app, &reply, codes::INVALID_VERIFICATION_CODE.code);
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
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        );
    }
    let right = json!({"identifier": "abc567!", "pass_code": "1234"});
    assert_error(
        org.app,
        &org.show(right.clone()),
        codes::TOO_MANY_ATTEMPTS.code,
    );
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

    // A new pass code through update lifts it too.
    let lock = |identifier: &str| {
        let wrong = json!({"identifier": identifier, "pass_code": "wrong"});
        for _ in 0..10 {
            org.show(wrong.clone());
        }
        let reply = org.show(json!({"identifier": identifier, "pass_code": "1234"}));
        assert_error(org.app, &reply, codes::TOO_MANY_ATTEMPTS.code);
    };
    lock("4857ap23");
    org.ok(
        "update",
        json!({"access_token_identifier": code("112233665"), "pass_code": "after-update"}),
    );
    let reply = org.show(json!({"identifier": "4857ap23", "pass_code": "after-update"}));
    assert_eq!(
        reply["status"]["code"], "OK",
        "update lifts the lock: {reply}"
    );

    // Verification codes count too.
    let verify = |c: &str| {
        org.post(
            "verify",
            json!({"access_token_identifier": code("ET"), "verification_code": c}),
        )
    };
    for _ in 0..10 {
        assert_error(
            org.app,
            &verify("000000"),
            codes::INVALID_VERIFICATION_CODE.code,
        );
    }
    assert_error(org.app, &verify("whatever"), codes::TOO_MANY_ATTEMPTS.code);
    let fresh = org.ok("reset_verification_code", json!({"identifier": "36"}));
    let reply = verify(fresh["verification_code"].as_str().unwrap());
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
}

#[test]
fn the_attempt_limit_and_the_otp_validity_follow_their_flags() {
    let app = crate::helpers::spawn_with(crmcom_emulator::Config {
        max_secret_attempts: 3,
        otp_validity: 60,
        ..crmcom_emulator::Config::default()
    });
    let token = app.login("flags");
    let show = |pass_code: &str| {
        app.post(
            "access_tokens/show",
            &json!({"token": token, "access_token_identifier": {"identifier": "abc567!", "pass_code": pass_code}}),
        )
        .1
    };
    for _ in 0..3 {
        assert_error(&app, &show("wrong"), codes::ACCESS_TOKEN_NOT_FOUND.code);
    }
    assert_error(&app, &show("1234"), codes::TOO_MANY_ATTEMPTS.code);

    app.emulator.state().clock.freeze();
    let (_, reply) = app.post(
        "access_tokens/generate_otp",
        &json!({"token": token, "access_token_identifier": code("117")}),
    );
    let now = app.emulator.state().clock.now();
    let expected = (now + chrono::TimeDelta::seconds(60))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    assert_eq!(reply["data"]["expiration_date"], expected, "{reply}");
}

/// Issue 19, row 20's class: a six-digit code sent as a JSON number keeps
/// its leading zeros, the verification code as the one-time password.
#[test]
fn a_verification_code_sent_as_a_number_keeps_its_leading_zeros() {
    let org = Org::new("verify-number");
    let (identifier, code) = (0..200)
        .find_map(|n| {
            let identifier = format!("vn-{n}");
            let created = org.ok(
                "create",
                json!({"identifier": identifier, "pass_code": "1234",
                    "accounts_receivable_identifier": {"number": "ACR000783"},
                    "classification_identifier": {"alternative_code": "VERIFIED"}}),
            );
            let code = created["verification_code"].as_str().unwrap().to_string();
            code.starts_with('0').then_some((identifier, code))
        })
        .expect("one code in ten starts with 0");
    let number: u64 = code.parse().unwrap();
    let verified = org.post(
        "verify",
        json!({"access_token_identifier": {"identifier": identifier, "pass_code": "1234"},
            "verification_code": number}),
    );
    assert_eq!(
        verified["status"]["code"], "OK",
        "{code} as {number}: {verified}"
    );
}
