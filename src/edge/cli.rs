//! The binary's command line: with no subcommand it serves (every flag of
//! `Config`); `health` asks a running emulator whether it is up, for a
//! container's `HEALTHCHECK`, which has no `curl` in an image that holds
//! the emulator alone.

use crate::core::config::Config;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// crmcom-emulator: a faithful, stateful emulator of the CRM.COM Web API.
///
/// ```
/// use clap::Parser;
/// use crmcom_emulator::{Cli, Command};
///
/// let cli = Cli::try_parse_from(["crmcom-emulator", "--port", "9000", "health"])
///     .expect("flags");
/// assert_eq!(cli.config.port, 9000);
/// assert!(matches!(cli.command, Some(Command::Health { .. })));
/// ```
#[derive(Debug, Parser)]
#[command(name = "crmcom-emulator", version, about, long_about = None)]
pub struct Cli {
    /// What to do; serving when none is given.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The emulator's flags (a subcommand reads them too: `health` probes
    /// the emulator these flags start).
    #[command(flatten)]
    pub config: Config,
}

/// A subcommand of the binary.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Asks a running emulator's `/__admin/health` (on loopback, at the
    /// port and scheme its flags or `CRMCOM_EMULATOR_*` variables give):
    /// exit code 0 when it answers ready, 1 otherwise.
    Health {
        /// Another health URL to ask instead.
        #[arg(long)]
        url: Option<String>,
        /// How long to wait for the answer, in milliseconds.
        #[arg(long, default_value_t = 3_000)]
        timeout_ms: u64,
    },
}

/// Runs what `cli` asks for: serving (`run`) or a subcommand.
pub fn main(cli: Cli) -> ExitCode {
    match cli.command {
        None => crate::edge::binary::run(cli.config),
        Some(Command::Health { url, timeout_ms }) => {
            crate::edge::health_probe::probe(&cli.config, url.as_deref(), timeout_ms)
        }
    }
}
