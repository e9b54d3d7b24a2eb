//! Domain: CRM.COM's entities and their rules, with no HTTP and no reply
//! format: reference data, the tenant of an organisation, login sessions,
//! the access-token entity with its store, and what a tenant sends and
//! sets for its consumers (where a message goes, the outbox, wallet
//! balances). Imports only `core`.

pub mod access_token;
pub mod message_address;
pub mod outbox;
pub mod reference;
pub mod session;
pub mod tenant;
pub mod wallet_balances;
