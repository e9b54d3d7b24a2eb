//! Domain: CRM.COM's entities and their rules, with no HTTP and no reply
//! format: reference data, the tenant of an organisation, login sessions and
//! the access-token entity with its store. Imports only `core`.

pub mod access_token;
pub mod reference;
pub mod session;
pub mod tenant;
