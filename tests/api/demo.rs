//! Demo support: sample-account datasets and the dashboard's page and data.
//! The page itself is driven in Chromium by `tests/browser/dashboard.py`.

use crate::helpers::{shared_app, spawn_with, unique_org, Org};
use crmcom_emulator::codes;
use crmcom_emulator::testing::DEMO_PASS_CODE;
use crmcom_emulator::AdminSecret;
use crmcom_emulator::Config;
use crmcom_emulator::Dataset;
use serde_json::{json, Value};

fn seed(org: &str, body: Value) -> Value {
    shared_app().admin_ok("PUT", &format!("tenants/{org}/dataset"), Some(&body))
}

fn tokens(org: &str, query: &str) -> Value {
    shared_app().admin_ok("GET", &format!("tenants/{org}/access_tokens?{query}"), None)
}

#[test]
fn a_dataset_seeds_an_organisation_alike_for_a_seed_and_survives_reset() {
    let (first, second) = (unique_org("dataset-a"), unique_org("dataset-b"));
    let made = seed(&first, json!({"dataset": "small", "seed": 11}));
    assert_eq!(made["dataset"], "small");
    assert_eq!(
        made["accounts_receivable"], 58,
        "8 fixture accounts and 50 more"
    );
    let count = made["access_tokens"].as_u64().unwrap();
    assert!((11 + 50..=11 + 150).contains(&count), "{made}");
    seed(&second, json!({"dataset": "small", "seed": 11}));
    let listing = |org: &str| tokens(org, "limit=1000")["access_tokens"].clone();
    assert_eq!(listing(&first), listing(&second), "same seed, same data");
    let other = unique_org("dataset-c");
    seed(&other, json!({"dataset": "small", "seed": 12}));
    assert_ne!(listing(&first), listing(&other));

    // The generated tokens answer the CRM.COM API like any other.
    let org = Org {
        app: shared_app(),
        token: shared_app().login(&first),
        name: first.clone(),
    };
    let row = &listing(&first)[20];
    let identifier = row["identifier"].as_str().unwrap();
    let shown = org.show(json!({"identifier": identifier, "pass_code": DEMO_PASS_CODE}));
    assert_eq!(shown["data"]["number"], row["number"], "{shown}");
    assert_eq!(
        shown["data"]["accounts_receivable"]["number"],
        row["accounts_receivable"]["number"]
    );

    // A reset returns to the dataset; null returns to the fixtures.
    org.ok(
        "create",
        json!({"identifier": "extra@example.com", "pass_code": "p"}),
    );
    shared_app().admin_ok("POST", &format!("tenants/{first}/reset"), None);
    assert_eq!(listing(&first), listing(&second));
    let back = seed(&first, json!({"dataset": null}));
    assert_eq!(back["access_tokens"], 11);
    assert_eq!(back["dataset"], Value::Null);
}

#[test]
fn the_token_view_searches_and_never_shows_secrets() {
    let org = Org::new("view");
    let all = tokens(&org.name, "");
    assert_eq!(all["total"], 11);
    let by_code = tokens(&org.name, "q=ccd4537ca4");
    assert_eq!(by_code["total"], 1);
    assert_eq!(by_code["access_tokens"][0]["number"], "35");
    assert_eq!(
        by_code["access_tokens"][0]["accounts_receivable"]["number"],
        "ACR000418"
    );
    assert_eq!(
        tokens(&org.name, "q=lpapap@")["access_tokens"][0]["number"],
        "ACT0000000177"
    );
    let by_account = tokens(&org.name, "q=ACR001018");
    assert_eq!(
        by_account["total"], 2,
        "through its participant: {by_account}"
    );
    assert_eq!(
        tokens(&org.name, "limit=3")["access_tokens"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    org.ok(
        "generate_otp",
        json!({"access_token_identifier": {"authentication_code": "117"}}),
    );
    let text = tokens(&org.name, "limit=1000").to_string();
    for secret in [
        "pass_code",
        "verification_code",
        "one_time_password",
        "273562",
        "sha256$",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let (status, reply) = shared_app().admin("GET", "tenants/no-such-org-view/access_tokens", None);
    assert_eq!(status, 404, "{reply}");
    let (status, reply) = shared_app().admin(
        "GET",
        &format!("tenants/{}/access_tokens?limit=many", org.name),
        None,
    );
    assert_eq!(status, 400, "{reply}");
}

#[test]
fn a_bad_dataset_is_refused_and_the_token_limit_holds() {
    let app = shared_app();
    let (status, reply) = app.admin(
        "PUT",
        &format!("tenants/{}/dataset", unique_org("bad-dataset")),
        Some(&json!({"dataset": "huge"})),
    );
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["status"]["code"], codes::ADMIN_REQUEST.code);

    let small = spawn_with(Config {
        max_access_tokens: 20,
        ..Config::default()
    });
    let (status, reply) = small.admin(
        "PUT",
        "tenants/limited/dataset",
        Some(&json!({"dataset": "small"})),
    );
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["status"]["code"], codes::ADMIN_REQUEST.code);
    assert!(
        reply["status"]["description"]
            .as_str()
            .unwrap()
            .contains("--max-access-tokens"),
        "{reply}"
    );
}

#[test]
fn the_dataset_flag_seeds_every_new_organisation() {
    let app = spawn_with(Config {
        dataset: Some(Dataset::Small),
        seed: Some(3),
        ..Config::default()
    });
    app.login("one");
    app.login("two");
    let tenants = app.admin_ok("GET", "tenants", None);
    for t in tenants.as_array().unwrap() {
        assert_eq!(t["accounts_receivable"], 58, "{t}");
    }
    assert_eq!(tenants[0]["access_tokens"], tenants[1]["access_tokens"]);
    // Another dataset for one organisation is made on the fixtures, not on
    // the --dataset one.
    let other = app.admin_ok(
        "PUT",
        "tenants/three/dataset",
        Some(&json!({"dataset": "small", "seed": 4})),
    );
    assert_eq!(other["accounts_receivable"], 58, "{other}");
    let back = app.admin_ok(
        "PUT",
        "tenants/three/dataset",
        Some(&json!({"dataset": null})),
    );
    assert_eq!(
        back["access_tokens"], tenants[0]["access_tokens"],
        "back to --dataset"
    );
}

#[test]
fn the_dashboard_page_is_served_whole_and_its_data_stays_protected() {
    let page = shared_app().request("GET", "/__admin/ui", &[], b"");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'self'"));
    let html = String::from_utf8(page.body).unwrap();
    for part in [
        "id=\"tokens\"",
        "id=\"journal\"",
        "id=\"reset\"",
        "/__admin/",
    ] {
        assert!(html.contains(part), "{part}");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing from outside"
    );

    let guarded = spawn_with(Config {
        admin_secret: Some(AdminSecret::from("open-sesame")),
        ..Config::default()
    });
    assert_eq!(guarded.request("GET", "/__admin/ui", &[], b"").status, 200);
    let (status, _) = guarded.admin("GET", "tenants", None);
    assert_eq!(status, 403, "the page's data needs the secret");
}
