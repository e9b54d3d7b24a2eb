//! The `crmcom-emulator` binary: parse the flags and run (see
//! `crmcom_emulator::run`).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    crmcom_emulator::run(crmcom_emulator::Config::parse())
}
