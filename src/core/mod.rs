//! Core: what every layer above may use and that knows no CRM.COM method:
//! the error catalogue, configuration, the release table, the clock, the
//! generator, secrets and JWTs. Imports nothing of the crate above it.

pub mod clock;
pub mod config;
pub mod error;
pub mod error_code;
pub mod generator;
pub mod jwt;
pub mod release;
pub mod release_facts;
pub mod secret;
pub mod slot;
