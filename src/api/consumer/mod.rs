//! The methods a consumer app calls after logging in: its accounts
//! receivable, contact, rewards participant, wallet and communications
//! (`shared/reference/consumer-methods.md`). A user session reaches every
//! entity of its organisation; a consumer session only its own accounts
//! receivable and what hangs from it (`scope`).

pub mod accounts_receivable;
pub mod checks;
pub mod communications;
pub mod contact_information;
pub mod kept;
pub mod messages;
pub mod owners;
pub mod rewards_participants;
pub mod scope;
pub mod udf;
pub mod wallets;
