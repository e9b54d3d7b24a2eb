//! HTTPS (`--tls`), for phones and `https://` dev servers, which refuse
//! plain HTTP: a certificate for `localhost`, `127.0.0.1`, `::1`, the bound
//! address and each `--allowed-host`, signed by a local certificate
//! authority the emulator makes once and keeps (as `mkcert` does), so a
//! developer installs that authority on a simulator or device once; or a
//! certificate of one's own (`--tls-cert`, `--tls-key`). Served through
//! actix-http's rustls feature.

use crate::core::config::Config;
use crate::edge::exposure::normalise_host;
use chrono::{Datelike, Days, NaiveDate, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The certificate authority's files, in its directory.
pub const CA_FILE: &str = "crmcom-emulator-ca.pem";
const CA_KEY_FILE: &str = "crmcom-emulator-ca-key.pem";
/// Held while the authority is read or made: emulators of one user share
/// the directory.
const CA_LOCK_FILE: &str = "crmcom-emulator-ca.lock";

/// What the server needs, and what a device must trust.
pub struct Tls {
    pub server: Arc<rustls::ServerConfig>,
    /// The local authority's certificate (`None` with `--tls-cert`).
    pub authority: Option<PathBuf>,
    /// The names the emulator's certificate covers (empty with
    /// `--tls-cert`).
    pub names: Vec<String>,
}

/// Where the local authority lives: `--state-dir`, else the user's
/// configuration directory (`$XDG_CONFIG_HOME`, `~/.config`, or on Windows
/// `%LOCALAPPDATA%`).
fn authority_dir(config: &Config) -> Result<PathBuf, String> {
    if let Some(dir) = &config.state_dir {
        return Ok(dir.clone());
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let base = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".config")))
        .or_else(|| var("LOCALAPPDATA").map(PathBuf::from))
        .ok_or("--tls: no --state-dir, XDG_CONFIG_HOME, HOME or LOCALAPPDATA to keep the certificate authority in")?;
    Ok(base.join("crmcom-emulator"))
}

/// Makes `params` valid from the start of `from` to the start of `to`.
fn valid(params: &mut CertificateParams, from: NaiveDate, to: NaiveDate) {
    let at = |day: NaiveDate| {
        let month = u8::try_from(day.month()).unwrap_or(1);
        let day_of_month = u8::try_from(day.day()).unwrap_or(1);
        rcgen::date_time_ymd(day.year(), month, day_of_month)
    };
    params.not_before = at(from);
    params.not_after = at(to);
}

/// `days` after today (before, if negative), in UTC.
fn today_plus(days: i64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let moved = if days >= 0 {
        today.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(today)
}

/// The authority's name and profile: the same name each time it is made
/// again from its key (a device trusts the name and the key). Ten years, as
/// `mkcert`'s.
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
    valid(&mut params, today_plus(-1), today_plus(3650));
    Ok(params)
}

/// The emulator's certificate: a server certificate for `names`, made at
/// each start and valid 825 days (Apple's limit for a server certificate
/// of a user-installed authority), with the extensions iOS asks for.
fn server_params(names: Vec<String>) -> Result<CertificateParams, String> {
    let mut params = CertificateParams::new(names).map_err(|e| format!("--allowed-host: {e}"))?;
    params
        .distinguished_name
        .push(DnType::CommonName, "crmcom-emulator");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.use_authority_key_identifier_extension = true;
    valid(&mut params, today_plus(-1), today_plus(825));
    Ok(params)
}

/// Writes `text` to `path` whole or not at all: a file only its owner may
/// read, renamed over `path` (a crash never leaves half a key).
fn publish(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let temp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temp, path)
}

/// The key must be its owner's alone: a key others could read or have
/// planted would let them impersonate any site to a device that trusts it.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::symlink_metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "{}: others may read or change this certificate authority's key (mode {:o}); \
             make it the owner's alone (chmod 600), or delete it and {CA_FILE} to make a new \
             authority, then install that on your devices again",
            path.display(),
            mode & 0o777
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), String> {
    Ok(())
}

/// The local authority in `dir`, made there on first use: its key, a
/// certificate to sign with (the same name and key as the one a device
/// trusts), and the path of the file a device installs. The directory's
/// lock is held meanwhile, so two emulators starting at once make one.
fn authority(dir: &Path) -> Result<(KeyPair, rcgen::Certificate, PathBuf), String> {
    let shown = |p: &Path| p.display().to_string();
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("{}: {e}", shown(dir)))?;
    let lock_path = dir.join(CA_LOCK_FILE);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("{}: {e}", shown(&lock_path)))?;
    lock.lock()
        .map_err(|e| format!("{}: cannot lock: {e}", shown(&lock_path)))?;
    let (cert_path, key_path) = (dir.join(CA_FILE), dir.join(CA_KEY_FILE));
    let remake = " (delete it and the authority's other file to make a new one, then install that on your devices again)";
    let (key, made) = if key_path.exists() {
        check_private(&key_path)?;
        let text =
            std::fs::read_to_string(&key_path).map_err(|e| format!("{}: {e}", shown(&key_path)))?;
        let key =
            KeyPair::from_pem(&text).map_err(|e| format!("{}: {e}{remake}", shown(&key_path)))?;
        (key, false)
    } else {
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        publish(&key_path, &key.serialize_pem())
            .map_err(|e| format!("{}: {e}", shown(&key_path)))?;
        (key, true)
    };
    let cert = authority_params()?
        .self_signed(&key)
        .map_err(|e| e.to_string())?;
    // A new key always gets its certificate: an old one left beside it
    // would be printed for devices to install, and trusted by none.
    if made || !cert_path.exists() {
        publish(&cert_path, &cert.pem()).map_err(|e| format!("{}: {e}", shown(&cert_path)))?;
    }
    Ok((key, cert, cert_path))
}

