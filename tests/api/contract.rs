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
