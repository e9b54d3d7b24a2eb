//! The parity harness: what a real CRM.COM answers, against what the
//! emulator answers. `record` is a proxy that writes every exchange with a
//! real CRM.COM (secrets replaced by stable placeholders) to a JSON Lines
//! file; `compare` replays such a file against a fresh in-process emulator
//! and reports the differences that matter; `capture` turns the entities a
//! recording saw into a fixtures directory, personal data scrubbed.

pub mod capture;
pub mod compare;
pub mod exchange;
pub mod fake;
pub mod placeholders;
pub mod record;
pub mod rules;
