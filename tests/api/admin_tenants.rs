//! The admin API's tenant routes: health, list, reset, delete, state export
//! and import, snapshots; and the admin API's own routing and access rule.

use crate::helpers::{assert_error, code, shared_app, spawn_app, spawn_with, unique_org, Org};
use crmcom_emulator::codes;
use crmcom_emulator::Config;
use serde_json::{json, Value};

fn numbers(org: &Org) -> Vec<String> {
    org.numbers("list", "accounts_receivable_identifier=number=ACR000783")
}

fn create_for_ar(org: &Org, authentication_code: &str) {
    org.ok(
        "create",
        json!({"authentication_code": authentication_code,
               "accounts_receivable_identifier": {"number": "ACR000783"}}),
    );
}

#[test]
fn health_reports_readiness_version_release_and_tenants() {
    let app = spawn_app();
    let health = app.admin_ok("GET", "health", None);
    assert_eq!(health["ready"], true);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["release"], "R17.10");
    assert_eq!(health["tenants"], 0);
    app.login("one");
    app.login("two");
    assert_eq!(app.admin_ok("GET", "health", None)["tenants"], 2);
}

#[test]
fn the_tenant_list_counts_each_tenants_tokens_and_sessions() {
    let app = spawn_app();
    let token = app.login("Listed");
    app.login("listed");
    app.post(
        "access_tokens/create",
        &json!({"token": token, "authentication_code": "L1"}),
    );
    let list = app.admin_ok("GET", "tenants", None);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["organisation"], "Listed");
    assert_eq!(list[0]["access_tokens"], 12);
    assert_eq!(list[0]["sessions"], 2);
    assert_eq!(list[0]["own_clock"], false);
}

#[test]
fn a_tenant_reset_restores_the_fixtures_and_leaves_other_tenants_untouched() {
    let a = Org::new("reset-a");
    let b = Org::new("reset-b");
    create_for_ar(&a, "RESET-A");
    create_for_ar(&b, "RESET-B");
    let before_b = numbers(&b);
    assert_eq!(numbers(&a).len(), 2);
    a.app
        .admin_ok("POST", &format!("tenants/{}/reset", a.name), None);
    // The same login token still works, on the fixture data.
    assert_eq!(numbers(&a), ["AT0000000758"]);
    assert_error(
        a.app,
        &a.show(code("RESET-A")),
        codes::ACCESS_TOKEN_NOT_FOUND.code,
    );
    assert_eq!(numbers(&b), before_b);
    assert_eq!(b.show(code("RESET-B"))["status"]["code"], "OK");
}

#[test]
fn reset_all_resets_every_tenant_and_a_new_tenant_can_be_reset_before_login() {
    let app = spawn_app();
    let t1 = app.login("r1");
    let t2 = app.login("r2");
    for t in [&t1, &t2] {
        app.post(
            "access_tokens/create",
            &json!({"token": t, "authentication_code": "X"}),
        );
    }
    assert_eq!(app.admin_ok("POST", "reset", None)["reset"], 2);
    for t in [&t1, &t2] {
        let (_, reply) = app.post(
            "access_tokens/show",
            &json!({"token": t, "access_token_identifier": code("X")}),
        );
        assert_error(&app, &reply, codes::ACCESS_TOKEN_NOT_FOUND.code);
    }
    app.admin_ok("POST", "tenants/brand-new/reset", None);
    assert_eq!(app.admin_ok("GET", "health", None)["tenants"], 3);
}

#[test]
fn deleting_a_tenant_ends_its_sessions() {
    let org = Org::new("deleted");
    org.app
        .admin_ok("DELETE", &format!("tenants/{}", org.name), None);
    assert_error(org.app, &org.show(code("7")), codes::INVALID_TOKEN.code);
    let (status, reply) = org
        .app
        .admin("DELETE", &format!("tenants/{}", org.name), None);
    assert_eq!(status, 404);
    assert_eq!(reply["status"]["code"], codes::ADMIN_NOT_FOUND.code);
}

