//! HTTPS (`--tls`), for phones and `https://` dev servers, which refuse
//! plain HTTP: a certificate for `localhost`, `127.0.0.1`, `::1`, the bound
//! address and each `--allowed-host`, signed by a local certificate
//! authority the emulator makes once and keeps (as `mkcert` does), so a
//! developer installs that authority on a simulator or device once; or a
//! certificate of one's own (`--tls-cert`, `--tls-key`). Served through
//! actix-http's rustls feature.

use crate::core::config::Config;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The certificate authority's files, in its directory.
pub const CA_FILE: &str = "crmcom-emulator-ca.pem";
const CA_KEY_FILE: &str = "crmcom-emulator-ca-key.pem";

/// What the server needs, and where the authority a device must trust is.
pub struct Tls {
    pub server: Arc<rustls::ServerConfig>,
    /// The local authority's certificate (`None` with `--tls-cert`).
    pub authority: Option<PathBuf>,
}

/// Where the local authority lives: `--state-dir`, else the user's
/// configuration directory.
fn authority_dir(config: &Config) -> Result<PathBuf, String> {
    if let Some(dir) = &config.state_dir {
        return Ok(dir.clone());
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
        .ok_or(
            "--tls: no --state-dir, XDG_CONFIG_HOME or HOME to keep the certificate authority in",
        )?;
    Ok(base.join("crmcom-emulator"))
}

/// The authority's name: the same each time it is made again from its key.
fn authority_params() -> Result<CertificateParams, String> {
    let mut params = CertificateParams::new(Vec::new()).map_err(|e| e.to_string())?;
    params.distinguished_name.push(
        DnType::CommonName,
        "crmcom-emulator local certificate authority",
    );
    params
        .distinguished_name
        .push(DnType::OrganizationName, "crmcom-emulator");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    Ok(params)
}

/// Writes `text` to a file only its owner may read (a private key).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

/// The local authority: read from `dir`, or made there on first use.
/// Answers its key and a certificate to sign with (the same name and key
/// as the one a device trusts).
fn authority(dir: &Path) -> Result<(KeyPair, rcgen::Certificate, PathBuf), String> {
    let cert_path = dir.join(CA_FILE);
    let key_path = dir.join(CA_KEY_FILE);
    let shown = |p: &Path| p.display().to_string();
    let key = if key_path.exists() {
        let text =
            std::fs::read_to_string(&key_path).map_err(|e| format!("{}: {e}", shown(&key_path)))?;
        KeyPair::from_pem(&text).map_err(|e| format!("{}: {e}", shown(&key_path)))?
    } else {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", shown(dir)))?;
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        write_private(&key_path, &key.serialize_pem())
            .map_err(|e| format!("{}: {e}", shown(&key_path)))?;
        key
    };
    let cert = authority_params()?
        .self_signed(&key)
        .map_err(|e| e.to_string())?;
    if !cert_path.exists() {
        std::fs::write(&cert_path, cert.pem())
            .map_err(|e| format!("{}: {e}", shown(&cert_path)))?;
    }
    Ok((key, cert, cert_path))
}

/// The names the emulator's certificate covers: loopback, the bound address
/// (unless a wildcard) and each `--allowed-host` (not `*`).
fn names(config: &Config) -> Vec<String> {
    let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let bind = config.bind.trim_matches(['[', ']']);
    let extra = std::iter::once(bind).chain(config.allowed_hosts.iter().map(String::as_str));
    for name in extra {
        let name = name.trim().to_ascii_lowercase();
        let wildcard = matches!(name.as_str(), "*" | "0.0.0.0" | "::" | "");
        if !wildcard && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The server's TLS configuration for `config`, or `None` without TLS.
/// Errors name the file or flag at fault.
pub fn load(config: &Config) -> Result<Option<Tls>, String> {
    if !config.serves_tls() {
        return Ok(None);
    }
    let (chain, key, authority) = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("--tls-key {}: {e}", key.display()))?;
            (chain, key, None)
        }
        _ => {
            let dir = authority_dir(config)?;
            let (ca_key, ca, path) = authority(&dir)?;
            let mut params = CertificateParams::new(names(config)).map_err(|e| e.to_string())?;
            params
                .distinguished_name
                .push(DnType::CommonName, "crmcom-emulator");
            let key = KeyPair::generate().map_err(|e| e.to_string())?;
            let cert = params
                .signed_by(&key, &ca, &ca_key)
                .map_err(|e| e.to_string())?;
            let key = PrivateKeyDer::try_from(key.serialize_der()).map_err(|e| e.to_string())?;
            (vec![cert.der().clone()], key, Some(path))
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the TLS certificate and key: {e}"))?;
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(Tls {
        server: Arc::new(server),
        authority,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_names_loopback_the_bind_and_allowed_hosts() {
        let config = Config {
            bind: "0.0.0.0".into(),
            allowed_hosts: vec!["Laptop.local".into(), "*".into(), "10.0.0.7".into()],
            ..Config::default()
        };
        assert_eq!(
            names(&config),
            ["localhost", "127.0.0.1", "::1", "laptop.local", "10.0.0.7"]
        );
    }

    #[test]
    fn the_authority_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("crmcom-ca-{}", std::process::id()));
        let config = Config {
            tls: true,
            state_dir: Some(dir.clone()),
            ..Config::default()
        };
        let first = load(&config).expect("tls").expect("on");
        let path = first.authority.expect("authority");
        let pem = std::fs::read_to_string(&path).expect("pem");
        load(&config).expect("tls again");
        assert_eq!(std::fs::read_to_string(&path).expect("pem"), pem);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(CA_KEY_FILE))
                .expect("key")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the key is the owner's only");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
