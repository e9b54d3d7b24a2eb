//! `--tls` (issue 21, item 4): HTTPS with a certificate signed by a local
//! certificate authority the emulator makes once and prints the path of;
//! a client that trusts only that authority logs in over it, by name and
//! by address. `--tls-cert`/`--tls-key` serve one's own certificate.

use crate::helpers::{Started, BIN};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

/// A client configuration that trusts `authority` (PEM) and nothing else.
fn trusting(authority: &[u8]) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(authority) {
        roots.add(cert.expect("a certificate")).expect("a root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// A login over HTTPS to `port` as `name`; the reply's body, or the TLS
/// or I/O error.
fn login_over_tls(
    client: &Arc<rustls::ClientConfig>,
    name: &str,
    port: u16,
) -> Result<String, String> {
    login_over_tls_with(client, name, port, "")
}

/// `login_over_tls` with `extra` header lines (each ending in CRLF).
fn login_over_tls_with(
    client: &Arc<rustls::ClientConfig>,
    name: &str,
    port: u16,
    extra: &str,
) -> Result<String, String> {
    let server = ServerName::try_from(name.to_string()).map_err(|e| e.to_string())?;
    let connection =
        rustls::ClientConnection::new(client.clone(), server).map_err(|e| e.to_string())?;
    // The default bind listens on both loopbacks.
    let address = if name == "::1" { "::1" } else { "127.0.0.1" };
    let tcp = TcpStream::connect((address, port)).map_err(|e| e.to_string())?;
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    let body = r#"{"username":"MPAdministrator","password":"1234","organisation":"tls"}"#;
    let request = format!(
        "POST /crmapi/rest/v2/authentication/token HTTP/1.1\r\nHost: localhost:{port}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut reply = Vec::new();
    match tls.read_to_end(&mut reply) {
        Ok(_) => {}
        // A peer that closes without close_notify still answered.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !reply.is_empty() => {}
        Err(e) => return Err(e.to_string()),
    }
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

/// Starts the binary with `args`; its port and the authority line, if any.
fn start(args: &[&str]) -> (Started, u16, Option<String>) {
    let mut started = Started::start(args, &[]);
    let port = started
        .first
        .trim()
        .strip_prefix("listening on https://127.0.0.1:")
        .unwrap_or_else(|| panic!("not https: {}", started.first))
        .parse()
        .expect("port");
    let mut second = String::new();
    started
        .stdout
        .read_line(&mut second)
        .expect("a second line");
    let authority = second
        .trim()
        .strip_prefix("TLS: certificate authority ")
        .and_then(|rest| rest.split(" (").next())
        .map(str::to_string);
    (started, port, authority)
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("crmcom-tls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

#[test]
fn a_client_that_trusts_the_printed_authority_logs_in_over_https() {
    let dir = temp_dir("ca");
    let state = dir.join("state");
    let state_arg = state.to_str().unwrap().to_string();
    let (mut started, port, authority) =
        start(&["--port", "0", "--tls", "--state-dir", &state_arg]);
    let authority = authority.expect("the authority's path is printed");
    assert!(Path::new(&authority).starts_with(&state), "{authority}");
    let pem = std::fs::read(&authority).expect("the authority file");
    let client = trusting(&pem);
    for name in ["localhost", "127.0.0.1", "::1"] {
        let reply = login_over_tls(&client, name, port).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(reply.starts_with("HTTP/1.1 200"), "{name}: {reply}");
        assert!(reply.contains(r#""code":"OK""#), "{name}: {reply}");
    }
    // An https dev server's page on localhost may call it (CORS).
    let cors = login_over_tls_with(
        &client,
        "localhost",
        port,
        "Origin: https://localhost:5173\r\n",
    )
    .expect("cors");
    assert!(
        cors.to_ascii_lowercase()
            .contains("access-control-allow-origin: https://localhost:5173"),
        "{cors}"
    );
    // A name the certificate does not cover is refused.
    let elsewhere = login_over_tls(&client, "example.com", port);
    assert!(elsewhere.is_err(), "{elsewhere:?}");
    // So is the certificate, by a client that trusts another emulator's
    // authority.
    let other = temp_dir("other");
    let other_arg = other.to_str().unwrap().to_string();
    let (mut second, _, other_authority) =
        start(&["--port", "0", "--tls", "--state-dir", &other_arg]);
    second.child.kill().ok();
    second.child.wait().ok();
    let stranger = trusting(&std::fs::read(other_authority.expect("path")).expect("pem"));
    let refused = login_over_tls(&stranger, "localhost", port);
    assert!(refused.is_err(), "{refused:?}");
    std::fs::remove_dir_all(&other).ok();
    started.child.kill().ok();
    started.child.wait().ok();

    // A restart keeps the authority: a device trusts it once.
    let (mut again, port, path) = start(&["--port", "0", "--tls", "--state-dir", &state_arg]);
    assert_eq!(path.as_deref(), Some(authority.as_str()));
    assert_eq!(std::fs::read(&authority).expect("kept"), pem);
    let reply = login_over_tls(&client, "localhost", port).expect("the same authority");
    assert!(reply.contains(r#""code":"OK""#), "{reply}");
    again.child.kill().ok();
    again.child.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_own_certificate_is_served_and_a_broken_one_stops_the_binary() {
    let dir = temp_dir("own");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, cert.pem()).expect("write");
    std::fs::write(&key_path, key.serialize_pem()).expect("write");
    let (cert_arg, key_arg) = (cert_path.to_str().unwrap(), key_path.to_str().unwrap());
    let (mut started, port, authority) =
        start(&["--port", "0", "--tls-cert", cert_arg, "--tls-key", key_arg]);
    assert_eq!(authority, None, "no authority of the emulator's");
    let reply = login_over_tls(&trusting(cert.pem().as_bytes()), "localhost", port)
        .expect("own certificate");
    assert!(reply.contains(r#""code":"OK""#), "{reply}");
    // The health probe asks 127.0.0.1, which this self-signed certificate
    // does not name: it trusts exactly the certificate served.
    let port_arg = port.to_string();
    let probe = std::process::Command::new(BIN)
        .args([
            "--port",
            &port_arg,
            "--tls-cert",
            cert_arg,
            "--tls-key",
            key_arg,
            "health",
        ])
        .output()
        .expect("run");
    assert!(
        probe.status.success(),
        "{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    started.child.kill().ok();
    started.child.wait().ok();

    std::fs::write(&key_path, "not a key").expect("write");
    let out = std::process::Command::new(BIN)
        .args(["--port", "0", "--tls-cert", cert_arg, "--tls-key", key_arg])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--tls-key"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_embedded_emulator_serves_https_and_says_which_authority_to_trust() {
    let dir = temp_dir("embedded");
    let config = crmcom_emulator::Config {
        port: 0,
        tls: true,
        state_dir: Some(dir.join("state")),
        ..crmcom_emulator::Config::default()
    };
    let emulator = crmcom_emulator::Emulator::start(config).expect("start");
    assert!(
        emulator.uri().starts_with("https://127.0.0.1:"),
        "{}",
        emulator.uri()
    );
    let authority = emulator.certificate_authority().expect("an authority");
    let client = trusting(&std::fs::read(authority).expect("pem"));
    let reply = login_over_tls(&client, "localhost", emulator.port()).expect("login");
    assert!(reply.contains(r#""code":"OK""#), "{reply}");
    drop(emulator);
    std::fs::remove_dir_all(&dir).ok();
}
