//! The CRM.COM access-token entity: its data, life cycle, secret attempts
//! and the store that indexes a tenant's tokens.

pub mod attempts;
pub mod cached;
mod chunked;
pub mod entity;
mod number_key;
mod number_order;
pub mod shared_store;
pub mod store;
mod unique;
