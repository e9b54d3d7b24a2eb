//! Contract checks: fixtures and replies validate against the schemas, and
//! the README documents every error code and route.

use crate::helpers::shared_app;
use crmcom_emulator::testing::render;
use crmcom_emulator::testing::{Verb, METHODS};
use crmcom_emulator::CATALOGUE;
use serde_json::{json, Value};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn every_fixture_access_token_validates_against_its_schema() {
    let state = shared_app().emulator.state();
    let fixtures = state.fixtures();
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
    for row in CATALOGUE {
        let code = row.code;
        assert!(readme.contains(&format!("`{code}`")), "README lacks {code}");
    }
}

#[test]
fn the_readme_lists_every_admin_route() {
    let readme = readme();
    for route in crmcom_emulator::testing::ADMIN_ROUTES {
        let line = format!("`{} /__admin/{}`", route.verb, route.path);
        assert!(readme.contains(&line), "README lacks {line}");
    }
}

#[test]
fn the_committed_openapi_document_is_the_generated_one_and_matches_the_route_tables() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    let generated = crmcom_emulator::testing::openapi_document();
    let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == text,
        "openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test` and commit it"
    );
    for route in crmcom_emulator::testing::ADMIN_ROUTES {
        let path = format!("/__admin/{}", route.path);
        assert!(
            generated["paths"][&path][route.verb.to_lowercase()].is_object(),
            "{} {path} missing",
            route.verb
        );
    }
    let verbs = |verb: Verb| match verb {
        Verb::Get => vec!["get"],
        Verb::Post => vec!["post"],
        Verb::Any => vec!["get", "post"],
    };
    for route in METHODS {
        let item = &generated["paths"][format!("/crmapi/rest/v2/{}", route.path)];
        let mut documented: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        documented.sort_unstable();
        let mut served = verbs(route.verb);
        served.sort_unstable();
        assert_eq!(documented, served, "{}", route.path);
    }
    let admin_paths: std::collections::BTreeSet<&str> = crmcom_emulator::testing::ADMIN_ROUTES
        .iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(
        generated["paths"].as_object().unwrap().len(),
        METHODS.len() + admin_paths.len(),
        "no path the dispatcher does not serve"
    );
    // Every method has its request schema, and no schema names a method
    // that does not exist.
    let requests: Value =
        serde_json::from_str(include_str!("../../schemas/requests.json")).unwrap();
    let mut methods: Vec<&str> = requests["methods"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    methods.sort_unstable();
    let mut routes: Vec<&str> = METHODS.iter().map(|r| r.path).collect();
    routes.sort_unstable();
    assert_eq!(methods, routes);
    // Every reference names a top-level component (no tool has to follow
    // a pointer into a component's $defs).
    fn references<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v.as_str()) {
                        ("$ref", Some(reference)) => out.push(reference),
                        _ => references(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    references(&generated, &mut found);
    assert!(found.len() > 100);
    for reference in found {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{reference}"));
        assert!(
            generated["components"]["schemas"][name].is_object(),
            "{reference}"
        );
    }
    // It is served as is, without the envelope, at both addresses.
    let app = crate::helpers::shared_app();
    for path in ["/openapi.json", "/__admin/openapi.json"] {
        let served = app.request("GET", path, &[], b"").json();
        assert_eq!(served, generated, "{path}");
    }
    let wrong = app.request("POST", "/openapi.json", &[], b"");
    assert_eq!(wrong.status, 405);
}

#[test]
fn the_readme_lists_every_route() {
    let readme = readme();
    for route in METHODS {
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
    use crmcom_emulator::testing::Schemas;
    let schemas = Schemas::load(&crmcom_emulator::testing::reply_schemas()).unwrap();
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
    let fixtures = state.fixtures();
    let token = fixtures.access_tokens.iter().next().unwrap();
    let mut rendered = render(&fixtures.reference, token);
    rendered["pass_code"] = "1234".into();
    assert!(state.schemas.check_access_token(&rendered).is_err());
    let mut rendered = render(&fixtures.reference, token);
    rendered["life_cycle_state"] = "ACTIVE".into();
    assert!(state.schemas.check_access_token(&rendered).is_err());
}

/// Puts a token that breaks the schema (its id is not 32 hex) into a tenant.
fn plant_broken_token(app: &crate::helpers::TestApp, org: &str) {
    let tenant = app.emulator.state().existing_tenant(org).unwrap();
    let mut tokens = tenant.access_tokens.write();
    let mut broken = tokens.by_authentication_code("7").unwrap().clone();
    broken.id = "not-an-id".into();
    broken.number = "ACT9999999999".into();
    broken.authentication_code = "broken".into();
    broken.identifier = None;
    tokens.insert(broken).unwrap();
}

#[test]
fn a_reply_that_breaks_its_schema_is_an_error_in_strict_mode_and_sent_otherwise() {
    use crate::helpers::{assert_error, spawn_with};
    use crmcom_emulator::{codes, Config};
    let show =
        |t: &str| json!({"token": t, "access_token_identifier": {"authentication_code": "broken"}});

    let strict = spawn_with(Config::default());
    let token = strict.login("strict");
    plant_broken_token(&strict, "strict");
    let (status, reply) = strict.post("access_tokens/show", &show(&token));
    assert_eq!(status, 200);
    assert_error(&strict, &reply, codes::SCHEMA_VIOLATION.code);
    assert!(
        reply["status"]["description"]
            .as_str()
            .unwrap()
            .contains("/id"),
        "{reply}"
    );

    let lenient = spawn_with(Config {
        strict_schemas: false,
        ..Config::default()
    });
    let token = lenient.login("lenient");
    plant_broken_token(&lenient, "lenient");
    let (_, reply) = lenient.post("access_tokens/show", &show(&token));
    assert_eq!(reply["status"]["code"], "OK");
    assert_eq!(reply["data"]["id"], "not-an-id");
}
