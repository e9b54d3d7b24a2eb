//! Time at the edges and writes that answer errors (issue 19, rows 17, 18):
//! the admin clock keeps every date the emulator writes within the years
//! 0001 to 9999, and a write whose reply would break its schema changes
//! nothing.

use crate::helpers::{assert_error, spawn_app, Org};
use chrono::NaiveDate;
use crmcom_emulator::codes;
use serde_json::json;

#[test]
fn the_admin_clock_refuses_a_time_at_which_a_written_date_would_leave_year_9999() {
    let app = spawn_app();
    for change in [
        json!({"set": "9999-12-31T23:55:00"}),
        json!({"set": "9999-12-31T00:00:00", "advance_seconds": 3600}),
        json!({"organisation": "far", "set": "9999-12-31T23:55:00"}),
        json!({"set": "0001-01-01T00:00:00", "advance_seconds": -1}),
    ] {
        let (status, reply) = app.admin("POST", "clock", Some(&change));
        assert_eq!(status, 400, "{change}: {reply}");
        let description = reply["status"]["description"].as_str().unwrap();
        assert!(
            description.contains("0001") && description.contains("9999"),
            "{description}"
        );
    }
    // The clock did not move.
    let now = app.admin_ok("GET", "clock", None)["now"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(now.starts_with("20"), "{now}");
    // The last instant allowed works end to end, every date written valid.
    let last = app.admin_ok(
        "POST",
        "clock",
        Some(&json!({"set": "9999-12-30T21:59:59", "freeze": true})),
    );
    assert_eq!(last["now"], "9999-12-30T21:59:59");
    let token = app.login("far");
    let (_, created) = app.post(
        "access_tokens/create",
        &json!({"token": token, "identifier": "far-user", "pass_code": "1234",
            "accounts_receivable_identifier": {"number": "ACR000783"}}),
    );
    assert_eq!(created["status"]["code"], "OK", "{created}");
    let (_, otp) = app.post(
        "access_tokens/generate_otp",
        &json!({"token": token, "access_token_identifier": {"identifier": "far-user", "pass_code": "1234"}}),
    );
    assert_eq!(otp["status"]["code"], "OK", "{otp}");
    let expiration = otp["data"]["expiration_date"].as_str().unwrap();
    assert!(expiration.starts_with("9999-12-30T22:09"), "{otp}");
}

#[test]
fn a_write_whose_reply_would_break_its_schema_changes_nothing() {
    let org = Org::new("rollback");
    let tenant = org.app.emulator.state().tenant(&org.name).unwrap();
    let before = tenant.access_tokens.read().len();
    // The embedding's clock is not range-checked: past the last year, so
    // the created date breaks the schema's date pattern.
    tenant.clock.own().set(
        NaiveDate::from_ymd_opt(10_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    );
    let token = org.app.login(&org.name);
    let reply = org.post(
        "create",
        json!({"token": token, "identifier": "broken-date", "pass_code": "1234",
            "accounts_receivable_identifier": {"number": "ACR000783"}}),
    );
    assert_error(org.app, &reply, codes::SCHEMA_VIOLATION.code);
    assert_eq!(
        tenant.access_tokens.read().len(),
        before,
        "the failed create stored nothing"
    );
    // Nor does a failed update change the token it names.
    let reply = org.post(
        "update",
        json!({"token": token, "access_token_identifier": {"authentication_code": "21A8D8A1EF9E37F43E863D78466C99D1"},
            "udf_string_1": "changed"}),
    );
    assert_error(org.app, &reply, codes::SCHEMA_VIOLATION.code);
    let store = tenant.access_tokens.read();
    let kept = store.iter().find(|t| t.number == "5").unwrap();
    assert!(!format!("{:?}", kept.udf).contains("changed"));
}
