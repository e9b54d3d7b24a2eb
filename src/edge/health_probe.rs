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

/// A TLS client that trusts what the emulator serves: the local
/// authority's certificates, or exactly the leaf of `--tls-cert` (pinned:
/// a probe on loopback asks by address, which one's own certificate may
/// not name, and its file may not hold the authority that signed it).
fn client_config(config: &Config) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let anchors = crate::edge::tls::served_anchors(config)?;
    if config.tls_cert.is_some() {
        let leaf = anchors
            .into_iter()
            .next()
            .ok_or("--tls-cert holds no certificate")?;
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(ServedLeaf { leaf, provider }))
            .with_no_client_auth());
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in anchors {
        roots.add(cert).map_err(|e| e.to_string())?;
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// Accepts exactly the certificate `--tls-cert` serves, its handshake
/// signatures checked as usual.
#[derive(Debug)]
struct ServedLeaf {
    leaf: rustls::pki_types::CertificateDer<'static>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for ServedLeaf {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _name: &rustls::pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.leaf.as_ref() {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "not the certificate --tls-cert serves".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
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
