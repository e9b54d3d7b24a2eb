//! A consumer app's session end to end, and what CRM.COM sends along the
//! way: the outbox, the admin's wallet balance, and where codes never go.

use crate::consumer_methods::{call, call_as};
use crate::helpers::{assert_error, consumer_login_with, Org};
use crmcom_emulator::codes;
use serde_json::{json, Value};

/// The six-digit code in a message's content.
fn code_in(content: &str) -> String {
    content
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .unwrap_or_else(|| panic!("no code in {content}"))
        .to_string()
}

fn consumer_login(org: &Org, identifier: Value) -> Value {
    consumer_login_with(
        org.app,
        &json!({"organisation": org.name, "access_token_identifier": identifier}),
    )
}

#[test]
fn a_consumer_app_walks_from_login_to_a_new_pass_code() {
    let org = Org::new("consumer-flow");
    const EMAIL: &str = "kathy.flow@example.com";
    org.ok(
        "create",
        json!({"identifier": EMAIL, "pass_code": "old-pass-1",
               "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
    );

    // Consumer login, then "my account, my contact, my points".
    let login = consumer_login(
        &org,
        json!({"identifier": EMAIL, "pass_code": "old-pass-1"}),
    );
    let consumer = login["data"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"))
        .to_string();
    let account = call_as(
        org.app,
        &consumer,
        "accounts_receivable/show",
        &json!({"accounts_receivable_identifier": {"access_token_identifier": {"identifier": EMAIL, "pass_code": "old-pass-1"}}}),
    );
    assert_eq!(account["data"]["number"], "ACR0000000007", "{account}");
    let owner = account["data"]["account_owner"]["id"].clone();
    let contact = call_as(
        org.app,
        &consumer,
        "contact_information/show",
        &json!({"contact_information_identifier": {"id": owner}}),
    );
    assert_eq!(
        contact["data"]["emails_set"][0]["email_address"], "kathy.clark@example.com",
        "{contact}"
    );
    let balance = |token: &str| {
        let reply = call_as(
            org.app,
            token,
            "wallets/get_balance",
            &json!({"accounts_receivable_identifier": {"number": "ACR0000000007"}}),
        );
        assert_eq!(reply["status"]["code"], "OK", "{reply}");
        reply["data"]["balance"].as_f64().unwrap()
    };
    assert_eq!(balance(&consumer), 120.0);
    // The demo presenter sets 250 points; the app sees them at once.
    let wallet = org.app.admin_ok(
        "PUT",
        &format!("tenants/{}/wallets/W0000000026/balance", org.name),
        Some(&json!({"balance": 250})),
    );
    assert_eq!(wallet["balance"], 250.0);
    assert_eq!(balance(&consumer), 250.0);

    // Forgot pass code: CRM.COM e-mails a one-time password.
    let forgot = org.post("forgot_pass_code", json!({"identifier": EMAIL}));
    assert_eq!(forgot["status"]["code"], "OK", "{forgot}");
    assert!(forgot.get("data").is_none());
    let outbox = org.app.admin_ok(
        "GET",
        &format!("tenants/{}/outbox?recipient=KATHY.FLOW", org.name),
        None,
    );
    assert_eq!(outbox["total"], 1, "{outbox}");
    let mail = &outbox["communications"][0];
    assert_eq!(mail["media"], "EMAIL");
    assert_eq!(mail["recipient"], EMAIL);
    assert_eq!(mail["direction"], "OUTGOING");
    assert_eq!(mail["contact_information"]["id"], owner);
    let otp = code_in(mail["content"].as_str().unwrap());
    // The same e-mail in the contact's communications, through the API.
    let listed = call_as(
        org.app,
        &consumer,
        "communications/list",
        &json!({"contact_information_identifier": {"id": owner}}),
    );
    assert_eq!(listed["data"][0]["number"], mail["number"], "{listed}");
    assert_eq!(listed["data"][0]["content"], mail["content"]);
    let shown = call_as(
        org.app,
        &consumer,
        "communications/show",
        &json!({"communication_identifier": {"id": mail["id"]}}),
    );
    assert_eq!(shown["data"], *mail);

    // The one-time password logs in; the new pass code is set.
    let by_otp = consumer_login(&org, json!({"one_time_password": otp}));
    let recovered = by_otp["data"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{by_otp}"))
        .to_string();
    let changed = org
        .app
        .post(
            "access_tokens/change_pass_code",
            &json!({"token": recovered, "pass_code": "new-pass-2"}),
        )
        .1;
    assert_eq!(changed["status"]["code"], "OK", "{changed}");
    let again = consumer_login(
        &org,
        json!({"identifier": EMAIL, "pass_code": "new-pass-2"}),
    );
    assert_eq!(again["status"]["code"], "OK", "{again}");
    let old = consumer_login(
        &org,
        json!({"identifier": EMAIL, "pass_code": "old-pass-1"}),
    );
    assert_error(org.app, &old, codes::ACCESS_TOKEN_NOT_FOUND.code);

    // The journal recorded every call, and no code: not the OTP, not the
    // e-mail's content.
    let journal = org.app.admin_ok(
        "GET",
        &format!("journal?organisation={}&limit=1000", org.name),
        None,
    );
    let text = journal.to_string();
    assert!(
        text.contains("communications/list"),
        "the calls are journaled"
    );
    assert!(!text.contains(&otp), "the OTP reached the journal");
    assert!(!text.contains("new-pass-2") && !text.contains("old-pass-1"));
}

#[test]
fn pending_tokens_are_sent_their_verification_code_by_email_or_sms() {
    let org = Org::new("consumer-verify");
    let made = org.ok(
        "create",
        json!({"identifier": "+35799123456", "pass_code": "p-1",
               "accounts_receivable_identifier": {"number": "ACR000418"},
               "classification_identifier": {"name": "Verified Consumers"}}),
    );
    let code = made["verification_code"].as_str().unwrap().to_string();
    let outbox = org
        .app
        .admin_ok("GET", &format!("tenants/{}/outbox", org.name), None);
    let sms = &outbox["communications"][0];
    assert_eq!(sms["media"], "SMS", "{outbox}");
    assert_eq!(sms["recipient"], "+35799123456");
    assert_eq!(code_in(sms["content"].as_str().unwrap()), code);
    // A new code is sent again; an identifier that is no address goes to
    // the contact's e-mail.
    let reset = org.ok(
        "reset_verification_code",
        json!({"identifier": "+35799123456"}),
    );
    let outbox = org
        .app
        .admin_ok("GET", &format!("tenants/{}/outbox", org.name), None);
    assert_eq!(
        outbox["total"], 3,
        "newest first, the fixture's CM000680 last: {outbox}"
    );
    assert_eq!(
        code_in(outbox["communications"][0]["content"].as_str().unwrap()),
        reset["verification_code"].as_str().unwrap()
    );
    org.ok(
        "create",
        json!({"identifier": "card-0042", "pass_code": "p-1",
               "accounts_receivable_identifier": {"number": "ACR000418"},
               "classification_identifier": {"name": "Verified Consumers"}}),
    );
    let outbox = org
        .app
        .admin_ok("GET", &format!("tenants/{}/outbox?limit=1", org.name), None);
    assert_eq!(
        outbox["communications"][0]["recipient"],
        "shemar.havier@example.com"
    );
    assert_eq!(outbox["communications"].as_array().unwrap().len(), 1);
    // A failed call sends nothing.
    let failed = org.post("forgot_pass_code", json!({"identifier": "card-0042"}));
    assert_error(org.app, &failed, codes::INVALID_LIFE_CYCLE_STATE.code);
    let after = org
        .app
        .admin_ok("GET", &format!("tenants/{}/outbox", org.name), None);
    assert_eq!(after["total"], 4);
}

#[test]
fn the_outbox_and_balances_follow_snapshots_exports_and_resets() {
    let org = Org::new("consumer-keep");
    let admin = |verb: &str, path: &str, body: Option<Value>| {
        org.app
            .admin_ok(verb, &format!("tenants/{}/{path}", org.name), body.as_ref())
    };
    admin(
        "PUT",
        "wallets/W0000000026/balance",
        Some(json!({"balance": 7.5})),
    );
    org.ok(
        "create",
        json!({"identifier": "keep@example.com", "pass_code": "p-1",
        "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
    );
    org.ok(
        "forgot_pass_code",
        json!({"identifier": "keep@example.com"}),
    );
    admin("POST", "snapshots/kept", Some(json!({})));
    let state = admin("GET", "state", None);
    assert_eq!(
        state["communications"].as_array().unwrap().len(),
        1,
        "{}",
        state["communications"]
    );
    assert_eq!(state["wallet_balances"].as_object().unwrap().len(), 1);

    admin("POST", "reset", None);
    assert_eq!(
        admin("GET", "outbox", None)["total"],
        1,
        "only the fixture's"
    );
    let wallet = call(
        &org,
        "wallets/get_balance",
        &json!({"wallet_identifier": {"number": "W0000000026"}}),
    );
    assert_eq!(wallet["data"]["balance"], 120.0);

    admin("POST", "snapshots/kept/restore", None);
    assert_eq!(admin("GET", "outbox", None)["total"], 2);
    let wallet = call(
        &org,
        "wallets/get_balance",
        &json!({"wallet_identifier": {"number": "W0000000026"}}),
    );
    assert_eq!(wallet["data"]["balance"], 7.5);

    // An import carries them too; a balance of a wallet that does not
    // exist is refused and changes nothing.
    let mut bad = state.clone();
    bad["wallet_balances"] = json!({"NOPE": 1.0});
    let (status, refused) =
        org.app
            .admin("PUT", &format!("tenants/{}/state", org.name), Some(&bad));
    assert_eq!(status, 400, "{refused}");
    assert_eq!(admin("GET", "outbox", None)["total"], 2);
    let (status, _) = org.app.admin(
        "PUT",
        &format!("tenants/{}/wallets/W0000000026/balance", org.name),
        Some(&json!({"balance": "lots"})),
    );
    assert_eq!(status, 400);
    let (status, _) = org.app.admin(
        "PUT",
        &format!("tenants/{}/wallets/W404/balance", org.name),
        Some(&json!({"balance": 1})),
    );
    assert_eq!(status, 404);
}

#[test]
fn a_refused_forgot_pass_code_changes_nothing_not_even_the_seeded_draws() {
    // The organisation's generator reseeded alike twice: once refused
    // forgot_pass_codes come first, once not; then the same token is given
    // a one-time password.
    let org = Org::new("consumer-refused");
    let otp_after = |refusals: bool| {
        org.app.admin_ok(
            "POST",
            "seed",
            Some(&json!({"seed": 5, "organisation": org.name})),
        );
        if refusals {
            let unknown = org.post(
                "forgot_pass_code",
                json!({"identifier": "nobody@example.com"}),
            );
            assert_error(org.app, &unknown, codes::ACCESS_TOKEN_NOT_FOUND.code);
            // Token 48 is NOT_EFFECTIVE.
            let inactive = org.post("forgot_pass_code", json!({"identifier": "99aw2311"}));
            assert_error(org.app, &inactive, codes::INVALID_LIFE_CYCLE_STATE.code);
        }
        let outbox = org
            .app
            .admin_ok("GET", &format!("tenants/{}/outbox", org.name), None);
        assert_eq!(outbox["total"], 1, "only the fixture's: {outbox}");
        org.ok(
            "generate_otp",
            json!({"access_token_identifier": {"authentication_code": "117"}}),
        )["one_time_password"]
            .clone()
    };
    assert_eq!(otp_after(true), otp_after(false));
    // A token of no account whose identifier is no address: CRM.COM knows
    // nowhere to send to, so nothing is sent and no password issued.
    org.ok(
        "create",
        json!({"identifier": "card-77", "pass_code": "p-1"}),
    );
    let before = org.show(json!({"identifier": "card-77", "pass_code": "p-1"}));
    let silent = org.post("forgot_pass_code", json!({"identifier": "card-77"}));
    assert_eq!(silent["status"]["code"], "OK", "{silent}");
    let after = org.show(json!({"identifier": "card-77", "pass_code": "p-1"}));
    assert_eq!(before["data"], after["data"], "nothing issued");
    let outbox = org
        .app
        .admin_ok("GET", &format!("tenants/{}/outbox", org.name), None);
    assert_eq!(outbox["total"], 1, "{outbox}");
}

#[test]
fn a_consumer_finds_its_own_account_by_a_name_another_account_shares() {
    let org = Org::new("consumer-twins");
    // An import puts another "Clark Kathy" before ACR0000000007.
    let mut state = org
        .app
        .admin_ok("GET", &format!("tenants/{}/state", org.name), None);
    let accounts = state["reference"]["accounts_receivable"]
        .as_array_mut()
        .unwrap();
    let mut twin = accounts
        .iter()
        .find(|a| a["number"] == "ACR0000000007")
        .unwrap()
        .clone();
    twin["id"] = json!("0000000000000000000000000000TWIN");
    twin["number"] = json!("ACR0000000099");
    accounts.insert(0, twin);
    org.app
        .admin_ok("PUT", &format!("tenants/{}/state", org.name), Some(&state));
    org.ok(
        "create",
        json!({"identifier": "twin.app@example.com", "pass_code": "p-1",
        "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
    );
    let login = consumer_login(
        &org,
        json!({"identifier": "twin.app@example.com", "pass_code": "p-1"}),
    );
    let consumer = login["data"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"))
        .to_string();
    let by_name = json!({"accounts_receivable_identifier": {"name": "Clark Kathy"}});
    let own = call_as(org.app, &consumer, "accounts_receivable/show", &by_name);
    assert_eq!(own["data"]["number"], "ACR0000000007", "{own}");
    // A user session gets the first of the name.
    let first = call(&org, "accounts_receivable/show", &by_name);
    assert_eq!(first["data"]["number"], "ACR0000000099", "{first}");
}

#[test]
fn an_import_of_bad_activity_is_refused_and_changes_nothing() {
    let org = Org::new("consumer-import");
    org.ok(
        "create",
        json!({"identifier": "imp@example.com", "pass_code": "p-1",
        "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
    );
    org.ok("forgot_pass_code", json!({"identifier": "imp@example.com"}));
    let state = org
        .app
        .admin_ok("GET", &format!("tenants/{}/state", org.name), None);
    let sent = state["communications"][0].clone();
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut twice = state.clone();
    twice["communications"]
        .as_array_mut()
        .unwrap()
        .push(sent.clone());
    cases.push(("appears twice", twice));
    let mut fixture_number = state.clone();
    fixture_number["communications"][0]["number"] = json!("CM000680");
    cases.push(("appears twice", fixture_number));
    let mut bad_number = state.clone();
    bad_number["communications"][0]["number"] = json!("ZZ");
    cases.push(("not a number", bad_number));
    let mut bad_media = state.clone();
    bad_media["communications"][0]["media"] = json!("PIGEON");
    cases.push(("media", bad_media));
    let mut bad_user = state.clone();
    bad_user["communications"][0]["log_information"]["created_by_user_id"] = json!("nobody");
    cases.push(("unknown user", bad_user));
    let mut huge = state.clone();
    huge["wallet_balances"] = json!({"3F1C9AB9D4FA4B3D1E8D2C8E5B7A6F10": 1.0});
    cases.push(("no wallet", huge));
    for (why, doc) in cases {
        let (status, reply) =
            org.app
                .admin("PUT", &format!("tenants/{}/state", org.name), Some(&doc));
        assert_eq!(status, 400, "{why}: {reply}");
        let text = reply["status"]["description"].as_str().unwrap_or_default();
        assert!(text.contains(why), "{why}: {text}");
    }
    let after = org
        .app
        .admin_ok("GET", &format!("tenants/{}/outbox", org.name), None);
    assert_eq!(after["total"], 2);
    let (status, _) = org.app.admin(
        "PUT",
        &format!("tenants/{}/wallets/W0000000026/balance", org.name),
        Some(&json!({"balance": 1e13})),
    );
    assert_eq!(status, 400);
}
