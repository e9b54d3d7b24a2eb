//! Start-up configuration: every flag `--x-y` is also the environment
//! variable `CRMCOM_EMULATOR_X_Y` (a unit test checks each); a boolean's
//! takes `1/0`, `true/false`, `yes/no` or `on/off`, and a repeatable
//! flag's a comma-separated list.

use crate::core::release::Release;
use clap::Parser;
use std::path::PathBuf;

/// crmcom-emulator: a faithful, stateful emulator of the CRM.COM Web API.
///
/// Every flag of the binary (each also the environment variable
/// `CRMCOM_EMULATOR_<FLAG>`), and what an embedded emulator starts with:
///
/// ```
/// use clap::Parser;
/// use crmcom_emulator::Config;
///
/// let config = Config::try_parse_from(["crmcom-emulator", "--port", "0", "--seed", "7"])
///     .expect("flags");
/// assert_eq!((config.port, config.seed), (0, Some(7)));
/// let embedded = Config { seed: Some(7), ..Config::default() };
/// assert!(embedded.strict_schemas);
/// ```
#[derive(Debug, Clone, Parser)]
#[command(name = "crmcom-emulator", version, about, long_about = None)]
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

    /// Reload the --fixtures directory when a file in it changes: checked as
    /// at start; organisations that changed nothing move to it at once,
    /// others on their next reset; a bad file keeps the running fixtures
    /// (logged, and shown by /__admin/health).
    #[arg(long, env = "CRMCOM_EMULATOR_WATCH", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub watch: bool,

    /// Seed for every generated id, code and token, making them reproducible.
    #[arg(long, env = "CRMCOM_EMULATOR_SEED")]
    pub seed: Option<u64>,

    /// Seed every new organisation with a sample-account dataset on top of
    /// the fixtures: small (about 50 accounts) or large (about 10,000).
    #[arg(long, env = "CRMCOM_EMULATOR_DATASET", value_parser = Dataset::parse)]
    pub dataset: Option<Dataset>,

    /// The CRM.COM release to behave as (R5 to R18, e.g. R8, R10.1, R14):
    /// which methods, parameters and reply fields exist, and the login token's
    /// form. The admin API can set another per organisation.
    #[arg(long, env = "CRMCOM_EMULATOR_RELEASE", default_value = "R17.10",
          value_parser = Release::parse)]
    pub release: Release,

    /// Login token lifetime in seconds, on the emulator's clock (from R12;
    /// before, tokens last until one hour unused).
    #[arg(long, env = "CRMCOM_EMULATOR_TOKEN_LIFETIME", default_value_t = 7200)]
    pub token_lifetime: u64,

    /// A reply that breaks its JSON Schema becomes the schema-violation error
    /// (otherwise it is sent and the violation logged).
    #[arg(long, env = "CRMCOM_EMULATOR_STRICT_SCHEMAS", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
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
    #[arg(long, env = "CRMCOM_EMULATOR_JOURNAL_SIZE", default_value_t = 10_000,
          value_parser = journal_size)]
    pub journal_size: usize,

    /// Bytes of redacted requests and replies the journal keeps at most,
    /// besides its entry count (the oldest go first).
    #[arg(long, env = "CRMCOM_EMULATOR_JOURNAL_MAX_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub journal_max_bytes: usize,

    /// Longest wait for a request's body once its head has arrived; a client
    /// that sends it slower is answered 408 and cut off.
    #[arg(long, env = "CRMCOM_EMULATOR_BODY_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_ms: u64,

    /// Longest wait for a request's head on a new or idle connection.
    #[arg(long, env = "CRMCOM_EMULATOR_HEADER_TIMEOUT_MS", default_value_t = 5_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_ms: u64,

    /// How long an idle keep-alive connection stays open. Longer than the
    /// idle timeout of pooled HTTP clients (Go 90 s, nginx 75 s), so a
    /// client never reuses a connection the emulator just closed.
    #[arg(long, env = "CRMCOM_EMULATOR_KEEP_ALIVE_SECS", default_value_t = 120)]
    pub keep_alive_secs: u64,

    /// On SIGTERM/SIGINT, how long in-flight replies may take to finish.
    #[arg(
        long,
        env = "CRMCOM_EMULATOR_SHUTDOWN_TIMEOUT_SECS",
        default_value_t = 30
    )]
    pub shutdown_timeout_secs: u64,

    /// Most organisations (tenants) held at once.
    #[arg(long, env = "CRMCOM_EMULATOR_MAX_TENANTS", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_tenants: u64,

    /// Most live login sessions, all tenants together (expired ones are
    /// swept before a login is refused).
    #[arg(long, env = "CRMCOM_EMULATOR_MAX_SESSIONS", default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_sessions: u64,

    /// Most access tokens in one tenant.
    #[arg(long, env = "CRMCOM_EMULATOR_MAX_ACCESS_TOKENS", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_access_tokens: u64,

    /// A `Host` the emulator answers besides the bound address and
    /// `localhost` (repeatable; `*` allows any, which gives up the DNS
    /// rebinding protection).
    #[arg(
        long = "allowed-host",
        env = "CRMCOM_EMULATOR_ALLOWED_HOST",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,

    /// A browser origin allowed by CORS besides `http://localhost:*` and
    /// `http://127.0.0.1:*` (with `--tls`, their `https://` origins too)
    /// (repeatable, exact, e.g. `https://app.example`;
    /// `*` allows any origin, without credentials).
    #[arg(
        long = "cors-origin",
        env = "CRMCOM_EMULATOR_CORS_ORIGIN",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// Serve HTTPS: with a certificate for `localhost`, `127.0.0.1`, `::1`
    /// and each `--allowed-host`, signed by a local certificate authority
    /// made once in `--state-dir` (else `$XDG_CONFIG_HOME/crmcom-emulator`,
    /// `~/.config/crmcom-emulator` or `%LOCALAPPDATA%\crmcom-emulator`),
    /// whose path the binary prints: install it on a simulator or device
    /// once.
    #[arg(long, env = "CRMCOM_EMULATOR_TLS", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub tls: bool,

    /// Serve HTTPS with this certificate chain (PEM) instead; needs
    /// `--tls-key`.
    #[arg(long, env = "CRMCOM_EMULATOR_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of `--tls-cert`.
    #[arg(long, env = "CRMCOM_EMULATOR_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Request log level on stderr: off, error, warn, info (one line per
    /// call) or debug. Secrets never appear in it.
    #[arg(long, env = "CRMCOM_EMULATOR_LOG", default_value = "info",
          value_parser = ["off", "error", "warn", "info", "debug"])]
    pub log: String,

    /// Secret the admin API requires (X-Admin-Secret header); needed to use
    /// the admin API at all when bound to a non-loopback address.
    #[arg(long, env = "CRMCOM_EMULATOR_ADMIN_SECRET", hide_env_values = true)]
    pub admin_secret: Option<AdminSecret>,
}

