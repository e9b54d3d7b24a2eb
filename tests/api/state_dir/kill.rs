//! SIGKILL in the middle of concurrent creates, updates and verifies from
//! several clients, at several points, on the same state directory: after
//! each restart every acknowledged change is there, and a change that was
//! in flight is there whole or not at all.

use super::{call, code, start, StateDir, API};
use serde_json::{json, Value};
use std::time::Duration;

const CLIENTS: usize = 6;
/// How long each round's load runs before the kill, in milliseconds.
const KILL_AFTER_MS: [u64; 3] = [150, 600, 1300];

/// What a client did to one token: each step is `None` (not sent),
/// `Some(false)` (sent, no reply: unknown) or `Some(true)` (acknowledged).
#[derive(Debug, Default, Clone)]
struct Token {
    code: String,
    identifier: String,
    updated_identifier: String,
    pending: bool,
    created: Option<bool>,
    verified: Option<bool>,
    updated: Option<bool>,
}

fn post(port: u16, method: &str, body: Value) -> Option<Value> {
    call(port, "POST", &format!("{API}/{method}"), &body)
}

/// One client's stream of changes until the emulator stops answering.
fn client(port: u16, login: String, round: usize, client: usize) -> Vec<Token> {
    let mut tokens = Vec::new();
    for i in 0.. {
        let mut token = Token {
            code: format!("R{round}C{client}N{i}"),
            identifier: format!("r{round}c{client}n{i}@crash.test"),
            updated_identifier: format!("u{round}c{client}n{i}@crash.test"),
            pending: i % 2 == 0,
            ..Token::default()
        };
        let mut body = json!({"token": login, "authentication_code": token.code,
            "identifier": token.identifier, "pass_code": "pc-1234"});
        if token.pending {
            body["classification_identifier"] = json!({"alternative_code": "VERIFIED"});
        }
        token.created = Some(false);
        let Some(created) = post(port, "access_tokens/create", body) else {
            tokens.push(token);
            break;
        };
        assert_eq!(code(&created), "OK", "{created}");
        token.created = Some(true);
        let key = json!({"authentication_code": token.code});
        if token.pending {
            token.verified = Some(false);
            let verified = post(
                port,
                "access_tokens/verify",
                json!({"token": login,
                "access_token_identifier": key, "verification_code": created["data"]["verification_code"]}),
            );
            let Some(verified) = verified else {
                tokens.push(token);
                break;
            };
            assert_eq!(code(&verified), "OK", "{verified}");
            token.verified = Some(true);
        }
        token.updated = Some(false);
        let updated = post(
            port,
            "access_tokens/update",
            json!({"token": login,
            "access_token_identifier": key, "identifier": token.updated_identifier, "pass_code": "pc-5678"}),
        );
        let Some(updated) = updated else {
            tokens.push(token);
            break;
        };
        assert_eq!(code(&updated), "OK", "{updated}");
        token.updated = Some(true);
        tokens.push(token);
    }
    tokens
}

/// Checks one token after the restart; whether an acknowledged change of
/// it was lost (never, or the test fails) is asserted here.
fn check(port: u16, login: &str, token: &Token) -> bool {
    let shown = post(
        port,
        "access_tokens/show",
        json!({"token": login,
        "access_token_identifier": {"authentication_code": token.code}}),
    )
    .expect("a reply");
    if code(&shown) != "OK" {
        assert_ne!(
            token.created,
            Some(true),
            "an acknowledged create was lost: {token:?} {shown}"
        );
        return false;
    }
    let data = &shown["data"];
    let identifier = data["identifier"].as_str().unwrap_or_default();
    match token.updated {
        Some(true) => assert_eq!(identifier, token.updated_identifier, "{token:?}"),
        Some(false) => assert!(
            identifier == token.identifier || identifier == token.updated_identifier,
            "{token:?} {data}"
        ),
        None => assert_eq!(identifier, token.identifier, "{token:?}"),
    }
    let state = data["life_cycle_state"].as_str().unwrap_or_default();
    match (token.pending, token.verified) {
        (false, _) | (true, Some(true)) => assert_eq!(state, "EFFECTIVE", "{token:?}"),
        (true, Some(false)) => assert!(["EFFECTIVE", "PENDING_VERIFICATION"].contains(&state)),
        (true, None) => assert_eq!(state, "PENDING_VERIFICATION", "{token:?}"),
    }
    // The pass code that goes with the identifier found works: the update
    // of both is one change.
    let pass_code = if identifier == token.updated_identifier {
        "pc-5678"
    } else {
        "pc-1234"
    };
    let by_pass = post(
        port,
        "access_tokens/show",
        json!({"token": login,
        "access_token_identifier": {"identifier": identifier, "pass_code": pass_code}}),
    )
    .expect("a reply");
    assert_eq!(
        by_pass["data"]["authentication_code"],
        token.code.as_str(),
        "{token:?} {by_pass}"
    );
    true
}

#[test]
fn sigkill_during_concurrent_writes_loses_nothing_acknowledged() {
    let dir = StateDir::new("kill");
    let mut all: Vec<Token> = Vec::new();
    let mut login = None;
    for (round, kill_after) in KILL_AFTER_MS.into_iter().enumerate() {
        let running = start(&dir.0, &[]);
        let port = running.port;
        // The session of the first round is kept across every kill.
        let login = login
            .get_or_insert_with(|| running.login("Crash Co"))
            .clone();
        // Everything acknowledged before, found after the last kill.
        for token in &all {
            check(port, &login, token);
        }
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let login = login.clone();
                std::thread::spawn(move || client(port, login, round, c))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(kill_after));
        let exit = running.signal("KILL");
        assert!(!exit.success());
        let mut round_tokens = Vec::new();
        for client in clients {
            round_tokens.extend(client.join().unwrap());
        }
        let acknowledged = round_tokens
            .iter()
            .filter(|t| t.created == Some(true))
            .count()
            + round_tokens
                .iter()
                .filter(|t| t.verified == Some(true))
                .count()
            + round_tokens
                .iter()
                .filter(|t| t.updated == Some(true))
                .count();
        let in_flight = round_tokens
            .iter()
            .filter(|t| [t.created, t.verified, t.updated].contains(&Some(false)))
            .count();
        let again = start(&dir.0, &[]);
        let mut found = 0;
        for token in &round_tokens {
            if check(again.port, &login, token) && token.created == Some(true) {
                found += 1;
            }
        }
        let created = round_tokens
            .iter()
            .filter(|t| t.created == Some(true))
            .count();
        eprintln!(
            "kill after {kill_after} ms: {acknowledged} acknowledged changes ({created} creates), \
             {found} created tokens found, 0 lost, {in_flight} in flight at the kill"
        );
        assert_eq!(found, created);
        assert!(created > 0, "the load ran before the kill");
        again.stop();
        all.extend(round_tokens);
    }
}
