//! Snapshots in the database: concurrent saves of one name, and restores
//! that are kept as a whole.

use super::{code, start, StateDir, API};
use serde_json::json;

#[test]
fn concurrent_saves_of_one_name_end_with_one_complete_snapshot() {
    let dir = StateDir::new("snapshot-race");
    let running = start(&dir.0, &[]);
    let token = running.login("acme");
    for i in 0..20 {
        running.call(
            "POST",
            &format!("{API}/access_tokens/create"),
            &json!({"token": token, "authentication_code": format!("SNAP-{i}")}),
        );
    }
    let port = running.port;
    let saves: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                super::call(
                    port,
                    "POST",
                    "/__admin/tenants/acme/snapshots/base",
                    &json!({}),
                )
            })
        })
        .collect();
    for save in saves {
        let reply = save.join().unwrap().expect("a reply");
        assert_eq!(code(&reply), "OK", "{reply}");
    }
    let listed = running.call("GET", "/__admin/tenants/acme/snapshots", &json!({}));
    let listed = listed["data"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let tokens = listed[0]["access_tokens"].as_u64().unwrap();
    // Changed after the save, killed without a clean stop: the restore of
    // the kept snapshot gives back the state of the save, whole.
    running.call(
        "POST",
        &format!("{API}/access_tokens/create"),
        &json!({"token": token, "authentication_code": "AFTER-SNAPSHOT"}),
    );
    let exit = running.signal("KILL");
    assert!(!exit.success());

    let again = start(&dir.0, &[]);
    let restored = again.call(
        "POST",
        "/__admin/tenants/acme/snapshots/base/restore",
        &json!({}),
    );
    assert_eq!(code(&restored), "OK", "{restored}");
    assert_eq!(restored["data"]["access_tokens"].as_u64(), Some(tokens));
    assert_ne!(code(&again.show(&token, "AFTER-SNAPSHOT")), "OK");
    for i in 0..20 {
        assert_eq!(code(&again.show(&token, &format!("SNAP-{i}"))), "OK");
    }
    // The acknowledged restore is kept as a whole across another crash.
    let exit = again.signal("KILL");
    assert!(!exit.success());
    let third = start(&dir.0, &[]);
    assert_ne!(code(&third.show(&token, "AFTER-SNAPSHOT")), "OK");
    assert_eq!(code(&third.show(&token, "SNAP-19")), "OK");
    let deleted = third.call("DELETE", "/__admin/tenants/acme/snapshots/base", &json!({}));
    assert_eq!(code(&deleted), "OK", "{deleted}");
    third.stop();
    let fourth = start(&dir.0, &[]);
    let listed = fourth.call("GET", "/__admin/tenants/acme/snapshots", &json!({}));
    assert_eq!(
        listed["data"],
        json!([]),
        "a deleted snapshot stays deleted"
    );
    fourth.stop();
}
