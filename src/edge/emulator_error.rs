//! The one error type of the embedding handle.

use crate::core::error::ApiError;

/// Why an embedded emulator did not start, or a call through its handle
/// was refused.
///
/// ```
/// use crmcom_emulator::{Config, Emulator, EmulatorError};
///
/// let taken = Emulator::builder().start().expect("start");
/// let config = Config { port: taken.port(), ..Config::default() };
/// assert!(matches!(Emulator::start(config), Err(EmulatorError::Bind { .. })));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The address and port could not be bound (in use, not local, …).
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// `bind:port` as configured.
        address: String,
        /// Why the operating system refused.
        source: std::io::Error,
    },
    /// The fixtures, the schemas, the dataset, the state directory or the
    /// TLS certificate did not load; the message names the file and the
    /// problem.
    #[error("{0}")]
    Load(String),
    /// The server's thread could not be started or stopped at once.
    #[error("the emulator's server did not start: {0}")]
    Server(String),
    /// The fixtures have no user with a password to log in as.
    #[error("the fixtures have no user with a password")]
    NoLoginUser,
    /// The organisation name is empty.
    #[error("the organisation must not be empty")]
    EmptyOrganisation,
    /// The emulator refused, as the API would (`LIMITREACHEDEXCEPTION` when
    /// `--max-tenants` or `--max-sessions` are held).
    #[error(transparent)]
    Api(#[from] ApiError),
}
