//! Each organisation is an isolated tenant made from the fixtures on first
//! login; a token never reaches another organisation's data.

use crate::helpers::{assert_error, shared_app, unique_org};
use crmcom_emulator::codes;
use crmcom_emulator::testing::LifeCycleState;
use serde_json::json;

#[test]
fn two_organisations_side_by_side_see_independent_data() {
    let app = shared_app();
    let (org_a, org_b) = (unique_org("tenant-a"), unique_org("tenant-b"));
    let (a, b) = (app.login(&org_a), app.login(&org_b));
    // Change tenant A behind the API: B must not see it.
    {
        let tenant = app.emulator.state().existing_tenant(&org_a).unwrap();
        let mut tokens = tenant.access_tokens.write();
        let mut token = tokens.by_authentication_code("7").unwrap().clone();
        token.life_cycle_state = LifeCycleState::Effective;
        tokens.replace(token).unwrap();
    }
    let show = |t: &str| {
        app.post(
            "access_tokens/show",
            &json!({"token": t, "access_token_identifier": {"authentication_code": "7"}}),
        )
        .1
    };
    assert_eq!(show(&a)["data"]["life_cycle_state"], "EFFECTIVE");
    assert_eq!(show(&b)["data"]["life_cycle_state"], "PENDING_VERIFICATION");
}

#[test]
fn organisation_names_match_case_insensitively() {
    let app = shared_app();
    let org = unique_org("Mixed-Case");
    app.login(&org);
    app.login(&org.to_uppercase());
    let state = app.emulator.state();
    assert!(state.existing_tenant(&org.to_lowercase()).is_some());
    let count = state
        .tenants
        .iter()
        .filter(|t| t.key() == &org.to_lowercase())
        .count();
    assert_eq!(count, 1);
}

#[test]
fn a_deleted_tenant_invalidates_its_tokens() {
    let app = shared_app();
    let org = unique_org("gone");
    let token = app.login(&org);
    app.emulator.state().tenants.remove(&org.to_lowercase());
    let (_, reply) = app.post(
        "access_tokens/show",
        &json!({"token": token, "access_token_identifier": {"authentication_code": "7"}}),
    );
    assert_error(app, &reply, codes::INVALID_TOKEN.code);
}
