//! What a restart on the same state directory gives back.

use super::{code, start, StateDir, API};
use serde_json::json;

#[test]
fn tenants_tokens_sessions_snapshots_and_settings_survive_a_restart() {
    let dir = StateDir::new("restart");
    let first = start(&dir.0, &[]);
    let token = first.login("Demo Co");
    let created = first.call(
        "POST",
        &format!("{API}/access_tokens/create"),
        &json!({"token": token, "authentication_code": "KEPT", "identifier": "kept", "pass_code": "kept-pc"}),
    );
    assert_eq!(code(&created), "OK", "{created}");
    let saved = first.call(
        "POST",
        "/__admin/tenants/Demo%20Co/snapshots/before-demo",
        &json!({}),
    );
    assert_eq!(code(&saved), "OK", "{saved}");
    first.call(
        "POST",
        &format!("{API}/access_tokens/create"),
        &json!({"token": token, "authentication_code": "AFTER"}),
    );
    let release = first.call(
        "PUT",
        "/__admin/tenants/legacy/release",
        &json!({"release": "R8"}),
    );
    assert_eq!(code(&release), "OK", "{release}");
    // Its own organisation: moving a tenant's clock years on would expire
    // the sessions of that tenant.
    let clock = first.call(
        "POST",
        "/__admin/clock",
        &json!({"organisation": "Clocked", "freeze": true, "set": "2030-01-02T03:04:05"}),
    );
    assert_eq!(code(&clock), "OK", "{clock}");
    let seeded = first.call(
        "PUT",
        "/__admin/tenants/shop/dataset",
        &json!({"dataset": "small", "seed": 7}),
    );
    assert_eq!(code(&seeded), "OK", "{seeded}");
    first.stop();

    let second = start(&dir.0, &[]);
    // The login token of before the restart still works: sessions and
    // their signing key are kept.
    for code_ in ["KEPT", "AFTER"] {
        assert_eq!(code(&second.show(&token, code_)), "OK", "{code_}");
    }
    let by_pass = second.call(
        "POST",
        &format!("{API}/access_tokens/show"),
        &json!({"token": token, "access_token_identifier": {"identifier": "kept", "pass_code": "kept-pc"}}),
    );
    assert_eq!(by_pass["data"]["authentication_code"], "KEPT", "{by_pass}");
    let tenants = second.call("GET", "/__admin/tenants", &json!({}));
    let clocked = tenants["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["organisation"] == "Clocked")
        .unwrap_or_else(|| panic!("{tenants}"));
    assert_eq!(clocked["own_clock"], true, "{clocked}");
    let clock = second.call("GET", "/__admin/clock?organisation=Clocked", &json!({}));
    assert_eq!(clock["data"]["now"], "2030-01-02T03:04:05", "{clock}");
    assert_eq!(clock["data"]["frozen"], true, "{clock}");
    let legacy = second.call("GET", "/__admin/tenants/legacy/release", &json!({}));
    assert_eq!(legacy["data"]["release"], "R8", "{legacy}");
    let shop_reset = second.call("POST", "/__admin/tenants/shop/reset", &json!({}));
    assert_eq!(code(&shop_reset), "OK", "{shop_reset}");
    let shop = second.call("GET", "/__admin/tenants", &json!({}));
    let shop = shop["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["organisation"] == "shop")
        .cloned()
        .unwrap();
    assert!(
        shop["accounts_receivable"].as_u64().unwrap() > 6,
        "a reset goes back to the kept dataset: {shop}"
    );
    let restored = second.call(
        "POST",
        "/__admin/tenants/demo%20co/snapshots/before-demo/restore",
        &json!({}),
    );
    assert_eq!(code(&restored), "OK", "{restored}");
    assert_eq!(
        code(&second.show(&token, "AFTER")),
        crmcom_emulator::codes::ACCESS_TOKEN_NOT_FOUND.code
    );
    second.stop();

    // Pass codes are kept only as salted hashes.
    for entry in std::fs::read_dir(&dir.0).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(7).any(|w| w == b"kept-pc"));
    }
}

#[test]
fn the_state_dir_holds_one_private_database() {
    use std::os::unix::fs::PermissionsExt;
    let dir = StateDir::new("private");
    let running = start(&dir.0, &[]);
    let token = running.login("acme");
    assert_eq!(
        code(&running.show(&token, "CCD4537CA4AD4EE8912FFBAE53110601")),
        "OK"
    );
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.0), 0o700);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir.0).unwrap() {
        let entry = entry.unwrap();
        names.push(entry.file_name().to_string_lossy().into_owned());
        assert_eq!(mode(&entry.path()), 0o600, "{:?}", entry.path());
    }
    names.sort();
    assert_eq!(
        names,
        [
            "crmcom-emulator.sqlite3",
            "crmcom-emulator.sqlite3-shm",
            "crmcom-emulator.sqlite3-wal"
        ]
    );
    running.stop();
    // A clean stop folds the write-ahead log into the one file.
    assert!(
        std::fs::metadata(dir.0.join("crmcom-emulator.sqlite3-wal")).map_or(true, |m| m.len() == 0)
    );
}

