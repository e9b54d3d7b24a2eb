//! crmcom-emulator: a faithful, stateful emulator of the CRM.COM Web API
//! (access tokens and the login methods), for front-end development,
//! contract tests and demos.

pub mod api;
pub mod app;
pub mod core;
pub mod domain;
pub mod edge;

pub use crate::core::config::Config;
pub use crate::core::error::{ApiError, ApiResult};
pub use crate::core::release::Release;
pub use app::state::AppState;
pub use edge::emulator::{Emulator, EmulatorBuilder};

/// The README's Rust examples compile and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