/// The names the emulator's certificate covers: loopback, the bound address
/// (unless a wildcard) and each `--allowed-host` (not `*`), as the Host
/// check reads them.
fn names(config: &Config) -> Vec<String> {
    let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let extra = std::iter::once(&config.bind).chain(config.allowed_hosts.iter());
    for name in extra {
        let name = normalise_host(name.trim());
        let unspecified = name.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        if !(unspecified || name.is_empty() || name == "*" || names.contains(&name)) {
            names.push(name);
        }
    }
    names
}

/// Checks that `leaf` chains to the authority a device installs (the file
/// at `authority`): a certificate there that another key made (replaced,
/// or left from an earlier key) would fail on every device, unexplained.
fn check_chain(authority: &Path, leaf: &CertificateDer<'static>) -> Result<(), String> {
    let mismatch = |e: String| {
        format!(
            "{}: this certificate authority does not match its key {CA_KEY_FILE} ({e}); \
             delete both to make a new one, then install it on your devices again",
            authority.display()
        )
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(authority).map_err(|e| mismatch(e.to_string()))? {
        roots
            .add(cert.map_err(|e| mismatch(e.to_string()))?)
            .map_err(|e| mismatch(e.to_string()))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| mismatch(e.to_string()))?;
    let name = ServerName::try_from("localhost").map_err(|e| mismatch(e.to_string()))?;
    verifier
        .verify_server_cert(leaf, &[], &name, &[], UnixTime::now())
        .map(|_| ())
        .map_err(|e| mismatch(e.to_string()))
}

/// The certificates a client of this emulator can trust (the health
/// probe): the local authority's, or those of the `--tls-cert` chain (one
/// signed by an authority outside the chain cannot be checked this way).
pub fn served_anchors(config: &Config) -> Result<Vec<CertificateDer<'static>>, String> {
    let path = match &config.tls_cert {
        Some(cert) => cert.clone(),
        None => authority_dir(config)?.join(CA_FILE),
    };
    CertificateDer::pem_file_iter(&path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The server's TLS configuration for `config`, or `None` without TLS.
/// Errors name the file or flag at fault.
pub fn load(config: &Config) -> Result<Option<Tls>, String> {
    if !config.serves_tls() {
        return Ok(None);
    }
    let (chain, key, authority, names) = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?;
            if chain.is_empty() {
                return Err(format!(
                    "--tls-cert {}: no CERTIFICATE in it",
                    cert.display()
                ));
            }
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("--tls-key {}: {e}", key.display()))?;
            (chain, key, None, Vec::new())
        }
        (None, None) => {
            let dir = authority_dir(config)?;
            let (ca_key, ca, path) = authority(&dir)?;
            let names = names(config);
            let key = KeyPair::generate().map_err(|e| e.to_string())?;
            let cert = server_params(names.clone())?
                .signed_by(&key, &ca, &ca_key)
                .map_err(|e| e.to_string())?;
            check_chain(&path, cert.der())?;
            let key = PrivateKeyDer::try_from(key.serialize_der()).map_err(|e| e.to_string())?;
            (vec![cert.der().clone()], key, Some(path), names)
        }
        _ => return Err("--tls-cert and --tls-key go together".into()),
    };
    let pair = || match (&config.tls_cert, &config.tls_key) {
        (Some(c), Some(k)) => format!("--tls-cert {} and --tls-key {}", c.display(), k.display()),
        _ => "the certificate and key".into(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("{}: {e}", pair()))?;
    Ok(Some(Tls {
        server: Arc::new(server),
        authority,
        names,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_names_loopback_the_bind_and_allowed_hosts_as_the_host_check_reads_them() {
        let config = Config {
            bind: "0:0:0:0:0:0:0:0".into(),
            allowed_hosts: vec![
                "Laptop.local.".into(),
                "*".into(),
                "10.0.0.7".into(),
                "[fe80::1]".into(),
            ],
            ..Config::default()
        };
        assert_eq!(
            names(&config),
            [
                "localhost",
                "127.0.0.1",
                "::1",
                "laptop.local",
                "10.0.0.7",
                "fe80::1"
            ]
        );
    }

    #[test]
    fn the_server_certificate_has_the_profile_phones_ask_for() {
        let params = server_params(vec!["localhost".into()]).expect("params");
        assert_eq!(
            params.extended_key_usages,
            [ExtendedKeyUsagePurpose::ServerAuth]
        );
        assert!(params.use_authority_key_identifier_extension);
        let days = (params.not_after - params.not_before).whole_days();
        assert!((820..=826).contains(&days), "{days}");
    }

    #[test]
    fn the_authority_is_made_once_kept_and_checked_against_its_key() {
        let dir = std::env::temp_dir().join(format!("crmcom-ca-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
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
        // The key gone: a new authority, whose certificate replaces the
        // old one (which no longer matches).
        std::fs::remove_file(dir.join(CA_KEY_FILE)).expect("remove");
        load(&config).expect("a new authority");
        assert_ne!(std::fs::read_to_string(&path).expect("pem"), pem);
        // A certificate of another key put in its place: refused, named.
        std::fs::write(&path, &pem).expect("write");
        let refused = load(&config).err().expect("refused");
        assert!(refused.contains("does not match its key"), "{refused}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
