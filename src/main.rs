//! The `crmcom-emulator` binary: parse the command line and run it (see
//! `crmcom_emulator::main`).

use clap::Parser;
use std::process::ExitCode;

/// jemalloc, whose background threads give the memory of a reset or a
/// cleared journal back to the system within seconds; glibc's malloc kept a
/// 60 s load's 560 MiB peak at 440 MiB after every organisation was reset,
/// and mimalloc all of it (bench/memory.sh, case 3). Only the binary
/// chooses it: an embedding keeps its host's allocator.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    crmcom_emulator::main(crmcom_emulator::Cli::parse())
}
