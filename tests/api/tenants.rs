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

/// Issue 19, row 2: organisations share the dataset's tokens until one
/// changes its own, and a change stays its own.
#[test]
fn organisations_share_their_starting_tokens_until_they_change_one() {
    use crmcom_emulator::{Config, Dataset};
    let app = crate::helpers::spawn_with(Config {
        dataset: Some(Dataset::Small),
        ..Config::default()
    });
    let shared = |org: &str| -> bool {
        let tenants = app.admin_ok("GET", "tenants", None);
        let tenant = tenants
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["organisation"] == org)
            .unwrap_or_else(|| panic!("{org} in {tenants}"))
            .clone();
        tenant["shared_access_tokens"].as_bool().unwrap()
    };
    let a = app.login("share-a");
    let b = app.login("share-b");
    assert!(shared("share-a") && shared("share-b"));
    // Writes that fail their checks copy nothing.
    for (method, body) in [
        (
            "update",
            json!({"token": b, "access_token_identifier": {"authentication_code": "nope"}, "udf_string_1": "x"}),
        ),
        (
            "create",
            json!({"token": b, "identifier": "!12ABCD", "pass_code": "1234"}),
        ),
        (
            "set_as_effective",
            json!({"token": b, "access_token_identifier": {"authentication_code": "117"}}),
        ),
    ] {
        let (_, reply) = app.post(&format!("access_tokens/{method}"), &body);
        assert_ne!(reply["status"]["code"], "OK", "{method}: {reply}");
        assert!(shared("share-b"), "a failed {method} copied the store");
    }
    let (_, created) = app.post(
        "access_tokens/create",
        &json!({"token": a, "identifier": "only-in-a", "pass_code": "1234",
            "accounts_receivable_identifier": {"number": "ACR000783"}}),
    );
    assert_eq!(created["status"]["code"], "OK", "{created}");
    assert!(
        !shared("share-a"),
        "a copied its tokens on its first change"
    );
    assert!(shared("share-b"));
    let state = app.emulator.state();
    let count = |org: &str| state.tenant(org).unwrap().access_tokens.read().len();
    assert_eq!(count("share-a"), count("share-b") + 1);
    assert!(state
        .tenant("share-b")
        .unwrap()
        .access_tokens
        .read()
        .by_identifier("only-in-a")
        .is_none());
}
