//! `--watch`: a changed `--fixtures` file is checked as at start; a good one
//! moves the organisations that changed nothing at once and the others on
//! their next reset; a bad one keeps the running fixtures and shows in
//! `/__admin/health`.

use crate::helpers::*;
use crmcom_emulator::Config;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const DEFINITION: &str = "access_token_definition.json";

fn definition(requires_verification: bool) -> String {
    json!({
        "allow_without_identifier_and_pass_code": true,
        "requires_verification": requires_verification,
        "generate_pass_code": false
    })
    .to_string()
}

/// Writes a file as an editor would: to a temporary name, then renamed.
fn save(dir: &Path, name: &str, text: &str) {
    let temporary = dir.join(format!(".{name}.swp"));
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, dir.join(name)).unwrap();
}

/// `/__admin/health`'s `fixtures` once `done` holds of it (the watcher
/// settles within a second).
fn reloads_when(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let fixtures = app.admin_ok("GET", "health", None)["fixtures"].clone();
        if done(&fixtures) {
            return fixtures;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no reload: {fixtures}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The life cycle state a token created now in `organisation` starts in.
fn created_state(app: &TestApp, token: &str, code: &str) -> Value {
    let (_, reply) = app.post(
        "access_tokens/create",
        &json!({"token": token, "authentication_code": code}),
    );
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    reply["data"]["life_cycle_state"].clone()
}

fn login_as(app: &TestApp, username: &str, password: &str) -> Value {
    app.post(
        "authentication/token",
        &json!({"username": username, "password": password, "organisation": "watch-users"}),
    )
    .1
}

#[test]
fn a_changed_fixture_file_moves_unchanged_organisations_now_and_others_on_reset() {
    let dir = std::env::temp_dir().join(format!("crmcom-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    save(&dir, DEFINITION, &definition(false));
    let app = spawn_with(Config {
        fixtures: Some(dir.clone()),
        watch: true,
        ..Config::default()
    });
    assert_eq!(reloads_when(&app, |_| true)["loaded"], 0);
    // "quiet" only logs in; "busy" creates a token.
    let quiet = app.login("quiet");
    let busy = app.login("busy");
    assert_eq!(created_state(&app, &busy, "BUSY-1"), "EFFECTIVE");

    save(&dir, DEFINITION, &definition(true));
    let done = reloads_when(&app, |f| f["loaded"] == 1);
    assert_eq!(
        (done["moved"].clone(), done["waiting"].clone()),
        (json!(1), json!(1)),
        "{done}"
    );
    assert!(done["error"].is_null(), "{done}");
    // The unchanged organisation follows the new file at once; the
    // changed one keeps its data (its token is still there) until reset.
    assert_eq!(
        created_state(&app, &quiet, "QUIET-1"),
        "PENDING_VERIFICATION"
    );
    assert_eq!(created_state(&app, &busy, "BUSY-2"), "EFFECTIVE");
    app.admin_ok("POST", "tenants/busy/reset", None);
    assert_eq!(created_state(&app, &busy, "BUSY-3"), "PENDING_VERIFICATION");
    // A new organisation starts from the new file.
    let new = app.login("new-after-reload");
    assert_eq!(created_state(&app, &new, "NEW-1"), "PENDING_VERIFICATION");
    // Reading the files is no change: a reload does not set off another.
    std::thread::sleep(Duration::from_millis(800));
    let after = app.admin_ok("GET", "health", None)["fixtures"].clone();
    assert_eq!(after["loaded"], 1, "{after}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_fixture_file_keeps_the_running_fixtures_and_shows_in_health() {
    let dir = std::env::temp_dir().join(format!("crmcom-watch-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let users: Value = serde_json::from_str(include_str!("../../fixtures/users.json")).unwrap();
    save(&dir, "users.json", &users.to_string());
    let app = spawn_with(Config {
        fixtures: Some(dir.clone()),
        watch: true,
        ..Config::default()
    });
    let mut with_new_user = users.clone();
    with_new_user.as_array_mut().unwrap().push(json!({
        "id": "WATCHED", "username": "watched", "person_name": "Watched",
        "email": "watched@example.com", "password": "5678",
        "default_unit_id": "48305F8849E3C18B227C5BE3A27BA6DF"
    }));
    save(&dir, "users.json", &with_new_user.to_string());
    reloads_when(&app, |f| f["loaded"] == 1);
    assert_eq!(login_as(&app, "watched", "5678")["status"]["code"], "OK");

    // Not JSON, then JSON that breaks a reference: each is refused, named,
    // and the running fixtures (with the new user) stay.
    for (broken, says) in [
        ("[{\"id\": ".to_string(), "users.json"),
        (
            json!([{"id": "X", "username": "x", "person_name": "X", "email": "x@example.com",
                    "password": "1", "default_unit_id": "NO-SUCH-UNIT"}])
            .to_string(),
            "NO-SUCH-UNIT",
        ),
    ] {
        save(&dir, "users.json", &broken);
        let failed = reloads_when(&app, |f| {
            f["error"].as_str().is_some_and(|e| e.contains(says))
        });
        assert_eq!(failed["loaded"], 1, "{failed}");
        assert_eq!(login_as(&app, "watched", "5678")["status"]["code"], "OK");
        assert_eq!(
            login_as(&app, "x", "1")["status"]["code"],
            "COM.CRM.EXCEPTION.AUTHENTICATION.INVALIDCREDENTIALSEXCEPTION"
        );
    }
    // Mended, it loads, and the error is gone.
    save(&dir, "users.json", &users.to_string());
    let mended = reloads_when(&app, |f| f["loaded"] == 2);
    assert!(mended["error"].is_null(), "{mended}");
    assert_ne!(login_as(&app, "watched", "5678")["status"]["code"], "OK");
    std::fs::remove_dir_all(&dir).unwrap();
}
