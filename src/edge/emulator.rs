//! Embedding: start an emulator inside a Rust test suite, on a free loopback
//! port, steer it through its handle, and have it stop when the handle is
//! dropped.

use crate::app::journal::{JournalEntry, JournalFilter};
use crate::app::state::AppState;
use crate::core::clock::Clock;
use crate::core::config::Config;
use crate::core::release::Release;
use crate::domain::session::Login;
use actix_web::dev::ServerHandle;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

pub use crate::edge::emulator_error::EmulatorError;

/// A running emulator. Dropping it stops the server, frees its port and,
/// with a state directory, writes every tenant.
///
/// ```
/// use crmcom_emulator::Emulator;
///
/// let emulator = Emulator::builder().seed(7).start().expect("start");
/// assert!(emulator.uri().starts_with("http://127.0.0.1:"));
/// let token = emulator.login("acme").expect("login");
/// emulator.clock().freeze();
/// emulator.clock().advance(7200); // the login token has now expired
/// assert!(emulator.journal().is_empty()); // logins through the handle are not HTTP calls
/// emulator.reset();
/// # drop(token);
/// ```
pub struct Emulator {
    uri: String,
    port: u16,
    state: Arc<AppState>,
    handle: ServerHandle,
    thread: Option<JoinHandle<std::io::Result<()>>>,
    certificate_authority: Option<PathBuf>,
    /// With `Config::watch`: watching until the handle stops.
    watcher: Option<crate::app::fixture_watch::FixtureWatcher>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("uri", &self.uri).finish()
    }
}

/// Configures an embedded emulator; `start` runs it. Every setting not made
/// here is the embedded default: a free loopback port, strict schemas.
#[derive(Debug, Clone, Default)]
pub struct EmulatorBuilder {
    config: Config,
}

impl EmulatorBuilder {
    /// Makes every generated id, code and token reproducible.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = Some(seed);
        self
    }

    /// A directory whose fixture files replace the embedded ones.
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.fixtures = Some(dir.into());
        self
    }

    /// Reloads the `fixtures_dir` when a file in it changes (`--watch`):
    /// organisations that changed nothing move to the new fixtures at
    /// once, the others on their next reset; a bad file keeps the running
    /// fixtures and shows in `/__admin/health`.
    pub fn watch(mut self) -> Self {
        self.config.watch = true;
        self
    }

    /// The CRM.COM release to behave as, e.g. `Release::parse("R10.1")`
    /// (default R17.10).
    pub fn release(mut self, release: Release) -> Self {
        self.config.release = release;
        self
    }

    /// Login token lifetime, in seconds of the emulator's clock.
    pub fn token_lifetime(mut self, seconds: u64) -> Self {
        self.config.token_lifetime = seconds;
        self
    }

    /// Keeps the state in an SQLite database in `dir` (`--state-dir`):
    /// tenants, tokens, sessions, snapshots, settings and clocks. Every
    /// change is committed before the call that made it is answered (the
    /// handle's own calls wait too), and an emulator started later on the
    /// same directory starts from it. One emulator at a time uses a
    /// directory; `start` fails with `EmulatorError::Load` naming the file
    /// when it is another's, damaged, or of a newer version.
    ///
    /// ```
    /// use crmcom_emulator::Emulator;
    ///
    /// let dir = std::env::temp_dir().join(format!("crmcom-doc-{}", std::process::id()));
    /// let first = Emulator::builder().state_dir(&dir).start().expect("start");
    /// first.login("acme").expect("login");
    /// // A second emulator on the same directory is refused while the first runs.
    /// assert!(Emulator::builder().state_dir(&dir).start().is_err());
    /// drop(first); // stops, commits and closes the database
    /// let again = Emulator::builder().state_dir(&dir).start().expect("start again");
    /// drop(again);
    /// std::fs::remove_dir_all(&dir).expect("clean up");
    /// ```
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.state_dir = Some(dir.into());
        self
    }

    /// Calls the journal keeps (0 turns it off).
    pub fn journal_size(mut self, entries: usize) -> Self {
        self.config.journal_size = entries;
        self
    }

    /// Any other setting: the whole configuration, as the binary's flags.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Starts the emulator (see `Emulator::start`).
    ///
    /// ```
    /// let emulator = crmcom_emulator::Emulator::builder()
    ///     .seed(7)
    ///     .journal_size(100)
    ///     .start()
    ///     .expect("start");
    /// assert_ne!(emulator.port(), 0);
    /// ```
    pub fn start(self) -> Result<Emulator, EmulatorError> {
        Emulator::start(self.config)
    }
}

