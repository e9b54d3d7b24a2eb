//! The `crmcom-emulator` binary: what it prints, and how it refuses broken
//! fixtures.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::helpers::{stderr_of, Started, BIN};

#[test]
fn the_binary_prints_where_it_listens_then_the_credentials_and_serves() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--seed", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let port: u16 = first
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let rest: Vec<String> = lines.by_ref().take(4).map(Result::unwrap).collect();
    assert_eq!(
        rest[0],
        format!("admin API: http://127.0.0.1:{port}/__admin/health")
    );
    assert_eq!(
        rest[1],
        format!("dashboard: http://127.0.0.1:{port}/__admin/ui")
    );
    assert!(
        rest[2].contains("MPAdministrator") && rest[2].contains("1234"),
        "{rest:?}"
    );
    assert!(
        rest[3].contains("EE73C0AE64524371B5DDEFF5F7BB2192"),
        "{rest:?}"
    );

    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(b"GET /crmapi/rest/v2/access_tokens/list HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.contains("INVALIDTOKENEXCEPTION"), "{reply}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_broken_fixture_stops_the_binary_with_a_message_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("crmcom-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("access_tokens.json"), r#"[{"id": 1}]"#).unwrap();
    let out = Command::new(BIN)
        .args(["--port", "0", "--fixtures"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("access_tokens.json"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing is served");
    std::fs::remove_dir_all(&dir).ok();
}

/// Runs the binary on `--fixtures dir`; answers its exit code and stderr.
fn refused_fixtures(dir: &std::path::Path) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .args(["--port", "0", "--fixtures"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "nothing is served");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_missing_fixtures_directory_or_a_stray_file_in_it_stops_the_binary() {
    let missing = std::path::Path::new("/no/such/dir");
    let (code, stderr) = refused_fixtures(missing);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("/no/such/dir") && stderr.contains("no such"),
        "{stderr}"
    );

    let dir = std::env::temp_dir().join(format!("crmcom-stray-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("unit.json"), "[]").unwrap();
    let (code, stderr) = refused_fixtures(&dir);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("unit.json") && stderr.contains("units.json"),
        "{stderr}"
    );
    let file = dir.join("unit.json");
    let (code, stderr) = refused_fixtures(&file);
    assert_eq!(code, Some(2), "a file is not a directory: {stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_fixture_file_saved_with_a_byte_order_mark_loads() {
    let dir = std::env::temp_dir().join(format!("crmcom-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let units = std::fs::read_to_string("fixtures/units.json").unwrap();
    let renamed = units.replace("Marketing Unit", "BOM Unit");
    std::fs::write(dir.join("units.json"), format!("\u{feff}{renamed}")).unwrap();
    let emulator = crmcom_emulator::Emulator::builder()
        .fixtures_dir(&dir)
        .start()
        .expect("a BOM is accepted");
    let reference = &emulator.state().fixtures().reference;
    assert!(reference.units.iter().any(|u| u.name == "BOM Unit"));
    drop(emulator);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_flag_is_also_an_environment_variable() {
    let mut child = Command::new(BIN)
        .env("CRMCOM_EMULATOR_PORT", "0")
        .env("CRMCOM_EMULATOR_BIND", "127.0.0.1")
        .env("CRMCOM_EMULATOR_TOKEN_LIFETIME", "5")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let first = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let port = first
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap();
    assert_ne!(port, "8080", "CRMCOM_EMULATOR_PORT=0 picks a free port");

    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "bind",
        "port",
        "fixtures",
        "seed",
        "token-lifetime",
        "strict-schemas",
        "max-body-bytes",
        "otp-validity",
        "max-secret-attempts",
        "workers",
        "state-dir",
        "journal-size",
        "admin-secret",
    ] {
        let env = format!("CRMCOM_EMULATOR_{}", flag.to_uppercase().replace('-', "_"));
        assert!(
            help.contains(&format!("--{flag}")),
            "--{flag} missing from --help"
        );
        assert!(help.contains(&env), "{env} missing from --help");
    }
}

/// Runs the binary at `--log level`, makes an admin read, an admin write
/// and a CRM.COM call, stops it; answers its stderr.
fn log_of_a_dashboard_session(level: &str) -> String {
    let mut started = Started::start(&["--port", "0", "--log", level], &[]);
    let port = started.port().expect("started");
    let send = |request: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
    };
    for _ in 0..3 {
        send("GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }
    send("POST /__admin/tenants/logged/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    send("GET /crmapi/rest/v2/access_tokens/list?token=x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    Command::new("kill")
        .args(["-TERM", &started.child.id().to_string()])
        .status()
        .unwrap();
    started.child.wait().unwrap();
    stderr_of(&mut started.child)
}

/// Issue 19, row 25: a dashboard left open does not bury the app's calls.
#[test]
fn admin_reads_are_logged_at_debug_only() {
    let info = log_of_a_dashboard_session("info");
    assert!(
        info.contains("GET /crmapi/rest/v2/access_tokens/list"),
        "{info}"
    );
    assert!(
        info.contains("POST /__admin/tenants/logged/reset"),
        "{info}"
    );
    assert!(!info.contains("/__admin/health"), "{info}");
    let debug = log_of_a_dashboard_session("debug");
    assert_eq!(debug.matches("GET /__admin/health").count(), 3, "{debug}");
}

/// Issue 19, row 16: what actix's HTTP/1 parser refuses before any
/// application code runs cannot carry the envelope; the README lists these
/// exact answers, and this keeps the list true.
#[test]
fn requests_refused_below_the_application_are_the_ones_the_readme_lists() {
    let app = crmcom_emulator::Emulator::builder().start().unwrap();
    let send = |request: Vec<u8>| -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", app.port())).unwrap();
        stream.write_all(&request).unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        String::from_utf8_lossy(&reply).to_string()
    };
    let many: String = (0..97).map(|i| format!("X-H{i}: 1\r\n")).collect();
    for (label, request, status) in [
        ("no Host", b"GET /__admin/health HTTP/1.1\r\n\r\n".to_vec(), "400"),
        (
            "two Host headers",
            b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n\r\n".to_vec(),
            "400",
        ),
        (
            "97 headers",
            format!("GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n").into_bytes(),
            "431",
        ),
        (
            "a 120 KB request line",
            format!("GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "a".repeat(120_000)).into_bytes(),
            "400",
        ),
        (
            // Exactly 128 KiB of an unfinished head: all of it is read, so
            // the reply is not lost to a reset over unread bytes.
            "a request head of 128 KiB",
            {
                let start = "GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ";
                format!("{start}{}", "b".repeat(128 * 1024 - start.len())).into_bytes()
            },
            "431",
        ),
        (
            "an unknown HTTP version",
            b"GET /__admin/health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n".to_vec(),
            "400",
        ),
        (
            "both Content-Length and Transfer-Encoding",
            b"POST /crmapi/rest/v2/authentication/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            "400",
        ),
        (
            "a Content-Length that is not a number",
            b"POST /crmapi/rest/v2/authentication/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n".to_vec(),
            "400",
        ),
    ] {
        let reply = send(request);
        assert!(reply.starts_with(&format!("HTTP/1.1 {status}")), "{label}: {reply}");
        assert!(reply.contains("content-length: 0"), "{label}: {reply}");
    }
    // A request head the parser takes reaches the envelope, however odd.
    let reply = send(b"GET /nothing HTTP/1.0\r\n\r\n".to_vec());
    assert!(
        reply.contains("METHODNOTSUPPORTED") || reply.contains("NOTSUPPORTED"),
        "{reply}"
    );
}

/// Starts the binary with `env` set; answers its port, or its exit code
/// and stderr when it refuses to start. Its stdout is closed after the
/// first line, as `| head -1` would: the emulator must go on serving.
fn start_with_env(
    env: &[(&str, &str)],
) -> Result<(std::process::Child, u16), (Option<i32>, String)> {
    let mut env = env.to_vec();
    env.push(("CRMCOM_EMULATOR_PORT", "0"));
    let started = Started::start(&[], &env);
    // Dropping the reader closes stdout after the first line.
    let port = started.port();
    let mut child = started.child;
    match port {
        Some(port) => Ok((child, port)),
        None => {
            let status = child.wait().unwrap();
            Err((status.code(), stderr_of(&mut child)))
        }
    }
}

/// Issue 19, row 21: a flag's variable is its own name (the plural names
/// of the repeatable flags included), and booleans take the usual words.
#[test]
fn flag_variables_are_named_after_their_flags_and_booleans_take_the_usual_words() {
    for value in ["1", "yes", "true", "on", "0", "no", "false", "off"] {
        let (mut child, _) = start_with_env(&[("CRMCOM_EMULATOR_STRICT_SCHEMAS", value)])
            .unwrap_or_else(|e| panic!("{value}: {e:?}"));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let (code, stderr) = start_with_env(&[("CRMCOM_EMULATOR_STRICT_SCHEMAS", "maybe")])
        .map(|_| ())
        .expect_err("maybe is no boolean");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("maybe"), "{stderr}");

    let (mut child, port) = start_with_env(&[
        ("CRMCOM_EMULATOR_CORS_ORIGIN", "http://app.test"),
        ("CRMCOM_EMULATOR_ALLOWED_HOST", "emulator.test"),
    ])
    .unwrap();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(b"OPTIONS /crmapi/rest/v2/access_tokens/show HTTP/1.1\r\nHost: emulator.test\r\nOrigin: http://app.test\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(reply.starts_with("HTTP/1.1 204"), "{reply}");
    assert!(
        reply
            .to_ascii_lowercase()
            .contains("access-control-allow-origin: http://app.test"),
        "{reply}"
    );
}

/// Issue 19, row 14: the binary's first line is a URL an IPv6 bind included.
#[test]
fn an_ipv6_bind_prints_a_url() {
    let mut started = Started::start(&["--bind", "::1", "--port", "0"], &[]);
    let first = started.first.clone();
    started.child.kill().unwrap();
    started.child.wait().unwrap();
    assert!(first.starts_with("listening on http://[::1]:"), "{first}");
}
