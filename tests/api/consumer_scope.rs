//! The consumer methods' bad inputs, table-driven, and the consumer
//! login's scope: its own accounts receivable and what hangs from it, and
//! nothing else by any identifier.

use crate::consumer_methods::{call, call_as};
use crate::helpers::{assert_error, consumer_login_with, Org};
use crmcom_emulator::codes;
use serde_json::{json, Value};

/// One method with a valid request for the fixtures' ACR0000000007 (Kathy
/// Clark: contact CI000007, participant 16, wallet W0000000026,
/// communication CM000680).
fn valid_requests() -> Vec<(&'static str, Value)> {
    vec![
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"number": "ACR0000000007"}}),
        ),
        (
            "contact_information/show",
            json!({"contact_information_identifier": {"number": "CI000007"}}),
        ),
        (
            "rewards_participants/show",
            json!({"rewards_participant_identifier": {"number": "16"}}),
        ),
        (
            "wallets/show",
            json!({"accounts_receivable_identifier": {"number": "ACR0000000007"}}),
        ),
        (
            "wallets/get_balance",
            json!({"wallet_identifier": {"number": "W0000000026"}}),
        ),
        (
            "communications/list",
            json!({"contact_information_identifier": {"number": "CI000007"}}),
        ),
        (
            "communications/show",
            json!({"communication_identifier": {"number": "CM000680"}}),
        ),
    ]
}

#[test]
fn every_method_answers_its_valid_request_and_refuses_a_missing_or_bad_token() {
    let org = Org::new("consumer-neg");
    for (method, params) in valid_requests() {
        let ok = call(&org, method, &params);
        assert_eq!(ok["status"]["code"], "OK", "{method}: {ok}");
        // As every session method: no token is an invalid one.
        let reply = if method.starts_with("communications") || method == "contact_information/show"
        {
            org.app
                .get(method, "contact_information_identifier=number=CI000007")
                .1
        } else {
            org.app.post(method, &params).1
        };
        assert_error(org.app, &reply, codes::INVALID_TOKEN.code);
        let bad = call_as(org.app, "not-a-login-token", method, &params);
        assert_error(org.app, &bad, codes::INVALID_TOKEN.code);
    }
}

