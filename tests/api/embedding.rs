//! The embedding API: `Emulator::builder()`, the handle's controls, and
//! stopping on drop, from plain, actix and tokio tests.

use crate::helpers::request_to;
use crmcom_emulator::Emulator;
use serde_json::{json, Value};

fn post(emulator: &Emulator, method: &str, body: Value) -> Value {
    request_to(
        emulator.port(),
        "POST",
        &format!("/crmapi/rest/v2/access_tokens/{method}"),
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
    .json()
}

fn show(emulator: &Emulator, token: &str, code: &str) -> Value {
    let identifier = json!({"authentication_code": code});
    post(
        emulator,
        "show",
        json!({"token": token, "access_token_identifier": identifier}),
    )
}

fn create(emulator: &Emulator, token: &str, code: &str) -> Value {
    post(
        emulator,
        "create",
        json!({"token": token, "authentication_code": code}),
    )
}

#[test]
fn the_handle_logs_in_resets_moves_the_clock_and_reads_the_journal() {
    let emulator = Emulator::builder()
        .seed(11)
        .token_lifetime(60)
        .journal_size(100)
        .start()
        .unwrap();
    let token = emulator.login("embedded").unwrap();
    assert_eq!(create(&emulator, &token, "EMB")["status"]["code"], "OK");
    assert_eq!(show(&emulator, &token, "EMB")["status"]["code"], "OK");
    let journal = emulator.journal();
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[1].call.method, "access_tokens/show");
    assert_eq!(journal[1].call.organisation.as_deref(), Some("embedded"));
    assert!(!serde_json::to_string(&journal).unwrap().contains(&token));

    emulator.reset();
    assert_eq!(
        show(&emulator, &token, "EMB")["status"]["code"],
        crmcom_emulator::codes::ACCESS_TOKEN_NOT_FOUND.code
    );
    emulator.clock().freeze();
    emulator.clock().advance(61);
    assert_eq!(
        show(&emulator, &token, "7")["status"]["code"],
        crmcom_emulator::codes::TOKEN_EXPIRED.code
    );
    assert!(emulator.login("").is_err());
}

#[test]
fn dropping_the_handle_stops_the_server_and_frees_its_port() {
    let emulator = Emulator::builder().start().unwrap();
    let port = emulator.port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    drop(emulator);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    // The port can be bound again at once.
    std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
}

#[actix_web::test]
async fn it_works_from_an_actix_test() {
    let emulator = Emulator::builder().seed(1).start().unwrap();
    let token = emulator.login("actix").unwrap();
    assert_eq!(show(&emulator, &token, "7")["status"]["code"], "OK");
}

#[tokio::test]
async fn it_works_from_a_tokio_test() {
    let emulator = Emulator::builder().start().unwrap();
    let token = emulator.login("tokio").unwrap();
    assert_eq!(show(&emulator, &token, "7")["status"]["code"], "OK");
}

#[test]
fn the_same_seed_gives_the_same_login_tokens_and_codes() {
    let run = || {
        let emulator = Emulator::builder().seed(99).start().unwrap();
        emulator.clock().freeze();
        emulator.clock().set(
            chrono::NaiveDateTime::parse_from_str("2020-02-02T02:02:02", "%Y-%m-%dT%H:%M:%S")
                .unwrap(),
        );
        let token = emulator.login("same").unwrap();
        let created = create(&emulator, &token, "S")["data"]["id"].clone();
        (token, created)
    };
    assert_eq!(run(), run());
}

#[test]
fn the_builder_takes_a_fixtures_directory() {
    let dir = std::env::temp_dir().join(format!("crmcom-embed-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("access_token_definition.json"),
        r#"{"allow_without_identifier_and_pass_code": true, "requires_verification": true}"#,
    )
    .unwrap();
    let emulator = Emulator::builder().fixtures_dir(&dir).start().unwrap();
    let token = emulator.login("fixtures").unwrap();
    let created = create(&emulator, &token, "NEEDS-VERIFYING");
    assert_eq!(
        created["data"]["life_cycle_state"], "PENDING_VERIFICATION",
        "{created}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