impl Emulator {
    /// A builder with the embedded defaults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Loads the fixtures, binds `config.bind:config.port` and serves on a
    /// thread of its own, so it works from plain `#[test]` and from async
    /// tests alike.
    ///
    /// ```
    /// use crmcom_emulator::{Config, Emulator};
    ///
    /// let config = Config {
    ///     port: 0,
    ///     ..Config::default()
    /// };
    /// let emulator = Emulator::start(config).expect("start");
    /// assert!(emulator.uri().ends_with(&emulator.port().to_string()));
    /// ```
    pub fn start(config: Config) -> Result<Emulator, EmulatorError> {
        let bind_error = |source| EmulatorError::Bind {
            address: format!("{}:{}", config.bind, config.port),
            source,
        };
        let listeners =
            crate::edge::listen::listeners(&config.bind, config.port).map_err(bind_error)?;
        let port = listeners[0].local_addr().map_err(bind_error)?.port();
        let uri = format!(
            "{}://{}:{port}",
            if config.serves_tls() { "https" } else { "http" },
            crate::edge::listen::url_host(&config.bind)
        );
        // After the state: with --state-dir, its directory is made private
        // and locked first, and the authority kept in it.
        let tls_config = config.clone();
        let state = Arc::new(AppState::new(config).map_err(EmulatorError::Load)?);
        let tls = crate::edge::tls::load(&tls_config).map_err(EmulatorError::Load)?;
        let certificate_authority = tls.as_ref().and_then(|t| t.authority.clone());
        let watcher = if state.config.watch {
            Some(crate::app::fixture_watch::watch(state.clone()).map_err(EmulatorError::Load)?)
        } else {
            None
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let server_state = state.clone();
        let thread = std::thread::Builder::new()
            .name("crmcom-emulator".into())
            .spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    match crate::edge::server::serve(
                        server_state,
                        listeners,
                        crate::edge::server::StopOn::Handle,
                        tls.map(|t| t.server),
                    ) {
                        Ok(server) => {
                            let _ = tx.send(Ok(server.handle()));
                            server.await
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e.to_string()));
                            Ok(())
                        }
                    }
                })
            })
            .map_err(|e| EmulatorError::Server(e.to_string()))?;
        let handle = rx
            .recv()
            .map_err(|_| EmulatorError::Server("its thread ended before serving".into()))?
            .map_err(EmulatorError::Server)?;
        Ok(Emulator {
            uri,
            port,
            state,
            handle,
            thread: Some(thread),
            certificate_authority,
            watcher,
        })
    }

    /// The shared state, for the parity harness in this crate.
    pub(crate) fn shared_state(&self) -> &AppState {
        &self.state
    }

    /// With `Config::tls`, the local certificate authority's certificate
    /// (PEM) a client must trust to call `uri()`; `None` without TLS or
    /// with a certificate of one's own.
    pub fn certificate_authority(&self) -> Option<&std::path::Path> {
        self.certificate_authority.as_deref()
    }

    /// Base URI, e.g. `http://127.0.0.1:41234`; the CRM.COM methods are
    /// under `{uri}/crmapi/rest/v2/`, the admin API under `{uri}/__admin/`.
    ///
    /// ```
    /// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
    /// let login = format!("{}/crmapi/rest/v2/authentication/token", emulator.uri());
    /// assert!(login.starts_with("http://127.0.0.1:"));
    /// ```
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state, for this crate's own tests (the `testing`
    /// feature).
    #[cfg(feature = "testing")]
    #[doc(hidden)]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A login token for `organisation` (its tenant is created on first
    /// use), as the first fixture user who has a password: what
    /// `authentication/token` would answer.
    ///
    /// ```
    /// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
    /// let token = emulator.login("acme").expect("login");
    /// assert!(!token.is_empty());
    /// assert!(emulator.login(" ").is_err());
    /// ```
    pub fn login(&self, organisation: &str) -> Result<String, EmulatorError> {
        let fixtures = self.state.fixtures();
        let reference = &fixtures.reference;
        let user = reference
            .users
            .iter()
            .find(|u| u.password.is_some())
            .ok_or(EmulatorError::NoLoginUser)?;
        if organisation.trim().is_empty() {
            return Err(EmulatorError::EmptyOrganisation);
        }
        let token = self.state.context().open_session(Login {
            organisation,
            username: &user.username,
            user_id: &user.id,
            unit_id: &user.default_unit_id,
            consumer: None,
        })?;
        self.committed();
        Ok(token)
    }

    /// With `--state-dir`, waits until what the handle changed is committed
    /// (a failure is logged: the change stands in memory).
    fn committed(&self) {
        if let Err(problem) = self.state.flush_state_dir() {
            tracing::error!("{problem}");
        }
    }

    /// Answers one organisation as another release than the emulator's
    /// (`None`: back to it), before or after its first login.
    ///
    /// ```
    /// use crmcom_emulator::{Emulator, Release};
    ///
    /// let emulator = Emulator::builder().start().expect("start");
    /// emulator.set_release("legacy", Some(Release::parse("R8").expect("R8")));
    /// ```
    pub fn set_release(&self, organisation: &str, release: Option<Release>) {
        self.state.set_release(organisation, release);
        self.committed();
    }

    /// Every tenant back to the fixtures; login tokens stay valid.
    ///
    /// ```
    /// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
    /// emulator.login("acme").expect("login");
    /// emulator.reset();
    /// ```
    pub fn reset(&self) {
        self.state.reset_all();
        self.committed();
    }

    /// One tenant back to the fixtures (created if it does not exist, which
    /// `--max-tenants` may refuse).
    ///
    /// ```
    /// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
    /// emulator.reset_tenant("acme").expect("reset");
    /// ```
    pub fn reset_tenant(&self, organisation: &str) -> Result<(), EmulatorError> {
        self.state.reset_tenant(organisation)?;
        self.committed();
        Ok(())
    }

    /// The emulator's clock: freeze, set and advance it (seconds).
    ///
    /// ```
    /// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
    /// emulator.clock().freeze();
    /// let before = emulator.clock().now_secs();
    /// emulator.clock().advance(7200); // two hours: a login token expires
    /// assert_eq!(emulator.clock().now_secs(), before + 7200);
    /// ```
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// Every journaled CRM.COM call, oldest first, secrets redacted.
    ///
    /// ```
    /// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
    /// // Calls made through the handle are not HTTP calls.
    /// emulator.login("acme").expect("login");
    /// assert!(emulator.journal().is_empty());
    /// ```
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.state.journal.entries(&JournalFilter::default())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The stop command is sent at once; the returned future only waits
        // for it, which joining the thread does too.
        drop(self.handle.stop(false));
        // No reload may record a change once the state directory closes.
        drop(self.watcher.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Err(problem) = self.state.close_state_dir() {
            eprintln!("crmcom-emulator: {problem}");
        }
    }
}
