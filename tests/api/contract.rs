//! Contract checks: fixtures and replies validate against the schemas, and
//! the README documents every error code and route.

use crate::helpers::shared_app;
use crmcom_emulator::access_tokens::render::render;
use crmcom_emulator::error::CATALOGUE;
use crmcom_emulator::routes::ROUTES;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn every_fixture_access_token_validates_against_its_schema() {
    let state = shared_app().emulator.state();
    let fixtures = &state.fixtures;
    assert!(fixtures.access_tokens.len() >= 11);
    for token in fixtures.access_tokens.iter() {
        let rendered = render(&fixtures.reference, token);
        state.schemas.check_access_token(&rendered).unwrap();
        assert!(rendered.get("pass_code").is_none());
        assert!(rendered.get("pass_code_hash").is_none());
    }
}

#[test]
fn the_readme_lists_every_error_code() {
    let readme = readme();
    for (code, _) in CATALOGUE {
        assert!(readme.contains(&format!("`{code}`")), "README lacks {code}");
    }
}

#[test]
fn the_readme_lists_every_route() {
    let readme = readme();
    for route in ROUTES {
        assert!(
            readme.contains(&format!("`{}`", route.path)),
            "README lacks {}",
            route.path
        );
    }
}

#[test]
fn the_documented_otp_reply_validates_against_its_schema() {
    // generate_otp is not emulated yet, but its reply schema is written from
    // the seed page: the documented example must satisfy it.
    use crmcom_emulator::schemas::Schemas;
    let schemas = Schemas::load().unwrap();
    let example = crate::documented::example("10_generate_otp.response.json");
    schemas
        .check_by_file("replies/one_time_password.json", &example)
        .unwrap();
    let mut wrong = example.clone();
    wrong["data"]["one_time_password"] = serde_json::json!(73482);
    assert!(schemas
        .check_by_file("replies/one_time_password.json", &wrong)
        .is_err());
}

#[test]
fn the_access_token_schema_refuses_unknown_fields_such_as_a_pass_code() {
    let state = shared_app().emulator.state();
    let token = state.fixtures.access_tokens.iter().next().unwrap();
    let mut rendered = render(&state.fixtures.reference, token);
    rendered["pass_code"] = "1234".into();
    assert!(state.schemas.check_access_token(&rendered).is_err());
    let mut rendered = render(&state.fixtures.reference, token);
    rendered["life_cycle_state"] = "ACTIVE".into();
    assert!(state.schemas.check_access_token(&rendered).is_err());
}
