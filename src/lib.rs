//! crmcom-emulator: a faithful, stateful emulator of the CRM.COM Web API
//! (access tokens and the login methods), for front-end development,
//! contract tests and demos.
//!
//! Embedded in a Rust test suite, an [`Emulator`] runs on a free loopback
//! port and stops when dropped:
//!
//! ```
//! use crmcom_emulator::Emulator;
//!
//! let emulator = Emulator::builder().seed(7).start().expect("start");
//! let token = emulator.login("acme").expect("login");
//! // Point your client at emulator.uri() with this login token.
//! assert!(emulator.uri().starts_with("http://127.0.0.1:"));
//! # drop(token);
//! ```
//!
//! The source is in five layers (see ARCHITECTURE.md); none of them is part
//! of the public API, which is the items re-exported here.

pub(crate) mod api;
pub(crate) mod app;
pub(crate) mod core;
pub(crate) mod domain;
pub(crate) mod edge;

pub use crate::app::journal::{Call, JournalEntry};
pub use crate::core::clock::Clock;
pub use crate::core::config::{AdminSecret, Config, Dataset};
pub use crate::core::error::{ApiError, Entity};
pub use crate::core::error_code as codes;
pub use crate::core::error_code::{ErrorCode, CATALOGUE};
pub use crate::core::release::Release;
pub use crate::edge::binary::run;
pub use crate::edge::cli::{main, Cli, Command};
pub use crate::edge::emulator::{Emulator, EmulatorBuilder, EmulatorError};

/// Internals this crate's own integration tests reach for (the state, the
/// method table, the schemas), behind the `testing` feature. No stability
/// promise: embedders use the items above.
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing {
    pub use crate::api::access_tokens::render::render;
    pub use crate::api::access_tokens::reply::render_reply;
    pub use crate::api::call::Handler;
    pub use crate::api::method_tables::{method_table, release_table};
    pub use crate::api::methods::{reply_schemas, Verb, API_PREFIX, METHODS};
    pub use crate::api::requests::{file as requests_file, request_schema};
    pub use crate::api::schemas::{ReplySchema, Schemas};
    pub use crate::app::dataset::DEMO_PASS_CODE;
    pub use crate::app::state::AppState;
    pub use crate::domain::access_token::entity::LifeCycleState;
    pub use crate::edge::admin::ADMIN_ROUTES;
    pub use crate::edge::openapi::document as openapi_document;

    /// Whether `release` shows the access-token reply field `name` (the
    /// release table's reply-field rows).
    pub fn shows_reply_field(release: crate::core::release::Release, name: &str) -> bool {
        release.has_reply_field(name)
    }

    /// Whether a success's `status.message` and `description` are `""` in
    /// `release` (before R9: `null`).
    pub fn success_status_is_text(release: crate::core::release::Release) -> bool {
        release.has(crate::core::release_facts::Behaviour::EmptyStringSuccessStatus)
    }
}

/// The README's Rust examples compile and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