#[test]
fn organisation_names_are_data_not_file_names() {
    let dir = StateDir::new("names");
    let running = start(&dir.0, &[]);
    let long_ascii = "L".repeat(245);
    let long_cjk = "漢".repeat(27);
    let mut names = vec![
        long_ascii,
        long_cjk,
        "../../etc".to_string(),
        "a/b\\c".to_string(),
    ];
    names.extend((0..20).map(|i| format!("org {i}")));
    let mut tokens = Vec::new();
    for name in &names {
        let token = running.login(name);
        let created = running.call(
            "POST",
            &format!("{API}/access_tokens/create"),
            &json!({"token": token, "authentication_code": "NAMED"}),
        );
        assert_eq!(code(&created), "OK", "{name}: {created}");
        tokens.push(token);
    }
    running.stop();
    let again = start(&dir.0, &[]);
    for (name, token) in names.iter().zip(&tokens) {
        assert_eq!(code(&again.show(token, "NAMED")), "OK", "{name}");
    }
    again.stop();
}

#[test]
fn the_files_of_an_older_version_are_imported_once() {
    let dir = StateDir::new("legacy");
    std::fs::create_dir_all(dir.0.join("tenants")).unwrap();
    // What version 0.1 wrote for a tenant: its whole state as JSON.
    let app = crate::helpers::spawn_app();
    let token = app.login("old co");
    app.post(
        "access_tokens/create",
        &json!({"token": token, "authentication_code": "FROM-FILES"}),
    );
    let exported = app.admin_ok("GET", "tenants/old%20co/state", None);
    std::fs::write(dir.0.join("tenants/old%20co.json"), exported.to_string()).unwrap();

    let running = start(&dir.0, &[]);
    let token = running.login("old co");
    assert_eq!(code(&running.show(&token, "FROM-FILES")), "OK");
    running.stop();
    assert!(
        dir.0.join("tenants/old%20co.json").exists(),
        "the files are left as they were"
    );
    // The database has it now; the files are not read again.
    std::fs::remove_dir_all(dir.0.join("tenants")).unwrap();
    let again = start(&dir.0, &[]);
    assert_eq!(code(&again.show(&token, "FROM-FILES")), "OK");
    again.stop();
}

#[test]
fn the_outbox_and_wallet_balances_survive_a_restart() {
    let dir = StateDir::new("consumer");
    let first = start(&dir.0, &[]);
    let token = first.login("shop");
    let created = first.call(
        "POST",
        &format!("{API}/access_tokens/create"),
        &json!({"token": token, "identifier": "kept@example.com", "pass_code": "p-1",
                "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
    );
    assert_eq!(code(&created), "OK", "{created}");
    let forgot = first.call(
        "POST",
        &format!("{API}/access_tokens/forgot_pass_code"),
        &json!({"token": token, "identifier": "kept@example.com"}),
    );
    assert_eq!(code(&forgot), "OK", "{forgot}");
    let set = first.call(
        "PUT",
        "/__admin/tenants/shop/wallets/W0000000026/balance",
        &json!({"balance": 42}),
    );
    assert_eq!(code(&set), "OK", "{set}");
    let before = first.call("GET", "/__admin/tenants/shop/outbox", &json!({}));
    first.stop();

    let second = start(&dir.0, &[]);
    let after = second.call("GET", "/__admin/tenants/shop/outbox", &json!({}));
    assert_eq!(after["data"], before["data"]);
    assert_eq!(after["data"]["total"], 2, "{after}");
    let balance = second.call(
        "POST",
        &format!("{API}/wallets/get_balance"),
        &json!({"token": token, "wallet_identifier": {"number": "W0000000026"}}),
    );
    assert_eq!(balance["data"]["balance"], 42.0, "{balance}");
    // The next message is numbered after the kept ones.
    let again = second.call(
        "POST",
        &format!("{API}/access_tokens/forgot_pass_code"),
        &json!({"token": token, "identifier": "kept@example.com"}),
    );
    assert_eq!(code(&again), "OK", "{again}");
    let outbox = second.call("GET", "/__admin/tenants/shop/outbox?limit=1", &json!({}));
    assert_eq!(outbox["data"]["communications"][0]["number"], "CM000682");
    second.stop();
}
