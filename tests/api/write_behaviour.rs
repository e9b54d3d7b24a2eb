//! What create and update do to the state, seen through the next reads.

use crate::helpers::{assert_error, code, Org};
use crmcom_emulator::codes;
use serde_json::{json, Value};

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
        codes::ACCESS_TOKEN_NOT_FOUND.code,
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
        codes::ACCESS_TOKEN_NOT_FOUND.code,
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

#[test]
fn edge_values_of_every_udf_type_are_kept_and_answered_within_the_schema() {
    let org = Org::new("udf-edges");
    let cases = [
        ("udf_string_1", json!(""), json!("")),
        (
            "udf_string_2",
            json!("ü 😀 \"quoted\" \\ </script>"),
            json!("ü 😀 \"quoted\" \\ </script>"),
        ),
        ("udf_string_3", json!(12.5), json!("12.5")),
        ("udf_float_1", json!(1e308), json!(1e308)),
        ("udf_float_2", json!(-0.5), json!(-0.5)),
        ("udf_float_3", json!(" 42 "), json!(42.0)),
        (
            "udf_date_1",
            json!("2016-02-29"),
            json!("2016-02-29T00:00:00"),
        ),
        (
            "udf_date_2",
            json!("9999-12-31T23:59:59"),
            json!("9999-12-31T23:59:59"),
        ),
        (
            "udf_date_3",
            json!("0001-01-01 00:00:00"),
            json!("0001-01-01T00:00:00"),
        ),
    ];
    let mut body = json!({"authentication_code": "EDGES"});
    for (field, sent, _) in &cases {
        body[*field] = sent.clone();
    }
    // The test emulator checks replies strictly: a reply outside its schema
    // would be SCHEMAVIOLATIONEXCEPTION, not OK.
    let data = org.ok("create", body);
    for (field, _, answered) in &cases {
        assert_eq!(&data[*field], answered, "{field}");
    }
    let shown = org.show(code("EDGES"));
    for (field, _, answered) in &cases {
        assert_eq!(&shown["data"][*field], answered, "{field} as stored");
    }
}

#[test]
fn reads_after_a_change_answer_the_changed_token_not_a_kept_reply() {
    // Shows and lists keep each token's serialised reply; a change must
    // replace it, in show, list and get_not_associated alike.
    let org = Org::new("kept-replies");
    let created = org.ok("create", json!({"authentication_code": "KEPT-1"}));
    let number = created["number"].as_str().unwrap().to_string();
    let before = org.show(code("KEPT-1"));
    assert_eq!(before["data"]["udf_string_1"], Value::Null);
    let listed = |org: &Org| {
        let (_, reply) = org.app.get(
            "access_tokens/get_not_associated",
            &format!("token={}&number=1000", org.token),
        );
        reply["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["number"] == number.as_str())
            .cloned()
            .unwrap()
    };
    assert_eq!(listed(&org)["udf_string_1"], Value::Null);
    org.ok(
        "update",
        json!({"access_token_identifier": {"authentication_code": "KEPT-1"},
               "udf_string_1": "changed", "authentication_code": "KEPT-2"}),
    );
    assert_error(
        org.app,
        &org.show(code("KEPT-1")),
        codes::ACCESS_TOKEN_NOT_FOUND.code,
    );
    let after = org.show(code("KEPT-2"));
    assert_eq!(after["data"]["udf_string_1"], "changed");
    assert_eq!(after["data"]["authentication_code"], "KEPT-2");
    assert_eq!(listed(&org)["udf_string_1"], "changed");
    org.ok(
        "set_as_not_effective",
        json!({"access_token_identifier": {"authentication_code": "KEPT-2"}}),
    );
    assert_eq!(
        org.show(code("KEPT-2"))["data"]["life_cycle_state"],
        "NOT_EFFECTIVE"
    );
    assert_eq!(listed(&org)["life_cycle_state"], "NOT_EFFECTIVE");
}
