//! Each documented read example of the seed page, sent to a fresh emulator,
//! answers OK with every documented field and the fixture's documented values.

use crate::documented::{assert_documented, example};
use crate::helpers::{spawn_app, TestApp};
use crmcom_emulator::testing::ReplySchema;
use serde_json::Value;

/// Asserts a success reply is schema-valid as a whole envelope.
fn assert_valid(app: &TestApp, schema: ReplySchema, reply: &Value) {
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    if let Err(e) = app.emulator.state().schemas.check_envelope(schema, reply) {
        panic!("reply breaks {}: {e}", schema.file);
    }
}

/// Replaces the documented login token with a live one.
fn with_token(mut request: Value, token: &str) -> Value {
    request["token"] = Value::String(token.to_string());
    request
}

#[test]
fn show_example_returns_the_documented_token() {
    let app = spawn_app();
    let token = app.login("examples");
    let request = with_token(example("01_show.request.json"), &token);
    let (status, reply) = app.post("access_tokens/show", &request);
    assert_eq!(status, 200);
    assert_valid(&app, ReplySchema::ACCESS_TOKEN, &reply);
    assert_documented(
        &example("01_show.response.json"),
        &reply,
        // The docs show this same contact with a null name when nested in the
        // rewards participant, and with "Havier Shemar" at top level.
        &["data.reward_participant.accounts_receivable.account_owner.name"],
    );
    insta::assert_json_snapshot!("show_example", reply);
}

#[test]
fn list_example_returns_the_participants_tokens() {
    let app = spawn_app();
    let token = app.login("examples");
    // The page shows no request; the documented reply is the tokens of
    // rewards participant 115, whose accounts receivable is ACR001018.
    for query in [
        "rewards_participant_identifier=number=115",
        "accounts_receivable_identifier=number=ACR001018",
        "accounts_receivable_identifier=number%3DACR001018",
    ] {
        let (status, reply) = app.get("access_tokens/list", &format!("token={token}&{query}"));
        assert_eq!(status, 200);
        assert_valid(&app, ReplySchema::ACCESS_TOKEN_LIST, &reply);
        assert_documented(
            &example("02_list.response.json"),
            &reply,
            // The same unit is documented as "r1" elsewhere on the page.
            &[
                "data[].log_information.created_by_unit.description",
                "data[].log_information.updated_by_unit.description",
            ],
        );
        insta::assert_json_snapshot!("list_example", reply);
    }
}

#[test]
fn get_not_associated_example_returns_the_five_documented_tokens() {
    let app = spawn_app();
    let token = app.login("examples");
    let (status, reply) = app.get(
        "access_tokens/get_not_associated",
        &format!("token={token}&number=5"),
    );
    assert_eq!(status, 200);
    assert_valid(&app, ReplySchema::ACCESS_TOKEN_LIST, &reply);
    assert_documented(&example("03_get_not_associated.response.json"), &reply, &[]);
    let numbers: Vec<&str> = reply["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["5", "31", "47", "48", "49"], "ordered by number");
    insta::assert_json_snapshot!("get_not_associated_example", reply);
}
