//! The CRM.COM API: the method table, the call types handlers take and
//! answer, the envelope, parameters, identifiers, `fields_set`, the reply
//! schemas, the login methods and the access-token handlers. Imports only
//! `domain` and `core`.

pub mod access_tokens;
pub mod authentication;
pub mod call;
pub mod consumer;
pub mod envelope;
pub mod fields_set;
pub mod identifiers;
pub mod login;
pub mod method;
#[cfg(any(test, feature = "testing"))]
pub mod method_tables;
pub mod methods;
pub mod params;
pub mod reference_json;
pub mod requests;
pub mod run;
pub mod schemas;