/// At most a million journal entries: each may hold 32 KiB of bodies.
fn journal_size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n <= 1_000_000 => Ok(n),
        _ => Err("a number from 0 to 1000000 is expected".into()),
    }
}

/// The admin secret (`--admin-secret`): its `Debug` never prints it.
///
/// ```
/// use crmcom_emulator::{AdminSecret, Config};
///
/// let config = Config {
///     admin_secret: Some(AdminSecret::from("open-sesame")),
///     ..Config::default()
/// };
/// assert!(!format!("{config:?}").contains("open-sesame"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AdminSecret(String);

impl AdminSecret {
    /// The secret itself, to compare with what a request presents.
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

impl Config {
    /// The furthest ahead of its clock the emulator writes a date, in
    /// seconds: a login token's or a one-time password's expiry, with a day
    /// for the clock to run on.
    pub fn date_horizon_secs(&self) -> i64 {
        let furthest = self.token_lifetime.max(self.otp_validity);
        i64::try_from(furthest).unwrap_or(i64::MAX / 2) + 86_400
    }

    /// Refuses a tenant of `count` access tokens when that is more than
    /// `--max-access-tokens` (create, import, datasets):
    /// `LIMITREACHEDEXCEPTION`.
    pub(crate) fn room_for_tokens(&self, count: usize) -> crate::core::error::ApiResult<()> {
        let limit = usize::try_from(self.max_access_tokens).unwrap_or(usize::MAX);
        if count > limit {
            return Err(crate::core::error::ApiError::LimitReached {
                what: "access tokens in one tenant",
                flag: "--max-access-tokens",
                limit,
            });
        }
        Ok(())
    }
}

impl Config {
    /// Whether the emulator serves HTTPS (`--tls`, or a certificate of one's
    /// own).
    pub fn serves_tls(&self) -> bool {
        self.tls || self.tls_cert.is_some()
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
            watch: false,
            seed: None,
            dataset: None,
            release: Release::DEFAULT,
            token_lifetime: 7200,
            strict_schemas: true,
            max_body_bytes: 1024 * 1024,
            otp_validity: 600,
            max_secret_attempts: 10,
            workers: Some(2),
            state_dir: None,
            journal_size: 10_000,
            journal_max_bytes: 64 * 1024 * 1024,
            body_timeout_ms: 10_000,
            header_timeout_ms: 5_000,
            keep_alive_secs: 120,
            shutdown_timeout_secs: 30,
            max_tenants: 1_000,
            max_sessions: 100_000,
            max_access_tokens: 1_000_000,
            allowed_hosts: Vec::new(),
            cors_origins: Vec::new(),
            tls: false,
            tls_cert: None,
            tls_key: None,
            log: "info".into(),
            admin_secret: None,
        }
    }
}

