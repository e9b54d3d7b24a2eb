//! The identifiers that name an accounts receivable or a rewards
//! participant: by their own fields, or (R8) by an effective access token
//! of theirs, which the OTP variant of the access-token identifier (R13)
//! may name by a live one-time password.

use super::scope::within;
use crate::api::access_tokens::{find, owner_accounts_receivable};
use crate::api::call::Context;
use crate::api::identifiers::{access_token_identifier_otp, resolve_preferring};
use crate::api::params::Params;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::access_token::entity::LifeCycleState;
use crate::domain::reference::{Kind, Reference};
use crate::domain::session::Caller;

/// The fields each owner's identifier takes besides `access_token_identifier`.
fn fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::AccountsReceivable => crate::api::identifiers::ACCOUNTS_RECEIVABLE_FIELDS,
        _ => crate::api::identifiers::REWARDS_PARTICIPANT_FIELDS,
    }
}

/// The position of the accounts receivable (`kind` AccountsReceivable) or
/// rewards participant that `param` names, if it is given. By an access
/// token: its accounts receivable, or its participant (else the first of its
/// accounts receivable's). The token must be effective and one the caller
/// may see.
pub fn identified(
    cx: &Context,
    caller: &Caller,
    p: &Params,
    param: &'static str,
    kind: Kind,
) -> ApiResult<Option<usize>> {
    let reference = &caller.tenant.reference;
    let by_token = p
        .opt_object(param)?
        .and_then(|o| o.get("access_token_identifier").map(|inner| (o, inner)))
        .filter(|(_, inner)| !inner.is_null());
    let Some((object, inner)) = by_token else {
        let found = resolve_preferring(reference, p, param, kind, |at| within(caller, kind, at));
        // The group a client may choose from names the token form too.
        return found.map_err(|e| match e {
            ApiError::AtLeastOneSemiOptional(mut group) => {
                group.push("access_token_identifier");
                ApiError::AtLeastOneSemiOptional(group)
            }
            other => other,
        });
    };
    let own_fields = fields(kind);
    if own_fields
        .iter()
        .any(|f| object.get(*f).is_some_and(|v| !v.is_null()))
    {
        let mut group = own_fields.to_vec();
        group.push("access_token_identifier");
        return Err(ApiError::OnlyOneSemiOptional(group));
    }
    let inner_param = format!("{param}.access_token_identifier");
    let inner = inner
        .as_object()
        .ok_or_else(|| ApiError::invalid(&inner_param, "an object is expected"))?;
    let key = access_token_identifier_otp(&inner_param, inner)?;
    let store = caller.tenant.access_tokens.read();
    let token = find(cx, caller, &store, &key)?;
    token.require(
        LifeCycleState::Effective,
        match kind {
            Kind::AccountsReceivable => "used to identify an accounts receivable",
            _ => "used to identify a rewards participant",
        },
    )?;
    let found = match kind {
        Kind::AccountsReceivable => owner_accounts_receivable(reference, token)
            .and_then(|id| reference.find(Kind::AccountsReceivable, "id", id)),
        _ => participant_of_token(reference, token),
    };
    found.map(Some).ok_or(ApiError::NotFound(match kind {
        Kind::AccountsReceivable => Entity::AccountsReceivable,
        _ => Entity::RewardsParticipant,
    }))
}

fn participant_of_token(
    reference: &Reference,
    token: &crate::domain::access_token::entity::AccessToken,
) -> Option<usize> {
    let id = match token.rewards_participant_id.as_deref() {
        Some(id) => id.to_string(),
        None => {
            let ar = owner_accounts_receivable(reference, token)?;
            reference.participants_of(ar).next()?.id.clone()
        }
    };
    reference.find(Kind::RewardsParticipant, "id", &id)
}
