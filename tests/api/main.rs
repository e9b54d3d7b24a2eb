//! The integration tests: one binary, one emulator per test that needs a
//! fresh process, organisations to isolate the rest.
#![allow(clippy::unwrap_used)]

mod documented;
mod helpers;

mod binary;
mod concurrency;
mod consumer;
mod contract;
mod examples;
mod lifecycle_behaviour;
mod login;
mod read_negative;
mod routing;
mod secrets;
mod tenants;
mod write_behaviour;
mod write_examples;
mod write_negative;
