//! Start-up configuration: every flag is also an environment variable
//! `CRMCOM_EMULATOR_<FLAG>`.

use clap::Parser;
use std::path::PathBuf;

/// crmcom-emulator: a faithful, stateful emulator of the CRM.COM Web API.
#[derive(Debug, Clone, Parser)]
#[command(name = "crmcom-emulator", version, about)]
pub struct Config {
    /// Address to listen on. Anything but loopback exposes the emulator.
    #[arg(long, env = "CRMCOM_EMULATOR_BIND", default_value = "127.0.0.1")]
    pub bind: String,

    /// Port to listen on; 0 picks a free one (the first output line says which).
    #[arg(long, env = "CRMCOM_EMULATOR_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Directory whose fixture files replace the embedded ones, file by file.
    #[arg(long, env = "CRMCOM_EMULATOR_FIXTURES")]
    pub fixtures: Option<PathBuf>,

    /// Seed for every generated id, code and token, making them reproducible.
    #[arg(long, env = "CRMCOM_EMULATOR_SEED")]
    pub seed: Option<u64>,

    /// Login token lifetime in seconds, on the emulator's clock.
    #[arg(long, env = "CRMCOM_EMULATOR_TOKEN_LIFETIME", default_value_t = 7200)]
    pub token_lifetime: u64,

    /// A reply that breaks its JSON Schema becomes the schema-violation error
    /// (otherwise it is sent and the violation logged).
    #[arg(long, env = "CRMCOM_EMULATOR_STRICT_SCHEMAS")]
    pub strict_schemas: bool,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "CRMCOM_EMULATOR_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// How long a one-time password from generate_otp stays valid, in seconds.
    #[arg(long, env = "CRMCOM_EMULATOR_OTP_VALIDITY", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..=31_536_000))]
    pub otp_validity: u64,

    /// Consecutive wrong secrets (pass codes, verification codes) after which
    /// one access token refuses further attempts until its codes are reset.
    #[arg(long, env = "CRMCOM_EMULATOR_MAX_SECRET_ATTEMPTS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_secret_attempts: u32,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "CRMCOM_EMULATOR_WORKERS")]
    pub workers: Option<usize>,

    /// Directory where snapshots, and every tenant on shutdown, are written,
    /// and from which they are loaded at start.
    #[arg(long, env = "CRMCOM_EMULATOR_STATE_DIR")]
    pub state_dir: Option<PathBuf>,

    /// Calls the request journal keeps (the oldest go first); 0 turns it off.
    #[arg(long, env = "CRMCOM_EMULATOR_JOURNAL_SIZE", default_value_t = 10_000)]
    pub journal_size: usize,

    /// Secret the admin API requires (X-Admin-Secret header); needed to use
    /// the admin API at all when bound to a non-loopback address.
    #[arg(long, env = "CRMCOM_EMULATOR_ADMIN_SECRET", hide_env_values = true)]
    pub admin_secret: Option<AdminSecret>,
}

/// The admin secret: its `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminSecret(String);

impl AdminSecret {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AdminSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminSecret(<redacted>)")
    }
}

impl std::str::FromStr for AdminSecret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(AdminSecret(s.to_string()))
    }
}

impl From<&str> for AdminSecret {
    fn from(s: &str) -> Self {
        AdminSecret(s.to_string())
    }
}

impl Default for Config {
    /// The configuration an embedded emulator starts with: a free loopback
    /// port and strict schemas, as tests want.
    fn default() -> Self {
        Config {
            bind: "127.0.0.1".into(),
            port: 0,
            fixtures: None,
            seed: None,
            token_lifetime: 7200,
            strict_schemas: true,
            max_body_bytes: 1024 * 1024,
            otp_validity: 600,
            max_secret_attempts: 10,
            workers: Some(2),
            state_dir: None,
            journal_size: 10_000,
            admin_secret: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_admin_secret() {
        let config = Config::try_parse_from(["crmcom-emulator", "--admin-secret", "hunter22"])
            .expect("flags");
        assert_eq!(
            config.admin_secret.as_ref().map(AdminSecret::as_str),
            Some("hunter22")
        );
        assert!(!format!("{config:?}").contains("hunter22"));
    }
}
