//! The OpenAPI document's examples (`schemas/examples.json`): for every
//! CRM.COM method, a request and the reply the emulator gives it over its
//! shipped fixtures. The requests are the documented ones wherever the
//! CRM.COM pages show one (`tests/examples/`), so Prism mocks and Postman
//! collections carry real values. Made here with a seed and a stopped
//! clock, so they are the same on every run: a change to a reply shows as
//! a stale file (`UPDATE_OPENAPI=1 cargo test` writes it).

use crate::documented::example;
use crate::helpers::{crm_query, spawn_with, TestApp};
use chrono::NaiveDateTime;
use crmcom_emulator::testing::{Verb, METHODS};
use crmcom_emulator::Config;
use serde_json::{json, Map, Value};

/// Where the examples are kept, beside the schemas the document is made of.
const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/examples.json");
/// The organisation every example runs in.
const ORGANISATION: &str = "my-organisation";
/// The shipped keys (fixtures/web_api_keys.json, consumer_application_keys.json).
const WEB_API_KEY: &str = "EE73C0AE64524371B5DDEFF5F7BB2192";
const CONSUMER_KEY: &str = "C0A5F1E2D3B4A5968778695A4B3C2D1E";
const DOCUMENTED: &str = "The documented request (tests/examples/), answered by the emulator over its shipped fixtures; the examples run in one fresh organisation in the order tests/api/openapi_examples.rs runs them, so a later one may need an earlier one";
const EMULATED: &str = "The CRM.COM pages show no example: a request over the shipped fixtures, as the emulator answers it after the examples run before it (in one fresh organisation, in the order tests/api/openapi_examples.rs runs them)";

/// The examples being made: each method's, in the order they ran.
struct Made<'a> {
    app: &'a TestApp,
    examples: Map<String, Value>,
}

impl Made<'_> {
    /// Sends `request` to `method` (as a query string for GET) with an
    /// optional application key, requires an OK reply, and keeps both.
    fn call(
        &mut self,
        method: &str,
        name: &str,
        summary: &str,
        request: Value,
        key: Option<&str>,
    ) -> Value {
        let declared = METHODS
            .iter()
            .find(|m| m.path == method)
            .unwrap_or_else(|| panic!("{method} is not a method"));
        let get = matches!(declared.verb, Verb::Get);
        let mut headers = vec![("Content-Type", "application/json")];
        let basic;
        if let Some(key) = key {
            use base64::Engine as _;
            basic = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
            );
            headers.push(("Authorization", basic.as_str()));
        }
        let reply = if get {
            self.app.request(
                "GET",
                &format!("/crmapi/rest/v2/{method}?{}", crm_query(&request)),
                &headers,
                b"",
            )
        } else {
            self.app.request(
                "POST",
                &format!("/crmapi/rest/v2/{method}"),
                &headers,
                request.to_string().as_bytes(),
            )
        };
        let reply = reply.json();
        assert_eq!(reply["status"]["code"], "OK", "{method} {request}: {reply}");
        let entry = self
            .examples
            .entry(method.to_string())
            .or_insert_with(|| json!({}));
        entry[name] = json!({"summary": summary, "request": request, "reply": reply});
        reply
    }
}

/// A documented request with the live login token in place of the
/// documented one.
fn documented(file: &str, token: &str) -> Value {
    let mut request = example(file);
    request["token"] = token.into();
    request
}

