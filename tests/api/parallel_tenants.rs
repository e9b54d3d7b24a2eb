//! Eight test threads, each with its own organisation, working one emulator
//! at once without seeing each other.

use crate::helpers::{spawn_app, Client};
use serde_json::json;

#[test]
fn eight_threads_with_their_own_organisations_do_not_interfere() {
    let app = spawn_app();
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let app = &app;
            scope.spawn(move || {
                let org = format!("parallel-{thread}");
                let token = app.login(&org);
                let mut client = Client::connect(app);
                for n in 0..25 {
                    let code = format!("P{thread}-{n}");
                    let (_, created) = client.post(
                        "access_tokens/create",
                        &json!({"token": token, "authentication_code": code,
                                "accounts_receivable_identifier": {"number": "ACR000418"}}),
                    );
                    assert_eq!(created["status"]["code"], "OK", "{created}");
                    // Every tenant numbers its own tokens from the fixtures on.
                    assert_eq!(
                        created["data"]["number"],
                        format!("ACT{:010}", 247 + n),
                        "{org}"
                    );
                    let (_, updated) = client.post(
                        "access_tokens/update",
                        &json!({"token": token, "access_token_identifier": {"authentication_code": code},
                                "udf_string_1": org}),
                    );
                    assert_eq!(updated["data"]["udf_string_1"], org);
                }
                // The pending fixture token verifies once in every tenant.
                let (_, verified) = client.post(
                    "access_tokens/verify",
                    &json!({"token": token, "access_token_identifier": {"authentication_code": "7"},
                            "verification_code": "273562"}),
                );
                let state = &verified["data"]["life_cycle_state"];
                assert_eq!(state, "EFFECTIVE", "{verified}");
                let (_, list) = app.get(
                    "access_tokens/list",
                    &format!("token={token}&accounts_receivable_identifier=number=ACR000418&fields_set=authentication_code,udf_string_1"),
                );
                let tokens = list["data"].as_array().unwrap();
                let mine: Vec<_> = tokens
                    .iter()
                    .filter(|t| t["udf_string_1"].is_string())
                    .collect();
                assert_eq!(mine.len(), 25, "{org}");
                assert!(mine.iter().all(|t| t["udf_string_1"] == org.as_str()));
            });
        }
    });
}