#[test]
fn an_export_holds_every_entity_and_pass_codes_only_as_hashes() {
    let org = Org::new("export");
    org.ok(
        "create",
        json!({"identifier": "exported", "pass_code": "S3cret-PC-991"}),
    );
    let state = org
        .app
        .admin_ok("GET", &format!("tenants/{}/state", org.name), None);
    let text = state.to_string();
    assert!(!text.contains("S3cret-PC-991"));
    assert!(text.contains("sha256$"));
    assert_eq!(state["format"], 1);
    assert_eq!(state["organisation"], org.name);
    assert_eq!(state["access_tokens"].as_array().unwrap().len(), 12);
    assert_eq!(
        state["reference"]["accounts_receivable"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    assert!(state["reference"].get("users").is_none(), "logins stay out");
}

#[test]
fn an_import_replaces_the_state_and_a_broken_one_changes_nothing() {
    let source = Org::new("import-src");
    source.ok(
        "create",
        json!({"identifier": "moved", "pass_code": "pc-moved", "authentication_code": "MOVED"}),
    );
    let path = |org: &Org| format!("tenants/{}/state", org.name);
    let state = source.app.admin_ok("GET", &path(&source), None);
    let target = Org::new("import-dst");
    let imported = target.app.admin_ok("PUT", &path(&target), Some(&state));
    assert_eq!(imported["access_tokens"], 12);
    // The pass code still checks out after the trip.
    let shown = target.show(json!({"identifier": "moved", "pass_code": "pc-moved"}));
    assert_eq!(shown["data"]["authentication_code"], "MOVED", "{shown}");
    // Numbers continue after the imported ones.
    assert_eq!(target.ok("create", json!({}))["number"], "ACT0000000248");

    let before = target.app.admin_ok("GET", &path(&target), None);
    let mut broken = state.clone();
    broken["access_tokens"][0]["accounts_receivable_id"] = json!("NO-SUCH-AR");
    let mut duplicate = state.clone();
    let first = duplicate["access_tokens"][0].clone();
    duplicate["access_tokens"][1]["authentication_code"] = first["authentication_code"].clone();
    for (doc, needle) in [
        (broken, "NO-SUCH-AR"),
        (duplicate, "authentication_code"),
        (json!({"format": 99}), "body"),
        (json!([1]), "body"),
    ] {
        let (status, reply) = target.app.admin("PUT", &path(&target), Some(&doc));
        assert_eq!(status, 400, "{reply}");
        assert_eq!(reply["status"]["code"], codes::ADMIN_REQUEST.code);
        let description = reply["status"]["description"].as_str().unwrap();
        assert!(description.contains(needle), "{description}");
    }
    assert_eq!(target.app.admin_ok("GET", &path(&target), None), before);
}

#[test]
fn a_snapshot_restores_the_state_it_saved() {
    let org = Org::new("snap");
    let base = format!("tenants/{}/snapshots", org.name);
    create_for_ar(&org, "SNAP-1");
    let saved = org.app.admin_ok("POST", &format!("{base}/demo"), None);
    assert_eq!(saved["name"], "demo");
    assert_eq!(saved["access_tokens"], 12);
    create_for_ar(&org, "SNAP-2");
    org.ok(
        "set_as_not_effective",
        json!({"access_token_identifier": code("SNAP-1")}),
    );
    org.app
        .admin_ok("POST", &format!("{base}/demo/restore"), None);
    assert_eq!(numbers(&org).len(), 2);
    assert_eq!(
        org.show(code("SNAP-1"))["data"]["life_cycle_state"],
        "EFFECTIVE"
    );
    assert_error(
        org.app,
        &org.show(code("SNAP-2")),
        codes::ACCESS_TOKEN_NOT_FOUND.code,
    );

    let list = org.app.admin_ok("GET", &base, None);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "demo");
    // A deleted tenant can be brought back from its snapshot.
    org.app
        .admin_ok("DELETE", &format!("tenants/{}", org.name), None);
    org.app
        .admin_ok("POST", &format!("{base}/demo/restore"), None);
    let token = org.app.login(&org.name);
    let (_, shown) = org.app.post(
        "access_tokens/show",
        &json!({"token": token, "access_token_identifier": code("SNAP-1")}),
    );
    assert_eq!(shown["status"]["code"], "OK");

    org.app.admin_ok("DELETE", &format!("{base}/demo"), None);
    let (status, _) = org.app.admin("POST", &format!("{base}/demo/restore"), None);
    assert_eq!(status, 404);
    let (status, reply) = org.app.admin("POST", &format!("{base}/.hidden"), None);
    assert_eq!(
        (status, reply["status"]["code"].as_str()),
        (400, Some(codes::ADMIN_REQUEST.code))
    );
}

#[test]
fn admin_paths_answer_the_envelope_for_unknown_routes_and_verbs() {
    let app = shared_app();
    let (status, reply) = app.admin("GET", "nothing-here", None);
    assert_eq!(status, 404);
    assert_error(app, &reply, codes::METHOD_NOT_SUPPORTED.code);
    let reply = app.request("PATCH", "/__admin/clock", &[], b"");
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, POST"));
    let (status, reply) = app.admin("POST", "faults", Some(&json!({"nope": 1})));
    assert_eq!(status, 400);
    assert_error(app, &reply, codes::ADMIN_REQUEST.code);
    // Admin calls are not CRM.COM calls: they never reach the journal.
    let org = unique_org("not-journaled");
    app.admin_ok("POST", &format!("tenants/{org}/reset"), None);
    let journal = app.admin_ok("GET", &format!("journal?organisation={org}"), None);
    assert_eq!(journal["entries"], json!([]));
}

#[test]
fn admin_paths_take_a_trailing_slash_and_decode_their_values() {
    let app = shared_app();
    let org = unique_org("Slash Co");
    let encoded = org.replace(' ', "%20");
    let reply = app.admin_ok("POST", &format!("tenants/{encoded}/reset/"), None);
    assert_eq!(reply["organisation"], org.as_str());
    let health = app.request("GET", "/__admin/health/", &[], b"");
    assert_eq!(health.status, 200);
    // A fault id that is not a number is a bad request, not an unknown path.
    let (status, reply) = app.admin("DELETE", "faults/not-a-number", None);
    assert_eq!(status, 400, "{reply}");
    assert_error(app, &reply, codes::ADMIN_REQUEST.code);
    assert_eq!(
        reply["status"]["description"],
        "id: a fault id (a number) is expected"
    );
    // A wrong verb names the path as sent, not the route's pattern.
    let wrong = app.request("POST", "/__admin/tenants/acme/release", &[], b"");
    assert_eq!(wrong.status, 405);
    assert_eq!(
        wrong.json()["status"]["description"],
        "/__admin/tenants/acme/release accepts GET or PUT only"
    );
    // The dashboard page answers GET only; other verbs get the envelope.
    let posted = app.request("POST", "/__admin/ui", &[], b"");
    assert_eq!(posted.status, 404);
    assert_eq!(
        posted.json()["status"]["code"],
        codes::METHOD_NOT_SUPPORTED.code
    );
}

#[test]
fn with_an_admin_secret_the_refusal_comes_before_unknown_paths_and_verbs() {
    let app = spawn_with(Config {
        admin_secret: Some("open-sesame".into()),
        ..Config::default()
    });
    for (verb, path) in [
        ("GET", "/__admin/nothing-here"),
        ("PATCH", "/__admin/clock"),
    ] {
        let reply = app.request(verb, path, &[], b"");
        assert_eq!(reply.status, 403, "{verb} {path}");
        assert_eq!(
            reply.json()["status"]["code"],
            codes::ADMIN_FORBIDDEN.code,
            "{verb} {path}"
        );
    }
    let known = [("X-Admin-Secret", "open-sesame")];
    assert_eq!(
        app.request("GET", "/__admin/nothing-here", &known, b"")
            .status,
        404
    );
    assert_eq!(
        app.request("PATCH", "/__admin/clock", &known, b"").status,
        405
    );
}

#[test]
fn with_an_admin_secret_the_admin_api_needs_it() {
    let app = spawn_with(Config {
        admin_secret: Some("open-sesame".into()),
        ..Config::default()
    });
    let (status, reply) = app.admin("GET", "tenants", None);
    assert_eq!(status, 403);
    assert_error(&app, &reply, codes::ADMIN_FORBIDDEN.code);
    let wrong = app.request(
        "GET",
        "/__admin/tenants",
        &[("X-Admin-Secret", "open")],
        b"",
    );
    assert_eq!(wrong.status, 403);
    for header in [
        ("X-Admin-Secret", "open-sesame"),
        ("Authorization", "Bearer open-sesame"),
    ] {
        let reply = app.request("GET", "/__admin/tenants", &[header], b"");
        assert_eq!(reply.status, 200, "{header:?}");
        assert!(reply.json()["data"].is_array(), "{header:?}");
    }
    // Open, it reads no body: one it could not even decode is not looked
    // at (a stranger's 64 MiB or gzip bomb is never read).
    let unread = app.request(
        "GET",
        "/__admin/health",
        &[
            ("Content-Encoding", "br"),
            ("Content-Type", "application/json"),
        ],
        &[0xff; 4096],
    );
    assert_eq!(unread.status, 200);
    // The health check alone answers without it, as a container's
    // HEALTHCHECK and an orchestrator's probe ask (counts only).
    for headers in [&[][..], &[("X-Admin-Secret", "open")][..]] {
        let reply = app.request("GET", "/__admin/health", headers, b"");
        assert_eq!(reply.status, 200, "{headers:?}");
        assert_eq!(reply.json()["data"]["ready"], true);
    }
    // The CRM.COM methods do not need it.
    let login = app.login("x");
    assert!(!login.is_empty());
}

#[test]
fn an_exported_state_renders_the_same_replies_after_import() {
    let app = spawn_app();
    let token = app.login("render-a");
    let state: Value = app.admin_ok("GET", "tenants/render-a/state", None);
    app.admin_ok("PUT", "tenants/render-b/state", Some(&state));
    let other = app.login("render-b");
    let show = |t: &str| {
        app.post(
            "access_tokens/show",
            &json!({"token": t, "access_token_identifier": code("7")}),
        )
        .1
    };
    assert_eq!(show(&token), show(&other));
}
