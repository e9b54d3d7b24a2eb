//! The consumer methods against their documentation: every documented
//! example replays with every documented field present and equal, an entity
//! shown by its own method agrees with the copy embedded in access-token
//! replies, and an older release's reply lacks what came later.

use crate::helpers::{assert_error, crm_query, Org, TestApp};
use crmcom_emulator::codes;
use serde_json::{json, Value};

/// Calls a consumer method as `org`'s user: GET methods with the
/// identifier objects as `name=field=value`, POST ones with a JSON body.
pub fn call(org: &Org, method: &str, params: &Value) -> Value {
    call_as(org.app, &org.token, method, params)
}

pub fn call_as(app: &TestApp, token: &str, method: &str, params: &Value) -> Value {
    let get = matches!(
        method,
        "contact_information/show" | "communications/list" | "communications/show"
    );
    if !get {
        let mut body = params.clone();
        body["token"] = json!(token);
        return app.post(method, &body).1;
    }
    let mut params = params.clone();
    params["token"] = json!(token);
    app.get(method, &crm_query(&params)).1
}

/// Every key of `documented` is in `actual` with an equal value (numbers
/// compared as numbers), recursively; `path` names where.
fn assert_holds(documented: &Value, actual: &Value, path: &str) {
    match (documented, actual) {
        (Value::Object(d), Value::Object(a)) => {
            for (key, value) in d {
                let place = format!("{path}.{key}");
                let got = a
                    .get(key)
                    .unwrap_or_else(|| panic!("{place} is missing in {actual}"));
                assert_holds(value, got, &place);
            }
        }
        (Value::Number(d), Value::Number(a)) => {
            assert_eq!(d.as_f64(), a.as_f64(), "{path}");
        }
        _ => assert_eq!(documented, actual, "{path}"),
    }
}

fn examples() -> Vec<(String, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/examples/consumer");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("examples")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).expect("json"))
        })
        .collect()
}

#[test]
fn every_documented_example_replays_with_its_documented_fields() {
    let org = Org::new("consumer-docs");
    let examples = examples();
    assert_eq!(examples.len(), 7);
    for (name, example) in examples {
        let method = example["method"].as_str().unwrap();
        let reply = call(&org, method, &example["request"]);
        assert_eq!(reply["status"]["code"], "OK", "{name}: {reply}");
        assert_holds(&example["documented_data"], &reply["data"], &name);
        if let Some(fields) = example["request"]["fields_set"].as_str() {
            let mut kept: Vec<&str> = reply["data"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut asked: Vec<&str> = fields.split(',').collect();
            kept.sort_unstable();
            asked.sort_unstable();
            assert_eq!(kept, asked, "{name}");
        }
    }
}

#[test]
fn the_wallet_of_the_documented_balance_example_answers_its_balance() {
    let org = Org::new("consumer-balance");
    let reply = call(
        &org,
        "wallets/get_balance",
        &json!({"wallet_identifier": {"number": "W0000000682"}, "as_of_date": "2999-01-01"}),
    );
    assert_eq!(reply["data"]["number"], "W0000000682", "{reply}");
    assert_eq!(reply["data"]["balance"], 35.5);
    assert_eq!(reply["data"]["currency"]["code"], "EUR");
    // The same wallet by its accounts receivable, and by an access token
    // of it (token 35 belongs to ACR000418).
    for by in [
        json!({"accounts_receivable_identifier": {"number": "ACR000418"}}),
        json!({"accounts_receivable_identifier": {"access_token_identifier": {"authentication_code": "CCD4537CA4AD4EE8912FFBAE53110601"}}}),
        json!({"rewards_participant_identifier": {"number": "28"}}),
    ] {
        let reply = call(&org, "wallets/get_balance", &by);
        assert_eq!(reply["data"]["number"], "W0000000682", "{by}: {reply}");
    }
}

/// Keys both objects carry hold equal values.
fn assert_agree(embedded: &Value, shown: &Value, what: &str) {
    let (Some(e), Some(s)) = (embedded.as_object(), shown.as_object()) else {
        panic!("{what}: {embedded} / {shown}");
    };
    let mut common = 0;
    for (key, value) in e {
        if let Some(other) = s.get(key) {
            assert_eq!(value, other, "{what}.{key}");
            common += 1;
        }
    }
    assert!(common >= 3, "{what}: too little in common");
}

#[test]
fn an_entity_shown_by_its_own_method_agrees_with_the_copy_in_access_token_replies() {
    let org = Org::new("consumer-agree");
    let mut checked = 0;
    for code in [
        "CCD4537CA4AD4EE8912FFBAE53110601",
        "112233665",
        "7",
        "pk_test4",
        "117",
        "ET",
    ] {
        let token = org.show(json!({"authentication_code": code}));
        let token = &token["data"];
        let ar = &token["accounts_receivable"];
        if let Some(number) = ar["number"].as_str() {
            let shown = call(
                &org,
                "accounts_receivable/show",
                &json!({"accounts_receivable_identifier": {"number": number}}),
            );
            assert_agree(ar, &shown["data"], &format!("{code}: accounts_receivable"));
            let owner = &ar["account_owner"];
            let contact = call(
                &org,
                "contact_information/show",
                &json!({"contact_information_identifier": {"id": owner["id"]}}),
            );
            assert_agree(owner, &contact["data"], &format!("{code}: account_owner"));
            assert_eq!(shown["data"]["account_owner"], *owner, "{code}");
            checked += 1;
        }
        let rp = &token["reward_participant"];
        if let Some(number) = rp["number"].as_str() {
            let shown = call(
                &org,
                "rewards_participants/show",
                &json!({"rewards_participant_identifier": {"number": number}}),
            );
            assert_agree(rp, &shown["data"], &format!("{code}: reward_participant"));
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked}");
}

#[test]
fn an_older_release_answers_without_what_came_later() {
    let org = Org::new("consumer-releases");
    let set = |release: &str| {
        org.app.admin_ok(
            "PUT",
            &format!("tenants/{}/release", org.name),
            Some(&json!({"release": release})),
        );
    };
    let ar = json!({"accounts_receivable_identifier": {"number": "ACR0000000007"}});
    set("R9");
    let reply = call(&org, "accounts_receivable/show", &ar);
    assert!(reply["data"].get("opening_balance").is_none(), "{reply}");
    assert!(reply["data"]["balance"].is_number());
    assert_error(
        org.app,
        &call(&org, "wallets/show", &ar),
        codes::METHOD_NOT_SUPPORTED.code,
    );
    set("R11");
    let rp = call(
        &org,
        "rewards_participants/show",
        &json!({"rewards_participant_identifier": {"number": "16"}}),
    );
    assert!(rp["data"].get("life_cycle_state").is_none(), "{rp}");
    assert!(rp["data"].get("auto_spend_authorisation").is_some(), "{rp}");
    let contact = call(
        &org,
        "contact_information/show",
        &json!({"contact_information_identifier": {"number": "CI000111"}}),
    );
    assert!(
        contact["data"].get("preferred_language").is_none(),
        "{contact}"
    );
    assert_error(
        org.app,
        &call(&org, "wallets/get_balance", &ar),
        codes::METHOD_NOT_SUPPORTED.code,
    );
    set("R12");
    let balance = call(&org, "wallets/get_balance", &ar);
    assert!(
        balance["data"].get("alternative_balance").is_none(),
        "{balance}"
    );
    assert_eq!(balance["data"]["balance"], 120.0);
    set("R14.2");
    let balance = call(&org, "wallets/get_balance", &ar);
    assert!(
        balance["data"].get("alternative_balance").is_some(),
        "{balance}"
    );
}
