//! Transport-level failures answer the same JSON envelope: unknown paths
//! (404), wrong verbs (405), oversize bodies (413), bad content types.

use crate::helpers::{assert_error, shared_app};
use crmcom_emulator::codes;

#[test]
fn unknown_and_case_changed_paths_answer_404_with_the_envelope() {
    let app = shared_app();
    for path in [
        "/",
        "/crmapi/rest/v2/access_tokens/delete",
        "/crmapi/rest/v2/ACCESS_TOKENS/show",
        "/crmapi/rest/v1/access_tokens/show",
        "/favicon.ico",
    ] {
        let reply = app.request("POST", path, &[("Content-Type", "application/json")], b"{}");
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_error(app, &reply.json(), codes::METHOD_NOT_SUPPORTED.code);
    }
}

#[test]
fn a_wrong_verb_answers_405_with_the_envelope_and_allow() {
    let app = shared_app();
    for (method, path, allow) in [
        ("GET", "/crmapi/rest/v2/access_tokens/show", "POST"),
        ("DELETE", "/crmapi/rest/v2/access_tokens/show", "POST"),
        ("POST", "/crmapi/rest/v2/access_tokens/list", "GET"),
        (
            "PUT",
            "/crmapi/rest/v2/access_tokens/get_not_associated/",
            "GET",
        ),
    ] {
        let reply = app.request(method, path, &[], b"");
        assert_eq!(reply.status, 405, "{method} {path}");
        assert_eq!(reply.header("allow"), Some(allow));
        assert_error(app, &reply.json(), codes::METHOD_NOT_SUPPORTED.code);
    }
}

#[test]
fn an_oversize_body_answers_413_with_the_envelope() {
    let app = shared_app();
    let body = format!("{{\"token\":\"{}\"}}", "x".repeat(1024 * 1024 + 1));
    let reply = app.request(
        "POST",
        "/crmapi/rest/v2/access_tokens/show",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(reply.status, 413);
    assert_error(app, &reply.json(), codes::PAYLOAD_TOO_LARGE.code);
}

#[test]
fn a_non_json_content_type_or_empty_body_is_an_invalid_request() {
    let app = shared_app();
    for (content_type, body) in [
        (Some("application/x-www-form-urlencoded"), &b"token=x"[..]),
        (Some("text/xml"), b"{}"),
        (Some("multipart/form-data; boundary=x"), b"{}"),
        (Some("application/json"), b""),
        (None, b"   "),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|c| ("Content-Type", c))
            .into_iter()
            .collect();
        let reply = app.request("POST", "/crmapi/rest/v2/access_tokens/show", &headers, body);
        assert_eq!(reply.status, 200);
        assert_error(app, &reply.json(), codes::INVALID_REQUEST.code);
    }
}

#[test]
fn a_trailing_slash_is_tolerated() {
    let app = shared_app();
    let token = app.login("slash");
    let reply = app.request(
        "POST",
        "/crmapi/rest/v2/access_tokens/show/",
        &[("Content-Type", "application/json; charset=utf-8")],
        format!("{{\"token\":\"{token}\",\"access_token_identifier\":{{\"authentication_code\":\"7\"}}}}").as_bytes(),
    );
    assert_eq!(reply.json()["status"]["code"], "OK");
}
