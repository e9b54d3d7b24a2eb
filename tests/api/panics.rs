//! A handler that panics answers the HTTP 500 envelope, and the emulator
//! keeps serving: the same worker, the same tenant, the same locks.

use crate::helpers::{spawn_app, Client};
use serde_json::json;

#[test]
fn a_panicking_handler_answers_500_and_the_server_keeps_serving() {
    let app = spawn_app();
    let token = app.login("panics");
    let show = json!({"token": token, "access_token_identifier": {"authentication_code": "CCD4537CA4AD4EE8912FFBAE53110601"}});
    // The real reply first, to compare with afterwards.
    let (_, before) = app.post("access_tokens/show", &show);
    assert_eq!(before["status"]["code"], "OK", "{before}");

    app.admin_ok(
        "POST",
        "faults",
        Some(&json!({"method": "access_tokens/show", "panic": true, "count": 10})),
    );
    // Ten panics over fresh connections reach both workers.
    for _ in 0..10 {
        let (status, reply) = app.post("access_tokens/show", &show);
        assert_eq!(status, 500, "{reply}");
        assert_eq!(
            reply["status"]["code"],
            "COM.CRM.EXCEPTION.EMULATOR.INTERNALERROREXCEPTION"
        );
        assert!(reply.get("data").is_none());
        assert!(
            !reply.to_string().contains("fault rule"),
            "no panic text: {reply}"
        );
    }
    // Still serving, with the tenant's locks free: a write and reads.
    let mut client = Client::connect(&app);
    for _ in 0..20 {
        let (status, reply) = client.post("access_tokens/show", &show);
        assert_eq!((status, &reply), (200, &before));
    }
    let (_, created) = app.post(
        "access_tokens/create",
        &json!({"token": token, "authentication_code": "AFTER-PANIC"}),
    );
    assert_eq!(created["status"]["code"], "OK", "{created}");
    let journal = app.admin_ok("GET", "journal?status=500", None);
    assert_eq!(
        journal["entries"].as_array().map(Vec::len),
        Some(10),
        "{journal}"
    );
}

#[test]
fn a_panic_fault_cannot_be_combined_with_a_reply() {
    let app = spawn_app();
    let (status, reply) = app.admin(
        "POST",
        "faults",
        Some(&json!({"panic": true, "http_status": 503})),
    );
    assert_eq!(status, 400, "{reply}");
}
