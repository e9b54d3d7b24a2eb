//! crmcom-emulator: a faithful, stateful emulator of the CRM.COM Web API
//! (access tokens and the login methods), for front-end development,
//! contract tests and demos.

pub mod access_tokens;
pub mod admin;
pub mod authentication;
pub mod body;
pub mod clock;
pub mod config;
pub mod dataset;
pub mod emulator;
pub mod envelope;
pub mod error;
pub mod exposure;
pub mod faults;
pub mod fields_set;
pub mod fixtures;
pub mod generator;
pub mod identifiers;
pub mod journal;
pub mod jwt;
pub mod openapi;
pub mod params;
pub mod persistence;
pub mod reference;
pub mod registry;
pub mod release;
pub mod request_log;
pub mod routes;
pub mod schemas;
pub mod secret;
pub mod server;
pub mod session;
pub mod snapshot;
pub mod state;
pub mod tenant;

pub use config::Config;
pub use emulator::{Emulator, EmulatorBuilder};
pub use error::{ApiError, ApiResult};
pub use release::Release;
pub use state::AppState;

/// The README's Rust examples compile and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
