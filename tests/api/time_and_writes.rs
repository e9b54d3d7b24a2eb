//! Time at the edges and writes that answer errors (issue 19, rows 17, 18):
//! the admin clock keeps every date the emulator writes within the years
//! 0001 to 9999, and a write whose reply would break its schema changes
//! nothing.

use crate::helpers::{spawn_app, Org};
use chrono::NaiveDate;
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

/// Clocks the admin API does not check (the embedding's, here) cannot make
/// the emulator write a date past 9999 either: dates saturate. (That a
/// write refused by the schema stores nothing is the unit test
/// `a_change_that_breaks_the_schema_is_refused_before_it_is_stored`.)
#[test]
fn a_clock_past_year_9999_writes_the_last_date_instead() {
    let org = Org::new("saturate");
    let tenant = org.app.emulator.state().tenant(&org.name).unwrap();
    tenant.clock.own().set(
        NaiveDate::from_ymd_opt(10_000, 6, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    );
    let token = org.app.login(&org.name);
    let created = org.post(
        "create",
        json!({"token": token, "identifier": "late", "pass_code": "1234",
            "accounts_receivable_identifier": {"number": "ACR000783"}}),
    );
    assert_eq!(created["status"]["code"], "OK", "{created}");
    assert_eq!(
        created["data"]["log_information"]["created_date"],
        "9999-12-31T23:59:59"
    );
    let otp = org.post(
        "generate_otp",
        json!({"token": token, "access_token_identifier": {"identifier": "late", "pass_code": "1234"}}),
    );
    assert_eq!(
        otp["data"]["expiration_date"], "9999-12-31T23:59:59",
        "{otp}"
    );
}
