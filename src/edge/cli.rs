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
    /// A proxy to a real CRM.COM on loopback that records every exchange
    /// (secrets replaced by stable placeholders) to a JSON Lines file.
    Record {
        /// The CRM.COM to forward to (`https://…`).
        #[arg(long)]
        upstream: String,
        /// The recording (appended to).
        #[arg(long)]
        out: std::path::PathBuf,
        /// The loopback port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 8090)]
        port: u16,
        /// The upstream's release, written with each exchange (`R17.10`).
        #[arg(long)]
        upstream_release: Option<String>,
    },
    /// Replays a recording against a fresh emulator and reports what
    /// differs: exit code 0 when nothing does, 1 when something does.
    Compare {
        /// The recording.
        file: std::path::PathBuf,
        /// The release the emulator answers as.
        #[arg(long, value_parser = crate::core::release::Release::parse)]
        release: Option<crate::core::release::Release>,
        /// The organisation the emulator's logins open (else the recorded one).
        #[arg(long)]
        organisation: Option<String>,
        /// More volatile paths, in `parity/rules.json`'s shape.
        #[arg(long)]
        rules: Option<std::path::PathBuf>,
        /// The report as JSON (for CI).
        #[arg(long)]
        json: bool,
    },
    /// Turns the entities a recording saw into a fixtures directory
    /// (`--fixtures` loads it), personal data scrubbed.
    Capture {
        /// The recording.
        file: std::path::PathBuf,
        /// The fixtures directory to write.
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

/// Runs what `cli` asks for: serving (`run`) or a subcommand.
pub fn main(cli: Cli) -> ExitCode {
    match cli.command {
        None => crate::edge::binary::run(cli.config),
        Some(Command::Health { url, timeout_ms }) => {
            crate::edge::health_probe::probe(&cli.config, url.as_deref(), timeout_ms)
        }
        Some(Command::Record {
            upstream,
            out,
            port,
            upstream_release,
        }) => crate::edge::parity::record::run(crate::edge::parity::record::RecordOptions {
            upstream,
            out,
            port,
            release: upstream_release,
        }),
        Some(Command::Compare {
            file,
            release,
            organisation,
            rules,
            json,
        }) => crate::edge::parity::compare::run(crate::edge::parity::compare::CompareOptions {
            file,
            release,
            organisation,
            rules,
            config: cli.config.clone(),
            json,
        }),
        Some(Command::Capture { file, to }) => crate::edge::parity::capture::run(&file, &to),
    }
}
