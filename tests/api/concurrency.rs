//! Concurrent writes to one tenant: numbers stay unique and gapless, a
//! duplicate code wins once, a pending token is verified once, and no update
//! is lost. Each client keeps one connection open.

use crate::helpers::{shared_app, spawn_app, unique_org, Client, TestApp};
use crmcom_emulator::codes;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Runs `clients` threads, each with its own connection; returns their results.
fn in_parallel<T: Send>(
    app: &TestApp,
    clients: usize,
    work: impl Fn(usize, &mut Client) -> T + Sync,
) -> Vec<T> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let work = &work;
                scope.spawn(move || work(c, &mut Client::connect(app)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Exactly one reply is OK; every other one is the `losers` error.
fn assert_one_winner(replies: &[Value], losers: &str) {
    let codes: Vec<&str> = replies
        .iter()
        .map(|r| r["status"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == "OK").count(), 1, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == losers).count(),
        replies.len() - 1,
        "{codes:?}"
    );
}

#[test]
fn concurrent_creates_get_unique_gapless_numbers_and_the_list_matches() {
    const CLIENTS: usize = 64;
    const EACH: usize = 500;
    // Its own emulator: listing 32,000 tokens holds a worker for seconds in
    // a debug build, and requests of other tests queued behind it would
    // meet the 5 s header timeout.
    let app = &spawn_app();
    let token = app.login(&unique_org("many-creates"));
    let list = |token: &str| {
        let (_, reply) = app.get(
            "access_tokens/list",
            &format!(
                "token={token}&accounts_receivable_identifier=number=ACR000783&fields_set=number"
            ),
        );
        let numbers: Vec<String> = reply["data"]
            .as_array()
            .unwrap_or_else(|| panic!("{reply}"))
            .iter()
            .map(|t| t["number"].as_str().unwrap().to_string())
            .collect();
        numbers
    };
    let before: BTreeSet<String> = list(&token).into_iter().collect();

    let numbers: Vec<Vec<String>> = in_parallel(app, CLIENTS, |c, client| {
        (0..EACH)
            .map(|i| {
                let (_, reply) = client.post(
                    "access_tokens/create",
                    &json!({
                        "token": token,
                        "identifier": format!("client{c}-{i}"),
                        "pass_code": "p",
                        "accounts_receivable_identifier": {"number": "ACR000783"},
                        "fields_set": "number"
                    }),
                );
                assert_eq!(reply["status"]["code"], "OK", "{reply}");
                reply["data"]["number"].as_str().unwrap().to_string()
            })
            .collect()
    });
    let created: BTreeSet<String> = numbers.into_iter().flatten().collect();
    assert_eq!(created.len(), CLIENTS * EACH, "numbers are unique");
    let expected: BTreeSet<String> = (247..247 + CLIENTS * EACH)
        .map(|n| format!("ACT{n:010}"))
        .collect();
    assert_eq!(created, expected, "numbers continue without gaps");

    let after = list(&token);
    assert_eq!(after.len(), before.len() + CLIENTS * EACH, "no duplicates");
    let after: BTreeSet<String> = after.into_iter().collect();
    let wanted: BTreeSet<String> = before.union(&created).cloned().collect();
    assert_eq!(after, wanted);
}

#[test]
fn of_concurrent_creates_with_one_authentication_code_exactly_one_wins() {
    let app = shared_app();
    let token = app.login(&unique_org("same-code"));
    let replies = in_parallel(app, 64, |_, client| {
        client
            .post(
                "access_tokens/create",
                &json!({"token": token, "authentication_code": "RACE-1"}),
            )
            .1
    });
    assert_one_winner(&replies, codes::DUPLICATE_ACCESS_TOKEN.code);
}

#[test]
fn of_concurrent_verifies_of_one_pending_token_exactly_one_succeeds() {
    let app = shared_app();
    let token = app.login(&unique_org("verify-race"));
    let (_, created) = app.post(
        "access_tokens/create",
        &json!({"token": token, "authentication_code": "PENDING-1",
            "classification_identifier": {"alternative_code": "VERIFIED"}}),
    );
    assert_eq!(created["data"]["life_cycle_state"], "PENDING_VERIFICATION");
    let code = created["data"]["verification_code"].clone();
    let replies = in_parallel(app, 16, |_, client| {
        client
            .post(
                "access_tokens/verify",
                &json!({"token": token, "access_token_identifier": {"authentication_code": "PENDING-1"},
                    "verification_code": code}),
            )
            .1
    });
    assert_one_winner(&replies, codes::INVALID_LIFE_CYCLE_STATE.code);
}

#[test]
fn concurrent_updates_of_different_udf_fields_lose_nothing() {
    const ROUNDS: usize = 50;
    let app = shared_app();
    let token = app.login(&unique_org("udf-race"));
    app.post(
        "access_tokens/create",
        &json!({"token": token, "authentication_code": "UDF-1"}),
    );
    in_parallel(app, 8, |c, client| {
        for i in 0..ROUNDS {
            let (_, reply) = client.post(
                "access_tokens/update",
                &json!({"token": token, "access_token_identifier": {"authentication_code": "UDF-1"},
                    format!("udf_string_{}", c + 1): format!("client{c}-{i}")}),
            );
            assert_eq!(reply["status"]["code"], "OK", "{reply}");
        }
    });
    let (_, reply) = app.post(
        "access_tokens/show",
        &json!({"token": token, "access_token_identifier": {"authentication_code": "UDF-1"}}),
    );
    for c in 0..8 {
        assert_eq!(
            reply["data"][format!("udf_string_{}", c + 1)],
            format!("client{c}-{}", ROUNDS - 1),
            "{reply}"
        );
    }
}
