//! The integration tests: one binary, one emulator per test that needs a
//! fresh process, organisations to isolate the rest.
#![allow(clippy::unwrap_used)]

mod client_http;
mod documented;
mod helpers;
mod journal_bounds;
mod readme;
mod time_and_writes;
mod tls;

mod admin_controls;
mod admin_tenants;
mod architecture;
mod binary;
mod concurrency;
mod consumer;
mod consumer_flow;
mod consumer_methods;
mod consumer_scope;
mod contract;
mod demo;
mod embedding;
mod examples;
mod exposure;
mod fixture_watch;
mod lifecycle_behaviour;
mod limits;
mod login;
mod openapi_examples;
mod panics;
mod parallel_tenants;
mod parity;
mod read_negative;
mod releases;
mod robustness;
mod routing;
mod secrets;
mod state_dir;
mod tenants;
mod write_behaviour;
mod write_examples;
mod write_negative;
