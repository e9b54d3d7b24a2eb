//! The HTTP edge: the server and its dispatcher, body reading, the Host and
//! CORS rules, the request log, the admin API, the OpenAPI document and the
//! embedding handle. Nothing imports it but `lib.rs` and `main.rs`.

pub mod admin;
pub mod binary;
pub mod body;
pub mod canonical;
pub mod cli;
pub mod content_coding;
pub mod crm_call;
pub mod emulator;
pub mod emulator_error;
pub mod exposure;
pub mod gate;
pub mod health_probe;
pub mod listen;
pub mod openapi;
pub mod parity;
pub mod request_log;
pub mod root;
pub mod server;
pub mod signals;
pub mod tls;
