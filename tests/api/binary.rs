//! The `crmcom-emulator` binary: what it prints, and how it refuses broken
//! fixtures.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_crmcom-emulator");

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
    let reference = &emulator.state().fixtures.reference;
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