/// A sample-account dataset every organisation starts with (`--dataset`).
///
/// ```
/// use crmcom_emulator::{Config, Dataset};
///
/// let config = Config {
///     dataset: Some(Dataset::parse("small").expect("a dataset")),
///     ..Config::default()
/// };
/// assert_eq!(config.dataset.map(Dataset::name), Some("small"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dataset {
    /// About 50 accounts: a demo's customer base, made in milliseconds.
    Small,
    /// About 10,000 accounts: lists and searches at a realistic size.
    Large,
}

impl Dataset {
    /// Reads `small` or `large` (any case); the error names the choices.
    pub fn parse(name: &str) -> Result<Dataset, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "small" => Ok(Dataset::Small),
            "large" => Ok(Dataset::Large),
            _ => Err(format!("'{name}' is not a dataset (small or large)")),
        }
    }

    /// `small` or `large`.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Small => "small",
            Dataset::Large => "large",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parsing reads the process's environment: the tests that parse take
    /// turns, so the one that sets a variable is alone while it is set.
    static ENVIRONMENT: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

    #[test]
    fn a_boolean_variable_takes_the_usual_words() {
        let _alone = ENVIRONMENT.lock();
        const NAME: &str = "CRMCOM_EMULATOR_STRICT_SCHEMAS";
        for (text, on) in [
            ("1", true),
            ("yes", true),
            ("true", true),
            ("on", true),
            ("0", false),
            ("no", false),
            ("false", false),
            ("off", false),
        ] {
            std::env::set_var(NAME, text);
            let config = Config::try_parse_from(["crmcom-emulator"]).expect(text);
            assert_eq!(config.strict_schemas, on, "{text}");
        }
        std::env::set_var(NAME, "maybe");
        assert!(Config::try_parse_from(["crmcom-emulator"]).is_err());
        std::env::remove_var(NAME);
    }

    #[test]
    fn watch_off_in_the_environment_needs_no_fixtures() {
        let _alone = ENVIRONMENT.lock();
        std::env::set_var("CRMCOM_EMULATOR_WATCH", "0");
        let config = Config::try_parse_from(["crmcom-emulator"]);
        std::env::remove_var("CRMCOM_EMULATOR_WATCH");
        assert!(!config.expect("starts").watch);
    }

    #[test]
    fn debug_output_never_shows_the_admin_secret() {
        let _alone = ENVIRONMENT.lock();
        let config = Config::try_parse_from(["crmcom-emulator", "--admin-secret", "hunter22"])
            .expect("flags");
        assert_eq!(
            config.admin_secret.as_ref().map(AdminSecret::as_str),
            Some("hunter22")
        );
        assert!(!format!("{config:?}").contains("hunter22"));
    }

    #[test]
    fn every_flag_is_the_environment_variable_of_its_own_name() {
        use clap::CommandFactory;
        let mut checked = 0;
        for arg in Config::command().get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if ["help", "version"].contains(&long) {
                continue;
            }
            let expected = format!("CRMCOM_EMULATOR_{}", long.to_uppercase().replace('-', "_"));
            let env = arg.get_env().map(|e| e.to_string_lossy().into_owned());
            assert_eq!(env.as_deref(), Some(expected.as_str()), "--{long}");
            checked += 1;
        }
        assert!(checked >= 25, "{checked} flags");
    }
}