/// Runs every method once (twice where the docs show two examples).
fn make() -> Value {
    let app = spawn_with(Config {
        seed: Some(1),
        ..Config::default()
    });
    let clock = &app.emulator.state().clock;
    clock.freeze();
    clock.set(NaiveDateTime::parse_from_str("2026-01-15T10:00:00", "%Y-%m-%dT%H:%M:%S").unwrap());
    let mut made = Made {
        app: &app,
        examples: Map::new(),
    };
    let login = made.call(
        "authentication/token",
        "login",
        "A user logs in; `data.token` is the login token every other method takes",
        json!({"username": "MPAdministrator", "password": "1234", "organisation": ORGANISATION}),
        None,
    );
    let token = login["data"]["token"].as_str().unwrap().to_string();
    made.call(
        "authentication/web_api_key/token",
        "web_api_key",
        "A web API key (HTTP Basic user name) logs in",
        json!({"organisation": ORGANISATION}),
        Some(WEB_API_KEY),
    );
    let t = token.as_str();
    made.call(
        "access_tokens/show",
        "show",
        DOCUMENTED,
        documented("01_show.request.json", t),
        None,
    );
    made.call(
        "access_tokens/list",
        "list",
        "The documented reply's request: the tokens of accounts receivable ACR001018",
        json!({"token": t, "accounts_receivable_identifier": {"number": "ACR001018"}}),
        None,
    );
    made.call(
        "access_tokens/get_not_associated",
        "five",
        "The documented reply's request: five tokens not associated yet",
        json!({"token": t, "number": 5}),
        None,
    );
    made.call(
        "access_tokens/create",
        "create",
        DOCUMENTED,
        documented("04_create_1.request.json", t),
        None,
    );
    made.call(
        "access_tokens/create",
        "fields_set",
        "The documented request with `fields_set`: only the named fields",
        documented("05_create_2.request.json", t),
        None,
    );
    for (method, file) in [
        ("access_tokens/update", "06_update.request.json"),
        ("access_tokens/verify", "07_verify.request.json"),
        (
            "access_tokens/reset_pass_code",
            "08_reset_pass_code.request.json",
        ),
        (
            "access_tokens/reset_verification_code",
            "09_reset_verification_code.request.json",
        ),
        ("access_tokens/generate_otp", "10_generate_otp.request.json"),
    ] {
        made.call(method, "documented", DOCUMENTED, documented(file, t), None);
    }
    let effective = json!({"authentication_code": "117"});
    made.call(
        "access_tokens/set_as_not_effective",
        "set_as_not_effective",
        EMULATED,
        json!({"token": t, "access_token_identifier": effective}),
        None,
    );
    made.call(
        "access_tokens/set_as_effective",
        "set_as_effective",
        EMULATED,
        json!({"token": t, "access_token_identifier": effective}),
        None,
    );
    made.call(
        "access_tokens/configuration/classifications/list",
        "all",
        EMULATED,
        json!({"token": t}),
        None,
    );
    // Kathy Clark's app: a token of her account, its consumer login, a
    // forgotten and a changed pass code.
    made.app.post(
        "access_tokens/create",
        &json!({"token": t, "identifier": "kathy.app@example.com", "pass_code": "first-1",
                "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
    );
    let app_login = made.call(
        "authentication/consumer_application_key/token",
        "consumer",
        "A consumer application key (HTTP Basic user name) logs in a consumer by its access token",
        json!({"organisation": ORGANISATION,
               "access_token_identifier": {"identifier": "kathy.app@example.com", "pass_code": "first-1"}}),
        Some(CONSUMER_KEY),
    );
    let consumer = app_login["data"]["token"].as_str().unwrap().to_string();
    made.call(
        "access_tokens/forgot_pass_code",
        "forgot",
        "CRM.COM e-mails the consumer a one-time password (see communications/list)",
        json!({"token": t, "identifier": "kathy.app@example.com"}),
        None,
    );
    made.call(
        "access_tokens/change_pass_code",
        "change",
        "The consumer, logged in through the consumer application key, sets a new pass code",
        json!({"token": consumer, "pass_code": "second-2"}),
        None,
    );
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/examples/consumer");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for path in files {
        let documented: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let method = documented["method"].as_str().unwrap();
        let mut request = documented["request"].clone();
        request["token"] = t.into();
        let name = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .split_once('_')
            .unwrap()
            .1
            .to_string();
        made.call(method, &name, DOCUMENTED, request, None);
    }
    made.call(
        "communications/list",
        "of_contact",
        "The communications of Kathy Clark's contact, newest first: the e-mailed one-time password, then the documented one",
        json!({"token": t, "contact_information_identifier": {"number": "CI000007"}}),
        None,
    );
    made.call(
        "authentication/token/release",
        "release",
        "The login token is dead at once",
        json!({"token": t}),
        None,
    );
    Value::Object(made.examples)
}

#[test]
fn every_method_has_an_example_the_emulator_answers_and_the_file_holds_them() {
    let examples = make();
    for method in METHODS.iter().filter(|m| !m.path.is_empty()) {
        assert!(
            examples.get(method.path).is_some(),
            "{} has no example",
            method.path
        );
    }
    let text = serde_json::to_string_pretty(&examples).unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(FILE, &text).unwrap();
    }
    assert!(
        std::fs::read_to_string(FILE).is_ok_and(|kept| kept == text),
        "schemas/examples.json is stale: run `UPDATE_OPENAPI=1 cargo test` (twice: openapi.json is made from it) and commit both"
    );
}
