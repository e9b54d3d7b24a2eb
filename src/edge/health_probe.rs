//! `crmcom-emulator health`: one GET of `/__admin/health` (which answers
//! without the admin secret), so an image with nothing but the emulator
//! can have a `HEALTHCHECK`. With `--tls` it trusts what the emulator
//! serves: the local certificate authority, or the `--tls-cert` chain.

use crate::core::config::Config;
use crate::edge::listen::url_host;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The health URL of the emulator `config` starts, on loopback when it is
/// bound to every address.
pub fn default_url(config: &Config) -> String {
    let bind = config.bind.trim();
    let host = match bind {
        "0.0.0.0" | "" => "127.0.0.1".to_string(),
        "::" | "[::]" => "[::1]".to_string(),
        other => url_host(other),
    };
    let scheme = if config.serves_tls() { "https" } else { "http" };
    format!("{scheme}://{host}:{}/__admin/health", config.port)
}

/// Asks the health URL; says on stderr why it is not healthy.
pub fn probe(config: &Config, url: Option<&str>, timeout_ms: u64) -> ExitCode {
    let url = url.map_or_else(|| default_url(config), str::to_string);
    match ask(config, &url, Duration::from_millis(timeout_ms)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "crmcom-emulator health: {problem}");
            ExitCode::FAILURE
        }
    }
}

fn ask(config: &Config, url: &str, timeout: Duration) -> Result<(), String> {
    let mut agent = ureq::AgentBuilder::new().timeout(timeout);
    if url.starts_with("https:") {
        agent = agent.tls_config(Arc::new(client_config(config)?));
    }
    let reply: serde_json::Value = agent
        .build()
        .get(url)
        .call()
        .map_err(|e| e.to_string())?
        .into_json()
        .map_err(|e| format!("{url}: not JSON: {e}"))?;
    match reply.pointer("/data/ready") {
        Some(serde_json::Value::Bool(true)) => Ok(()),
        _ => Err(format!("{url}: not ready: {reply}")),
    }
}

/// A TLS client that trusts what the emulator serves.
fn client_config(config: &Config) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in crate::edge::tls::served_anchors(config)? {
        roots.add(cert).map_err(|e| e.to_string())?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_url_is_loopback_at_the_configured_port_and_scheme() {
        let at = |bind: &str, tls: bool| {
            default_url(&Config {
                bind: bind.into(),
                port: 8080,
                tls,
                ..Config::default()
            })
        };
        assert_eq!(at("0.0.0.0", false), "http://127.0.0.1:8080/__admin/health");
        assert_eq!(at("::", true), "https://[::1]:8080/__admin/health");
        assert_eq!(at("::1", false), "http://[::1]:8080/__admin/health");
        assert_eq!(
            at("localhost", false),
            "http://localhost:8080/__admin/health"
        );
    }
}
