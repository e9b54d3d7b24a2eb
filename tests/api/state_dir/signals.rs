//! Every way of stopping keeps what was acknowledged, and exits 0.

use super::{code, start, StateDir, API};
use serde_json::json;
use std::time::{Duration, Instant};

#[test]
fn sigterm_sigint_sighup_and_sigquit_each_keep_the_state_and_exit_0() {
    for signal in ["TERM", "INT", "HUP", "QUIT"] {
        let dir = StateDir::new(&format!("signal-{signal}"));
        let running = start(&dir.0, &[]);
        let token = running.login("acme");
        let created = running.call(
            "POST",
            &format!("{API}/access_tokens/create"),
            &json!({"token": token, "authentication_code": format!("BY-{signal}")}),
        );
        assert_eq!(code(&created), "OK", "{created}");
        let exit = running.signal(signal);
        assert_eq!(exit.code(), Some(0), "SIG{signal}: {exit:?}");
        let again = start(&dir.0, &[]);
        assert_eq!(
            code(&again.show(&token, &format!("BY-{signal}"))),
            "OK",
            "SIG{signal}"
        );
        again.stop();
    }
}

/// SIGTERM while a reply is in flight: the reply completes, then the
/// process exits 0 with the state kept.
#[test]
fn sigterm_lets_the_reply_in_flight_finish() {
    let dir = StateDir::new("in-flight");
    let running = start(&dir.0, &[]);
    let port = running.port;
    let token = running.login("Shutdown Co");
    let fault = running.call(
        "POST",
        "/__admin/faults",
        &json!({"method": "access_tokens/create", "latency_ms": 1500}),
    );
    assert_eq!(code(&fault), "OK", "{fault}");
    let in_flight = std::thread::spawn({
        let token = token.clone();
        move || {
            let started = Instant::now();
            let reply = super::call(
                port,
                "POST",
                &format!("{API}/access_tokens/create"),
                &json!({"token": token, "authentication_code": "IN-FLIGHT"}),
            );
            (reply, started.elapsed())
        }
    });
    std::thread::sleep(Duration::from_millis(400));
    running.stop();
    let (reply, took) = in_flight.join().unwrap();
    let reply = reply.expect("the reply in flight is sent");
    assert_eq!(code(&reply), "OK", "{reply}");
    assert!(took >= Duration::from_millis(1400), "{took:?}");
    let again = start(&dir.0, &[]);
    assert_eq!(code(&again.show(&token, "IN-FLIGHT")), "OK");
    again.stop();
}
