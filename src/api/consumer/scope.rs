//! What a consumer session may reach: its own accounts receivable and what
//! hangs from it. Anything else answers the not-found error of the entity
//! asked for, as CRM.COM answers for one that does not exist, so a consumer
//! learns nothing about other accounts.

use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::reference::Kind;
use crate::domain::session::Caller;

/// Whether the entity of `kind` at position `at` of the caller's reference
/// is within its reach: every one for a user session. Lookups by a value
/// entities may share (a name) prefer those within reach, so a consumer
/// finds its own account whatever other account shares its name.
pub fn within(caller: &Caller, kind: Kind, at: usize) -> bool {
    let Some(own) = caller.accounts_receivable_id.as_deref() else {
        return true;
    };
    let r = &caller.tenant.reference;
    match kind {
        Kind::AccountsReceivable => r.accounts_receivable[at].id == own,
        Kind::RewardsParticipant => r.rewards_participants[at].accounts_receivable_id == own,
        Kind::Wallet => r.wallets[at].accounts_receivable_id == own,
        Kind::Contact => r
            .accounts_receivable(own)
            .is_some_and(|a| a.account_owner_id == r.contacts[at].id),
        _ => true,
    }
}

/// Ok when the caller may see what belongs to accounts receivable `ar_id`
/// (`None`: to no account); else `entity`'s not-found error.
pub fn reach(caller: &Caller, ar_id: Option<&str>, entity: Entity) -> ApiResult<()> {
    match caller.accounts_receivable_id.as_deref() {
        None => Ok(()),
        Some(own) if ar_id == Some(own) => Ok(()),
        Some(_) => Err(ApiError::NotFound(entity)),
    }
}

/// Ok when the caller may see contact `contact_id`: a consumer only the
/// owner of its own accounts receivable.
pub fn reach_contact(caller: &Caller, contact_id: Option<&str>) -> ApiResult<()> {
    let Some(own) = caller.accounts_receivable_id.as_deref() else {
        return Ok(());
    };
    let owner = caller
        .tenant
        .reference
        .accounts_receivable(own)
        .map(|a| a.account_owner_id.as_str());
    if contact_id.is_some() && contact_id == owner {
        Ok(())
    } else {
        Err(ApiError::NotFound(Entity::ContactInformation))
    }
}