#[test]
fn bad_parameters_answer_their_codes_and_nothing_else() {
    let org = Org::new("consumer-bad");
    let cases: Vec<(&str, Value, &str)> = vec![
        // Missing mandatory identifiers.
        (
            "accounts_receivable/show",
            json!({}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            "contact_information/show",
            json!({}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            "rewards_participants/show",
            json!({}),
            codes::MANDATORY_PARAMETER.code,
        ),
        (
            "communications/show",
            json!({}),
            codes::MANDATORY_PARAMETER.code,
        ),
        // Semi-optional groups: none, or two.
        (
            "wallets/show",
            json!({}),
            codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
        ),
        (
            "wallets/show",
            json!({"accounts_receivable_identifier": {"number": "ACR0000000007"}, "rewards_participant_identifier": {"number": "16"}}),
            codes::ONLY_ONE_SEMI_OPTIONAL.code,
        ),
        (
            "wallets/get_balance",
            json!({}),
            codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
        ),
        (
            "wallets/get_balance",
            json!({"wallet_identifier": {"number": "W0000000026"}, "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
            codes::ONLY_ONE_SEMI_OPTIONAL.code,
        ),
        (
            "communications/list",
            json!({}),
            codes::AT_LEAST_ONE_SEMI_OPTIONAL.code,
        ),
        (
            "communications/list",
            json!({"contact_information_identifier": {"number": "CI000007"}, "category_identifier": {"name": "x"}}),
            codes::ONLY_ONE_SEMI_OPTIONAL.code,
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"number": "ACR0000000007", "name": "Clark Kathy"}}),
            codes::ONLY_ONE_SEMI_OPTIONAL.code,
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"number": "ACR0000000007", "access_token_identifier": {"authentication_code": "117"}}}),
            codes::ONLY_ONE_SEMI_OPTIONAL.code,
        ),
        // Unknown identifiers.
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"number": "NOPE"}}),
            codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code,
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"access_token_identifier": {"authentication_code": "NOPE"}}}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            "contact_information/show",
            json!({"contact_information_identifier": {"number": "NOPE"}}),
            codes::CONTACT_INFORMATION_NOT_FOUND.code,
        ),
        (
            "rewards_participants/show",
            json!({"rewards_participant_identifier": {"id": "NOPE"}}),
            codes::REWARDS_PARTICIPANT_NOT_FOUND.code,
        ),
        (
            "wallets/get_balance",
            json!({"wallet_identifier": {"number": "NOPE"}}),
            codes::WALLET_NOT_FOUND.code,
        ),
        (
            "communications/show",
            json!({"communication_identifier": {"number": "CM999999"}}),
            codes::COMMUNICATION_NOT_FOUND.code,
        ),
        (
            "communications/list",
            json!({"category_identifier": {"name": "Complaints"}}),
            codes::COMMUNICATION_CATEGORY_NOT_FOUND.code,
        ),
        // A terminated account's wallet is cancelled: no effective wallet.
        (
            "wallets/show",
            json!({"accounts_receivable_identifier": {"number": "ACR000604"}}),
            codes::WALLET_NOT_FOUND.code,
        ),
        // Wrong types and values.
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": "ACR0000000007"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"number": ["ACR0000000007"]}}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"access_token_identifier": "117"}}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "wallets/get_balance",
            json!({"wallet_identifier": {"number": "W0000000026"}, "as_of_date": "2001-01-01"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "wallets/get_balance",
            json!({"wallet_identifier": {"number": "W0000000026"}, "as_of_date": "soon"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "wallets/get_balance",
            json!({"wallet_identifier": {"number": "W0000000026"}, "no_allotments_included": "maybe"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "communications/list",
            json!({"contact_information_identifier": {"number": "CI000007"}, "direction": "SIDEWAYS"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "communications/list",
            json!({"contact_information_identifier": {"number": "CI000007"}, "media": "PIGEON"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "communications/list",
            json!({"contact_information_identifier": {"number": "CI000007"}, "number_of_results": "-1"}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
        (
            "wallets/show",
            json!({"accounts_receivable_identifier": {"number": "ACR0000000007"}, "fields_set": 7}),
            codes::INVALID_PARAMETER_VALUE.code,
        ),
    ];
    for (method, params, code) in cases {
        let reply = call(&org, method, &params);
        assert_error(org.app, &reply, code);
        assert!(
            reply["status"]["description"].is_string(),
            "{method} {params}: {reply}"
        );
    }
}

#[test]
fn lists_filter_and_page_newest_first() {
    let org = Org::new("consumer-list");
    // Two verification codes to Kathy's e-mail: tokens that need it.
    for n in 0..2 {
        let made = org.ok(
            "create",
            json!({"identifier": format!("kathy{n}@example.com"), "pass_code": "p-1234",
                   "accounts_receivable_identifier": {"number": "ACR0000000007"},
                   "classification_identifier": {"name": "Verified Consumers"}}),
        );
        assert_eq!(made["life_cycle_state"], "PENDING_VERIFICATION", "{made}");
    }
    let list = |extra: Value| {
        let mut params = json!({"contact_information_identifier": {"number": "CI000007"}});
        for (k, v) in extra.as_object().unwrap() {
            params[k] = v.clone();
        }
        let reply = call(&org, "communications/list", &params);
        assert_eq!(reply["status"]["code"], "OK", "{reply}");
        reply["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["number"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(list(json!({})), ["CM000682", "CM000681", "CM000680"]);
    assert_eq!(
        list(json!({"number_of_results": 1, "offset": 1})),
        ["CM000681"]
    );
    assert_eq!(list(json!({"media": "SMS"})), Vec::<String>::new());
    assert_eq!(list(json!({"direction": "INCOMING"})), Vec::<String>::new());
    // Louis Kozior has none.
    let reply = call(
        &org,
        "communications/list",
        &json!({"contact_information_identifier": {"number": "CI000111"}}),
    );
    assert_eq!(reply["data"], json!([]));
}

/// A consumer of ACR0000000007: a token of it made by the user, then a
/// consumer login with it.
fn kathy_consumer(org: &Org) -> String {
    org.ok(
        "create",
        json!({"identifier": "kathy.app@example.com", "pass_code": "first-pass-1",
               "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
    );
    let login = consumer_login_with(
        org.app,
        &json!({"organisation": org.name,
                "access_token_identifier": {"identifier": "kathy.app@example.com", "pass_code": "first-pass-1"}}),
    );
    login["data"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"))
        .to_string()
}

#[test]
fn a_consumer_reaches_its_own_account_and_what_hangs_from_it() {
    let org = Org::new("consumer-own");
    let consumer = kathy_consumer(&org);
    for (method, params) in valid_requests() {
        let reply = call_as(org.app, &consumer, method, &params);
        assert_eq!(reply["status"]["code"], "OK", "{method}: {reply}");
    }
    // By every other identifier of the same entities too.
    for (method, params) in [
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"name": "Clark Kathy"}}),
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"access_token_identifier": {"identifier": "kathy.app@example.com", "pass_code": "first-pass-1"}}}),
        ),
        (
            "contact_information/show",
            json!({"contact_information_identifier": {"id": "460BB0DB7A4EB61D9D6E3DFEE8566C08"}}),
        ),
        (
            "contact_information/show",
            json!({"contact_information_identifier": {"passport_number": "4564455"}}),
        ),
        (
            "wallets/show",
            json!({"rewards_participant_identifier": {"number": "16"}}),
        ),
    ] {
        let reply = call_as(org.app, &consumer, method, &params);
        assert_eq!(reply["status"]["code"], "OK", "{method} {params}: {reply}");
    }
}

#[test]
fn a_consumer_cannot_reach_another_account_by_any_identifier() {
    let org = Org::new("consumer-scope");
    let consumer = kathy_consumer(&org);
    // ACR000418 (Havier 6): contact CI000418, participant 28, wallet
    // W0000000682, token 35 (authentication code CCD4…).
    let others: Vec<(&str, Value, &str)> = vec![
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"number": "ACR000418"}}),
            codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code,
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"id": "8728513FDA0C6919AE007D84938A835B"}}),
            codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code,
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"name": "Havier 6"}}),
            codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code,
        ),
        (
            "accounts_receivable/show",
            json!({"accounts_receivable_identifier": {"access_token_identifier": {"authentication_code": "CCD4537CA4AD4EE8912FFBAE53110601"}}}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            "contact_information/show",
            json!({"contact_information_identifier": {"number": "CI000418"}}),
            codes::CONTACT_INFORMATION_NOT_FOUND.code,
        ),
        (
            "contact_information/show",
            json!({"contact_information_identifier": {"id": "E21381FCC07AB01BAAC3851B6C00FFE5"}}),
            codes::CONTACT_INFORMATION_NOT_FOUND.code,
        ),
        (
            "rewards_participants/show",
            json!({"rewards_participant_identifier": {"number": "28"}}),
            codes::REWARDS_PARTICIPANT_NOT_FOUND.code,
        ),
        (
            "rewards_participants/show",
            json!({"rewards_participant_identifier": {"access_token_identifier": {"authentication_code": "CCD4537CA4AD4EE8912FFBAE53110601"}}}),
            codes::ACCESS_TOKEN_NOT_FOUND.code,
        ),
        (
            "wallets/show",
            json!({"accounts_receivable_identifier": {"number": "ACR000418"}}),
            codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code,
        ),
        (
            "wallets/show",
            json!({"rewards_participant_identifier": {"number": "28"}}),
            codes::REWARDS_PARTICIPANT_NOT_FOUND.code,
        ),
        (
            "wallets/get_balance",
            json!({"wallet_identifier": {"number": "W0000000682"}}),
            codes::WALLET_NOT_FOUND.code,
        ),
        (
            "wallets/get_balance",
            json!({"accounts_receivable_identifier": {"name": "Havier 6"}}),
            codes::ACCOUNTS_RECEIVABLE_NOT_FOUND.code,
        ),
        (
            "communications/list",
            json!({"contact_information_identifier": {"number": "CI000418"}}),
            codes::CONTACT_INFORMATION_NOT_FOUND.code,
        ),
    ];
    for (method, params, code) in &others {
        let reply = call_as(org.app, &consumer, method, params);
        assert_error(org.app, &reply, code);
        // The same call as the user answers: the entity exists.
        let as_user = call(&org, method, params);
        assert_eq!(
            as_user["status"]["code"], "OK",
            "{method} {params}: {as_user}"
        );
    }
    // A communication of another contact: sent to Havier's e-mail by a
    // forgot pass code of a token of his.
    org.ok(
        "create",
        json!({"identifier": "havier.app@example.com", "pass_code": "p-1",
               "accounts_receivable_identifier": {"number": "ACR000418"}}),
    );
    let forgot = org.post(
        "forgot_pass_code",
        json!({"identifier": "havier.app@example.com"}),
    );
    assert_eq!(forgot["status"]["code"], "OK", "{forgot}");
    let outbox = org.app.admin_ok(
        "GET",
        &format!("tenants/{}/outbox?recipient=havier.app", org.name),
        None,
    );
    let number = outbox["communications"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = call_as(
        org.app,
        &consumer,
        "communications/show",
        &json!({"communication_identifier": {"number": number}}),
    );
    assert_error(org.app, &reply, codes::COMMUNICATION_NOT_FOUND.code);
}
